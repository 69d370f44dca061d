# The sharer's desktop app (assist-app). It also uses keys from session.ftl (live-*).

app-title = Assist: отримати допомогу
app-connecting = Підключення…
app-helper-picture = Фото: { $helper }
app-consent-title = Дозволити?
app-consent-view = { $helper } просить показати ваш екран.
app-consent-control = { $helper } просить керувати вашою мишею та клавіатурою.
app-sharing-title = Assist: демонстрація
app-sharing-view = { $helper } бачить ваш екран
app-sharing-control = { $helper } керує вашою мишею та клавіатурою
app-stop-control = Припинити керування
app-control-stopped = Керування припинено: помічник лише бачить ваш екран.
app-pause = Пауза
app-resume = Продовжити
app-paused = Пауза: нічого не надсилається.
app-chat-open = Чат
app-chat-title = Assist: чат
app-chat-new = Нове повідомлення: { $helper }
app-session-over = Сеанс завершено.
app-error-unreachable = Сервер недоступний. Перевірте мережу й спробуйте ще раз.
app-error-not-set-up = Цей комп’ютер ще не налаштовано для віддаленої допомоги. Зверніться до ІТ-відділу.
app-offer-heading = { $helper } хоче допомогти вам на цьому пристрої
app-offer-help = Прийміть, щоб приєднатися до сеансу віддаленої допомоги. Перед переглядом чи керуванням екраном дозвіл однаково буде запитано.
app-offer-accept = Прийняти
app-offer-decline = Відхилити
app-offer-declined = Ви відхилили. Помічника повідомлено.
app-offer-notification = Прийміть, щоб приєднатися до сеансу віддаленої допомоги, або відхиліть.
