# Центар за администрацију.

admin-nav = Области администрације
admin-users = Корисници
admin-users-detail = Корисник
admin-groups = Групе
admin-groups-detail = Група
admin-roles = Улоге и доделе
admin-settings = Подешавања организације
admin-domains = Верификовани домени
admin-compliance = Смернице усаглашености
admin-conditional-access = Условни приступ
admin-enrollment = Токени за регистрацију
admin-devices = Уређаји
admin-devices-detail = Уређај
admin-reports = Извештаји о сесијама
admin-audit = Евиденција надзора

col-name = Име
col-email = Имејл
col-job-title = Радно место
col-company = Предузеће
col-status = Статус
col-created = Направљено
col-description = Опис
col-members = Чланови
col-permissions = Дозволе
col-role = Улога
col-assignee = Додељено
col-scope = Опсег
col-domain = Домен
col-state = Стање
col-grant = Одобравање
col-expires = Истиче
col-uses = Коришћења
col-os = Оперативни систем
col-compliance = Усаглашеност
col-last-check-in = Последње јављање
col-primary-user = Примарни корисник
col-helper = Помоћник
col-sharer = Прималац помоћи
col-device = Уређај
col-started = Почетак
col-ended = Крај
col-duration = Трајање
col-mode = Режим
col-outcome = Исход
col-time = Време
col-actor = Извршилац
col-action = Радња
col-target = Циљ
col-address = Адреса

user-new = Нови корисник
user-password = Лозинка
user-password-help = Најмање { $min } знакова. Оставите празно ако корисник треба да користи само јединствену пријаву (SSO).
user-full-name = Пуно име
user-active = Активан
user-disabled = Онемогућен
user-disable = Онемогући
user-enable = Омогући
user-profile = Профил
user-picture = Слика профила
user-picture-upload = Отпреми слику
user-picture-help = PNG, JPEG или WebP, највише 256 KB.
user-created = Корисник { $name } је направљен.
user-reset-second-factor = Ресетуј други фактор

group-new = Нова група
group-members = Чланови
group-add-member = Додај члана
group-member-email = Имејл члана

role-new = Нова улога
role-assign = Додели улогу
role-user-email = Имејл корисника
role-group = Или група
role-scope-all = Цела организација
role-scope-groups = Групе опсега
role-scope-groups-help = Помоћници могу да помажу само члановима ових група.
role-builtin = Уграђена
role-assignments = Доделе

settings-remote-help = Помоћ на даљину је омогућена
settings-unenrolled = Дозволи сесије са нерегистрованим уређајима
settings-chat-disabled = Искључи ћаскање
settings-max-minutes = Максимално трајање сесије (минути)

domain-add = Додај домен
domain-name = Име домена

compliance-new = Нове смернице усаглашености
compliance-all-devices = Сви уређаји
compliance-disk-encryption = Захтевај шифровање диска
compliance-firewall = Захтевај заштитни зид
compliance-screen-lock = Захтевај закључавање екрана
compliance-enabled = Омогућено

ca-new = Нове смернице условног приступа
ca-all-users = Сви корисници
ca-require-second-factor = Захтевај други фактор
ca-addresses = Адресе клијената (CIDR, једна по реду)
ca-state-enabled = Омогућено
ca-state-disabled = Онемогућено
ca-state-report-only = Само извештај
ca-grant-allow = Дозволи
ca-grant-second-factor = Захтевај други фактор
ca-grant-block = Блокирај

enrollment-new = Нови токен за регистрацију
enrollment-hours = Важи (сати)
enrollment-max-uses = Највећи број коришћења
enrollment-created = Копирајте овај токен сада: приказује се само једном.
enrollment-revoke = Опозови
enrollment-revoked = Опозван

device-filter-compliance = Усаглашеност
device-filter-os = Оперативни систем
device-filter-search = Претрага
device-any = Било који
device-compliant = Усаглашен
device-not-compliant = Није усаглашен
device-not-evaluated = Није процењен
device-facts = Подаци
device-reasons = Разлози за стање усаглашености
device-recent-sessions = Недавне сесије
device-new-session = Нова сесија помоћи на даљину
device-agent-version = Верзија агента
device-enrolled = Регистрован
device-retired = Повучен из употребе

reports-from = Од
reports-to = До
reports-csv = Преузми CSV
audit-action-filter = Радња
