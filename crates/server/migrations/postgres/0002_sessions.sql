-- Sessions: optimistic concurrency, the sweeper's deadline, presence of each participant,
-- addresses, and a lookup index for the chat thread.
ALTER TABLE sessions ADD COLUMN version BIGINT NOT NULL DEFAULT 0
-- ;;
ALTER TABLE sessions ADD COLUMN deadline BIGINT
-- ;;
ALTER TABLE sessions ADD COLUMN presence TEXT NOT NULL DEFAULT '{}'
-- ;;
ALTER TABLE sessions ADD COLUMN helper_address TEXT
-- ;;
ALTER TABLE sessions ADD COLUMN sharer_address TEXT
-- ;;
CREATE INDEX sessions_deadline ON sessions (deadline)
-- ;;
CREATE INDEX sessions_sharer ON sessions (sharer_id)
