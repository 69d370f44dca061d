-- The host name a device reports, apart from its name. Statements are separated by lines holding
-- only `-- ;;`. Check-ins used to overwrite `name` with the host name; now they write `hostname`
-- and the name given at enrollment or by an administrator stays. Existing devices start with
-- their current name as the host name (the next check-in corrects it).
ALTER TABLE devices ADD COLUMN hostname TEXT NOT NULL DEFAULT ''
-- ;;
UPDATE devices SET hostname = name
