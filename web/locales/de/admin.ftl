# Das Admin Center.

admin-nav = Verwaltungsbereiche
admin-users = Benutzer
admin-users-detail = Benutzer
admin-groups = Gruppen
admin-groups-detail = Gruppe
admin-roles = Rollen und Zuweisungen
admin-settings = Mandanteneinstellungen
admin-domains = Verifizierte Domänen
admin-compliance = Compliancerichtlinien
admin-conditional-access = Bedingter Zugriff
admin-enrollment = Registrierungstoken
admin-devices = Geräte
admin-devices-detail = Gerät
admin-reports = Sitzungsberichte
admin-audit = Überwachungsprotokoll

col-name = Name
col-email = E-Mail
col-job-title = Position
col-company = Firma
col-status = Status
col-created = Erstellt
col-description = Beschreibung
col-members = Mitglieder
col-permissions = Berechtigungen
col-role = Rolle
col-assignee = Zugewiesen an
col-scope = Bereich
col-domain = Domäne
col-state = Zustand
col-grant = Gewährung
col-expires = Läuft ab
col-uses = Verwendungen
col-os = Betriebssystem
col-compliance = Compliance
col-last-check-in = Letzter Check-in
col-primary-user = Primärer Benutzer
col-helper = Helfer
col-sharer = Freigebende Person
col-device = Gerät
col-started = Begonnen
col-ended = Beendet
col-duration = Dauer
col-mode = Modus
col-outcome = Ergebnis
col-time = Zeit
col-actor = Ausführender
col-action = Aktion
col-target = Ziel
col-address = Adresse

user-new = Neuer Benutzer
user-password = Passwort
user-password-help = Mindestens { $min } Zeichen. Leer lassen, wenn nur einmaliges Anmelden (SSO) verwendet wird.
user-full-name = Vollständiger Name
user-active = Aktiv
user-disabled = Deaktiviert
user-disable = Deaktivieren
user-enable = Aktivieren
user-profile = Profil
user-picture = Profilbild
user-picture-upload = Bild hochladen
user-picture-help = PNG, JPEG oder WebP, höchstens 256 KB.
user-created = Benutzer { $name } wurde erstellt.
user-reset-second-factor = Zweiten Faktor zurücksetzen

group-new = Neue Gruppe
group-members = Mitglieder
group-add-member = Mitglied hinzufügen
group-member-email = E-Mail des Mitglieds

role-new = Neue Rolle
role-assign = Rolle zuweisen
role-user-email = E-Mail des Benutzers
role-group = Oder eine Gruppe
role-scope-all = Gesamter Mandant
role-scope-groups = Bereichsgruppen
role-scope-groups-help = Helfer können nur Mitgliedern dieser Gruppen helfen.
role-builtin = Integriert
role-assignments = Zuweisungen

settings-remote-help = Remotehilfe aktiviert
settings-unenrolled = Sitzungen mit nicht registrierten Geräten zulassen
settings-chat-disabled = Chat deaktivieren
settings-max-minutes = Maximale Sitzungsdauer (Minuten)

domain-add = Domäne hinzufügen
domain-name = Domänenname

compliance-new = Neue Compliancerichtlinie
compliance-all-devices = Alle Geräte
compliance-disk-encryption = Datenträgerverschlüsselung erforderlich
compliance-firewall = Firewall erforderlich
compliance-screen-lock = Bildschirmsperre erforderlich
compliance-enabled = Aktiviert

ca-new = Neue Richtlinie für bedingten Zugriff
ca-all-users = Alle Benutzer
ca-require-second-factor = Zweiten Faktor erfordern
ca-addresses = Clientadressen (CIDR, eine pro Zeile)
ca-state-enabled = Aktiviert
ca-state-disabled = Deaktiviert
ca-state-report-only = Nur Bericht
ca-grant-allow = Zulassen
ca-grant-second-factor = Zweiten Faktor erfordern
ca-grant-block = Blockieren

enrollment-new = Neues Registrierungstoken
enrollment-hours = Gültig für (Stunden)
enrollment-max-uses = Maximale Verwendungen
enrollment-created = Kopieren Sie dieses Token jetzt: Es wird nur einmal angezeigt.
enrollment-revoke = Widerrufen
enrollment-revoked = Widerrufen

device-filter-compliance = Compliance
device-filter-os = Betriebssystem
device-filter-search = Suchen
device-any = Alle
device-compliant = Konform
device-not-compliant = Nicht konform
device-not-evaluated = Nicht ausgewertet
device-facts = Geräteinformationen
device-reasons = Compliancegründe
device-recent-sessions = Letzte Sitzungen
device-new-session = Neue Remotehilfesitzung
device-agent-version = Agent-Version
device-enrolled = Registriert
device-retired = Außer Betrieb genommen

reports-from = Von
reports-to = Bis
reports-csv = CSV herunterladen
audit-action-filter = Aktion
