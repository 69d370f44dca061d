# The sharer's desktop app (assist-app). It also uses keys from session.ftl (live-*).

app-title = Assist: segítségkérés
app-connecting = Kapcsolódás…
app-helper-picture = Kép: { $helper }
app-consent-title = Engedélyezi?
app-consent-view = { $helper } szeretné látni a képernyőjét.
app-consent-control = { $helper } szeretné irányítani az egerét és a billentyűzetét.
app-sharing-title = Assist: megosztás
app-sharing-view = { $helper } látja a képernyőjét
app-sharing-control = { $helper } irányítja az egerét és a billentyűzetét
app-stop-control = Irányítás leállítása
app-control-stopped = Az irányítás leállt: a segítő csak látja a képernyőjét.
app-pause = Szünet
app-resume = Folytatás
app-paused = Szüneteltetve: semmi sem kerül elküldésre.
app-chat-open = Csevegés
app-chat-title = Assist: csevegés
app-chat-new = Új üzenet: { $helper }
app-session-over = A munkamenet véget ért.
app-error-unreachable = A kiszolgáló nem érhető el. Ellenőrizze a hálózatot, és próbálja újra.
app-error-not-set-up = Ez a számítógép még nincs beállítva távsegítségre. Forduljon az informatikai részleghez.
app-offer-heading = { $helper } segíteni szeretne ezen az eszközön
app-offer-help = Fogadja el, hogy csatlakozzon a távsegítségi munkamenethez. A képernyője megtekintése vagy vezérlése előtt így is engedélyt kér.
app-offer-accept = Elfogadás
app-offer-decline = Elutasítás
app-offer-declined = Elutasította. A segítőjét értesítettük.
app-offer-notification = Fogadja el a távsegítségi munkamenethez való csatlakozáshoz, vagy utasítsa el.
