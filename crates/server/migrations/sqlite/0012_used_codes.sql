-- A used security code is remembered until it would have expired, so that entering it again
-- says "already used" rather than "no session has this code". Statements are separated by
-- lines holding only `-- ;;`.
ALTER TABLE sessions ADD COLUMN used_code_hash TEXT
-- ;;
CREATE INDEX sessions_used_code ON sessions (tenant_id, used_code_hash)
