# مركز الإدارة.

admin-nav = أقسام الإدارة
admin-users = المستخدمون
admin-users-detail = المستخدم
admin-groups = المجموعات
admin-groups-detail = المجموعة
admin-roles = الأدوار والتعيينات
admin-settings = إعدادات المستأجر
admin-domains = النطاقات الموثّقة
admin-compliance = سياسات التوافق
admin-conditional-access = الوصول المشروط
admin-enrollment = رموز التسجيل المميزة
admin-devices = الأجهزة
admin-devices-detail = الجهاز
admin-reports = تقارير الجلسات
admin-audit = سجل التدقيق

col-name = الاسم
col-email = البريد الإلكتروني
col-job-title = المسمى الوظيفي
col-company = الشركة
col-status = الحالة
col-created = تاريخ الإنشاء
col-description = الوصف
col-members = الأعضاء
col-permissions = الأذونات
col-role = الدور
col-assignee = مُعيَّن إلى
col-scope = النطاق
col-domain = النطاق
col-state = الحالة
col-grant = المنح
col-expires = تنتهي في
col-uses = مرات الاستخدام
col-os = نظام التشغيل
col-compliance = التوافق
col-last-check-in = آخر تسجيل وصول
col-primary-user = المستخدم الأساسي
col-helper = المساعد
col-sharer = المشارك
col-device = الجهاز
col-started = البدء
col-ended = الانتهاء
col-duration = المدة
col-mode = الوضع
col-outcome = النتيجة
col-time = الوقت
col-actor = المنفِّذ
col-action = الإجراء
col-target = الهدف
col-address = العنوان

user-new = مستخدم جديد
user-password = كلمة المرور
user-password-help = { $min } أحرف على الأقل. اتركها فارغة لتسجيل الدخول الأحادي فقط.
user-full-name = الاسم الكامل
user-active = نشط
user-disabled = معطّل
user-disable = تعطيل
user-enable = تمكين
user-profile = الملف الشخصي
user-picture = صورة الملف الشخصي
user-picture-upload = رفع صورة
user-picture-help = بصيغة PNG أو JPEG أو WebP، بحد أقصى 256 كيلوبايت.
user-created = تم إنشاء المستخدم { $name }.
user-reset-second-factor = إعادة تعيين العامل الثاني

group-new = مجموعة جديدة
group-members = الأعضاء
group-add-member = إضافة عضو
group-member-email = البريد الإلكتروني للعضو

role-new = دور جديد
role-assign = تعيين دور
role-user-email = البريد الإلكتروني للمستخدم
role-group = أو مجموعة
role-scope-all = المستأجر بالكامل
role-scope-groups = مجموعات النطاق
role-scope-groups-help = لا يستطيع المساعدون مساعدة إلا أعضاء هذه المجموعات.
role-builtin = مضمَّن
role-assignments = التعيينات

settings-remote-help = تمكين المساعدة عن بُعد
settings-unenrolled = السماح بالجلسات مع الأجهزة غير المسجّلة
settings-chat-disabled = إيقاف الدردشة
settings-max-minutes = أقصى مدة للجلسة (بالدقائق)

domain-add = إضافة نطاق
domain-name = اسم النطاق

compliance-new = سياسة توافق جديدة
compliance-all-devices = جميع الأجهزة
compliance-disk-encryption = اشتراط تشفير القرص
compliance-firewall = اشتراط جدار حماية
compliance-screen-lock = اشتراط قفل الشاشة
compliance-enabled = ممكّنة

ca-new = سياسة وصول مشروط جديدة
ca-all-users = جميع المستخدمين
ca-require-second-factor = اشتراط عامل ثانٍ
ca-addresses = عناوين العملاء (CIDR، عنوان في كل سطر)
ca-state-enabled = ممكّنة
ca-state-disabled = معطّلة
ca-state-report-only = تقرير فقط
ca-grant-allow = سماح
ca-grant-second-factor = اشتراط عامل ثانٍ
ca-grant-block = حظر

enrollment-new = رمز تسجيل مميز جديد
enrollment-hours = صالح لمدة (بالساعات)
enrollment-max-uses = الحد الأقصى لمرات الاستخدام
enrollment-created = انسخ هذا الرمز المميز الآن: لن يُعرض إلا مرة واحدة.
enrollment-revoke = إبطال
enrollment-revoked = مُبطَل

device-filter-compliance = التوافق
device-filter-os = نظام التشغيل
device-filter-search = بحث
device-any = الكل
device-compliant = متوافق
device-not-compliant = غير متوافق
device-not-evaluated = لم يُقيَّم
device-facts = معلومات الجهاز
device-reasons = أسباب التوافق
device-recent-sessions = الجلسات الأخيرة
device-new-session = جلسة مساعدة عن بُعد جديدة
device-agent-version = إصدار الوكيل
device-enrolled = تاريخ التسجيل
device-retired = تاريخ الإيقاف

reports-from = من
reports-to = إلى
reports-csv = تنزيل CSV
audit-action-filter = الإجراء
