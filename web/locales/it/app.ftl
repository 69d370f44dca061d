# The sharer's desktop app (assist-app). It also uses keys from session.ftl (live-*).

app-title = Assist: ricevi assistenza
app-connecting = Connessione…
app-helper-picture = Foto di { $helper }
app-consent-title = Consentire?
app-consent-view = { $helper } chiede di vedere il tuo schermo.
app-consent-control = { $helper } chiede di controllare mouse e tastiera.
app-sharing-title = Assist: condivisione
app-sharing-view = { $helper } vede il tuo schermo
app-sharing-control = { $helper } controlla mouse e tastiera
app-stop-control = Interrompi il controllo
app-control-stopped = Controllo interrotto: chi ti aiuta vede solo il tuo schermo.
app-pause = Pausa
app-resume = Riprendi
app-paused = In pausa: non viene inviato nulla.
app-chat-open = Chat
app-chat-title = Assist: chat
app-chat-new = Nuovo messaggio da { $helper }
app-session-over = La sessione è terminata.
app-error-unreachable = Il server non è raggiungibile. Controlla la rete e riprova.
app-error-not-set-up = Questo computer non è ancora configurato per l’assistenza remota. Rivolgiti al reparto IT.
app-offer-heading = { $helper } vuole aiutarti su questo dispositivo
app-offer-help = Accetta per unirti alla sessione di assistenza remota. Ti verrà comunque chiesto il permesso prima di vedere o controllare lo schermo.
app-offer-accept = Accetta
app-offer-decline = Rifiuta
app-offer-declined = Hai rifiutato. Chi ti aiuta è stato avvisato.
app-offer-notification = Accetta per unirti alla sessione di assistenza remota, oppure rifiuta.
