# 管理中心。

admin-nav = 管理区域
admin-users = 用户
admin-users-detail = 用户
admin-groups = 组
admin-groups-detail = 组
admin-roles = 角色和分配
admin-settings = 租户设置
admin-domains = 已验证的域
admin-compliance = 合规策略
admin-conditional-access = 条件访问
admin-enrollment = 注册令牌
admin-devices = 设备
admin-devices-detail = 设备
admin-reports = 会话报告
admin-audit = 审核日志

col-name = 名称
col-email = 电子邮件
col-job-title = 职位
col-company = 公司
col-status = 状态
col-created = 创建时间
col-description = 描述
col-members = 成员
col-permissions = 权限
col-role = 角色
col-assignee = 分配对象
col-scope = 范围
col-domain = 域
col-state = 状态
col-grant = 授予
col-expires = 过期时间
col-uses = 使用次数
col-os = 操作系统
col-compliance = 合规性
col-last-check-in = 上次签入
col-primary-user = 主要用户
col-helper = 协助者
col-sharer = 共享者
col-device = 设备
col-started = 开始时间
col-ended = 结束时间
col-duration = 时长
col-mode = 模式
col-outcome = 结果
col-time = 时间
col-actor = 执行者
col-action = 操作
col-target = 目标
col-address = 地址

user-new = 新建用户
user-password = 密码
user-password-help = 至少 { $min } 个字符。如果仅使用单点登录，请留空。
user-full-name = 全名
user-active = 活动
user-disabled = 已禁用
user-disable = 禁用
user-enable = 启用
user-profile = 个人资料
user-picture = 头像
user-picture-upload = 上传图片
user-picture-help = PNG、JPEG 或 WebP，最大 256 KB。
user-created = 已创建用户 { $name }。
user-reset-second-factor = 重置第二验证因素

group-new = 新建组
group-members = 成员
group-add-member = 添加成员
group-member-email = 成员的电子邮件

role-new = 新建角色
role-assign = 分配角色
role-user-email = 用户的电子邮件
role-group = 或者一个组
role-scope-all = 整个租户
role-scope-groups = 范围组
role-scope-groups-help = 协助者只能帮助这些组的成员。
role-builtin = 内置
role-assignments = 分配

settings-remote-help = 已启用远程协助
settings-unenrolled = 允许与未注册设备进行会话
settings-chat-disabled = 关闭聊天
settings-max-minutes = 最长会话时长（分钟）

domain-add = 添加域
domain-name = 域名

compliance-new = 新建合规策略
compliance-all-devices = 所有设备
compliance-disk-encryption = 要求磁盘加密
compliance-firewall = 要求防火墙
compliance-screen-lock = 要求屏幕锁定
compliance-enabled = 已启用

ca-new = 新建条件访问策略
ca-all-users = 所有用户
ca-require-second-factor = 要求第二验证因素
ca-addresses = 客户端地址（CIDR，每行一个）
ca-state-enabled = 已启用
ca-state-disabled = 已禁用
ca-state-report-only = 仅报告
ca-grant-allow = 允许
ca-grant-second-factor = 要求第二验证因素
ca-grant-block = 阻止

enrollment-new = 新建注册令牌
enrollment-hours = 有效期（小时）
enrollment-max-uses = 最多使用次数
enrollment-created = 请立即复制此令牌：它只显示一次。
enrollment-revoke = 吊销
enrollment-revoked = 已吊销

device-filter-compliance = 合规性
device-filter-os = 操作系统
device-filter-search = 搜索
device-any = 任意
device-compliant = 合规
device-not-compliant = 不合规
device-not-evaluated = 未评估
device-facts = 设备信息
device-reasons = 合规原因
device-recent-sessions = 最近的会话
device-new-session = 新建远程协助会话
device-agent-version = 代理版本
device-enrolled = 已注册
device-retired = 已停用

reports-from = 从
reports-to = 至
reports-csv = 下载 CSV
audit-action-filter = 操作
