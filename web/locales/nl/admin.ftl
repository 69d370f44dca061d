# Het beheercentrum.

admin-nav = Beheeronderdelen
admin-users = Gebruikers
admin-users-detail = Gebruiker
admin-groups = Groepen
admin-groups-detail = Groep
admin-roles = Rollen en toewijzingen
admin-settings = Tenantinstellingen
admin-domains = Geverifieerde domeinen
admin-compliance = Nalevingsbeleid
admin-conditional-access = Voorwaardelijke toegang
admin-enrollment = Inschrijvingstokens
admin-devices = Apparaten
admin-devices-detail = Apparaat
admin-reports = Sessierapporten
admin-audit = Auditlogboek

col-name = Naam
col-email = E-mail
col-job-title = Functie
col-company = Bedrijf
col-status = Status
col-created = Gemaakt
col-description = Beschrijving
col-members = Leden
col-permissions = Machtigingen
col-role = Rol
col-assignee = Toegewezen aan
col-scope = Bereik
col-domain = Domein
col-state = Staat
col-grant = Verlenen
col-expires = Verloopt
col-uses = Gebruik
col-os = Besturingssysteem
col-compliance = Naleving
col-last-check-in = Laatste check-in
col-primary-user = Primaire gebruiker
col-helper = Helper
col-sharer = Deler
col-device = Apparaat
col-started = Gestart
col-ended = Beëindigd
col-duration = Duur
col-mode = Modus
col-outcome = Resultaat
col-time = Tijd
col-actor = Uitgevoerd door
col-action = Actie
col-target = Doel
col-address = Adres

user-new = Nieuwe gebruiker
user-password = Wachtwoord
user-password-help = Minimaal { $min } tekens. Laat leeg voor alleen eenmalige aanmelding (SSO).
user-full-name = Volledige naam
user-active = Actief
user-disabled = Uitgeschakeld
user-disable = Uitschakelen
user-enable = Inschakelen
user-profile = Profiel
user-picture = Profielfoto
user-picture-upload = Foto uploaden
user-picture-help = PNG, JPEG of WebP, maximaal 256 KB.
user-created = Gebruiker { $name } is gemaakt.
user-reset-second-factor = Tweede factor opnieuw instellen

group-new = Nieuwe groep
group-members = Leden
group-add-member = Lid toevoegen
group-member-email = E-mailadres van lid

role-new = Nieuwe rol
role-assign = Een rol toewijzen
role-user-email = E-mailadres van gebruiker
role-group = Of een groep
role-scope-all = De hele tenant
role-scope-groups = Bereikgroepen
role-scope-groups-help = Helpers kunnen alleen leden van deze groepen helpen.
role-builtin = Ingebouwd
role-assignments = Toewijzingen

settings-remote-help = Hulp op afstand ingeschakeld
settings-unenrolled = Sessies met niet-ingeschreven apparaten toestaan
settings-chat-disabled = Chat uitschakelen
settings-max-minutes = Maximale sessieduur (minuten)

domain-add = Domein toevoegen
domain-name = Domeinnaam

compliance-new = Nieuw nalevingsbeleid
compliance-all-devices = Alle apparaten
compliance-disk-encryption = Schijfversleuteling vereisen
compliance-firewall = Firewall vereisen
compliance-screen-lock = Schermvergrendeling vereisen
compliance-enabled = Ingeschakeld

ca-new = Nieuw beleid voor voorwaardelijke toegang
ca-all-users = Alle gebruikers
ca-require-second-factor = Tweede factor vereisen
ca-addresses = Clientadressen (CIDR, één per regel)
ca-state-enabled = Ingeschakeld
ca-state-disabled = Uitgeschakeld
ca-state-report-only = Alleen rapporteren
ca-grant-allow = Toestaan
ca-grant-second-factor = Tweede factor vereisen
ca-grant-block = Blokkeren

enrollment-new = Nieuw inschrijvingstoken
enrollment-hours = Geldig gedurende (uren)
enrollment-max-uses = Maximaal aantal keren gebruik
enrollment-created = Kopieer dit token nu: het wordt maar één keer getoond.
enrollment-revoke = Intrekken
enrollment-revoked = Ingetrokken

device-filter-compliance = Naleving
device-filter-os = Besturingssysteem
device-filter-search = Zoeken
device-any = Alle
device-compliant = Compatibel
device-not-compliant = Niet compatibel
device-not-evaluated = Niet beoordeeld
device-facts = Gegevens
device-reasons = Redenen voor nalevingsstatus
device-recent-sessions = Recente sessies
device-new-session = Nieuwe sessie voor hulp op afstand
device-agent-version = Agentversie
device-enrolled = Ingeschreven
device-retired = Buiten gebruik

reports-from = Van
reports-to = Tot
reports-csv = CSV downloaden
audit-action-filter = Actie
