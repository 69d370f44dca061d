# Hallintakeskus.

admin-nav = Hallinnan osiot
admin-users = Käyttäjät
admin-users-detail = Käyttäjä
admin-groups = Ryhmät
admin-groups-detail = Ryhmä
admin-roles = Roolit ja määritykset
admin-settings = Vuokraajan asetukset
admin-domains = Vahvistetut toimialueet
admin-compliance = Vaatimustenmukaisuuskäytännöt
admin-conditional-access = Ehdollinen käyttöoikeus
admin-enrollment = Rekisteröintitunnukset
admin-devices = Laitteet
admin-devices-detail = Laite
admin-reports = Istuntoraportit
admin-audit = Valvontaloki

col-name = Nimi
col-email = Sähköposti
col-job-title = Tehtävänimike
col-company = Yritys
col-status = Tila
col-created = Luotu
col-description = Kuvaus
col-members = Jäsenet
col-permissions = Käyttöoikeudet
col-role = Rooli
col-assignee = Määritetty kohteelle
col-scope = Laajuus
col-domain = Toimialue
col-state = Tila
col-grant = Myöntäminen
col-expires = Vanhenee
col-uses = Käyttökerrat
col-os = Käyttöjärjestelmä
col-compliance = Vaatimustenmukaisuus
col-last-check-in = Viimeisin yhteydenotto
col-primary-user = Ensisijainen käyttäjä
col-helper = Auttaja
col-sharer = Jakaja
col-device = Laite
col-started = Alkoi
col-ended = Päättyi
col-duration = Kesto
col-mode = Tapa
col-outcome = Tulos
col-time = Aika
col-actor = Tekijä
col-action = Toiminto
col-target = Kohde
col-address = Osoite

user-new = Uusi käyttäjä
user-password = Salasana
user-password-help = Vähintään { $min } merkkiä. Jätä tyhjäksi, jos käytetään vain kertakirjautumista.
user-full-name = Koko nimi
user-active = Aktiivinen
user-disabled = Poistettu käytöstä
user-disable = Poista käytöstä
user-enable = Ota käyttöön
user-profile = Profiili
user-picture = Profiilikuva
user-picture-upload = Lataa kuva
user-picture-help = PNG, JPEG tai WebP, enintään 256 kt.
user-created = Käyttäjä { $name } luotiin.
user-reset-second-factor = Nollaa toinen tunnistustekijä

group-new = Uusi ryhmä
group-members = Jäsenet
group-add-member = Lisää jäsen
group-member-email = Jäsenen sähköposti

role-new = Uusi rooli
role-assign = Määritä rooli
role-user-email = Käyttäjän sähköposti
role-group = Tai ryhmä
role-scope-all = Koko vuokraaja
role-scope-groups = Laajuusryhmät
role-scope-groups-help = Auttajat voivat auttaa vain näiden ryhmien jäseniä.
role-builtin = Sisäinen
role-assignments = Määritykset

settings-remote-help = Etätuki käytössä
settings-unenrolled = Salli istunnot rekisteröimättömien laitteiden kanssa
settings-chat-disabled = Poista keskustelu käytöstä
settings-max-minutes = Istunnon enimmäiskesto (minuuttia)

domain-add = Lisää toimialue
domain-name = Toimialueen nimi

compliance-new = Uusi vaatimustenmukaisuuskäytäntö
compliance-all-devices = Kaikki laitteet
compliance-disk-encryption = Vaadi levyn salaus
compliance-firewall = Vaadi palomuuri
compliance-screen-lock = Vaadi näytön lukitus
compliance-enabled = Käytössä

ca-new = Uusi ehdollisen käyttöoikeuden käytäntö
ca-all-users = Kaikki käyttäjät
ca-require-second-factor = Vaadi toinen tunnistustekijä
ca-addresses = Asiakasosoitteet (CIDR, yksi riviä kohden)
ca-state-enabled = Käytössä
ca-state-disabled = Ei käytössä
ca-state-report-only = Vain raportti
ca-grant-allow = Salli
ca-grant-second-factor = Vaadi toinen tunnistustekijä
ca-grant-block = Estä

enrollment-new = Uusi rekisteröintitunnus
enrollment-hours = Voimassa (tuntia)
enrollment-max-uses = Käyttökertoja enintään
enrollment-created = Kopioi tunnus nyt: se näytetään vain kerran.
enrollment-revoke = Kumoa
enrollment-revoked = Kumottu

device-filter-compliance = Vaatimustenmukaisuus
device-filter-os = Käyttöjärjestelmä
device-filter-search = Haku
device-any = Mikä tahansa
device-compliant = Vaatimustenmukainen
device-not-compliant = Ei vaatimustenmukainen
device-not-evaluated = Ei arvioitu
device-facts = Laitteen tiedot
device-reasons = Vaatimustenmukaisuuden syyt
device-recent-sessions = Viimeisimmät istunnot
device-new-session = Uusi etätuki-istunto
device-agent-version = Agentin versio
device-enrolled = Rekisteröity
device-retired = Poistettu käytöstä

reports-from = Alkaen
reports-to = Päättyen
reports-csv = Lataa CSV
audit-action-filter = Toiminto
