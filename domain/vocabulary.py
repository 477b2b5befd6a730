"""The words of the domain, as string enums shared by the models, workflows and API.

Pure: no I/O, importable inside the workflow sandbox. Each Vietnamese term has one
English name, used everywhere (see the README glossary).
"""

from __future__ import annotations

from enum import StrEnum


class Level(StrEnum):
    """Administrative level of a deciding body (cấp)."""

    WARD = "ward"  # phường / xã
    # Quận / huyện: abolished by the 2025 two-tier reform. It appears only in the rule
    # set of Decree 98/2023 (awards a district decided before 1 July 2025).
    DISTRICT = "district"
    CITY = "city"  # thành phố trực thuộc trung ương / tỉnh
    CENTRAL = "central"  # trung ương

    @property
    def rank(self) -> int:
        return {"ward": 0, "district": 1, "city": 2, "central": 3}[self.value]


LEVEL_ORDER: tuple[Level, ...] = (Level.WARD, Level.CITY, Level.CENTRAL)


class UnitKind(StrEnum):
    GOVERNMENT = "government"  # Chính phủ, Bộ Nội vụ
    PEOPLES_COMMITTEE = "peoples_committee"  # Ủy ban nhân dân (city or ward)
    OFFICE = "office"  # phòng, ban chuyên môn
    DEPARTMENT = "department"  # sở
    ORGANISATION = "organisation"  # MTTQ, đoàn thể
    PARTY = "party"  # cơ quan Đảng
    PUBLIC_SERVICE = "public_service"  # đơn vị sự nghiệp công lập
    SCHOOL = "school"
    RESIDENTIAL_GROUP = "residential_group"  # tổ dân phố
    ENTERPRISE = "enterprise"


class Role(StrEnum):
    """What a user may do, always scoped to a unit (and so to a level)."""

    UNIT_OFFICER = "unit_officer"  # cán bộ đơn vị: proposes nominations
    STANDING_OFFICER = "standing_officer"  # cơ quan thường trực HĐTĐKT (city/central officers too)
    COUNCIL_MEMBER = "council_member"  # thành viên Hội đồng TĐKT
    CHAIRMAN = "chairman"  # Chủ tịch UBND
    VICE_CHAIRMAN = "vice_chairman"  # Phó Chủ tịch UBND
    # Văn thư: numbers nothing and signs nothing of their own; applies the authority's
    # digital signature (its seal) to a document its head signed, and issues it (Decree 30).
    CLERK = "clerk"
    AUDITOR = "auditor"  # thanh tra, kiểm tra
    ADMIN = "admin"  # quản trị hệ thống


class NomineeKind(StrEnum):
    INDIVIDUAL = "individual"  # cá nhân
    COLLECTIVE = "collective"  # tập thể (unit, residential group)
    HOUSEHOLD = "household"  # hộ gia đình


class Gender(StrEnum):
    FEMALE = "female"
    MALE = "male"


class AwardCategory(StrEnum):
    TITLE = "title"  # danh hiệu thi đua
    FORM = "form"  # hình thức khen thưởng (Giấy khen, Bằng khen, Huân chương)


class AwardKind(StrEnum):
    """Loại hình khen thưởng (Law Art. 8)."""

    MERIT = "merit"  # công trạng: regular, annual
    SUDDEN = "sudden"  # đột xuất
    CAMPAIGN = "campaign"  # phong trào thi đua / chuyên đề
    SERVICE = "service"  # quá trình cống hiến
    SENIORITY = "seniority"  # niên hạn
    FOREIGN = "foreign"  # đối ngoại


class Rating(StrEnum):
    """Yearly evaluation of an official or a collective (xếp loại chất lượng)."""

    EXCELLENT = "excellent"  # hoàn thành xuất sắc nhiệm vụ (HTXSNV)
    GOOD = "good"  # hoàn thành tốt nhiệm vụ
    COMPLETED = "completed"  # hoàn thành nhiệm vụ
    NOT_COMPLETED = "not_completed"  # không hoàn thành nhiệm vụ

    @property
    def rank(self) -> int:
        return {"excellent": 3, "good": 2, "completed": 1, "not_completed": 0}[self.value]


