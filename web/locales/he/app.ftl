# The sharer's desktop app (assist-app). It also uses keys from session.ftl (live-*).

app-title = Assist: קבלת עזרה
app-connecting = מתחבר…
app-helper-picture = התמונה של { $helper }
app-consent-title = לאשר?
app-consent-view = { $helper } מבקש לראות את המסך שלך.
app-consent-control = { $helper } מבקש לשלוט בעכבר ובמקלדת שלך.
app-sharing-title = Assist: שיתוף מסך
app-sharing-view = { $helper } רואה את המסך שלך
app-sharing-control = { $helper } שולט בעכבר ובמקלדת שלך
app-stop-control = הפסקת השליטה
app-control-stopped = השליטה הופסקה: העוזר רק רואה את המסך שלך.
app-pause = השהיה
app-resume = המשך
app-paused = מושהה: שום דבר לא נשלח.
app-chat-open = צ׳אט
app-chat-title = Assist: צ׳אט
app-chat-new = הודעה חדשה מ{ $helper }
app-session-over = הפגישה הסתיימה.
app-error-unreachable = אין גישה לשרת. בדקו את הרשת ונסו שוב.
app-error-not-set-up = המחשב הזה עדיין לא מוגדר לעזרה מרחוק. פנו למחלקת ה-IT.
app-offer-heading = { $helper } רוצה לעזור לך במכשיר הזה
app-offer-help = אשר כדי להצטרף להפעלת העזרה מרחוק. עדיין תתבקש רשות לפני צפייה במסך שלך או שליטה בו.
app-offer-accept = קבל
app-offer-decline = דחה
app-offer-declined = דחית. העוזר שלך קיבל הודעה.
app-offer-notification = אשר כדי להצטרף להפעלת העזרה מרחוק, או דחה.
