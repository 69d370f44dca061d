# The sharer's desktop app (assist-app). It also uses keys from session.ftl (live-*).

app-title = Assist: hulp krijgen
app-connecting = Verbinden…
app-helper-picture = Foto van { $helper }
app-consent-title = Toestaan?
app-consent-view = { $helper } vraagt om uw scherm te zien.
app-consent-control = { $helper } vraagt om uw muis en toetsenbord te bedienen.
app-sharing-title = Assist: delen
app-sharing-view = { $helper } ziet uw scherm
app-sharing-control = { $helper } bedient uw muis en toetsenbord
app-stop-control = Bediening stoppen
app-control-stopped = Bediening gestopt: uw helper ziet alleen uw scherm.
app-pause = Pauzeren
app-resume = Hervatten
app-paused = Gepauzeerd: er wordt niets verzonden.
app-chat-open = Chat
app-chat-title = Assist: chat
app-chat-new = Nieuw bericht van { $helper }
app-session-over = De sessie is afgelopen.
app-error-unreachable = De server is niet bereikbaar. Controleer het netwerk en probeer het opnieuw.
app-error-not-set-up = Deze computer is nog niet ingesteld voor hulp op afstand. Vraag het uw IT-afdeling.
app-offer-heading = { $helper } wil je helpen op dit apparaat
app-offer-help = Accepteer om deel te nemen aan de sessie voor hulp op afstand. Er wordt nog steeds om toestemming gevraagd voordat je scherm wordt bekeken of bediend.
app-offer-accept = Accepteren
app-offer-decline = Weigeren
app-offer-declined = Je hebt geweigerd. Je helper is op de hoogte gebracht.
app-offer-notification = Accepteer om deel te nemen aan de sessie voor hulp op afstand, of weiger.
