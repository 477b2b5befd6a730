"""What a notice mail's templates get to fill: the workflow's context, with the engine's
codes turned into the words a mail says, and who the reader is.

The workflows put codes in a notice's context (``level``: "city", ``stage``:
"awaiting_council", ``missing_items``: "bien_ban_binh_xet, to_trinh"), and keep doing so
for the nominations already running. A Vietnamese mail must never show them: the
templates print the words added here instead (``level_name``, ``step_name``,
``task_name``, ``missing_list``), and branch on ``recipient_roles`` (the roles the reader
was addressed by) to say what that reader must do. ``templates/mail/base.txt`` lists them.
The engine's own reasons are bilingual ("vi / en", the rule cited by its code): a mail
gives the Vietnamese half, the rule by what it says (``mail_reason``).
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping

# A level as a mail names it ("thuộc thẩm quyền cấp thành phố").
LEVEL_NAMES: dict[str, str] = {
    "ward": "cấp phường",
    "district": "cấp huyện",
    "city": "cấp thành phố",
    "central": "cấp trung ương",
}

# A stage as the next step of a dossier ("Bước tiếp theo: ...").
STEP_NAMES: dict[str, str] = {
    "draft": "đơn vị lập hồ sơ đề nghị",
    "reception": "cơ quan thường trực kiểm tra tính đầy đủ, hợp lệ của hồ sơ",
    "returned": "bổ sung hồ sơ theo yêu cầu",
    "public_notice": "niêm yết công khai, lấy ý kiến nhân dân",
    "awaiting_council": "Hội đồng Thi đua - Khen thưởng họp xét, bỏ phiếu",
    "in_council": "Hội đồng Thi đua - Khen thưởng bỏ phiếu",
    "awaiting_decision": "dự thảo quyết định khen thưởng",
    "awaiting_submission": "dự thảo tờ trình đề nghị cấp trên khen thưởng",
    "signing": "trình người có thẩm quyền ký số",
    "granted": "đã có quyết định khen thưởng",
    "refused": "không khen thưởng",
    "rejected": "hồ sơ không được chấp nhận",
    "withdrawn": "hồ sơ đã được rút",
    "lapsed": "hồ sơ dừng xem xét do quá hạn bổ sung",
    "revoked": "khen thưởng đã bị hủy bỏ",
}

# What the one a stage waits on must do (reminders, escalations, extensions,
# reassignments): the workflow's ``_waiting_on`` names who that is.
STAGE_TASKS: dict[str, str] = {
    "reception": "kiểm tra tính đầy đủ, hợp lệ của hồ sơ",
    "returned": "nộp bổ sung hồ sơ",
    "public_notice": "theo dõi việc công khai và giải quyết ý kiến phản ánh (nếu có)",
    "awaiting_council": "đưa hồ sơ ra Hội đồng Thi đua - Khen thưởng xét",
    "in_council": "hoàn thành việc bỏ phiếu của Hội đồng",
    "awaiting_decision": "dự thảo quyết định khen thưởng",
    "awaiting_submission": "dự thảo tờ trình đề nghị cấp trên khen thưởng",
    "signing": "ký số văn bản",
}


# A syllable of Vietnamese written without diacritics: what an ASCII word must be to be
# taken for Vietnamese rather than English.
_PLAIN_SYLLABLE = re.compile(
    r"(ngh|ng|nh|ch|gh|gi|kh|ph|qu|th|tr|b|c|d|g|h|k|l|m|n|p|r|s|t|v|x)?"
    r"(oai|oay|uya|uye|uyu|ai|ao|au|ay|eo|ia|iu|oa|oe|oi|ua|ui|uy|a|e|i|o|u|y)"
    r"(ch|ng|nh|c|m|n|p|t)?"
)
# "<Vietnamese> / <English>": how the engine writes the reasons it gives by itself.
_BILINGUAL = re.compile(r"(?P<vi>.*?\S)\s+/\s+(?P<en>\S.*)", re.S)
# "(quy tắc vote_threshold: <what the rule says>)": a rule cited by its code
# (``workflows.engine_rules``): a mail names what the rule says, not its code.
_RULE_CODE = re.compile(r"\(quy tắc [a-z0-9_]+: ")


def _is_english(text: str) -> bool:
    words = re.findall(r"[^\W\d_]+", text)
    if not words or any(not word.isascii() for word in words):
        return False
    foreign = [w for w in words if len(w) >= 3 and not _PLAIN_SYLLABLE.fullmatch(w.lower())]
    return len(foreign) >= 2


def mail_reason(reason: str) -> str:
    """A reason as a Vietnamese mail gives it: of a bilingual reason of the engine ("vi /
    en") the Vietnamese half, a rule cited by what it says ("theo quy tắc: ..."); a
    person's reason as they wrote it."""
    text = reason.strip()
    bilingual = _BILINGUAL.fullmatch(text)
    if bilingual and _is_english(bilingual["en"]) and not bilingual["vi"].isascii():
        text = bilingual["vi"]
    return _RULE_CODE.sub("(theo quy tắc: ", text)


def missing_list(value: str, item_names: Mapping[str, str]) -> list[str]:
    """``missing_items`` (the workflow joins the codes with ", "; a person may have typed
    free text, a line each) as the list a mail shows: a known code becomes its name, any
    other text stays as typed (its own commas kept)."""
    items: list[str] = []
    for line in value.splitlines():
        typed: list[str] = []
        for part in line.split(","):
            text = part.strip(" -•\t")
            if text in item_names:
                if typed:
                    items.append(", ".join(typed))
                    typed = []
                items.append(item_names[text])
            elif text:
                typed.append(text)
        if typed:
            items.append(", ".join(typed))
    return items


def task_name(context: Mapping[str, str]) -> str:
    """What the reader of a reminder, an escalation, an extension or a reassignment must
    do: the workflow's ``task`` if it gave one, else what the stage waits for, else (a
    decision's mails) signing its document."""
    if context.get("task"):
        return context["task"]
    if context.get("stage") in STAGE_TASKS:
        return STAGE_TASKS[context["stage"]]
    if context.get("document"):
        return f"ký số văn bản “{context['document']}”"
    return ""


def mail_values(
    context: Mapping[str, str],
    *,
    recipient_name: str,
    recipient_roles: Iterable[str],
    base_url: str,
    link_url: str,
    item_names: Mapping[str, str],
) -> dict[str, object]:
    """The values the templates of one mail to one reader are rendered with."""
    values: dict[str, object] = {k: v for k, v in context.items() if v not in (None, "")}
    values["recipient_name"] = recipient_name
    values["recipient_roles"] = sorted(set(recipient_roles))
    values["base_url"] = base_url
    values["link_url"] = link_url
    values["missing_list"] = missing_list(str(context.get("missing_items", "")), item_names)
    values["level_name"] = LEVEL_NAMES.get(str(context.get("level", "")), "")
    values["step_name"] = STEP_NAMES.get(str(context.get("stage", "")), "")
    values["task_name"] = task_name(context)
    if context.get("reason"):
        values["reason"] = mail_reason(context["reason"])
    return values
