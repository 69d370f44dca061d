-- A tamper-evident audit log. Statements are separated by lines holding only `-- ;;`.
-- Each entry carries its place in its tenant's chain (`seq`: 1, 2, ...) and a hash over the
-- previous entry's hash and its own fields (`crate::audit::chain` describes the encoding).
-- `audit_chain` holds each tenant's last link; appending takes that row until the commit, so
-- appends of one tenant (from any node) chain one after another, never forking. On PostgreSQL a
-- trigger computes the link of every inserted row (so every insert, whatever its statement, is
-- chained); the existing entries are chained by the step marked `hook` below, in id order.
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
DROP TRIGGER audit_no_change ON audit
-- ;;
-- hook: chain the existing audit entries
-- ;;
CREATE UNIQUE INDEX audit_tenant_seq ON audit (tenant_id, seq)
-- ;;
CREATE FUNCTION audit_field(v TEXT) RETURNS TEXT LANGUAGE sql IMMUTABLE AS $$
    SELECT CASE WHEN v IS NULL THEN '-' ELSE octet_length(convert_to(v, 'UTF8')) || ':' || v END
$$
-- ;;
CREATE FUNCTION audit_link() RETURNS trigger LANGUAGE plpgsql VOLATILE AS $$
DECLARE
    head_seq BIGINT;
    head_hash TEXT;
BEGIN
    INSERT INTO audit_chain (tenant_id, seq, hash) VALUES (NEW.tenant_id, 0, '')
    ON CONFLICT (tenant_id) DO UPDATE SET seq = audit_chain.seq
    RETURNING seq, hash INTO head_seq, head_hash;
    NEW.seq := head_seq + 1;
    NEW.hash := encode(sha256(convert_to(
        head_hash || E'\n' || audit_field(NEW.seq::text) || audit_field(NEW.tenant_id)
        || audit_field(NEW.at::text) || audit_field(NEW.actor_id) || audit_field(NEW.actor)
        || audit_field(NEW.action) || audit_field(NEW.target) || audit_field(NEW.address)
        || audit_field(NEW.detail), 'UTF8')), 'hex');
    UPDATE audit_chain SET seq = NEW.seq, hash = NEW.hash WHERE tenant_id = NEW.tenant_id;
    RETURN NEW;
END
$$
-- ;;
CREATE TRIGGER audit_link BEFORE INSERT ON audit FOR EACH ROW EXECUTE FUNCTION audit_link()
-- ;;
CREATE TRIGGER audit_no_change BEFORE UPDATE OR DELETE ON audit FOR EACH ROW EXECUTE FUNCTION audit_append_only()
-- ;;
CREATE TRIGGER audit_no_truncate BEFORE TRUNCATE ON audit FOR EACH STATEMENT EXECUTE FUNCTION audit_append_only()
-- ;;
CREATE TRIGGER audit_chain_no_truncate BEFORE TRUNCATE ON audit_chain FOR EACH STATEMENT EXECUTE FUNCTION audit_append_only()
