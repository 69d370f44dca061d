-- Single sign-on for the native agent (RFC 8252 loopback redirect). Statements are separated by
-- lines holding only `-- ;;`.
-- A login started by the agent carries where to send the browser back (a loopback URL), the
-- agent's own state and its PKCE challenge (S256).
ALTER TABLE oidc_logins ADD COLUMN agent_redirect TEXT
-- ;;
ALTER TABLE oidc_logins ADD COLUMN agent_state TEXT
-- ;;
ALTER TABLE oidc_logins ADD COLUMN agent_challenge TEXT
-- ;;
-- One-time codes handed to the agent after a single sign-on: stored hashed, single use,
-- short-lived, bound to the user and to the agent's challenge.
CREATE TABLE agent_login_codes (
    code_hash TEXT PRIMARY KEY,
    tenant_id TEXT NOT NULL REFERENCES tenants(id),
    user_id TEXT NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    challenge TEXT NOT NULL,
    created_at BIGINT NOT NULL,
    expires_at BIGINT NOT NULL
)
-- ;;
CREATE INDEX agent_login_codes_expires ON agent_login_codes (expires_at)
