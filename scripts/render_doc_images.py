"""Render the images of the README: a signed year-end decision and one Giấy khen.

    .venv/bin/python scripts/render_doc_images.py [--out docs/images]

Everything is made the way the engine makes it — a throw-away SQLite database with a
ward, its chairman and vice-chairman, award rules from the real catalogue, a
development CA — and the decision is signed and issued through ``DocumentActivities``
(the signer's signature over a blank number and date, then the clerk's number, date and the
organisation's signature with its seal), so the image
shows the real layout, number, both signatures and the attached list. Pages are rasterised
with ``pdftoppm -png -r 80`` (poppler-utils).
"""

from __future__ import annotations

import argparse
import asyncio
import shutil
import subprocess
import sys
import tempfile
from datetime import UTC, datetime, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from sqlalchemy import select  # noqa: E402

from activities.documents.activities import DocumentActivities  # noqa: E402
from activities.documents.certificate import render_certificate_pdf  # noqa: E402
from activities.documents.types import IssueDecisionInput, IssueSignedInput  # noqa: E402
from domain.catalogue import load_catalogue  # noqa: E402
from domain.vocabulary import (  # noqa: E402
    DecisionKind,
    DecisionStatus,
    Gender,
    Level,
    NomineeKind,
    Role,
    SignerCapacity,
    UnitKind,
)
from models import (  # noqa: E402
    Authority,
    AwardType,
    Base,
    Collective,
    Decision,
    DecisionItem,
    Document,
    Nomination,
    Person,
    RoleGrant,
    Unit,
    User,
)
from thidua.db import create_engine, create_session_factory, transaction  # noqa: E402
from thidua.files import FileStore  # noqa: E402
from thidua.pki import ensure_dev_identities  # noqa: E402
from thidua.settings import Settings  # noqa: E402

RULE_SET = "nd152-2025"
CERTIFICATE_OF = "Vũ Đức Thắng"  # a Giấy khen (the others hold titles)
SIGNED_AT = datetime(2027, 1, 5, 3, 0, tzinfo=UTC)  # 10:00 in Vietnam

# (name, description, award code, kind)
AWARDEES = [
    ("Nguyễn Thị Hoa", "Giáo viên, Trường Tiểu học Thạch Khôi", "cstdcs", NomineeKind.INDIVIDUAL),
    ("Trần Văn Dũng", "Công chức Văn phòng HĐND và UBND phường", "cstdcs", NomineeKind.INDIVIDUAL),
    ("Lê Thị Thu Hường", "Phó Trưởng phòng Văn hóa - Xã hội", "ldtt", NomineeKind.INDIVIDUAL),
    (
        "Phạm Quốc Việt",
        "Công chức Phòng Kinh tế, Hạ tầng và Đô thị",
        "ldtt",
        NomineeKind.INDIVIDUAL,
    ),
    ("Hoàng Thị Ngọc Ánh", "Nhân viên Trạm Y tế phường", "ldtt", NomineeKind.INDIVIDUAL),
    ("Vũ Đức Thắng", "Tổ trưởng Tổ dân phố số 2", "giay_khen", NomineeKind.INDIVIDUAL),
    (
        "Đặng Thị Lý",
        "Chi hội trưởng Chi hội Phụ nữ Tổ dân phố số 4",
        "giay_khen",
        NomineeKind.INDIVIDUAL,
    ),
    ("Tổ dân phố số 3", "Phường Thạch Khôi", "giay_khen", NomineeKind.COLLECTIVE),
]
ACHIEVEMENT = (
    "Đã có thành tích xuất sắc trong phong trào thi đua “Thạch Khôi đoàn kết, sáng tạo, "
    "xây dựng phường văn minh, hiện đại” năm 2026"
)


