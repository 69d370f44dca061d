# The sharer's desktop app (assist-app). It also uses keys from session.ftl (live-*).

app-title = Assist: الحصول على مساعدة
app-connecting = جارٍ الاتصال…
app-helper-picture = صورة { $helper }
app-consent-title = هل تسمح؟
app-consent-view = يطلب { $helper } رؤية شاشتك.
app-consent-control = يطلب { $helper } التحكم في الفأرة ولوحة المفاتيح.
app-sharing-title = Assist: مشاركة الشاشة
app-sharing-view = { $helper } يرى شاشتك
app-sharing-control = { $helper } يتحكم في الفأرة ولوحة المفاتيح
app-stop-control = إيقاف التحكم
app-control-stopped = توقف التحكم: مساعدك يرى شاشتك فقط.
app-pause = إيقاف مؤقت
app-resume = استئناف
app-paused = متوقف مؤقتًا: لا يُرسل شيء.
app-chat-open = المحادثة
app-chat-title = Assist: المحادثة
app-chat-new = رسالة جديدة من { $helper }
app-session-over = انتهت الجلسة.
app-error-unreachable = تعذّر الوصول إلى الخادم. تحقّق من الشبكة وحاول مرة أخرى.
app-error-not-set-up = هذا الحاسوب غير مُعدّ للمساعدة عن بُعد بعد. اطلب ذلك من قسم تقنية المعلومات.
app-offer-heading = يريد { $helper } مساعدتك على هذا الجهاز
app-offer-help = اقبل للانضمام إلى جلسة المساعدة عن بُعد. سيطلب الإذن قبل أن يرى شاشتك أو يتحكم فيها.
app-offer-accept = قبول
app-offer-decline = رفض
app-offer-declined = لقد رفضت. تم إبلاغ المساعد.
app-offer-notification = اقبل للانضمام إلى جلسة المساعدة عن بُعد، أو ارفض.
