"""What the audit log shows people: its actions, where a change came from, and what each table holds, in words
(translated where shown). A table without a label here is shown by its technical name."""

from __future__ import annotations

from loa.i18n import N_

ACTIONS = {"create": N_("Tạo"), "update": N_("Sửa"), "delete": N_("Xóa")}

SOURCES = {
    "web": N_("giao diện web"),
    "api": N_("API"),
    "cli": N_("dòng lệnh"),
    "job": N_("công việc nền"),
    "worker": N_("công việc nền"),
    "demo": N_("dữ liệu mẫu"),
    "system": N_("hệ thống"),
}

ENTITIES = {
    "agencies": N_("Cơ quan"),
    "answer_question_groups": N_("Nhóm câu hỏi chờ trả lời"),
    "answer_unanswered": N_("Câu hỏi chưa có trả lời"),
    "api_tokens": N_("Mã truy cập API"),
    "bulletin_imports": N_("Lượt nhập số liệu dịch"),
    "bulletin_points": N_("Số liệu dịch"),
    "bulletins": N_("Bản tin tình hình dịch"),
    "channels_broadcast_slots": N_("Khung giờ phát loa"),
    "channels_broadcasts": N_("Lượt phát loa"),
    "channels_communes": N_("Xã có loa truyền thanh"),
    "channels_devices": N_("Thiết bị loa"),
    "channels_plays": N_("Lượt phát của thiết bị loa"),
    "claim_appearances": N_("Lần xuất hiện của tin"),
    "claim_events": N_("Lịch sử xử lý tin"),
    "claim_sources": N_("Nguồn kiểm chứng"),
    "claim_triage": N_("Tin chờ phân loại"),
    "claims": N_("Tin cần kiểm chứng"),
    "content_attachments": N_("Tệp đính kèm bài"),
    "content_channels": N_("Kênh đăng"),
    "content_comments": N_("Góp ý cho bài"),
    "content_item_channels": N_("Kênh của bài"),
    "content_item_themes": N_("Chủ đề của bài"),
    "content_items": N_("Bài, tin"),
    "content_reviews": N_("Lượt duyệt bài"),
    "content_schedules": N_("Lịch đăng"),
    "content_themes": N_("Chủ đề nội dung"),
    "content_versions": N_("Phiên bản bài"),
    "emergency_agency_notices": N_("Thông báo khẩn gửi cơ quan"),
    "emergency_approvals": N_("Lượt duyệt thông báo khẩn"),
    "emergency_links": N_("Liên kết duyệt thông báo khẩn"),
    "emergency_notices": N_("Thông báo khẩn"),
    "faq_entries": N_("Câu hỏi - trả lời"),
    "job_files": N_("Tệp kết quả công việc nền"),
    "jobs": N_("Công việc nền"),
    "listening_alerts": N_("Cảnh báo lắng nghe"),
    "listening_imports": N_("Lượt nhập dữ liệu lắng nghe"),
    "listening_sources": N_("Nguồn lắng nghe"),
    "listening_topics": N_("Chủ đề lắng nghe"),
    "messaging_notices": N_("Thông báo khẩn gửi theo huyện"),
    "messaging_subscriptions": N_("Đăng ký nhận tin"),
    "plan_agency_groups": N_("Nhóm cơ quan của kế hoạch"),
    "plan_attachments": N_("Tệp đính kèm báo cáo"),
    "plan_digest_sends": N_("Thư tổng hợp gửi cơ quan"),
    "plan_items": N_("Mục đích, chủ đề của kế hoạch"),
    "plan_progress_reports": N_("Báo cáo tiến độ"),
    "plan_task_agencies": N_("Cơ quan thực hiện nhiệm vụ"),
    "plan_task_events": N_("Lịch sử nhiệm vụ"),
    "plan_tasks": N_("Nhiệm vụ"),
    "plans": N_("Kế hoạch"),
    "provinces": N_("Tỉnh"),
    "user_roles": N_("Vai trò người dùng"),
    "users": N_("Người dùng"),
}
