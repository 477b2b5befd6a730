"""Revoking an award after its decision (Law 06/2022 Art. 93): ``nomination-<id>-revocation``.

The nomination's own workflow has completed when its award was granted; revocation may
come years later, so it is a short workflow of its own. It checks the actor (the head of
the authority that decided), marks the award record revoked (it no longer grounds later
awards), moves the nomination to "revoked", writes the audit event and tells the unit.
Its id makes a second revocation of the same nomination impossible.
"""

from __future__ import annotations

from dataclasses import dataclass

from temporalio import workflow

from domain.vocabulary import Role

from .common import RECORD_RETRY, RECORD_TIMEOUT
from .contracts import Actor, NoticeRequest, Recipient
from .errors import forbidden, invalid
from .nomination_types import RevokeRecord
from .notify import Notifier

with workflow.unsafe.imports_passed_through():
    from activities.projection import ProjectionActivities


def revocation_workflow_id(nomination_id: int) -> str:
    return f"nomination-{nomination_id}-revocation"


@dataclass
class RevocationInput:
    nomination_id: int
    actor: Actor
    reason: str
    legal_basis: str  # e.g. "Điều 93 Luật Thi đua, khen thưởng 2022"
    deciding_authority_unit_id: int
    proposing_unit_id: int
    nominee_name: str
    award_name: str
    decision_number: str


@dataclass
class RevocationOutcome:
    nomination_id: int
    revoked_records: int


@workflow.defn
class RevocationWorkflow:
    @workflow.run
    async def run(self, input: RevocationInput) -> RevocationOutcome:
        chairman = input.actor.has(Role.CHAIRMAN, input.deciding_authority_unit_id)
        head = chairman or input.actor.has(Role.VICE_CHAIRMAN, input.deciding_authority_unit_id)
        if not head:
            raise forbidden("only the head of the deciding authority may revoke an award")
        if not input.reason.strip():
            raise invalid("reason", "Phải nêu lý do", "a reason is required")
        if not input.legal_basis.strip():
            raise invalid("legal_basis", "Phải nêu căn cứ pháp lý", "a legal basis is required")
        revoked = await workflow.execute_local_activity_method(
            ProjectionActivities.revoke_award,
            RevokeRecord(
                nomination_id=input.nomination_id,
                workflow_id=workflow.info().workflow_id,
                occurred_at=workflow.now(),
                actor_user_id=input.actor.user_id,
                actor_name=input.actor.name,
                reason=input.reason,
                legal_basis=input.legal_basis,
                actor_role=(Role.CHAIRMAN if chairman else Role.VICE_CHAIRMAN).value,
            ),
            start_to_close_timeout=RECORD_TIMEOUT,
            retry_policy=RECORD_RETRY,
        )
        notifier = Notifier()
        notifier.send(
            NoticeRequest(
                key=f"{workflow.info().workflow_id}:revoked",
                kind="revoked",
                recipients=[Recipient(role=Role.UNIT_OFFICER, unit_id=input.proposing_unit_id)],
                nomination_id=input.nomination_id,
                context={
                    "nominee": input.nominee_name,
                    "award": input.award_name,
                    "decision_number": input.decision_number,
                    "reason": f"{input.reason} ({input.legal_basis})",
                    "link": f"/nominations/{input.nomination_id}",
                },
            )
        )
        await notifier.drain()
        return RevocationOutcome(nomination_id=input.nomination_id, revoked_records=revoked)
