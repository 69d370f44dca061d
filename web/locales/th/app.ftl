# The sharer's desktop app (assist-app). It also uses keys from session.ftl (live-*).

app-title = Assist: ขอความช่วยเหลือ
app-connecting = กำลังเชื่อมต่อ…
app-helper-picture = รูปภาพของ { $helper }
app-consent-title = อนุญาตหรือไม่
app-consent-view = { $helper } ขอดูหน้าจอของคุณ
app-consent-control = { $helper } ขอควบคุมเมาส์และแป้นพิมพ์ของคุณ
app-sharing-title = Assist: กำลังแชร์
app-sharing-view = { $helper } เห็นหน้าจอของคุณ
app-sharing-control = { $helper } ควบคุมเมาส์และแป้นพิมพ์ของคุณ
app-stop-control = หยุดการควบคุม
app-control-stopped = หยุดการควบคุมแล้ว: ผู้ช่วยเห็นหน้าจอของคุณเท่านั้น
app-pause = หยุดชั่วคราว
app-resume = ทำต่อ
app-paused = หยุดชั่วคราว: ไม่มีการส่งข้อมูลใด ๆ
app-chat-open = แชท
app-chat-title = Assist: แชท
app-chat-new = ข้อความใหม่จาก { $helper }
app-session-over = เซสชันสิ้นสุดแล้ว
app-error-unreachable = ไม่สามารถเข้าถึงเซิร์ฟเวอร์ได้ ตรวจสอบเครือข่ายแล้วลองอีกครั้ง
app-error-not-set-up = คอมพิวเตอร์เครื่องนี้ยังไม่ได้ตั้งค่าสำหรับความช่วยเหลือระยะไกล โปรดติดต่อฝ่ายไอที
app-offer-heading = { $helper } ต้องการช่วยคุณบนอุปกรณ์นี้
app-offer-help = ยอมรับเพื่อเข้าร่วมเซสชันความช่วยเหลือระยะไกล ผู้ช่วยยังต้องขออนุญาตก่อนดูหรือควบคุมหน้าจอของคุณ
app-offer-accept = ยอมรับ
app-offer-decline = ปฏิเสธ
app-offer-declined = คุณปฏิเสธแล้ว ผู้ช่วยได้รับแจ้งแล้ว
app-offer-notification = ยอมรับเพื่อเข้าร่วมเซสชันความช่วยเหลือระยะไกล หรือปฏิเสธ
