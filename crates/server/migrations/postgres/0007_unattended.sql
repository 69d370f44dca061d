-- Unattended consent. Statements are separated by lines holding only `-- ;;`.
-- Whether the helper's sign-in used a second factor when the session was created: conditional
-- access is evaluated for the helper again at the moment of an unattended allow.
ALTER TABLE sessions ADD COLUMN helper_second_factor BIGINT NOT NULL DEFAULT 0
-- ;;
-- 1 once the sharer's agent allowed a request without asking the sharer (unattended consent).
ALTER TABLE sessions ADD COLUMN unattended BIGINT NOT NULL DEFAULT 0
