# The sharer's desktop app (assist-app). It also uses keys from session.ftl (live-*).

app-title = Assist: obter ajuda
app-connecting = Conectando…
app-helper-picture = Foto de { $helper }
app-consent-title = Permitir?
app-consent-view = { $helper } pede para ver sua tela.
app-consent-control = { $helper } pede para controlar seu mouse e teclado.
app-sharing-title = Assist: compartilhando
app-sharing-view = { $helper } vê sua tela
app-sharing-control = { $helper } controla seu mouse e teclado
app-stop-control = Parar o controle
app-control-stopped = Controle parado: quem ajuda só vê sua tela.
app-pause = Pausar
app-resume = Retomar
app-paused = Em pausa: nada é enviado.
app-chat-open = Chat
app-chat-title = Assist: chat
app-chat-new = Nova mensagem de { $helper }
app-session-over = A sessão terminou.
app-error-unreachable = O servidor está inacessível. Verifique a rede e tente novamente.
app-error-not-set-up = Este computador ainda não está configurado para ajuda remota. Fale com o departamento de TI.
app-offer-heading = { $helper } quer ajudar você neste dispositivo
app-offer-help = Aceite para entrar na sessão de ajuda remota. A permissão ainda será pedida antes de ver ou controlar a sua tela.
app-offer-accept = Aceitar
app-offer-decline = Recusar
app-offer-declined = Você recusou. Quem ajuda foi avisado.
app-offer-notification = Aceite para entrar na sessão de ajuda remota, ou recuse.
