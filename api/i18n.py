"""Page language: Vietnamese first, English on request (``?lang=en`` sets a cookie).

Texts live in ``TEXTS`` keyed by a stable name; templates call ``t("key")`` (with
``{name}`` placeholders filled from keyword arguments). Stage, role, audit action and
command names have their own tables so that templates can write ``t("stage_" ~ stage)``.
"""

from __future__ import annotations

from fastapi import Request

from domain.vocabulary import STAGE_LABELS

from .i18n_audit_chain import AUDIT_CHAIN_TEXTS
from .i18n_daily import DAILY_TEXTS
from .i18n_dossier import DOSSIER_TEXTS
from .i18n_exports import EXPORT_TEXTS
from .i18n_registry import REGISTRY_ADMIN_TEXTS
from .i18n_statistics import STATISTICS_TEXTS

LANG_COOKIE = "thidua_lang"
LANGUAGES = ("vi", "en")


def _pairs(**entries: tuple[str, str]) -> dict[str, dict[str, str]]:
    return {key: {"vi": vi, "en": en} for key, (vi, en) in entries.items()}


TEXTS: dict[str, dict[str, str]] = {
    "app_name": {"vi": "Thi đua - Khen thưởng", "en": "Emulation and Commendation"},
    "login": {"vi": "Đăng nhập", "en": "Log in"},
    "logout": {"vi": "Đăng xuất", "en": "Log out"},
    "username": {"vi": "Tên đăng nhập", "en": "Username"},
    "password": {"vi": "Mật khẩu", "en": "Password"},
    "login_failed": {
        "vi": "Tên đăng nhập hoặc mật khẩu không đúng",
        "en": "Wrong username or password",
    },
    "field_required": {"vi": "Vui lòng nhập trường này", "en": "This field is required"},
    "session_expired": {
        "vi": "Phiên làm việc đã hết hạn, vui lòng đăng nhập lại",
        "en": "Your session expired, please log in again",
    },
    "home": {"vi": "Trang chủ", "en": "Home"},
    "public_portal": {"vi": "Cổng công khai", "en": "Public portal"},
    "your_roles": {"vi": "Vai trò của bạn", "en": "Your roles"},
    "csrf_failed": {
        "vi": "Biểu mẫu đã hết hạn, vui lòng tải lại trang và gửi lại",
        "en": "The form expired, please reload the page and submit it again",
    },
    **_pairs(
        # ---- layout and navigation
        skip_to_content=("Bỏ qua điều hướng", "Skip to content"),
        main_navigation=("Điều hướng chính", "Main navigation"),
        switch_language=("English", "Tiếng Việt"),
        verify=("Xác minh văn bản", "Verify a document"),
        nav_nominations=("Đề nghị khen thưởng", "Nominations"),
        nav_dossiers=("Hồ sơ đến", "Incoming dossiers"),
        nav_notices=("Công khai, phản ánh", "Notices and objections"),
        nav_sessions=("Phiên họp Hội đồng", "Council sessions"),
        nav_decisions=("Quyết định, tờ trình", "Decisions"),
        nav_deadlines=("Hạn xử lý", "Deadlines"),
        nav_signing=("Ký duyệt", "Signing"),
        nav_issuing=("Phát hành văn bản", "Issuing"),
        nav_audit=("Kiểm tra, tra soát", "Audit"),
        nav_campaigns=("Phong trào thi đua", "Campaigns"),
        # ---- form messages
        field_too_short=("Cần ít nhất {n} ký tự", "At least {n} characters"),
        field_too_long=("Tối đa {n} ký tự", "At most {n} characters"),
        field_number=("Vui lòng nhập một số", "Enter a number"),
        field_out_of_range=("Giá trị nằm ngoài khoảng cho phép", "The value is out of range"),
        field_datetime=("Ngày giờ không hợp lệ", "Not a valid date and time"),
        field_invalid=("Giá trị không hợp lệ", "Not a valid value"),
        field_control_character=(
            "Có ký tự điều khiển {codepoint} (ký tự ẩn), vui lòng nhập lại",
            "Contains the hidden control character {codepoint}: please type it again",
        ),
        field_choose=("Vui lòng chọn", "Please choose"),
        form_has_errors=(
            "Biểu mẫu có lỗi, vui lòng xem các trường được đánh dấu",
            "The form has errors, see the marked fields",
        ),
        error_title=("Không thực hiện được", "Something went wrong"),
        error_403=("Bạn không có quyền xem trang này", "You may not see this page"),
        error_404=("Không tìm thấy", "Not found"),
        back_home=("Về trang chủ", "Back to the home page"),
        save=("Lưu", "Save"),
        send=("Gửi", "Send"),
        filter=("Lọc", "Filter"),
        all=("Tất cả", "All"),
        none_yet=("Chưa có", "None yet"),
        nothing_to_do=("Không có việc nào đang chờ bạn.", "Nothing is waiting for you."),
        page_of=("Trang {page}/{pages}", "Page {page} of {pages}"),
        previous_page=("Trang trước", "Previous page"),
        next_page=("Trang sau", "Next page"),
        total_items=("Tổng số: {n}", "Total: {n}"),
        see_all=("Xem tất cả ({n})", "See all ({n})"),
        open_link=("Xem", "Open"),
        download=("Tải về", "Download"),
        yes=("Có", "Yes"),
        no=("Không", "No"),
        optional=("không bắt buộc", "optional"),
        reason=("Lý do", "Reason"),
        note=("Ghi chú", "Note"),
        # ---- home
        hello=("Xin chào, {name}", "Hello, {name}"),
        my_tasks=("Việc cần làm", "What is mine to do"),
        my_tasks_help=(
            "Các đề nghị đang chờ bạn xử lý, hạn gần nhất trước.",
            "Nominations waiting for you, earliest deadline first.",
        ),
        ballots_to_cast=("Phiếu bầu chờ bạn", "Ballots waiting for you"),
        documents_to_sign=("Văn bản chờ ký", "Documents to sign"),
        documents_to_issue=("Văn bản đã ký chờ phát hành", "Signed documents to issue"),
        unit_nominations=("Đề nghị của đơn vị", "Your unit's nominations"),
        new_nomination=("Lập đề nghị mới", "Start a nomination"),
        drafts=("Bản nháp chưa nộp", "Drafts not submitted"),
        standing_overview=("Tình hình xử lý hồ sơ", "Dossiers at your body"),
        overdue_count=("Quá hạn: {n}", "Overdue: {n}"),
        pending_objections=("Ý kiến phản ánh chờ xử lý", "Objections to resolve"),
        latest_notices=("Thông báo mới", "New notices"),
        unread_count=("{n} thông báo chưa đọc", "{n} unread notices"),
        audit_link=("Tra soát nhật ký xử lý hồ sơ", "Search the audit trail"),
        escalated=("Đã báo cáo vượt hạn", "Escalated"),
        # ---- nomination fields
        nominee=("Đối tượng đề nghị", "Nominee"),
        award=("Danh hiệu, hình thức", "Award"),
        unit=("Đơn vị đề nghị", "Proposing unit"),
        year=("Năm thành tích", "Achievement year"),
        stage=("Giai đoạn", "Stage"),
        level=("Cấp xét", "Level"),
        authority=("Cơ quan xét", "Authority"),
        due=("Hạn xử lý", "Due"),
        overdue=("Quá hạn", "Overdue"),
        who_acts=("Người phải xử lý", "Who must act"),
        achievement_summary=("Tóm tắt thành tích", "Summary of the achievement"),
        achievement_summary_help=(
            "Nội dung này được in nguyên văn trên Giấy khen (dưới tên người, tập thể được "
            "khen): viết đúng chính tả, ngắn gọn như sẽ in.",
            "This text is printed word for word on the certificate (Giấy khen), under the "
            "awardee's name: write it as it should be printed.",
        ),
        correct_summary=("Sửa tóm tắt thành tích", "Correct the achievement summary"),
        correct_summary_help=(
            "Sửa được đến khi đề nghị được đưa vào dự thảo quyết định; Giấy khen in nội dung "
            "đã sửa. Việc sửa được ghi vào nhật ký, nêu người sửa và nội dung trước, sau.",
            "It can be corrected until the nomination is put into a decision draft; the "
            "certificate prints the corrected text. The correction is logged with who made it "
            "and the text before and after.",
        ),
        summary_corrected=("Đã sửa tóm tắt thành tích", "The achievement summary was corrected"),
        attestations=(
            "Tiêu chuẩn đơn vị xác nhận (theo biên bản bình xét)",
            "Criteria the unit attests (in its review minutes)",
        ),
        search_name=("Tìm theo tên", "Search by name"),
        only_overdue=("Chỉ hồ sơ quá hạn", "Overdue only"),
        only_open=("Chỉ hồ sơ đang xử lý", "Open only"),
        nominations_title=("Đề nghị khen thưởng", "Nominations"),
        no_nominations=("Không có đề nghị nào.", "No nominations."),
        # ---- new nomination
        new_nomination_intro=(
            "Chọn đối tượng và danh hiệu, bấm “Kiểm tra điều kiện” để xem kết quả trước khi lưu. "
            "Chọn tệp cho các thành phần hồ sơ rồi bấm “Lưu và nộp hồ sơ”, hoặc lưu bản nháp "
            "và đính kèm sau.",
            "Choose the nominee and the award and press “Check eligibility” to see the verdict "
            "before saving. Choose the dossier files and press “Save and submit”, or save the "
            "draft and attach them later.",
        ),
        choose=("— Chọn —", "— Choose —"),
        individuals=("Cá nhân", "Individuals"),
        collectives=("Tập thể", "Collectives"),
        households=("Hộ gia đình", "Households"),
        # A list of people or households cut at ``campaign_forms.CHOICES_LIMIT``, and the
        # search beside it that reaches the others (new nomination, new exemplar).
        choices_capped_people=(
            "Đơn vị có hơn {n} người: danh sách chỉ hiện {n} người đầu theo tên. Gõ tên vào ô "
            "tìm bên dưới để thấy người khác.",
            "The unit has more than {n} people: the list shows the first {n} by name. Type a "
            "name in the search below to reach the others.",
        ),
        choices_capped_households=(
            "Đơn vị có hơn {n} hộ gia đình: danh sách chỉ hiện {n} hộ đầu theo tên chủ hộ. Gõ "
            "tên chủ hộ hoặc địa chỉ vào ô tìm bên dưới để thấy hộ khác.",
            "The unit has more than {n} households: the list shows the first {n} by the head's "
            "name. Type a head's name or an address in the search below to reach the others.",
        ),
        choices_search=("Tìm đối tượng theo tên", "Find by name"),
        choices_search_help=(
            "Gõ có dấu hoặc không dấu đều được (ví dụ: nguyen thi hoa) rồi bấm “Tìm”: danh "
            "sách trên chỉ còn những tên khớp. Xóa ô tìm và bấm “Tìm” để thấy lại cả danh sách.",
            "With or without diacritics (e.g. nguyen thi hoa), then press “Find”: the list "
            "above keeps only the names that match. Empty the box and press “Find” to see the "
            "whole list again.",
        ),
        choices_search_none=(
            "Không có ai có tên như «{q}» trong đơn vị.",
            "No one in the unit is named like «{q}».",
        ),
        choices_find=("Tìm", "Find"),
        check_eligibility=("Kiểm tra điều kiện", "Check eligibility"),
        save_draft=("Lưu bản nháp", "Save the draft"),
        save_and_submit=("Lưu và nộp hồ sơ", "Save and submit"),
        new_nomination_files=("Hồ sơ kèm theo", "Dossier files"),
        new_nomination_files_help=(
            "Chọn tệp cho từng thành phần bắt buộc (PDF, JPEG hoặc PNG, tối đa {mb} MB) rồi "
            "bấm “Lưu và nộp hồ sơ”; có thể bỏ trống và đính kèm sau khi lưu bản nháp. "
            "Hồ sơ thiếu thành phần sẽ được hỏi lại trước khi nộp.",
            "Choose a file for each required item (PDF, JPEG or PNG, at most {mb} MB), then "
            "press “Save and submit”; or leave them empty and attach them after saving the "
            "draft. An incomplete dossier is asked about before it is submitted.",
        ),
        eligibility=("Kết quả kiểm tra điều kiện", "Eligibility check"),
        eligible_yes=("Đủ điều kiện đề nghị", "Eligible"),
        eligible_no=("Chưa đủ điều kiện", "Not eligible"),
        verdict_under=(
            "Kết quả kiểm tra như đơn vị đã thấy khi đề nghị, theo {rules}.",
            "The check the unit saw when it proposed, under {rules}.",
        ),
        verdict_criteria=("Các tiêu chí đã kiểm tra ({n})", "The criteria checked ({n})"),
        criterion_met=("Đạt", "Met"),
        criterion_unmet=("Chưa đạt", "Not met"),
        draft_saved=(
            "Đã lưu bản nháp. Hãy đính kèm hồ sơ rồi nộp.",
            "The draft is saved. Attach the dossier, then submit.",
        ),
        # ---- the nomination page
        dossier=("Hồ sơ", "Dossier"),
        dossier_item=("Thành phần hồ sơ", "Dossier item"),
        required_items=("Thành phần bắt buộc ở cấp này", "Required at this level"),
        item_present=("Đã có", "Present"),
        item_missing=("Còn thiếu", "Missing"),
        file=("Tệp", "File"),
        file_help=("PDF, JPEG hoặc PNG, tối đa {mb} MB", "PDF, JPEG or PNG, at most {mb} MB"),
        title_optional=("Tiêu đề (không bắt buộc)", "Title (optional)"),
        upload=("Tải lên", "Upload"),
        uploaded=("Đã tải lên {name}", "Uploaded {name}"),
        no_file=("chưa có tệp", "no file"),
        size=("Dung lượng", "Size"),
        uploaded_at=("Thời điểm tải lên", "Uploaded at"),
        submit_nomination=("Nộp hồ sơ", "Submit the dossier"),
        submitted=("Đã nộp hồ sơ đề nghị", "The nomination was submitted"),
        delete_draft=("Xóa bản nháp", "Delete the draft"),
        draft_deleted=("Đã xóa bản nháp", "The draft was deleted"),
        actions=("Thao tác", "Actions"),
        no_actions=(
            "Bạn không có thao tác nào ở giai đoạn này.",
            "There is nothing for you to do at this stage.",
        ),
        timeline=("Quá trình xử lý", "Timeline"),
        documents=("Văn bản", "Documents"),
        certificate=("Giấy khen (in)", "Certificate (print)"),
        signed_pdf=("Quyết định đã ký số (PDF)", "Signed decision (PDF)"),
        objections=("Ý kiến phản ánh", "Objections"),
        objector=("Người phản ánh", "Objector"),
        objector_withheld=("Được giữ bí mật", "Kept confidential"),
        lodged_at=("Thời điểm gửi", "Lodged at"),
        resolution=("Kết quả xử lý", "Resolution"),
        council_session=("Phiên họp Hội đồng", "Council session"),
        decision_number=("Số quyết định", "Decision number"),
        outcome_reason=("Lý do kết thúc", "Reason"),
        action_done=("Đã thực hiện: {action}", "Done: {action}"),
        when=("Thời điểm", "When"),
        who=("Người thực hiện", "By"),
        what=("Nội dung", "What"),
        system=("Hệ thống", "System"),
        # ---- command forms
        missing_items=("Thành phần hồ sơ còn thiếu", "Missing dossier items"),
        added_items=("Thành phần đã bổ sung", "Items supplemented"),
        working_days=("Số ngày làm việc gia hạn", "Working days to extend"),
        to_officer=("Giao cho cán bộ", "Assign to"),
        outcome=("Kết quả", "Outcome"),
        outcome_dismissed=("Bác bỏ phản ánh", "Dismiss the objection"),
        outcome_upheld=("Chấp nhận phản ánh (từ chối đề nghị)", "Uphold (rejects the nomination)"),
        legal_basis=("Căn cứ", "Legal basis"),
        dossier_missing=("Hồ sơ còn thiếu: {items}", "The dossier lacks: {items}"),
        or_join=(" hoặc ", " or "),
        confirm_terminal=(
            "Thao tác này kết thúc đề nghị, không hoàn tác được.",
            "This ends the nomination and cannot be undone.",
        ),
        # ---- standing body
        dossiers_title=("Hồ sơ đến và đang xử lý", "Incoming dossiers"),
        incoming=("Hồ sơ mới đến (kiểm tra tính đầy đủ)", "New dossiers (completeness check)"),
        returned_waiting=("Đã trả lại, chờ đơn vị bổ sung", "Returned, waiting for the unit"),
        in_progress=("Đang xử lý ở các bước sau", "Further along"),
        notices_title=("Công khai và ý kiến phản ánh", "Public notices and objections"),
        posted_until=("Công khai đến", "Posted until"),
        on_notice=("Đang công khai", "Posted for comment"),
        resolve=("Xử lý", "Resolve"),
        deadlines_title=("Bảng theo dõi hạn xử lý", "Deadlines board"),
        within_days=("Sắp đến hạn trong (ngày làm việc)", "Due within (working days)"),
        due_soon=("Sắp đến hạn", "Due soon"),
        generated_at=("Cập nhật lúc {at}", "As of {at}"),
        no_deadlines=("Không có hồ sơ quá hạn hoặc sắp đến hạn.", "Nothing overdue or due soon."),
        # ---- council
        sessions_title=("Phiên họp Hội đồng Thi đua - Khen thưởng", "Council sessions"),
        convene=("Triệu tập phiên họp", "Convene a session"),
        convene_help=(
            "Chọn các đề nghị đang chờ Hội đồng xét và hạn bỏ phiếu.",
            "Choose the nominations awaiting the council and the ballot deadline.",
        ),
        session_title=("Tên phiên họp", "Session title"),
        closes_at=("Hạn bỏ phiếu", "Ballot deadline"),
        agenda=("Chương trình (các đề nghị)", "Agenda"),
        quota_ranking=("Thứ tự xét theo chỉ tiêu", "Order under the quota"),
        quota_ranking_help=(
            "Thành phố giới hạn số được tặng trong mỗi đơn vị. Các đề nghị xếp theo số phiếu đồng ý "
            "(khi Hội đồng đã biểu quyết); bằng nhau thì ưu tiên nữ và tập thể có từ 70% nữ, hai "
            "trường hợp ngang nhau ({article}); vẫn bằng nhau thì hồ sơ nộp trước xếp trước.",
            "The city caps how many a unit may receive. Nominations are ranked by votes in favour "
            "(once the council has voted); on a tie, women and collectives with at least 70% women "
            "come first, the two alike ({article}); a tie left is broken by the earlier submission.",
        ),
        quota_group=("{award} — {unit}, năm {year}", "{award} — {unit}, {year}"),
        quota_seats=(
            "{seats} suất: tối đa {share} của {pool} người đạt {base}; đã tặng {granted}",
            "{seats} seats: at most {share} of {pool} holders of {base}; {granted} granted",
        ),
        quota_position=("Thứ tự", "Rank"),
        quota_preference=("Ưu tiên", "Preference"),
        quota_place=("Chỉ tiêu", "Quota"),
        quota_within=("Trong chỉ tiêu", "Within the quota"),
        quota_beyond=("Ngoài chỉ tiêu", "Beyond the quota"),
        quota_why=("Lý do xếp trước", "Why ahead"),
        quota_set_by=("Căn cứ chỉ tiêu", "Quota set by"),
        awaiting_council_none=(
            "Không có đề nghị nào đang chờ Hội đồng xét.",
            "No nomination awaits the council.",
        ),
        convened=("Đã triệu tập phiên họp", "The session was convened"),
        members=("Thành viên", "Members"),
        has_voted=("Đã bỏ phiếu", "Has voted"),
        not_voted=("Chưa bỏ phiếu", "Not yet voted"),
        vote_mode_in_person=("Trực tiếp", "In person"),
        vote_mode_written=("Bằng văn bản", "In writing"),
        quorum=("Tỷ lệ có mặt tối thiểu", "Quorum"),
        present=("Có mặt", "Present"),
        written=("Ý kiến bằng văn bản", "Written opinions"),
        votes_progress=(
            "{voted}/{members} thành viên đã bỏ phiếu",
            "{voted} of {members} members have voted",
        ),
        close_session=("Kết thúc bỏ phiếu", "Close the ballot"),
        session_closed=("Đã kết thúc bỏ phiếu", "The ballot is closed"),
        results=("Kết quả", "Results"),
        agree=("Đồng ý", "Agree"),
        disagree=("Không đồng ý", "Disagree"),
        abstain=("Không biểu quyết", "Abstain"),
        threshold=("Tỷ lệ cần đạt", "Threshold"),
        minutes=("Biên bản họp (PDF)", "Minutes (PDF)"),
        ballot_sheet=("Phiếu bầu", "Ballot sheet"),
        open_ballot=("Bỏ phiếu", "Vote"),
        home_ballot_help=(
            "Phiên họp có ít mục: bỏ phiếu ngay tại đây, như trên phiếu bầu. Phiếu bầu kín; "
            "phiếu đã gửi không sửa được.",
            "A short agenda: vote here, as on the ballot sheet. The ballot is secret; a "
            "ballot once cast cannot be changed.",
        ),
        ballot_intro=(
            "Một phiếu cho toàn bộ chương trình. Phiếu bầu kín: hệ thống chỉ ghi nhận "
            "bạn đã bỏ phiếu, không ghi lựa chọn của bạn.",
            "One sheet for the whole agenda. The ballot is secret: only the fact "
            "that you voted is recorded, never your choices.",
        ),
        ballot_mode=("Hình thức", "How you vote"),
        mode_in_person=("Có mặt tại phiên họp", "Present at the session"),
        mode_written=("Vắng mặt, gửi ý kiến bằng văn bản", "Absent: written opinion"),
        written_opinion=("Ý kiến bằng văn bản", "Written opinion"),
        objection_reply=("Trả lời người phản ánh", "Reply to the objector"),
        record_reply=("Ghi nhận việc trả lời", "Record the reply"),
        reply_channel=("Hình thức trả lời", "How the reply was given"),
        reply_channel_phone=("Điện thoại", "Telephone"),
        reply_channel_email=("Thư điện tử", "Email"),
        reply_channel_letter=("Văn bản", "Letter"),
        reply_channel_in_person=("Trực tiếp", "In person"),
        replied_at=("Thời điểm trả lời", "When the reply was given"),
        replied_at_hint=(
            "ngày/tháng/năm giờ:phút; để trống: bây giờ",
            "day/month/year hour:minute; empty: now",
        ),
        reply_record=(
            "Đã trả lời qua {channel} lúc {at}, người ghi nhận: {by}",
            "Answered by {channel} at {at}, recorded by {by}",
        ),
        reply_none=("Chưa ghi nhận việc trả lời người phản ánh", "No reply recorded yet"),
        reply_recorded=("Đã ghi nhận việc trả lời người phản ánh", "The reply was recorded"),
        see_dossier=("Xem hồ sơ đề nghị", "Open the dossier"),
        agree_to_all=("Đồng ý tất cả", "Agree to all"),
        agree_to_all_help=(
            "Chọn Đồng ý cho mọi mục; phiếu chưa được gửi: sửa các mục cần thiết rồi bấm "
            "Gửi phiếu bầu.",
            "Marks Agree on every item; nothing is sent yet: change the items you need, "
            "then press Cast the ballot.",
        ),
        agreed_to_all=(
            "Đã chọn Đồng ý cho {count} mục. Phiếu chưa được gửi: kiểm tra, sửa các mục "
            "cần thiết rồi bấm Gửi phiếu bầu.",
            "Agree is marked on {count} items. The ballot is not sent yet: check, change "
            "what you need, then press Cast the ballot.",
        ),
        recused=(
            "Không tham gia biểu quyết (có xung đột lợi ích)",
            "Not voting on this item (conflict of interest)",
        ),
        cast_ballot=("Gửi phiếu bầu", "Cast the ballot"),
        ballot_cast=("Đã ghi nhận phiếu bầu của bạn", "Your ballot was recorded"),
        receipt=("Xác nhận bỏ phiếu", "Ballot receipt"),
        receipt_text=(
            "Bạn đã gửi phiếu lúc {at} ({mode}). Lựa chọn của bạn không được lưu gắn với tên bạn.",
            "You voted at {at} ({mode}). Your choices are not stored with your name.",
        ),
        session_not_open=("Phiên họp không còn mở để bỏ phiếu.", "The session is no longer open."),
        status_open=("Đang bỏ phiếu", "Open"),
        status_closed=("Đã kết thúc", "Closed"),
        status_inquorate=("Không đủ số thành viên có mặt", "Inquorate"),
        result_pending=("Chờ kết quả", "Pending"),
        result_passed=("Thông qua", "Passed"),
        result_failed=("Không thông qua", "Not passed"),
        result_not_decided=("Chưa quyết định", "Not decided"),
        choice_required=("Chọn một ý kiến cho mục này", "Choose an option for this item"),
        # ---- decisions
        decisions_title=("Quyết định và tờ trình", "Decisions and submissions"),
        draft_decision=("Lập dự thảo quyết định", "Draft a decision"),
        draft_submission=("Lập tờ trình lên cấp trên", "Draft a submission"),
        awaiting_decision_none=(
            "Không có đề nghị nào chờ quyết định.",
            "No nomination awaits a decision.",
        ),
        awaiting_submission_none=(
            "Không có đề nghị nào chờ trình cấp trên.",
            "No nomination awaits a submission.",
        ),
        decision_drafted=(
            "Đã lập dự thảo, đang chờ người có thẩm quyền ký",
            "The draft is ready and waits for the signer",
        ),
        kind_decision=("Quyết định", "Decision"),
        kind_submission=("Tờ trình", "Submission"),
        decision_status=("Trạng thái", "Status"),
        dstatus_draft=("Đang tập hợp", "Being assembled"),
        dstatus_awaiting_signature=("Chờ ký", "Awaiting signature"),
        dstatus_returned=("Trả lại để chỉnh sửa", "Sent back for correction"),
        dstatus_signed=("Đã ký, chờ văn thư phát hành", "Signed, waiting for the clerk to issue"),
        dstatus_issued=("Đã ban hành", "Issued"),
        dstatus_cancelled=("Đã hủy", "Cancelled"),
        decision_assembling=(
            "Dự thảo đang được chuẩn bị, vui lòng chờ: trang tự tải lại sau {n} giây.",
            "The draft is being prepared, please wait: this page reloads in {n} seconds.",
        ),
        signing_assembling=(
            "{count} văn bản đang được chuẩn bị để trình ký, vui lòng chờ: trang tự tải lại "
            "sau {n} giây.",
            "{count} document(s) are being prepared for your signature, please wait: this "
            "page reloads in {n} seconds.",
        ),
        preview=("Xem trước bản dự thảo (PDF)", "Draft preview (PDF)"),
        preview_fallback=(
            "Trình duyệt không hiển thị được PDF.",
            "Your browser cannot show the PDF.",
        ),
        # The signer signs; the clerk (văn thư) issues (Decree 30/2020).
        sign=("Ký số", "Sign"),
        signed=("Đã ký, số {number}", "Signed: number {number}"),
        signed_for_clerk=(
            "Đã ký số. Văn thư sẽ cấp số, ghi ngày ban hành và phát hành văn bản.",
            "Signed. The clerk gives the number and the date when issuing the document.",
        ),
        delegate=("Giao Phó Chủ tịch ký thay", "Delegate to a vice-chairman"),
        delegated=("Đã giao ký thay", "Signing delegated"),
        delegated_to=("Giao ký thay: {name}", "Delegated to {name}"),
        signed_by=("Người ký", "Signed by"),
        signed_by_deputy=(
            "{name} (KT. Chủ tịch, Phó Chủ tịch ký thay)",
            "{name} (vice-chairman, signing for the chairman)",
        ),
        # Signing with a confirmation step; sending a draft back; correcting it.
        sign_review=("Xem lại và ký", "Review and sign"),
        sign_confirm_title=("Xác nhận ký số", "Confirm the signature"),
        sign_confirm_lead=(
            "Đồng chí sắp ký số văn bản sau. Sau khi ký, văn bản được cấp số, không thể sửa và "
            "được chuyển văn thư ký số của cơ quan, phát hành.",
            "You are about to sign this document. Once signed it is numbered, cannot be "
            "changed, and goes to the clerk, who applies the organisation's signature and "
            "issues it.",
        ),
        sign_awardee_count=("Số tập thể, cá nhân được khen thưởng", "Awardees"),
        sign_cash_total=("Tổng tiền thưởng", "Total cash awards"),
        sign_confirm=("Xác nhận ký số", "Confirm: sign"),
        sign_back=("Quay lại, chưa ký", "Go back without signing"),
        # Signing on the signer's own computer (THIDUA_EXTERNAL_SIGNERS).
        external_sign_title=(
            "Ký bằng thiết bị ký số trên máy của bạn",
            "Sign with the signing device on your computer",
        ),
        external_sign_lead=(
            "Đồng chí ký bằng USB token của mình, qua phần mềm ký số (plugin) của tổ chức cung "
            "cấp dịch vụ chứng thực chữ ký số cài trên máy tính: khóa bí mật không rời thiết "
            "bị. Phần mềm ký số: (1) yêu cầu hệ thống chuẩn bị văn bản (cấp số, dựng văn bản "
            "và ô chữ ký); (2) hiển thị văn bản để đồng chí đọc; (3) ký giá trị băm (digest) "
            "bằng thiết bị, sau khi đồng chí nhập mã PIN; (4) gửi chữ ký về hệ thống. Hệ thống "
            "kiểm tra chữ ký với chứng thư số của đồng chí, gắn dấu thời gian và chuyển văn "
            "thư phát hành.",
            "You sign with your own USB token through your certification provider's signing "
            "agent on your computer: the private key never leaves the device. The agent "
            "(1) asks the system to prepare the document (number, rendering, signature "
            "field); (2) shows it to you; (3) signs its digest with the device once you "
            "enter your PIN; (4) sends the signature back. The system checks it against "
            "your certificate, timestamps it and passes the document to the clerk.",
        ),
        external_sign_start=("Bắt đầu (phần mềm ký số gọi)", "Start (called by the agent)"),
        external_sign_prepare=(
            "Chuẩn bị văn bản để ký trên máy của tôi",
            "Prepare the document for signing on my computer",
        ),
        external_sign_prepared=(
            "Đã chuẩn bị văn bản số {number}: phần mềm ký số trên máy của đồng chí ký giá trị "
            "băm dưới đây",
            "Document {number} is prepared: the signing agent on your computer signs the "
            "digest below",
        ),
        external_sign_prepared_for_clerk=(
            "Đã chuẩn bị văn bản (số và ngày do văn thư ghi khi phát hành): phần mềm ký số trên "
            "máy của đồng chí ký giá trị băm dưới đây",
            "The document is prepared (the clerk gives its number and date at issue): the "
            "signing agent on your computer signs the digest below",
        ),
        external_sign_withdraw=("Rút yêu cầu ký", "Withdraw the signature request"),
        external_sign_withdraw_hint=(
            "Phần mềm ký số không trả lời, hoặc đồng chí muốn ký cách khác: rút yêu cầu này, "
            "văn bản trở lại chờ ký (chưa cấp số nào cho văn bản).",
            "The signing agent does not answer, or you will sign another way: withdraw this "
            "request and the document waits for a signature again (no number was given).",
        ),
        external_sign_withdrawn=(
            "Đã rút yêu cầu ký: văn bản trở lại chờ ký.",
            "The signature request is withdrawn: the document waits for a signature again.",
        ),
        external_sign_pending=(
            "Yêu cầu ký đang chờ chữ ký từ phần mềm ký số",
            "A signature request is waiting for the agent's signature",
        ),
        external_sign_digest=(
            "Giá trị băm cần ký (SHA-256, base64)",
            "Digest to sign (SHA-256, base64)",
        ),
        external_sign_expires=("Hết hạn lúc", "Expires at"),
        external_sign_document=("Văn bản đã chuẩn bị (PDF)", "The prepared document (PDF)"),
        external_sign_answer=(
            "Gửi chữ ký về (phần mềm ký số gọi)",
            "Send the signature (called by the agent)",
        ),
        send_back=("Trả lại để chỉnh sửa", "Send back for correction"),
        send_back_reason=("Lý do trả lại", "Why it goes back"),
        sent_back=(
            "Đã trả lại dự thảo cho cơ quan thường trực",
            "The draft went back to the standing body",
        ),
        returned_notice=(
            "{name} đã trả lại dự thảo để chỉnh sửa lúc {when}. Lý do: {reason}",
            "{name} sent the draft back for correction at {when}. Reason: {reason}",
        ),
        remove_from_draft=("Rút khỏi dự thảo", "Take out of the draft"),
        removed_from_draft=("Đã rút khỏi dự thảo", "Taken out of the draft"),
        cancel_draft=("Hủy dự thảo", "Cancel the draft"),
        draft_cancelled=("Đã hủy dự thảo", "The draft was cancelled"),
        resubmit_draft=("Trình ký lại", "Submit for signature again"),
        resubmit_note=("Ghi chú cho người ký", "Note to the signer"),
        draft_resubmitted=("Đã trình ký lại", "Submitted for signature again"),
        # The standing body edits its draft; the draft as a Word file.
        edit_draft=("Sửa dự thảo", "Edit the draft"),
        edit_draft_hint=(
            "Các phần này được in vào bản xem trước, bản Word và bản ký số.",
            "These parts go into the preview, the Word file and the signed PDF.",
        ),
        draft_title=("Trích yếu (về việc)", "Title (subject)"),
        draft_legal_grounds=("Căn cứ (mỗi dòng một căn cứ)", "Legal grounds (one per line)"),
        draft_proposer_text=("Theo đề nghị của", "Proposed by"),
        draft_recipients=("Nơi nhận (mỗi dòng một nơi)", "Recipients (one per line)"),
        draft_order=("Thứ tự trong danh sách", "Order in the list"),
        draft_reason_text=("Nội dung lý do (không bắt buộc)", "Reason (optional)"),
        draft_save=("Lưu dự thảo", "Save the draft"),
        decision_draft_saved=("Đã lưu dự thảo", "The draft was saved"),
        docx_download=("Tải bản Word (.docx)", "Download as Word (.docx)"),
        signing_title=("Văn bản chờ ký", "Documents to sign"),
        signing_empty=("Không có văn bản nào chờ bạn ký.", "Nothing waits for your signature."),
        issuing_title=("Văn bản đã ký chờ phát hành", "Signed documents to issue"),
        issuing_empty=(
            "Không có văn bản nào chờ văn thư phát hành.",
            "No signed document waits to be issued.",
        ),
        issue=("Cấp số và phát hành", "Number and issue"),
        number_at_issue=(
            "Chưa cấp số: văn thư cấp số khi phát hành",
            "Not numbered yet: the clerk numbers it at issue",
        ),
        issue_hint=(
            "Kiểm tra văn bản đã được người có thẩm quyền ký số, rồi cấp số: hệ thống ghi số "
            "tiếp theo trong sổ văn bản của năm và ngày hôm nay vào văn bản, ký số của cơ quan "
            "(con dấu) và phát hành: văn bản được gửi đến các đơn vị ngay sau đó.",
            "Check the document its signer signed, then number it: the next number of the "
            "year's register and today's date are written into it, the organisation's digital "
            "signature (the seal) is applied and it is issued: the units receive it right "
            "after.",
        ),
        issued_flash=("Đã phát hành văn bản số {number}", "Issued: number {number}"),
        signed_pdf_unissued=("Văn bản đã ký số, chưa phát hành (PDF)", "Signed, not issued (PDF)"),
        awardees=("Tập thể, cá nhân được khen thưởng", "Awardees"),
        cash=("Tiền thưởng", "Cash award"),
        issued_on=("Ngày ban hành", "Issued on"),
        document_title=("Trích yếu", "Title"),
        nominations_count=("{n} đề nghị", "{n} nominations"),
        # ---- auditor
        audit_title=("Tra soát nhật ký xử lý hồ sơ", "Audit trail"),
        audit_help=(
            "Mọi thay đổi của mọi đề nghị: ai, làm gì, lúc nào, vì sao.",
            "Every change of every nomination: who, what, when and why.",
        ),
        action=("Hành động", "Action"),
        date_from=("Từ ngày (dd/mm/yyyy)", "From (dd/mm/yyyy)"),
        date_to=("Đến ngày (dd/mm/yyyy)", "To (dd/mm/yyyy)"),
        export_csv=("Xuất CSV (mở được bằng Excel)", "Export CSV (opens in Excel)"),
        field_date=("Ngày không hợp lệ (dd/mm/yyyy)", "Not a valid date (dd/mm/yyyy)"),
        # ---- portal
        portal_title=("Cổng thông tin công khai khen thưởng", "Public awards portal"),
        portal_intro=(
            "Danh sách đang lấy ý kiến nhân dân, các quyết định khen thưởng đã ban hành và tra cứu "
            "xác minh văn bản. Không cần đăng nhập.",
            "Nominations open for public comment, issued award decisions and document "
            "verification. No account needed.",
        ),
        current_notices=("Đang công khai lấy ý kiến", "Open for public comment"),
        no_current_notices=(
            "Hiện không có danh sách nào đang công khai.",
            "Nothing is posted for comment right now.",
        ),
        lodge_objection=("Gửi ý kiến phản ánh", "Send an objection"),
        # What the public learns of the objections: lodged, and how resolved (never who).
        portal_objections=("Đã nhận {n} ý kiến phản ánh", "{n} objection(s) received"),
        portal_objection_pending=("đang xem xét", "under review"),
        portal_objection_dismissed=("đã bác bỏ", "dismissed"),
        portal_objection_upheld=("đã chấp nhận", "upheld"),
        objector_name=("Họ và tên", "Full name"),
        objector_contact=("Số điện thoại hoặc địa chỉ liên hệ", "Phone or address"),
        objection_reason=("Nội dung phản ánh", "What is wrong"),
        objection_lodged=(
            "Đã nhận ý kiến phản ánh của bạn. Cơ quan thường trực sẽ xem xét và trả lời.",
            "Your objection was received. The standing body will review it and answer.",
        ),
        objection_help=(
            "Ý kiến phải ghi rõ họ tên và cách liên hệ (không nhận ý kiến nặc danh).",
            "Give your name and a way to reach you (anonymous objections are not accepted).",
        ),
        issued_decisions=("Quyết định khen thưởng đã ban hành", "Issued award decisions"),
        no_issued_decisions=("Chưa có quyết định nào được ban hành.", "No decision issued yet."),
        # A signed submission awards nothing: its nominees go to the next level, which decides.
        forwarded_title=("Đã trình cấp trên xét khen thưởng", "Forwarded to the next level"),
        forwarded_help=(
            "Các đề nghị dưới đây đã được trình cấp trên; cấp trên xét và quyết định khen thưởng.",
            "These nominations were forwarded to the next level, which decides on them.",
        ),
        forwarded_to=("Trình {name}", "Forwarded to {name}"),
        award_proposed=("Đề nghị khen thưởng", "Award proposed"),
        verify_this=("Xác minh", "Verify"),
        verify_intro=(
            "Kiểm tra một quyết định là văn bản thật, có chữ ký số hợp lệ:",
            "Check that a decision is genuine and validly signed:",
        ),
        exemplars_title=(
            "Điển hình tiên tiến đang được nhân rộng",
            "Exemplary models being replicated",
        ),
        adoptions=("{n} đơn vị đã áp dụng", "adopted by {n} units"),
        no_exemplars=(
            "Chưa có điển hình nào được công bố nhân rộng.",
            "No exemplar is published yet.",
        ),
        # ---- campaigns
        campaigns_title=("Phong trào thi đua", "Emulation campaigns"),
        campaign_theme=("Chủ đề thi đua", "Theme"),
        campaign_period=("Giai đoạn", "Period"),
        campaign_next_step=("Bước tiếp theo", "Next step"),
        campaign_areas=("Nội dung thi đua", "Content areas"),
        campaign_stages=("Các chặng thi đua", "Stages"),
        campaign_milestones=("Sơ kết, tổng kết", "Reviews"),
        campaign_status_planned=("Chưa phát động", "Planned"),
        campaign_status_running=("Đang triển khai", "Running"),
        campaign_status_closed=("Đã tổng kết", "Closed"),
        exemplars=("Điển hình tiên tiến", "Exemplary models"),
        exemplar_adoptions=("Số đơn vị áp dụng", "Adopted by"),
        exemplar_stage_discovered=("Phát hiện", "Discovered"),
        exemplar_stage_nurturing=("Bồi dưỡng", "Nurturing"),
        exemplar_stage_summarized=("Tổng kết", "Summarized"),
        exemplar_stage_replicating=("Nhân rộng", "Replicating"),
        exemplar_stage_dropped=("Dừng theo dõi", "Dropped"),
        # ---- campaign and exemplar management (api/pages/campaigns.py)
        campaign_plan=("Kế hoạch", "The plan"),
        campaign_plan_reference=("Kế hoạch số", "Plan reference"),
        campaign_launched_at=("phát động lúc {at}", "launched at {at}"),
        campaign_launch=("Phát động phong trào", "Launch the campaign"),
        campaign_launch_help=(
            "Phong trào đang ở trạng thái dự kiến. Khi phát động, hệ thống mở đăng ký thi đua "
            "hằng năm, nhắc các đơn vị chưa đăng ký và tổ chức sơ kết, tổng kết theo các mốc.",
            "The campaign is planned. Once launched, the engine opens the yearly registration, "
            "reminds units that have not registered and holds the reviews at their milestones.",
        ),
        campaign_launch_confirm=(
            "Phát động phong trào thi đua? Quy trình chạy suốt giai đoạn.",
            "Launch the campaign? Its workflow runs for the whole period.",
        ),
        campaign_launched=("Đã phát động phong trào thi đua", "The campaign was launched"),
        campaign_not_running=(
            "Phong trào chưa phát động hoặc đã kết thúc.",
            "The campaign is not running.",
        ),
        campaign_report=("Báo cáo kết quả phong trào", "Campaign report"),
        cycle_title=("Chu kỳ thi đua năm {year}", "The {year} cycle"),
        cycle_step=("Việc trong năm", "Step"),
        cycle_date=("Ngày", "Date"),
        cycle_state=("Tình trạng", "Status"),
        cycle_row_registration_open=("Mở đăng ký thi đua", "Registration opens"),
        cycle_row_registration_due=("Hạn đăng ký thi đua", "Registration due"),
        cycle_row_household_review=("Hạn bình xét hộ gia đình văn hóa", "Household review due"),
        cycle_row_dossiers=("Hạn nộp hồ sơ khen thưởng cuối năm", "Year-end dossiers due"),
        cycle_state_done=("Đã thực hiện", "Done"),
        cycle_state_skipped=("Đã qua trước khi phát động", "Passed before the launch"),
        cycle_state_next=("Bước tiếp theo", "Next"),
        cycle_state_upcoming=("Sắp tới", "Upcoming"),
        cycle_state_open=("Đang nhận đăng ký", "Open"),
        cycle_state_not_open=("Không nhận đăng ký", "Not open"),
        cycle_state_late=(
            "Đã quá hạn đăng ký — vẫn nhận đăng ký muộn",
            "Past the deadline — late registrations are still taken",
        ),
        cycle_state_notice_done=("Đã gửi thông báo", "Notice sent"),
        cycle_state_notice_skipped=(
            "Ngày thông báo đã qua trước khi phát động",
            "The notice date passed before the launch",
        ),
        cycle_state_notice_next=("Thông báo là bước tiếp theo", "The notice is the next step"),
        cycle_step_registration_open=("Mở đăng ký thi đua", "Registration opens"),
        cycle_step_registration_reminder=(
            "Nhắc đơn vị chưa đăng ký",
            "Reminder to units not registered",
        ),
        cycle_step_household_review=("Thông báo bình xét hộ gia đình", "Household review notice"),
        cycle_step_dossiers=("Thông báo nộp hồ sơ khen thưởng cuối năm", "Year-end dossier call"),
        cycle_step_milestone=("Sơ kết, tổng kết", "Review milestone"),
        units_registered=("{n}/{total} đơn vị đã đăng ký", "{n} of {total} units registered"),
        units_not_registered=("Đơn vị chưa đăng ký", "Units not registered"),
        registrations_see=("Xem đăng ký của từng đơn vị", "See each unit's registration"),
        content_area_add=("Bổ sung nội dung thi đua", "Add a content area"),
        content_area_code=("Mã nội dung", "Code"),
        content_area_code_help=(
            "Chữ thường không dấu, số và gạch nối, 2–64 ký tự (ví dụ: chuyen-doi-so)",
            "Lowercase letters, digits and hyphens, 2–64 characters (e.g. digital-first)",
        ),
        content_area_title=("Tên nội dung thi đua", "Title"),
        content_area_description=("Mô tả", "Description"),
        content_area_added=("Đã bổ sung nội dung thi đua: {title}", "Content area added: {title}"),
        milestone_reached_at=("Đã tổ chức lúc {at}", "Held at {at}"),
        milestone_upcoming=("Chưa đến mốc", "Not yet held"),
        milestone_report_pdf=("Báo cáo (PDF)", "Report (PDF)"),
        milestone_move=("Dời mốc", "Move the milestone"),
        milestone_new_date=("Ngày mới", "New date"),
        milestone_moved_to=("Đã dời “{title}” sang ngày {day}", "“{title}” moved to {day}"),
        amendments=("Các lần điều chỉnh kế hoạch", "Amendments"),
        amendment_content_area_added=("Bổ sung nội dung thi đua", "Content area added"),
        amendment_milestone_moved=("Dời mốc", "Milestone moved"),
        # registrations
        registrations_title=("Đăng ký thi đua", "Registrations"),
        registrations_of_year=("Đăng ký thi đua năm {year}", "Registrations for {year}"),
        registrations_mine=("Đăng ký của đơn vị bạn", "Your unit's registrations"),
        registration_open_for=(
            "Đang nhận đăng ký thi đua năm {year}.",
            "Registration for {year} is open.",
        ),
        registration_late_for=(
            "Hạn đăng ký thi đua năm {year} ({due}) đã qua; đơn vị chưa đăng ký "
            "vẫn có thể đăng ký muộn.",
            "The {year} registration deadline ({due}) has passed; units that "
            "have not registered may still register late.",
        ),
        registration_not_open=(
            "Hiện chưa mở hoặc đã hết thời gian đăng ký thi đua.",
            "Registration is not open now.",
        ),
        register_heading=("Đăng ký thi đua năm {year}", "Register for {year}"),
        register_help=(
            "Đăng ký cho đơn vị (tập thể) hoặc cho từng cá nhân của đơn vị: chọn danh hiệu phấn "
            "đấu và/hoặc ghi nội dung giao ước. Mỗi đơn vị, cá nhân đăng ký một lần mỗi năm.",
            "Register the unit (as a collective) or each of its people: choose the titles aimed "
            "for and/or write a pledge. Once per unit or person and year.",
        ),
        registration_unit=("Đơn vị", "Unit"),
        registrant=("Đăng ký cho", "Registering"),
        registrant_unit=("Đơn vị (tập thể)", "The unit (collective)"),
        target_awards=("Danh hiệu đăng ký phấn đấu", "Titles aimed for"),
        target_awards_unit=("Danh hiệu cho tập thể (đơn vị)", "Titles for the unit (collective)"),
        target_awards_person=("Danh hiệu cho cá nhân", "Titles for a person"),
        pledge=("Giao ước", "Pledge"),
        pledge_content=("Nội dung giao ước thi đua", "Emulation pledge"),
        register_submit=("Đăng ký thi đua", "Register"),
        registered_for_year=(
            "Đã đăng ký thi đua năm {year}: {who}",
            "Registered for {year}: {who}",
        ),
        registered_at=("Thời điểm đăng ký", "Registered at"),
        registered=("Đã đăng ký", "Registered"),
        not_registered=("Chưa đăng ký", "Not registered"),
        registration_state=("Tình trạng đăng ký", "Registration"),
        people_registered=("Cá nhân đã đăng ký", "People registered"),
        unit_name=("Đơn vị", "Unit"),
        year_short=("Năm", "Year"),
        # the report
        report_through_year=("Số liệu đến hết năm", "Figures through the end of"),
        report_whole_period=("Cả giai đoạn", "The whole period"),
        report_totals=("Tổng hợp đến hết năm {year}", "Totals through {year}"),
        report_registrations=("Lượt đăng ký thi đua", "Registrations"),
        report_nominations=("Đề nghị khen thưởng", "Nominations"),
        report_awards=("Được khen thưởng", "Awards"),
        report_by_area=("Theo nội dung thi đua", "By content area"),
        report_by_unit=("Theo đơn vị", "By unit"),
        report_exemplars_by_stage=("Điển hình theo bước", "Models by step"),
        report_exemplar_list=("Danh sách điển hình", "The models"),
        report_count=("Số lượng", "Count"),
        report_generate=("Tạo báo cáo PDF", "Generate the report PDF"),
        report_title_field=("Tiêu đề báo cáo", "Report title"),
        report_generated=(
            "Đã tạo báo cáo kết quả đến hết năm {year}",
            "The report through {year} was generated",
        ),
        report_document=("Báo cáo đã tạo", "Generated report"),
        report_download_pdf=(
            "Tải báo cáo kết quả đến hết năm {year} (PDF)",
            "Download the report through {year} (PDF)",
        ),
        # exemplars
        exemplars_all=("Tất cả điển hình", "All exemplary models"),
        exemplars_by_stage=("Điển hình theo bước", "Models by step"),
        exemplars_help=(
            "Phát hiện – bồi dưỡng – tổng kết – nhân rộng điển hình tiên tiến.",
            "Discover – nurture – summarize – replicate exemplary models.",
        ),
        exemplar_propose=("Đề xuất điển hình tiên tiến", "Propose an exemplary model"),
        exemplar_propose_help=(
            "Phát hiện một cá nhân, tập thể, hộ gia đình, tổ dân phố hoặc mô hình, cách làm hay, "
            "kèm căn cứ. Đơn vị đề xuất trong phạm vi của mình; cơ quan thường trực trong toàn phường.",
            "Discover a person, collective, household, residential group or good practice, with the "
            "evidence. A unit proposes its own; the standing body any in the ward.",
        ),
        exemplar_propose_submit=("Gửi đề xuất", "Propose"),
        exemplar_proposed=("Đã ghi nhận điển hình: {title}", "The model was recorded: {title}"),
        exemplar_title=("Tên điển hình", "Name of the model"),
        exemplar_subject=("Đối tượng", "Subject"),
        exemplar_subject_practice=(
            "Mô hình, cách làm hay (không gắn với một đối tượng)",
            "A good practice (no single subject)",
        ),
        exemplar_kind_individual=("Cá nhân", "Individual"),
        exemplar_kind_collective=("Tập thể", "Collective"),
        exemplar_kind_household=("Hộ gia đình", "Household"),
        exemplar_kind_residential_group=("Tổ dân phố", "Residential group"),
        exemplar_kind_practice=("Mô hình, cách làm hay", "Good practice"),
        exemplar_proposing_unit=("Đơn vị đề xuất", "Proposing unit"),
        exemplar_content_area=("Nội dung thi đua", "Content area"),
        exemplar_description=("Mô tả", "Description"),
        exemplar_evidence=("Căn cứ, minh chứng", "Evidence"),
        exemplar_facts=("Thông tin điển hình", "About the model"),
        exemplar_proposed_on=("Ngày đề xuất", "Proposed on"),
        exemplar_support_plan=("Kế hoạch bồi dưỡng, hỗ trợ", "Support plan"),
        exemplar_responsible=("Cán bộ phụ trách", "Responsible officer"),
        exemplar_follow_up_every=("Chu kỳ theo dõi", "Follow-up interval"),
        exemplar_follow_up_days=("Chu kỳ theo dõi (ngày)", "Follow-up interval (days)"),
        exemplar_escalate_days=(
            "Báo cáo lãnh đạo khi quá hạn theo dõi (ngày)",
            "Escalate a missed follow-up after (days)",
        ),
        exemplar_next_follow_up=("Hạn theo dõi tiếp theo", "Next follow-up due"),
        exemplar_published_at=("Ngày công bố nhân rộng", "Published on"),
        exemplars_to_publish=(
            "Điển hình tiên tiến chờ công bố nhân rộng",
            "Exemplary models waiting to be published",
        ),
        exemplar_publish_task=(
            "đã tổng kết, đề nghị công bố để các đơn vị nhân rộng",
            "summarized: publish it for the units to replicate",
        ),
        exemplar_nomination=("Đề nghị khen thưởng", "Nomination"),
        exemplar_nomination_open=("Bản đề nghị số {id}", "Nomination no. {id}"),
        exemplar_dropped_reason=("Lý do dừng theo dõi", "Why it was dropped"),
        exemplar_assessment_asked=("Mốc đang chờ đánh giá", "Assessment requested for"),
        exemplar_revise_plan=("Điều chỉnh kế hoạch bồi dưỡng", "Revise the support plan"),
        exemplar_follow_up_note=("Nội dung theo dõi", "Follow-up note"),
        exemplar_findings=("Nhận xét, kết quả", "Findings"),
        exemplar_rating=("Xếp loại", "Rating"),
        exemplar_assessment_for=("Đánh giá cho mốc", "Assessment for"),
        assessment_on_demand=(
            "Đánh giá theo yêu cầu (ngoài mốc)",
            "On demand (outside a milestone)",
        ),
        rating_excellent=("Xuất sắc", "Excellent"),
        rating_good=("Tốt", "Good"),
        rating_fair=("Khá", "Fair"),
        rating_weak=("Chưa đạt", "Weak"),
        exemplar_publish_help=(
            "Trung tâm dịch vụ sự nghiệp công công bố mô hình để các đơn vị khác "
            "học tập, nhân rộng; mô hình hiện trên cổng công khai.",
            "The public service centre publishes the model for other units to "
            "replicate; it appears on the public portal.",
        ),
        exemplar_publish_note=("Hình thức công bố, ghi chú", "How it is published (note)"),
        exemplar_adopting_unit=("Đơn vị áp dụng", "Adopting unit"),
        exemplar_adopted_on=("Ngày áp dụng", "Adopted on"),
        exemplar_adoption_report=("Kết quả áp dụng", "Adoption report"),
        exemplar_adoption_reports=(
            "Các đơn vị đã áp dụng, nhân rộng",
            "Units that adopted the model",
        ),
        exemplar_nomination_help=(
            "Báo cáo tổng kết điển hình trở thành báo cáo thành tích của bản nháp đề nghị; đơn vị "
            "bổ sung hồ sơ rồi nộp.",
            "The model's summary becomes the draft's achievement report; the unit completes the "
            "dossier and submits it.",
        ),
        exemplar_nomination_drafted=(
            "Đã lập bản nháp đề nghị khen thưởng từ điển hình. Hãy bổ sung hồ sơ rồi nộp.",
            "A draft nomination was made from the model. Complete the dossier, then submit.",
        ),
        exemplar_drop_confirm=(
            "Điển hình sẽ không còn được theo dõi, bồi dưỡng; không hoàn tác được.",
            "The model will no longer be followed; this cannot be undone.",
        ),
        exemplar_follow_ups=("Kết quả theo dõi định kỳ", "Follow-ups"),
        exemplar_assessments=("Đánh giá, tổng kết", "Assessments"),
        exemplar_action_done=("Đã thực hiện: {action}", "Done: {action}"),
        exemplar_command_nurture=(
            "Bồi dưỡng: giao kế hoạch hỗ trợ",
            "Nurture: set the support plan",
        ),
        exemplar_command_record_follow_up=("Ghi nhận kết quả theo dõi", "Record a follow-up"),
        exemplar_command_summarize=("Tổng kết, đánh giá điển hình", "Summarize (assess) the model"),
        exemplar_command_publish=("Công bố nhân rộng", "Publish for replication"),
        exemplar_command_report_adoption=("Báo cáo áp dụng, nhân rộng", "Report adoption"),
        exemplar_command_drop=("Dừng theo dõi điển hình", "Drop the model"),
        exemplar_command_propose_nomination=(
            "Lập đề nghị khen thưởng từ điển hình",
            "Turn into a nomination",
        ),
        exemplar_action_discovered=("Phát hiện, đề xuất điển hình", "Proposed (discovered)"),
        exemplar_action_nurtured=("Giao kế hoạch bồi dưỡng", "Nurturing started"),
        exemplar_action_support_plan_revised=(
            "Điều chỉnh kế hoạch bồi dưỡng",
            "Support plan revised",
        ),
        exemplar_action_follow_up_recorded=("Ghi nhận kết quả theo dõi", "Follow-up recorded"),
        exemplar_action_follow_up_missed=("Quá hạn theo dõi", "Follow-up missed"),
        exemplar_action_summarized=("Tổng kết, đánh giá", "Summarized"),
        exemplar_action_assessment_requested=("Yêu cầu đánh giá tại mốc", "Assessment requested"),
        exemplar_action_published=("Công bố nhân rộng", "Published for replication"),
        exemplar_action_adopted=("Đơn vị báo cáo áp dụng", "Adoption reported"),
        exemplar_action_dropped=("Dừng theo dõi", "Dropped"),
        exemplar_action_nomination_proposed=("Lập đề nghị khen thưởng", "Nomination drafted"),
        exemplar_action_campaign_closed=("Phong trào kết thúc", "Campaign closed"),
        exemplar_action_closed=("Kết thúc theo dõi", "Closed"),
        days_n=("{n} ngày", "{n} days"),
        exemplar_step=("Bước", "Step"),
        report_adoptions=("Lượt áp dụng, nhân rộng", "Adoptions"),
    ),
}

