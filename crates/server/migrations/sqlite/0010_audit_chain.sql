-- A tamper-evident audit log. Statements are separated by lines holding only `-- ;;`.
-- Each entry carries its place in its tenant's chain (`seq`: 1, 2, ...) and a hash over the
-- previous entry's hash and its own fields (`crate::audit::chain` describes the encoding).
-- `audit_chain` holds each tenant's last link. SQLite has one writer at a time; the store
-- computes each link inside the appending transaction, and an entry without one is refused.
-- The existing entries are chained by the step marked `hook` below, in id order.
CREATE TABLE audit_chain (
    tenant_id TEXT PRIMARY KEY,
    seq BIGINT NOT NULL,
    hash TEXT NOT NULL
)
-- ;;
ALTER TABLE audit ADD COLUMN seq BIGINT
-- ;;
ALTER TABLE audit ADD COLUMN hash TEXT
-- ;;
DROP TRIGGER audit_no_update
-- ;;
-- hook: chain the existing audit entries
-- ;;
CREATE UNIQUE INDEX audit_tenant_seq ON audit (tenant_id, seq)
-- ;;
CREATE TRIGGER audit_no_update BEFORE UPDATE ON audit BEGIN SELECT RAISE(ABORT, 'the audit log is append-only'); END
-- ;;
CREATE TRIGGER audit_unlinked BEFORE INSERT ON audit WHEN NEW.seq IS NULL OR NEW.hash IS NULL
BEGIN SELECT RAISE(ABORT, 'an audit entry needs its link in the chain'); END
