# The sharer's desktop app (assist-app). It also uses keys from session.ftl (live-*).

app-title = Assist: obtener ayuda
app-connecting = Conectando…
app-helper-picture = Foto de { $helper }
app-consent-title = ¿Permitir?
app-consent-view = { $helper } pide ver tu pantalla.
app-consent-control = { $helper } pide controlar tu ratón y tu teclado.
app-sharing-title = Assist: compartiendo
app-sharing-view = { $helper } ve tu pantalla
app-sharing-control = { $helper } controla tu ratón y tu teclado
app-stop-control = Detener el control
app-control-stopped = Control detenido: tu asistente solo ve tu pantalla.
app-pause = Pausar
app-resume = Reanudar
app-paused = En pausa: no se envía nada.
app-chat-open = Chat
app-chat-title = Assist: chat
app-chat-new = Nuevo mensaje de { $helper }
app-session-over = La sesión ha terminado.
app-error-unreachable = No se puede acceder al servidor. Comprueba la red e inténtalo de nuevo.
app-error-not-set-up = Este equipo aún no está configurado para la ayuda remota. Pregunta a tu departamento de TI.
app-offer-heading = { $helper } quiere ayudarte en este dispositivo
app-offer-help = Acepta para unirte a su sesión de ayuda remota. Aun así te pedirá permiso antes de ver o controlar tu pantalla.
app-offer-accept = Aceptar
app-offer-decline = Rechazar
app-offer-declined = Has rechazado. Se ha avisado a quien te ayuda.
app-offer-notification = Acepta para unirte a su sesión de ayuda remota, o recházala.
