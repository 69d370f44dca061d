# The sharer's desktop app (assist-app). It also uses keys from session.ftl (live-*).

app-title = Assist: få hjälp
app-connecting = Ansluter…
app-helper-picture = Bild på { $helper }
app-consent-title = Tillåta?
app-consent-view = { $helper } ber att få se din skärm.
app-consent-control = { $helper } ber att få styra din mus och ditt tangentbord.
app-sharing-title = Assist: delar
app-sharing-view = { $helper } ser din skärm
app-sharing-control = { $helper } styr din mus och ditt tangentbord
app-stop-control = Sluta styra
app-control-stopped = Styrningen stoppad: din hjälpare ser bara din skärm.
app-pause = Pausa
app-resume = Fortsätt
app-paused = Pausad: inget skickas.
app-chat-open = Chatt
app-chat-title = Assist: chatt
app-chat-new = Nytt meddelande från { $helper }
app-session-over = Sessionen är slut.
app-error-unreachable = Servern kan inte nås. Kontrollera nätverket och försök igen.
app-error-not-set-up = Den här datorn är inte konfigurerad för fjärrhjälp än. Fråga IT-avdelningen.
app-offer-heading = { $helper } vill hjälpa dig på den här enheten
app-offer-help = Godkänn för att gå med i sessionen för fjärrhjälp. Du tillfrågas fortfarande innan din skärm visas eller styrs.
app-offer-accept = Godkänn
app-offer-decline = Avböj
app-offer-declined = Du avböjde. Din hjälpare har meddelats.
app-offer-notification = Godkänn för att gå med i sessionen för fjärrhjälp, eller avböj.
