"""Texts of the tamper-evident audit trail (issue 18): the auditors' verification page
(/audit/verify) and the seal on the public portal. Merged into ``api.i18n.ALL_TEXTS``."""

from __future__ import annotations


def _pairs(**entries: tuple[str, str]) -> dict[str, dict[str, str]]:
    return {key: {"vi": vi, "en": en} for key, (vi, en) in entries.items()}


AUDIT_CHAIN_TEXTS: dict[str, dict[str, str]] = _pairs(
    ac_verify_link=("Kiểm tra tính toàn vẹn của nhật ký", "Check the trail's integrity"),
    ac_title=("Kiểm tra tính toàn vẹn nhật ký", "Audit trail integrity"),
    ac_help=(
        "Mỗi sự kiện mang mã băm của sự kiện trước nó trong cùng hồ sơ (đề nghị, phiên họp, "
        "quyết định, phong trào…). Trang này tính lại toàn bộ và đối chiếu với dấu niêm "
        "phong đã công bố; cùng kết quả với lệnh «thidua audit verify».",
        "Every event carries the hash of the one before it in its subject's chain "
        "(nomination, session, decision, campaign…). This page recomputes them all and "
        "checks them against the published seal; the same result as `thidua audit verify`.",
    ),
    ac_intact=(
        "Nhật ký nguyên vẹn: {events} sự kiện trong {chains} chuỗi.",
        "The trail is intact: {events} events in {chains} chains.",
    ),
    ac_broken=(
        "Nhật ký KHÔNG nguyên vẹn: {n} vấn đề.",
        "The trail is NOT intact: {n} problem(s).",
    ),
    ac_chain=("Chuỗi", "Chain"),
    ac_seq=("Thứ tự", "Place"),
    ac_event=("Sự kiện", "Event"),
    ac_kind=("Loại can thiệp", "Tampering"),
    ac_detail=("Chi tiết", "Detail"),
    ac_kind_edited=("Bị sửa", "Edited"),
    ac_kind_inserted=("Bị chèn", "Inserted"),
    ac_kind_deleted=("Bị xóa", "Deleted"),
    ac_kind_reordered=("Bị đảo thứ tự", "Reordered"),
    ac_reason_content_changed=(
        "Nội dung sự kiện không còn cho ra mã băm của nó (đã bị sửa).",
        "Its content no longer gives its hash.",
    ),
    ac_reason_first_numbered=(
        "Sự kiện đầu chuỗi lại mang số {seq}.",
        "The chain's first event is number {seq}.",
    ),
    ac_reason_previous_missing=(
        "Sự kiện đứng trước nó đã mất.",
        "The event before it is missing.",
    ),
    ac_reason_between_linked=(
        "Sự kiện này đứng chen giữa hai sự kiện vốn nối liền nhau.",
        "It stands between two events that link to each other.",
    ),
    ac_reason_follows_later=(
        "Sự kiện mà nó nối theo lại đứng sau nó.",
        "The event it follows comes after it.",
    ),
    ac_reason_misnumbered=(
        "Mang số {seq} nhưng ở vị trí {position}.",
        "Numbered {seq} at place {position}.",
    ),
    ac_reason_newest_gone=(
        "Các sự kiện mới nhất đã mất: dấu niêm phong ghi chuỗi này đến sự kiện {sealed}.",
        "The newest events are gone: the seal has this chain up to {sealed}.",
    ),
    ac_reason_rewritten=(
        "Chuỗi đã bị viết lại sau khi niêm phong.",
        "The chain was rewritten since the seal.",
    ),
    ac_seal_problem=("Dấu niêm phong", "Seal"),
    ac_seal_edited=(
        "Các đầu chuỗi trong dấu niêm phong không cho ra mã gốc của nó (dấu niêm phong đã bị sửa).",
        "Its heads do not give its root (the seal was edited).",
    ),
    ac_seal_other_key=(
        "Dấu niêm phong ghi một khóa khác với khóa đã công bố.",
        "It names a key other than the published one.",
    ),
    ac_seal_bad_signature=(
        "Chữ ký của dấu niêm phong không hợp lệ.",
        "Its signature is not valid.",
    ),
    ac_seal_not_in_database=(
        "Cơ sở dữ liệu không còn giữ dấu niêm phong số {id} như bản đã lưu (các dấu niêm "
        "phong đã bị xóa hoặc bị sửa).",
        "The database no longer holds seal #{id} as saved (seals were deleted or edited).",
    ),
    ac_archived_title=("Kiểm tra theo dấu niêm phong đã lưu", "Check against a saved seal"),
    ac_archived_help=(
        "Tải lên bản JSON của dấu niêm phong đã lưu từ cổng công khai (liên kết «Bản JSON "
        "(kèm đầu các chuỗi)») và giữ bên ngoài hệ thống. Nhật ký được đối chiếu với dấu "
        "đó thay vì dấu mới nhất trong cơ sở dữ liệu: sự kiện bị xóa vẫn bị phát hiện dù "
        "các dấu niêm phong sau đó cũng bị xóa. Cùng kết quả với lệnh «thidua audit "
        "verify --seal TỆP». Tối đa {mb} MB.",
        "Upload the JSON of a seal saved from the public portal (the link «As JSON (with "
        "the chains' heads)») and kept outside the system. The trail is checked against it "
        "instead of the database's newest seal: a deleted event still shows even if the "
        "seals after it were deleted too. The same result as `thidua audit verify --seal "
        "FILE`. At most {mb} MB.",
    ),
    ac_archived_file=("Tệp dấu niêm phong (JSON)", "Seal file (JSON)"),
    ac_archived_check=("Kiểm tra", "Check"),
    ac_against_archived=(
        "Kết quả đối chiếu với dấu niêm phong đã lưu số {id}.",
        "Checked against the saved seal #{id}.",
    ),
    ac_seal_title=("Dấu niêm phong nhật ký", "Audit trail seal"),
    ac_seal_help=(
        "Định kỳ (mặc định mỗi ngày) hệ thống niêm phong đầu mọi chuỗi nhật ký xử lý hồ sơ "
        "và ký số (Ed25519) mã gốc. Ai cũng có thể đối chiếu: nếu một sự kiện đã niêm phong "
        "bị sửa hay xóa, mã gốc không còn khớp.",
        "Periodically (daily by default) the engine seals the heads of every audit chain and "
        "signs (Ed25519) the root. Anyone can check it: if a sealed event is edited or "
        "deleted, the root no longer matches.",
    ),
    ac_sealed_at=("Niêm phong lúc", "Sealed at"),
    ac_root=("Mã gốc (SHA-256)", "Root (SHA-256)"),
    ac_signature=("Chữ ký (Ed25519, base64)", "Signature (Ed25519, base64)"),
    ac_public_key=("Khóa công khai", "Public key"),
    ac_fingerprint=("Dấu vân tay khóa", "Key fingerprint"),
    ac_counts=("{chains} chuỗi, {events} sự kiện", "{chains} chains, {events} events"),
    ac_json=("Bản JSON (kèm đầu các chuỗi)", "As JSON (with the chains' heads)"),
    ac_no_seal=("Chưa có dấu niêm phong.", "No seal yet."),
)
