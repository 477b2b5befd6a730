"""The new-nomination form takes the award's required files and "Lưu và nộp hồ sơ"
saves, attaches and submits in one press (issue 16), through the same checks as the
nomination page's "Nộp hồ sơ": an incomplete dossier is asked about first, an ineligible
one is refused, and a refused file writes nothing."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from domain.vocabulary import Stage
from models import DossierItem, Nomination

from .files import tiny_pdf

pytestmark = pytest.mark.parametrize("backend", ["sqlite"], indirect=True)

ITEMS = ["to_trinh", "bao_cao_thanh_tich", "bien_ban_binh_xet"]


def _fields(harness, *, attested: bool = True) -> dict:
    return {
        "nominee": f"individual:{harness.ids.people['Nguyễn Thị Hoa']}",
        "award_code": "giay_khen",
        "year": "2026",
        "attestations": ["exemplary", "movement_achievement"] if attested else [],
        "action": "save_submit",
    }


def _files(codes) -> list[tuple[str, tuple[str, bytes, str]]]:
    return [(f"file-{code}", (f"{code}.pdf", tiny_pdf(code), "application/pdf")) for code in codes]


async def _counts(harness) -> tuple[int, int]:
    async with harness.factory() as session:
        nominations = (
            await session.execute(select(func.count()).select_from(Nomination))
        ).scalar_one()
        items = (await session.execute(select(func.count()).select_from(DossierItem))).scalar_one()
    return nominations, items


async def test_the_form_offers_one_file_per_required_item_of_each_award(harness, people):
    page = await people("canbo.vanphong").get("/nominations/new")
    assert 'enctype="multipart/form-data"' in page.text
    assert 'fieldset class="dossier-files" data-files-award="giay_khen"' in page.text
    for code in ITEMS:
        assert f'id="file-giay_khen-{code}" name="file-{code}" type="file"' in page.text
    assert 'value="save_submit"' in page.text and "Lưu và nộp hồ sơ" in page.text


async def test_save_and_submit_with_the_three_files(harness, people):
    unit = people("canbo.vanphong")
    response = await unit.post(
        "/nominations/new", _fields(harness), csrf_from="/nominations/new", files=_files(ITEMS)
    )
    assert response.status_code == 303, response.text[:2000]
    nomination_id = int(response.headers["location"].rsplit("/", 1)[1])
    row = await harness.wait_stage(nomination_id, Stage.RECEPTION)
    assert row.stage == Stage.RECEPTION
    async with harness.factory() as session:
        codes = sorted(
            (
                await session.execute(
                    select(DossierItem.item_code).where(DossierItem.nomination_id == nomination_id)
                )
            ).scalars()
        )
    assert codes == sorted(ITEMS)
    after = await unit.get(response.headers["location"])
    assert "Đã nộp hồ sơ đề nghị" in after.text


async def test_an_incomplete_dossier_is_asked_about_and_stays_a_draft(harness, people):
    unit = people("canbo.vanphong")
    response = await unit.post(
        "/nominations/new",
        _fields(harness),
        csrf_from="/nominations/new",
        files=_files(ITEMS[:2]),
    )
    assert response.status_code == 200
    assert (
        'id="still-missing"' in response.text and 'data-codes="bien_ban_binh_xet"' in response.text
    )
    assert 'id="submit-anyway-form"' in response.text
    async with harness.factory() as session:
        newest = (
            await session.execute(select(Nomination).order_by(Nomination.id.desc()).limit(1))
        ).scalar_one()
    assert newest.stage == Stage.DRAFT  # saved with its two files, not submitted


async def test_an_ineligible_nomination_is_saved_but_not_submitted(harness, people):
    unit = people("canbo.vanphong")
    response = await unit.post(
        "/nominations/new",
        _fields(harness, attested=False),
        csrf_from="/nominations/new",
        files=_files(ITEMS),
    )
    assert response.status_code == 422
    assert "Chưa đủ điều kiện" in response.text and 'data-stage="draft"' in response.text


async def test_a_refused_file_writes_nothing(harness, people):
    unit = people("canbo.vanphong")
    before = await _counts(harness)
    files = _files(ITEMS[:2]) + [
        ("file-bien_ban_binh_xet", ("bien_ban.pdf", b"just text", "application/pdf"))
    ]
    response = await unit.post(
        "/nominations/new", _fields(harness), csrf_from="/nominations/new", files=files
    )
    assert response.status_code == 422
    assert 'id="file-bien_ban_binh_xet-error">Chỉ nhận tệp PDF, JPEG hoặc PNG</p>' in response.text
    assert 'aria-describedby="file-bien_ban_binh_xet-error"' in response.text
    assert await _counts(harness) == before
