# The sharer's desktop app (assist-app). It also uses keys from session.ftl (live-*).

app-title = Assist: få hjelp
app-connecting = Kobler til…
app-helper-picture = Bilde av { $helper }
app-consent-title = Tillate?
app-consent-view = { $helper } ber om å se skjermen din.
app-consent-control = { $helper } ber om å styre musen og tastaturet ditt.
app-sharing-title = Assist: deler
app-sharing-view = { $helper } ser skjermen din
app-sharing-control = { $helper } styrer musen og tastaturet ditt
app-stop-control = Stopp styring
app-control-stopped = Styring stoppet: hjelperen ser bare skjermen din.
app-pause = Pause
app-resume = Fortsett
app-paused = På pause: ingenting sendes.
app-chat-open = Chat
app-chat-title = Assist: chat
app-chat-new = Ny melding fra { $helper }
app-session-over = Økten er over.
app-error-unreachable = Serveren kan ikke nås. Sjekk nettverket og prøv igjen.
app-error-not-set-up = Denne datamaskinen er ikke satt opp for fjernhjelp ennå. Spør IT-avdelingen.
app-offer-heading = { $helper } vil hjelpe deg på denne enheten
app-offer-help = Godta for å bli med i økten med fjernhjelp. Du blir fortsatt spurt før skjermen din vises eller styres.
app-offer-accept = Godta
app-offer-decline = Avslå
app-offer-declined = Du avslo. Hjelperen din har fått beskjed.
app-offer-notification = Godta for å bli med i økten med fjernhjelp, eller avslå.