STAGE_NAMES: dict[str, dict[str, str]] = {
    f"stage_{stage.value}": {"vi": vi, "en": en} for stage, (vi, en) in STAGE_LABELS.items()
}

LEVEL_NAMES: dict[str, dict[str, str]] = {
    f"level_{key}": value
    for key, value in _pairs(
        ward=("Cấp phường", "Ward"),
        district=("Cấp huyện (cũ)", "District (former)"),
        city=("Cấp thành phố", "City"),
        central=("Trung ương", "Central"),
    ).items()
}

ACTION_NAMES: dict[str, dict[str, str]] = {
    f"action_{key}": value
    for key, value in _pairs(
        submitted=("Đơn vị nộp hồ sơ", "Submitted by the unit"),
        accepted=("Tiếp nhận hồ sơ hợp lệ", "Dossier accepted"),
        returned_for_supplement=("Trả lại để bổ sung", "Returned for supplement"),
        resubmitted=("Nộp lại hồ sơ đã bổ sung", "Resubmitted"),
        rejected=("Từ chối", "Rejected"),
        withdrawn=("Đơn vị rút đề nghị", "Withdrawn"),
        refused=("Không khen thưởng", "Refused"),
        objection_lodged=("Có ý kiến phản ánh", "Objection lodged"),
        objection_dismissed=("Bác bỏ phản ánh", "Objection dismissed"),
        objection_upheld=("Chấp nhận phản ánh", "Objection upheld"),
        objection_resolved=("Xử lý phản ánh", "Objection resolved"),
        objection_reply_recorded=(
            "Ghi nhận việc trả lời người phản ánh",
            "Reply to the objector recorded",
        ),
        deadline_extended=("Gia hạn xử lý", "Deadline extended"),
        reassigned=("Giao lại cán bộ xử lý", "Reassigned"),
        summary_corrected=(
            "Cơ quan thường trực sửa tóm tắt thành tích",
            "Achievement summary corrected by the standing body",
        ),
        public_notice_ended=("Hết thời gian công khai", "Public notice ended"),
        placed_on_agenda=("Đưa vào phiên họp Hội đồng", "Placed on a council agenda"),
        council_passed=("Hội đồng thông qua", "Passed by the council"),
        council_failed=("Hội đồng không thông qua", "Not passed by the council"),
        council_inquorate=("Phiên họp không đủ số thành viên", "Council inquorate"),
        removed_from_agenda=("Rút khỏi chương trình phiên họp", "Removed from the agenda"),
        included_in_document=("Đưa vào dự thảo văn bản", "Included in a draft"),
        removed_from_document=("Rút khỏi dự thảo văn bản", "Removed from a draft"),
        forwarded=("Trình lên cấp trên", "Forwarded"),
        granted=("Được khen thưởng", "Granted"),
        lapsed=("Quá hạn bổ sung hồ sơ", "Lapsed"),
        escalated=("Báo cáo quá hạn", "Escalated"),
        revoked=("Hủy bỏ khen thưởng", "Revoked"),
        # A decision's or submission's own trail (workflows/decision.py).
        drafted=("Lập dự thảo văn bản", "Draft drawn up"),
        items_declined=("Đề nghị không còn chờ văn bản", "Nominations declined the draft"),
        items_unconfirmed=("Đề nghị không xác nhận dự thảo", "Nominations did not confirm"),
        signature_requested=("Trình ký", "Sent for signature"),
        item_removed=("Rút đề nghị khỏi dự thảo", "Item removed from the draft"),
        delegated=("Giao Phó Chủ tịch ký thay", "Signing delegated"),
        sent_back=("Trả lại dự thảo để chỉnh sửa", "Draft sent back for correction"),
        draft_edited=("Sửa dự thảo văn bản", "Draft edited"),
        external_signature_requested=(
            "Chuẩn bị văn bản để ký trên máy của người ký",
            "Prepared for signing on the signer's own computer",
        ),
        external_signature_lapsed=(
            "Yêu cầu ký trên máy của người ký hết hiệu lực",
            "Request to sign on the signer's computer lapsed",
        ),
        external_signature_withdrawn=(
            "Người ký rút yêu cầu ký trên máy của mình",
            "Request to sign on the signer's computer withdrawn",
        ),
        signed=("Người có thẩm quyền ký số", "Signed by the competent person"),
        # Issued by the clerk (cấp số, the organisation's signature); before the clerk's
        # step, by the signature itself.
        issued=("Ban hành văn bản", "Issued"),
        cancelled=("Hủy dự thảo văn bản", "Draft cancelled"),
        # A council session's trail (workflows/council_session.py); a ballot's choice is
        # never in it.
        opened=("Triệu tập phiên họp Hội đồng", "Council session convened"),
        item_withdrawn=("Đề nghị rút khỏi chương trình họp", "Withdrawn from the agenda"),
        agenda_unconfirmed=(
            "Đề nghị không xác nhận chương trình họp",
            "Nominations did not confirm the agenda",
        ),
        ballot_cast=("Thành viên Hội đồng bỏ phiếu", "A council member voted"),
        inquorate=("Phiên họp không đủ số thành viên", "Session inquorate"),
        # A campaign's trail (workflows/campaign.py).
        launched=("Phát động phong trào thi đua", "Campaign launched"),
        registration_opened=("Mở đăng ký thi đua", "Registration opened"),
        registration_reminded=("Nhắc đơn vị đăng ký thi đua", "Units reminded to register"),
        household_review_opened=(
            "Mở bình xét danh hiệu gia đình",
            "Household title review opened",
        ),
        dossiers_called=("Thông báo nộp hồ sơ khen thưởng", "Dossiers called"),
        milestone_reached=("Đến mốc sơ kết, tổng kết", "Milestone reached"),
        milestone_moved=("Dời mốc thời gian", "Milestone moved"),
        content_area_added=("Bổ sung nội dung thi đua", "Content area added"),
        year_completed=("Kết thúc năm thi đua", "Campaign year completed"),
    ).items()
}
# An exemplar's trail (workflows/exemplar.py): named as on the exemplar's page.
ACTION_NAMES.update(
    {
        f"action_{key.removeprefix('exemplar_action_')}": value
        for key, value in _pairs(
            discovered=("Phát hiện, đề xuất điển hình", "Proposed (discovered)"),
            nurtured=("Giao kế hoạch bồi dưỡng", "Nurturing started"),
            support_plan_revised=("Điều chỉnh kế hoạch bồi dưỡng", "Support plan revised"),
            follow_up_recorded=("Ghi nhận kết quả theo dõi", "Follow-up recorded"),
            follow_up_missed=("Quá hạn theo dõi", "Follow-up missed"),
            summarized=("Tổng kết, đánh giá", "Summarized"),
            assessment_requested=("Yêu cầu đánh giá tại mốc", "Assessment requested"),
            published=("Công bố nhân rộng", "Published for replication"),
            adopted=("Đơn vị báo cáo áp dụng", "Adoption reported"),
            dropped=("Dừng theo dõi điển hình", "Exemplar dropped"),
            nomination_proposed=("Lập đề nghị khen thưởng từ điển hình", "Nomination drafted"),
            campaign_closed=("Phong trào kết thúc", "Campaign closed"),
            closed=("Kết thúc theo dõi", "Closed"),
        ).items()
        if f"action_{key}" not in ACTION_NAMES
    }
)

