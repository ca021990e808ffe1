-- Release 2: a project's owner moves out of project into a table of its own (one owner per project for now). The
-- app's version 1 keeps running unchanged: its definition maps the same fields onto the new tables.
CREATE TABLE project_owner (
    project_id bigint PRIMARY KEY REFERENCES project (id),
    name       text NOT NULL,
    email      text NOT NULL
);
INSERT INTO project_owner (project_id, name, email) SELECT id, owner_name, owner_email FROM project;
ALTER TABLE project DROP COLUMN owner_name;
ALTER TABLE project DROP COLUMN owner_email;
