# The sharer's desktop app (assist-app). It also uses keys from session.ftl (live-*).

app-title = Assist: obțineți ajutor
app-connecting = Se conectează…
app-helper-picture = Fotografia: { $helper }
app-consent-title = Permiteți?
app-consent-view = { $helper } cere să vă vadă ecranul.
app-consent-control = { $helper } cere să vă controleze mouse-ul și tastatura.
app-sharing-title = Assist: partajare
app-sharing-view = { $helper } vă vede ecranul
app-sharing-control = { $helper } vă controlează mouse-ul și tastatura
app-stop-control = Opriți controlul
app-control-stopped = Control oprit: cel care vă ajută doar vă vede ecranul.
app-pause = Pauză
app-resume = Reluați
app-paused = În pauză: nu se trimite nimic.
app-chat-open = Chat
app-chat-title = Assist: chat
app-chat-new = Mesaj nou de la { $helper }
app-session-over = Sesiunea s-a încheiat.
app-error-unreachable = Serverul nu poate fi accesat. Verificați rețeaua și încercați din nou.
app-error-not-set-up = Acest computer nu este încă configurat pentru asistență la distanță. Întrebați departamentul IT.
app-offer-heading = { $helper } vrea să vă ajute pe acest dispozitiv
app-offer-help = Acceptați pentru a intra în sesiunea de asistență la distanță. Vi se va cere totuși permisiunea înainte de a vă vedea sau controla ecranul.
app-offer-accept = Acceptă
app-offer-decline = Refuză
app-offer-declined = Ați refuzat. Persoana care vă ajută a fost anunțată.
app-offer-notification = Acceptați pentru a intra în sesiunea de asistență la distanță sau refuzați.
