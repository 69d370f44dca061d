-- A session started for an enrolled device (`POST /api/sessions {device_id}`) offers itself on the
-- device's channel. The offer's state is what the helper's page shows: `offered` (the device's
-- user is asked, or will be when the device comes back online) or `declined`. The plain code is
-- kept while the offer is open, so that a device that comes back online while the helper still
-- waits is offered the session again; it is dropped when the offer is declined, and it opens
-- nothing once the session has left `waiting` (codes are single use and expire). Statements are
-- separated by lines holding only `-- ;;`.
CREATE TABLE session_offers (
    session_id TEXT PRIMARY KEY,
    tenant_id TEXT NOT NULL,
    device_id TEXT NOT NULL,
    status TEXT NOT NULL,
    changed_at BIGINT NOT NULL,
    code TEXT
)
-- ;;
CREATE INDEX session_offers_device ON session_offers (device_id, status)