COMMAND_NAMES: dict[str, dict[str, str]] = {
    f"command_{key}": value
    for key, value in _pairs(
        accept_dossier=("Tiếp nhận hồ sơ (đủ thành phần)", "Accept the dossier"),
        return_for_supplement=("Trả lại để bổ sung", "Return for supplement"),
        resubmit=("Nộp lại hồ sơ đã bổ sung", "Resubmit the dossier"),
        reject=("Từ chối đề nghị", "Reject"),
        withdraw=("Rút đề nghị", "Withdraw"),
        resolve_objection=("Xử lý ý kiến phản ánh", "Resolve an objection"),
        extend_deadline=("Gia hạn xử lý", "Extend the deadline"),
        reassign=("Giao cán bộ khác xử lý", "Reassign"),
        refuse=("Không khen thưởng", "Refuse the award"),
        revoke=("Hủy bỏ quyết định khen thưởng", "Revoke the award"),
    ).items()
}

ROLE_NAMES: dict[str, dict[str, str]] = {
    "unit_officer": {"vi": "Cán bộ đơn vị", "en": "Unit officer"},
    "standing_officer": {"vi": "Cơ quan thường trực HĐTĐKT", "en": "Standing-body officer"},
    "council_member": {"vi": "Thành viên Hội đồng TĐKT", "en": "Council member"},
    "chairman": {"vi": "Chủ tịch UBND", "en": "Chairman"},
    "vice_chairman": {"vi": "Phó Chủ tịch UBND", "en": "Vice-chairman"},
    "clerk": {"vi": "Văn thư", "en": "Clerk"},
    "auditor": {"vi": "Kiểm tra, thanh tra", "en": "Auditor"},
    "admin": {"vi": "Quản trị hệ thống", "en": "Administrator"},
    "resident": {"vi": "Người dân", "en": "Resident"},
    "system": {"vi": "Hệ thống", "en": "System"},
}