class DisciplineLevel(StrEnum):
    REPRIMAND = "reprimand"  # khiển trách
    WARNING = "warning"  # cảnh cáo
    DEMOTION = "demotion"  # hạ bậc lương / giáng chức
    DISMISSAL = "dismissal"  # cách chức / buộc thôi việc

    @property
    def rank(self) -> int:
        return {"reprimand": 1, "warning": 2, "demotion": 3, "dismissal": 4}[self.value]


class InitiativeScope(StrEnum):
    """Recognition level of an initiative (sáng kiến) or research project."""

    BASE = "base"  # cơ sở
    CITY = "city"  # thành phố / tỉnh
    NATIONAL = "national"  # toàn quốc

    @property
    def rank(self) -> int:
        return {"base": 1, "city": 2, "national": 3}[self.value]


class CouncilRole(StrEnum):
    CHAIR = "chair"  # Chủ tịch Hội đồng
    VICE_CHAIR = "vice_chair"  # Phó Chủ tịch Hội đồng
    SECRETARY = "secretary"  # Ủy viên thường trực (thư ký)
    MEMBER = "member"  # Ủy viên


class VoteRule(StrEnum):
    NONE = "none"  # no council vote (e.g. households: group meeting + ward)
    MAJORITY = "majority"  # council majority of all members
    SECRET_BALLOT = "secret_ballot"  # secret ballot with a threshold of ALL members


class Choice(StrEnum):
    AGREE = "agree"  # đồng ý
    DISAGREE = "disagree"  # không đồng ý
    ABSTAIN = "abstain"  # không biểu quyết / phiếu trắng


class BallotMode(StrEnum):
    IN_PERSON = "in_person"  # present at the session
    WRITTEN = "written"  # absent, written opinion (ý kiến bằng văn bản)


class Stage(StrEnum):
    """Where a nomination stands at its current level."""

    DRAFT = "draft"  # prepared by the unit, not yet submitted (no workflow yet)
    RECEPTION = "reception"  # received by the standing body, completeness check
    RETURNED = "returned"  # returned to the unit for supplement; the level clock stops
    PUBLIC_NOTICE = "public_notice"  # posted for objections
    AWAITING_COUNCIL = "awaiting_council"  # waiting to be put on a council agenda
    IN_COUNCIL = "in_council"  # on the agenda of an open council session
    AWAITING_DECISION = "awaiting_decision"  # council passed; waits for a decision draft
    AWAITING_SUBMISSION = "awaiting_submission"  # waits for a submission to the next level
    SIGNING = "signing"  # in a decision or submission waiting for the signer
    # Terminal stages
    GRANTED = "granted"
    REFUSED = "refused"  # council failed or the competent authority refused
    REJECTED = "rejected"  # rejected at a review stage (incl. upheld objection)
    WITHDRAWN = "withdrawn"
    LAPSED = "lapsed"  # the unit did not resubmit in time
    REVOKED = "revoked"

    @property
    def is_terminal(self) -> bool:
        return self in TERMINAL_STAGES


TERMINAL_STAGES = frozenset(
    {Stage.GRANTED, Stage.REFUSED, Stage.REJECTED, Stage.WITHDRAWN, Stage.LAPSED, Stage.REVOKED}
)

# What people call each stage (Vietnamese, English): the pages, the mails and the reasons
# the engine writes in the audit trail.
STAGE_LABELS: dict[Stage, tuple[str, str]] = {
    Stage.DRAFT: ("Bản nháp", "Draft"),
    Stage.RECEPTION: ("Tiếp nhận, kiểm tra hồ sơ", "Completeness check"),
    Stage.RETURNED: ("Trả lại để bổ sung", "Returned for supplement"),
    Stage.PUBLIC_NOTICE: ("Đang công khai", "Public notice"),
    Stage.AWAITING_COUNCIL: ("Chờ Hội đồng xét", "Awaiting the council"),
    Stage.IN_COUNCIL: ("Hội đồng đang bỏ phiếu", "Council voting"),
    Stage.AWAITING_DECISION: ("Chờ dự thảo quyết định", "Awaiting a decision"),
    Stage.AWAITING_SUBMISSION: ("Chờ trình cấp trên", "Awaiting a submission"),
    Stage.SIGNING: ("Chờ ký", "Awaiting signature"),
    Stage.GRANTED: ("Đã khen thưởng", "Granted"),
    Stage.REFUSED: ("Không khen thưởng", "Refused"),
    Stage.REJECTED: ("Bị từ chối", "Rejected"),
    Stage.WITHDRAWN: ("Đã rút", "Withdrawn"),
    Stage.LAPSED: ("Quá hạn bổ sung", "Lapsed"),
    Stage.REVOKED: ("Đã hủy khen thưởng", "Revoked"),
}


