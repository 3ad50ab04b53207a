-- 0001: the initial schema.
--
-- Times are INTEGER microseconds since the Unix epoch, UTC. Lists of strings
-- are JSON arrays in TEXT columns. Every table is STRICT.

CREATE TABLE users (
	id            INTEGER PRIMARY KEY,
	username      TEXT    NOT NULL UNIQUE,
	password_hash TEXT    NOT NULL,
	admin         INTEGER NOT NULL DEFAULT 0 CHECK (admin IN (0, 1)),
	created_at    INTEGER NOT NULL
) STRICT;

CREATE TABLE tokens (
	id           INTEGER PRIMARY KEY,
	user_id      INTEGER NOT NULL REFERENCES users (id),
	name         TEXT    NOT NULL,
	prefix       TEXT    NOT NULL,
	hash         BLOB    NOT NULL UNIQUE CHECK (length(hash) > 0),
	scopes       TEXT    NOT NULL,
	created_at   INTEGER NOT NULL,
	expires_at   INTEGER,
	last_used_at INTEGER,
	revoked_at   INTEGER
) STRICT;
CREATE INDEX tokens_by_user ON tokens (user_id);

CREATE TABLE orgs (
	id         INTEGER PRIMARY KEY,
	name       TEXT    NOT NULL UNIQUE,
	created_at INTEGER NOT NULL
) STRICT;

CREATE TABLE memberships (
	org_id  INTEGER NOT NULL REFERENCES orgs (id),
	user_id INTEGER NOT NULL REFERENCES users (id),
	role    TEXT    NOT NULL CHECK (role IN ('owner', 'publisher', 'member')),
	PRIMARY KEY (org_id, user_id)
) STRICT;
CREATE INDEX memberships_by_user ON memberships (user_id);

-- Every version number ever claimed. The unique key is the immutability
-- guarantee: a row is never deleted and its key never changes, so a version
-- can be reserved once in the lifetime of the database.
CREATE TABLE reservations (
	id          INTEGER PRIMARY KEY,
	org         TEXT    NOT NULL,
	name        TEXT    NOT NULL,
	version     TEXT    NOT NULL,
	state       TEXT    NOT NULL CHECK (state IN ('reserved', 'published', 'failed', 'deleted')),
	user_id     INTEGER REFERENCES users (id),
	reserved_at INTEGER NOT NULL,
	updated_at  INTEGER NOT NULL,
	UNIQUE (org, name, version)
) STRICT;

CREATE TRIGGER reservations_permanent BEFORE DELETE ON reservations
BEGIN
	SELECT RAISE(ABORT, 'reservations are permanent');
END;

CREATE TRIGGER reservations_key_fixed BEFORE UPDATE OF org, name, version ON reservations
BEGIN
	SELECT RAISE(ABORT, 'the version of a reservation cannot change');
END;

-- Published versions only: a row exists exactly while its reservation is in
-- state 'published', and shares its id.
CREATE TABLE package_versions (
	id                  INTEGER PRIMARY KEY REFERENCES reservations (id),
	org                 TEXT    NOT NULL,
	name                TEXT    NOT NULL,
	version             TEXT    NOT NULL,
	latest_key          BLOB    NOT NULL,
	platform            TEXT    NOT NULL,
	digest              TEXT    NOT NULL,
	size                INTEGER NOT NULL,
	blob_key            TEXT    NOT NULL,
	package_json        BLOB    NOT NULL,
	dependency_graph    BLOB    NOT NULL,
	readme              TEXT    NOT NULL,
	summary             TEXT    NOT NULL,
	keywords            TEXT    NOT NULL,
	authors             TEXT    NOT NULL,
	licenses            TEXT    NOT NULL,
	source_repository   TEXT    NOT NULL,
	icon                TEXT    NOT NULL,
	ballerina_version   TEXT    NOT NULL,
	visibility          TEXT    NOT NULL CHECK (visibility IN ('public', 'private')),
	created_at          INTEGER NOT NULL,
	published_by        INTEGER REFERENCES users (id),
	deprecated          INTEGER NOT NULL DEFAULT 0 CHECK (deprecated IN (0, 1)),
	deprecation_message TEXT    NOT NULL DEFAULT '',
	pull_count          INTEGER NOT NULL DEFAULT 0,
	search_words        TEXT    NOT NULL,
	UNIQUE (org, name, version)
) STRICT;
CREATE INDEX package_versions_latest ON package_versions (org, name, latest_key);

CREATE TABLE package_modules (
	version_id INTEGER NOT NULL REFERENCES package_versions (id) ON DELETE CASCADE,
	position   INTEGER NOT NULL,
	org        TEXT    NOT NULL,
	module     TEXT    NOT NULL,
	summary    TEXT    NOT NULL,
	PRIMARY KEY (version_id, position),
	UNIQUE (version_id, module)
) STRICT;
CREATE INDEX package_modules_by_module ON package_modules (org, module);

-- One row per package that has a published version, pointing at the
-- version a search lists: the latest (by latest_key) that is not deprecated
-- and public, and the latest that is not deprecated whatever its
-- visibility (what members of the org see). NULL when there is none.
-- Recomputed in every transaction that publishes, deletes or (un)deprecates
-- a version of the package.
CREATE TABLE packages (
	org           TEXT    NOT NULL,
	name          TEXT    NOT NULL,
	latest_public INTEGER REFERENCES package_versions (id) DEFERRABLE INITIALLY DEFERRED,
	latest_any    INTEGER REFERENCES package_versions (id) DEFERRABLE INITIALLY DEFERRED,
	PRIMARY KEY (org, name)
) STRICT;

-- Search index: the search_words of the versions that packages lists (at
-- most two per package), rowid = package_versions.id. search_words holds the
-- words (store.Words) of the version's org, name, keywords and summary,
-- space-separated, so the tokenizer sees the same words in every backend.
-- Kept in step with packages by the same transactions.
CREATE VIRTUAL TABLE package_search USING fts5 (
	words,
	tokenize = 'unicode61 remove_diacritics 2'
);

CREATE TABLE audit_log (
	id      INTEGER PRIMARY KEY AUTOINCREMENT,
	at      INTEGER NOT NULL,
	actor   TEXT    NOT NULL,
	action  TEXT    NOT NULL,
	subject TEXT    NOT NULL,
	detail  TEXT    NOT NULL
) STRICT;
CREATE INDEX audit_log_by_actor ON audit_log (actor);
CREATE INDEX audit_log_by_subject ON audit_log (subject);

CREATE TRIGGER audit_log_no_update BEFORE UPDATE ON audit_log
BEGIN
	SELECT RAISE(ABORT, 'the audit log is append-only');
END;

CREATE TRIGGER audit_log_no_delete BEFORE DELETE ON audit_log
BEGIN
	SELECT RAISE(ABORT, 'the audit log is append-only');
END;
