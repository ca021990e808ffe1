-- Journal retention, part 1: the tables that describe the journal's partitions, the retention policy and what
-- retention last did. Part 2 (V13, a Java migration) turns tandem.journal into a table partitioned by txid range.
-- docs/retention.md explains the design; docs/tandem-schema.md each column.

-- One row per partition of tandem.journal, kept after the partition is removed (its history: when, how many rows,
-- where it was archived). from_txid null = MINVALUE (the first partition); to_txid null = MAXVALUE (the overflow
-- partition, which only receives rows when no applier has extended the journal for longer than its look-ahead).
CREATE TABLE tandem.journal_partitions (
    name          text        PRIMARY KEY,
    from_txid     xid8,
    to_txid       xid8,
    created_at    timestamptz NOT NULL DEFAULT now(),
    -- when maintenance first saw that no transaction can write into it any more (every txid below to_txid ended)
    sealed_at     timestamptz,
    removed_at    timestamptz,
    removed_rows  bigint,
    removed_bytes bigint,
    archive_file  text
);

-- The retention policy: one row per app that has its own, and the row of app '' for the whole database (the
-- default of every app without one). A partition holds rows of several apps: it is removed when every app with
-- rows in it lets it go. Applied rows only, always: see docs/retention.md for what else holds a partition back.
CREATE TABLE tandem.journal_retention (
    app            text        PRIMARY KEY,
    -- keep applied rows at least this long after their partition is sealed
    keep_for       interval    CHECK (keep_for >= interval '5 minutes'),
    -- remove the oldest removable partitions while the journal is bigger than this (database row only)
    max_bytes      bigint      CHECK (max_bytes > 0),
    -- write each partition to this directory (gzip CSV + manifest.json) before removing it (database row only)
    archive_dir    text,
    -- transaction ids per new partition; null = sized from the observed rate (database row only)
    partition_xids bigint      CHECK (partition_xids >= 100),
    updated_at     timestamptz NOT NULL DEFAULT now(),
    CONSTRAINT journal_retention_database_only CHECK (
        app = '' OR (max_bytes IS NULL AND archive_dir IS NULL AND partition_xids IS NULL))
);
INSERT INTO tandem.journal_retention (app, keep_for) VALUES ('', interval '24 hours');

-- What journal maintenance last did, one row: which applier ran it, the transaction-id rate it sizes new partitions
-- with, what it last removed and why it holds partitions back if it does.
CREATE TABLE tandem.journal_maintenance (
    id                  boolean     PRIMARY KEY DEFAULT true CHECK (id),
    checked_at          timestamptz,
    checked_by          text,
    checked_xid         xid8,
    xids_per_second     double precision,
    held_back           text,
    removed_at          timestamptz,
    removed_partitions  bigint      NOT NULL DEFAULT 0,
    removed_rows        bigint      NOT NULL DEFAULT 0,
    removed_bytes       bigint      NOT NULL DEFAULT 0
);
INSERT INTO tandem.journal_maintenance DEFAULT VALUES;

-- A rejected transaction is resolved when an operator has dealt with it (`tandem journal resolve`); until then its
-- journal rows are kept, whatever the policy says.
ALTER TABLE tandem.rejects ADD COLUMN resolved_at timestamptz;

-- The insert trigger refuses a txid the client supplied instead of overwriting it: once the journal is partitioned
-- by txid (V13), PostgreSQL routes the row by the txid it was given before the trigger runs, so an overwritten txid
-- could belong in another partition. App roles may not name the column at all (their INSERT grant leaves it out);
-- only the journal's owner could, and it is told what to do. Same lock, same sequence, one nextval per row (the
-- identity default that V13 removes drew a second one, so seq went up by two per row).
CREATE OR REPLACE FUNCTION tandem.journal_before_insert() RETURNS trigger
    LANGUAGE plpgsql
    SECURITY INVOKER
    RESET search_path AS
$$
BEGIN
    IF NEW.txid OPERATOR(pg_catalog.<>) pg_catalog.pg_current_xact_id() THEN
        RAISE EXCEPTION 'tandem.journal.txid must be the writing transaction''s id (%), not %: leave the column out'
            ' of the INSERT', pg_catalog.pg_current_xact_id(), NEW.txid USING ERRCODE = 'check_violation';
    END IF;
    PERFORM pg_catalog.pg_advisory_xact_lock(pg_catalog.hashtextextended(
        NEW.app OPERATOR(pg_catalog.||) ':' OPERATOR(pg_catalog.||) pg_catalog.lower(
            pg_catalog.replace(pg_catalog.regexp_replace(pg_catalog.regexp_replace(
                pg_catalog.jsonb_path_query_array(NEW.key, '$.*')::pg_catalog.text,
                '(\.[0-9]*[1-9])0+(?![0-9])', '\1', 'g'), '\.0+(?![0-9])', '', 'g'), '"', '')), 0));
    NEW.seq := pg_catalog.nextval('tandem.journal_seq_seq'::pg_catalog.regclass);
    RETURN NEW;
END
$$;
