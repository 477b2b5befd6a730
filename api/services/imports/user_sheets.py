"""The sheet kind of users and their role grants: one row per grant (a user with two roles
has two rows; a row without a role only makes or updates the account). A new account has
no usable password and must choose one (``user_admin.create_account``): once the import
is applied, those with an address get the setup link by mail (``mail_setup_links``),
the others get it from the operator (``thidua admin link``)."""

from __future__ import annotations

from datetime import datetime

from domain.vocabulary import Role
from models import RoleGrant, User
from thidua.settings import Settings

from ...errors import InvalidInput
from ...principal import Principal
from ...queries import imports as queries
from ..accounts import unusable_password_hash, validated_account
from ..admin_scope import in_scope
from ..password_mail import masked_address, send_reset_mail
from ..passwords import audit_account_event, password_link
from . import cells, references
from .changes import assign, audit, claim, created
from .kinds import Column, ImportContext, Outcome, Row, SheetKind
from .labels import ROLE_LABELS, labels_list

NEW_USERS = "imports.new_users"


async def _administrable(context: ImportContext, user: User) -> bool:
    """Whether the importer may change this account: one of its grants lies in their
    units, or it has none yet (a deployment administrator: every account)."""
    if context.scope is None:
        return True
    if user.deployment_admin:
        return False
    grants = await queries.grant_unit_ids(context.session, user_id=user.id)
    return not grants or any(in_scope(context.scope, unit_id) for unit_id in grants)


def _account_fields(
    context: ImportContext, kind: SheetKind, row: Row
) -> tuple[str, str, str | None] | None:
    username = cells.text(context, kind, row, "username", required=True, max_length=64)
    full_name = cells.text(context, kind, row, "full_name", required=True)
    email = cells.text(context, kind, row, "email")
    if username is None or full_name is None:
        return None
    try:
        return validated_account(username, full_name, email)
    except InvalidInput as refusal:
        context.problem(
            row, kind, str(refusal.extra["field"]), refusal.message_vi, refusal.message_en
        )
        return None


async def _apply_user(context: ImportContext, kind: SheetKind, row: Row) -> Outcome | None:
    before = len(context.problems)
    account = _account_fields(context, kind, row)
    role = cells.choice(context, kind, row, "role", ROLE_LABELS)
    unit = await references.find_unit(context, kind, row, "unit", required=role is not None)
    if role is None and row.values.get("unit") is not None and row.values.get("role") is None:
        context.problem(row, kind, "role", "Chưa nhập vai trò tại đơn vị này", "Role missing")
    if account is None or len(context.problems) > before:
        return None
    username, full_name, email = account
    outcome = Outcome.UNCHANGED
    user = await queries.user_by_username(context.session, username=username)
    seen: dict[int, tuple[int, str, str | None]] = context.cache.setdefault("imports.users", {})
    if user is not None and not await _administrable(context, user):
        context.problem(
            row,
            kind,
            "username",
            f"Tên đăng nhập '{username}' đã được dùng cho một tài khoản ngoài các đơn vị bạn "
            "quản trị",
            "The username belongs to an account outside your units",
        )
        return None
    if user is not None and user.id in seen:
        first_row, first_name, first_email = seen[user.id]
        if (first_name, first_email) != (full_name, email):
            context.problem(
                row,
                kind,
                "full_name",
                f"Họ tên hoặc thư điện tử khác với dòng {first_row} của cùng tài khoản",
                f"Differs from row {first_row} of the same account",
            )
            return None
    elif user is not None:
        changes = assign(user, {"full_name": full_name, "email": email})
        if changes:
            await context.session.flush()
            audit(
                context,
                subject_type="user",
                subject_id=user.id,
                action="user_updated",
                changes=changes,
            )
            outcome = Outcome.UPDATED
    else:
        user = User(
            username=username,
            full_name=full_name,
            email=email,
            password_hash=unusable_password_hash(),
            must_change_password=True,
        )
        context.session.add(user)
        await context.session.flush()
        context.cache.setdefault(NEW_USERS, []).append(user)
        audit(
            context,
            subject_type="user",
            subject_id=user.id,
            action="user_created",
            changes=created(
                {
                    "username": username,
                    "full_name": full_name,
                    "email": email or "",
                    "must_change_password": True,
                }
            )
            | {"must_change_password": [False, True]},
        )
        outcome = Outcome.CREATED
    seen.setdefault(user.id, (row.number, full_name, email))
    if role is None or unit is None:
        return outcome if claim(context, kind, row, (user.id, None, None), "username") else None
    if not claim(context, kind, row, (user.id, role, unit.id), "role"):
        return None
    if await queries.role_grant(context.session, user_id=user.id, role=role, unit_id=unit.id):
        return outcome
    grant = RoleGrant(user_id=user.id, role=role, unit_id=unit.id, level=unit.level)
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
                    "role": role.value,
                    "unit_id": unit.id,
                    "unit_code": unit.code,
                    "level": unit.level.value,
                },
            ]
        },
    )
    return Outcome.CREATED  # the row's record is the grant


USERS = SheetKind(
    kind="users",
    title="Tài khoản",
    natural_key_vi=(
        "Tên đăng nhập; mỗi dòng là một vai trò tại một đơn vị (tên đăng nhập + vai trò + "
        "đơn vị). Tài khoản mới chưa có mật khẩu: người dùng nhận liên kết đặt mật khẩu qua "
        "thư điện tử (nếu có địa chỉ) hoặc từ quản trị hệ thống."
    ),
    columns=(
        Column(
            "username",
            "Tên đăng nhập",
            required=True,
            example="hoa.nt",
            help_vi="3–64 chữ cái không dấu, chữ số, dấu chấm, gạch ngang, gạch dưới",
        ),
        Column("full_name", "Họ và tên", required=True, example="Nguyễn Thị Hoa"),
        Column("email", "Thư điện tử", example="hoa.nt@example.vn"),
        Column(
            "role",
            "Vai trò",
            example=ROLE_LABELS[Role.UNIT_OFFICER][0],
            help_vi="Một trong: " + labels_list(ROLE_LABELS) + "; để trống: chỉ tạo tài khoản",
        ),
        Column(
            "unit",
            "Đơn vị",
            example="TDP-01",
            help_vi="Đơn vị nơi tài khoản có vai trò: mã đơn vị, mã hành chính hoặc tên đầy đủ",
        ),
    ),
    apply_row=_apply_user,
    order=45,
)

USER_SHEETS: tuple[SheetKind, ...] = (USERS,)


async def mail_setup_links(
    context: ImportContext, settings: Settings, principal: Principal, *, now: datetime
) -> list[str]:
    """After an applied import: the setup link mailed to every new account with an address
    (as ``user_admin.create_account`` does); the masked addresses it went to."""
    sent: list[str] = []
    if not settings.mail_enabled:
        return sent
    for user in context.cache.get(NEW_USERS, []):
        if user.email is None:
            continue
        link = password_link(settings, user, now=now)
        await send_reset_mail(
            settings, user, link, administrator=principal.full_name, purpose="setup"
        )
        sent_to = masked_address(user.email)
        sent.append(sent_to)
        await audit_account_event(
            context.session,
            user,
            action="setup_link_mailed",
            actor_user_id=principal.user_id,
            actor_name=principal.full_name,
            actor_role=Role.ADMIN.value,
            now=now,
            changes={"sent_to": ["", sent_to], "expires_at": ["", link.expires_at.isoformat()]},
        )
    return sent
