"""The council members sheet kind: who sits on the Hội đồng Thi đua - Khen thưởng of a
people's committee, in which role, for which term, and whom a member appointed mid-term
replaces (that member leaves the council the day before the new term starts).

Natural key: the council (named by its people's committee) + the member's username. The
account must exist (the users sheet of the same file may create it). A blank optional
cell keeps what is stored."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date, timedelta

from domain.vocabulary import CouncilRole, Role
from models import CouncilMember, RoleGrant, Unit, User

from ...queries import accounts as account_queries
from ...queries import import_history as queries
from ...queries import imports as registry_queries
from . import cells
from .changes import assign, audit, claim, created
from .kinds import Column, ImportContext, Outcome, Row, SheetKind
from .references import find_unit

COUNCIL_ROLE_LABELS: Mapping[CouncilRole, tuple[str, ...]] = {
    CouncilRole.CHAIR: ("Chủ tịch Hội đồng", "Chủ tịch"),
    CouncilRole.VICE_CHAIR: ("Phó Chủ tịch Hội đồng", "Phó Chủ tịch"),
    CouncilRole.SECRETARY: ("Ủy viên thường trực", "Thư ký"),
    CouncilRole.MEMBER: ("Ủy viên", "Thành viên"),
}


async def _account(
    context: ImportContext, kind: SheetKind, row: Row, key: str, username: str
) -> User | None:
    user = await registry_queries.user_by_username(context.session, username=username)
    if user is not None and context.scope is not None:
        # Another ward's account is answered like a missing one: a ward's administrator
        # seats the accounts of their own units (those the users sheet just made included).
        grants = await account_queries.grants_with_units(context.session, user_ids=[user.id])
        if not any(unit.id in context.scope for _, unit in grants):
            user = None
    if user is None:
        context.problem(
            row,
            kind,
            key,
            f"Không có tài khoản '{username}' (tạo trước trong phần quản trị tài khoản, hoặc ở "
            "trang tính Tài khoản của cùng tệp)",
            f"No account '{username}'",
        )
        return None
    return user


async def _grant_council_role(context: ImportContext, user: User, committee: Unit) -> bool:
    """A seated member reads the dossiers their council votes on: the council member role
    at its people's committee, given here when the account lacks it (audited)."""
    if await account_queries.role_grant(
        context.session, user_id=user.id, role=Role.COUNCIL_MEMBER, unit_id=committee.id
    ):
        return False
    grant = RoleGrant(
        user_id=user.id, role=Role.COUNCIL_MEMBER, unit_id=committee.id, level=committee.level
    )
    context.session.add(grant)
    await context.session.flush()
    audit(
        context,
        subject_type="user",
        subject_id=user.id,
        action="role_granted",
        changes={
            "role_grant": [
                None,
                {
                    "id": grant.id,
                    "role": Role.COUNCIL_MEMBER.value,
                    "unit_id": committee.id,
                    "unit_code": committee.code,
                    "level": committee.level.value,
                },
            ]
        },
    )
    return True


