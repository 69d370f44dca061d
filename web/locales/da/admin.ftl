# Administrationen.

admin-nav = Administrationsområder
admin-users = Brugere
admin-users-detail = Bruger
admin-groups = Grupper
admin-groups-detail = Gruppe
admin-roles = Roller og tildelinger
admin-settings = Lejerindstillinger
admin-domains = Bekræftede domæner
admin-compliance = Overholdelsespolitikker
admin-conditional-access = Betinget adgang
admin-enrollment = Tilmeldingstokens
admin-devices = Enheder
admin-devices-detail = Enhed
admin-reports = Sessionsrapporter
admin-audit = Overvågningslog

col-name = Navn
col-email = E-mail
col-job-title = Stilling
col-company = Virksomhed
col-status = Status
col-created = Oprettet
col-description = Beskrivelse
col-members = Medlemmer
col-permissions = Tilladelser
col-role = Rolle
col-assignee = Tildelt til
col-scope = Omfang
col-domain = Domæne
col-state = Status
col-grant = Tildeling
col-expires = Udløber
col-uses = Anvendelser
col-os = Operativsystem
col-compliance = Overholdelse
col-last-check-in = Seneste indtjekning
col-primary-user = Primær bruger
col-helper = Hjælper
col-sharer = Deler
col-device = Enhed
col-started = Startet
col-ended = Afsluttet
col-duration = Varighed
col-mode = Tilstand
col-outcome = Resultat
col-time = Tidspunkt
col-actor = Udført af
col-action = Handling
col-target = Mål
col-address = Adresse

user-new = Ny bruger
user-password = Adgangskode
user-password-help = Mindst { $min } tegn. Lad feltet være tomt, hvis brugeren kun skal bruge single sign-on.
user-full-name = Fulde navn
user-active = Aktiv
user-disabled = Deaktiveret
user-disable = Deaktiver
user-enable = Aktivér
user-profile = Profil
user-picture = Profilbillede
user-picture-upload = Upload billede
user-picture-help = PNG, JPEG eller WebP, højst 256 KB.
user-created = Brugeren { $name } er oprettet.
user-reset-second-factor = Nulstil anden faktor

group-new = Ny gruppe
group-members = Medlemmer
group-add-member = Tilføj medlem
group-member-email = Medlemmets e-mail

role-new = Ny rolle
role-assign = Tildel en rolle
role-user-email = Brugerens e-mail
role-group = Eller en gruppe
role-scope-all = Hele lejeren
role-scope-groups = Omfangsgrupper
role-scope-groups-help = Hjælpere kan kun hjælpe medlemmer af disse grupper.
role-builtin = Indbygget
role-assignments = Tildelinger

settings-remote-help = Fjernhjælp aktiveret
settings-unenrolled = Tillad sessioner med ikke-tilmeldte enheder
settings-chat-disabled = Slå chat fra
settings-max-minutes = Maksimal sessionslængde (minutter)

domain-add = Tilføj domæne
domain-name = Domænenavn

compliance-new = Ny overholdelsespolitik
compliance-all-devices = Alle enheder
compliance-disk-encryption = Kræv diskkryptering
compliance-firewall = Kræv en firewall
compliance-screen-lock = Kræv skærmlås
compliance-enabled = Aktiveret

ca-new = Ny politik for betinget adgang
ca-all-users = Alle brugere
ca-require-second-factor = Kræv en anden faktor
ca-addresses = Klientadresser (CIDR, én pr. linje)
ca-state-enabled = Aktiveret
ca-state-disabled = Deaktiveret
ca-state-report-only = Kun rapport
ca-grant-allow = Tillad
ca-grant-second-factor = Kræv anden faktor
ca-grant-block = Bloker

enrollment-new = Nyt tilmeldingstoken
enrollment-hours = Gyldigt i (timer)
enrollment-max-uses = Maksimalt antal anvendelser
enrollment-created = Kopiér dette token nu: det vises kun én gang.
enrollment-revoke = Tilbagekald
enrollment-revoked = Tilbagekaldt

device-filter-compliance = Overholdelse
device-filter-os = Operativsystem
device-filter-search = Søg
device-any = Alle
device-compliant = Overholder
device-not-compliant = Overholder ikke
device-not-evaluated = Ikke evalueret
device-facts = Enhedsoplysninger
device-reasons = Årsager til overholdelsesstatus
device-recent-sessions = Seneste sessioner
device-new-session = Ny fjernhjælpssession
device-agent-version = Agentversion
device-enrolled = Tilmeldt
device-retired = Udfaset

reports-from = Fra
reports-to = Til
reports-csv = Download CSV
audit-action-filter = Handling
