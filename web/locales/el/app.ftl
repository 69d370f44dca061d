# The sharer's desktop app (assist-app). It also uses keys from session.ftl (live-*).

app-title = Assist: λήψη βοήθειας
app-connecting = Σύνδεση…
app-helper-picture = Φωτογραφία: { $helper }
app-consent-title = Να επιτραπεί;
app-consent-view = Ο/Η { $helper } ζητά να βλέπει την οθόνη σας.
app-consent-control = Ο/Η { $helper } ζητά να ελέγχει το ποντίκι και το πληκτρολόγιό σας.
app-sharing-title = Assist: κοινή χρήση
app-sharing-view = Ο/Η { $helper } βλέπει την οθόνη σας
app-sharing-control = Ο/Η { $helper } ελέγχει το ποντίκι και το πληκτρολόγιό σας
app-stop-control = Διακοπή ελέγχου
app-control-stopped = Ο έλεγχος διακόπηκε: ο βοηθός σας βλέπει μόνο την οθόνη σας.
app-pause = Παύση
app-resume = Συνέχεια
app-paused = Σε παύση: δεν αποστέλλεται τίποτα.
app-chat-open = Συνομιλία
app-chat-title = Assist: συνομιλία
app-chat-new = Νέο μήνυμα από: { $helper }
app-session-over = Η συνεδρία τελείωσε.
app-error-unreachable = Ο διακομιστής δεν είναι προσβάσιμος. Ελέγξτε το δίκτυο και δοκιμάστε ξανά.
app-error-not-set-up = Αυτός ο υπολογιστής δεν έχει ρυθμιστεί ακόμη για απομακρυσμένη βοήθεια. Ρωτήστε το τμήμα πληροφορικής.
app-offer-heading = Ο/Η { $helper } θέλει να σας βοηθήσει σε αυτή τη συσκευή
app-offer-help = Αποδεχτείτε για να συμμετάσχετε στη συνεδρία απομακρυσμένης βοήθειας. Θα σας ζητηθεί άδεια πριν δει ή ελέγξει την οθόνη σας.
app-offer-accept = Αποδοχή
app-offer-decline = Απόρριψη
app-offer-declined = Απορρίψατε. Ο βοηθός σας ενημερώθηκε.
app-offer-notification = Αποδεχτείτε για να συμμετάσχετε στη συνεδρία απομακρυσμένης βοήθειας ή απορρίψτε.
