# The sharer's desktop app (assist-app). It also uses keys from session.ftl (live-*).

app-title = Assist: pomoć
app-connecting = Povezivanje…
app-helper-picture = Slika: { $helper }
app-consent-title = Dopustiti?
app-consent-view = { $helper } traži da vidi vaš zaslon.
app-consent-control = { $helper } traži upravljanje vašim mišem i tipkovnicom.
app-sharing-title = Assist: dijeljenje
app-sharing-view = { $helper } vidi vaš zaslon
app-sharing-control = { $helper } upravlja vašim mišem i tipkovnicom
app-stop-control = Zaustavi upravljanje
app-control-stopped = Upravljanje zaustavljeno: pomagač samo vidi vaš zaslon.
app-pause = Pauza
app-resume = Nastavi
app-paused = Pauzirano: ništa se ne šalje.
app-chat-open = Razgovor
app-chat-title = Assist: razgovor
app-chat-new = Nova poruka: { $helper }
app-session-over = Sesija je završena.
app-error-unreachable = Poslužitelj nije dostupan. Provjerite mrežu i pokušajte ponovno.
app-error-not-set-up = Ovo računalo još nije postavljeno za udaljenu pomoć. Obratite se IT odjelu.
app-offer-heading = { $helper } vam želi pomoći na ovom uređaju
app-offer-help = Prihvatite za pridruživanje sesiji pomoći na daljinu. I dalje će se tražiti vaše dopuštenje prije gledanja ili upravljanja zaslonom.
app-offer-accept = Prihvati
app-offer-decline = Odbij
app-offer-declined = Odbili ste. Pomagač je obaviješten.
app-offer-notification = Prihvatite za pridruživanje sesiji pomoći na daljinu ili odbijte.
