"""Workbooks built in the tests as an office fills the templates in, and the app the
import tests run against (an empty migrated database, SQLite and PostgreSQL)."""

from __future__ import annotations

import io
from collections.abc import Sequence

from openpyxl import Workbook
from sqlalchemy import func, select

from domain.vocabulary import Level, Role, UnitKind
from models import AuditEvent, RoleGrant, Unit
from tests.accounts_app import AccountsApp

IMPORTS = "/api/v1/imports"

UNIT_HEADERS = [
    "Mã đơn vị",
    "Mã hành chính",
    "Tên đơn vị *",
    "Tên viết tắt",
    "Loại đơn vị *",
    "Cấp *",
    "Đơn vị cấp trên",
    "Địa chỉ",
]
HOUSEHOLD_HEADERS = ["Họ tên chủ hộ *", "Địa chỉ", "Tổ dân phố *"]
PEOPLE_HEADERS = [
    "Họ và tên *",
    "Giới tính *",
    "Ngày sinh",
    "Số định danh cá nhân",
    "Chức vụ",
    "Đơn vị *",
    "Chủ hộ",
    "Tổ dân phố của hộ",
    "Cán bộ, công chức, viên chức",
]
COLLECTIVE_HEADERS = ["Đơn vị *", "Tên tập thể *"]
USER_HEADERS = ["Tên đăng nhập *", "Họ và tên *", "Thư điện tử", "Vai trò", "Đơn vị"]


def workbook(sheets: dict[str, Sequence[Sequence[object]]]) -> bytes:
    """An .xlsx file: each sheet its rows, the first one the headers."""
    book = Workbook()
    first = book.active
    assert first is not None
    for index, (title, rows) in enumerate(sheets.items()):
        sheet = first if index == 0 else book.create_sheet()
        sheet.title = title
        for row in rows:
            sheet.append(list(row))
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


async def post_import(
    app: AccountsApp, headers: dict[str, str], data: bytes, *, apply: bool, name: str = "ds.xlsx"
):
    return await app.http.post(
        IMPORTS,
        files={"file": (name, data, "application/octet-stream")},
        data={"apply": "true" if apply else "false"},
        headers=headers,
    )


async def add_unit(
    app: AccountsApp,
    code: str,
    name: str,
    *,
    parent_id: int | None = None,
    kind: UnitKind = UnitKind.OFFICE,
    level: Level = Level.WARD,
) -> int:
    async with app.state.writer() as session, session.begin():
        unit = Unit(code=code, name=name, kind=kind, level=level, parent_id=parent_id)
        session.add(unit)
        await session.flush()
        return unit.id


async def grant(app: AccountsApp, user_id: int, role: Role, unit_id: int) -> None:
    async with app.state.writer() as session, session.begin():
        session.add(RoleGrant(user_id=user_id, role=role, unit_id=unit_id, level=Level.WARD))


async def audit_count(app: AccountsApp) -> int:
    async with app.state.reader() as session:
        return (await session.execute(select(func.count()).select_from(AuditEvent))).scalar_one()


def problems(response) -> set[tuple[str, int, str]]:
    body = response.json()
    listed = body["problems"] if "problems" in body else body["report"]["problems"]
    return {(p["sheet"], p["row"], p["column"]) for p in listed}
