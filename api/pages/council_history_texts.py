"""The words of the council and history administration pages, Vietnamese first (English
with ``?lang=en``), as a first-time official reads them. Templates read them as
``L.<key>``; the shared words (``t("save")``…) stay in ``api/i18n.py``."""

from __future__ import annotations

from fastapi import Request

from ..i18n import request_language

_TEXTS: dict[str, tuple[str, str]] = {
    # ---- councils
    "councils_title": ("Hội đồng Thi đua - Khen thưởng", "Emulation and Commendation Councils"),
    "councils_help": (
        "Mỗi cơ quan (Ủy ban nhân dân) có một Hội đồng. Thêm thành viên, sửa chức danh, "
        "nhiệm kỳ; khi một thành viên thôi giữa nhiệm kỳ, dùng «Thay thế» để người mới "
        "nhận nhiệm vụ từ ngày bắt đầu (người cũ kết thúc ngày hôm trước). Các phiên họp đã "
        "triệu tập giữ nguyên danh sách thành viên lúc triệu tập.",
        "Each authority (People's Committee) has one council. Add members, change their "
        "titles and terms; when a member leaves mid-term, use «Replace» so that the new "
        "member starts on the given day (the old one ends the day before). Sessions already "
        "convened keep the members they were convened with.",
    ),
    "no_councils": ("Chưa có hội đồng nào.", "No council yet."),
    "no_members": ("Hội đồng chưa có thành viên.", "The council has no members yet."),
    "authority": ("Cơ quan", "Authority"),
    "council_name": ("Tên hội đồng", "Council name"),
    "rules_note": ("Quy chế hoạt động (ghi chú)", "Rules of procedure (note)"),
    "edit_council": ("Sửa tên, quy chế", "Edit name and rules"),
    "new_council": ("Lập hội đồng cho cơ quan chưa có", "Set up a council for an authority"),
    "create_council": ("Lập hội đồng", "Create the council"),
    "members": ("Thành viên", "Members"),
    "member": ("Thành viên", "Member"),
    "member_account": ("Tài khoản của thành viên", "Member's account"),
    "member_account_help": (
        "Người được chọn phải có tài khoản đang hoạt động.",
        "The person chosen must have an active account.",
    ),
    "choose": ("— Chọn —", "— Choose —"),
    "council_role": ("Vai trò trong Hội đồng", "Role in the council"),
    "role_chair": ("Chủ tịch Hội đồng", "Chairman of the council"),
    "role_vice_chair": ("Phó Chủ tịch Hội đồng", "Vice-chairman of the council"),
    "role_secretary": ("Ủy viên thường trực (thư ký)", "Standing member (secretary)"),
    "role_member": ("Ủy viên", "Member"),
    "member_title": ("Chức vụ ngoài Hội đồng", "Position outside the council"),
    "member_title_help": (
        "Ví dụ: Chủ tịch Ủy ban MTTQ phường",
        "For example: Chairman of the ward Fatherland Front",
    ),
    "term": ("Nhiệm kỳ", "Term"),
    "term_start": ("Bắt đầu nhiệm kỳ", "Term starts"),
    "term_end": ("Kết thúc nhiệm kỳ", "Term ends"),
    "term_end_help": ("Để trống nếu chưa xác định.", "Leave empty if not known yet."),
    "status": ("Tình trạng", "Status"),
    "active": ("Đương nhiệm", "Serving"),
    "past": ("Đã thôi", "Left"),
    "replaces": ("Thay cho", "Replaces"),
    "add_member": ("Thêm thành viên", "Add a member"),
    "edit_member": ("Sửa", "Edit"),
    "end_member": ("Kết thúc", "End"),
    "end_member_help": (
        "Ngày cuối cùng người này là thành viên.",
        "The last day this person is a member.",
    ),
    "last_day": ("Ngày cuối cùng", "Last day"),
    "replace_member": ("Thay thế", "Replace"),
    "replacement": ("Người thay thế", "Replacement"),
    "starts_on": ("Ngày bắt đầu của người thay thế", "Replacement starts on"),
    "replace_help": (
        "Vai trò và ngày kết thúc nhiệm kỳ giữ như người được thay.",
        "The role and the end of the term stay those of the member replaced.",
    ),
    "open_term": ("chưa xác định", "open"),
    "done_council_created": ("Đã lập hội đồng.", "The council was created."),
    "done_council_updated": ("Đã lưu hội đồng.", "The council was saved."),
    "done_member_added": ("Đã thêm thành viên.", "The member was added."),
    "done_member_updated": ("Đã lưu thành viên.", "The member was saved."),
    "done_member_ended": ("Đã kết thúc tư cách thành viên.", "The membership was ended."),
    "done_member_replaced": ("Đã thay thế thành viên.", "The member was replaced."),
    # ---- histories
    "history_title": ("Lịch sử khen thưởng, xếp loại, sáng kiến", "Awards, ratings, initiatives"),
    "history_help": (
        "Tìm cá nhân, tập thể hoặc hộ gia đình theo tên, rồi nhập xếp loại hằng năm, các "
        "danh hiệu, hình thức khen thưởng đã có trước khi dùng hệ thống (kèm số, ngày quyết "
        "định và cơ quan quyết định) và sáng kiến.",
        "Find a person, collective or household by name, then enter their yearly ratings, "
        "the awards they received before this system (with the decision's number, date and "
        "authority) and their initiatives.",
    ),
    "search_name": ("Tìm theo tên", "Search by name"),
    "search": ("Tìm", "Search"),
    "kind": ("Loại", "Kind"),
    "all_kinds": ("Tất cả", "All"),
    "kind_individual": ("Cá nhân", "Person"),
    "kind_collective": ("Tập thể", "Collective"),
    "kind_household": ("Hộ gia đình", "Household"),
    "unit": ("Đơn vị", "Unit"),
    "no_match": ("Không tìm thấy ai.", "Nobody found."),
    "back_to_search": ("← Tìm người khác", "← Find someone else"),
    "ratings": ("Xếp loại hằng năm", "Yearly ratings"),
    "no_ratings": ("Chưa có xếp loại.", "No rating yet."),
    "year": ("Năm", "Year"),
    "rating": ("Xếp loại", "Rating"),
    "rating_excellent": ("Hoàn thành xuất sắc nhiệm vụ", "Excellent completion of duties"),
    "rating_good": ("Hoàn thành tốt nhiệm vụ", "Good completion of duties"),
    "rating_completed": ("Hoàn thành nhiệm vụ", "Completion of duties"),
    "rating_not_completed": ("Không hoàn thành nhiệm vụ", "Non-completion of duties"),
    "member_count": ("Tổng số thành viên", "Members"),
    "women_count": ("Số nữ", "Women"),
    "members_with_title": ("Số đạt Lao động tiên tiến", "Members with the title"),
    "add_rating": ("Thêm xếp loại", "Add a rating"),
    "edit": ("Sửa", "Edit"),
    "delete": ("Xóa", "Delete"),
    "delete_rating_help": (
        "Chỉ xóa xếp loại nhập nhầm; việc xóa được ghi nhật ký.",
        "Only delete a rating entered by mistake; deleting is logged.",
    ),
    "awards": ("Lịch sử khen thưởng", "Award history"),
    "no_awards": ("Chưa có khen thưởng.", "No award yet."),
    "award": ("Danh hiệu, hình thức khen thưởng", "Award"),
    "award_year": ("Năm thành tích", "Achievement year"),
    "decision_number": ("Số quyết định", "Decision number"),
    "decision_number_help": ("Ví dụ: 12/QĐ-UBND", "For example: 12/QĐ-UBND"),
    "decision_date": ("Ngày quyết định", "Decision date"),
    "deciding_authority": ("Cơ quan, người quyết định", "Deciding authority"),
    "deciding_authority_help": (
        "Ví dụ: Chủ tịch Ủy ban nhân dân phường Thạch Khôi",
        "For example: Chairman of the ward People's Committee",
    ),
    "add_award": ("Thêm khen thưởng đã có", "Add a past award"),
    "engine_record": ("Do hệ thống ghi khi ban hành quyết định", "Written by the system"),
    "revoked": ("Đã thu hồi", "Revoked"),
    "standing": ("Còn hiệu lực", "Standing"),
    "revoke": ("Thu hồi", "Revoke"),
    "revoke_help": (
        "Bản ghi vẫn được giữ, đánh dấu đã thu hồi, không còn làm căn cứ khen thưởng.",
        "The record is kept, marked revoked; it no longer grounds awards.",
    ),
    "revocation_reason": ("Lý do thu hồi", "Reason"),
    "revocation_basis": ("Căn cứ thu hồi (số, ngày văn bản)", "Basis (document number, date)"),
    "initiatives": ("Sáng kiến, đề tài", "Initiatives"),
    "no_initiatives": ("Chưa có sáng kiến.", "No initiative yet."),
    "initiative_title": ("Tên sáng kiến, đề tài", "Title"),
    "scope": ("Cấp công nhận", "Recognition level"),
    "scope_base": ("Cấp cơ sở", "Base level"),
    "scope_city": ("Cấp thành phố", "City level"),
    "scope_national": ("Toàn quốc", "National"),
    "is_research": ("Là đề tài nghiên cứu khoa học", "A research project"),
    "recognised_by": ("Cơ quan công nhận", "Recognised by"),
    "recognised_by_help": (
        "Ví dụ: Hội đồng sáng kiến phường Thạch Khôi",
        "For example: the ward's initiatives council",
    ),
    "add_initiative": ("Thêm sáng kiến", "Add an initiative"),
    "used": ("Đã dùng làm căn cứ khen thưởng", "Used for an award"),
    "done_rating_created": ("Đã thêm xếp loại.", "The rating was added."),
    "done_rating_updated": ("Đã lưu xếp loại.", "The rating was saved."),
    "done_rating_deleted": ("Đã xóa xếp loại.", "The rating was deleted."),
    "done_award_created": ("Đã thêm khen thưởng.", "The award was added."),
    "done_award_updated": ("Đã lưu khen thưởng.", "The award was saved."),
    "done_award_revoked": ("Đã thu hồi khen thưởng.", "The award was revoked."),
    "done_initiative_created": ("Đã thêm sáng kiến.", "The initiative was added."),
    "done_initiative_updated": ("Đã lưu sáng kiến.", "The initiative was saved."),
}


def labels(request: Request) -> dict[str, str]:
    """Every word of these pages in the request's language."""
    index = 1 if request_language(request) == "en" else 0
    return {key: pair[index] for key, pair in _TEXTS.items()}


def done_message(request: Request) -> str:
    """The confirmation named by ``?done=`` after a form (post-redirect-get)."""
    key = request.query_params.get("done", "")
    return labels(request).get(f"done_{key}", "") if key else ""