# Passwords and accounts (api/pages/accounts.py), and the audit actions about accounts.
ACCOUNT_TEXTS: dict[str, dict[str, str]] = _pairs(
    change_password=("Đổi mật khẩu", "Change password"),
    password_change_forced=(
        "Mật khẩu của bạn do người khác đặt: vui lòng đổi sang mật khẩu của riêng bạn "
        "trước khi tiếp tục",
        "Your password was chosen by someone else: choose your own before going on",
    ),
    current_password=("Mật khẩu hiện tại", "Current password"),
    new_password=("Mật khẩu mới", "New password"),
    new_password_again=("Nhập lại mật khẩu mới", "New password again"),
    password_rules_hint=(
        "Ít nhất 10 ký tự, không chứa tên đăng nhập, không dùng mật khẩu dễ đoán",
        "At least 10 characters, not containing the username, not easy to guess",
    ),
    passwords_differ=("Hai lần nhập mật khẩu mới không khớp", "The two new passwords differ"),
    save_password=("Lưu mật khẩu", "Save the password"),
    password_changed=("Đã đổi mật khẩu", "Your password was changed"),
    set_password=("Đặt mật khẩu", "Choose a password"),
    set_password_for=(
        "Đặt mật khẩu cho tài khoản {username} ({full_name})",
        "Choose the password of the account {username} ({full_name})",
    ),
    password_set=(
        "Đã đặt mật khẩu: vui lòng đăng nhập bằng mật khẩu mới",
        "Your password is set: log in with it",
    ),
    action_administrator_created=("Tạo tài khoản quản trị hệ thống", "Administrator created"),
    action_password_link_issued=("Cấp liên kết đặt mật khẩu", "Password link issued"),
    action_password_set_by_link=("Đặt mật khẩu qua liên kết", "Password set through a link"),
    action_password_changed=("Đổi mật khẩu", "Password changed"),
    action_user_deactivated=("Khóa tài khoản", "Account deactivated"),
    action_user_reactivated=("Mở lại tài khoản", "Account reactivated"),
    action_password_reset_mailed=(
        "Gửi liên kết đặt lại mật khẩu qua thư",
        "Password reset link mailed",
    ),
    operator=("Người vận hành máy chủ", "Server operator"),
    # The administration's own audit events (accounts, deciding bodies, councils, history,
    # imports): the audit page names each in words.
    action_user_created=("Tạo tài khoản", "Account created"),
    action_user_updated=("Sửa tài khoản", "Account edited"),
    action_role_granted=("Giao vai trò", "Role given"),
    action_role_revoked=("Thu hồi vai trò", "Role taken away"),
    action_setup_link_mailed=(
        "Gửi liên kết đặt mật khẩu lần đầu qua thư",
        "First-password link mailed",
    ),
    action_sign_in_unlocked=("Mở khóa đăng nhập", "Sign-in unlocked"),
    action_authority_created=("Thêm cơ quan quyết định khen thưởng", "Deciding body added"),
    action_authority_updated=("Sửa cơ quan quyết định khen thưởng", "Deciding body edited"),
    action_council_created=("Thành lập Hội đồng Thi đua - Khen thưởng", "Council set up"),
    action_council_updated=("Sửa thông tin Hội đồng", "Council edited"),
    action_council_member_added=("Thêm thành viên Hội đồng", "Council member added"),
    action_council_member_created=("Thêm thành viên Hội đồng", "Council member added"),
    action_council_member_updated=("Sửa thông tin thành viên Hội đồng", "Council member edited"),
    action_council_member_ended=("Thành viên thôi tham gia Hội đồng", "Council membership ended"),
    action_council_member_replaced=(
        "Thành viên được thay thế giữa nhiệm kỳ",
        "Council member replaced mid-term",
    ),
    action_rating_created=("Thêm kết quả xếp loại", "Rating added"),
    action_rating_updated=("Sửa kết quả xếp loại", "Rating edited"),
    action_rating_deleted=("Xóa kết quả xếp loại", "Rating deleted"),
    action_evaluation_result_created=("Thêm kết quả xếp loại", "Rating added"),
    action_evaluation_result_updated=("Sửa kết quả xếp loại", "Rating edited"),
    action_award_record_created=("Thêm khen thưởng đã có", "Past award added"),
    action_award_record_updated=("Sửa khen thưởng đã có", "Past award edited"),
    action_award_record_revoked=("Hủy bỏ khen thưởng đã có", "Past award revoked"),
    action_initiative_created=("Thêm sáng kiến", "Initiative added"),
    action_initiative_updated=("Sửa sáng kiến", "Initiative edited"),
)

