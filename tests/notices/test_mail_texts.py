"""Every mail kind, rendered with the contexts the workflows really send (codes for the
level and the stage, dossier item codes, a decision's context without a nominee) to each
kind of reader it goes to, reads as Vietnamese addressed to that reader:

- no English word nor code left in the Vietnamese text (a small allow-list of proper
  nouns and document codes);
- no two words glued where a filled field begins or ends;
- it says what the reader must do ("Đề nghị ...") or, where the mail only informs, that
  nothing is asked ("không cần thao tác thêm").
"""

from __future__ import annotations

import re
import unicodedata
from html.parser import HTMLParser

import pytest

from activities.notice_context import LEVEL_NAMES, STAGE_TASKS, STEP_NAMES
from activities.notices import NOTICE_KINDS, NoticeTemplates
from workflows.engine_rules import LAPSE, VOTE_THRESHOLD

pytestmark = pytest.mark.fast

BASE_URL = "https://thidua.thachkhoi.example.vn"
ACT = "act"  # the reader must do something: the mail says what ("Đề nghị ...")
INFORMED = "informed"  # nothing is asked: the mail says so
ACT_MARKER = "Đề nghị"
INFORMED_MARKER = "không cần thao tác thêm"  # in any case

UNIT, STANDING, MEMBER, CHAIRMAN = "unit_officer", "standing_officer", "council_member", "chairman"
CLERK = "clerk"
NAMED = ""  # a recipient named by user id (an assignee, a delegated signer, a head)

# As ``NominationWorkflow._notify`` builds them (workflows/nomination.py).
WARD = {
    "nominee": "Nguyễn Thị Hoa",
    "award": "Chiến sĩ thi đua cơ sở",
    "level": "ward",
    "authority": "Ủy ban nhân dân phường Thạch Khôi",
    "link": "/nominations/12",
}
CITY = {
    "nominee": "Nguyễn Thị Hoa",
    "award": "Bằng khen của Chủ tịch Ủy ban nhân dân thành phố",
    "level": "city",
    "authority": "Ủy ban nhân dân thành phố Hải Phòng",
    "link": "/nominations/41",
}
HOUSEHOLD = {
    "nominee": "Hộ gia đình ông/bà Nguyễn Văn Tâm",
    "award": "Gia đình văn hóa",
    "level": "ward",
    "authority": "Ủy ban nhân dân phường Thạch Khôi",
    "link": "/nominations/7",
}
DUE = {"due": "17:00 06/07/2027"}
# As ``DecisionWorkflow._notify`` builds them (workflows/decision.py): no nominee, the
# document's title, and for an issued one its number.
DECISION = {
    "document": "Về việc tặng Giấy khen của Chủ tịch Ủy ban nhân dân phường",
    "item_count": "3",
    "link": "/decisions/5",
    "due": "17:00 10/07/2027",
}
SUBMISSION = {
    "document": "Về việc đề nghị Ủy ban nhân dân thành phố Hải Phòng khen thưởng Bằng khen",
    "item_count": "1",
    "link": "/decisions/6",
    "due": "17:00 10/07/2027",
}
# As ``CouncilSessionWorkflow`` builds them (workflows/council_session.py).
SESSION = {
    "session_title": "Phiên họp xét khen thưởng năm 2027",
    "item_count": "4",
    "due": "17:00 20/12/2027",
    "link": "/council-sessions/3/ballot",
}
# As ``CampaignWorkflow._notify`` and ``ExemplarWorkflow._notify`` build them.
CAMPAIGN = {
    "campaign": "Phong trào thi đua giai đoạn 2026 - 2030",
    "year": "2027",
    "due": "31/03/2027",
    "link": "/campaigns/1",
}
EXEMPLAR = {
    "exemplar": "Mô hình “Tổ dân phố xanh - sạch - đẹp”",
    "unit": "Tổ dân phố số 1",
    "link": "/exemplars/2",
}

# The reasons the engine gives by itself: bilingual, the rule cited by its code.
COUNCIL_FAILED = VOTE_THRESHOLD.cite(
    "Hội đồng không thông qua: 2/5 đồng ý, 1 không đồng ý, 1 không biểu quyết (ngưỡng ≥ 80%)",
    "the council did not pass it: 2/5 agree, 1 disagree, 1 abstain (threshold ≥ 80%)",
)
LAPSED = LAPSE.cite(
    "Không nộp lại hồ sơ bổ sung trong thời hạn (17:00 15/07/2027)",
    "the dossier was not resubmitted within the time limit (17:00 15/07/2027)",
)
LAPSED_BEFORE = (
    "Đơn vị không nộp lại hồ sơ bổ sung trong thời hạn / "
    "the unit did not resubmit within the time limit"
)

