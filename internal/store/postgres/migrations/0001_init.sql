-- 0001: the initial schema, the PostgreSQL form of the SQLite backend's
-- 0001_init.sql: the same tables, keys and guards.
--
-- Times are timestamptz (microseconds, like the store's contract). Lists of
-- strings are text[]. Names are compared and sorted byte for byte, as the
-- store's contract requires, whatever the database's collation: every name
-- column is COLLATE "C".

CREATE TABLE users (
	id            bigint      GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
	username      text        COLLATE "C" NOT NULL UNIQUE,
	password_hash text        NOT NULL,
	admin         boolean     NOT NULL DEFAULT false,
	created_at    timestamptz NOT NULL
);

CREATE TABLE tokens (
	id           bigint      GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
	user_id      bigint      NOT NULL REFERENCES users (id),
	name         text        NOT NULL,
	prefix       text        NOT NULL,
	hash         bytea       NOT NULL UNIQUE CHECK (length(hash) > 0),
	scopes       text[]      NOT NULL,
	created_at   timestamptz NOT NULL,
	expires_at   timestamptz,
	last_used_at timestamptz,
	revoked_at   timestamptz
);
CREATE INDEX tokens_by_user ON tokens (user_id);

CREATE TABLE orgs (
	id         bigint      GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
	name       text        COLLATE "C" NOT NULL UNIQUE,
	created_at timestamptz NOT NULL
);

CREATE TABLE memberships (
	org_id  bigint NOT NULL REFERENCES orgs (id),
	user_id bigint NOT NULL REFERENCES users (id),
	role    text   NOT NULL CHECK (role IN ('owner', 'publisher', 'member')),
	PRIMARY KEY (org_id, user_id)
);
CREATE INDEX memberships_by_user ON memberships (user_id);

-- Every version number ever claimed. The unique key is the immutability
-- guarantee: a row is never deleted and its key never changes, so a version
-- can be reserved once in the lifetime of the database, by however many
-- replicas at once.
CREATE TABLE reservations (
	id          bigint      GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
	org         text        COLLATE "C" NOT NULL,
	name        text        COLLATE "C" NOT NULL,
	version     text        COLLATE "C" NOT NULL,
	state       text        NOT NULL CHECK (state IN ('reserved', 'published', 'failed', 'deleted')),
	user_id     bigint      REFERENCES users (id),
	reserved_at timestamptz NOT NULL,
	updated_at  timestamptz NOT NULL,
	UNIQUE (org, name, version)
);

CREATE FUNCTION refuse_change() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
	RAISE EXCEPTION '%', TG_ARGV[0] USING ERRCODE = 'restrict_violation';
END
$$;

CREATE TRIGGER reservations_permanent BEFORE DELETE ON reservations
	FOR EACH ROW EXECUTE FUNCTION refuse_change('reservations are permanent');
CREATE TRIGGER reservations_not_truncated BEFORE TRUNCATE ON reservations
	FOR EACH STATEMENT EXECUTE FUNCTION refuse_change('reservations are permanent');
CREATE TRIGGER reservations_key_fixed BEFORE UPDATE OF org, name, version ON reservations
	FOR EACH ROW WHEN (OLD.org IS DISTINCT FROM NEW.org OR OLD.name IS DISTINCT FROM NEW.name
		OR OLD.version IS DISTINCT FROM NEW.version)
	EXECUTE FUNCTION refuse_change('the version of a reservation cannot change');

-- Published versions only: a row exists exactly while its reservation is in
-- state 'published', and shares its id. search_words is the indexed form of
-- the words (store.Words) of the version's org, name, keywords and summary,
-- made with array_to_tsvector so that PostgreSQL's text parser never
-- re-splits them: the words are the same in every backend.
CREATE TABLE package_versions (
	id                  bigint      PRIMARY KEY REFERENCES reservations (id),
	org                 text        COLLATE "C" NOT NULL,
	name                text        COLLATE "C" NOT NULL,
	version             text        COLLATE "C" NOT NULL,
	latest_key          bytea       NOT NULL,
	platform            text        NOT NULL,
	digest              text        NOT NULL,
	size                bigint      NOT NULL,
	blob_key            text        NOT NULL,
	package_json        bytea       NOT NULL,
	dependency_graph    bytea       NOT NULL,
	readme              text        NOT NULL,
	summary             text        NOT NULL,
	keywords            text[]      NOT NULL,
	authors             text[]      NOT NULL,
	licenses            text[]      NOT NULL,
	source_repository   text        NOT NULL,
	icon                text        NOT NULL,
	ballerina_version   text        NOT NULL,
	visibility          text        NOT NULL CHECK (visibility IN ('public', 'private')),
	created_at          timestamptz NOT NULL,
	published_by        bigint      REFERENCES users (id),
	deprecated          boolean     NOT NULL DEFAULT false,
	deprecation_message text        NOT NULL DEFAULT '',
	pull_count          bigint      NOT NULL DEFAULT 0,
	search_words        tsvector    NOT NULL,
	UNIQUE (org, name, version)
);
CREATE INDEX package_versions_latest ON package_versions (org, name, latest_key);

CREATE TABLE package_modules (
	version_id bigint  NOT NULL REFERENCES package_versions (id) ON DELETE CASCADE,
	position   integer NOT NULL,
	org        text    COLLATE "C" NOT NULL,
	module     text    COLLATE "C" NOT NULL,
	summary    text    NOT NULL,
	PRIMARY KEY (version_id, position),
	UNIQUE (version_id, module)
);
CREATE INDEX package_modules_by_module ON package_modules (org, module);

-- One row per package that has a published version, pointing at the
-- version a search lists: the latest (by latest_key) that is not deprecated
-- and public, and the latest that is not deprecated whatever its
-- visibility (what members of the org see). NULL when there is none.
-- Recomputed in every transaction that publishes, deletes or (un)deprecates
-- a version of the package; those transactions lock the package's row
-- first, which serializes them per package across every replica.
CREATE TABLE packages (
	org           text   COLLATE "C" NOT NULL,
	name          text   COLLATE "C" NOT NULL,
	latest_public bigint REFERENCES package_versions (id) DEFERRABLE INITIALLY DEFERRED,
	latest_any    bigint REFERENCES package_versions (id) DEFERRABLE INITIALLY DEFERRED,
	PRIMARY KEY (org, name)
);

-- Search index: the search_words of the versions that packages lists (at
-- most two per package). Kept in step with packages by the same
-- transactions.
CREATE TABLE package_search (
	version_id bigint   PRIMARY KEY REFERENCES package_versions (id) ON DELETE CASCADE,
	words      tsvector NOT NULL
);
CREATE INDEX package_search_words ON package_search USING gin (words);

CREATE TABLE audit_log (
	id      bigint      GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
	at      timestamptz NOT NULL,
	actor   text        NOT NULL,
	action  text        NOT NULL,
	subject text        NOT NULL,
	detail  text        NOT NULL
);
CREATE INDEX audit_log_by_actor ON audit_log (actor);
CREATE INDEX audit_log_by_subject ON audit_log (subject);

CREATE TRIGGER audit_log_no_update BEFORE UPDATE ON audit_log
	FOR EACH ROW EXECUTE FUNCTION refuse_change('the audit log is append-only');
CREATE TRIGGER audit_log_no_delete BEFORE DELETE ON audit_log
	FOR EACH ROW EXECUTE FUNCTION refuse_change('the audit log is append-only');
CREATE TRIGGER audit_log_not_truncated BEFORE TRUNCATE ON audit_log
	FOR EACH STATEMENT EXECUTE FUNCTION refuse_change('the audit log is append-only');
