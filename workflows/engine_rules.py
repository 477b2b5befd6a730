"""The rules the engine applies by itself, named in the audit trail (light module).

"Who did this?" has two answers in an audit trail: a person (in the office they acted
in), or the engine, when a timer fired, a tally was counted or an acknowledgement never
came. In the second case the event says which rule fired: its reason cites the rule by
its code and what it means, Vietnamese first (``EngineRule.cite``), so the audit page,
the nomination's timeline and the CSV show it where they show the reason.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class EngineRule:
    code: str
    name_vi: str
    name_en: str

    def cite(self, detail_vi: str, detail_en: str) -> str:
        """``"<detail> (quy tắc <code>: <rule>) / <detail> (rule <code>: <rule>)"``."""
        return (
            f"{detail_vi} (quy tắc {self.code}: {self.name_vi}) / "
            f"{detail_en} (rule {self.code}: {self.name_en})"
        )


ESCALATION = EngineRule(
    "escalation",
    "quá hạn thì báo người đứng đầu",
    "an overdue step is escalated",
)
LAPSE = EngineRule(
    "lapse",
    "hồ sơ trả lại không được nộp lại trong thời hạn thì đề nghị hết hiệu lực",
    "a returned dossier not resubmitted in time lapses",
)
PUBLIC_NOTICE_END = EngineRule(
    "public_notice_end",
    "hết thời gian công khai, không còn ý kiến phản ánh chờ xử lý thì chuyển bước tiếp theo",
    "once the public notice is over and no objection is pending, the nomination moves on",
)
VOTE_THRESHOLD = EngineRule(
    "vote_threshold",
    "số thành viên đồng ý so với ngưỡng tính trên tổng số thành viên Hội đồng",
    "the members who agree against the threshold of ALL council members",
)
QUORUM = EngineRule(
    "quorum",
    "không đủ số thành viên tham dự thì Hội đồng không quyết định",
    "without a quorum the council decides nothing",
)
ACK_TIMEOUT = EngineRule(
    "ack_timeout",
    "đề nghị không xác nhận trong thời hạn thì không được xét lần này",
    "a nomination that does not confirm in time is left out this time",
)
NOT_AWAITING = EngineRule(
    "not_awaiting",
    "đề nghị không còn ở bước chờ xét thì không được đưa vào",
    "a nomination no longer waiting for this step is not taken",
)
BALLOT_CLOSE = EngineRule(
    "ballot_close",
    "phiên họp kết thúc bỏ phiếu khi mọi thành viên đã bỏ phiếu hoặc đến hạn",
    "the ballot closes when every member has voted or at its deadline",
)
SIGNATURE_REQUEST = EngineRule(
    "signature_request",
    "dự thảo đã được các đề nghị xác nhận thì trình người ký",
    "a draft confirmed by its nominations goes to the signer",
)
EXTERNAL_SIGNATURE_TIMEOUT = EngineRule(
    "external_signature_timeout",
    "yêu cầu ký bằng thiết bị ký số trên máy của người ký không được trả lời trong thời hạn "
    "thì hết hiệu lực, văn bản trở lại chờ ký",
    "an unanswered request to sign on the signer's own computer lapses at its deadline and "
    "the document waits for a signature again",
)
EMPTY_DRAFT = EngineRule(
    "empty_draft",
    "dự thảo không còn đề nghị nào thì bị hủy",
    "a draft with no nomination left is cancelled",
)

ENGINE_RULES: dict[str, EngineRule] = {
    rule.code: rule
    for rule in (
        ESCALATION,
        LAPSE,
        PUBLIC_NOTICE_END,
        VOTE_THRESHOLD,
        QUORUM,
        ACK_TIMEOUT,
        NOT_AWAITING,
        BALLOT_CLOSE,
        EXTERNAL_SIGNATURE_TIMEOUT,
        SIGNATURE_REQUEST,
        EMPTY_DRAFT,
    )
}
