-- Access: conditional-access policies, second-factor recovery codes and replay guard, single
-- sign-on settings and pending single sign-on logins. Statements are separated by lines holding
-- only `-- ;;`.
CREATE TABLE ca_policies (
    id TEXT PRIMARY KEY,
    tenant_id TEXT NOT NULL REFERENCES tenants(id),
    name TEXT NOT NULL,
    description TEXT NOT NULL DEFAULT '',
    state TEXT NOT NULL,
    targets TEXT NOT NULL,
    conditions TEXT NOT NULL,
    grant_control TEXT NOT NULL,
    created_at BIGINT NOT NULL,
    updated_at BIGINT NOT NULL,
    UNIQUE (tenant_id, name)
)
-- ;;
CREATE TABLE totp_recovery_codes (
    id TEXT PRIMARY KEY,
    user_id TEXT NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    code_hash TEXT NOT NULL,
    created_at BIGINT NOT NULL,
    used_at BIGINT
)
-- ;;
CREATE INDEX totp_recovery_codes_user ON totp_recovery_codes (user_id)
-- ;;
ALTER TABLE users ADD COLUMN totp_last_step BIGINT
-- ;;
CREATE TABLE oidc_settings (
    tenant_id TEXT PRIMARY KEY REFERENCES tenants(id),
    enabled BIGINT NOT NULL DEFAULT 0,
    issuer TEXT NOT NULL,
    client_id TEXT NOT NULL,
    client_secret TEXT,
    allowed_domains TEXT NOT NULL DEFAULT '[]',
    button_label TEXT NOT NULL,
    updated_at BIGINT NOT NULL
)
-- ;;
CREATE TABLE oidc_logins (
    state_hash TEXT PRIMARY KEY,
    tenant_id TEXT NOT NULL REFERENCES tenants(id),
    nonce TEXT NOT NULL,
    pkce_verifier TEXT NOT NULL,
    redirect_uri TEXT NOT NULL,
    created_at BIGINT NOT NULL,
    expires_at BIGINT NOT NULL
)
-- ;;
CREATE INDEX oidc_logins_expires ON oidc_logins (expires_at)
