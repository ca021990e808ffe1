-- A harder change (test fixture): the email moves to its own table, joined in the views, and customers get a NOT
-- NULL tier with a default that no live version writes.
CREATE TABLE customer_contact (
    customer_id bigint PRIMARY KEY REFERENCES customer (id),
    email       text   NOT NULL UNIQUE
);

INSERT INTO customer_contact (customer_id, email) SELECT id, email FROM customer;

ALTER TABLE customer DROP COLUMN email;

ALTER TABLE customer ADD COLUMN tier text NOT NULL DEFAULT 'basic';
