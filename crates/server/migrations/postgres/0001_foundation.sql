-- Foundation: tenant and settings, accounts, groups, roles, tokens, domains, sessions, chat, audit.
-- Statements are separated by lines holding only `-- ;;`.
CREATE TABLE tenants (
    id TEXT PRIMARY KEY,
    name TEXT NOT NULL,
    remote_help_enabled BIGINT NOT NULL DEFAULT 0,
    allow_unenrolled_devices BIGINT NOT NULL DEFAULT 0,
    chat_disabled BIGINT NOT NULL DEFAULT 0,
    max_session_minutes BIGINT NOT NULL DEFAULT 480,
    secret TEXT NOT NULL,
    created_at BIGINT NOT NULL
)
-- ;;
CREATE TABLE users (
    id TEXT PRIMARY KEY,
    tenant_id TEXT NOT NULL REFERENCES tenants(id),
    email TEXT NOT NULL,
    password_hash TEXT,
    full_name TEXT NOT NULL,
    job_title TEXT,
    company TEXT,
    picture_url TEXT,
    oidc_subject TEXT,
    totp_secret TEXT,
    totp_enabled BIGINT NOT NULL DEFAULT 0,
    disabled BIGINT NOT NULL DEFAULT 0,
    created_at BIGINT NOT NULL,
    updated_at BIGINT NOT NULL,
    UNIQUE (tenant_id, email)
)
-- ;;
CREATE TABLE user_pictures (
    user_id TEXT PRIMARY KEY REFERENCES users(id) ON DELETE CASCADE,
    content_type TEXT NOT NULL,
    data BYTEA NOT NULL,
    updated_at BIGINT NOT NULL
)
-- ;;
CREATE TABLE user_groups (
    id TEXT PRIMARY KEY,
    tenant_id TEXT NOT NULL REFERENCES tenants(id),
    name TEXT NOT NULL,
    description TEXT NOT NULL DEFAULT '',
    created_at BIGINT NOT NULL,
    UNIQUE (tenant_id, name)
)
-- ;;
CREATE TABLE group_members (
    group_id TEXT NOT NULL REFERENCES user_groups(id) ON DELETE CASCADE,
    user_id TEXT NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    PRIMARY KEY (group_id, user_id)
)
-- ;;
CREATE INDEX group_members_user ON group_members (user_id)
-- ;;
CREATE TABLE web_sessions (
    token_hash TEXT PRIMARY KEY,
    user_id TEXT NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    second_factor BIGINT NOT NULL DEFAULT 0,
    address TEXT,
    created_at BIGINT NOT NULL,
    expires_at BIGINT NOT NULL
)
-- ;;
CREATE TABLE api_tokens (
    id TEXT PRIMARY KEY,
    user_id TEXT NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    name TEXT NOT NULL,
    token_hash TEXT NOT NULL UNIQUE,
    created_at BIGINT NOT NULL,
    expires_at BIGINT,
    last_used_at BIGINT,
    revoked_at BIGINT
)
-- ;;
CREATE TABLE domains (
    id TEXT PRIMARY KEY,
    tenant_id TEXT NOT NULL REFERENCES tenants(id),
    domain TEXT NOT NULL,
    created_at BIGINT NOT NULL,
    UNIQUE (tenant_id, domain)
)
-- ;;
CREATE TABLE roles (
    id TEXT PRIMARY KEY,
    tenant_id TEXT NOT NULL REFERENCES tenants(id),
    name TEXT NOT NULL,
    description TEXT NOT NULL DEFAULT '',
    permissions TEXT NOT NULL,
    builtin BIGINT NOT NULL DEFAULT 0,
    created_at BIGINT NOT NULL,
    UNIQUE (tenant_id, name)
)
-- ;;
CREATE TABLE role_assignments (
    id TEXT PRIMARY KEY,
    tenant_id TEXT NOT NULL REFERENCES tenants(id),
    role_id TEXT NOT NULL REFERENCES roles(id) ON DELETE CASCADE,
    user_id TEXT REFERENCES users(id) ON DELETE CASCADE,
    group_id TEXT REFERENCES user_groups(id) ON DELETE CASCADE,
    scope_all BIGINT NOT NULL DEFAULT 0,
    scope_groups TEXT NOT NULL DEFAULT '[]',
    created_at BIGINT NOT NULL
)
-- ;;
CREATE TABLE sessions (
    id TEXT PRIMARY KEY,
    tenant_id TEXT NOT NULL REFERENCES tenants(id),
    helper_id TEXT NOT NULL REFERENCES users(id),
    sharer_id TEXT REFERENCES users(id),
    device_id TEXT,
    sharer_kind TEXT,
    code_hash TEXT UNIQUE,
    state TEXT NOT NULL,
    machine TEXT NOT NULL,
    warnings TEXT NOT NULL DEFAULT '[]',
    created_at BIGINT NOT NULL,
    expires_at BIGINT NOT NULL,
    ended_at BIGINT
)
-- ;;
CREATE INDEX sessions_tenant_created ON sessions (tenant_id, created_at)
-- ;;
CREATE INDEX sessions_helper ON sessions (helper_id)
-- ;;
CREATE TABLE chat_messages (
    id TEXT PRIMARY KEY,
    session_id TEXT NOT NULL REFERENCES sessions(id) ON DELETE CASCADE,
    seq BIGINT NOT NULL,
    sender_role TEXT NOT NULL,
    sender_id TEXT NOT NULL,
    text TEXT NOT NULL,
    sent_at BIGINT NOT NULL,
    UNIQUE (session_id, seq)
)
-- ;;
CREATE TABLE audit (
    id BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    tenant_id TEXT NOT NULL,
    at BIGINT NOT NULL,
    actor_id TEXT,
    actor TEXT NOT NULL,
    action TEXT NOT NULL,
    target TEXT,
    address TEXT,
    detail TEXT NOT NULL DEFAULT '{}'
)
-- ;;
CREATE INDEX audit_tenant_at ON audit (tenant_id, at)
-- ;;
CREATE FUNCTION audit_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION 'the audit log is append-only';
END
$$
-- ;;
CREATE TRIGGER audit_no_change BEFORE UPDATE OR DELETE ON audit FOR EACH ROW EXECUTE FUNCTION audit_append_only()
