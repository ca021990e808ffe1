-- Tandem's own schema, release 1. Installed by TandemSchema with its own Flyway history table
-- (tandem.tandem_schema_history), so it never collides with an application's migrations.
-- docs/tandem-schema.md explains every table; docs/journal-format.md is the contract for SQL clients.

-- The journal: one row per entity mutation, appended inside the writer's own transaction.
CREATE TABLE tandem.journal (
    seq         bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,  -- allocation order, NOT commit order
    txid        xid8        NOT NULL DEFAULT pg_current_xact_id(),  -- the writing transaction
    app         text        NOT NULL,
    app_version int         NOT NULL,
    entity      text        NOT NULL,
    op          text        NOT NULL,
    key         jsonb       NOT NULL,
    data        jsonb,
    changed     text[],
    origin      text,
    written_at  timestamptz NOT NULL DEFAULT clock_timestamp(),
    CONSTRAINT journal_op_check CHECK (op IN ('insert', 'update', 'delete')),
    CONSTRAINT journal_key_is_object CHECK (jsonb_typeof(key) = 'object')
);

-- The applier selects a batch as "txid visible in the new snapshot, not in the previous one", bounded by the
-- snapshots' xmin/xmax: this index makes that a range scan per app.
CREATE INDEX journal_app_txid_idx ON tandem.journal (app, txid);

-- Registry of app versions: the definition each live version's journal rows are interpreted with.
CREATE TABLE tandem.versions (
    app          text        NOT NULL,
    version      int         NOT NULL CHECK (version > 0),
    definition   jsonb       NOT NULL,  -- the parsed definition, canonical JSON
    source       text        NOT NULL,  -- the YAML exactly as released
    source_file  text        NOT NULL,  -- e.g. schemas/shop/versions/v1.yaml
    installed_at timestamptz NOT NULL DEFAULT now(),
    updated_at   timestamptz NOT NULL DEFAULT now(),
    retired_at   timestamptz,           -- null while the version is live
    PRIMARY KEY (app, version)
);

-- One row per app: where its applier stands, and the pause/resume handshake with `tandem migrate`.
CREATE TABLE tandem.applier_state (
    app                text        PRIMARY KEY,
    -- Every journal transaction of this app visible in this snapshot has been applied or rejected.
    applied_snapshot   pg_snapshot NOT NULL DEFAULT '1:1:',
    -- A batch in progress (applied in slices): its target snapshot, and the largest seq of the last source
    -- transaction of that batch already applied (groups are applied in order of their largest seq).
    batch_snapshot     pg_snapshot,
    batch_done_seq     bigint,
    applied_rows       bigint      NOT NULL DEFAULT 0,
    -- Incremented each time an applier takes the lead; a slice commits only under the epoch it was read in, so
    -- a leader that lost its lock without knowing it can never apply anything twice.
    leader_epoch       bigint      NOT NULL DEFAULT 0,
    -- Incremented by `tandem migrate` when it replaces the app's definitions; the applier reloads them.
    definitions_generation bigint  NOT NULL DEFAULT 0,
    applied_at         timestamptz,
    state              text        NOT NULL DEFAULT 'stopped',
    leader             text,                 -- "host/pid" of the applier that leads, if any
    heartbeat_at       timestamptz,
    halted_reason      text,                 -- why the applier halted, and how to resume
    halted_txid        xid8,                 -- the source transaction it halted before
    pause_requested_by text,                 -- set by `tandem migrate`; the applier acknowledges by pausing
    pause_requested_at timestamptz,
    paused_at          timestamptz,
    CONSTRAINT applier_state_state_check CHECK (state IN ('running', 'paused', 'halted', 'stopped'))
);

-- Journal rows that could not be applied, with the reason. Under the skip policy a whole source transaction is
-- copied here and the applier goes on; its journal rows stay where they are (the journal is append-only).
CREATE TABLE tandem.rejects (
    id          bigint      GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    app         text        NOT NULL,
    txid        xid8        NOT NULL,
    seq         bigint      NOT NULL,
    entry       jsonb       NOT NULL,  -- the journal row as JSON (to_jsonb of the row)
    reason      text        NOT NULL,
    rejected_at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX rejects_app_txid_idx ON tandem.rejects (app, txid);
