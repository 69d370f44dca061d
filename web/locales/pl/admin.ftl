# Centrum administracyjne.

admin-nav = Obszary administracyjne
admin-users = Użytkownicy
admin-users-detail = Użytkownik
admin-groups = Grupy
admin-groups-detail = Grupa
admin-roles = Role i przypisania
admin-settings = Ustawienia dzierżawy
admin-domains = Zweryfikowane domeny
admin-compliance = Zasady zgodności
admin-conditional-access = Dostęp warunkowy
admin-enrollment = Tokeny rejestracji
admin-devices = Urządzenia
admin-devices-detail = Urządzenie
admin-reports = Raporty sesji
admin-audit = Dziennik inspekcji

col-name = Nazwa
col-email = E-mail
col-job-title = Stanowisko
col-company = Firma
col-status = Status
col-created = Utworzono
col-description = Opis
col-members = Członkowie
col-permissions = Uprawnienia
col-role = Rola
col-assignee = Przypisano do
col-scope = Zakres
col-domain = Domena
col-state = Stan
col-grant = Udzielenie dostępu
col-expires = Wygasa
col-uses = Użycia
col-os = System operacyjny
col-compliance = Zgodność
col-last-check-in = Ostatnie zgłoszenie
col-primary-user = Użytkownik podstawowy
col-helper = Pomocnik
col-sharer = Udostępniający
col-device = Urządzenie
col-started = Rozpoczęto
col-ended = Zakończono
col-duration = Czas trwania
col-mode = Tryb
col-outcome = Wynik
col-time = Czas
col-actor = Wykonawca
col-action = Działanie
col-target = Obiekt
col-address = Adres

user-new = Nowy użytkownik
user-password = Hasło
user-password-help = Co najmniej { $min } znaków. Pozostaw puste, aby używać tylko logowania jednokrotnego.
user-full-name = Imię i nazwisko
user-active = Aktywny
user-disabled = Wyłączony
user-disable = Wyłącz
user-enable = Włącz
user-profile = Profil
user-picture = Zdjęcie profilowe
user-picture-upload = Prześlij zdjęcie
user-picture-help = PNG, JPEG lub WebP, maksymalnie 256 KB.
user-created = Utworzono użytkownika { $name }.
user-reset-second-factor = Resetuj drugi składnik

group-new = Nowa grupa
group-members = Członkowie
group-add-member = Dodaj członka
group-member-email = E-mail członka

role-new = Nowa rola
role-assign = Przypisz rolę
role-user-email = E-mail użytkownika
role-group = Lub grupa
role-scope-all = Cała dzierżawa
role-scope-groups = Grupy zakresu
role-scope-groups-help = Pomocnicy mogą pomagać tylko członkom tych grup.
role-builtin = Wbudowana
role-assignments = Przypisania

settings-remote-help = Pomoc zdalna włączona
settings-unenrolled = Zezwalaj na sesje z niezarejestrowanymi urządzeniami
settings-chat-disabled = Wyłącz czat
settings-max-minutes = Maksymalny czas sesji (minuty)

domain-add = Dodaj domenę
domain-name = Nazwa domeny

compliance-new = Nowe zasady zgodności
compliance-all-devices = Wszystkie urządzenia
compliance-disk-encryption = Wymagaj szyfrowania dysku
compliance-firewall = Wymagaj zapory
compliance-screen-lock = Wymagaj blokady ekranu
compliance-enabled = Włączone

ca-new = Nowe zasady dostępu warunkowego
ca-all-users = Wszyscy użytkownicy
ca-require-second-factor = Wymagaj drugiego składnika
ca-addresses = Adresy klientów (CIDR, jeden w wierszu)
ca-state-enabled = Włączone
ca-state-disabled = Wyłączone
ca-state-report-only = Tylko raport
ca-grant-allow = Zezwalaj
ca-grant-second-factor = Wymagaj drugiego składnika
ca-grant-block = Blokuj

enrollment-new = Nowy token rejestracji
enrollment-hours = Ważny przez (godziny)
enrollment-max-uses = Maksymalna liczba użyć
enrollment-created = Skopiuj ten token teraz: jest wyświetlany tylko raz.
enrollment-revoke = Unieważnij
enrollment-revoked = Unieważniony

device-filter-compliance = Zgodność
device-filter-os = System operacyjny
device-filter-search = Szukaj
device-any = Dowolny
device-compliant = Zgodne
device-not-compliant = Niezgodne
device-not-evaluated = Nieocenione
device-facts = Informacje
device-reasons = Przyczyny stanu zgodności
device-recent-sessions = Ostatnie sesje
device-new-session = Nowa sesja pomocy zdalnej
device-agent-version = Wersja agenta
device-enrolled = Zarejestrowane
device-retired = Wycofane

reports-from = Od
reports-to = Do
reports-csv = Pobierz CSV
audit-action-filter = Działanie
