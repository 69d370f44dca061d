# 系統管理中心。

admin-nav = 管理區域
admin-users = 使用者
admin-users-detail = 使用者
admin-groups = 群組
admin-groups-detail = 群組
admin-roles = 角色與指派
admin-settings = 租用戶設定
admin-domains = 已驗證的網域
admin-compliance = 合規性原則
admin-conditional-access = 條件式存取
admin-enrollment = 註冊權杖
admin-devices = 裝置
admin-devices-detail = 裝置
admin-reports = 工作階段報告
admin-audit = 稽核記錄

col-name = 名稱
col-email = 電子郵件
col-job-title = 職稱
col-company = 公司
col-status = 狀態
col-created = 建立時間
col-description = 描述
col-members = 成員
col-permissions = 權限
col-role = 角色
col-assignee = 指派對象
col-scope = 範圍
col-domain = 網域
col-state = 狀態
col-grant = 授與
col-expires = 到期時間
col-uses = 使用次數
col-os = 作業系統
col-compliance = 合規性
col-last-check-in = 上次簽入
col-primary-user = 主要使用者
col-helper = 協助者
col-sharer = 分享者
col-device = 裝置
col-started = 開始時間
col-ended = 結束時間
col-duration = 持續時間
col-mode = 模式
col-outcome = 結果
col-time = 時間
col-actor = 執行者
col-action = 動作
col-target = 目標
col-address = 位址

user-new = 新增使用者
user-password = 密碼
user-password-help = 至少 { $min } 個字元。如果只使用單一登入，請留空。
user-full-name = 全名
user-active = 使用中
user-disabled = 已停用
user-disable = 停用
user-enable = 啟用
user-profile = 個人資料
user-picture = 大頭貼
user-picture-upload = 上傳圖片
user-picture-help = PNG、JPEG 或 WebP，最大 256 KB。
user-created = 已建立使用者 { $name }。
user-reset-second-factor = 重設第二驗證因素

group-new = 新增群組
group-members = 成員
group-add-member = 新增成員
group-member-email = 成員的電子郵件

role-new = 新增角色
role-assign = 指派角色
role-user-email = 使用者的電子郵件
role-group = 或一個群組
role-scope-all = 整個租用戶
role-scope-groups = 範圍群組
role-scope-groups-help = 協助者只能協助這些群組的成員。
role-builtin = 內建
role-assignments = 指派

settings-remote-help = 已啟用遠端協助
settings-unenrolled = 允許與未註冊的裝置進行工作階段
settings-chat-disabled = 關閉聊天
settings-max-minutes = 工作階段最長時間（分鐘）

domain-add = 新增網域
domain-name = 網域名稱

compliance-new = 新增合規性原則
compliance-all-devices = 所有裝置
compliance-disk-encryption = 要求磁碟加密
compliance-firewall = 要求防火牆
compliance-screen-lock = 要求螢幕鎖定
compliance-enabled = 已啟用

ca-new = 新增條件式存取原則
ca-all-users = 所有使用者
ca-require-second-factor = 要求第二驗證因素
ca-addresses = 用戶端位址（CIDR，每行一個）
ca-state-enabled = 已啟用
ca-state-disabled = 已停用
ca-state-report-only = 僅報告
ca-grant-allow = 允許
ca-grant-second-factor = 要求第二驗證因素
ca-grant-block = 封鎖

enrollment-new = 新增註冊權杖
enrollment-hours = 有效期（小時）
enrollment-max-uses = 最多使用次數
enrollment-created = 請立即複製此權杖：它只會顯示一次。
enrollment-revoke = 撤銷
enrollment-revoked = 已撤銷

device-filter-compliance = 合規性
device-filter-os = 作業系統
device-filter-search = 搜尋
device-any = 任何
device-compliant = 符合規範
device-not-compliant = 不符合規範
device-not-evaluated = 未評估
device-facts = 裝置資訊
device-reasons = 合規性原因
device-recent-sessions = 最近的工作階段
device-new-session = 新增遠端協助工作階段
device-agent-version = 代理程式版本
device-enrolled = 已註冊
device-retired = 已淘汰

reports-from = 從
reports-to = 至
reports-csv = 下載 CSV
audit-action-filter = 動作
