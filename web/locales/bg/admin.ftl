# Администраторският център.

admin-nav = Административни раздели
admin-users = Потребители
admin-users-detail = Потребител
admin-groups = Групи
admin-groups-detail = Група
admin-roles = Роли и присвоявания
admin-settings = Настройки на наемателя
admin-domains = Потвърдени домейни
admin-compliance = Правила за съответствие
admin-conditional-access = Условен достъп
admin-enrollment = Маркери за регистриране
admin-devices = Устройства
admin-devices-detail = Устройство
admin-reports = Отчети за сесиите
admin-audit = Одитен журнал

col-name = Име
col-email = Имейл
col-job-title = Длъжност
col-company = Фирма
col-status = Статус
col-created = Създаден
col-description = Описание
col-members = Членове
col-permissions = Разрешения
col-role = Роля
col-assignee = Присвоено на
col-scope = Обхват
col-domain = Домейн
col-state = Състояние
col-grant = Предоставяне
col-expires = Изтича
col-uses = Използвания
col-os = Операционна система
col-compliance = Съответствие
col-last-check-in = Последна връзка
col-primary-user = Основен потребител
col-helper = Помощник
col-sharer = Споделящ
col-device = Устройство
col-started = Начало
col-ended = Край
col-duration = Продължителност
col-mode = Режим
col-outcome = Резултат
col-time = Час
col-actor = Извършител
col-action = Действие
col-target = Обект
col-address = Адрес

user-new = Нов потребител
user-password = Парола
user-password-help = Поне { $min } знака. Оставете празно само за еднократно влизане (SSO).
user-full-name = Пълно име
user-active = Активен
user-disabled = Деактивиран
user-disable = Деактивиране
user-enable = Активиране
user-profile = Профил
user-picture = Профилна снимка
user-picture-upload = Качване на снимка
user-picture-help = PNG, JPEG или WebP, най-много 256 KB.
user-created = Потребителят { $name } е създаден.
user-reset-second-factor = Нулиране на втория фактор

group-new = Нова група
group-members = Членове
group-add-member = Добавяне на член
group-member-email = Имейл на члена

role-new = Нова роля
role-assign = Присвояване на роля
role-user-email = Имейл на потребителя
role-group = Или група
role-scope-all = Целият наемател
role-scope-groups = Групи на обхвата
role-scope-groups-help = Помощниците могат да помагат само на членове на тези групи.
role-builtin = Вградена
role-assignments = Присвоявания

settings-remote-help = Отдалечената помощ е включена
settings-unenrolled = Разрешаване на сесии с нерегистрирани устройства
settings-chat-disabled = Изключване на чата
settings-max-minutes = Максимална продължителност на сесия (минути)

domain-add = Добавяне на домейн
domain-name = Име на домейн

compliance-new = Ново правило за съответствие
compliance-all-devices = Всички устройства
compliance-disk-encryption = Изискване на шифроване на диска
compliance-firewall = Изискване на защитна стена
compliance-screen-lock = Изискване на заключване на екрана
compliance-enabled = Включено

ca-new = Ново правило за условен достъп
ca-all-users = Всички потребители
ca-require-second-factor = Изискване на втори фактор
ca-addresses = Клиентски адреси (CIDR, по един на ред)
ca-state-enabled = Включено
ca-state-disabled = Изключено
ca-state-report-only = Само отчет
ca-grant-allow = Разрешаване
ca-grant-second-factor = Изискване на втори фактор
ca-grant-block = Блокиране

enrollment-new = Нов маркер за регистриране
enrollment-hours = Валиден за (часове)
enrollment-max-uses = Максимален брой използвания
enrollment-created = Копирайте маркера сега: той се показва само веднъж.
enrollment-revoke = Отмяна
enrollment-revoked = Отменен

device-filter-compliance = Съответствие
device-filter-os = Операционна система
device-filter-search = Търсене
device-any = Всички
device-compliant = Съответстващо
device-not-compliant = Несъответстващо
device-not-evaluated = Неоценено
device-facts = Данни за устройството
device-reasons = Причини за съответствието
device-recent-sessions = Последни сесии
device-new-session = Нова сесия за отдалечена помощ
device-agent-version = Версия на агента
device-enrolled = Регистрирано
device-retired = Изведено от употреба

reports-from = От
reports-to = До
reports-csv = Изтегляне на CSV
audit-action-filter = Действие