# (kind, the role the reader was addressed by, context, what the mail asks of them)
CASES: list[tuple[str, str, dict[str, str], str]] = [
    ("dossier_submitted", STANDING, {**WARD, "stage": "reception", **DUE}, ACT),
    (
        "dossier_submitted",  # forwarded: the city's standing body receives the dossier
        STANDING,
        {**CITY, "stage": "reception", **DUE, "unit": "Ủy ban nhân dân phường Thạch Khôi"},
        ACT,
    ),
    ("dossier_received", UNIT, {**WARD, "stage": "awaiting_council", **DUE}, INFORMED),
    ("dossier_received", UNIT, {**HOUSEHOLD, "stage": "public_notice", **DUE}, INFORMED),
    ("dossier_received", STANDING, {**CITY, "stage": "awaiting_council", **DUE}, INFORMED),
    (
        "returned_for_supplement",
        UNIT,
        {
            **WARD,
            "stage": "returned",
            **DUE,
            "reason": "Thiếu biên bản họp bình xét",
            "missing_items": "bien_ban_binh_xet, to_trinh",
        },
        ACT,
    ),
    (
        "returned_for_supplement",  # the city returns it: the ward's standing body supplements
        STANDING,
        {
            **CITY,
            "stage": "returned",
            **DUE,
            "reason": "Thiếu ý kiến",
            "missing_items": "y_kien_cap_uy",
        },
        ACT,
    ),
    ("resubmitted", STANDING, {**WARD, "stage": "reception", **DUE}, ACT),
    (
        "lapsed",
        UNIT,
        {**WARD, "stage": "lapsed", "reason": LAPSED},
        INFORMED,
    ),
    (  # a nomination started before the engine cited its rules
        "lapsed",
        UNIT,
        {**WARD, "stage": "lapsed", "reason": LAPSED_BEFORE},
        INFORMED,
    ),
    ("public_notice_posted", UNIT, {**HOUSEHOLD, "stage": "public_notice", **DUE}, INFORMED),
    (
        "objection_lodged",
        STANDING,
        {**HOUSEHOLD, "stage": "public_notice", "reason": "Gia đình chưa tham gia sinh hoạt"},
        ACT,
    ),
    (
        "objection_resolved",
        UNIT,
        {**HOUSEHOLD, "stage": "public_notice", "reason": "Đã xác minh, không có cơ sở"},
        INFORMED,
    ),
    ("ballot_open", MEMBER, SESSION, ACT),
    ("ballot_reminder", MEMBER, SESSION, ACT),
    (
        "session_closed",
        STANDING,
        {"session_title": SESSION["session_title"], "link": "/council-sessions/3"},
        ACT,
    ),
    ("signature_requested", CHAIRMAN, DECISION, ACT),
    ("signature_requested", NAMED, SUBMISSION, ACT),  # delegated to a vice-chairman
    ("document_sent_back", STANDING, {**DECISION, "reason": "Sai tên một người"}, ACT),
    ("issue_requested", CLERK, {**DECISION, "decision_number": "12/QĐ-UBND"}, ACT),
    ("reminder", STANDING, {**WARD, "stage": "reception", **DUE}, ACT),
    ("reminder", UNIT, {**WARD, "stage": "returned", **DUE}, ACT),
    ("reminder", STANDING, {**WARD, "stage": "awaiting_council", **DUE}, ACT),
    ("reminder", NAMED, {**WARD, "stage": "awaiting_decision", **DUE}, ACT),  # the assignee
    ("reminder", CHAIRMAN, DECISION, ACT),  # the signer
    ("reassigned", NAMED, {**WARD, "stage": "reception", **DUE, "reason": "Nghỉ phép"}, ACT),
    ("escalation", CHAIRMAN, {**WARD, "stage": "reception", **DUE}, ACT),
    ("escalation", STANDING, DECISION, ACT),
    ("escalation", CHAIRMAN, DECISION, ACT),
    (
        "deadline_extended",
        STANDING,
        {**WARD, "stage": "awaiting_council", **DUE, "reason": "Chờ ý kiến cấp ủy"},
        ACT,
    ),
    ("granted", UNIT, {**DECISION, "decision_number": "12/QĐ-UBND"}, ACT),
    ("forwarded", UNIT, {**SUBMISSION, "decision_number": "05/TTr-UBND"}, INFORMED),
    ("forwarded", STANDING, {**SUBMISSION, "decision_number": "05/TTr-UBND"}, ACT),
    (
        "refused",
        UNIT,
        {**WARD, "stage": "refused", "reason": COUNCIL_FAILED},
        INFORMED,
    ),
    (
        "refused",
        STANDING,  # the ward's standing body, when the city's council refuses
        {**CITY, "stage": "refused", "reason": "Không đủ tiêu chuẩn về sáng kiến cấp thành phố"},
        INFORMED,
    ),
    (
        "rejected",
        UNIT,
        {**HOUSEHOLD, "stage": "rejected", "reason": "Ý kiến phản ánh được chấp nhận: có vi phạm"},
        INFORMED,
    ),
    ("withdrawn", UNIT, {**WARD, "stage": "withdrawn", "reason": "Cá nhân xin rút"}, INFORMED),
    ("withdrawn", STANDING, {**WARD, "stage": "withdrawn", "reason": "Cá nhân xin rút"}, INFORMED),
    (
        "revoked",
        UNIT,
        {
            "nominee": "Nguyễn Thị Hoa",
            "award": "Giấy khen của Chủ tịch Ủy ban nhân dân phường",
            "decision_number": "12/QĐ-UBND",
            "reason": "Khai man thành tích (Điều 93 Luật Thi đua, khen thưởng số 06/2022/QH15)",
            "link": "/nominations/12",
        },
        ACT,
    ),
    ("registration_open", UNIT, CAMPAIGN, ACT),
    ("registration_reminder", UNIT, {**CAMPAIGN, "unit": "Trường Tiểu học Thạch Khôi"}, ACT),
    ("review_requested", UNIT, {**CAMPAIGN, "milestone": "sơ kết giai đoạn 1"}, ACT),
    ("household_review_due", UNIT, {**CAMPAIGN, "due": "25/11/2027"}, ACT),
    ("dossiers_due", UNIT, {**CAMPAIGN, "due": "10/12/2027"}, ACT),
    ("exemplar_follow_up_due", UNIT, {**EXEMPLAR, "due": "30/06/2027"}, ACT),
    (
        "exemplar_escalation",
        NAMED,
        {**EXEMPLAR, "due": "30/06/2027", "assignee": "Ngô Thị Mai"},
        ACT,
    ),
    ("exemplar_assessment_requested", UNIT, {**EXEMPLAR, "milestone": "sơ kết giai đoạn 1"}, ACT),
    ("exemplar_published", UNIT, EXEMPLAR, ACT),
    ("exemplar_publish_requested", UNIT, EXEMPLAR, ACT),
]

