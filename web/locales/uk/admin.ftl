# Центр адміністрування.

admin-nav = Розділи адміністрування
admin-users = Користувачі
admin-users-detail = Користувач
admin-groups = Групи
admin-groups-detail = Група
admin-roles = Ролі та призначення
admin-settings = Параметри організації
admin-domains = Підтверджені домени
admin-compliance = Політики відповідності
admin-conditional-access = Умовний доступ
admin-enrollment = Токени реєстрації
admin-devices = Пристрої
admin-devices-detail = Пристрій
admin-reports = Звіти про сеанси
admin-audit = Журнал аудиту

col-name = Ім’я
col-email = Електронна пошта
col-job-title = Посада
col-company = Компанія
col-status = Статус
col-created = Створено
col-description = Опис
col-members = Учасники
col-permissions = Дозволи
col-role = Роль
col-assignee = Кому призначено
col-scope = Область
col-domain = Домен
col-state = Стан
col-grant = Надання доступу
col-expires = Спливає
col-uses = Використань
col-os = Операційна система
col-compliance = Відповідність
col-last-check-in = Останній зв’язок
col-primary-user = Основний користувач
col-helper = Помічник
col-sharer = Отримувач допомоги
col-device = Пристрій
col-started = Початок
col-ended = Завершення
col-duration = Тривалість
col-mode = Режим
col-outcome = Результат
col-time = Час
col-actor = Ініціатор
col-action = Дія
col-target = Об’єкт
col-address = Адреса

user-new = Новий користувач
user-password = Пароль
user-password-help = Щонайменше { $min } символів. Залиште порожнім, якщо потрібен лише єдиний вхід (SSO).
user-full-name = Повне ім’я
user-active = Активний
user-disabled = Вимкнено
user-disable = Вимкнути
user-enable = Увімкнути
user-profile = Профіль
user-picture = Фото профілю
user-picture-upload = Завантажити фото
user-picture-help = PNG, JPEG або WebP, не більше 256 КБ.
user-created = Користувача { $name } створено.
user-reset-second-factor = Скинути другий фактор

group-new = Нова група
group-members = Учасники
group-add-member = Додати учасника
group-member-email = Пошта учасника

role-new = Нова роль
role-assign = Призначити роль
role-user-email = Пошта користувача
role-group = Або група
role-scope-all = Уся організація
role-scope-groups = Групи області
role-scope-groups-help = Помічники можуть допомагати лише учасникам цих груп.
role-builtin = Вбудована
role-assignments = Призначення

settings-remote-help = Віддалену допомогу ввімкнено
settings-unenrolled = Дозволити сеанси з незареєстрованими пристроями
settings-chat-disabled = Вимкнути чат
settings-max-minutes = Максимальна тривалість сеансу (хвилини)

domain-add = Додати домен
domain-name = Ім’я домену

compliance-new = Нова політика відповідності
compliance-all-devices = Усі пристрої
compliance-disk-encryption = Вимагати шифрування диска
compliance-firewall = Вимагати брандмауер
compliance-screen-lock = Вимагати блокування екрана
compliance-enabled = Увімкнено

ca-new = Нова політика умовного доступу
ca-all-users = Усі користувачі
ca-require-second-factor = Вимагати другий фактор
ca-addresses = Адреси клієнтів (CIDR, по одній у рядку)
ca-state-enabled = Увімкнено
ca-state-disabled = Вимкнено
ca-state-report-only = Лише звіт
ca-grant-allow = Дозволити
ca-grant-second-factor = Вимагати другий фактор
ca-grant-block = Блокувати

enrollment-new = Новий токен реєстрації
enrollment-hours = Дійсний (годин)
enrollment-max-uses = Максимум використань
enrollment-created = Скопіюйте цей токен зараз: він показується лише один раз.
enrollment-revoke = Відкликати
enrollment-revoked = Відкликано

device-filter-compliance = Відповідність
device-filter-os = Операційна система
device-filter-search = Пошук
device-any = Будь-яка
device-compliant = Відповідає вимогам
device-not-compliant = Не відповідає вимогам
device-not-evaluated = Не перевірено
device-facts = Відомості
device-reasons = Причини стану відповідності
device-recent-sessions = Нещодавні сеанси
device-new-session = Новий сеанс віддаленої допомоги
device-agent-version = Версія агента
device-enrolled = Зареєстровано
device-retired = Виведено з експлуатації

reports-from = З
reports-to = По
reports-csv = Завантажити CSV
audit-action-filter = Дія
