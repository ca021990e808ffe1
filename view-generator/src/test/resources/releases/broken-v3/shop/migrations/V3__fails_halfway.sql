-- A migration that fails halfway (test fixture): the first statements succeed, the last violates a constraint
-- (every existing customer has a first name longer than one letter).
ALTER TABLE customer ADD COLUMN nickname text;
UPDATE customer SET nickname = first_name;
ALTER TABLE customer ADD CONSTRAINT first_name_is_an_initial CHECK (length(first_name) < 2);