async def apply_member(context: ImportContext, kind: SheetKind, row: Row) -> Outcome | None:
    before = len(context.problems)
    committee = await find_unit(context, kind, row, "committee")
    username = cells.text(context, kind, row, "username", required=True, max_length=64)
    role = cells.choice(context, kind, row, "council_role", COUNCIL_ROLE_LABELS, required=True)
    title = cells.text(context, kind, row, "title")
    term_start = cells.day(context, kind, row, "term_start")
    term_end = cells.day(context, kind, row, "term_end")
    replaces = cells.text(context, kind, row, "replaces", max_length=64)
    if term_start is not None and term_end is not None and term_end < term_start:
        context.problem(
            row,
            kind,
            "term_end",
            "Trước ngày bắt đầu nhiệm kỳ",
            "Before the start of the term",
        )
    council = None
    if committee is not None:
        council = await queries.council_of_unit(context.session, unit_id=committee.id)
        if council is None:
            context.problem(
                row,
                kind,
                "committee",
                f"{committee.name} chưa có Hội đồng Thi đua - Khen thưởng",
                f"{committee.name} has no council",
            )
    user = await _account(context, kind, row, "username", username) if username else None
    if user is not None and not user.is_active:
        context.problem(
            row,
            kind,
            "username",
            f"Tài khoản '{user.username}' đã bị khóa",
            f"The account '{user.username}' is deactivated",
        )
    replaced: CouncilMember | None = None
    if replaces is not None:
        if term_start is None:
            context.problem(
                row,
                kind,
                "term_start",
                "Bắt buộc khi thay thế thành viên (thành viên cũ thôi từ ngày hôm trước)",
                "Required when the member replaces another",
            )
        if username is not None and cells.same_name(replaces, username):
            context.problem(
                row,
                kind,
                "replaces",
                "Thành viên không thể thay thế chính mình",
                "A member cannot replace themselves",
            )
        elif council is not None:
            former = await _account(context, kind, row, "replaces", replaces)
            if former is not None:
                replaced = await queries.council_member(
                    context.session, council_id=council.id, user_id=former.id
                )
                if replaced is None:
                    context.problem(
                        row,
                        kind,
                        "replaces",
                        f"'{replaces}' không phải thành viên của {council.name}",
                        f"'{replaces}' is not a member of {council.name}",
                    )
    if (
        len(context.problems) > before
        or committee is None
        or council is None
        or user is None
        or role is None
    ):
        return None
    if not claim(context, kind, row, (council.id, user.id), "username"):
        return None
    values: dict[str, object] = {
        "council_role": role,
        "title": title,
        "term_start": term_start,
        "term_end": term_end,
        "replaces_member_id": replaced.id if replaced is not None else None,
    }
    member = await queries.council_member(context.session, council_id=council.id, user_id=user.id)
    if member is None:
        member = CouncilMember(
            council_id=council.id,
            user_id=user.id,
            council_role=role,
            title=title or "",
            active=True,
            term_start=term_start,
            term_end=term_end,
            replaces_member_id=replaced.id if replaced is not None else None,
        )
        context.session.add(member)
        await context.session.flush()
        audit(
            context,
            subject_type="council_member",
            subject_id=member.id,
            action="council_member_created",
            changes=created({"council_id": council.id, "user_id": user.id, **values}),
        )
        outcome = Outcome.CREATED
    else:
        changes = assign(member, values)
        outcome = Outcome.UPDATED if changes else Outcome.UNCHANGED
        if changes:
            await context.session.flush()
            audit(
                context,
                subject_type="council_member",
                subject_id=member.id,
                action="council_member_updated",
                changes=changes,
            )
    if member.active and await _grant_council_role(context, user, committee):
        outcome = Outcome.UPDATED if outcome == Outcome.UNCHANGED else outcome
    if replaced is not None and term_start is not None:
        leaving: dict[str, object] = {"active": False}
        if replaced.term_end is None:
            leaving["term_end"] = term_start - timedelta(days=1)
        left = assign(replaced, leaving)
        if left:
            await context.session.flush()
            audit(
                context,
                subject_type="council_member",
                subject_id=replaced.id,
                action="council_member_replaced",
                changes=left,
            )
            if outcome == Outcome.UNCHANGED:
                outcome = Outcome.UPDATED
    return outcome


COUNCIL_MEMBERS = SheetKind(
    kind="council_members",
    title="Thành viên Hội đồng",
    natural_key_vi="Hội đồng (theo Ủy ban nhân dân) + tên đăng nhập của thành viên: mỗi tài "
    "khoản một dòng trong một Hội đồng; nhập lại thì cập nhật chức danh, nhiệm kỳ.",
    columns=(
        Column(
            "committee",
            "Ủy ban nhân dân",
            required=True,
            example="UBND-PHUONG",
            help_vi="Mã hoặc tên đầy đủ của Ủy ban nhân dân có Hội đồng Thi đua - Khen thưởng.",
        ),
        Column(
            "username",
            "Tên đăng nhập",
            required=True,
            example="hoa.nt",
            help_vi="Tài khoản của thành viên: phải có sẵn, hoặc được tạo ở trang tính Tài "
            "khoản của cùng tệp. Thành viên được cấp vai trò Thành viên Hội đồng TĐKT tại Ủy "
            "ban nhân dân (để xem hồ sơ) nếu chưa có.",
        ),
        Column(
            "council_role",
            "Chức danh trong Hội đồng",
            required=True,
            example="Ủy viên",
            help_vi="Một trong: "
            + ", ".join(names[0] for names in COUNCIL_ROLE_LABELS.values())
            + ".",
        ),
        Column(
            "title",
            "Chức vụ",
            example="Chủ tịch Ủy ban MTTQ Việt Nam phường",
            help_vi="Chức vụ của thành viên ngoài Hội đồng.",
        ),
        Column(
            "term_start",
            "Ngày bắt đầu nhiệm kỳ",
            example=date(2026, 1, 1),
            help_vi="Ngày/tháng/năm; bắt buộc khi thay thế thành viên khác.",
        ),
        Column(
            "term_end",
            "Ngày kết thúc nhiệm kỳ",
            example="",
            help_vi="Ngày/tháng/năm (để trống nếu chưa biết).",
        ),
        Column(
            "replaces",
            "Thay thế thành viên",
            example="",
            help_vi="Tên đăng nhập của thành viên được thay thế: người đó thôi là thành viên, "
            "nhiệm kỳ kết thúc ngày trước ngày bắt đầu của người mới (nếu chưa ghi). Thành "
            "viên được thay thế phải có sẵn hoặc ở dòng trên.",
        ),
    ),
    apply_row=apply_member,
    order=80,
)

COUNCIL_SHEETS: tuple[SheetKind, ...] = (COUNCIL_MEMBERS,)
