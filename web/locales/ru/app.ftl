# The sharer's desktop app (assist-app). It also uses keys from session.ftl (live-*).

app-title = Assist: получить помощь
app-connecting = Подключение…
app-helper-picture = Фото: { $helper }
app-consent-title = Разрешить?
app-consent-view = { $helper } просит показать ваш экран.
app-consent-control = { $helper } просит управлять вашей мышью и клавиатурой.
app-sharing-title = Assist: демонстрация
app-sharing-view = { $helper } видит ваш экран
app-sharing-control = { $helper } управляет вашей мышью и клавиатурой
app-stop-control = Прекратить управление
app-control-stopped = Управление прекращено: помощник только видит ваш экран.
app-pause = Пауза
app-resume = Продолжить
app-paused = Пауза: ничего не передаётся.
app-chat-open = Чат
app-chat-title = Assist: чат
app-chat-new = Новое сообщение: { $helper }
app-session-over = Сеанс завершён.
app-error-unreachable = Сервер недоступен. Проверьте сеть и повторите попытку.
app-error-not-set-up = Этот компьютер ещё не настроен для удалённой помощи. Обратитесь в ИТ-отдел.
app-offer-heading = { $helper } хочет помочь вам на этом устройстве
app-offer-help = Примите, чтобы присоединиться к сеансу удалённой помощи. Перед просмотром или управлением экраном разрешение всё равно будет запрошено.
app-offer-accept = Принять
app-offer-decline = Отклонить
app-offer-declined = Вы отклонили. Помощник уведомлён.
app-offer-notification = Примите, чтобы присоединиться к сеансу удалённой помощи, или отклоните.