async def _build(factory, catalogue) -> tuple[int, int, int]:
    rule_set = catalogue.get(RULE_SET)
    async with transaction(factory) as session:

        def add(row):
            session.add(row)
            return row

        city = add(
            Unit(
                code="ubnd-tp-hai-phong",
                name="Ủy ban nhân dân thành phố Hải Phòng",
                kind=UnitKind.PEOPLES_COMMITTEE,
                level=Level.CITY,
            )
        )
        await session.flush()
        ward = add(
            Unit(
                code="ubnd-thach-khoi",
                name="Ủy ban nhân dân phường Thạch Khôi",
                kind=UnitKind.PEOPLES_COMMITTEE,
                level=Level.WARD,
                parent_id=city.id,
            )
        )
        await session.flush()
        standing = add(
            Unit(
                code="tk-vhxh",
                name="Phòng Văn hóa - Xã hội",
                kind=UnitKind.OFFICE,
                level=Level.WARD,
                parent_id=ward.id,
            )
        )
        group = add(
            Unit(
                code="tk-tdp-3",
                name="Tổ dân phố số 3",
                kind=UnitKind.RESIDENTIAL_GROUP,
                level=Level.WARD,
                parent_id=ward.id,
            )
        )
        await session.flush()
        authority = add(
            Authority(
                level=Level.WARD,
                unit_id=ward.id,
                name="Ủy ban nhân dân phường Thạch Khôi",
                header_lines=["ỦY BAN NHÂN DÂN", "PHƯỜNG THẠCH KHÔI"],
                place_name="Thạch Khôi",
                head_title="CHỦ TỊCH ỦY BAN NHÂN DÂN PHƯỜNG THẠCH KHÔI",
                standing_unit_id=standing.id,
            )
        )
        chairman = add(User(username="chutich", full_name="Tăng Văn Quân", password_hash="-"))
        vice = add(
            User(username="phochutich", full_name="Nguyễn Thị Thanh Hương", password_hash="-")
        )
        officer = add(User(username="thuongtruc", full_name="Lê Minh Đức", password_hash="-"))
        clerk = add(User(username="vanthu", full_name="Đặng Thị Thu Trang", password_hash="-"))
        await session.flush()
        add(RoleGrant(user_id=chairman.id, role=Role.CHAIRMAN, unit_id=ward.id, level=Level.WARD))
        add(RoleGrant(user_id=vice.id, role=Role.VICE_CHAIRMAN, unit_id=ward.id, level=Level.WARD))
        add(RoleGrant(user_id=clerk.id, role=Role.CLERK, unit_id=ward.id, level=Level.WARD))
        for code in {code for _, _, code, _ in AWARDEES}:
            award = rule_set.award(code)
            add(
                AwardType(
                    code=code,
                    name_vi=award.name_vi,
                    name_en=award.name_en,
                    category=award.category,
                    kind=award.kind,
                    deciding_level=award.deciding_level,
                    recipients=[r.value for r in award.recipients],
                )
            )
        collective = add(Collective(unit_id=group.id, name="Tổ dân phố số 3"))
        await session.flush()
        decision = add(
            Decision(
                authority_id=authority.id,
                kind=DecisionKind.DECISION,
                status=DecisionStatus.AWAITING_SIGNATURE,
                title="Về việc khen thưởng các tập thể, cá nhân có thành tích xuất sắc năm 2026",
                drafted_by_user_id=officer.id,
                signer_user_id=vice.id,
                proposer_text="Trưởng phòng Văn hóa - Xã hội phường",
            )
        )
        await session.flush()
        for position, (name, description, code, kind) in enumerate(AWARDEES, start=1):
            person_id = None
            if kind == NomineeKind.INDIVIDUAL:
                person = add(Person(full_name=name, gender=Gender.FEMALE, unit_id=standing.id))
                await session.flush()
                person_id = person.id
            nomination = add(
                Nomination(
                    award_code=code,
                    rule_set_id=RULE_SET,
                    year=2026,
                    nominee_name=name,
                    proposing_unit_id=standing.id,
                    origin_authority_id=authority.id,
                    submitted_by_user_id=officer.id,
                    authority_id=authority.id,
                    subject_kind=kind,
                    person_id=person_id,
                    collective_id=collective.id if person_id is None else None,
                    achievement_summary=ACHIEVEMENT,
                )
            )
            await session.flush()
            add(
                DecisionItem(
                    decision_id=decision.id,
                    nomination_id=nomination.id,
                    position=position,
                    nominee_name=name,
                    nominee_description=description,
                    award_code=code,
                )
            )
        await session.flush()
        return decision.id, vice.id, clerk.id


