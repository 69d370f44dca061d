# A felügyeleti központ.

admin-nav = Felügyeleti területek
admin-users = Felhasználók
admin-users-detail = Felhasználó
admin-groups = Csoportok
admin-groups-detail = Csoport
admin-roles = Szerepkörök és hozzárendelések
admin-settings = Bérlői beállítások
admin-domains = Ellenőrzött tartományok
admin-compliance = Megfelelőségi szabályzatok
admin-conditional-access = Feltételes hozzáférés
admin-enrollment = Regisztrációs tokenek
admin-devices = Eszközök
admin-devices-detail = Eszköz
admin-reports = Munkamenet-jelentések
admin-audit = Naplózás

col-name = Név
col-email = E-mail
col-job-title = Beosztás
col-company = Cég
col-status = Állapot
col-created = Létrehozva
col-description = Leírás
col-members = Tagok
col-permissions = Engedélyek
col-role = Szerepkör
col-assignee = Hozzárendelve
col-scope = Hatókör
col-domain = Tartomány
col-state = Állapot
col-grant = Engedélyezés
col-expires = Lejárat
col-uses = Felhasználások
col-os = Operációs rendszer
col-compliance = Megfelelőség
col-last-check-in = Utolsó jelentkezés
col-primary-user = Elsődleges felhasználó
col-helper = Segítő
col-sharer = Megosztó
col-device = Eszköz
col-started = Kezdés
col-ended = Befejezés
col-duration = Időtartam
col-mode = Mód
col-outcome = Eredmény
col-time = Időpont
col-actor = Végrehajtó
col-action = Művelet
col-target = Cél
col-address = Cím

user-new = Új felhasználó
user-password = Jelszó
user-password-help = Legalább { $min } karakter. Hagyja üresen, ha csak egyszeri bejelentkezést (SSO) használ.
user-full-name = Teljes név
user-active = Aktív
user-disabled = Letiltva
user-disable = Letiltás
user-enable = Engedélyezés
user-profile = Profil
user-picture = Profilkép
user-picture-upload = Kép feltöltése
user-picture-help = PNG, JPEG vagy WebP, legfeljebb 256 KB.
user-created = { $name } felhasználó létrehozva.
user-reset-second-factor = Második tényező alaphelyzetbe állítása

group-new = Új csoport
group-members = Tagok
group-add-member = Tag hozzáadása
group-member-email = A tag e-mail-címe

role-new = Új szerepkör
role-assign = Szerepkör hozzárendelése
role-user-email = A felhasználó e-mail-címe
role-group = Vagy egy csoport
role-scope-all = A teljes bérlő
role-scope-groups = Hatókörcsoportok
role-scope-groups-help = A segítők csak ezeknek a csoportoknak a tagjain segíthetnek.
role-builtin = Beépített
role-assignments = Hozzárendelések

settings-remote-help = Távsegítség engedélyezve
settings-unenrolled = Munkamenetek engedélyezése nem regisztrált eszközökkel
settings-chat-disabled = Csevegés kikapcsolása
settings-max-minutes = Munkamenet maximális hossza (perc)

domain-add = Tartomány hozzáadása
domain-name = Tartománynév

compliance-new = Új megfelelőségi szabályzat
compliance-all-devices = Minden eszköz
compliance-disk-encryption = Lemeztitkosítás megkövetelése
compliance-firewall = Tűzfal megkövetelése
compliance-screen-lock = Képernyőzár megkövetelése
compliance-enabled = Engedélyezve

ca-new = Új feltételes hozzáférési szabályzat
ca-all-users = Minden felhasználó
ca-require-second-factor = Második tényező megkövetelése
ca-addresses = Ügyfélcímek (CIDR, soronként egy)
ca-state-enabled = Engedélyezve
ca-state-disabled = Letiltva
ca-state-report-only = Csak jelentés
ca-grant-allow = Engedélyezés
ca-grant-second-factor = Második tényező megkövetelése
ca-grant-block = Letiltás

enrollment-new = Új regisztrációs token
enrollment-hours = Érvényesség (óra)
enrollment-max-uses = Felhasználások maximális száma
enrollment-created = Másolja ki most ezt a tokent: csak egyszer jelenik meg.
enrollment-revoke = Visszavonás
enrollment-revoked = Visszavonva

device-filter-compliance = Megfelelőség
device-filter-os = Operációs rendszer
device-filter-search = Keresés
device-any = Bármelyik
device-compliant = Megfelelő
device-not-compliant = Nem megfelelő
device-not-evaluated = Nincs kiértékelve
device-facts = Eszközadatok
device-reasons = Megfelelőségi okok
device-recent-sessions = Legutóbbi munkamenetek
device-new-session = Új távsegítségi munkamenet
device-agent-version = Ügynök verziója
device-enrolled = Regisztrálva
device-retired = Kivonva

reports-from = Kezdete
reports-to = Vége
reports-csv = CSV letöltése
audit-action-filter = Művelet
