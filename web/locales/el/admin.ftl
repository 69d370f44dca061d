# Το κέντρο διαχείρισης.

admin-nav = Ενότητες διαχείρισης
admin-users = Χρήστες
admin-users-detail = Χρήστης
admin-groups = Ομάδες
admin-groups-detail = Ομάδα
admin-roles = Ρόλοι και αναθέσεις
admin-settings = Ρυθμίσεις μισθωτή
admin-domains = Επαληθευμένοι τομείς
admin-compliance = Πολιτικές συμμόρφωσης
admin-conditional-access = Πρόσβαση υπό όρους
admin-enrollment = Διακριτικά εγγραφής
admin-devices = Συσκευές
admin-devices-detail = Συσκευή
admin-reports = Αναφορές συνεδριών
admin-audit = Αρχείο καταγραφής ελέγχου

col-name = Όνομα
col-email = Email
col-job-title = Θέση εργασίας
col-company = Εταιρεία
col-status = Κατάσταση
col-created = Δημιουργία
col-description = Περιγραφή
col-members = Μέλη
col-permissions = Δικαιώματα
col-role = Ρόλος
col-assignee = Ανατέθηκε σε
col-scope = Εύρος
col-domain = Τομέας
col-state = Κατάσταση
col-grant = Παραχώρηση
col-expires = Λήξη
col-uses = Χρήσεις
col-os = Λειτουργικό σύστημα
col-compliance = Συμμόρφωση
col-last-check-in = Τελευταία επικοινωνία
col-primary-user = Κύριος χρήστης
col-helper = Βοηθός
col-sharer = Βοηθούμενος
col-device = Συσκευή
col-started = Έναρξη
col-ended = Λήξη
col-duration = Διάρκεια
col-mode = Λειτουργία
col-outcome = Αποτέλεσμα
col-time = Ώρα
col-actor = Εκτελών
col-action = Ενέργεια
col-target = Στόχος
col-address = Διεύθυνση

user-new = Νέος χρήστης
user-password = Κωδικός πρόσβασης
user-password-help = Τουλάχιστον { $min } χαρακτήρες. Αφήστε το κενό μόνο για καθολική σύνδεση (SSO).
user-full-name = Ονοματεπώνυμο
user-active = Ενεργός
user-disabled = Απενεργοποιημένος
user-disable = Απενεργοποίηση
user-enable = Ενεργοποίηση
user-profile = Προφίλ
user-picture = Εικόνα προφίλ
user-picture-upload = Αποστολή εικόνας
user-picture-help = PNG, JPEG ή WebP, έως 256 KB.
user-created = Ο χρήστης { $name } δημιουργήθηκε.
user-reset-second-factor = Επαναφορά δεύτερου παράγοντα

group-new = Νέα ομάδα
group-members = Μέλη
group-add-member = Προσθήκη μέλους
group-member-email = Email μέλους

role-new = Νέος ρόλος
role-assign = Ανάθεση ρόλου
role-user-email = Email χρήστη
role-group = Ή μια ομάδα
role-scope-all = Ολόκληρος ο μισθωτής
role-scope-groups = Ομάδες εύρους
role-scope-groups-help = Οι βοηθοί μπορούν να βοηθούν μόνο μέλη αυτών των ομάδων.
role-builtin = Ενσωματωμένος
role-assignments = Αναθέσεις

settings-remote-help = Η απομακρυσμένη βοήθεια είναι ενεργή
settings-unenrolled = Να επιτρέπονται συνεδρίες με μη εγγεγραμμένες συσκευές
settings-chat-disabled = Απενεργοποίηση συνομιλίας
settings-max-minutes = Μέγιστη διάρκεια συνεδρίας (λεπτά)

domain-add = Προσθήκη τομέα
domain-name = Όνομα τομέα

compliance-new = Νέα πολιτική συμμόρφωσης
compliance-all-devices = Όλες οι συσκευές
compliance-disk-encryption = Απαίτηση κρυπτογράφησης δίσκου
compliance-firewall = Απαίτηση τείχους προστασίας
compliance-screen-lock = Απαίτηση κλειδώματος οθόνης
compliance-enabled = Ενεργή

ca-new = Νέα πολιτική πρόσβασης υπό όρους
ca-all-users = Όλοι οι χρήστες
ca-require-second-factor = Απαίτηση δεύτερου παράγοντα
ca-addresses = Διευθύνσεις προγραμμάτων-πελατών (CIDR, μία ανά γραμμή)
ca-state-enabled = Ενεργή
ca-state-disabled = Ανενεργή
ca-state-report-only = Μόνο αναφορά
ca-grant-allow = Να επιτρέπεται
ca-grant-second-factor = Απαίτηση δεύτερου παράγοντα
ca-grant-block = Αποκλεισμός

enrollment-new = Νέο διακριτικό εγγραφής
enrollment-hours = Ισχύει για (ώρες)
enrollment-max-uses = Μέγιστος αριθμός χρήσεων
enrollment-created = Αντιγράψτε τώρα αυτό το διακριτικό: εμφανίζεται μόνο μία φορά.
enrollment-revoke = Ανάκληση
enrollment-revoked = Ανακλήθηκε

device-filter-compliance = Συμμόρφωση
device-filter-os = Λειτουργικό σύστημα
device-filter-search = Αναζήτηση
device-any = Όλες
device-compliant = Συμμορφώνεται
device-not-compliant = Δεν συμμορφώνεται
device-not-evaluated = Δεν έχει αξιολογηθεί
device-facts = Στοιχεία συσκευής
device-reasons = Αιτίες συμμόρφωσης
device-recent-sessions = Πρόσφατες συνεδρίες
device-new-session = Νέα συνεδρία απομακρυσμένης βοήθειας
device-agent-version = Έκδοση πράκτορα
device-enrolled = Εγγραφή
device-retired = Απόσυρση

reports-from = Από
reports-to = Έως
reports-csv = Λήψη CSV
audit-action-filter = Ενέργεια
