-- Tandem schema 15: retention can archive the journal's partitions into another PostgreSQL database instead of a
-- directory (docs/retention.md, "Archive and replay"). The URL names the database and the login, never a password:
-- the appliers that run maintenance find it in their ~/.pgpass or PGPASSFILE. One archive at a time.
ALTER TABLE tandem.journal_retention
    ADD COLUMN archive_url text CHECK (archive_url LIKE 'jdbc:postgresql:%'),
    ADD CONSTRAINT journal_retention_one_archive CHECK (archive_dir IS NULL OR archive_url IS NULL),
    DROP CONSTRAINT journal_retention_database_only,
    ADD CONSTRAINT journal_retention_database_only CHECK (
        app = '' OR (max_bytes IS NULL AND archive_dir IS NULL AND archive_url IS NULL AND partition_xids IS NULL));
