-- The chat thread's counter. Statements are separated by lines holding only `-- ;;`.
-- The number of the last message of each session's thread. Appending takes the next numbers by
-- raising it, which also takes this row until the commit: two nodes appending to one thread at
-- once wait for each other instead of taking the same numbers. A narrow table of its own, so
-- that raising it touches no index and no session row (the rows leave room on their pages for
-- the next version).
CREATE TABLE chat_threads (
    session_id TEXT PRIMARY KEY REFERENCES sessions(id) ON DELETE CASCADE,
    last_seq BIGINT NOT NULL
) WITH (fillfactor = 50)
-- ;;
INSERT INTO chat_threads (session_id, last_seq)
SELECT session_id, MAX(seq) FROM chat_messages GROUP BY session_id
