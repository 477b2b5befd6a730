"""Texts of the registry's administration pages (api/pages/registry_admin.py): units,
people, households and collectives, with a short hint under each field so that an
official using them for the first time knows what to write. Merged into
``api.i18n.ALL_TEXTS``."""

from __future__ import annotations


def _pairs(**entries: tuple[str, str]) -> dict[str, dict[str, str]]:
    return {key: {"vi": vi, "en": en} for key, (vi, en) in entries.items()}


REGISTRY_ADMIN_TEXTS: dict[str, dict[str, str]] = _pairs(
    # ---- shared
    ra_back_admin=("← Quản trị", "← Administration"),
    ra_required_mark=("(bắt buộc)", "(required)"),
    ra_search=("Tìm", "Search"),
    ra_search_label=("Tìm theo tên", "Search by name"),
    ra_search_hint=(
        "Gõ có dấu hoặc không dấu đều được, ví dụ: nguyen thi hoa",
        "With or without diacritics, e.g. nguyen thi hoa",
    ),
    ra_save=("Lưu thay đổi", "Save the changes"),
    ra_create=("Thêm mới", "Add"),
    ra_edit=("Sửa", "Edit"),
    ra_none=("— Không có —", "— None —"),
    ra_choose=("— Chọn —", "— Choose —"),
    ra_saved=("Đã lưu", "Saved"),
    ra_created=("Đã thêm", "Added"),
    ra_merged=(
        "Đã gộp hồ sơ trùng (mã {duplicate_id}) vào hồ sơ này",
        "The duplicate (id {duplicate_id}) was merged into this record",
    ),
    ra_merged_record=(
        "Hồ sơ này đã được gộp vào hồ sơ mã {id}",
        "This record was merged into record {id}",
    ),
    ra_total=("Tổng số: {n}", "Total: {n}"),
    ra_id=("Mã số", "Id"),
    # ---- merging
    ra_merge_title=("Gộp hồ sơ trùng", "Merge a duplicate"),
    ra_merge_help=(
        "Khi cùng một người (hộ, tập thể) bị nhập hai lần: nhập mã số của hồ sơ trùng. "
        "Khen thưởng, xếp loại, sáng kiến… của hồ sơ trùng được chuyển sang hồ sơ này; "
        "hồ sơ trùng không còn hiện trong danh sách. Không gộp được khi một trong hai hồ sơ "
        "đang có đề nghị khen thưởng chưa kết thúc.",
        "When the same person (household, collective) was entered twice: give the "
        "duplicate's id. Its awards, ratings, initiatives… move to this record and the "
        "duplicate leaves the lists. Not while either has a nomination under way.",
    ),
    ra_duplicate_id=("Mã số của hồ sơ trùng", "The duplicate's id"),
    ra_duplicate_id_hint=(
        "Mã số ở cột đầu của danh sách, ví dụ: 125",
        "The id in the list's first column, e.g. 125",
    ),
    ra_merge_button=("Gộp vào hồ sơ này", "Merge into this record"),
    # ---- units
    ra_units=("Đơn vị", "Units"),
    ra_units_help=(
        "Cây đơn vị: cấp trên (thành phố, trung ương), phường và các phòng, ban, tổ chức, "
        "tổ dân phố trực thuộc",
        "The unit tree: the city and central bodies above, the ward and its offices, "
        "organisations and residential groups",
    ),
    ra_new_unit=("Thêm đơn vị", "New unit"),
    ra_edit_unit=("Sửa đơn vị", "Edit the unit"),
    ra_unit_code=("Mã đơn vị", "Unit code"),
    ra_unit_code_hint=(
        "Mã ngắn, không dấu, không khoảng trắng, không trùng đơn vị khác; ví dụ: tk-to-5",
        "Short, no diacritics or spaces, unique; e.g. tk-to-5",
    ),
    ra_unit_name=("Tên đơn vị", "Name"),
    ra_unit_name_hint=(
        "Tên đầy đủ như trên văn bản, ví dụ: Tổ dân phố số 5",
        "The full name as on documents, e.g. Tổ dân phố số 5",
    ),
    ra_short_name=("Tên viết tắt", "Short name"),
    ra_short_name_hint=("Có thể để trống", "May be left empty"),
    ra_kind=("Loại đơn vị", "Kind"),
    ra_kind_hint=(
        "Phòng, ban; tổ chức chính trị - xã hội; tổ dân phố…",
        "Office; organisation; residential group…",
    ),
    ra_parent=("Đơn vị cấp trên", "Parent unit"),
    ra_parent_hint=(
        "Đơn vị mà đơn vị này trực thuộc; chuyển đơn vị thì chọn cấp trên mới",
        "The unit this one belongs to; to move it, choose the new one",
    ),
    ra_level=("Cấp", "Level"),
    ra_level_hint=(
        "Để trống thì theo cấp của đơn vị cấp trên",
        "Leave empty for the parent's level",
    ),
    ra_level_same=("— Theo đơn vị cấp trên —", "— The parent's —"),
    ra_official_code=("Mã hành chính", "Official code"),
    ra_official_code_hint=(
        "Mã đơn vị hành chính của Nhà nước nếu có (ví dụ mã phường 11002); có thể để trống",
        "The State's administrative code if any (e.g. ward 11002); may be empty",
    ),
    ra_address=("Địa chỉ", "Address"),
    ra_address_hint=("Ví dụ: Số 1 đường Lê Lợi", "E.g. Số 1 đường Lê Lợi"),
    ra_unit_kind_government=("Chính phủ, bộ, ngành trung ương", "Government, ministry"),
    ra_unit_kind_peoples_committee=("Ủy ban nhân dân", "People's committee"),
    ra_unit_kind_office=("Phòng, ban chuyên môn", "Office"),
    ra_unit_kind_department=("Sở", "Department"),
    ra_unit_kind_organisation=(
        "Mặt trận Tổ quốc, đoàn thể",
        "Fatherland Front, mass organisation",
    ),
    ra_unit_kind_party=("Cơ quan Đảng", "Party body"),
    ra_unit_kind_public_service=("Đơn vị sự nghiệp công lập", "Public service unit"),
    ra_unit_kind_school=("Trường học", "School"),
    ra_unit_kind_residential_group=("Tổ dân phố", "Residential group"),
    ra_unit_kind_enterprise=("Doanh nghiệp", "Enterprise"),
    # ---- people
    ra_people=("Cá nhân", "People"),
    ra_people_help=(
        "Cán bộ, công chức, người lao động và người dân có thể được đề nghị khen thưởng. "
        "Số CCCD và ngày sinh là dữ liệu cá nhân: trong danh sách chỉ hiện một phần; "
        "mỗi lần mở hồ sơ đều được ghi nhật ký.",
        "Officials, workers and residents who may be nominated. Citizen IDs and dates of "
        "birth are personal data: lists show part of them; opening a record is logged.",
    ),
    ra_new_person=("Thêm cá nhân", "New person"),
    ra_person_record=("Hồ sơ cá nhân", "Person's record"),
    ra_personal_data_notice=(
        "Hồ sơ có dữ liệu cá nhân (Nghị định 13/2023/NĐ-CP): lần xem này đã được ghi vào "
        "nhật ký. Không sao chép, chia sẻ ra ngoài.",
        "This record holds personal data (Decree 13/2023): this view was logged. Do not "
        "copy or share it.",
    ),
    ra_full_name=("Họ và tên", "Full name"),
    ra_full_name_hint=(
        "Viết đầy đủ, có dấu, ví dụ: Nguyễn Thị Hoa",
        "In full with diacritics, e.g. Nguyễn Thị Hoa",
    ),
    ra_gender=("Giới tính", "Gender"),
    ra_gender_female=("Nữ", "Female"),
    ra_gender_male=("Nam", "Male"),
    ra_birth_date=("Ngày sinh", "Date of birth"),
    ra_birth_date_hint=(
        "Theo CCCD; chỉ biết năm sinh thì để trống và điền năm sinh",
        "As on the ID card; if only the year is known, leave empty and fill the year",
    ),
    ra_birth_year=("Năm sinh", "Birth year"),
    ra_birth_year_hint=(
        "4 chữ số, ví dụ 1985; đã có ngày sinh thì không cần điền",
        "4 digits, e.g. 1985; not needed with a date of birth",
    ),
    ra_citizen_id=("Số CCCD (số định danh cá nhân)", "Citizen ID number"),
    ra_citizen_id_hint=(
        "Số CCCD gồm 12 chữ số, ví dụ 031185004567; có thể để trống",
        "12 digits, e.g. 031185004567; may be empty",
    ),
    ra_position=("Chức vụ", "Position"),
    ra_position_hint=(
        "Ví dụ: Chuyên viên, Tổ trưởng tổ dân phố; người dân thì để trống",
        "E.g. Chuyên viên, Tổ trưởng; empty for a resident",
    ),
    ra_unit=("Đơn vị", "Unit"),
    ra_unit_hint=(
        "Nơi công tác, hoặc tổ dân phố nơi cư trú: đơn vị này đề nghị khen thưởng",
        "Where the person works, or the residential group they live in: it nominates them",
    ),
    ra_household_id=("Mã số hộ gia đình", "Household id"),
    ra_household_id_hint=(
        "Mã số ở trang Hộ gia đình; để trống nếu không thuộc hộ nào trong danh sách",
        "The id on the Households page; empty if none",
    ),
    ra_is_official=("Là cán bộ, công chức, viên chức", "Is an official"),
    ra_is_official_hint=(
        "Đánh dấu nếu người này là cán bộ, công chức, viên chức hoặc người lao động",
        "Tick for an official, civil servant, public employee or worker",
    ),
    ra_masked=("(đã ẩn)", "(hidden)"),
    ra_no_people=("Chưa có cá nhân nào", "No one yet"),
    # ---- households
    ra_households=("Hộ gia đình", "Households"),
    ra_households_help=(
        "Các hộ gia đình theo tổ dân phố (để xét danh hiệu Gia đình văn hóa…)",
        "Households by residential group (for the Cultured Family title…)",
    ),
    ra_new_household=("Thêm hộ gia đình", "New household"),
    ra_household=("Hộ gia đình", "Household"),
    ra_head_name=("Họ tên chủ hộ", "Head of household"),
    ra_head_name_hint=("Ví dụ: Vũ Văn Hải", "E.g. Vũ Văn Hải"),
    ra_household_address_hint=(
        "Số nhà, ngõ, đường, ví dụ: Số 5 ngõ 3 đường Trần Phú",
        "House, lane, street",
    ),
    ra_residential_group=("Tổ dân phố", "Residential group"),
    ra_residential_group_hint=(
        "Tổ dân phố nơi hộ cư trú",
        "The residential group the household lives in",
    ),
    ra_members=("Số nhân khẩu trong danh sách", "Members listed"),
    ra_no_households=("Chưa có hộ gia đình nào", "No household yet"),
    # ---- collectives
    ra_collectives=("Tập thể", "Collectives"),
    ra_collectives_help=(
        "Tập thể có thể được đề nghị khen thưởng: mỗi đơn vị có một tập thể",
        "The collectives that may be nominated: one per unit",
    ),
    ra_new_collective=("Thêm tập thể", "New collective"),
    ra_collective=("Tập thể", "Collective"),
    ra_collective_name=("Tên tập thể", "Name"),
    ra_collective_name_hint=(
        "Tên dùng trong quyết định khen thưởng, ví dụ: Tổ dân phố số 5",
        "The name used in award decisions, e.g. Tổ dân phố số 5",
    ),
    ra_collective_unit_hint=(
        "Đơn vị của tập thể; mỗi đơn vị chỉ có một tập thể",
        "The collective's unit; one collective per unit",
    ),
    ra_no_collectives=("Chưa có tập thể nào", "No collective yet"),
    ra_collective_search_hint=(
        "Tên tập thể, tên hoặc mã đơn vị; gõ có dấu hoặc không dấu đều được, ví dụ: thach khoi",
        "The collective's name, its unit's name or code, with or without diacritics, "
        "e.g. thach khoi",
    ),
    # ---- the audit trail's names of these changes
    action_unit_created=("Thêm đơn vị", "Unit added"),
    action_unit_updated=("Sửa đơn vị", "Unit edited"),
    action_unit_moved=("Chuyển đơn vị sang đơn vị cấp trên khác", "Unit moved"),
    action_person_created=("Thêm cá nhân", "Person added"),
    action_person_updated=("Sửa hồ sơ cá nhân", "Person edited"),
    action_person_merged=("Gộp hồ sơ trùng vào hồ sơ này", "Duplicate merged in"),
    action_person_merged_away=("Hồ sơ trùng, đã gộp vào hồ sơ khác", "Merged away"),
    action_personal_data_read=(
        "Xem hồ sơ cá nhân (đầy đủ số CCCD, ngày sinh)",
        "Person's record read (identifiers in full)",
    ),
    action_person_record_read=(
        "Xem hồ sơ cá nhân (đã ẩn số CCCD, ngày sinh)",
        "Person's record read (identifiers masked)",
    ),
    action_household_created=("Thêm hộ gia đình", "Household added"),
    action_household_updated=("Sửa hộ gia đình", "Household edited"),
    action_household_merged=("Gộp hộ trùng vào hộ này", "Duplicate household merged in"),
    action_household_merged_away=("Hộ trùng, đã gộp vào hộ khác", "Household merged away"),
    action_collective_created=("Thêm tập thể", "Collective added"),
    action_collective_updated=("Sửa tập thể", "Collective edited"),
    action_collective_merged=(
        "Gộp tập thể trùng vào tập thể này",
        "Duplicate collective merged in",
    ),
    action_collective_merged_away=(
        "Tập thể trùng, đã gộp vào tập thể khác",
        "Collective merged away",
    ),
)
