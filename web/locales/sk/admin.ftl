# Centrum správy.

admin-nav = Oblasti správy
admin-users = Používatelia
admin-users-detail = Používateľ
admin-groups = Skupiny
admin-groups-detail = Skupina
admin-roles = Roly a priradenia
admin-settings = Nastavenia organizácie
admin-domains = Overené domény
admin-compliance = Politiky dodržiavania súladu
admin-conditional-access = Podmienený prístup
admin-enrollment = Registračné tokeny
admin-devices = Zariadenia
admin-devices-detail = Zariadenie
admin-reports = Správy o reláciách
admin-audit = Denník auditu

col-name = Názov
col-email = E-mail
col-job-title = Pracovná pozícia
col-company = Spoločnosť
col-status = Stav
col-created = Vytvorené
col-description = Popis
col-members = Členovia
col-permissions = Povolenia
col-role = Rola
col-assignee = Priradené komu
col-scope = Rozsah
col-domain = Doména
col-state = Stav
col-grant = Udelenie
col-expires = Platnosť do
col-uses = Použitia
col-os = Operačný systém
col-compliance = Súlad
col-last-check-in = Posledné pripojenie
col-primary-user = Primárny používateľ
col-helper = Pomocník
col-sharer = Zdieľajúci
col-device = Zariadenie
col-started = Začiatok
col-ended = Koniec
col-duration = Trvanie
col-mode = Režim
col-outcome = Výsledok
col-time = Čas
col-actor = Vykonal
col-action = Akcia
col-target = Cieľ
col-address = Adresa

user-new = Nový používateľ
user-password = Heslo
user-password-help = Aspoň { $min } znakov. Ak sa má používať iba jednotné prihlasovanie (SSO), nechajte prázdne.
user-full-name = Celé meno
user-active = Aktívny
user-disabled = Zakázaný
user-disable = Zakázať
user-enable = Povoliť
user-profile = Profil
user-picture = Profilová fotka
user-picture-upload = Nahrať fotku
user-picture-help = PNG, JPEG alebo WebP, najviac 256 kB.
user-created = Používateľ { $name } bol vytvorený.
user-reset-second-factor = Obnoviť druhý faktor

group-new = Nová skupina
group-members = Členovia
group-add-member = Pridať člena
group-member-email = E-mail člena

role-new = Nová rola
role-assign = Priradiť rolu
role-user-email = E-mail používateľa
role-group = Alebo skupina
role-scope-all = Celá organizácia
role-scope-groups = Skupiny rozsahu
role-scope-groups-help = Pomocníci môžu pomáhať iba členom týchto skupín.
role-builtin = Vstavaná
role-assignments = Priradenia

settings-remote-help = Vzdialená pomoc je zapnutá
settings-unenrolled = Povoliť relácie s nezaregistrovanými zariadeniami
settings-chat-disabled = Vypnúť chat
settings-max-minutes = Maximálna dĺžka relácie (minúty)

domain-add = Pridať doménu
domain-name = Názov domény

compliance-new = Nová politika dodržiavania súladu
compliance-all-devices = Všetky zariadenia
compliance-disk-encryption = Vyžadovať šifrovanie disku
compliance-firewall = Vyžadovať bránu firewall
compliance-screen-lock = Vyžadovať zámku obrazovky
compliance-enabled = Zapnutá

ca-new = Nová politika podmieneného prístupu
ca-all-users = Všetci používatelia
ca-require-second-factor = Vyžadovať druhý faktor
ca-addresses = Adresy klientov (CIDR, jedna na riadok)
ca-state-enabled = Zapnutá
ca-state-disabled = Vypnutá
ca-state-report-only = Iba hlásenie
ca-grant-allow = Povoliť
ca-grant-second-factor = Vyžadovať druhý faktor
ca-grant-block = Blokovať

enrollment-new = Nový registračný token
enrollment-hours = Platnosť (hodiny)
enrollment-max-uses = Maximálny počet použití
enrollment-created = Skopírujte tento token hneď: zobrazí sa iba raz.
enrollment-revoke = Odvolať
enrollment-revoked = Odvolaný

device-filter-compliance = Súlad
device-filter-os = Operačný systém
device-filter-search = Hľadať
device-any = Ľubovoľné
device-compliant = Vyhovuje
device-not-compliant = Nevyhovuje
device-not-evaluated = Nevyhodnotené
device-facts = Údaje
device-reasons = Dôvody stavu súladu
device-recent-sessions = Nedávne relácie
device-new-session = Nová relácia vzdialenej pomoci
device-agent-version = Verzia agenta
device-enrolled = Zaregistrované
device-retired = Vyradené

reports-from = Od
reports-to = Do
reports-csv = Stiahnuť CSV
audit-action-filter = Akcia
