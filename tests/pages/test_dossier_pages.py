"""The unit officer's nomination pages (issue 16): «Xóa» and «Thay tệp» on the rows of
the dossier (point 3), the campaign field of a new nomination (point 4), and the warning
and flag when the proposer names themself or their household (point 12)."""

from __future__ import annotations

import re

import pytest
from sqlalchemy import select

from domain.vocabulary import Stage
from models import DossierItem
from tests.campaigns.helpers import launch_campaign, this_year

from .files import tiny_pdf

pytestmark = pytest.mark.parametrize("backend", ["sqlite"], indirect=True)

ATTESTATIONS = ["exemplary", "movement_achievement"]


def location(response) -> str:
    assert response.status_code == 303, (response.status_code, response.text[:3000])
    return response.headers["location"]


def flash_of(page) -> str:
    match = re.search(r'id="flash">([^<]*)<', page.text)
    return match.group(1) if match else ""


async def items_of(harness, nomination_id: int) -> list[DossierItem]:
    async with harness.factory() as session:
        return list(
            (
                await session.execute(
                    select(DossierItem)
                    .where(DossierItem.nomination_id == nomination_id)
                    .order_by(DossierItem.id)
                )
            ).scalars()
        )


async def new_draft(unit, harness, person: str = "Nguyễn Thị Hoa", **extra) -> int:
    saved = await unit.post(
        "/nominations/new",
        {
            "nominee": f"individual:{harness.ids.people[person]}",
            "award_code": "giay_khen",
            "year": str(await this_year(harness)),
            "attestations": ATTESTATIONS,
            "action": "save",
            **extra,
        },
        csrf_from="/nominations/new",
    )
    return int(location(saved).rsplit("/", 1)[1])


async def send_file(unit, page: str, code: str, name: str, body: bytes):
    return await unit.post(
        f"{page}/files",
        {"item_code": code},
        csrf_from=page,
        files={"file": (name, body, "application/pdf")},
    )


async def test_a_draft_file_is_replaced_or_deleted_from_its_row(harness, people):
    unit = people("canbo.vanphong")
    nomination_id = await new_draft(unit, harness)
    page = f"/nominations/{nomination_id}"
    location(await send_file(unit, page, "to_trinh", "nham.pdf", tiny_pdf("nham")))
    [item] = await items_of(harness, nomination_id)
    view = await unit.get(page)
    assert (
        f'id="item-{item.id}-delete"' in view.text and f'id="item-{item.id}-replace"' in view.text
    )
    # The standing body sees the draft, but none of these forms.
    seen = await people("thuongtruc").get(page)
    assert seen.status_code == 200 and f'id="item-{item.id}-delete"' not in seen.text
    assert f'id="item-{item.id}-replace"' not in seen.text

    # A second tờ trình is not silently added: the form says to replace the first.
    again = await send_file(unit, page, "to_trinh", "dung.pdf", tiny_pdf("dung"))
    assert again.status_code == 422 and "Thay tệp" in again.text
    assert len(await items_of(harness, nomination_id)) == 1

    # «Thay tệp» on the row: without a file, the message is next to the field.
    missing = await unit.post(f"{page}/files/{item.id}/replace", {}, csrf_from=page)
    assert missing.status_code == 422
    assert f'id="item-{item.id}-file-error">Vui lòng chọn</p>' in missing.text
    replaced = await unit.post(
        f"{page}/files/{item.id}/replace",
        {},
        csrf_from=page,
        files={"file": ("dung.pdf", tiny_pdf("dung"), "application/pdf")},
    )
    after = await unit.get(location(replaced))
    assert flash_of(after) == "Đã thay tệp bằng dung.pdf"
    [current] = await items_of(harness, nomination_id)
    assert current.file_name == "dung.pdf"

    # A form without its token is refused and removes nothing.
    forged = await unit.post(f"{page}/files/{current.id}/delete", {"csrf_token": "x"})
    assert forged.status_code == 403 and len(await items_of(harness, nomination_id)) == 1
    # Someone of another unit cannot remove it.
    other = people("canbo.tdp1")
    assert (await other.post(f"{page}/files/{current.id}/delete", csrf_from="/")).status_code == 403
    deleted = await unit.post(f"{page}/files/{current.id}/delete", csrf_from=page)
    after = await unit.get(location(deleted))
    assert flash_of(after) == "Đã xóa tệp dung.pdf khỏi hồ sơ"
    assert await items_of(harness, nomination_id) == []
    timeline = after.text.split('id="timeline"')[1]
    assert 'data-action="dossier_item_replaced"' in timeline
    assert 'data-action="dossier_item_deleted"' in timeline and "Xóa tệp khỏi hồ sơ" in timeline


async def test_a_returned_file_is_replaced_and_the_old_one_listed(harness, people):
    unit = people("canbo.vanphong")
    nomination_id = await new_draft(unit, harness)
    page = f"/nominations/{nomination_id}"
    for code in ("to_trinh", "bao_cao_thanh_tich", "bien_ban_binh_xet"):
        location(await send_file(unit, page, code, f"{code}.pdf", tiny_pdf(code)))
    location(await unit.post(f"{page}/submit", csrf_from=page))
    await harness.wait_recorded(nomination_id)
    standing = people("thuongtruc")
    location(
        await standing.post(
            f"{page}/do/return_for_supplement",
            {"missing_items": ["to_trinh"], "reason": "Tờ trình ký sai người"},
            csrf_from=page,
        )
    )
    await harness.wait_stage(nomination_id, Stage.RETURNED)
    view = await unit.get(page)
    old = next(i for i in await items_of(harness, nomination_id) if i.item_code == "to_trinh")
    assert f'id="item-{old.id}-replace"' in view.text
    assert f'id="item-{old.id}-delete"' not in view.text  # submitted: replaced, never deleted
    assert "tệp cũ được giữ lại làm phiên bản trước" in view.text

    replaced = await unit.post(
        f"{page}/files/{old.id}/replace",
        {},
        csrf_from=page,
        files={"file": ("to-trinh-moi.pdf", tiny_pdf("moi"), "application/pdf")},
    )
    location(replaced)
    seen = await standing.get(page)
    earlier = seen.text.split('id="earlier-versions"')[1].split("</table>")[0]
    link = f"/api/v1/nominations/{nomination_id}/dossier-items/{old.id}/file"
    assert "to_trinh.pdf" in earlier and link in earlier
    current = seen.text.split('id="dossier"')[1].split('id="earlier-versions"')[0]
    assert "to-trinh-moi.pdf" in current and "to_trinh.pdf" not in current
    assert (await standing.get(link)).content == tiny_pdf("to_trinh")


