-- A type change (test fixture): rewrites the whole orders table when run in place.
ALTER TABLE orders ALTER COLUMN status TYPE varchar(20);
