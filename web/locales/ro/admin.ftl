# Centrul de administrare.

admin-nav = Zone de administrare
admin-users = Utilizatori
admin-users-detail = Utilizator
admin-groups = Grupuri
admin-groups-detail = Grup
admin-roles = Roluri și atribuiri
admin-settings = Setările organizației
admin-domains = Domenii verificate
admin-compliance = Politici de conformitate
admin-conditional-access = Acces condiționat
admin-enrollment = Tokenuri de înscriere
admin-devices = Dispozitive
admin-devices-detail = Dispozitiv
admin-reports = Rapoarte de sesiuni
admin-audit = Jurnal de audit

col-name = Nume
col-email = E-mail
col-job-title = Funcție
col-company = Companie
col-status = Stare
col-created = Creat
col-description = Descriere
col-members = Membri
col-permissions = Permisiuni
col-role = Rol
col-assignee = Atribuit către
col-scope = Domeniu de aplicare
col-domain = Domeniu
col-state = Stare
col-grant = Acordare
col-expires = Expiră
col-uses = Utilizări
col-os = Sistem de operare
col-compliance = Conformitate
col-last-check-in = Ultima sincronizare
col-primary-user = Utilizator principal
col-helper = Asistent
col-sharer = Persoană asistată
col-device = Dispozitiv
col-started = Început
col-ended = Încheiat
col-duration = Durată
col-mode = Mod
col-outcome = Rezultat
col-time = Ora
col-actor = Autor
col-action = Acțiune
col-target = Țintă
col-address = Adresă

user-new = Utilizator nou
user-password = Parolă
user-password-help = Cel puțin { $min } caractere. Lăsați gol pentru a folosi doar autentificarea unică (SSO).
user-full-name = Nume complet
user-active = Activ
user-disabled = Dezactivat
user-disable = Dezactivează
user-enable = Activează
user-profile = Profil
user-picture = Fotografie de profil
user-picture-upload = Încarcă o fotografie
user-picture-help = PNG, JPEG sau WebP, cel mult 256 KB.
user-created = Utilizatorul { $name } a fost creat.
user-reset-second-factor = Resetează al doilea factor

group-new = Grup nou
group-members = Membri
group-add-member = Adaugă un membru
group-member-email = E-mailul membrului

role-new = Rol nou
role-assign = Atribuie un rol
role-user-email = E-mailul utilizatorului
role-group = Sau un grup
role-scope-all = Întreaga organizație
role-scope-groups = Grupuri de domeniu de aplicare
role-scope-groups-help = Asistenții pot ajuta doar membrii acestor grupuri.
role-builtin = Predefinit
role-assignments = Atribuiri

settings-remote-help = Asistență la distanță activată
settings-unenrolled = Permite sesiuni cu dispozitive neînscrise
settings-chat-disabled = Dezactivează chatul
settings-max-minutes = Durata maximă a sesiunii (minute)

domain-add = Adaugă un domeniu
domain-name = Nume de domeniu

compliance-new = Politică de conformitate nouă
compliance-all-devices = Toate dispozitivele
compliance-disk-encryption = Solicită criptarea discului
compliance-firewall = Solicită un firewall
compliance-screen-lock = Solicită blocarea ecranului
compliance-enabled = Activată

ca-new = Politică nouă de acces condiționat
ca-all-users = Toți utilizatorii
ca-require-second-factor = Solicită un al doilea factor
ca-addresses = Adrese client (CIDR, câte una pe linie)
ca-state-enabled = Activată
ca-state-disabled = Dezactivată
ca-state-report-only = Doar raportare
ca-grant-allow = Permite
ca-grant-second-factor = Solicită al doilea factor
ca-grant-block = Blochează

enrollment-new = Token de înscriere nou
enrollment-hours = Valabil (ore)
enrollment-max-uses = Număr maxim de utilizări
enrollment-created = Copiați acum acest token: este afișat o singură dată.
enrollment-revoke = Revocă
enrollment-revoked = Revocat

device-filter-compliance = Conformitate
device-filter-os = Sistem de operare
device-filter-search = Căutare
device-any = Oricare
device-compliant = Conform
device-not-compliant = Neconform
device-not-evaluated = Neevaluat
device-facts = Date
device-reasons = Motive de conformitate
device-recent-sessions = Sesiuni recente
device-new-session = Sesiune nouă de asistență la distanță
device-agent-version = Versiunea agentului
device-enrolled = Înscris
device-retired = Retras

reports-from = De la
reports-to = Până la
reports-csv = Descarcă CSV
audit-action-filter = Acțiune
