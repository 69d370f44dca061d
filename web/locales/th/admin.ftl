# ศูนย์การจัดการ

admin-nav = ส่วนการจัดการ
admin-users = ผู้ใช้
admin-users-detail = ผู้ใช้
admin-groups = กลุ่ม
admin-groups-detail = กลุ่ม
admin-roles = บทบาทและการมอบหมาย
admin-settings = การตั้งค่าองค์กร
admin-domains = โดเมนที่ยืนยันแล้ว
admin-compliance = นโยบายการปฏิบัติตามข้อกำหนด
admin-conditional-access = การเข้าถึงแบบมีเงื่อนไข
admin-enrollment = โทเค็นการลงทะเบียน
admin-devices = อุปกรณ์
admin-devices-detail = อุปกรณ์
admin-reports = รายงานเซสชัน
admin-audit = บันทึกการตรวจสอบ

col-name = ชื่อ
col-email = อีเมล
col-job-title = ตำแหน่งงาน
col-company = บริษัท
col-status = สถานะ
col-created = สร้างเมื่อ
col-description = คำอธิบาย
col-members = สมาชิก
col-permissions = สิทธิ์
col-role = บทบาท
col-assignee = มอบหมายให้
col-scope = ขอบเขต
col-domain = โดเมน
col-state = สถานะ
col-grant = การให้สิทธิ์
col-expires = หมดอายุ
col-uses = จำนวนครั้งที่ใช้
col-os = ระบบปฏิบัติการ
col-compliance = การปฏิบัติตามข้อกำหนด
col-last-check-in = เช็กอินล่าสุด
col-primary-user = ผู้ใช้หลัก
col-helper = ผู้ช่วยเหลือ
col-sharer = ผู้แชร์
col-device = อุปกรณ์
col-started = เริ่มเมื่อ
col-ended = สิ้นสุดเมื่อ
col-duration = ระยะเวลา
col-mode = โหมด
col-outcome = ผลลัพธ์
col-time = เวลา
col-actor = ผู้ดำเนินการ
col-action = การดำเนินการ
col-target = เป้าหมาย
col-address = ที่อยู่

user-new = ผู้ใช้ใหม่
user-password = รหัสผ่าน
user-password-help = อย่างน้อย { $min } อักขระ เว้นว่างไว้หากใช้การลงชื่อเข้าใช้ครั้งเดียว (SSO) เท่านั้น
user-full-name = ชื่อเต็ม
user-active = ใช้งานอยู่
user-disabled = ปิดใช้งาน
user-disable = ปิดใช้งาน
user-enable = เปิดใช้งาน
user-profile = โปรไฟล์
user-picture = รูปโปรไฟล์
user-picture-upload = อัปโหลดรูปภาพ
user-picture-help = PNG, JPEG หรือ WebP ขนาดไม่เกิน 256 KB
user-created = สร้างผู้ใช้ { $name } แล้ว
user-reset-second-factor = รีเซ็ตปัจจัยที่สอง

group-new = กลุ่มใหม่
group-members = สมาชิก
group-add-member = เพิ่มสมาชิก
group-member-email = อีเมลของสมาชิก

role-new = บทบาทใหม่
role-assign = มอบหมายบทบาท
role-user-email = อีเมลของผู้ใช้
role-group = หรือกลุ่ม
role-scope-all = ทั้งองค์กร
role-scope-groups = กลุ่มขอบเขต
role-scope-groups-help = ผู้ช่วยเหลือจะช่วยได้เฉพาะสมาชิกของกลุ่มเหล่านี้
role-builtin = ในตัว
role-assignments = การมอบหมาย

settings-remote-help = เปิดใช้ความช่วยเหลือระยะไกล
settings-unenrolled = อนุญาตเซสชันกับอุปกรณ์ที่ยังไม่ได้ลงทะเบียน
settings-chat-disabled = ปิดแชท
settings-max-minutes = ระยะเวลาเซสชันสูงสุด (นาที)

domain-add = เพิ่มโดเมน
domain-name = ชื่อโดเมน

compliance-new = นโยบายการปฏิบัติตามข้อกำหนดใหม่
compliance-all-devices = อุปกรณ์ทั้งหมด
compliance-disk-encryption = กำหนดให้เข้ารหัสดิสก์
compliance-firewall = กำหนดให้มีไฟร์วอลล์
compliance-screen-lock = กำหนดให้ล็อกหน้าจอ
compliance-enabled = เปิดใช้งาน

ca-new = นโยบายการเข้าถึงแบบมีเงื่อนไขใหม่
ca-all-users = ผู้ใช้ทั้งหมด
ca-require-second-factor = กำหนดให้ใช้ปัจจัยที่สอง
ca-addresses = ที่อยู่ไคลเอ็นต์ (CIDR บรรทัดละหนึ่งรายการ)
ca-state-enabled = เปิดใช้งาน
ca-state-disabled = ปิดใช้งาน
ca-state-report-only = รายงานเท่านั้น
ca-grant-allow = อนุญาต
ca-grant-second-factor = กำหนดให้ใช้ปัจจัยที่สอง
ca-grant-block = บล็อก

enrollment-new = โทเค็นการลงทะเบียนใหม่
enrollment-hours = ใช้ได้นาน (ชั่วโมง)
enrollment-max-uses = จำนวนครั้งที่ใช้ได้สูงสุด
enrollment-created = คัดลอกโทเค็นนี้ตอนนี้ เพราะจะแสดงเพียงครั้งเดียว
enrollment-revoke = เพิกถอน
enrollment-revoked = เพิกถอนแล้ว

device-filter-compliance = การปฏิบัติตามข้อกำหนด
device-filter-os = ระบบปฏิบัติการ
device-filter-search = ค้นหา
device-any = ทั้งหมด
device-compliant = เป็นไปตามข้อกำหนด
device-not-compliant = ไม่เป็นไปตามข้อกำหนด
device-not-evaluated = ยังไม่ได้ประเมิน
device-facts = ข้อมูลอุปกรณ์
device-reasons = เหตุผลด้านการปฏิบัติตามข้อกำหนด
device-recent-sessions = เซสชันล่าสุด
device-new-session = เซสชันความช่วยเหลือระยะไกลใหม่
device-agent-version = เวอร์ชันเอเจนต์
device-enrolled = ลงทะเบียนแล้ว
device-retired = เลิกใช้แล้ว

reports-from = ตั้งแต่
reports-to = ถึง
reports-csv = ดาวน์โหลด CSV
audit-action-filter = การดำเนินการ
