"""The standing body's nomination page and the registration form (issue 16, points 9 and
11): the verdict the unit saw is shown to the standing body, the rare forms are folded
unless they carry an error, a return lists only the items the award requires, and the
registration offers each kind of registrant only its own titles."""

from __future__ import annotations

import re

import pytest

from tests.campaigns.helpers import open_registration, plan_campaign, this_year

pytestmark = pytest.mark.parametrize("backend", ["sqlite"], indirect=True)


def section(html: str, marker: str) -> str:
    start = html.index(marker)
    return html[start : html.index("</form>", start)]


async def test_standing_page_shows_the_verdict_and_folds_rare_forms(harness, people):
    nomination_id = (await harness.nominate())["id"]  # complete dossier, at reception
    page = f"/nominations/{nomination_id}"
    standing = await people("thuongtruc").get(page)
    assert 'id="eligibility"' in standing.text and 'data-eligible="yes"' in standing.text
    assert 'id="verdict-under"' in standing.text and "Nghị định" in standing.text
    for cmd in ("return_for_supplement", "extend_deadline", "reassign"):
        assert f'<details class="rare" id="rare-{cmd}">' in standing.text, cmd
    assert 'id="rare-accept_dossier"' not in standing.text  # the usual step stays open
    # The unit that proposed it sees its page without the standing body's check.
    unit = await people("canbo.vanphong").get(page)
    assert 'id="eligibility"' not in unit.text

    # A folded form with an error comes back open, the message next to its field.
    refused = await people("thuongtruc").post(
        f"{page}/do/extend_deadline", {"working_days": "0", "reason": "x"}, csrf_from=page
    )
    assert refused.status_code == 422
    assert '<details class="rare" id="rare-extend_deadline" open>' in refused.text
    assert 'id="extend_deadline-working_days-error"' in refused.text
    assert '<details class="rare" id="rare-reassign">' in refused.text


async def test_return_form_lists_only_the_required_items(harness, people):
    nomination_id = (await harness.nominate(items=["to_trinh"]))["id"]
    page = f"/nominations/{nomination_id}"
    standing = people("thuongtruc")
    view = await standing.get(page)
    # Something required is missing: returning is likely, so the form stays open.
    assert '<details class="rare" id="rare-return_for_supplement"' not in view.text
    form = section(view.text, 'id="form-return_for_supplement"')
    offered = re.findall(r'name="missing_items" value="([a-z_]+)"', form)
    assert offered == ["to_trinh", "bao_cao_thanh_tich", "bien_ban_binh_xet"], offered
    refused = await standing.post(
        f"{page}/do/return_for_supplement",
        {"missing_items": ["y_kien_cap_uy"], "reason": "Thiếu ý kiến"},
        csrf_from=page,
    )
    assert refused.status_code == 422
    assert "không áp dụng cho đề nghị này" in refused.text
    assert 'id="return_for_supplement-missing_items-error"' in refused.text


async def test_registration_form_groups_titles_by_registrant(harness, people):
    campaign_id = await plan_campaign(harness, await this_year(harness) + 1)
    await harness.ok("thuongtruc", f"/api/v1/campaigns/{campaign_id}/launch")
    await open_registration(harness, campaign_id)
    page = f"/campaigns/{campaign_id}/registrations"
    form = (await people("canbo.vanphong").get(page)).text

    def offered(registrant: str) -> list[str]:
        start = form.index(f'id="register-awards-{registrant}"')
        group = form[start : form.index("</fieldset>", start)]
        return re.findall(r'name="target_awards" value="([a-z_]+)"', group)

    unit, person = offered("unit"), offered("person")
    assert "ttldtt" in unit and "giay_khen" in unit
    assert not {"ldtt", "cstdcs", "gd_van_hoa"} & set(unit), unit
    assert "ldtt" in person and "cstdcs" in person and "giay_khen" in person
    assert not {"ttldtt", "tdp_van_hoa", "gd_van_hoa"} & set(person), person


async def test_summary_is_said_to_be_printed_and_the_standing_body_corrects_it(harness, people):
    new = await people("canbo.vanphong").get("/nominations/new")
    assert 'id="achievement_summary-help"' in new.text
    assert "được in nguyên văn trên Giấy khen" in new.text

    nomination_id = (await harness.nominate())["id"]
    page = f"/nominations/{nomination_id}"
    unit_view = await people("canbo.vanphong").get(page)
    assert 'id="form-summary"' not in unit_view.text
    standing = people("thuongtruc")
    view = await standing.get(page)
    assert '<details class="rare" id="rare-summary">' in view.text
    assert "Hoàn thành xuất sắc nhiệm vụ năm 2026</textarea>" in view.text

    empty = await standing.post(f"{page}/summary", {"achievement_summary": " "}, csrf_from=page)
    assert empty.status_code == 422
    assert '<details class="rare" id="rare-summary" open>' in empty.text
    assert 'id="summary-achievement_summary-error"' in empty.text

    done = await standing.post(
        f"{page}/summary",
        {"achievement_summary": "Dẫn đầu phong trào thi đua năm 2026"},
        csrf_from=page,
    )
    assert done.status_code == 303
    after = await standing.get(page)
    assert "Dẫn đầu phong trào thi đua năm 2026" in after.text
    assert 'data-action="summary_corrected"' in after.text  # on the timeline
