"""Every mail template renders in Vietnamese, with all keys and with none, and documents
the context keys it uses. (What each mail says to each reader, with the contexts the
workflows really send: ``test_mail_texts.py``.)"""

from __future__ import annotations

import re
import unicodedata

import pytest
from jinja2 import meta

from activities.notices import MAIL_TEMPLATES_DIR, NOTICE_KINDS, NoticeTemplates, absolute_link

pytestmark = pytest.mark.fast

BASE_URL = "https://thidua.thachkhoi.example.vn"
# What a workflow may put in a notice's context, formatted as the workflows do.
FULL_CONTEXT = {
    "nominee": "Nguyễn Thị Lan",
    "award": "Chiến sĩ thi đua cơ sở",
    "level": "city",  # codes, as the workflows send them: the activity puts them in words
    "stage": "reception",
    "authority": "Ủy ban nhân dân phường Thạch Khôi",
    "from_authority": "Ủy ban nhân dân phường Thạch Khôi",
    "unit": "Trường Tiểu học Thạch Khôi",
    "due": "17:00 05/01/2027",
    "reason": "Thiếu biên bản họp bình xét",
    "missing_items": "Biên bản bình xét\nBáo cáo thành tích (Mẫu 05)",
    "decision_number": "12/QĐ-UBND",
    "decision_date": "05/01/2027",
    "submission_number": "05/TTr-UBND",
    "revocation_number": "30/QĐ-UBND",
    "session_title": "Phiên họp Hội đồng Thi đua - Khen thưởng ngày 20/12/2026",
    "item_count": "5",
    "result": "4 trong 5 hồ sơ đạt",
    "document": "Quyết định khen thưởng",
    "task": "kiểm tra hồ sơ",
    "assignee": "Phạm Minh Đức",
    "actor": "Trường Tiểu học Thạch Khôi",
    "outcome": "dismissed",
    "campaign": "Phong trào thi đua giai đoạn 2026 - 2030",
    "year": "2027",
    "milestone": "sơ kết giai đoạn 1",
    "exemplar": "Mô hình “Tổ dân phố xanh - sạch - đẹp”",
    "link": "/nominations/12",
}
# Keys the activity adds (activities/notice_context.py), and the workflow keys each is
# made from.
DERIVED: dict[str, tuple[str, ...]] = {
    "recipient_name": (),
    "recipient_roles": (),
    "base_url": (),
    "subject": (),
    "link_url": ("link",),
    "missing_list": ("missing_items",),
    "level_name": ("level",),
    "step_name": ("stage",),
    "task_name": ("task", "stage", "document"),
}
LEFTOVERS = re.compile(r"\{\{|\{%|\bNone\b|Undefined|“”|\(\)|\s[.,;:]|\S  +\S")


def assert_clean(text: str) -> None:
    """No template syntax, no empty value left behind (\"None\", empty quotes or
    brackets, a space before punctuation, doubled spaces)."""
    for line in text.splitlines():
        assert not LEFTOVERS.search(line.strip()), line


templates = NoticeTemplates()


def test_each_kind_has_a_text_and_an_html_template():
    files = {p.stem for p in MAIL_TEMPLATES_DIR.glob("*.txt")} - {"base"}
    assert files == set(NOTICE_KINDS)
    assert all(templates.has(kind) for kind in NOTICE_KINDS)
    assert not templates.has("base.txt") and not templates.has("../pages/base")


@pytest.mark.parametrize("kind", NOTICE_KINDS)
def test_renders_vietnamese_with_every_key(kind: str):
    notice = templates.render(kind, FULL_CONTEXT, recipient_name="Trần Văn Bình", base_url=BASE_URL)

    for text in (notice.subject, notice.body_text, notice.text, notice.html):
        assert unicodedata.is_normalized("NFC", text)  # precomposed diacritics
        assert_clean(text)
    assert "\n" not in notice.subject and len(notice.subject) <= 255
    assert notice.text.startswith("Kính gửi Trần Văn Bình,\n\n")
    assert notice.body_text in notice.text
    assert f"{BASE_URL}/nominations/12" in notice.text
    assert notice.html.startswith("<!doctype html>") and '<html lang="vi">' in notice.html
    assert f'href="{BASE_URL}/nominations/12"' in notice.html
    assert "<p>" not in notice.text


@pytest.mark.parametrize("kind", NOTICE_KINDS)
def test_renders_sensibly_without_any_optional_key(kind: str):
    notice = templates.render(kind, {})

    assert notice.subject and notice.body_text
    for text in (notice.subject, notice.body_text, notice.text, notice.html):
        assert_clean(text)
    assert "Kính gửi Quý đồng chí," in notice.text
    assert "href=" not in notice.html and "Xem chi tiết:" not in notice.text


@pytest.mark.parametrize("kind", NOTICE_KINDS)
@pytest.mark.parametrize("extension", ["txt", "html"])
def test_documents_exactly_the_context_keys_it_uses(kind: str, extension: str):
    source = (MAIL_TEMPLATES_DIR / f"{kind}.{extension}").read_text(encoding="utf-8")
    header = re.match(r"\{#(.*?)#\}", source, re.S)
    assert header, "the template starts with a comment"
    keys_line = re.search(r"context keys \(all optional\): (.*)", header.group(1))
    assert keys_line, "the comment lists the context keys"
    documented = {
        re.sub(r"\s*\(.*", "", key).strip()
        for key in re.split(r",\s*(?![^()]*\))", keys_line.group(1))
    }

    used = {
        key
        for name in meta.find_undeclared_variables(templates._env.parse(source))
        for key in DERIVED.get(name, (name,))
    }
    assert used <= documented, f"used but not documented: {used - documented}"
    assert documented - used <= {"link"}, f"documented but unused: {documented - used - {'link'}}"


def test_links_are_made_absolute_and_only_http_kept():
    assert absolute_link("/ballots/4", BASE_URL + "/") == f"{BASE_URL}/ballots/4"
    assert absolute_link("https://other.example/x", BASE_URL) == "https://other.example/x"
    for unsafe in ("javascript:alert(1)", "//evil.example/x", "data:text/html,x", "ballots/4"):
        assert absolute_link(unsafe, BASE_URL) == ""