class ObjectionStatus(StrEnum):
    PENDING = "pending"
    DISMISSED = "dismissed"  # bác bỏ
    UPHELD = "upheld"  # chấp nhận: the nomination is rejected


class ReplyChannel(StrEnum):
    """How the standing body answered an objector (the portal promises a reply)."""

    PHONE = "phone"  # điện thoại
    EMAIL = "email"  # thư điện tử
    LETTER = "letter"  # văn bản
    IN_PERSON = "in_person"  # trực tiếp


class SessionStatus(StrEnum):
    OPEN = "open"
    CLOSED = "closed"
    INQUORATE = "inquorate"  # closed without quorum: nothing decided


class ItemResult(StrEnum):
    PENDING = "pending"
    PASSED = "passed"
    FAILED = "failed"
    NOT_DECIDED = "not_decided"  # inquorate session


class DocumentKind(StrEnum):
    DECISION = "decision"  # quyết định khen thưởng
    SUBMISSION = "submission"  # tờ trình lên cấp trên
    MINUTES = "minutes"  # biên bản họp Hội đồng
    PUBLIC_NOTICE = "public_notice"  # thông báo công khai
    CERTIFICATE = "certificate"  # Giấy khen
    REPORT = "report"  # báo cáo sơ kết / tổng kết
    DOSSIER_ITEM = "dossier_item"  # uploaded by a unit


class DecisionKind(StrEnum):
    DECISION = "decision"  # the level decides: quyết định
    SUBMISSION = "submission"  # the level forwards: tờ trình


class DecisionStatus(StrEnum):
    DRAFT = "draft"
    AWAITING_SIGNATURE = "awaiting_signature"
    # The signer sent the draft back to the standing body for correction; it is signed
    # only after the standing body submits it again.
    RETURNED = "returned"
    # Signed by the competent person, waiting for the clerk (văn thư) to apply the
    # organisation's signature and issue it (Decree 30/2020).
    SIGNED = "signed"
    ISSUED = "issued"  # signed and numbered (and, since "clerk-issue", sealed by the clerk)
    CANCELLED = "cancelled"


class SignerCapacity(StrEnum):
    CHAIRMAN = "chairman"  # CHỦ TỊCH
    DEPUTY = "deputy"  # KT. CHỦ TỊCH / PHÓ CHỦ TỊCH


class ExemplarStage(StrEnum):
    DISCOVERED = "discovered"  # phát hiện
    NURTURING = "nurturing"  # bồi dưỡng
    SUMMARIZED = "summarized"  # tổng kết
    REPLICATING = "replicating"  # nhân rộng
    DROPPED = "dropped"


class ExemplarSubjectKind(StrEnum):
    INDIVIDUAL = "individual"
    COLLECTIVE = "collective"
    HOUSEHOLD = "household"
    RESIDENTIAL_GROUP = "residential_group"
    PRACTICE = "practice"  # a good practice / model (mô hình)


# Whom an exemplar's nomination is for: a residential group is nominated as a collective;
# a good practice has no nominee (not in the map).
NOMINEE_KIND = {
    ExemplarSubjectKind.INDIVIDUAL: NomineeKind.INDIVIDUAL,
    ExemplarSubjectKind.COLLECTIVE: NomineeKind.COLLECTIVE,
    ExemplarSubjectKind.RESIDENTIAL_GROUP: NomineeKind.COLLECTIVE,
    ExemplarSubjectKind.HOUSEHOLD: NomineeKind.HOUSEHOLD,
}


class NoticeDelivery(StrEnum):
    NONE = "none"  # inbox only (no e-mail address)
    PENDING = "pending"
    SENT = "sent"
    FAILED = "failed"
