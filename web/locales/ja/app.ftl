# The sharer's desktop app (assist-app). It also uses keys from session.ftl (live-*).

app-title = Assist: サポートを受ける
app-connecting = 接続しています…
app-helper-picture = { $helper } の写真
app-consent-title = 許可しますか?
app-consent-view = { $helper } が画面の表示を求めています。
app-consent-control = { $helper } がマウスとキーボードの操作を求めています。
app-sharing-title = Assist: 共有中
app-sharing-view = { $helper } が画面を見ています
app-sharing-control = { $helper } がマウスとキーボードを操作しています
app-stop-control = 操作を停止
app-control-stopped = 操作を停止しました: サポート担当者は画面を見るだけです。
app-pause = 一時停止
app-resume = 再開
app-paused = 一時停止中: 何も送信されません。
app-chat-open = チャット
app-chat-title = Assist: チャット
app-chat-new = { $helper } からの新しいメッセージ
app-session-over = セッションは終了しました。
app-error-unreachable = サーバーに接続できません。ネットワークを確認して、もう一度お試しください。
app-error-not-set-up = このコンピューターはまだリモート ヘルプ用に設定されていません。IT 部門にお問い合わせください。
app-offer-heading = { $helper } がこのデバイスでのサポートを申し出ています
app-offer-help = 承諾するとリモート サポートのセッションに参加します。画面の表示や操作の前には改めて許可を求められます。
app-offer-accept = 承諾
app-offer-decline = 拒否
app-offer-declined = 拒否しました。サポート担当者に通知されました。
app-offer-notification = 承諾してリモート サポートのセッションに参加するか、拒否してください。
