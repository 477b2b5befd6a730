"""ORM tables. Import from here so that every table is registered on ``Base.metadata``.

Never import this package from a workflow module (see TEMPORAL-NOTES: the sandbox would
re-import SQLAlchemy for every workflow run)."""

from .audit_seals import AuditSeal
from .base import Base, UTCDateTime, utcnow
from .campaigns import (
    Campaign,
    CampaignStage,
    ContentArea,
    Exemplar,
    ExemplarAdoption,
    ExemplarAssessment,
    ExemplarFollowUp,
    Milestone,
    Registration,
)
from .council import AgendaItem, BallotReceipt, CouncilSession
from .documents import Decision, DecisionItem, Document, DocumentCounter, SigningIdentity
from .history import (
    AwardRecord,
    AwardType,
    DisciplineRecord,
    EvaluationResult,
    Initiative,
    PendingMatter,
)
from .nominations import AuditEvent, DossierItem, Nomination, Objection
from .notices import CommandRecord, Notice, RateLimitHit
from .organisation import (
    Authority,
    Collective,
    Council,
    CouncilMember,
    Household,
    Person,
    RoleGrant,
    Unit,
    User,
)

__all__ = [
    "AgendaItem",
    "AuditEvent",
    "AuditSeal",
    "Authority",
    "AwardRecord",
    "AwardType",
    "BallotReceipt",
    "Base",
    "Campaign",
    "CampaignStage",
    "Collective",
    "CommandRecord",
    "ContentArea",
    "Council",
    "CouncilMember",
    "CouncilSession",
    "Decision",
    "DecisionItem",
    "DisciplineRecord",
    "Document",
    "DocumentCounter",
    "DossierItem",
    "EvaluationResult",
    "Exemplar",
    "ExemplarAdoption",
    "ExemplarAssessment",
    "ExemplarFollowUp",
    "Household",
    "Initiative",
    "Milestone",
    "Nomination",
    "Notice",
    "Objection",
    "PendingMatter",
    "Person",
    "RateLimitHit",
    "Registration",
    "RoleGrant",
    "SigningIdentity",
    "Unit",
    "User",
    "UTCDateTime",
    "utcnow",
]
