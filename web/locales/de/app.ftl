# The sharer's desktop app (assist-app). It also uses keys from session.ftl (live-*).

app-title = Assist: Hilfe erhalten
app-connecting = Verbindung wird hergestellt…
app-helper-picture = Bild von { $helper }
app-consent-title = Erlauben?
app-consent-view = { $helper } möchte Ihren Bildschirm sehen.
app-consent-control = { $helper } möchte Ihre Maus und Tastatur steuern.
app-sharing-title = Assist: Freigabe
app-sharing-view = { $helper } sieht Ihren Bildschirm
app-sharing-control = { $helper } steuert Ihre Maus und Tastatur
app-stop-control = Steuerung beenden
app-control-stopped = Steuerung beendet: Ihr Helfer sieht nur noch Ihren Bildschirm.
app-pause = Pause
app-resume = Fortsetzen
app-paused = Pausiert: Es wird nichts gesendet.
app-chat-open = Chat
app-chat-title = Assist: Chat
app-chat-new = Neue Nachricht von { $helper }
app-session-over = Die Sitzung ist beendet.
app-error-unreachable = Der Server ist nicht erreichbar. Prüfen Sie das Netzwerk und versuchen Sie es erneut.
app-error-not-set-up = Dieser Computer ist noch nicht für Fernhilfe eingerichtet. Wenden Sie sich an Ihre IT-Abteilung.
