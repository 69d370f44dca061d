-- Sign-in limits that hold under concurrency and are no free lockout. Statements are separated
-- by lines holding only `-- ;;`.
-- Attempts refused in a rate-limit window (the first, second, fourth, ... refusal is audited).
-- `failures` now counts attempts reserved before their work and not given back.
ALTER TABLE rate_limits ADD COLUMN refused BIGINT NOT NULL DEFAULT 0
-- ;;
-- Where each account last signed in successfully from (an IPv4 address, or the /64 network of
-- an IPv6 address): sign-ins from there have a failure counter of their own, so that failures
-- elsewhere do not lock the owner out (docs/access.md).
CREATE TABLE known_sign_in_addresses (
    user_id TEXT NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    address TEXT NOT NULL,
    last_seen BIGINT NOT NULL,
    PRIMARY KEY (user_id, address)
)
