"""Who may do what to a nomination, and at which stage (pure).

The nomination workflow's update validators call ``check`` with the workflow's own state;
the API calls ``allowed_commands`` with the projection to show each person the actions
that are theirs. One table, two users, so pages never offer what the workflow refuses.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from .vocabulary import Level, Role, Stage


class Command(StrEnum):
    ACCEPT_DOSSIER = "accept_dossier"  # tiếp nhận hồ sơ hợp lệ
    RETURN_FOR_SUPPLEMENT = "return_for_supplement"  # trả lại bổ sung (một lần mỗi cấp)
    RESUBMIT = "resubmit"  # nộp lại hồ sơ đã bổ sung
    REJECT = "reject"  # từ chối (có lý do)
    WITHDRAW = "withdraw"  # đơn vị rút đề nghị
    LODGE_OBJECTION = "lodge_objection"  # ý kiến phản ánh trong thời gian công khai
    RESOLVE_OBJECTION = "resolve_objection"
    EXTEND_DEADLINE = "extend_deadline"  # gia hạn (có lý do)
    REASSIGN = "reassign"  # giao lại cho cán bộ khác
    REFUSE = "refuse"  # người có thẩm quyền không khen thưởng
    REVOKE = "revoke"  # hủy bỏ quyết định khen thưởng (Luật Điều 93)


class PermissionDenied(Exception):
    pass


class StageNotAllowed(Exception):
    def __init__(self, command: Command, stage: Stage, detail: str = "") -> None:
        super().__init__(detail or f"{command.value} is not allowed at stage {stage.value}")
        self.command = command
        self.stage = stage


@dataclass(frozen=True)
class NominationContext:
    stage: Stage
    level: Level
    authority_unit_id: int  # the people's committee of the current level
    standing_unit_id: int  # its standing body
    proposing_unit_id: int
    previous_standing_unit_id: int | None = None  # who submitted to this level (above the ward)
    returned_at_this_level: bool = False
    pending_objections: int = 0
    decides: bool = True  # this level decides (else it submits upward)


class _Who(StrEnum):
    STANDING = "standing"
    HEAD = "head"  # chairman or vice-chairman of the current level
    STANDING_OR_HEAD = "standing_or_head"
    SUBMITTER = "submitter"
    UNIT = "unit"
    ANYONE = "anyone"


_REVIEW_STAGES = frozenset(
    {
        Stage.RECEPTION,
        Stage.RETURNED,
        Stage.PUBLIC_NOTICE,
        Stage.AWAITING_COUNCIL,
        Stage.AWAITING_DECISION,
        Stage.AWAITING_SUBMISSION,
    }
)
_OPEN_STAGES = frozenset(s for s in Stage if not s.is_terminal and s != Stage.DRAFT)

_RULES: dict[Command, tuple[_Who, frozenset[Stage]]] = {
    Command.ACCEPT_DOSSIER: (_Who.STANDING, frozenset({Stage.RECEPTION})),
    Command.RETURN_FOR_SUPPLEMENT: (_Who.STANDING, frozenset({Stage.RECEPTION})),
    Command.RESUBMIT: (_Who.SUBMITTER, frozenset({Stage.RETURNED})),
    Command.REJECT: (_Who.STANDING_OR_HEAD, _REVIEW_STAGES),
    Command.WITHDRAW: (_Who.UNIT, _OPEN_STAGES - {Stage.SIGNING}),
    Command.LODGE_OBJECTION: (_Who.ANYONE, frozenset({Stage.PUBLIC_NOTICE})),
    Command.RESOLVE_OBJECTION: (_Who.STANDING, frozenset({Stage.PUBLIC_NOTICE})),
    Command.EXTEND_DEADLINE: (_Who.STANDING_OR_HEAD, _OPEN_STAGES),
    Command.REASSIGN: (_Who.STANDING_OR_HEAD, _OPEN_STAGES - {Stage.RETURNED}),
    Command.REFUSE: (_Who.HEAD, frozenset({Stage.AWAITING_DECISION})),
    Command.REVOKE: (_Who.HEAD, frozenset({Stage.GRANTED})),
}


def _has(roles, role: Role, unit_id: int | None) -> bool:
    return unit_id is not None and any(r.role == role and r.unit_id == unit_id for r in roles)


def permitted(command: Command, roles, ctx: NominationContext) -> bool:
    """Does someone with ``roles`` (RoleRef-like: .role, .unit_id) hold the office that
    may give this command for this nomination at its current level?"""
    who, _ = _RULES[command]
    standing = _has(roles, Role.STANDING_OFFICER, ctx.standing_unit_id)
    head = _has(roles, Role.CHAIRMAN, ctx.authority_unit_id) or _has(
        roles, Role.VICE_CHAIRMAN, ctx.authority_unit_id
    )
    if who == _Who.ANYONE:
        return True
    if who == _Who.STANDING:
        return standing
    if who == _Who.HEAD:
        return head
    if who == _Who.STANDING_OR_HEAD:
        return standing or head
    if who == _Who.UNIT:
        return _has(roles, Role.UNIT_OFFICER, ctx.proposing_unit_id)
    if who == _Who.SUBMITTER:
        if ctx.level == Level.WARD:
            return _has(roles, Role.UNIT_OFFICER, ctx.proposing_unit_id)
        return _has(roles, Role.STANDING_OFFICER, ctx.previous_standing_unit_id)
    return False


def stage_allows(command: Command, ctx: NominationContext) -> tuple[bool, str]:
    _, stages = _RULES[command]
    if ctx.stage not in stages:
        return False, ""
    if command == Command.RETURN_FOR_SUPPLEMENT and ctx.returned_at_this_level:
        return False, (
            "Hồ sơ đã được trả lại bổ sung một lần ở cấp này / "
            "the dossier was already returned once at this level"
        )
    if command == Command.RESOLVE_OBJECTION and ctx.pending_objections == 0:
        return False, "Không có ý kiến phản ánh đang chờ xử lý / no pending objection"
    if command == Command.REFUSE and not ctx.decides:
        return False, "Cấp này không quyết định khen thưởng / this level does not decide"
    return True, ""


def check(command: Command, roles, ctx: NominationContext) -> None:
    """Raise PermissionDenied (403) before StageNotAllowed (409): someone who may never
    give this command learns nothing about the stage."""
    if not permitted(command, roles, ctx):
        raise PermissionDenied(f"not allowed to {command.value}")
    ok, detail = stage_allows(command, ctx)
    if not ok:
        raise StageNotAllowed(command, ctx.stage, detail)


def allowed_commands(roles, ctx: NominationContext) -> list[Command]:
    return [
        command
        for command in _RULES
        if command != Command.LODGE_OBJECTION
        and permitted(command, roles, ctx)
        and stage_allows(command, ctx)[0]
    ]


def stage_commands(ctx: NominationContext) -> list[Command]:
    """Every command the current stage allows, whoever asks (the workflow's query)."""
    return [command for command in _RULES if stage_allows(command, ctx)[0]]
