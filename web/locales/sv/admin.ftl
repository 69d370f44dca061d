# Administrationscentret.

admin-nav = Administrationsområden
admin-users = Användare
admin-users-detail = Användare
admin-groups = Grupper
admin-groups-detail = Grupp
admin-roles = Roller och tilldelningar
admin-settings = Inställningar för klientorganisationen
admin-domains = Verifierade domäner
admin-compliance = Efterlevnadsprinciper
admin-conditional-access = Villkorsstyrd åtkomst
admin-enrollment = Registreringstokens
admin-devices = Enheter
admin-devices-detail = Enhet
admin-reports = Sessionsrapporter
admin-audit = Granskningslogg

col-name = Namn
col-email = E-post
col-job-title = Befattning
col-company = Företag
col-status = Status
col-created = Skapad
col-description = Beskrivning
col-members = Medlemmar
col-permissions = Behörigheter
col-role = Roll
col-assignee = Tilldelad till
col-scope = Omfång
col-domain = Domän
col-state = Tillstånd
col-grant = Bevilja
col-expires = Upphör
col-uses = Användningar
col-os = Operativsystem
col-compliance = Efterlevnad
col-last-check-in = Senaste incheckning
col-primary-user = Primär användare
col-helper = Hjälpare
col-sharer = Delare
col-device = Enhet
col-started = Startad
col-ended = Avslutad
col-duration = Varaktighet
col-mode = Läge
col-outcome = Resultat
col-time = Tid
col-actor = Utförd av
col-action = Åtgärd
col-target = Mål
col-address = Adress

user-new = Ny användare
user-password = Lösenord
user-password-help = Minst { $min } tecken. Lämna tomt om användaren bara ska använda enkel inloggning (SSO).
user-full-name = Fullständigt namn
user-active = Aktiv
user-disabled = Inaktiverad
user-disable = Inaktivera
user-enable = Aktivera
user-profile = Profil
user-picture = Profilbild
user-picture-upload = Ladda upp bild
user-picture-help = PNG, JPEG eller WebP, högst 256 kB.
user-created = Användaren { $name } har skapats.
user-reset-second-factor = Återställ andra faktorn

group-new = Ny grupp
group-members = Medlemmar
group-add-member = Lägg till medlem
group-member-email = Medlemmens e-post

role-new = Ny roll
role-assign = Tilldela en roll
role-user-email = Användarens e-post
role-group = Eller en grupp
role-scope-all = Hela klientorganisationen
role-scope-groups = Omfångsgrupper
role-scope-groups-help = Hjälpare kan bara hjälpa medlemmar i dessa grupper.
role-builtin = Inbyggd
role-assignments = Tilldelningar

settings-remote-help = Fjärrhjälp aktiverad
settings-unenrolled = Tillåt sessioner med oregistrerade enheter
settings-chat-disabled = Stäng av chatten
settings-max-minutes = Maximal sessionslängd (minuter)

domain-add = Lägg till domän
domain-name = Domännamn

compliance-new = Ny efterlevnadsprincip
compliance-all-devices = Alla enheter
compliance-disk-encryption = Kräv diskkryptering
compliance-firewall = Kräv brandvägg
compliance-screen-lock = Kräv skärmlås
compliance-enabled = Aktiverad

ca-new = Ny princip för villkorsstyrd åtkomst
ca-all-users = Alla användare
ca-require-second-factor = Kräv en andra faktor
ca-addresses = Klientadresser (CIDR, en per rad)
ca-state-enabled = Aktiverad
ca-state-disabled = Inaktiverad
ca-state-report-only = Endast rapport
ca-grant-allow = Tillåt
ca-grant-second-factor = Kräv andra faktor
ca-grant-block = Blockera

enrollment-new = Ny registreringstoken
enrollment-hours = Giltig i (timmar)
enrollment-max-uses = Högsta antal användningar
enrollment-created = Kopiera denna token nu: den visas bara en gång.
enrollment-revoke = Återkalla
enrollment-revoked = Återkallad

device-filter-compliance = Efterlevnad
device-filter-os = Operativsystem
device-filter-search = Sök
device-any = Alla
device-compliant = Kompatibel
device-not-compliant = Inte kompatibel
device-not-evaluated = Inte utvärderad
device-facts = Fakta
device-reasons = Orsaker till efterlevnadsstatus
device-recent-sessions = Senaste sessioner
device-new-session = Ny fjärrhjälpssession
device-agent-version = Agentversion
device-enrolled = Registrerad
device-retired = Tillbakadragen

reports-from = Från
reports-to = Till
reports-csv = Ladda ned CSV
audit-action-filter = Åtgärd