def _rasterise(pdf: bytes, work: Path, stem: str) -> list[Path]:
    source = work / f"{stem}.pdf"
    source.write_bytes(pdf)
    subprocess.run(["pdftoppm", "-png", "-r", "80", str(source), str(work / stem)], check=True)
    return sorted(work.glob(f"{stem}-*.png"))


def _side_by_side(pages: list[Path], target: Path) -> None:
    """The pages of the decision next to each other, on a grey ground, in one image."""
    from PIL import Image

    images = [Image.open(p).convert("RGB") for p in pages]
    gap = 16
    width = sum(i.width for i in images) + gap * (len(images) + 1)
    height = max(i.height for i in images) + 2 * gap
    sheet = Image.new("RGB", (width, height), (200, 200, 200))
    x = gap
    for image in images:
        sheet.paste(image, (x, gap))
        x += image.width + gap
    sheet.save(target, optimize=True)


async def make_pdfs(work: Path) -> tuple[bytes, bytes, str]:
    """The signed decision and one Giấy khen, made in ``work`` (a throw-away folder)."""
    settings = Settings(
        environment="test",
        data_dir=work / "data",
        mail_enabled=False,
        database_url=f"sqlite+aiosqlite:///{work / 'images.sqlite3'}",
        pki_path=work / "pki",
    )
    catalogue = load_catalogue(settings.catalogue_dir, settings.city_override)
    engine = create_engine(settings.resolved_database_url)
    try:
        async with engine.begin() as connection:
            await connection.run_sync(Base.metadata.create_all)
        factory = create_session_factory(engine)
        decision_id, signer_id, clerk_id = await _build(factory, catalogue)
        await ensure_dev_identities(factory, settings)
        documents = DocumentActivities(factory, settings, catalogue.get)
        # As the engine does (Decree 30/2020): the vice-chairman signs with the number and
        # date blank, the clerk gives both and issues with the organisation's signature
        # (its seal) over his.
        await documents.sign_decision(
            IssueDecisionInput(
                decision_id=decision_id,
                signer_user_id=signer_id,
                capacity=SignerCapacity.DEPUTY,
                signed_at=SIGNED_AT,
                clerk_numbers=True,
            )
        )
        issued = await documents.issue_signed_decision(
            IssueSignedInput(
                decision_id=decision_id,
                clerk_user_id=clerk_id,
                issued_at=SIGNED_AT + timedelta(minutes=12),
            )
        )
        async with factory() as session:
            document = await session.get(Document, issued.document_id)
            decision_pdf = FileStore(settings.files_dir).get(document.storage_key)
            item_id = (
                await session.execute(
                    select(DecisionItem.id).where(DecisionItem.nominee_name == CERTIFICATE_OF)
                )
            ).scalar_one()
            certificate_pdf = await render_certificate_pdf(
                session, item_id, get_rule_set=catalogue.get
            )
    finally:
        await engine.dispose()
    return decision_pdf, certificate_pdf, issued.number_text


def main(out_dir: Path) -> None:
    if shutil.which("pdftoppm") is None:
        raise SystemExit("pdftoppm not found: install poppler-utils")
    with tempfile.TemporaryDirectory(prefix="thidua-images-") as tmp:
        work = Path(tmp)
        decision_pdf, certificate_pdf, number_text = asyncio.run(make_pdfs(work))
        out_dir.mkdir(parents=True, exist_ok=True)
        _side_by_side(_rasterise(decision_pdf, work, "decision"), out_dir / "decision.png")
        shutil.copyfile(
            _rasterise(certificate_pdf, work, "giay-khen")[0], out_dir / "giay-khen.png"
        )
    print(f"{number_text}: {out_dir / 'decision.png'}, {out_dir / 'giay-khen.png'}")


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=ROOT / "docs" / "images")
    main(parser.parse_args().out)
