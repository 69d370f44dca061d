# Administrasjonssenteret.

admin-nav = Administrasjonsområder
admin-users = Brukere
admin-users-detail = Bruker
admin-groups = Grupper
admin-groups-detail = Gruppe
admin-roles = Roller og tildelinger
admin-settings = Leierinnstillinger
admin-domains = Bekreftede domener
admin-compliance = Samsvarspolicyer
admin-conditional-access = Betinget tilgang
admin-enrollment = Registreringstokener
admin-devices = Enheter
admin-devices-detail = Enhet
admin-reports = Øktrapporter
admin-audit = Revisjonslogg

col-name = Navn
col-email = E-post
col-job-title = Stilling
col-company = Firma
col-status = Status
col-created = Opprettet
col-description = Beskrivelse
col-members = Medlemmer
col-permissions = Tillatelser
col-role = Rolle
col-assignee = Tildelt
col-scope = Omfang
col-domain = Domene
col-state = Tilstand
col-grant = Tildeling
col-expires = Utløper
col-uses = Bruk
col-os = Operativsystem
col-compliance = Samsvar
col-last-check-in = Sist innsjekket
col-primary-user = Primærbruker
col-helper = Hjelper
col-sharer = Deler
col-device = Enhet
col-started = Startet
col-ended = Avsluttet
col-duration = Varighet
col-mode = Modus
col-outcome = Resultat
col-time = Tid
col-actor = Utført av
col-action = Handling
col-target = Mål
col-address = Adresse

user-new = Ny bruker
user-password = Passord
user-password-help = Minst { $min } tegn. La feltet stå tomt hvis brukeren bare skal bruke enkel pålogging (SSO).
user-full-name = Fullt navn
user-active = Aktiv
user-disabled = Deaktivert
user-disable = Deaktiver
user-enable = Aktiver
user-profile = Profil
user-picture = Profilbilde
user-picture-upload = Last opp bilde
user-picture-help = PNG, JPEG eller WebP, maks 256 KB.
user-created = Brukeren { $name } er opprettet.
user-reset-second-factor = Tilbakestill andre faktor

group-new = Ny gruppe
group-members = Medlemmer
group-add-member = Legg til medlem
group-member-email = Medlemmets e-post

role-new = Ny rolle
role-assign = Tildel en rolle
role-user-email = Brukerens e-post
role-group = Eller en gruppe
role-scope-all = Hele leieren
role-scope-groups = Omfangsgrupper
role-scope-groups-help = Hjelpere kan bare hjelpe medlemmer av disse gruppene.
role-builtin = Innebygd
role-assignments = Tildelinger

settings-remote-help = Fjernhjelp aktivert
settings-unenrolled = Tillat økter med uregistrerte enheter
settings-chat-disabled = Slå av chat
settings-max-minutes = Maksimal øktlengde (minutter)

domain-add = Legg til domene
domain-name = Domenenavn

compliance-new = Ny samsvarspolicy
compliance-all-devices = Alle enheter
compliance-disk-encryption = Krev diskkryptering
compliance-firewall = Krev brannmur
compliance-screen-lock = Krev skjermlås
compliance-enabled = Aktivert

ca-new = Ny policy for betinget tilgang
ca-all-users = Alle brukere
ca-require-second-factor = Krev andre faktor
ca-addresses = Klientadresser (CIDR, én per linje)
ca-state-enabled = Aktivert
ca-state-disabled = Deaktivert
ca-state-report-only = Bare rapport
ca-grant-allow = Tillat
ca-grant-second-factor = Krev andre faktor
ca-grant-block = Blokker

enrollment-new = Nytt registreringstoken
enrollment-hours = Gyldig i (timer)
enrollment-max-uses = Maks antall bruk
enrollment-created = Kopier dette tokenet nå: det vises bare én gang.
enrollment-revoke = Tilbakekall
enrollment-revoked = Tilbakekalt

device-filter-compliance = Samsvar
device-filter-os = Operativsystem
device-filter-search = Søk
device-any = Alle
device-compliant = Samsvarer
device-not-compliant = Samsvarer ikke
device-not-evaluated = Ikke vurdert
device-facts = Fakta
device-reasons = Årsaker til samsvarsstatus
device-recent-sessions = Nylige økter
device-new-session = Ny fjernhjelpsøkt
device-agent-version = Agentversjon
device-enrolled = Registrert
device-retired = Pensjonert

reports-from = Fra
reports-to = Til
reports-csv = Last ned CSV
audit-action-filter = Handling
