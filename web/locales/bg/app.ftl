# The sharer's desktop app (assist-app). It also uses keys from session.ftl (live-*).

app-title = Assist: помощ
app-connecting = Свързване…
app-helper-picture = Снимка на { $helper }
app-consent-title = Да се разреши ли?
app-consent-view = { $helper } иска да вижда екрана ви.
app-consent-control = { $helper } иска да управлява мишката и клавиатурата ви.
app-sharing-title = Assist: споделяне
app-sharing-view = { $helper } вижда екрана ви
app-sharing-control = { $helper } управлява мишката и клавиатурата ви
app-stop-control = Спиране на управлението
app-control-stopped = Управлението е спряно: помощникът само вижда екрана ви.
app-pause = Пауза
app-resume = Продължаване
app-paused = Пауза: нищо не се изпраща.
app-chat-open = Чат
app-chat-title = Assist: чат
app-chat-new = Ново съобщение от { $helper }
app-session-over = Сесията приключи.
app-error-unreachable = Сървърът е недостъпен. Проверете мрежата и опитайте отново.
app-error-not-set-up = Този компютър още не е настроен за отдалечена помощ. Обърнете се към ИТ отдела.
app-offer-heading = { $helper } иска да ви помогне на това устройство
app-offer-help = Приемете, за да се присъедините към сесията за отдалечена помощ. Той пак ще поиска разрешение, преди да види или управлява екрана ви.
app-offer-accept = Приемане
app-offer-decline = Отказ
app-offer-declined = Отказахте. Помощникът ви е уведомен.
app-offer-notification = Приемете, за да се присъедините към сесията за отдалечена помощ, или откажете.
