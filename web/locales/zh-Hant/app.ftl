# The sharer's desktop app (assist-app). It also uses keys from session.ftl (live-*).

app-title = Assist：取得協助
app-connecting = 正在連線…
app-helper-picture = { $helper } 的照片
app-consent-title = 是否允許？
app-consent-view = { $helper } 要求檢視你的螢幕。
app-consent-control = { $helper } 要求控制你的滑鼠和鍵盤。
app-sharing-title = Assist：正在分享
app-sharing-view = { $helper } 正在檢視你的螢幕
app-sharing-control = { $helper } 正在控制你的滑鼠和鍵盤
app-stop-control = 停止控制
app-control-stopped = 已停止控制：協助者只能檢視你的螢幕。
app-pause = 暫停
app-resume = 繼續
app-paused = 已暫停：不傳送任何內容。
app-chat-open = 聊天
app-chat-title = Assist：聊天
app-chat-new = 來自 { $helper } 的新訊息
app-session-over = 工作階段已結束。
app-error-unreachable = 無法連線到伺服器。請檢查網路後再試一次。
app-error-not-set-up = 這台電腦尚未設定遠端協助。請聯絡 IT 部門。
app-offer-heading = { $helper } 想在這台裝置上為你提供協助
app-offer-help = 接受即可加入遠端協助工作階段。對方在檢視或控制你的螢幕之前仍會徵求你的同意。
app-offer-accept = 接受
app-offer-decline = 拒絕
app-offer-declined = 你已拒絕。已通知協助者。
app-offer-notification = 接受以加入遠端協助工作階段，或拒絕。