# The administration pages (api/pages/user_admin.py) and the portal's choice of ward.
ADMIN_TEXTS: dict[str, dict[str, str]] = _pairs(
    nav_admin=("Quản trị", "Administration"),
    admin_index_help=(
        "Các mục quản trị trong phạm vi đơn vị bạn được giao quản trị",
        "What you administer, within the units you administer",
    ),
    admin_users=("Người dùng", "Users"),
    admin_units=("Đơn vị", "Units"),
    admin_people=("Cá nhân", "People"),
    admin_households=("Hộ gia đình", "Households"),
    admin_collectives=("Tập thể", "Collectives"),
    admin_councils=("Hội đồng", "Councils"),
    admin_history=("Lịch sử khen thưởng", "Award history"),
    admin_imports=("Nhập dữ liệu từ Excel", "Import from Excel"),
    full_name=("Họ và tên", "Full name"),
    email=("Thư điện tử", "E-mail"),
    admin_roles=("Vai trò", "Roles"),
    admin_role=("Vai trò", "Role"),
    admin_state=("Trạng thái", "State"),
    admin_no_roles=("Chưa có vai trò", "No role yet"),
    admin_no_email=("chưa có", "none"),
    admin_deployment_admin=("Quản trị toàn hệ thống", "Deployment administrator"),
    admin_state_active=("Đang hoạt động", "Active"),
    admin_state_inactive=("Đã khóa", "Deactivated"),
    admin_state_locked=(
        "Tạm dừng đăng nhập đến {until}",
        "Sign-in paused until {until}",
    ),
    admin_state_setup=("(chưa đặt mật khẩu riêng)", "(own password not chosen yet)"),
    admin_no_users=("Chưa có người dùng", "No users yet"),
    admin_new_user=("Thêm người dùng", "New user"),
    admin_new_user_help=(
        "Người dùng mới tự đặt mật khẩu qua liên kết gửi tới địa chỉ thư điện tử của họ; "
        "sau khi tạo, hãy giao vai trò tại đơn vị",
        "The new user chooses a password through a link mailed to them; then give them a "
        "role in a unit",
    ),
    admin_create_user=("Tạo tài khoản", "Create the account"),
    admin_grant_role=("Giao vai trò", "Give a role"),
    admin_revoke_role=("Thu hồi", "Take away"),
    admin_account_actions=("Tài khoản", "Account"),
    admin_unlock=("Mở khóa đăng nhập", "Unlock sign-in"),
    admin_send_reset=("Gửi liên kết đặt lại mật khẩu", "Mail a password reset link"),
    admin_send_reset_help=(
        "Liên kết được gửi tới địa chỉ thư điện tử của chính người dùng",
        "The link goes to the user's own address",
    ),
    admin_deactivate=("Khóa tài khoản", "Deactivate"),
    admin_deactivate_help=(
        "Người dùng không đăng nhập được nữa; hồ sơ, phiếu bầu, chữ ký của họ vẫn được giữ",
        "The user can no longer sign in; their records, ballots and signatures stay",
    ),
    admin_reactivate=("Mở lại tài khoản", "Reactivate"),
    admin_user_created_mailed=(
        "Đã tạo tài khoản; liên kết đặt mật khẩu đã gửi tới {sent_to}",
        "Account created; the password link was mailed to {sent_to}",
    ),
    admin_user_created_operator=(
        "Đã tạo tài khoản; người vận hành máy chủ cấp liên kết đặt mật khẩu bằng lệnh "
        "thidua admin link --username {username}",
        "Account created; the server operator issues the password link with "
        "`thidua admin link --username {username}`",
    ),
    admin_role_granted=("Đã giao vai trò", "Role given"),
    admin_role_revoked=("Đã thu hồi vai trò", "Role taken away"),
    admin_user_deactivated=("Đã khóa tài khoản", "Account deactivated"),
    admin_user_reactivated=("Đã mở lại tài khoản", "Account reactivated"),
    admin_reset_mailed=(
        "Đã gửi liên kết đặt lại mật khẩu tới {sent_to}",
        "A password reset link was mailed to {sent_to}",
    ),
    admin_unlocked=("Đã mở khóa đăng nhập", "Sign-in unlocked"),
    admin_refused=("Không thực hiện được: {why}", "Not done: {why}"),
    admin_no_such_unit=("Không có đơn vị này", "No such unit"),
    admin_first_role=(
        "Vai trò đầu tiên (không bắt buộc)",
        "First role (optional)",
    ),
    portal_choose_ward=("Chọn phường", "Choose a ward"),
    portal_all_wards=("Tất cả các phường", "Every ward"),
    portal_show=("Xem", "Show"),
    portal_ward=("Phường", "Ward"),
)

