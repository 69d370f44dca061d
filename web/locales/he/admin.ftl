# מרכז הניהול.

admin-nav = אזורי ניהול
admin-users = משתמשים
admin-users-detail = משתמש
admin-groups = קבוצות
admin-groups-detail = קבוצה
admin-roles = תפקידים והקצאות
admin-settings = הגדרות הדייר
admin-domains = דומיינים מאומתים
admin-compliance = מדיניות תאימות
admin-conditional-access = גישה מותנית
admin-enrollment = אסימוני רישום
admin-devices = מכשירים
admin-devices-detail = מכשיר
admin-reports = דוחות סשנים
admin-audit = יומן ביקורת

col-name = שם
col-email = דואר אלקטרוני
col-job-title = תפקיד בארגון
col-company = חברה
col-status = סטטוס
col-created = נוצר
col-description = תיאור
col-members = חברים
col-permissions = הרשאות
col-role = תפקיד
col-assignee = הוקצה ל
col-scope = היקף
col-domain = דומיין
col-state = מצב
col-grant = הענקה
col-expires = תפוגה
col-uses = שימושים
col-os = מערכת הפעלה
col-compliance = תאימות
col-last-check-in = התחברות אחרונה
col-primary-user = משתמש ראשי
col-helper = מסייע
col-sharer = משתף
col-device = מכשיר
col-started = התחלה
col-ended = סיום
col-duration = משך
col-mode = אופן
col-outcome = תוצאה
col-time = זמן
col-actor = מבצע
col-action = פעולה
col-target = יעד
col-address = כתובת

user-new = משתמש חדש
user-password = סיסמה
user-password-help = { $min } תווים לפחות. יש להשאיר ריק לכניסה יחידה (SSO) בלבד.
user-full-name = שם מלא
user-active = פעיל
user-disabled = מושבת
user-disable = השבתה
user-enable = הפעלה
user-profile = פרופיל
user-picture = תמונת פרופיל
user-picture-upload = העלאת תמונה
user-picture-help = PNG, JPEG או WebP, עד 256 KB.
user-created = המשתמש { $name } נוצר.
user-reset-second-factor = איפוס הגורם השני

group-new = קבוצה חדשה
group-members = חברים
group-add-member = הוספת חבר
group-member-email = הדואר האלקטרוני של החבר

role-new = תפקיד חדש
role-assign = הקצאת תפקיד
role-user-email = הדואר האלקטרוני של המשתמש
role-group = או קבוצה
role-scope-all = הדייר כולו
role-scope-groups = קבוצות היקף
role-scope-groups-help = המסייעים יכולים לעזור רק לחברי הקבוצות האלה.
role-builtin = מובנה
role-assignments = הקצאות

settings-remote-help = עזרה מרחוק מופעלת
settings-unenrolled = לאפשר סשנים עם מכשירים לא רשומים
settings-chat-disabled = כיבוי הצ׳אט
settings-max-minutes = משך סשן מרבי (בדקות)

domain-add = הוספת דומיין
domain-name = שם הדומיין

compliance-new = מדיניות תאימות חדשה
compliance-all-devices = כל המכשירים
compliance-disk-encryption = דרישת הצפנת דיסק
compliance-firewall = דרישת חומת אש
compliance-screen-lock = דרישת נעילת מסך
compliance-enabled = מופעלת

ca-new = מדיניות גישה מותנית חדשה
ca-all-users = כל המשתמשים
ca-require-second-factor = דרישת גורם שני
ca-addresses = כתובות לקוח (CIDR, אחת בכל שורה)
ca-state-enabled = מופעלת
ca-state-disabled = מושבתת
ca-state-report-only = דיווח בלבד
ca-grant-allow = התרה
ca-grant-second-factor = דרישת גורם שני
ca-grant-block = חסימה

enrollment-new = אסימון רישום חדש
enrollment-hours = תקף למשך (שעות)
enrollment-max-uses = מספר שימושים מרבי
enrollment-created = יש להעתיק את האסימון עכשיו: הוא מוצג פעם אחת בלבד.
enrollment-revoke = ביטול
enrollment-revoked = בוטל

device-filter-compliance = תאימות
device-filter-os = מערכת הפעלה
device-filter-search = חיפוש
device-any = הכול
device-compliant = תואם
device-not-compliant = לא תואם
device-not-evaluated = לא הוערך
device-facts = פרטי המכשיר
device-reasons = סיבות התאימות
device-recent-sessions = סשנים אחרונים
device-new-session = סשן עזרה מרחוק חדש
device-agent-version = גרסת הסוכן
device-enrolled = נרשם
device-retired = הוצא משימוש

reports-from = מתאריך
reports-to = עד תאריך
reports-csv = הורדת CSV
audit-action-filter = פעולה
