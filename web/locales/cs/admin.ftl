# Centrum správy.

admin-nav = Oblasti správy
admin-users = Uživatelé
admin-users-detail = Uživatel
admin-groups = Skupiny
admin-groups-detail = Skupina
admin-roles = Role a přiřazení
admin-settings = Nastavení tenanta
admin-domains = Ověřené domény
admin-compliance = Zásady dodržování předpisů
admin-conditional-access = Podmíněný přístup
admin-enrollment = Registrační tokeny
admin-devices = Zařízení
admin-devices-detail = Zařízení
admin-reports = Sestavy relací
admin-audit = Protokol auditu

col-name = Název
col-email = E-mail
col-job-title = Pracovní pozice
col-company = Společnost
col-status = Stav
col-created = Vytvořeno
col-description = Popis
col-members = Členové
col-permissions = Oprávnění
col-role = Role
col-assignee = Přiřazeno komu
col-scope = Rozsah
col-domain = Doména
col-state = Stav
col-grant = Udělení
col-expires = Platnost do
col-uses = Použití
col-os = Operační systém
col-compliance = Dodržování předpisů
col-last-check-in = Poslední kontakt
col-primary-user = Primární uživatel
col-helper = Pomocník
col-sharer = Sdílející
col-device = Zařízení
col-started = Zahájeno
col-ended = Ukončeno
col-duration = Doba trvání
col-mode = Režim
col-outcome = Výsledek
col-time = Čas
col-actor = Provedl
col-action = Akce
col-target = Cíl
col-address = Adresa

user-new = Nový uživatel
user-password = Heslo
user-password-help = Nejméně { $min } znaků. Pokud se bude používat jen jednotné přihlašování, nechte prázdné.
user-full-name = Celé jméno
user-active = Aktivní
user-disabled = Zakázaný
user-disable = Zakázat
user-enable = Povolit
user-profile = Profil
user-picture = Profilový obrázek
user-picture-upload = Nahrát obrázek
user-picture-help = PNG, JPEG nebo WebP, nejvýše 256 KB.
user-created = Uživatel { $name } byl vytvořen.
user-reset-second-factor = Resetovat druhý faktor

group-new = Nová skupina
group-members = Členové
group-add-member = Přidat člena
group-member-email = E-mail člena

role-new = Nová role
role-assign = Přiřadit roli
role-user-email = E-mail uživatele
role-group = Nebo skupina
role-scope-all = Celý tenant
role-scope-groups = Skupiny rozsahu
role-scope-groups-help = Pomocníci mohou pomáhat jen členům těchto skupin.
role-builtin = Předdefinovaná
role-assignments = Přiřazení

settings-remote-help = Vzdálená pomoc zapnuta
settings-unenrolled = Povolit relace s neregistrovanými zařízeními
settings-chat-disabled = Vypnout chat
settings-max-minutes = Maximální délka relace (minuty)

domain-add = Přidat doménu
domain-name = Název domény

compliance-new = Nové zásady dodržování předpisů
compliance-all-devices = Všechna zařízení
compliance-disk-encryption = Vyžadovat šifrování disku
compliance-firewall = Vyžadovat bránu firewall
compliance-screen-lock = Vyžadovat zámek obrazovky
compliance-enabled = Zapnuto

ca-new = Nové zásady podmíněného přístupu
ca-all-users = Všichni uživatelé
ca-require-second-factor = Vyžadovat druhý faktor
ca-addresses = Adresy klientů (CIDR, jedna na řádek)
ca-state-enabled = Zapnuto
ca-state-disabled = Vypnuto
ca-state-report-only = Jen sestava
ca-grant-allow = Povolit
ca-grant-second-factor = Vyžadovat druhý faktor
ca-grant-block = Blokovat

enrollment-new = Nový registrační token
enrollment-hours = Platnost (hodiny)
enrollment-max-uses = Maximální počet použití
enrollment-created = Zkopírujte si tento token hned: zobrazí se jen jednou.
enrollment-revoke = Odvolat
enrollment-revoked = Odvoláno

device-filter-compliance = Dodržování předpisů
device-filter-os = Operační systém
device-filter-search = Hledat
device-any = Libovolné
device-compliant = Vyhovující
device-not-compliant = Nevyhovující
device-not-evaluated = Nevyhodnoceno
device-facts = Údaje o zařízení
device-reasons = Důvody stavu dodržování předpisů
device-recent-sessions = Nedávné relace
device-new-session = Nová relace vzdálené pomoci
device-agent-version = Verze agenta
device-enrolled = Registrováno
device-retired = Vyřazeno

reports-from = Od
reports-to = Do
reports-csv = Stáhnout CSV
audit-action-filter = Akce
