# The sharer's desktop app (assist-app). It also uses keys from session.ftl (live-*).

app-title = Assist: помоћ
app-connecting = Повезивање…
app-helper-picture = Слика: { $helper }
app-consent-title = Дозволити?
app-consent-view = { $helper } тражи да види ваш екран.
app-consent-control = { $helper } тражи да управља вашим мишем и тастатуром.
app-sharing-title = Assist: дељење
app-sharing-view = { $helper } види ваш екран
app-sharing-control = { $helper } управља вашим мишем и тастатуром
app-stop-control = Заустави управљање
app-control-stopped = Управљање заустављено: помоћник само види ваш екран.
app-pause = Пауза
app-resume = Настави
app-paused = Пауза: ништа се не шаље.
app-chat-open = Ћаскање
app-chat-title = Assist: ћаскање
app-chat-new = Нова порука: { $helper }
app-session-over = Сесија је завршена.
app-error-unreachable = Сервер није доступан. Проверите мрежу и покушајте поново.
app-error-not-set-up = Овај рачунар још није подешен за помоћ на даљину. Обратите се ИТ служби.
app-offer-heading = { $helper } жели да вам помогне на овом уређају
app-offer-help = Прихватите да бисте се придружили сесији помоћи на даљину. Пре гледања или управљања екраном и даље ће се тражити ваша дозвола.
app-offer-accept = Прихвати
app-offer-decline = Одбиј
app-offer-declined = Одбили сте. Помагач је обавештен.
app-offer-notification = Прихватите да бисте се придружили сесији помоћи на даљину или одбијте.
