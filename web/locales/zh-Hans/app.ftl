# The sharer's desktop app (assist-app). It also uses keys from session.ftl (live-*).

app-title = Assist：获取帮助
app-connecting = 正在连接…
app-helper-picture = { $helper } 的照片
app-consent-title = 是否允许？
app-consent-view = { $helper } 请求查看你的屏幕。
app-consent-control = { $helper } 请求控制你的鼠标和键盘。
app-sharing-title = Assist：正在共享
app-sharing-view = { $helper } 正在查看你的屏幕
app-sharing-control = { $helper } 正在控制你的鼠标和键盘
app-stop-control = 停止控制
app-control-stopped = 已停止控制：帮助者只能查看你的屏幕。
app-pause = 暂停
app-resume = 继续
app-paused = 已暂停：不发送任何内容。
app-chat-open = 聊天
app-chat-title = Assist：聊天
app-chat-new = 来自 { $helper } 的新消息
app-session-over = 会话已结束。
app-error-unreachable = 无法连接服务器。请检查网络后重试。
app-error-not-set-up = 此电脑尚未设置远程协助。请联系 IT 部门。
app-offer-heading = { $helper } 想在这台设备上为你提供帮助
app-offer-help = 接受即可加入远程协助会话。对方在查看或控制你的屏幕之前仍会征求你的同意。
app-offer-accept = 接受
app-offer-decline = 拒绝
app-offer-declined = 你已拒绝。已通知协助者。
app-offer-notification = 接受以加入远程协助会话，或拒绝。
