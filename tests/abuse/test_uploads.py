"""Oversized and wrong-type uploads are refused with a 422 naming the field, and nothing
is stored: no dossier row, no file in the file store — through the JSON API, the page
form and the public verification endpoint."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import func, select

from models import DossierItem

from ..pages.conftest import Person
from ..pages.files import tiny_pdf, tiny_png

pytestmark = pytest.mark.parametrize("backend", ["sqlite"], indirect=True)

LIMIT = 10 * 1024 * 1024  # the default THIDUA_UPLOAD_MAX_BYTES


def stored_files(root: Path) -> list[Path]:
    return [p for p in root.rglob("*") if p.is_file()] if root.exists() else []


async def dossier_rows(harness, nomination_id: int) -> int:
    async with harness.factory() as session:
        return (
            await session.execute(
                select(func.count())
                .select_from(DossierItem)
                .where(DossierItem.nomination_id == nomination_id)
            )
        ).scalar_one()


# (what is sent as the "file" part, the field the 422 must name, a word of its message)
REFUSED = {
    "one byte over the limit": (
        ("big.pdf", b"%PDF-1.4\n" + b"0" * (LIMIT - 8), "application/pdf"),
        "file",
        "MB",
    ),
    "HTML calling itself a PDF": (
        ("to_trinh.pdf", b"<html><script>alert(1)</script></html>", "application/pdf"),
        "file",
        "PDF, JPEG",
    ),
    "a Windows program as a PNG": (
        ("anh.png", b"MZ\x90\x00" + b"\x00" * 200, "image/png"),
        "file",
        "PDF, JPEG",
    ),
    "SVG (scriptable) as an image": (
        (
            "anh.png",
            b'<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>',
            "image/png",
        ),
        "file",
        "PDF, JPEG",
    ),
    "a ZIP (an Office file) as a PDF": (
        ("bao-cao.pdf", b"PK\x03\x04" + b"\x00" * 100, "application/pdf"),
        "file",
        "PDF, JPEG",
    ),
    "an empty file": (("rong.pdf", b"", "application/pdf"), "file", "rỗng"),
}


async def test_dossier_uploads_refuse_bad_files_and_store_nothing(harness):
    assert harness.settings.upload_max_bytes == LIMIT
    nomination_id = (await harness.nominate(submit=False))["id"]
    path = f"/api/v1/nominations/{nomination_id}/dossier-items"
    headers = harness.headers("canbo.vanphong")
    files_root = harness.settings.files_dir
    declared = await dossier_rows(harness, nomination_id)  # the items listed, no file yet

    for case, (part, field, words) in REFUSED.items():
        response = await harness.http.post(
            path, headers=headers, data={"item_code": "to_trinh"}, files={"file": part}
        )
        assert response.status_code == 422, (case, response.status_code, response.text[:200])
        problem = response.json()
        assert problem["field"] == field, (case, problem)
        assert words in problem["detail"], (case, problem["detail"])

    # Wrong types of the form fields themselves.
    malformed = {
        "no file part": ({"item_code": "to_trinh"}, None, "body.file"),
        "the file as a text field": (
            {"item_code": "to_trinh", "file": "not a file"},
            None,
            "body.file",
        ),
        "no item code": ({}, {"file": ("a.pdf", tiny_pdf(), "application/pdf")}, "body.item_code"),
        "an item code that is not one": (
            {"item_code": "x" * 65},
            {"file": ("a.pdf", tiny_pdf(), "application/pdf")},
            "body.item_code",
        ),
        "an unknown item": (
            {"item_code": "khong_co"},
            {"file": ("a.pdf", tiny_pdf(), "application/pdf")},
            "item_code",
        ),
        "a title too long": (
            {"item_code": "to_trinh", "title": "t" * 256},
            {"file": ("a.pdf", tiny_pdf(), "application/pdf")},
            "body.title",
        ),
    }
    for case, (data, files, field) in malformed.items():
        response = await harness.http.post(path, headers=headers, data=data, files=files)
        assert response.status_code == 422 and response.json()["field"] == field, (
            case,
            response.text,
        )
    as_json = await harness.http.post(
        path, headers=headers, json={"item_code": "to_trinh", "file": "JVBERi0xLjQK"}
    )
    assert as_json.status_code == 422 and as_json.json()["field"].startswith("body.")

    assert await dossier_rows(harness, nomination_id) == declared
    assert stored_files(files_root) == []

    # At the limit exactly, and a real image: accepted, one file each, each filling the
    # item the draft declared (no second row for one item).
    at_limit = b"%PDF-1.4\n" + b"0" * (LIMIT - 9)
    for code, part in (
        ("to_trinh", ("to_trinh.pdf", at_limit, "application/pdf")),
        ("bien_ban_binh_xet", ("bien-ban.png", tiny_png(), "image/png")),
    ):
        response = await harness.http.post(
            path, headers=headers, data={"item_code": code}, files={"file": part}
        )
        assert response.status_code == 201, response.text
    assert await dossier_rows(harness, nomination_id) == declared
    assert len(stored_files(files_root)) == 2
    # A second file of an item that has one is refused (replace or delete the first).
    second = await harness.http.post(
        path,
        headers=headers,
        data={"item_code": "to_trinh"},
        files={"file": ("khac.pdf", tiny_pdf("khac"), "application/pdf")},
    )
    assert second.status_code == 409, second.text
    assert await dossier_rows(harness, nomination_id) == declared
    assert len(stored_files(files_root)) == 2


async def test_the_page_form_refuses_the_same_files(harness):
    unit = Person(harness, "canbo.vanphong")
    try:
        nomination_id = (await harness.nominate(submit=False))["id"]
        declared = await dossier_rows(harness, nomination_id)
        page = f"/nominations/{nomination_id}"
        for case in ("one byte over the limit", "HTML calling itself a PDF", "an empty file"):
            part, _, _ = REFUSED[case]
            refused = await unit.post(
                f"{page}/files", {"item_code": "to_trinh"}, csrf_from=page, files={"file": part}
            )
            assert refused.status_code == 422, case
            assert 'id="upload-file-error"' in refused.text, case  # shown at the file field
        assert await dossier_rows(harness, nomination_id) == declared
        assert stored_files(harness.settings.files_dir) == []
    finally:
        await unit.aclose()


async def test_verification_refuses_what_is_not_a_pdf(harness):
    for part, words in (
        (("big.pdf", b"%PDF-1.4\n" + b"0" * LIMIT, "application/pdf"), "MB"),
        (("anh.png", tiny_png(), "application/pdf"), "PDF"),
        (("rong.pdf", b"", "application/pdf"), "rỗng"),
    ):
        response = await harness.http.post("/api/v1/verify", files={"file": part})
        assert response.status_code == 422, response.text[:200]
        assert response.json()["field"] == "file" and words in response.json()["detail"]
    missing = await harness.http.post("/api/v1/verify", data={"file": "x"})
    assert missing.status_code == 422 and missing.json()["field"] == "body.file"
