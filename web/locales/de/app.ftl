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
app-offer-heading = { $helper } möchte Ihnen auf diesem Gerät helfen
app-offer-help = Nehmen Sie an, um der Fernhilfe-Sitzung beizutreten. Bevor Ihr Bildschirm gesehen oder gesteuert wird, werden Sie trotzdem gefragt.
app-offer-accept = Annehmen
app-offer-decline = Ablehnen
app-offer-declined = Sie haben abgelehnt. Ihr Helfer wurde informiert.
app-offer-notification = Nehmen Sie an, um der Fernhilfe-Sitzung beizutreten, oder lehnen Sie ab.
