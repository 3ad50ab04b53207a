-- 0002: rate limits shared by every replica (coordination.go). No SQLite
-- counterpart: a single process keeps its limits in memory.
--
-- One row per key in debt: the theoretical arrival time (TAT) of the
-- generic cell rate algorithm, the moment the key's bucket is full again.
-- A row whose tat has passed means the same as no row, and is swept.

CREATE TABLE rate_limits (
	key text        COLLATE "C" PRIMARY KEY,
	tat timestamptz NOT NULL
);
CREATE INDEX rate_limits_by_tat ON rate_limits (tat);
