# The sharer's desktop app (assist-app). It also uses keys from session.ftl (live-*).

app-title = Assist: get help
app-connecting = Connecting…
app-helper-picture = Picture of { $helper }
app-consent-title = Allow?
app-consent-view = { $helper } asks to see your screen.
app-consent-control = { $helper } asks to control your mouse and keyboard.
app-sharing-title = Assist: sharing
app-sharing-view = { $helper } sees your screen
app-sharing-control = { $helper } controls your mouse and keyboard
app-stop-control = Stop control
app-control-stopped = Control stopped: your helper only sees your screen.
app-pause = Pause
app-resume = Resume
app-paused = Paused: nothing is sent.
app-chat-open = Chat
app-chat-title = Assist: chat
app-chat-new = New message from { $helper }
app-session-over = The session is over.
app-error-unreachable = The server cannot be reached. Check the network and try again.
app-error-not-set-up = This computer is not set up for remote help yet. Ask your IT department.
app-offer-heading = { $helper } wants to help you on this device
app-offer-help = Accept to join their remote help session. They still ask before they see or control your screen.
app-offer-accept = Accept
app-offer-decline = Decline
app-offer-declined = You declined. Your helper has been told.
app-offer-notification = Accept to join their remote help session, or decline.
