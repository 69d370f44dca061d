# Administrēšanas centrs.

admin-nav = Administrēšanas sadaļas
admin-users = Lietotāji
admin-users-detail = Lietotājs
admin-groups = Grupas
admin-groups-detail = Grupa
admin-roles = Lomas un piešķīrumi
admin-settings = Nomnieka iestatījumi
admin-domains = Verificētie domēni
admin-compliance = Atbilstības politikas
admin-conditional-access = Nosacījumpiekļuve
admin-enrollment = Reģistrācijas marķieri
admin-devices = Ierīces
admin-devices-detail = Ierīce
admin-reports = Sesiju atskaites
admin-audit = Audita žurnāls

col-name = Nosaukums
col-email = E-pasts
col-job-title = Amats
col-company = Uzņēmums
col-status = Statuss
col-created = Izveidots
col-description = Apraksts
col-members = Dalībnieki
col-permissions = Atļaujas
col-role = Loma
col-assignee = Piešķirts
col-scope = Tvērums
col-domain = Domēns
col-state = Stāvoklis
col-grant = Piešķiršana
col-expires = Derīgs līdz
col-uses = Lietojumi
col-os = Operētājsistēma
col-compliance = Atbilstība
col-last-check-in = Pēdējā saziņa
col-primary-user = Primārais lietotājs
col-helper = Palīgs
col-sharer = Koplietotājs
col-device = Ierīce
col-started = Sākta
col-ended = Beigta
col-duration = Ilgums
col-mode = Režīms
col-outcome = Rezultāts
col-time = Laiks
col-actor = Izpildītājs
col-action = Darbība
col-target = Mērķis
col-address = Adrese

user-new = Jauns lietotājs
user-password = Parole
user-password-help = Vismaz { $min } rakstzīmes. Atstājiet tukšu, lai izmantotu tikai vienoto pierakstīšanos.
user-full-name = Pilns vārds
user-active = Aktīvs
user-disabled = Atspējots
user-disable = Atspējot
user-enable = Iespējot
user-profile = Profils
user-picture = Profila attēls
user-picture-upload = Augšupielādēt attēlu
user-picture-help = PNG, JPEG vai WebP, ne vairāk kā 256 KB.
user-created = Lietotājs { $name } ir izveidots.
user-reset-second-factor = Atiestatīt otro faktoru

group-new = Jauna grupa
group-members = Dalībnieki
group-add-member = Pievienot dalībnieku
group-member-email = Dalībnieka e-pasts

role-new = Jauna loma
role-assign = Piešķirt lomu
role-user-email = Lietotāja e-pasts
role-group = Vai grupa
role-scope-all = Viss nomnieks
role-scope-groups = Tvēruma grupas
role-scope-groups-help = Palīgi var palīdzēt tikai šo grupu dalībniekiem.
role-builtin = Iebūvēta
role-assignments = Piešķīrumi

settings-remote-help = Attālā palīdzība iespējota
settings-unenrolled = Atļaut sesijas ar nereģistrētām ierīcēm
settings-chat-disabled = Izslēgt tērzēšanu
settings-max-minutes = Maksimālais sesijas ilgums (minūtes)

domain-add = Pievienot domēnu
domain-name = Domēna nosaukums

compliance-new = Jauna atbilstības politika
compliance-all-devices = Visas ierīces
compliance-disk-encryption = Pieprasīt diska šifrēšanu
compliance-firewall = Pieprasīt ugunsmūri
compliance-screen-lock = Pieprasīt ekrāna bloķēšanu
compliance-enabled = Iespējota

ca-new = Jauna nosacījumpiekļuves politika
ca-all-users = Visi lietotāji
ca-require-second-factor = Pieprasīt otro faktoru
ca-addresses = Klientu adreses (CIDR, pa vienai katrā rindā)
ca-state-enabled = Iespējota
ca-state-disabled = Atspējota
ca-state-report-only = Tikai atskaite
ca-grant-allow = Atļaut
ca-grant-second-factor = Pieprasīt otro faktoru
ca-grant-block = Bloķēt

enrollment-new = Jauns reģistrācijas marķieris
enrollment-hours = Derīgs (stundas)
enrollment-max-uses = Maksimālais lietojumu skaits
enrollment-created = Nokopējiet šo marķieri tūlīt: tas tiek parādīts tikai vienreiz.
enrollment-revoke = Atsaukt
enrollment-revoked = Atsaukts

device-filter-compliance = Atbilstība
device-filter-os = Operētājsistēma
device-filter-search = Meklēt
device-any = Jebkura
device-compliant = Atbilstoša
device-not-compliant = Neatbilstoša
device-not-evaluated = Nav novērtēta
device-facts = Dati
device-reasons = Atbilstības iemesli
device-recent-sessions = Nesenās sesijas
device-new-session = Jauna attālās palīdzības sesija
device-agent-version = Aģenta versija
device-enrolled = Reģistrēta
device-retired = Izņemta no lietošanas

reports-from = No
reports-to = Līdz
reports-csv = Lejupielādēt CSV
audit-action-filter = Darbība
