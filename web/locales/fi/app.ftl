# The sharer's desktop app (assist-app). It also uses keys from session.ftl (live-*).

app-title = Assist: hae apua
app-connecting = Yhdistetään…
app-helper-picture = Kuva: { $helper }
app-consent-title = Sallitaanko?
app-consent-view = { $helper } pyytää nähdä näyttösi.
app-consent-control = { $helper } pyytää saada ohjata hiirtäsi ja näppäimistöäsi.
app-sharing-title = Assist: jakaminen
app-sharing-view = { $helper } näkee näyttösi
app-sharing-control = { $helper } ohjaa hiirtäsi ja näppäimistöäsi
app-stop-control = Lopeta ohjaus
app-control-stopped = Ohjaus lopetettu: auttaja näkee vain näyttösi.
app-pause = Tauko
app-resume = Jatka
app-paused = Tauolla: mitään ei lähetetä.
app-chat-open = Keskustelu
app-chat-title = Assist: keskustelu
app-chat-new = Uusi viesti: { $helper }
app-session-over = Istunto on päättynyt.
app-error-unreachable = Palvelimeen ei saada yhteyttä. Tarkista verkko ja yritä uudelleen.
app-error-not-set-up = Tätä tietokonetta ei ole vielä määritetty etätukea varten. Ota yhteyttä IT-osastoon.
app-offer-heading = { $helper } haluaa auttaa sinua tällä laitteella
app-offer-help = Hyväksy liittyäksesi etätukiistuntoon. Sinulta kysytään silti lupa ennen kuin näyttöäsi katsotaan tai ohjataan.
app-offer-accept = Hyväksy
app-offer-decline = Hylkää
app-offer-declined = Hylkäsit. Auttajallesi on kerrottu.
app-offer-notification = Hyväksy liittyäksesi etätukiistuntoon tai hylkää.
