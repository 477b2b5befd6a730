"""Texts of the nomination pages' dossier corrections, campaign field and self-proposal
warning (issue 16 points 3, 4 and 12). Merged into ``api.i18n.ALL_TEXTS``."""

from __future__ import annotations


def _pairs(**entries: tuple[str, str]) -> dict[str, dict[str, str]]:
    return {key: {"vi": vi, "en": en} for key, (vi, en) in entries.items()}


DOSSIER_TEXTS: dict[str, dict[str, str]] = _pairs(
    # ---- a file uploaded by mistake: deleted before submission, replaced after
    dossier_item_delete=("Xóa", "Delete"),
    dossier_item_delete_confirm=(
        "Xóa tệp này khỏi hồ sơ?",
        "Remove this file from the dossier?",
    ),
    dossier_item_replace=("Thay tệp", "Replace file"),
    dossier_item_replace_help=(
        "Tệp mới thay tệp này; tệp cũ được giữ lại làm phiên bản trước",
        "The new file takes this one's place; the old one is kept as an earlier version",
    ),
    dossier_item_replace_help_draft=(
        "Tệp mới thay tệp này (bản nháp: tệp cũ được xóa)",
        "The new file takes this one's place (a draft: the old one is removed)",
    ),
    dossier_actions=("Sửa", "Change"),
    # The upload form's choices: what the award needs at this level first.
    upload_needed=("Hồ sơ danh hiệu này cần", "What this award needs"),
    upload_other=("Thành phần khác", "Other items"),
    dossier_item_deleted_flash=("Đã xóa tệp {name} khỏi hồ sơ", "Removed {name} from the dossier"),
    dossier_item_replaced_flash=("Đã thay tệp bằng {name}", "Replaced the file with {name}"),
    earlier_versions=("Phiên bản trước (đã được thay)", "Earlier versions (replaced)"),
    replaced_at=("Thay lúc", "Replaced at"),
    action_dossier_item_deleted=("Xóa tệp khỏi hồ sơ", "File removed from the dossier"),
    action_dossier_item_replaced=("Thay tệp trong hồ sơ", "File replaced in the dossier"),
    # ---- the campaign a nomination counts toward
    campaign_field=("Phong trào thi đua", "Emulation campaign"),
    campaign_none=("Không thuộc phong trào nào", "No campaign"),
    campaign_field_help=(
        "Đề nghị được tính vào kết quả của phong trào đã chọn",
        "The nomination counts toward the chosen campaign's results",
    ),
    campaign_not_open=(
        "Phong trào này không đang diễn ra ở đơn vị",
        "This campaign is not running for the unit",
    ),
    # ---- proposing oneself or one's own household
    self_proposal_warning=(
        "Lưu ý: bạn đang đề nghị khen thưởng cho chính mình hoặc hộ gia đình mình. "
        "Đề nghị vẫn được lập, nhưng Cơ quan thường trực sẽ thấy dấu hiệu này khi xét.",
        "Note: you are proposing yourself or your own household. The nomination can still "
        "be filed, but the standing body will see this flag when reviewing it.",
    ),
    self_proposed_flag=(
        "Người đề nghị tự đề nghị cho mình/hộ mình",
        "The proposer proposed themself or their own household",
    ),
)
