-- Tandem schema 15: retention can archive the journal's partitions into another PostgreSQL database instead of a
-- directory (docs/retention.md, "Archive and replay"). The URL names the database and the login, never a password:
-- the appliers that run maintenance find it in their ~/.pgpass or PGPASSFILE. One archive at a time.
ALTER TABLE tandem.journal_retention
    ADD COLUMN archive_url text
        CHECK (archive_url LIKE 'jdbc:postgresql:%' AND archive_url !~* '[?&](ssl)?password='),
    ADD CONSTRAINT journal_retention_one_archive CHECK (archive_dir IS NULL OR archive_url IS NULL),
    DROP CONSTRAINT journal_retention_database_only,
    ADD CONSTRAINT journal_retention_database_only CHECK (
        app = '' OR (max_bytes IS NULL AND archive_dir IS NULL AND archive_url IS NULL AND partition_xids IS NULL));

-- This database's identity in an archive database, beside its name: two clusters may each have a database `shop`,
-- and an archive database holds the history of one of them only.
ALTER TABLE tandem.journal_maintenance ADD COLUMN source_id uuid NOT NULL DEFAULT pg_catalog.gen_random_uuid();
