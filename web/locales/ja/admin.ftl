# 管理センター。

admin-nav = 管理メニュー
admin-users = ユーザー
admin-users-detail = ユーザー
admin-groups = グループ
admin-groups-detail = グループ
admin-roles = ロールと割り当て
admin-settings = テナントの設定
admin-domains = 検証済みドメイン
admin-compliance = コンプライアンス ポリシー
admin-conditional-access = 条件付きアクセス
admin-enrollment = 登録トークン
admin-devices = デバイス
admin-devices-detail = デバイス
admin-reports = セッション レポート
admin-audit = 監査ログ

col-name = 名前
col-email = メールアドレス
col-job-title = 役職
col-company = 会社
col-status = 状態
col-created = 作成日時
col-description = 説明
col-members = メンバー
col-permissions = アクセス許可
col-role = ロール
col-assignee = 割り当て先
col-scope = スコープ
col-domain = ドメイン
col-state = 状態
col-grant = 許可の制御
col-expires = 有効期限
col-uses = 使用回数
col-os = オペレーティング システム
col-compliance = コンプライアンス
col-last-check-in = 最終チェックイン
col-primary-user = プライマリ ユーザー
col-helper = サポート担当者
col-sharer = 共有者
col-device = デバイス
col-started = 開始
col-ended = 終了
col-duration = 所要時間
col-mode = モード
col-outcome = 結果
col-time = 日時
col-actor = 実行者
col-action = 操作
col-target = 対象
col-address = アドレス

user-new = 新しいユーザー
user-password = パスワード
user-password-help = { $min } 文字以上。シングル サインオンのみを使う場合は空欄のままにします。
user-full-name = 氏名
user-active = 有効
user-disabled = 無効
user-disable = 無効にする
user-enable = 有効にする
user-profile = プロファイル
user-picture = プロファイル画像
user-picture-upload = 画像をアップロード
user-picture-help = PNG、JPEG、WebP 形式、256 KB まで。
user-created = ユーザー { $name } を作成しました。
user-reset-second-factor = 2 段階認証をリセット

group-new = 新しいグループ
group-members = メンバー
group-add-member = メンバーを追加
group-member-email = メンバーのメールアドレス

role-new = 新しいロール
role-assign = ロールを割り当てる
role-user-email = ユーザーのメールアドレス
role-group = またはグループ
role-scope-all = テナント全体
role-scope-groups = スコープ グループ
role-scope-groups-help = サポート担当者は、これらのグループのメンバーだけをサポートできます。
role-builtin = 組み込み
role-assignments = 割り当て

settings-remote-help = リモート ヘルプを有効にする
settings-unenrolled = 未登録デバイスとのセッションを許可する
settings-chat-disabled = チャットを無効にする
settings-max-minutes = セッションの最大時間 (分)

domain-add = ドメインを追加
domain-name = ドメイン名

compliance-new = 新しいコンプライアンス ポリシー
compliance-all-devices = すべてのデバイス
compliance-disk-encryption = ディスクの暗号化を必須にする
compliance-firewall = ファイアウォールを必須にする
compliance-screen-lock = 画面ロックを必須にする
compliance-enabled = 有効

ca-new = 新しい条件付きアクセス ポリシー
ca-all-users = すべてのユーザー
ca-require-second-factor = 2 段階認証を必須にする
ca-addresses = クライアント アドレス (CIDR、1 行に 1 つ)
ca-state-enabled = 有効
ca-state-disabled = 無効
ca-state-report-only = レポートのみ
ca-grant-allow = 許可
ca-grant-second-factor = 2 段階認証が必要
ca-grant-block = ブロック

enrollment-new = 新しい登録トークン
enrollment-hours = 有効期間 (時間)
enrollment-max-uses = 最大使用回数
enrollment-created = このトークンを今すぐコピーしてください。表示されるのはこの 1 回だけです。
enrollment-revoke = 取り消す
enrollment-revoked = 取り消し済み

device-filter-compliance = コンプライアンス
device-filter-os = オペレーティング システム
device-filter-search = 検索
device-any = すべて
device-compliant = 準拠
device-not-compliant = 非準拠
device-not-evaluated = 未評価
device-facts = デバイス情報
device-reasons = コンプライアンスの理由
device-recent-sessions = 最近のセッション
device-new-session = 新しいリモート ヘルプ セッション
device-agent-version = エージェントのバージョン
device-enrolled = 登録日時
device-retired = 廃止日時

reports-from = 開始日
reports-to = 終了日
reports-csv = CSV をダウンロード
audit-action-filter = 操作