# The Excel import page (api/pages/imports.py).
IMPORT_TEXTS: dict[str, dict[str, str]] = _pairs(
    imports_help=(
        "Tải mẫu, điền danh sách rồi tải tệp lên: bấm «Kiểm tra» để xem trước (không ghi gì), "
        "«Nhập vào hệ thống» để ghi. Chỉ ghi khi tệp không còn lỗi nào: có lỗi thì không "
        "ghi dòng nào. Nhập lại cùng một tệp không thay đổi gì.",
        "Download a template, fill it in and upload it: Check shows what would happen "
        "(nothing is written), Import writes. Only a file without problems is written, all "
        "of it; importing the same file again changes nothing.",
    ),
    imports_templates=("Mẫu nhập", "Templates"),
    imports_all_templates=("Tải mẫu đầy đủ (mọi danh sách)", "Download the full template"),
    imports_sheet=("Trang tính", "Sheet"),
    imports_natural_key=("Khóa nhận diện", "Natural key"),
    imports_download=("Tải mẫu", "Download"),
    imports_upload=("Tải tệp lên", "Upload a file"),
    imports_file=("Tệp Excel (.xlsx)", "Excel file (.xlsx)"),
    imports_personal_data=(
        "Tệp có số định danh cá nhân và ngày sinh là dữ liệu cá nhân (Nghị định "
        "13/2023/NĐ-CP): chỉ gửi qua kênh được phép và xóa tệp sau khi nhập.",
        "Citizen ID numbers and dates of birth are personal data (Decree 13/2023).",
    ),
    imports_check=("Kiểm tra (không ghi)", "Check (writes nothing)"),
    imports_apply=("Nhập vào hệ thống", "Import"),
    imports_result=("Kết quả", "Result"),
    imports_checked=(
        "Kết quả kiểm tra tệp {file}: chưa ghi gì vào hệ thống",
        "Check of {file}: nothing was written",
    ),
    imports_applied=(
        "Đã nhập tệp {file} vào hệ thống",
        "{file} was imported",
    ),
    imports_refused=(
        "Tệp {file} có {count} lỗi: chưa ghi gì vào hệ thống. Hãy sửa rồi nhập lại.",
        "{file} has {count} problems: nothing was written. Correct them and import again.",
    ),
    imports_rows=("Số dòng", "Rows"),
    imports_created=("Thêm mới", "Created"),
    imports_updated=("Cập nhật", "Updated"),
    imports_unchanged=("Không đổi", "Unchanged"),
    imports_created_would=("Sẽ thêm mới", "Would be created"),
    imports_updated_would=("Sẽ cập nhật", "Would be updated"),
    imports_unchanged_would=("Sẽ không đổi", "Would stay unchanged"),
    imports_problems=("Các lỗi cần sửa", "Problems to correct"),
    imports_row=("Dòng", "Row"),
    imports_column=("Cột", "Column"),
    imports_problem=("Lỗi", "Problem"),
    imports_whole_sheet=("cả trang", "whole sheet"),
    imports_mailed=(
        "Đã gửi liên kết đặt mật khẩu cho tài khoản mới tới: {addresses}",
        "Password setup links were mailed to: {addresses}",
    ),
    imports_no_file=("Chưa chọn tệp", "No file chosen"),
    action_import_applied=("Nhập dữ liệu từ Excel", "Excel import applied"),
    action_registered=("Đơn vị đăng ký thi đua", "Unit registered for the campaign"),
)

ALL_TEXTS: dict[str, dict[str, str]] = {
    **TEXTS,
    **IMPORT_TEXTS,
    **ACCOUNT_TEXTS,
    **ADMIN_TEXTS,
    **REGISTRY_ADMIN_TEXTS,
    **AUDIT_CHAIN_TEXTS,
    **DAILY_TEXTS,
    **DOSSIER_TEXTS,
    **EXPORT_TEXTS,
    **STATISTICS_TEXTS,
    **STAGE_NAMES,
    **LEVEL_NAMES,
    **ACTION_NAMES,
    **COMMAND_NAMES,
    **ROLE_NAMES,
}


def request_language(request: Request) -> str:
    asked = request.query_params.get("lang")
    if asked in LANGUAGES:
        return asked
    cookie = request.cookies.get(LANG_COOKIE)
    return cookie if cookie in LANGUAGES else "vi"


def translator(lang: str):
    def t(key: str, **values: object) -> str:
        entry = ALL_TEXTS.get(key)
        if entry is None:
            return key
        text = entry.get(lang) or entry["vi"]
        return text.format(**values) if values else text

    return t
