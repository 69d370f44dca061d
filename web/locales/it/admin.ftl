# Il centro di amministrazione.

admin-nav = Aree di amministrazione
admin-users = Utenti
admin-users-detail = Utente
admin-groups = Gruppi
admin-groups-detail = Gruppo
admin-roles = Ruoli e assegnazioni
admin-settings = Impostazioni del tenant
admin-domains = Domini verificati
admin-compliance = Criteri di conformità
admin-conditional-access = Accesso condizionale
admin-enrollment = Token di registrazione
admin-devices = Dispositivi
admin-devices-detail = Dispositivo
admin-reports = Report delle sessioni
admin-audit = Log di controllo

col-name = Nome
col-email = E-mail
col-job-title = Qualifica
col-company = Azienda
col-status = Stato
col-created = Creato il
col-description = Descrizione
col-members = Membri
col-permissions = Autorizzazioni
col-role = Ruolo
col-assignee = Assegnato a
col-scope = Ambito
col-domain = Dominio
col-state = Stato
col-grant = Concessione
col-expires = Scadenza
col-uses = Utilizzi
col-os = Sistema operativo
col-compliance = Conformità
col-last-check-in = Ultimo check-in
col-primary-user = Utente primario
col-helper = Assistente
col-sharer = Persona assistita
col-device = Dispositivo
col-started = Inizio
col-ended = Fine
col-duration = Durata
col-mode = Modalità
col-outcome = Esito
col-time = Ora
col-actor = Autore
col-action = Azione
col-target = Destinazione
col-address = Indirizzo

user-new = Nuovo utente
user-password = Password
user-password-help = Almeno { $min } caratteri. Lascia vuoto per usare solo l’accesso Single Sign-On.
user-full-name = Nome completo
user-active = Attivo
user-disabled = Disattivato
user-disable = Disattiva
user-enable = Attiva
user-profile = Profilo
user-picture = Immagine del profilo
user-picture-upload = Carica immagine
user-picture-help = PNG, JPEG o WebP, al massimo 256 KB.
user-created = Utente { $name } creato.
user-reset-second-factor = Reimposta il secondo fattore

group-new = Nuovo gruppo
group-members = Membri
group-add-member = Aggiungi membro
group-member-email = E-mail del membro

role-new = Nuovo ruolo
role-assign = Assegna un ruolo
role-user-email = E-mail dell’utente
role-group = Oppure un gruppo
role-scope-all = L’intero tenant
role-scope-groups = Gruppi di ambito
role-scope-groups-help = Gli assistenti possono aiutare solo i membri di questi gruppi.
role-builtin = Predefinito
role-assignments = Assegnazioni

settings-remote-help = Assistenza remota attivata
settings-unenrolled = Consenti sessioni con dispositivi non registrati
settings-chat-disabled = Disattiva la chat
settings-max-minutes = Durata massima della sessione (minuti)

domain-add = Aggiungi dominio
domain-name = Nome di dominio

compliance-new = Nuovo criterio di conformità
compliance-all-devices = Tutti i dispositivi
compliance-disk-encryption = Richiedi la crittografia del disco
compliance-firewall = Richiedi un firewall
compliance-screen-lock = Richiedi il blocco dello schermo
compliance-enabled = Attivato

ca-new = Nuovo criterio di accesso condizionale
ca-all-users = Tutti gli utenti
ca-require-second-factor = Richiedi un secondo fattore
ca-addresses = Indirizzi client (CIDR, uno per riga)
ca-state-enabled = Attivato
ca-state-disabled = Disattivato
ca-state-report-only = Solo report
ca-grant-allow = Consenti
ca-grant-second-factor = Richiedi secondo fattore
ca-grant-block = Blocca

enrollment-new = Nuovo token di registrazione
enrollment-hours = Valido per (ore)
enrollment-max-uses = Utilizzi massimi
enrollment-created = Copia subito questo token: viene mostrato una sola volta.
enrollment-revoke = Revoca
enrollment-revoked = Revocato

device-filter-compliance = Conformità
device-filter-os = Sistema operativo
device-filter-search = Cerca
device-any = Qualsiasi
device-compliant = Conforme
device-not-compliant = Non conforme
device-not-evaluated = Non valutato
device-facts = Dati del dispositivo
device-reasons = Motivi di conformità
device-recent-sessions = Sessioni recenti
device-new-session = Nuova sessione di assistenza remota
device-agent-version = Versione dell’agente
device-enrolled = Registrato il
device-retired = Dismesso il

reports-from = Dal
reports-to = Al
reports-csv = Scarica CSV
audit-action-filter = Azione
