-- Online releases: one row per app whose release is being built beside the live tables, or has switched and
-- keeps the previous tables until it is finished or reverted. docs/releases.md explains the phases.
--
-- The row is also the position of the release's own projection (the "release track" of the applier): while the
-- release is built it projects the journal onto the build schema through the release's definitions; after the
-- switch, onto the previous tables through the previous definitions. Its columns applied_snapshot ..
-- halted_txid mean exactly what they mean in tandem.applier_state, so the applier keeps both positions with the
-- same code, and moves each in the same transaction as the rows it covers.
CREATE TABLE tandem.releases (
    app                    text        PRIMARY KEY,
    phase                  text        NOT NULL DEFAULT 'copying',
    live_schema            text        NOT NULL,  -- where the app's physical tables live, e.g. public
    build_schema           text        NOT NULL,  -- where the release is built (before the switch)
    previous_schema        text        NOT NULL,  -- where the previous tables are kept (after the switch)
    release_dir            text        NOT NULL,  -- the release folder, as given to tandem migrate
    fingerprint            text        NOT NULL,  -- checksum of the release's migrations and definitions
    tables                 text[]      NOT NULL,  -- the live tables built beside (copied), unqualified
    new_tables             text[]      NOT NULL DEFAULT '{}',  -- tables the release creates
    migrations             text[]      NOT NULL DEFAULT '{}',  -- the pending migrations, "version description"
    moved_in               text[]      NOT NULL DEFAULT '{}',  -- relations the switch moved from the build into the live schema
    definitions            jsonb       NOT NULL,  -- [{"source_file", "source"}]: the release's versions
    previous_definitions   jsonb,                 -- the same for the previous tables, set at the switch
    copied_rows            bigint      NOT NULL DEFAULT 0,
    copy_total_rows        bigint      NOT NULL DEFAULT 0,
    started_at             timestamptz NOT NULL DEFAULT now(),
    built_at               timestamptz,
    switched_at            timestamptz,
    paused                 boolean     NOT NULL DEFAULT false,  -- tandem release pause / resume
    -- The release track's position and state, as in tandem.applier_state.
    applied_snapshot       pg_snapshot NOT NULL DEFAULT '1:1:',
    batch_snapshot         pg_snapshot,
    batch_done_seq         bigint,
    applied_rows           bigint      NOT NULL DEFAULT 0,
    leader_epoch           bigint      NOT NULL DEFAULT 0,
    definitions_generation bigint      NOT NULL DEFAULT 0,  -- bumped when the track changes target (the switch)
    applied_at             timestamptz,
    state                  text        NOT NULL DEFAULT 'stopped',
    leader                 text,
    heartbeat_at           timestamptz,
    halted_reason          text,
    halted_txid            xid8,
    CONSTRAINT releases_phase_check CHECK (phase IN ('copying', 'migrating', 'catching_up', 'switched')),
    CONSTRAINT releases_state_check CHECK (state IN ('running', 'paused', 'halted', 'stopped'))
);
