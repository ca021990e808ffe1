-- The shop's physical schema, release 1. Flyway runs this file (tandem migrate); the app never reads these tables
-- directly: each app version reads its own views (versions/v<N>.yaml) and writes through tandem.journal.

-- Ids come from sequences rather than identity columns so that an app can allocate an id before its insert is
-- applied (Hibernate's sequence generator), and the applier can still insert that exact id.
CREATE SEQUENCE customer_id_seq;

CREATE TABLE customer (
    id        bigint PRIMARY KEY DEFAULT nextval('customer_id_seq'),
    full_name text   NOT NULL,
    email     text   NOT NULL UNIQUE
);

ALTER SEQUENCE customer_id_seq OWNED BY customer.id;

CREATE SEQUENCE orders_id_seq;

-- "orders", not "order": ORDER is a reserved word.
CREATE TABLE orders (
    id          bigint        PRIMARY KEY DEFAULT nextval('orders_id_seq'),
    customer_id bigint        NOT NULL REFERENCES customer (id),
    total       numeric(12,2) NOT NULL,
    status      text          NOT NULL DEFAULT 'new',
    placed_at   timestamptz   NOT NULL DEFAULT now()
);

ALTER SEQUENCE orders_id_seq OWNED BY orders.id;

-- A customer's orders are looked up by customer; the foreign key does not index that by itself.
CREATE INDEX orders_customer_id_idx ON orders (customer_id);
