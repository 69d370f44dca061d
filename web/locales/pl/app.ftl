# The sharer's desktop app (assist-app). It also uses keys from session.ftl (live-*).

app-title = Assist: uzyskaj pomoc
app-connecting = Łączenie…
app-helper-picture = Zdjęcie: { $helper }
app-consent-title = Zezwolić?
app-consent-view = { $helper } prosi o wgląd w Twój ekran.
app-consent-control = { $helper } prosi o sterowanie Twoją myszą i klawiaturą.
app-sharing-title = Assist: udostępnianie
app-sharing-view = { $helper } widzi Twój ekran
app-sharing-control = { $helper } steruje Twoją myszą i klawiaturą
app-stop-control = Zatrzymaj sterowanie
app-control-stopped = Sterowanie zatrzymane: pomocnik tylko widzi Twój ekran.
app-pause = Wstrzymaj
app-resume = Wznów
app-paused = Wstrzymano: nic nie jest wysyłane.
app-chat-open = Czat
app-chat-title = Assist: czat
app-chat-new = Nowa wiadomość: { $helper }
app-session-over = Sesja się zakończyła.
app-error-unreachable = Serwer jest niedostępny. Sprawdź sieć i spróbuj ponownie.
app-error-not-set-up = Ten komputer nie jest jeszcze skonfigurowany do zdalnej pomocy. Zwróć się do działu IT.
app-offer-heading = { $helper } chce Ci pomóc na tym urządzeniu
app-offer-help = Zaakceptuj, aby dołączyć do sesji pomocy zdalnej. Przed wyświetleniem lub sterowaniem ekranem nadal zostaniesz zapytany o zgodę.
app-offer-accept = Akceptuj
app-offer-decline = Odrzuć
app-offer-declined = Odrzucono. Pomocnik został powiadomiony.
app-offer-notification = Zaakceptuj, aby dołączyć do sesji pomocy zdalnej, lub odrzuć.
