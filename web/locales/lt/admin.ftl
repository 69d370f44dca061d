# Administravimo centras.

admin-nav = Administravimo sritys
admin-users = Naudotojai
admin-users-detail = Naudotojas
admin-groups = Grupės
admin-groups-detail = Grupė
admin-roles = Vaidmenys ir priskyrimai
admin-settings = Nuomotojo nustatymai
admin-domains = Patvirtinti domenai
admin-compliance = Atitikties strategijos
admin-conditional-access = Sąlyginė prieiga
admin-enrollment = Registracijos atpažinimo ženklai
admin-devices = Įrenginiai
admin-devices-detail = Įrenginys
admin-reports = Seansų ataskaitos
admin-audit = Audito žurnalas

col-name = Pavadinimas
col-email = El. paštas
col-job-title = Pareigos
col-company = Įmonė
col-status = Būsena
col-created = Sukurta
col-description = Aprašas
col-members = Nariai
col-permissions = Teisės
col-role = Vaidmuo
col-assignee = Kam priskirta
col-scope = Aprėptis
col-domain = Domenas
col-state = Būsena
col-grant = Suteikimas
col-expires = Galioja iki
col-uses = Panaudojimai
col-os = Operacinė sistema
col-compliance = Atitiktis
col-last-check-in = Paskutinis prisiregistravimas
col-primary-user = Pagrindinis naudotojas
col-helper = Pagalbininkas
col-sharer = Pagalbos gavėjas
col-device = Įrenginys
col-started = Pradžia
col-ended = Pabaiga
col-duration = Trukmė
col-mode = Režimas
col-outcome = Rezultatas
col-time = Laikas
col-actor = Vykdytojas
col-action = Veiksmas
col-target = Objektas
col-address = Adresas

user-new = Naujas naudotojas
user-password = Slaptažodis
user-password-help = Ne mažiau kaip { $min } simbolių. Palikite tuščią, jei naudojama tik bendroji autentifikacija (SSO).
user-full-name = Vardas ir pavardė
user-active = Aktyvus
user-disabled = Išjungtas
user-disable = Išjungti
user-enable = Įjungti
user-profile = Profilis
user-picture = Profilio nuotrauka
user-picture-upload = Įkelti nuotrauką
user-picture-help = PNG, JPEG arba WebP, ne daugiau kaip 256 KB.
user-created = Naudotojas { $name } sukurtas.
user-reset-second-factor = Iš naujo nustatyti antrąjį veiksnį

group-new = Nauja grupė
group-members = Nariai
group-add-member = Pridėti narį
group-member-email = Nario el. paštas

role-new = Naujas vaidmuo
role-assign = Priskirti vaidmenį
role-user-email = Naudotojo el. paštas
role-group = Arba grupė
role-scope-all = Visas nuomotojas
role-scope-groups = Aprėpties grupės
role-scope-groups-help = Pagalbininkai gali padėti tik šių grupių nariams.
role-builtin = Integruotas
role-assignments = Priskyrimai

settings-remote-help = Nuotolinė pagalba įjungta
settings-unenrolled = Leisti seansus su neregistruotais įrenginiais
settings-chat-disabled = Išjungti pokalbius
settings-max-minutes = Didžiausia seanso trukmė (minutėmis)

domain-add = Pridėti domeną
domain-name = Domeno vardas

compliance-new = Nauja atitikties strategija
compliance-all-devices = Visi įrenginiai
compliance-disk-encryption = Reikalauti disko šifravimo
compliance-firewall = Reikalauti užkardos
compliance-screen-lock = Reikalauti ekrano užrakto
compliance-enabled = Įjungta

ca-new = Nauja sąlyginės prieigos strategija
ca-all-users = Visi naudotojai
ca-require-second-factor = Reikalauti antrojo veiksnio
ca-addresses = Klientų adresai (CIDR, po vieną eilutėje)
ca-state-enabled = Įjungta
ca-state-disabled = Išjungta
ca-state-report-only = Tik ataskaita
ca-grant-allow = Leisti
ca-grant-second-factor = Reikalauti antrojo veiksnio
ca-grant-block = Blokuoti

enrollment-new = Naujas registracijos atpažinimo ženklas
enrollment-hours = Galioja (valandomis)
enrollment-max-uses = Didžiausias panaudojimų skaičius
enrollment-created = Nukopijuokite šį atpažinimo ženklą dabar: jis rodomas tik kartą.
enrollment-revoke = Atšaukti
enrollment-revoked = Atšauktas

device-filter-compliance = Atitiktis
device-filter-os = Operacinė sistema
device-filter-search = Ieškoti
device-any = Bet kuri
device-compliant = Atitinka
device-not-compliant = Neatitinka
device-not-evaluated = Neįvertinta
device-facts = Įrenginio duomenys
device-reasons = Atitikties priežastys
device-recent-sessions = Naujausi seansai
device-new-session = Naujas nuotolinės pagalbos seansas
device-agent-version = Agento versija
device-enrolled = Užregistruotas
device-retired = Nebenaudojamas nuo

reports-from = Nuo
reports-to = Iki
reports-csv = Atsisiųsti CSV
audit-action-filter = Veiksmas
