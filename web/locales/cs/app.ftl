# The sharer's desktop app (assist-app). It also uses keys from session.ftl (live-*).

app-title = Assist: pomoc
app-connecting = Připojování…
app-helper-picture = Fotografie: { $helper }
app-consent-title = Povolit?
app-consent-view = { $helper } žádá o zobrazení vaší obrazovky.
app-consent-control = { $helper } žádá o ovládání vaší myši a klávesnice.
app-sharing-title = Assist: sdílení
app-sharing-view = { $helper } vidí vaši obrazovku
app-sharing-control = { $helper } ovládá vaši myš a klávesnici
app-stop-control = Ukončit ovládání
app-control-stopped = Ovládání ukončeno: pomocník vaši obrazovku jen vidí.
app-pause = Pozastavit
app-resume = Pokračovat
app-paused = Pozastaveno: nic se neodesílá.
app-chat-open = Chat
app-chat-title = Assist: chat
app-chat-new = Nová zpráva od: { $helper }
app-session-over = Relace skončila.
app-error-unreachable = Server není dostupný. Zkontrolujte síť a zkuste to znovu.
app-error-not-set-up = Tento počítač ještě není nastaven pro vzdálenou pomoc. Obraťte se na IT oddělení.
app-offer-heading = { $helper } vám chce pomoci na tomto zařízení
app-offer-help = Přijetím se připojíte k relaci vzdálené pomoci. Než uvidí nebo začne ovládat vaši obrazovku, stále se vás zeptá.
app-offer-accept = Přijmout
app-offer-decline = Odmítnout
app-offer-declined = Odmítli jste. Pomocník byl informován.
app-offer-notification = Přijměte pro připojení k relaci vzdálené pomoci, nebo odmítněte.
