# Yönetim merkezi.

admin-nav = Yönetim alanları
admin-users = Kullanıcılar
admin-users-detail = Kullanıcı
admin-groups = Gruplar
admin-groups-detail = Grup
admin-roles = Roller ve atamalar
admin-settings = Kiracı ayarları
admin-domains = Doğrulanmış etki alanları
admin-compliance = Uyumluluk ilkeleri
admin-conditional-access = Koşullu erişim
admin-enrollment = Kayıt belirteçleri
admin-devices = Cihazlar
admin-devices-detail = Cihaz
admin-reports = Oturum raporları
admin-audit = Denetim günlüğü

col-name = Ad
col-email = E-posta
col-job-title = Unvan
col-company = Şirket
col-status = Durum
col-created = Oluşturulma
col-description = Açıklama
col-members = Üyeler
col-permissions = İzinler
col-role = Rol
col-assignee = Atanan
col-scope = Kapsam
col-domain = Etki alanı
col-state = Durum
col-grant = Erişim izni
col-expires = Sona erme
col-uses = Kullanım
col-os = İşletim sistemi
col-compliance = Uyumluluk
col-last-check-in = Son iletişim
col-primary-user = Birincil kullanıcı
col-helper = Yardımcı
col-sharer = Paylaşan
col-device = Cihaz
col-started = Başlangıç
col-ended = Bitiş
col-duration = Süre
col-mode = Mod
col-outcome = Sonuç
col-time = Zaman
col-actor = İşlemi yapan
col-action = Eylem
col-target = Hedef
col-address = Adres

user-new = Yeni kullanıcı
user-password = Parola
user-password-help = En az { $min } karakter. Yalnızca çoklu oturum açma (SSO) kullanılacaksa boş bırakın.
user-full-name = Ad soyad
user-active = Etkin
user-disabled = Devre dışı
user-disable = Devre dışı bırak
user-enable = Etkinleştir
user-profile = Profil
user-picture = Profil resmi
user-picture-upload = Resim yükle
user-picture-help = PNG, JPEG veya WebP, en fazla 256 KB.
user-created = { $name } kullanıcısı oluşturuldu.
user-reset-second-factor = İkinci faktörü sıfırla

group-new = Yeni grup
group-members = Üyeler
group-add-member = Üye ekle
group-member-email = Üyenin e-postası

role-new = Yeni rol
role-assign = Rol ata
role-user-email = Kullanıcının e-postası
role-group = Veya bir grup
role-scope-all = Tüm kiracı
role-scope-groups = Kapsam grupları
role-scope-groups-help = Yardımcılar yalnızca bu grupların üyelerine yardım edebilir.
role-builtin = Yerleşik
role-assignments = Atamalar

settings-remote-help = Uzaktan Yardım etkin
settings-unenrolled = Kayıtlı olmayan cihazlarla oturumlara izin ver
settings-chat-disabled = Sohbeti kapat
settings-max-minutes = En uzun oturum süresi (dakika)

domain-add = Etki alanı ekle
domain-name = Etki alanı adı

compliance-new = Yeni uyumluluk ilkesi
compliance-all-devices = Tüm cihazlar
compliance-disk-encryption = Disk şifrelemesi gerektir
compliance-firewall = Güvenlik duvarı gerektir
compliance-screen-lock = Ekran kilidi gerektir
compliance-enabled = Etkin

ca-new = Yeni koşullu erişim ilkesi
ca-all-users = Tüm kullanıcılar
ca-require-second-factor = İkinci faktör gerektir
ca-addresses = İstemci adresleri (CIDR, her satıra bir tane)
ca-state-enabled = Etkin
ca-state-disabled = Devre dışı
ca-state-report-only = Yalnızca rapor
ca-grant-allow = İzin ver
ca-grant-second-factor = İkinci faktör gerektir
ca-grant-block = Engelle

enrollment-new = Yeni kayıt belirteci
enrollment-hours = Geçerlilik süresi (saat)
enrollment-max-uses = En fazla kullanım
enrollment-created = Bu belirteci şimdi kopyalayın: yalnızca bir kez gösterilir.
enrollment-revoke = İptal et
enrollment-revoked = İptal edildi

device-filter-compliance = Uyumluluk
device-filter-os = İşletim sistemi
device-filter-search = Ara
device-any = Tümü
device-compliant = Uyumlu
device-not-compliant = Uyumlu değil
device-not-evaluated = Değerlendirilmedi
device-facts = Bilgiler
device-reasons = Uyumluluk nedenleri
device-recent-sessions = Son oturumlar
device-new-session = Yeni uzaktan yardım oturumu
device-agent-version = Aracı sürümü
device-enrolled = Kayıtlı
device-retired = Kullanımdan kaldırıldı

reports-from = Başlangıç
reports-to = Bitiş
reports-csv = CSV indir
audit-action-filter = Eylem