# Proper nouns and document codes a Vietnamese mail may carry in Latin letters.
ALLOWED_WORDS = {"UBND", "TTr", "QH", "PDF"}
# A syllable of Vietnamese written without diacritics (initial, vowels, final): any other
# word of plain ASCII letters is taken for English or a code.
VIETNAMESE_PLAIN = re.compile(
    r"(ngh|ng|nh|ch|gh|gi|kh|ph|qu|th|tr|b|c|d|g|h|k|l|m|n|p|r|s|t|v|x)?"
    r"(oai|oay|uya|uye|uyu|ai|ao|au|ay|eo|ia|iu|oa|oe|oi|ua|ui|uy|a|e|i|o|u|y)"
    r"(ch|ng|nh|c|m|n|p|t)?"
)
WORD = re.compile(r"[^\W\d_]+(?:_[^\W\d_]+)*", re.UNICODE)
URL = re.compile(r"https?://\S+")
LEFTOVER = re.compile(r"\{\{|\{%|\bNone\b|Undefined|\w+_\w+")
GLUE_ALLOWED = {"TTr"}


class _Text(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.parts: list[str] = []

    def handle_data(self, data: str) -> None:
        self.parts.append(data)

    def handle_starttag(self, tag, attrs) -> None:
        self.parts.append(" ")

    def handle_endtag(self, tag) -> None:
        self.parts.append(" ")


def html_text(html: str) -> str:
    parser = _Text()
    parser.feed(html)
    return " ".join("".join(parser.parts).split())


def english_words(text: str) -> list[str]:
    found = []
    for word in WORD.findall(URL.sub(" ", text)):
        if word in ALLOWED_WORDS or not word.isascii():
            continue
        if "_" in word or not VIETNAMESE_PLAIN.fullmatch(word.lower()):
            found.append(word)
    return found


def glued_words(text: str) -> list[str]:
    """Words that are two glued together: a lower-case letter right before an upper-case
    one ("khenThưởng"), or an acronym run straight into a lower-case word ("TĐKTthành")."""
    glued = []
    for word in WORD.findall(URL.sub(" ", text)):
        if word in GLUE_ALLOWED:
            continue
        pairs = list(zip(word, word[1:], strict=False))
        lower_then_upper = any(a.islower() and b.isupper() for a, b in pairs)
        capitals = next((i for i, c in enumerate(word) if not c.isupper()), len(word))
        acronym_then_word = capitals >= 2 and len(word) - capitals >= 2
        if lower_then_upper or acronym_then_word:
            glued.append(word)
    return glued


def glued_at_fields(text: str, values: list[str]) -> list[str]:
    """Each filled value where a letter or digit touches it from outside."""
    glued = []
    for value in values:
        for match in re.finditer(re.escape(value), text):
            before = text[match.start() - 1] if match.start() else " "
            after = text[match.end()] if match.end() < len(text) else " "
            if (before.isalnum() and value[0].isalnum()) or (
                after.isalnum() and value[-1].isalnum()
            ):
                glued.append(text[max(match.start() - 15, 0) : match.end() + 15])
    return glued


def filled_values(context: dict[str, str]) -> list[str]:
    """The field values as a mail may print them: the context's texts (not its codes) and
    the words the activity puts for the codes."""
    values = [v for k, v in context.items() if k not in ("link", "level", "stage", "missing_items")]
    values += list(LEVEL_NAMES.values()) + list(STEP_NAMES.values()) + list(STAGE_TASKS.values())
    return [v for v in values if any(ch.isalpha() for ch in v)]


templates = NoticeTemplates()


def test_every_kind_is_covered():
    assert {kind for kind, *_ in CASES} == set(NOTICE_KINDS)


@pytest.mark.parametrize(
    ("kind", "role", "context", "asked"),
    CASES,
    ids=[f"{kind}-{role or 'named'}-{i}" for i, (kind, role, _, _) in enumerate(CASES)],
)
def test_mail_is_vietnamese_unglued_and_says_what_to_do(kind, role, context, asked):
    problems = problems_of(kind, role, context, asked)
    assert problems == [], "\n".join(problems)


# The authority of each level, as a nomination's context names it.
AUTHORITIES = {
    "ward": "Ủy ban nhân dân phường Thạch Khôi",
    "city": "Ủy ban nhân dân thành phố Hải Phòng",
    "central": "Thủ tướng Chính phủ",
}
LEVEL_CASES = [
    (kind, role, {**context, "level": level, "authority": AUTHORITIES[level]}, asked)
    for kind, role, context, asked in CASES
    if "level" in context
    for level in AUTHORITIES
    if level != context["level"]
]


@pytest.mark.parametrize(
    ("kind", "role", "context", "asked"),
    LEVEL_CASES,
    ids=[
        f"{kind}-{c['level']}-{role or 'named'}-{i}"
        for i, (kind, role, c, _) in enumerate(LEVEL_CASES)
    ],
)
def test_mail_reads_right_at_every_level(kind, role, context, asked):
    """The same mails about a nomination handled at the ward, the city or the centre."""
    problems = problems_of(kind, role, context, asked)
    assert problems == [], "\n".join(problems)
    notice = templates.render(kind, context, recipient_roles=(role,) if role else ())
    assert f"({context['level']})" not in notice.body_text + notice.subject


def problems_of(kind: str, role: str, context: dict[str, str], asked: str) -> list[str]:
    """What is wrong with this mail, rendered to a reader addressed by ``role``."""
    notice = templates.render(
        kind,
        context,
        recipient_name="Trần Văn Bình",
        recipient_roles=(role,) if role else (),
        base_url=BASE_URL,
    )
    parts = {
        "subject": notice.subject,
        "body": notice.body_text,
        "text": notice.text,
        "html": html_text(notice.html),
    }
    problems = []
    for part, text in parts.items():
        assert unicodedata.is_normalized("NFC", text)
        if words := english_words(text):
            problems.append(f"{part}: English or code words {words}")
        if leftovers := LEFTOVER.findall(URL.sub(" ", text)):
            problems.append(f"{part}: left over {leftovers}")
        if glued := glued_at_fields(text, filled_values(context)):
            problems.append(f"{part}: glued at a field {glued}")
        if glued := glued_words(text):
            problems.append(f"{part}: glued words {glued}")
    body = notice.body_text
    if asked == ACT and ACT_MARKER not in body:
        problems.append(f"the body asks nothing of the {role or 'named'} reader: {body!r}")
    if asked == INFORMED and INFORMED_MARKER not in body.lower():
        problems.append(f"the body does not say that nothing is asked: {body!r}")
    if asked == INFORMED and ACT_MARKER in body:
        problems.append(f"the body asks something of a reader who only needs to know: {body!r}")
    return problems


def test_dossier_items_are_named_not_coded():
    notice = templates.render(
        "returned_for_supplement",
        {**WARD, "stage": "returned", "missing_items": "bien_ban_binh_xet, Giấy xác nhận, có dấu"},
        recipient_roles=(UNIT,),
    )
    assert "- Biên bản bình xét thi đua (kèm kết quả bỏ phiếu, nếu có)\n" in notice.body_text
    assert "- Giấy xác nhận, có dấu\n" in notice.body_text + "\n"


def test_every_level_and_stage_has_its_words():
    from domain.vocabulary import Level, Stage

    assert set(LEVEL_NAMES) == {level.value for level in Level}
    assert set(STEP_NAMES) == {stage.value for stage in Stage}
    assert set(STAGE_TASKS) == {stage.value for stage in Stage if not stage.is_terminal} - {"draft"}
