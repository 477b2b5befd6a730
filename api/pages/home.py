"""Each person's home page: what is theirs to do today, and the deadlines that concern
them, assembled from the offices they hold (one person may hold several)."""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse

from domain.vocabulary import Role, Stage
from models.schemas.council import BallotSheetRead

from ..deps import ReadSessionDep, StateDep
from ..errors import DomainError
from ..queries import council as council_queries
from ..queries import decisions as decision_queries
from ..queries import exemplars as exemplar_queries
from ..queries import nominations as queries
from ..queries import notices as notice_queries
from ..services import council as council_service
from ..services.awards import award_names
from ..services.objectors import known_objectors
from .common import PageUser, login_redirect, render

router = APIRouter(include_in_schema=False)

STANDING_STAGES = (
    Stage.RECEPTION,
    Stage.RETURNED,
    Stage.PUBLIC_NOTICE,
    Stage.AWAITING_COUNCIL,
    Stage.IN_COUNCIL,
    Stage.AWAITING_DECISION,
    Stage.AWAITING_SUBMISSION,
    Stage.SIGNING,
)


# A short agenda is voted on the home page itself (the same sheet, the same submit); a
# longer one opens its own page, where "Đồng ý tất cả" helps.
INLINE_BALLOT_ITEMS = 3


async def _inline_sheets(session, state, user, ballots) -> dict[int, BallotSheetRead]:
    sheets: dict[int, BallotSheetRead] = {}
    for row in ballots:
        if row.items > INLINE_BALLOT_ITEMS:
            continue
        try:
            sheets[row.id] = await council_service.ballot_sheet(
                session, principal=user, session_id=row.id, catalogue=state.catalogue
            )
        except DomainError:
            continue  # the link to the sheet stays, which explains itself
    return sheets


@router.get("/", response_class=HTMLResponse)
async def home(request: Request, user: PageUser, session: ReadSessionDep, state: StateDep):
    if user is None:
        return login_redirect(request)
    names = award_names(state)
    context: dict = {"standing_stages": [s.value for s in STANDING_STAGES]}
    context["tasks"] = await queries.nominations_where(
        session,
        condition=queries.waiting_on_me(user),
        award_names=names,
        limit=30,
        now=state.clock.now(),
    )
    units = user.unit_ids(Role.UNIT_OFFICER)
    if units:
        unit_condition = queries.of_units(units)
        context["unit_counts"] = await queries.stage_counts(session, condition=unit_condition)
        context["unit_recent"] = await queries.nominations_where(
            session,
            condition=unit_condition,
            award_names=names,
            limit=10,
            now=state.clock.now(),
            newest_first=True,
        )
        # The public service centre publishes the summarized models of its ward.
        context["to_publish"] = await exemplar_queries.to_publish(session, unit_ids=units)
    standing = user.authority_ids(Role.STANDING_OFFICER)
    if standing:
        condition = queries.at_authorities(standing)
        context["standing_counts"] = await queries.stage_counts(session, condition=condition)
        context["standing_overdue"] = await queries.overdue_count(
            session, condition=condition, now=state.clock.now()
        )
        context["objections"] = await queries.pending_objections(session, authority_ids=standing)
        context["known_objectors"] = await known_objectors(
            session, principal=user, objections=context["objections"]
        )
    if user.council_memberships:
        _, sessions = await council_queries.sessions_followed(
            session, principal=user, open_only=True, limit=20
        )
        context["ballots"] = [s for s in sessions if s.my_member_id and not s.i_voted]
        context["ballot_sheets"] = await _inline_sheets(session, state, user, context["ballots"])
    if user.has(Role.CHAIRMAN) or user.has(Role.VICE_CHAIRMAN):
        context["to_sign"] = await decision_queries.signing_queue(session, principal=user, limit=20)
    if user.has(Role.CLERK):  # văn thư: the signed documents to issue
        context["to_issue"] = await decision_queries.issuing_queue(
            session, principal=user, limit=20
        )
    context["unread_total"], context["notices"] = await notice_queries.unread_notices(
        session, user_id=user.user_id
    )
    return render(request, "pages/home.html", context, user=user)
