# The sharer's desktop app (assist-app). It also uses keys from session.ftl (live-*).

app-title = Assist: pomoč
app-connecting = Povezovanje…
app-helper-picture = Slika: { $helper }
app-consent-title = Dovolim?
app-consent-view = { $helper } prosi za ogled vašega zaslona.
app-consent-control = { $helper } prosi za upravljanje vaše miške in tipkovnice.
app-sharing-title = Assist: deljenje
app-sharing-view = { $helper } vidi vaš zaslon
app-sharing-control = { $helper } upravlja vašo miško in tipkovnico
app-stop-control = Ustavi upravljanje
app-control-stopped = Upravljanje ustavljeno: pomočnik vaš zaslon samo vidi.
app-pause = Premor
app-resume = Nadaljuj
app-paused = Premor: nič se ne pošilja.
app-chat-open = Klepet
app-chat-title = Assist: klepet
app-chat-new = Novo sporočilo: { $helper }
app-session-over = Seja se je končala.
app-error-unreachable = Strežnik ni dosegljiv. Preverite omrežje in poskusite znova.
app-error-not-set-up = Ta računalnik še ni nastavljen za oddaljeno pomoč. Obrnite se na oddelek IT.
app-offer-heading = { $helper } vam želi pomagati na tej napravi
app-offer-help = Sprejmite, da se pridružite seji pomoči na daljavo. Pred ogledom ali upravljanjem zaslona boste še vedno vprašani za dovoljenje.
app-offer-accept = Sprejmi
app-offer-decline = Zavrni
app-offer-declined = Zavrnili ste. Pomočnik je obveščen.
app-offer-notification = Sprejmite, da se pridružite seji pomoči na daljavo, ali zavrnite.
