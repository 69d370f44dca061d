# The sharer's desktop app (assist-app). It also uses keys from session.ftl (live-*).

app-title = Assist : obtenir de l’aide
app-connecting = Connexion…
app-helper-picture = Photo de { $helper }
app-consent-title = Autoriser ?
app-consent-view = { $helper } demande à voir votre écran.
app-consent-control = { $helper } demande à contrôler votre souris et votre clavier.
app-sharing-title = Assist : partage
app-sharing-view = { $helper } voit votre écran
app-sharing-control = { $helper } contrôle votre souris et votre clavier
app-stop-control = Arrêter le contrôle
app-control-stopped = Contrôle arrêté : votre assistant voit seulement votre écran.
app-pause = Pause
app-resume = Reprendre
app-paused = En pause : rien n’est envoyé.
app-chat-open = Discussion
app-chat-title = Assist : discussion
app-chat-new = Nouveau message de { $helper }
app-session-over = La session est terminée.
app-error-unreachable = Le serveur est injoignable. Vérifiez le réseau et réessayez.
app-error-not-set-up = Cet ordinateur n’est pas encore configuré pour l’aide à distance. Adressez-vous à votre service informatique.
app-offer-heading = { $helper } souhaite vous aider sur cet appareil
app-offer-help = Acceptez pour rejoindre sa session d’assistance à distance. Votre accord sera encore demandé avant de voir ou de contrôler votre écran.
app-offer-accept = Accepter
app-offer-decline = Refuser
app-offer-declined = Vous avez refusé. Votre assistant en a été informé.
app-offer-notification = Acceptez pour rejoindre sa session d’assistance à distance, ou refusez.
