"""Who may read which document: one table, one check (``may_read``), used by every read of
a file (``/api/v1/documents/{id}/pdf``, the draft preview, the Giấy khen, the dossier
files) and by the pages that link them.

| document | who reads it |
|---|---|
| decision (quyết định), issued | everyone, without signing in (a decision is published) |
| the awardee list of a decision or submission (``/api/v1/decisions/{id}/awardees.xlsx``) | whoever reads the decision or submission itself (the rows above) |
| decision or submission, not yet issued (the signing page's preview) | the people of the issuing authority |
| submission (tờ trình), issued | the people of the issuing authority and of the level it was sent to (it is that level's tờ trình) |
| minutes (biên bản) of a council session | the members of that council; the people of its authority and of the levels its agenda went on to (the minutes travel with a forwarded dossier) |
| public notice (thông báo công khai) | everyone while the notice runs (the portal lists it); afterwards whoever may see its nomination |
| certificate (Giấy khen) of one awardee | whoever may see the awardee's nomination |
| dossier file (thành phần hồ sơ) | whoever may see the nomination |
| campaign report (báo cáo sơ kết, tổng kết) | everyone signed in (the report page shows them its figures) |

- *The people of an authority*: its standing body, chairman, vice-chairmen and council
  members (``READER_ROLES``), the ones who handle what comes before it.
- *Whoever may see a nomination*: ``access.can_see``, the officers of the proposing unit
  and the people (auditors included) of every authority it reached.
- The deployment's administrators read every document; a unit's administrator, and an
  auditor (thanh tra), read what the people of the authorities at and below their unit
  read: a ward's auditor never reads another ward's documents.

Nobody else: a unit reads its own nominations' notices, certificates and files and the
published decisions, never minutes, submissions or drafts (they name other units'
nominees before anything is decided). A refusal answers exactly what a missing id
answers on the same route, so a reader cannot tell that a document exists.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy.ext.asyncio import AsyncSession

from domain.vocabulary import DecisionKind, DecisionStatus, DocumentKind, Role
from models import Decision, DecisionItem, Document, Nomination

from ..principal import Principal
from ..queries import documents as queries
from ..queries import public as public_queries
from .access import can_see

# The people of an authority who read what it handles.
READER_ROLES = (
    Role.STANDING_OFFICER,
    Role.CHAIRMAN,
    Role.VICE_CHAIRMAN,
    Role.CLERK,  # issues the authority's signed documents
    Role.COUNCIL_MEMBER,
)


@dataclass(frozen=True)
class Audience:
    """Who reads one document, besides the deployment's administrators (who read all)."""

    public: bool = False  # everyone, without signing in
    signed_in: bool = False  # everyone signed in
    authority_ids: frozenset[int] = frozenset()  # the people (READER_ROLES) of these
    council_ids: frozenset[int] = frozenset()  # the members of these councils
    nomination: Nomination | None = None  # whoever may see this nomination

    @classmethod
    def of_authorities(cls, *authority_ids: int | None, council_id: int | None = None):
        return cls(
            authority_ids=frozenset(a for a in authority_ids if a is not None),
            council_ids=frozenset({council_id} if council_id is not None else ()),
        )


NOBODY_ELSE = Audience()


def may_read(principal: Principal | None, audience: Audience) -> bool:
    """The one check: may this person (None: not signed in) read a document of this
    audience?"""
    if audience.public:
        return True
    if principal is None:
        return False
    if principal.sees_all or audience.signed_in:
        return True
    readers_of = (
        principal.authority_ids(*READER_ROLES)
        | principal.admin_authority_ids
        | principal.audited_authority_ids
    )
    if readers_of & audience.authority_ids:
        return True
    if {council_id for council_id, _ in principal.council_memberships} & audience.council_ids:
        return True
    return audience.nomination is not None and can_see(principal, audience.nomination)


# ---- the audience of each kind ----------------------------------------------------------------


def draft_audience(decision: Decision) -> Audience:
    """A decision or submission as it will be signed: the people of its authority."""
    return Audience.of_authorities(decision.authority_id)


async def decision_audience(session: AsyncSession, decision: Decision) -> Audience:
    """A decision or submission itself (its signed document, its awardee list): an issued
    decision is published; an issued submission, the people of its authority and of the
    levels it reached; before signing, the people of its authority (``draft_audience``)."""
    issued = decision.status == DecisionStatus.ISSUED
    if issued and decision.kind == DecisionKind.DECISION:
        return Audience(public=True)
    if not issued:
        return draft_audience(decision)
    reached = await queries.authorities_reached_by_decision(session, decision_id=decision.id)
    return Audience.of_authorities(decision.authority_id, *reached)


def nomination_audience(nomination: Nomination) -> Audience:
    """A file of one nomination's dossier: whoever may see the nomination."""
    return Audience(nomination=nomination)


async def certificate_audience(session: AsyncSession, item: DecisionItem) -> Audience:
    """The certificate of one awardee: whoever may see the awardee's nomination."""
    nomination = await queries.nomination_by_id(session, nomination_id=item.nomination_id)
    return Audience(nomination=nomination) if nomination is not None else NOBODY_ELSE


async def document_audience(
    session: AsyncSession, document: Document, *, now: datetime
) -> Audience:
    """The audience of a stored document (the table of this module)."""
    kind = document.kind
    if kind in (DocumentKind.DECISION, DocumentKind.SUBMISSION) and document.decision_id:
        decision = await queries.decision_by_id(session, decision_id=document.decision_id)
        if decision is None:
            return Audience.of_authorities(document.authority_id)
        return await decision_audience(session, decision)
    if kind == DocumentKind.MINUTES and document.session_id:
        minuted = await queries.council_session_by_id(session, session_id=document.session_id)
        if minuted is None:
            return Audience.of_authorities(document.authority_id)
        reached = await queries.authorities_reached_by_session(session, session_id=minuted.id)
        return Audience.of_authorities(
            minuted.authority_id, *reached, council_id=minuted.council_id
        )
    if (
        kind == DocumentKind.PUBLIC_NOTICE
        and document.nomination_id
        and await public_queries.notice_posted(
            session,
            nomination_id=document.nomination_id,
            authority_id=document.authority_id,
            now=now,
        )
    ):
        return Audience(public=True)
    if kind == DocumentKind.REPORT:
        return Audience(signed_in=True)
    if document.nomination_id:  # a public notice no longer posted, a certificate, a file
        nomination = await queries.nomination_by_id(session, nomination_id=document.nomination_id)
        if nomination is not None:
            return nomination_audience(nomination)
    return Audience.of_authorities(document.authority_id)


async def may_read_document(
    session: AsyncSession, principal: Principal | None, document: Document, *, now: datetime
) -> bool:
    return may_read(principal, await document_audience(session, document, now=now))


async def readable(
    session: AsyncSession,
    principal: Principal | None,
    documents: Iterable[Document],
    *,
    now: datetime,
) -> list[Document]:
    """The documents of a list (a nomination's, a page's) this person may read."""
    return [d for d in documents if await may_read_document(session, principal, d, now=now)]
