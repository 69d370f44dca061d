-- Clipboard and file transfer. Statements are separated by lines holding only `-- ;;`.
-- The tenant can turn file transfer off, and caps the size of one file (bytes; the default is
-- DEFAULT_MAX_TRANSFER_BYTES of limits.rs, 2 GiB).
ALTER TABLE tenants ADD COLUMN file_transfer_disabled BIGINT NOT NULL DEFAULT 0
-- ;;
ALTER TABLE tenants ADD COLUMN max_transfer_bytes BIGINT NOT NULL DEFAULT 2147483648
-- ;;
-- One row per file transfer of a session: opened when the helper's page asks to send or to
-- receive a file, closed with its outcome (and, when completed, the SHA-256 both sides checked).
CREATE TABLE transfers (
    id TEXT PRIMARY KEY,
    tenant_id TEXT NOT NULL REFERENCES tenants(id),
    session_id TEXT NOT NULL REFERENCES sessions(id) ON DELETE CASCADE,
    actor_id TEXT NOT NULL,
    direction TEXT NOT NULL,
    name TEXT NOT NULL,
    size BIGINT NOT NULL,
    sha256 TEXT,
    outcome TEXT,
    bytes_done BIGINT NOT NULL DEFAULT 0,
    started_at BIGINT NOT NULL,
    finished_at BIGINT
)
-- ;;
CREATE INDEX transfers_session ON transfers (session_id, started_at)
-- ;;
-- The built-in roles that give full control also give clipboard and files (new permissions).
UPDATE roles SET permissions =
    substr(permissions, 1, length(permissions) - 1) || ',"remote_help.clipboard","remote_help.files"]'
WHERE builtin = 1 AND name IN ('Administrator', 'Help Desk Operator')
    AND permissions LIKE '[%]' AND permissions <> '[]'
    AND permissions NOT LIKE '%remote_help.files%'
