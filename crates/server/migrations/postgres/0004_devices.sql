-- Devices: enrollment tokens, enrolled devices, compliance policies, and the nonces of signed agent
-- requests. Statements are separated by lines holding only `-- ;;`.
CREATE TABLE enrollment_tokens (
    id TEXT PRIMARY KEY,
    tenant_id TEXT NOT NULL REFERENCES tenants(id),
    name TEXT NOT NULL,
    token_hash TEXT NOT NULL UNIQUE,
    user_id TEXT REFERENCES users(id) ON DELETE SET NULL,
    max_uses BIGINT NOT NULL,
    uses BIGINT NOT NULL DEFAULT 0,
    created_by TEXT,
    created_at BIGINT NOT NULL,
    expires_at BIGINT NOT NULL,
    last_used_at BIGINT,
    revoked_at BIGINT
)
-- ;;
CREATE INDEX enrollment_tokens_tenant ON enrollment_tokens (tenant_id, created_at)
-- ;;
CREATE TABLE devices (
    id TEXT PRIMARY KEY,
    tenant_id TEXT NOT NULL REFERENCES tenants(id),
    name TEXT NOT NULL,
    os_id TEXT NOT NULL DEFAULT '',
    os_name TEXT NOT NULL DEFAULT '',
    os_version TEXT NOT NULL DEFAULT '',
    kernel TEXT NOT NULL DEFAULT '',
    agent_version TEXT NOT NULL DEFAULT '',
    primary_user_id TEXT REFERENCES users(id) ON DELETE SET NULL,
    primary_user_login TEXT,
    primary_user_pinned BIGINT NOT NULL DEFAULT 0,
    public_key TEXT NOT NULL UNIQUE,
    facts TEXT NOT NULL DEFAULT '{}',
    compliance TEXT NOT NULL DEFAULT 'not_evaluated',
    compliance_reasons TEXT NOT NULL DEFAULT '[]',
    evaluated_at BIGINT,
    enrollment_token_id TEXT REFERENCES enrollment_tokens(id) ON DELETE SET NULL,
    enrolled_at BIGINT NOT NULL,
    last_check_in BIGINT NOT NULL,
    last_boot BIGINT,
    retired_at BIGINT
)
-- ;;
CREATE INDEX devices_tenant_name ON devices (tenant_id, name)
-- ;;
CREATE INDEX devices_tenant_check_in ON devices (tenant_id, last_check_in)
-- ;;
CREATE INDEX devices_primary_user ON devices (primary_user_id)
-- ;;
CREATE INDEX device_sessions_recent ON sessions (device_id, created_at)
-- ;;
CREATE TABLE compliance_policies (
    id TEXT PRIMARY KEY,
    tenant_id TEXT NOT NULL REFERENCES tenants(id),
    name TEXT NOT NULL,
    description TEXT NOT NULL DEFAULT '',
    enabled BIGINT NOT NULL DEFAULT 1,
    all_devices BIGINT NOT NULL DEFAULT 0,
    rules TEXT NOT NULL,
    created_at BIGINT NOT NULL,
    updated_at BIGINT NOT NULL,
    UNIQUE (tenant_id, name)
)
-- ;;
CREATE TABLE compliance_policy_groups (
    policy_id TEXT NOT NULL REFERENCES compliance_policies(id) ON DELETE CASCADE,
    group_id TEXT NOT NULL REFERENCES user_groups(id) ON DELETE CASCADE,
    PRIMARY KEY (policy_id, group_id)
)
-- ;;
CREATE TABLE device_nonces (
    device_id TEXT NOT NULL REFERENCES devices(id) ON DELETE CASCADE,
    nonce TEXT NOT NULL,
    expires_at BIGINT NOT NULL,
    PRIMARY KEY (device_id, nonce)
)
-- ;;
CREATE INDEX device_nonces_expiry ON device_nonces (expires_at)
