-- Release 2 of the shop: the physical customer.full_name becomes first_name + last_name, and customers get a
-- phone (which only app version 2 knows). tandem migrate runs this in ONE transaction together with the remapped
-- versions/v1.yaml, the new versions/v2.yaml and both versions' views, while the applier is held at a batch
-- boundary and writers keep writing to the journal.
ALTER TABLE customer
    ADD COLUMN first_name text,
    ADD COLUMN last_name  text,
    ADD COLUMN phone      text;

-- Backfill: the first word is the first name, the rest (possibly empty) the last name. v1's mapping reads them
-- back as concat_ws(' ', first_name, nullif(last_name, '')), which gives the original full_name.
UPDATE customer
   SET first_name = split_part(full_name, ' ', 1),
       last_name  = substr(full_name, length(split_part(full_name, ' ', 1)) + 2);

ALTER TABLE customer
    ALTER COLUMN first_name SET NOT NULL,
    ALTER COLUMN last_name  SET NOT NULL,
    DROP COLUMN full_name;
