-- The device channel (the long-lived socket of a running agent). Statements are separated by
-- lines holding only `-- ;;`. `channel_conn` is the connection id (`{node}.{random}`) of the
-- device's open channel, NULL while it has none; `channel_changed_at` is when it last opened or
-- closed (Unix ms): "online since" or "offline since". A node that dies leaves its channels'
-- rows behind, and the node that finds it dead clears them (`sessions::nodes`).
ALTER TABLE devices ADD COLUMN channel_conn TEXT
-- ;;
ALTER TABLE devices ADD COLUMN channel_changed_at BIGINT
-- ;;
CREATE INDEX devices_channel_conn ON devices (channel_conn)