async def test_the_new_nomination_counts_toward_the_open_campaign(harness, people):
    unit = people("canbo.vanphong")
    year = await this_year(harness)
    form = await unit.get("/nominations/new")
    assert 'id="campaign_id"' not in form.text  # no campaign running: no field
    campaign_id = await launch_campaign(harness, year)
    form = await unit.get("/nominations/new")
    # The ward's one running campaign is chosen already.
    assert re.search(rf'<option value="{campaign_id}" selected>', form.text), form.text
    # A campaign that is not running for the unit is refused next to the field.
    refused = await unit.post(
        "/nominations/new",
        {
            "nominee": f"individual:{harness.ids.people['Nguyễn Thị Hoa']}",
            "award_code": "giay_khen",
            "year": str(year),
            "campaign_id": "987654",
            "action": "save",
        },
        csrf_from="/nominations/new",
    )
    assert refused.status_code == 422
    assert 'id="campaign_id-error">Phong trào này không đang diễn ra ở đơn vị</p>' in refused.text

    nomination_id = await new_draft(unit, harness, campaign_id=str(campaign_id))
    nomination = await harness.nomination(nomination_id)
    assert nomination.campaign_id == campaign_id
    # Submitted, it is one of the campaign's nominations in its report.
    page = f"/nominations/{nomination_id}"
    location(await unit.post(f"{page}/submit", {"confirm_incomplete": "yes"}, csrf_from=page))
    await harness.wait_recorded(nomination_id)
    report = (await harness.get("thuongtruc", f"/api/v1/campaigns/{campaign_id}/report")).json()
    assert report["nominations"] == 1, report
    # Filed without a campaign on purpose, it counts toward none.
    none = await harness.nomination(await new_draft(unit, harness, campaign_id=""))
    assert none.campaign_id is None


async def test_proposing_oneself_is_warned_and_flagged(harness, people):
    unit = people("canbo.vanphong")
    nam = harness.ids.people["Hoàng Văn Nam"]  # the person canbo.vanphong is
    form = await unit.get("/nominations/new")
    assert f'value="individual:{nam}" data-self="yes"' in form.text
    assert re.search(r'id="self-proposal-warning" hidden>', form.text)
    # Checked or refused with the own name chosen, the warning shows without script.
    checked = await unit.post(
        "/nominations/new",
        {"nominee": f"individual:{nam}", "award_code": "giay_khen", "year": "19"},
        csrf_from="/nominations/new",
    )
    assert re.search(r'id="self-proposal-warning">', checked.text)

    own = await new_draft(unit, harness, person="Hoàng Văn Nam")
    other = await new_draft(unit, harness)
    draft = await unit.get(f"/nominations/{own}")
    assert 'id="self-proposal-warning"' in draft.text and 'id="self-proposed-flag"' in draft.text
    assert 'id="self-proposal-warning"' not in (await unit.get(f"/nominations/{other}")).text

    # Submitted (as the harness submits it), the standing body sees the flag in its lists
    # and on the nomination.
    submitted_own = (await harness.nominate(person="Hoàng Văn Nam"))["id"]
    submitted_other = (await harness.nominate(person="Nguyễn Thị Hoa"))["id"]
    standing = people("thuongtruc")
    for listing in ("/dossiers", "/nominations"):
        text = (await standing.get(listing)).text
        own_row = text.split(f'data-nomination="{submitted_own}"')[1].split("</tr>")[0]
        other_row = text.split(f'data-nomination="{submitted_other}"')[1].split("</tr>")[0]
        assert "Người đề nghị tự đề nghị cho mình/hộ mình" in own_row, listing
        assert "tự đề nghị" not in other_row, listing
    seen = await standing.get(f"/nominations/{submitted_own}")
    assert 'id="self-proposed-flag"' in seen.text
    assert 'id="self-proposal-warning"' not in seen.text  # the warning is the proposer's


async def test_the_upload_form_offers_what_the_award_needs_first(harness, people):
    """The upload form of a draft groups its choices: the items the award requires at the
    nomination's level, then every other kind (still allowed)."""
    unit = people("canbo.vanphong")
    nomination_id = await new_draft(unit, harness)
    view = await unit.get(f"/nominations/{nomination_id}")
    form = view.text.split('id="upload-form"')[1].split("</form>")[0]
    groups = re.findall(r'<optgroup label="([^"]+)">(.*?)</optgroup>', form)
    assert [label for label, _ in groups] == ["Hồ sơ danh hiệu này cần", "Thành phần khác"]
    needed = re.findall(r'<option value="([a-z_]+)"', groups[0][1])
    other = re.findall(r'<option value="([a-z_]+)"', groups[1][1])
    assert "to_trinh" in needed and "bao_cao_thanh_tich" in needed
    assert "danh_sach_ho_gia_dinh" in other and not set(needed) & set(other)
    assert len(needed) + len(other) == 8  # every kind is still offered once
