# The sharer's desktop app (assist-app). It also uses keys from session.ftl (live-*).

app-title = Assist: palīdzība
app-connecting = Savienojas…
app-helper-picture = Attēls: { $helper }
app-consent-title = Atļaut?
app-consent-view = { $helper } lūdz redzēt jūsu ekrānu.
app-consent-control = { $helper } lūdz vadīt jūsu peli un tastatūru.
app-sharing-title = Assist: kopīgošana
app-sharing-view = { $helper } redz jūsu ekrānu
app-sharing-control = { $helper } vada jūsu peli un tastatūru
app-stop-control = Pārtraukt vadību
app-control-stopped = Vadība pārtraukta: palīgs tikai redz jūsu ekrānu.
app-pause = Pauze
app-resume = Turpināt
app-paused = Pauzēts: nekas netiek sūtīts.
app-chat-open = Tērzēšana
app-chat-title = Assist: tērzēšana
app-chat-new = Jauna ziņa: { $helper }
app-session-over = Sesija ir beigusies.
app-error-unreachable = Serveris nav sasniedzams. Pārbaudiet tīklu un mēģiniet vēlreiz.
app-error-not-set-up = Šis dators vēl nav iestatīts attālajai palīdzībai. Sazinieties ar IT nodaļu.
app-offer-heading = { $helper } vēlas jums palīdzēt šajā ierīcē
app-offer-help = Pieņemiet, lai pievienotos attālinātās palīdzības sesijai. Pirms ekrāna skatīšanas vai vadīšanas joprojām tiks lūgta atļauja.
app-offer-accept = Pieņemt
app-offer-decline = Noraidīt
app-offer-declined = Jūs noraidījāt. Palīgam ir paziņots.
app-offer-notification = Pieņemiet, lai pievienotos attālinātās palīdzības sesijai, vai noraidiet.
