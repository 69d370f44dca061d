# The sharer's desktop app (assist-app). It also uses keys from session.ftl (live-*).

app-title = Assist: pomoc
app-connecting = Pripája sa…
app-helper-picture = Fotografia: { $helper }
app-consent-title = Povoliť?
app-consent-view = { $helper } žiada o zobrazenie vašej obrazovky.
app-consent-control = { $helper } žiada o ovládanie vašej myši a klávesnice.
app-sharing-title = Assist: zdieľanie
app-sharing-view = { $helper } vidí vašu obrazovku
app-sharing-control = { $helper } ovláda vašu myš a klávesnicu
app-stop-control = Ukončiť ovládanie
app-control-stopped = Ovládanie ukončené: pomocník vašu obrazovku iba vidí.
app-pause = Pozastaviť
app-resume = Pokračovať
app-paused = Pozastavené: nič sa neodosiela.
app-chat-open = Chat
app-chat-title = Assist: chat
app-chat-new = Nová správa: { $helper }
app-session-over = Relácia sa skončila.
app-error-unreachable = Server nie je dostupný. Skontrolujte sieť a skúste to znova.
app-error-not-set-up = Tento počítač ešte nie je nastavený na vzdialenú pomoc. Obráťte sa na oddelenie IT.
app-offer-heading = { $helper } vám chce pomôcť na tomto zariadení
app-offer-help = Prijatím sa pripojíte k relácii vzdialenej pomoci. Pred zobrazením alebo ovládaním obrazovky sa vás aj tak opýta.
app-offer-accept = Prijať
app-offer-decline = Odmietnuť
app-offer-declined = Odmietli ste. Pomocník bol informovaný.
app-offer-notification = Prijmite na pripojenie k relácii vzdialenej pomoci alebo odmietnite.
