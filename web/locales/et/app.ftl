# The sharer's desktop app (assist-app). It also uses keys from session.ftl (live-*).

app-title = Assist: abi saamine
app-connecting = Ühendamine…
app-helper-picture = Pilt: { $helper }
app-consent-title = Kas lubada?
app-consent-view = { $helper } soovib näha teie ekraani.
app-consent-control = { $helper } soovib juhtida teie hiirt ja klaviatuuri.
app-sharing-title = Assist: jagamine
app-sharing-view = { $helper } näeb teie ekraani
app-sharing-control = { $helper } juhib teie hiirt ja klaviatuuri
app-stop-control = Lõpeta juhtimine
app-control-stopped = Juhtimine lõpetatud: abistaja näeb ainult teie ekraani.
app-pause = Paus
app-resume = Jätka
app-paused = Peatatud: midagi ei saadeta.
app-chat-open = Vestlus
app-chat-title = Assist: vestlus
app-chat-new = Uus sõnum: { $helper }
app-session-over = Seanss on lõppenud.
app-error-unreachable = Serveriga ei saa ühendust. Kontrollige võrku ja proovige uuesti.
app-error-not-set-up = See arvuti pole veel kaugabi jaoks seadistatud. Pöörduge IT-osakonna poole.
app-offer-heading = { $helper } soovib sind selles seadmes aidata
app-offer-help = Nõustu, et liituda kaugabi seansiga. Enne sinu ekraani nägemist või juhtimist küsitakse siiski luba.
app-offer-accept = Nõustu
app-offer-decline = Keeldu
app-offer-declined = Sa keeldusid. Abistajale on teada antud.
app-offer-notification = Nõustu, et liituda kaugabi seansiga, või keeldu.
