# The sharer's desktop app (assist-app). It also uses keys from session.ftl (live-*).

app-title = Assist: pagalba
app-connecting = Jungiamasi…
app-helper-picture = Nuotrauka: { $helper }
app-consent-title = Leisti?
app-consent-view = { $helper } prašo matyti jūsų ekraną.
app-consent-control = { $helper } prašo valdyti jūsų pelę ir klaviatūrą.
app-sharing-title = Assist: bendrinimas
app-sharing-view = { $helper } mato jūsų ekraną
app-sharing-control = { $helper } valdo jūsų pelę ir klaviatūrą
app-stop-control = Nutraukti valdymą
app-control-stopped = Valdymas nutrauktas: pagalbininkas tik mato jūsų ekraną.
app-pause = Pristabdyti
app-resume = Tęsti
app-paused = Pristabdyta: niekas nesiunčiama.
app-chat-open = Pokalbis
app-chat-title = Assist: pokalbis
app-chat-new = Nauja žinutė: { $helper }
app-session-over = Seansas baigėsi.
app-error-unreachable = Serveris nepasiekiamas. Patikrinkite tinklą ir bandykite dar kartą.
app-error-not-set-up = Šis kompiuteris dar neparuoštas nuotolinei pagalbai. Kreipkitės į IT skyrių.
app-offer-heading = { $helper } nori jums padėti šiame įrenginyje
app-offer-help = Priimkite, kad prisijungtumėte prie nuotolinės pagalbos seanso. Prieš matydamas ar valdydamas jūsų ekraną, jis vis tiek paprašys leidimo.
app-offer-accept = Priimti
app-offer-decline = Atmesti
app-offer-declined = Atmetėte. Pagalbininkui pranešta.
app-offer-notification = Priimkite, kad prisijungtumėte prie nuotolinės pagalbos seanso, arba atmeskite.
