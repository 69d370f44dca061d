# Centar za administraciju.

admin-nav = Područja administracije
admin-users = Korisnici
admin-users-detail = Korisnik
admin-groups = Grupe
admin-groups-detail = Grupa
admin-roles = Uloge i dodjele
admin-settings = Postavke zakupca
admin-domains = Potvrđene domene
admin-compliance = Pravila sukladnosti
admin-conditional-access = Uvjetni pristup
admin-enrollment = Tokeni za registraciju
admin-devices = Uređaji
admin-devices-detail = Uređaj
admin-reports = Izvješća o sesijama
admin-audit = Zapisnik nadzora

col-name = Naziv
col-email = E-pošta
col-job-title = Radno mjesto
col-company = Tvrtka
col-status = Status
col-created = Stvoreno
col-description = Opis
col-members = Članovi
col-permissions = Dozvole
col-role = Uloga
col-assignee = Dodijeljeno
col-scope = Opseg
col-domain = Domena
col-state = Stanje
col-grant = Odobrenje
col-expires = Istječe
col-uses = Upotrebe
col-os = Operacijski sustav
col-compliance = Sukladnost
col-last-check-in = Posljednje javljanje
col-primary-user = Primarni korisnik
col-helper = Pomagač
col-sharer = Primatelj pomoći
col-device = Uređaj
col-started = Početak
col-ended = Završetak
col-duration = Trajanje
col-mode = Način
col-outcome = Ishod
col-time = Vrijeme
col-actor = Izvršitelj
col-action = Radnja
col-target = Cilj
col-address = Adresa

user-new = Novi korisnik
user-password = Lozinka
user-password-help = Najmanje { $min } znakova. Ostavite prazno ako se koristi samo jedinstvena prijava.
user-full-name = Puno ime
user-active = Aktivan
user-disabled = Onemogućen
user-disable = Onemogući
user-enable = Omogući
user-profile = Profil
user-picture = Slika profila
user-picture-upload = Prenesi sliku
user-picture-help = PNG, JPEG ili WebP, najviše 256 KB.
user-created = Korisnik { $name } je stvoren.
user-reset-second-factor = Poništi drugi faktor

group-new = Nova grupa
group-members = Članovi
group-add-member = Dodaj člana
group-member-email = E-pošta člana

role-new = Nova uloga
role-assign = Dodijeli ulogu
role-user-email = E-pošta korisnika
role-group = Ili grupa
role-scope-all = Cijeli zakupac
role-scope-groups = Grupe opsega
role-scope-groups-help = Pomagači mogu pomagati samo članovima ovih grupa.
role-builtin = Ugrađena
role-assignments = Dodjele

settings-remote-help = Pomoć na daljinu uključena
settings-unenrolled = Dopusti sesije s neregistriranim uređajima
settings-chat-disabled = Isključi chat
settings-max-minutes = Najdulje trajanje sesije (minute)

domain-add = Dodaj domenu
domain-name = Naziv domene

compliance-new = Novo pravilo sukladnosti
compliance-all-devices = Svi uređaji
compliance-disk-encryption = Zahtijevaj šifriranje diska
compliance-firewall = Zahtijevaj vatrozid
compliance-screen-lock = Zahtijevaj zaključavanje zaslona
compliance-enabled = Omogućeno

ca-new = Novo pravilo uvjetnog pristupa
ca-all-users = Svi korisnici
ca-require-second-factor = Zahtijevaj drugi faktor
ca-addresses = Adrese klijenata (CIDR, jedna po retku)
ca-state-enabled = Omogućeno
ca-state-disabled = Onemogućeno
ca-state-report-only = Samo izvješće
ca-grant-allow = Dopusti
ca-grant-second-factor = Zahtijevaj drugi faktor
ca-grant-block = Blokiraj

enrollment-new = Novi token za registraciju
enrollment-hours = Vrijedi (sati)
enrollment-max-uses = Najveći broj upotreba
enrollment-created = Kopirajte ovaj token sada: prikazuje se samo jednom.
enrollment-revoke = Opozovi
enrollment-revoked = Opozvan

device-filter-compliance = Sukladnost
device-filter-os = Operacijski sustav
device-filter-search = Pretraživanje
device-any = Bilo koji
device-compliant = Sukladan
device-not-compliant = Nije sukladan
device-not-evaluated = Nije procijenjen
device-facts = Podaci o uređaju
device-reasons = Razlozi sukladnosti
device-recent-sessions = Nedavne sesije
device-new-session = Nova sesija pomoći na daljinu
device-agent-version = Verzija agenta
device-enrolled = Registriran
device-retired = Povučen iz upotrebe

reports-from = Od
reports-to = Do
reports-csv = Preuzmi CSV
audit-action-filter = Radnja
