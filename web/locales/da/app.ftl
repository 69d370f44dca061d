# The sharer's desktop app (assist-app). It also uses keys from session.ftl (live-*).

app-title = Assist: få hjælp
app-connecting = Forbinder…
app-helper-picture = Billede af { $helper }
app-consent-title = Tillad?
app-consent-view = { $helper } beder om at se din skærm.
app-consent-control = { $helper } beder om at styre din mus og dit tastatur.
app-sharing-title = Assist: deler
app-sharing-view = { $helper } ser din skærm
app-sharing-control = { $helper } styrer din mus og dit tastatur
app-stop-control = Stop styring
app-control-stopped = Styring stoppet: din hjælper ser kun din skærm.
app-pause = Pause
app-resume = Fortsæt
app-paused = Sat på pause: intet sendes.
app-chat-open = Chat
app-chat-title = Assist: chat
app-chat-new = Ny besked fra { $helper }
app-session-over = Sessionen er slut.
app-error-unreachable = Serveren kan ikke nås. Tjek netværket, og prøv igen.
app-error-not-set-up = Denne computer er endnu ikke sat op til fjernhjælp. Kontakt din IT-afdeling.
app-offer-heading = { $helper } vil gerne hjælpe dig på denne enhed
app-offer-help = Accepter for at deltage i sessionen med fjernhjælp. Vedkommende spørger stadig, før din skærm ses eller styres.
app-offer-accept = Accepter
app-offer-decline = Afvis
app-offer-declined = Du afviste. Din hjælper har fået besked.
app-offer-notification = Accepter for at deltage i sessionen med fjernhjælp, eller afvis.
