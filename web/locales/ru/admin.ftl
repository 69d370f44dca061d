# Центр администрирования.

admin-nav = Разделы администрирования
admin-users = Пользователи
admin-users-detail = Пользователь
admin-groups = Группы
admin-groups-detail = Группа
admin-roles = Роли и назначения
admin-settings = Параметры организации
admin-domains = Подтверждённые домены
admin-compliance = Политики соответствия
admin-conditional-access = Условный доступ
admin-enrollment = Токены регистрации
admin-devices = Устройства
admin-devices-detail = Устройство
admin-reports = Отчёты о сеансах
admin-audit = Журнал аудита

col-name = Имя
col-email = Электронная почта
col-job-title = Должность
col-company = Компания
col-status = Статус
col-created = Создано
col-description = Описание
col-members = Участники
col-permissions = Разрешения
col-role = Роль
col-assignee = Кому назначено
col-scope = Область
col-domain = Домен
col-state = Состояние
col-grant = Предоставление
col-expires = Истекает
col-uses = Использований
col-os = Операционная система
col-compliance = Соответствие
col-last-check-in = Последняя связь
col-primary-user = Основной пользователь
col-helper = Помощник
col-sharer = Получатель помощи
col-device = Устройство
col-started = Начало
col-ended = Окончание
col-duration = Длительность
col-mode = Режим
col-outcome = Результат
col-time = Время
col-actor = Инициатор
col-action = Действие
col-target = Объект
col-address = Адрес

user-new = Новый пользователь
user-password = Пароль
user-password-help = Не менее { $min } символов. Оставьте пустым, если нужен только единый вход (SSO).
user-full-name = Полное имя
user-active = Активен
user-disabled = Отключён
user-disable = Отключить
user-enable = Включить
user-profile = Профиль
user-picture = Фото профиля
user-picture-upload = Загрузить фото
user-picture-help = PNG, JPEG или WebP, не более 256 КБ.
user-created = Пользователь { $name } создан.
user-reset-second-factor = Сбросить второй фактор

group-new = Новая группа
group-members = Участники
group-add-member = Добавить участника
group-member-email = Почта участника

role-new = Новая роль
role-assign = Назначить роль
role-user-email = Почта пользователя
role-group = Или группа
role-scope-all = Вся организация
role-scope-groups = Группы области
role-scope-groups-help = Помощники могут помогать только участникам этих групп.
role-builtin = Встроенная
role-assignments = Назначения

settings-remote-help = Удалённая помощь включена
settings-unenrolled = Разрешить сеансы с незарегистрированными устройствами
settings-chat-disabled = Отключить чат
settings-max-minutes = Максимальная длительность сеанса (минуты)

domain-add = Добавить домен
domain-name = Имя домена

compliance-new = Новая политика соответствия
compliance-all-devices = Все устройства
compliance-disk-encryption = Требовать шифрование диска
compliance-firewall = Требовать брандмауэр
compliance-screen-lock = Требовать блокировку экрана
compliance-enabled = Включена

ca-new = Новая политика условного доступа
ca-all-users = Все пользователи
ca-require-second-factor = Требовать второй фактор
ca-addresses = Адреса клиентов (CIDR, по одному в строке)
ca-state-enabled = Включена
ca-state-disabled = Отключена
ca-state-report-only = Только отчёт
ca-grant-allow = Разрешить
ca-grant-second-factor = Требовать второй фактор
ca-grant-block = Блокировать

enrollment-new = Новый токен регистрации
enrollment-hours = Срок действия (часы)
enrollment-max-uses = Максимум использований
enrollment-created = Скопируйте этот токен сейчас: он показывается только один раз.
enrollment-revoke = Отозвать
enrollment-revoked = Отозван

device-filter-compliance = Соответствие
device-filter-os = Операционная система
device-filter-search = Поиск
device-any = Любое
device-compliant = Соответствует
device-not-compliant = Не соответствует
device-not-evaluated = Не проверено
device-facts = Сведения
device-reasons = Причины статуса соответствия
device-recent-sessions = Недавние сеансы
device-new-session = Новый сеанс удалённой помощи
device-agent-version = Версия агента
device-enrolled = Зарегистрировано
device-retired = Выведено из эксплуатации

reports-from = С
reports-to = По
reports-csv = Скачать CSV
audit-action-filter = Действие
