# The sharer's desktop app (assist-app). It also uses keys from session.ftl (live-*).

app-title = Assist: yardım al
app-connecting = Bağlanıyor…
app-helper-picture = { $helper } fotoğrafı
app-consent-title = İzin verilsin mi?
app-consent-view = { $helper } ekranınızı görmek istiyor.
app-consent-control = { $helper } farenizi ve klavyenizi denetlemek istiyor.
app-sharing-title = Assist: paylaşılıyor
app-sharing-view = { $helper } ekranınızı görüyor
app-sharing-control = { $helper } farenizi ve klavyenizi denetliyor
app-stop-control = Denetimi durdur
app-control-stopped = Denetim durduruldu: yardımcınız yalnızca ekranınızı görüyor.
app-pause = Duraklat
app-resume = Sürdür
app-paused = Duraklatıldı: hiçbir şey gönderilmiyor.
app-chat-open = Sohbet
app-chat-title = Assist: sohbet
app-chat-new = Yeni ileti: { $helper }
app-session-over = Oturum sona erdi.
app-error-unreachable = Sunucuya ulaşılamıyor. Ağı denetleyip yeniden deneyin.
app-error-not-set-up = Bu bilgisayar henüz uzaktan yardım için ayarlanmadı. BT bölümünüze başvurun.
app-offer-heading = { $helper } bu cihazda size yardım etmek istiyor
app-offer-help = Uzaktan yardım oturumuna katılmak için kabul edin. Ekranınızı görmeden veya denetlemeden önce yine de izin istenir.
app-offer-accept = Kabul et
app-offer-decline = Reddet
app-offer-declined = Reddettiniz. Yardımcınıza bildirildi.
app-offer-notification = Uzaktan yardım oturumuna katılmak için kabul edin veya reddedin.
