# Halduskeskus.

admin-nav = Halduse jaotised
admin-users = Kasutajad
admin-users-detail = Kasutaja
admin-groups = Rühmad
admin-groups-detail = Rühm
admin-roles = Rollid ja määramised
admin-settings = Rentniku sätted
admin-domains = Kinnitatud domeenid
admin-compliance = Vastavuspoliitikad
admin-conditional-access = Tingimuslik juurdepääs
admin-enrollment = Registreerimislubad
admin-devices = Seadmed
admin-devices-detail = Seade
admin-reports = Seansiaruanded
admin-audit = Auditilogi

col-name = Nimi
col-email = E-post
col-job-title = Ametinimetus
col-company = Ettevõte
col-status = Olek
col-created = Loodud
col-description = Kirjeldus
col-members = Liikmed
col-permissions = Õigused
col-role = Roll
col-assignee = Määratud
col-scope = Ulatus
col-domain = Domeen
col-state = Olek
col-grant = Andmine
col-expires = Aegub
col-uses = Kasutuskorrad
col-os = Operatsioonisüsteem
col-compliance = Vastavus
col-last-check-in = Viimane ühendus
col-primary-user = Peamine kasutaja
col-helper = Abistaja
col-sharer = Jagaja
col-device = Seade
col-started = Algus
col-ended = Lõpp
col-duration = Kestus
col-mode = Režiim
col-outcome = Tulemus
col-time = Aeg
col-actor = Tegija
col-action = Toiming
col-target = Sihtmärk
col-address = Aadress

user-new = Uus kasutaja
user-password = Parool
user-password-help = Vähemalt { $min } märki. Jäta tühjaks, kui kasutatakse ainult ühekordset sisselogimist.
user-full-name = Täisnimi
user-active = Aktiivne
user-disabled = Keelatud
user-disable = Keela
user-enable = Luba
user-profile = Profiil
user-picture = Profiilipilt
user-picture-upload = Laadi pilt üles
user-picture-help = PNG, JPEG või WebP, kuni 256 KB.
user-created = Kasutaja { $name } on loodud.
user-reset-second-factor = Lähtesta teine tegur

group-new = Uus rühm
group-members = Liikmed
group-add-member = Lisa liige
group-member-email = Liikme e-post

role-new = Uus roll
role-assign = Määra roll
role-user-email = Kasutaja e-post
role-group = Või rühm
role-scope-all = Kogu rentnik
role-scope-groups = Ulatuse rühmad
role-scope-groups-help = Abistajad saavad aidata ainult nende rühmade liikmeid.
role-builtin = Sisseehitatud
role-assignments = Määramised

settings-remote-help = Kaugabi lubatud
settings-unenrolled = Luba seansid registreerimata seadmetega
settings-chat-disabled = Lülita vestlus välja
settings-max-minutes = Seansi maksimaalne kestus (minutites)

domain-add = Lisa domeen
domain-name = Domeeninimi

compliance-new = Uus vastavuspoliitika
compliance-all-devices = Kõik seadmed
compliance-disk-encryption = Nõua ketta krüptimist
compliance-firewall = Nõua tulemüüri
compliance-screen-lock = Nõua ekraanilukku
compliance-enabled = Lubatud

ca-new = Uus tingimusliku juurdepääsu poliitika
ca-all-users = Kõik kasutajad
ca-require-second-factor = Nõua teist tegurit
ca-addresses = Kliendi aadressid (CIDR, üks rea kohta)
ca-state-enabled = Lubatud
ca-state-disabled = Keelatud
ca-state-report-only = Ainult aruanne
ca-grant-allow = Luba
ca-grant-second-factor = Nõua teist tegurit
ca-grant-block = Blokeeri

enrollment-new = Uus registreerimisluba
enrollment-hours = Kehtib (tundi)
enrollment-max-uses = Kasutuskordi kuni
enrollment-created = Kopeeri see luba kohe: seda näidatakse ainult üks kord.
enrollment-revoke = Tühista
enrollment-revoked = Tühistatud

device-filter-compliance = Vastavus
device-filter-os = Operatsioonisüsteem
device-filter-search = Otsing
device-any = Kõik
device-compliant = Vastav
device-not-compliant = Mittevastav
device-not-evaluated = Hindamata
device-facts = Seadme andmed
device-reasons = Vastavuse põhjused
device-recent-sessions = Viimased seansid
device-new-session = Uus kaugabiseanss
device-agent-version = Agendi versioon
device-enrolled = Registreeritud
device-retired = Kasutusest kõrvaldatud

reports-from = Alates
reports-to = Kuni
reports-csv = Laadi alla CSV
audit-action-filter = Toiming
