# Skrbniško središče.

admin-nav = Skrbniška področja
admin-users = Uporabniki
admin-users-detail = Uporabnik
admin-groups = Skupine
admin-groups-detail = Skupina
admin-roles = Vloge in dodelitve
admin-settings = Nastavitve organizacije
admin-domains = Preverjene domene
admin-compliance = Pravilniki skladnosti
admin-conditional-access = Pogojni dostop
admin-enrollment = Žetoni za včlanitev
admin-devices = Naprave
admin-devices-detail = Naprava
admin-reports = Poročila o sejah
admin-audit = Revizijski dnevnik

col-name = Ime
col-email = E-pošta
col-job-title = Delovno mesto
col-company = Podjetje
col-status = Status
col-created = Ustvarjeno
col-description = Opis
col-members = Člani
col-permissions = Dovoljenja
col-role = Vloga
col-assignee = Dodeljeno
col-scope = Obseg
col-domain = Domena
col-state = Stanje
col-grant = Odobritev
col-expires = Poteče
col-uses = Uporabe
col-os = Operacijski sistem
col-compliance = Skladnost
col-last-check-in = Zadnja prijava naprave
col-primary-user = Primarni uporabnik
col-helper = Pomočnik
col-sharer = Prejemnik pomoči
col-device = Naprava
col-started = Začetek
col-ended = Konec
col-duration = Trajanje
col-mode = Način
col-outcome = Izid
col-time = Čas
col-actor = Izvajalec
col-action = Dejanje
col-target = Cilj
col-address = Naslov

user-new = Nov uporabnik
user-password = Geslo
user-password-help = Najmanj { $min } znakov. Pustite prazno, če naj se uporablja samo enotna prijava (SSO).
user-full-name = Polno ime
user-active = Aktiven
user-disabled = Onemogočen
user-disable = Onemogoči
user-enable = Omogoči
user-profile = Profil
user-picture = Profilna slika
user-picture-upload = Naloži sliko
user-picture-help = PNG, JPEG ali WebP, največ 256 KB.
user-created = Uporabnik { $name } je ustvarjen.
user-reset-second-factor = Ponastavi drugi dejavnik

group-new = Nova skupina
group-members = Člani
group-add-member = Dodaj člana
group-member-email = E-pošta člana

role-new = Nova vloga
role-assign = Dodeli vlogo
role-user-email = E-pošta uporabnika
role-group = Ali skupina
role-scope-all = Celotna organizacija
role-scope-groups = Skupine obsega
role-scope-groups-help = Pomočniki lahko pomagajo samo članom teh skupin.
role-builtin = Vgrajena
role-assignments = Dodelitve

settings-remote-help = Pomoč na daljavo omogočena
settings-unenrolled = Dovoli seje z nevčlanjenimi napravami
settings-chat-disabled = Izklopi klepet
settings-max-minutes = Največje trajanje seje (minute)

domain-add = Dodaj domeno
domain-name = Ime domene

compliance-new = Nov pravilnik skladnosti
compliance-all-devices = Vse naprave
compliance-disk-encryption = Zahtevaj šifriranje diska
compliance-firewall = Zahtevaj požarni zid
compliance-screen-lock = Zahtevaj zaklepanje zaslona
compliance-enabled = Omogočen

ca-new = Nov pravilnik pogojnega dostopa
ca-all-users = Vsi uporabniki
ca-require-second-factor = Zahtevaj drugi dejavnik
ca-addresses = Naslovi odjemalcev (CIDR, eden na vrstico)
ca-state-enabled = Omogočen
ca-state-disabled = Onemogočen
ca-state-report-only = Samo poročanje
ca-grant-allow = Dovoli
ca-grant-second-factor = Zahtevaj drugi dejavnik
ca-grant-block = Blokiraj

enrollment-new = Nov žeton za včlanitev
enrollment-hours = Veljavnost (ure)
enrollment-max-uses = Največje število uporab
enrollment-created = Kopirajte ta žeton zdaj: prikazan je samo enkrat.
enrollment-revoke = Prekliči
enrollment-revoked = Preklican

device-filter-compliance = Skladnost
device-filter-os = Operacijski sistem
device-filter-search = Iskanje
device-any = Kateri koli
device-compliant = Skladno
device-not-compliant = Neskladno
device-not-evaluated = Ni ovrednoteno
device-facts = Podatki
device-reasons = Razlogi za stanje skladnosti
device-recent-sessions = Nedavne seje
device-new-session = Nova seja pomoči na daljavo
device-agent-version = Različica agenta
device-enrolled = Včlanjeno
device-retired = Umaknjeno iz uporabe

reports-from = Od
reports-to = Do
reports-csv = Prenesi CSV
audit-action-filter = Dejanje
