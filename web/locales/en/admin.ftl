# The admin center.

admin-nav = Admin areas
admin-users = Users
admin-users-detail = User
admin-groups = Groups
admin-groups-detail = Group
admin-roles = Roles and assignments
admin-settings = Tenant settings
admin-domains = Verified domains
admin-compliance = Compliance policies
admin-conditional-access = Conditional access
admin-enrollment = Enrollment tokens
admin-devices = Devices
admin-devices-detail = Device
admin-reports = Session reports
admin-audit = Audit log

col-name = Name
col-email = Email
col-job-title = Job title
col-company = Company
col-status = Status
col-created = Created
col-description = Description
col-members = Members
col-permissions = Permissions
col-role = Role
col-assignee = Assigned to
col-scope = Scope
col-domain = Domain
col-state = State
col-grant = Grant
col-expires = Expires
col-uses = Uses
col-os = Operating system
col-compliance = Compliance
col-last-check-in = Last check-in
col-primary-user = Primary user
col-helper = Helper
col-sharer = Sharer
col-device = Device
col-started = Started
col-ended = Ended
col-duration = Duration
col-mode = Mode
col-outcome = Outcome
col-time = Time
col-actor = Actor
col-action = Action
col-target = Target
col-address = Address

user-new = New user
user-password = Password
user-password-help = At least { $min } characters. Leave empty for single sign-on only.
user-full-name = Full name
user-active = Active
user-disabled = Disabled
user-disable = Disable
user-enable = Enable
user-profile = Profile
user-picture = Profile picture
user-picture-upload = Upload picture
user-picture-help = PNG, JPEG or WebP, at most 256 KB.
user-created = User { $name } created.
user-reset-second-factor = Reset second factor

group-new = New group
group-members = Members
group-add-member = Add member
group-member-email = Member's email

role-new = New role
role-assign = Assign a role
role-user-email = User's email
role-group = Or a group
role-scope-all = The whole tenant
role-scope-groups = Scope groups
role-scope-groups-help = Helpers can help only members of these groups.
role-builtin = Built-in
role-assignments = Assignments

settings-remote-help = Remote Help enabled
settings-unenrolled = Allow sessions with unenrolled devices
settings-chat-disabled = Turn chat off
settings-max-minutes = Maximum session length (minutes)

domain-add = Add domain
domain-name = Domain name

compliance-new = New compliance policy
compliance-all-devices = All devices
compliance-disk-encryption = Require disk encryption
compliance-firewall = Require a firewall
compliance-screen-lock = Require a screen lock
compliance-enabled = Enabled

ca-new = New conditional-access policy
ca-all-users = All users
ca-require-second-factor = Require a second factor
ca-addresses = Client addresses (CIDR, one per line)
ca-state-enabled = Enabled
ca-state-disabled = Disabled
ca-state-report-only = Report only
ca-grant-allow = Allow
ca-grant-second-factor = Require second factor
ca-grant-block = Block

enrollment-new = New enrollment token
enrollment-hours = Valid for (hours)
enrollment-max-uses = Maximum uses
enrollment-created = Copy this token now: it is shown only once.
enrollment-revoke = Revoke
enrollment-revoked = Revoked

device-filter-compliance = Compliance
device-filter-os = Operating system
device-filter-search = Search
device-any = Any
device-compliant = Compliant
device-not-compliant = Not compliant
device-not-evaluated = Not evaluated
device-facts = Facts
device-reasons = Compliance reasons
device-recent-sessions = Recent sessions
device-new-session = New remote help session
device-agent-version = Agent version
device-enrolled = Enrolled
device-retired = Retired

reports-from = From
reports-to = To
reports-csv = Download CSV
audit-action-filter = Action
