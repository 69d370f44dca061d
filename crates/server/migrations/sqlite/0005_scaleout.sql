-- Scale-out: state every node must see. Statements are separated by lines holding only `-- ;;`.
-- Failure counters of the rate limits (sign-in, security codes, enrollment, ...), one fixed window
-- per key, updated with one atomic upsert so that guesses spread over several nodes add up.
CREATE TABLE rate_limits (
    key TEXT PRIMARY KEY,
    window_start BIGINT NOT NULL,
    window_ms BIGINT NOT NULL,
    failures BIGINT NOT NULL
)
-- ;;
CREATE INDEX rate_limits_end ON rate_limits (window_start)
-- ;;
-- Server nodes and their last heartbeat: a node silent too long has died, and any other node
-- marks the participants it held as lost.
CREATE TABLE nodes (
    id TEXT PRIMARY KEY,
    started_at BIGINT NOT NULL,
    seen_at BIGINT NOT NULL
)
