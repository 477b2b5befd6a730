"""Texts of the pages a ward works in every day (issue 16): the box at the top of a
returned dossier, the question before an incomplete dossier is submitted, the inbox of
notices, the Vietnamese date fields and the campaign page. Merged into
``api.i18n.ALL_TEXTS``."""

from __future__ import annotations


def _pairs(**entries: tuple[str, str]) -> dict[str, dict[str, str]]:
    return {key: {"vi": vi, "en": en} for key, (vi, en) in entries.items()}


DAILY_TEXTS: dict[str, dict[str, str]] = _pairs(
    # ---- a returned dossier: why, at the top
    returned_box_title=("Hồ sơ bị trả lại để bổ sung", "The dossier was returned for supplement"),
    returned_by=("Người trả lại", "Returned by"),
    returned_at=("Thời điểm", "When"),
    returned_reason=("Lý do", "Reason"),
    returned_missing=("Thành phần còn thiếu", "Missing items"),
    returned_next=("Việc cần làm", "What to do next"),
    returned_next_text=(
        "Tải lên các thành phần còn thiếu ở mục Hồ sơ, rồi bấm «Nộp lại hồ sơ» ở mục Thao tác",
        "Upload the missing items under Dossier, then press «Resubmit» under Actions",
    ),
    returned_deadline=("Hạn nộp lại: {due}", "Resubmit by: {due}"),
    returned_go_dossier=("Đến mục Hồ sơ", "Go to the dossier"),
    # ---- submitting an incomplete dossier asks first
    submit_confirm_title=("Hồ sơ còn thiếu thành phần", "The dossier is incomplete"),
    submit_confirm_missing=(
        "Hồ sơ còn thiếu các thành phần sau theo quy định của danh hiệu, hình thức này:",
        "The dossier still lacks these items the award requires:",
    ),
    submit_confirm_question=(
        "Bộ phận tiếp nhận có thể trả lại hồ sơ thiếu thành phần. Vẫn nộp hồ sơ?",
        "The standing body may return an incomplete dossier. Submit it anyway?",
    ),
    submit_anyway=("Vẫn nộp hồ sơ", "Submit anyway"),
    submit_back_to_dossier=("Quay lại bổ sung hồ sơ", "Go back and complete the dossier"),
    # ---- the inbox of notices
    nav_inbox=("Hộp thư", "Inbox"),
    inbox_title=("Hộp thư thông báo", "Inbox"),
    inbox_mark_all=("Đánh dấu đã đọc tất cả", "Mark all as read"),
    inbox_open=("Mở", "Open"),
    inbox_mark_read=("Đánh dấu đã đọc", "Mark as read"),
    inbox_unread=("Chưa đọc", "Unread"),
    inbox_read=("Đã đọc", "Read"),
    inbox_empty=("Chưa có thông báo nào", "No notices yet"),
    inbox_all_marked=("Đã đánh dấu đã đọc {n} thông báo", "Marked {n} notices as read"),
    inbox_see_all=("Xem tất cả thông báo", "See all notices"),
    # ---- Vietnamese date fields, whatever the browser's language
    date_hint=("Ngày/tháng/năm, ví dụ 05/01/2027", "Day/month/year, e.g. 05/01/2027"),
    datetime_hint=(
        "Ngày/tháng/năm giờ:phút (24 giờ), ví dụ 12/10/2026 17:00",
        "Day/month/year hour:minute (24-hour), e.g. 12/10/2026 17:00",
    ),
    field_date_vn=(
        "Ngày không hợp lệ: nhập theo dạng ngày/tháng/năm, ví dụ 05/01/2027",
        "Not a valid date: write day/month/year, e.g. 05/01/2027",
    ),
    field_datetime_vn=(
        "Ngày giờ không hợp lệ: nhập theo dạng ngày/tháng/năm giờ:phút, ví dụ 12/10/2026 17:00",
        "Not a valid date and time: write day/month/year hour:minute, e.g. 12/10/2026 17:00",
    ),
    # ---- the campaign page
    plan_number_none=("Kế hoạch chưa có số", "The plan has no number yet"),
    cycle_when=("Còn bao lâu", "How long"),
    cycle_days_left=("Còn {n} ngày", "{n} days left"),
    cycle_today=("Hôm nay", "Today"),
    cycle_days_past=("Đã qua {n} ngày", "{n} days ago"),
)
