-- Presence connection ids as columns. Statements are separated by lines holding only `-- ;;`.
-- Each side's current connection id (`{node}.{random}`) moves out of the presence JSON into a
-- column of its own, with the node that holds it, indexed: dead-node cleanup finds the sessions
-- a node held by equality on an index, not by a LIKE scan of JSON text.
ALTER TABLE sessions ADD COLUMN helper_conn TEXT
-- ;;
ALTER TABLE sessions ADD COLUMN sharer_conn TEXT
-- ;;
ALTER TABLE sessions ADD COLUMN helper_node TEXT
-- ;;
ALTER TABLE sessions ADD COLUMN sharer_node TEXT
-- ;;
UPDATE sessions SET helper_conn = CAST(presence AS JSONB) ->> 'helper_conn',
    sharer_conn = CAST(presence AS JSONB) ->> 'sharer_conn'
-- ;;
UPDATE sessions SET helper_node = split_part(helper_conn, '.', 1)
WHERE strpos(helper_conn, '.') > 0
-- ;;
UPDATE sessions SET sharer_node = split_part(sharer_conn, '.', 1)
WHERE strpos(sharer_conn, '.') > 0
-- ;;
UPDATE sessions SET presence = CAST(CAST(presence AS JSONB) - 'helper_conn' - 'sharer_conn' AS TEXT)
-- ;;
CREATE INDEX sessions_helper_node ON sessions (helper_node)
-- ;;
CREATE INDEX sessions_sharer_node ON sessions (sharer_node)
