package postgres

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"unicode/utf8"

	"github.com/jackc/pgx/v5"

	"github.com/balcentral/balcentral/internal/store"
)

// ReserveVersion implements store.Publisher. It is one INSERT: the unique
// key of reservations decides between concurrent reservations, and the
// foreign key on user_id reports an unknown user.
func (s *Store) ReserveVersion(ctx context.Context, org, name, version string, byUserID int64) error {
	if err := store.CheckVersionRef(org, name, version); err != nil {
		return err
	}
	ts := now()
	_, err := s.pool.Exec(ctx,
		`INSERT INTO reservations (org, name, version, state, user_id, reserved_at, updated_at)
		 VALUES ($1, $2, $3, $4, $5, $6, $6)`,
		org, name, version, store.StateReserved, nullID(byUserID), ts)
	switch {
	case isUnique(err):
		return fmt.Errorf("package version %s: %w", ref(org, name, version), store.ErrExists)
	case isForeignKey(err):
		return fmt.Errorf("reserve %s: user %d: %w", ref(org, name, version), byUserID, store.ErrNotFound)
	}
	return mapErr(err)
}

// reservation reads the reservation of a version inside tx and locks its
// row for the rest of tx.
func reservation(ctx context.Context, tx pgx.Tx, org, name, version string) (id int64, r *store.Reservation, err error) {
	r = &store.Reservation{Org: org, Name: name, Version: version}
	var user *int64
	err = tx.QueryRow(ctx,
		`SELECT id, state, user_id, reserved_at, updated_at FROM reservations
		 WHERE org = $1 AND name = $2 AND version = $3 FOR UPDATE`, org, name, version).
		Scan(&id, &r.State, &user, &r.ReservedAt, &r.UpdatedAt)
	if err != nil {
		return 0, nil, notFound(err, "reservation of "+ref(org, name, version))
	}
	if user != nil {
		r.UserID = *user
	}
	r.ReservedAt, r.UpdatedAt = utc(r.ReservedAt), utc(r.UpdatedAt)
	return id, r, nil
}

// Reservation implements store.Publisher.
func (s *Store) Reservation(ctx context.Context, org, name, version string) (*store.Reservation, error) {
	what := "reservation of " + ref(org, name, version)
	if !storable(org, name, version) {
		return nil, fmt.Errorf("%s: %w", what, store.ErrNotFound)
	}
	r := &store.Reservation{Org: org, Name: name, Version: version}
	var user *int64
	err := s.pool.QueryRow(ctx,
		`SELECT state, user_id, reserved_at, updated_at FROM reservations
		 WHERE org = $1 AND name = $2 AND version = $3`, org, name, version).
		Scan(&r.State, &user, &r.ReservedAt, &r.UpdatedAt)
	if err != nil {
		return nil, notFound(err, what)
	}
	if user != nil {
		r.UserID = *user
	}
	r.ReservedAt, r.UpdatedAt = utc(r.ReservedAt), utc(r.UpdatedAt)
	return r, nil
}

// lockPackage locks the packages row of org/name for the rest of tx,
// creating it if needed. Every transaction that changes the versions of a
// package takes this lock first (see the package documentation); an upsert
// rather than SELECT FOR UPDATE, so that the first publication of a package
// locks a row too, and one that was deleted meanwhile is made again.
func lockPackage(ctx context.Context, tx pgx.Tx, org, name string) error {
	_, err := tx.Exec(ctx, `INSERT INTO packages (org, name) VALUES ($1, $2)
		ON CONFLICT (org, name) DO UPDATE SET org = excluded.org`, org, name)
	if err != nil {
		return fmt.Errorf("lock package %s/%s: %w", org, name, err)
	}
	return nil
}

// lockExistingPackage locks the packages row of org/name for the rest of
// tx and reports whether there is one, that is whether the package has a
// published version.
func lockExistingPackage(ctx context.Context, tx pgx.Tx, org, name string) (bool, error) {
	var one int
	err := tx.QueryRow(ctx, "SELECT 1 FROM packages WHERE org = $1 AND name = $2 FOR UPDATE", org, name).Scan(&one)
	if errors.Is(err, pgx.ErrNoRows) {
		return false, nil
	}
	if err != nil {
		return false, fmt.Errorf("lock package %s/%s: %w", org, name, err)
	}
	return true, nil
}

// PublishVersion implements store.Publisher.
func (s *Store) PublishVersion(ctx context.Context, pv *store.PackageVersion) error {
	if err := pv.Check(); err != nil {
		return err
	}
	key, err := store.LatestOrderKey(pv.Version)
	if err != nil {
		return err
	}
	pvRef := ref(pv.Org, pv.Name, pv.Version)
	created := stamp(pv.CreatedAt)
	ts := now()
	modules := make([]string, len(pv.Modules))
	summaries := make([]string, len(pv.Modules))
	for i, m := range pv.Modules {
		modules[i], summaries[i] = m.Name, m.Summary
	}
	var publishedBy int64
	err = s.write(ctx, func(tx pgx.Tx) error {
		if err := lockPackage(ctx, tx, pv.Org, pv.Name); err != nil {
			return err
		}
		id, r, err := reservation(ctx, tx, pv.Org, pv.Name, pv.Version)
		if errors.Is(err, store.ErrNotFound) {
			return fmt.Errorf("publish %s: %w", pvRef, store.ErrNotReserved)
		}
		if err != nil {
			return err
		}
		if r.State != store.StateReserved {
			return fmt.Errorf("publish %s: %w: it is %s", pvRef, store.ErrNotReserved, r.State)
		}
		publishedBy = r.UserID

		// The writes are sent as one batch: one round trip.
		b := &pgx.Batch{}
		b.Queue(`INSERT INTO package_versions (id, org, name, version, latest_key, platform, digest, size, blob_key,
			   package_json, dependency_graph, readme, summary, keywords, authors, licenses, source_repository,
			   icon, ballerina_version, visibility, created_at, published_by, search_words)
			 VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $18, $19, $20,
			   $21, $22, array_to_tsvector($23::text[]))`,
			id, pv.Org, pv.Name, pv.Version, key, pv.Platform, pv.Digest, pv.Size, pv.BlobKey,
			nonNil(pv.PackageJSON), nonNil(pv.DependencyGraph), pv.Readme, pv.Summary,
			list(pv.Keywords), list(pv.Authors), list(pv.Licenses), pv.SourceRepository,
			pv.Icon, pv.BallerinaVersion, pv.Visibility, created, nullID(r.UserID), searchWords(pv))
		if len(modules) > 0 {
			b.Queue(`INSERT INTO package_modules (version_id, position, org, module, summary)
				SELECT $1, m.position - 1, $2, m.module, m.summary
				FROM unnest($3::text[], $4::text[]) WITH ORDINALITY AS m (module, summary, position)`,
				id, pv.Org, modules, summaries)
		}
		queueRefresh(b, pv.Org, pv.Name)
		b.Queue("UPDATE reservations SET state = $1, updated_at = $2 WHERE id = $3", store.StatePublished, ts, id)
		if err := tx.SendBatch(ctx, b).Close(); err != nil {
			return fmt.Errorf("publish %s: %w", pvRef, err)
		}
		return nil
	})
	if err != nil {
		return err
	}
	pv.CreatedAt, pv.PublishedBy = created, publishedBy
	pv.Deprecated, pv.DeprecationMessage, pv.PullCount = false, "", 0
	pv.PackageJSON, pv.DependencyGraph = nonNil(pv.PackageJSON), nonNil(pv.DependencyGraph)
	pv.Keywords, pv.Authors, pv.Licenses = list(pv.Keywords), list(pv.Authors), list(pv.Licenses)
	if pv.Modules == nil {
		pv.Modules = []store.Module{}
	}
	return nil
}

// maxLexeme is the longest lexeme a tsvector or tsquery holds, in bytes
// (less than MAXSTRLEN, 2047).
const maxLexeme = 2046

// lexeme returns a search word as a lexeme: cut to maxLexeme bytes, at a
// character boundary. Words longer than that (there are none in practice)
// are thus matched on their first 2 KiB.
func lexeme(w string) string {
	if len(w) <= maxLexeme {
		return w
	}
	n := maxLexeme
	for n > 0 && !utf8.RuneStart(w[n]) {
		n--
	}
	return w[:n]
}

// searchWords returns the lexemes of a version: the words of its org,
// name, keywords and summary, once each.
func searchWords(pv *store.PackageVersion) []string {
	ws := []string{}
	for _, s := range append([]string{pv.Org, pv.Name, pv.Summary}, pv.Keywords...) {
		for _, w := range store.Words(s) {
			ws = append(ws, lexeme(w))
		}
	}
	slices.Sort(ws)
	return slices.Compact(ws)
}

// queueRefresh queues the statements that recompute the search entry of a
// package after a change to its versions (see the packages table) and its
// rows in package_search, and that remove the entry when the package has
// no published version left. The caller holds the package's lock, so the
// statements see every committed version of the package.
func queueRefresh(b *pgx.Batch, org, name string) {
	// package_search holds the listed versions only: those are the rows to
	// replace (a deleted version's row went with it).
	b.Queue(`DELETE FROM package_search WHERE version_id IN
		(SELECT latest_public FROM packages WHERE org = $1 AND name = $2
		 UNION SELECT latest_any FROM packages WHERE org = $1 AND name = $2)`, org, name)
	b.Queue(`UPDATE packages SET
		latest_public = (SELECT id FROM package_versions WHERE org = $1 AND name = $2 AND NOT deprecated
			AND visibility = 'public' ORDER BY latest_key DESC LIMIT 1),
		latest_any = (SELECT id FROM package_versions WHERE org = $1 AND name = $2 AND NOT deprecated
			ORDER BY latest_key DESC LIMIT 1)
		WHERE org = $1 AND name = $2`, org, name)
	b.Queue(`INSERT INTO package_search (version_id, words)
		SELECT v.id, v.search_words FROM package_versions v JOIN packages p
			ON v.id IN (p.latest_public, p.latest_any)
		WHERE p.org = $1 AND p.name = $2`, org, name)
	b.Queue(`DELETE FROM packages WHERE org = $1 AND name = $2
		AND NOT EXISTS (SELECT 1 FROM package_versions WHERE org = $1 AND name = $2)`, org, name)
}

// FailReservation implements store.Publisher.
func (s *Store) FailReservation(ctx context.Context, org, name, version string) error {
	if !storable(org, name, version) {
		return fmt.Errorf("reservation of %s: %w", ref(org, name, version), store.ErrNotFound)
	}
	ts := now()
	return s.write(ctx, func(tx pgx.Tx) error {
		id, r, err := reservation(ctx, tx, org, name, version)
		if err != nil {
			return err
		}
		switch r.State {
		case store.StateFailed:
			return nil
		case store.StateReserved:
			_, err = tx.Exec(ctx, "UPDATE reservations SET state = $1, updated_at = $2 WHERE id = $3",
				store.StateFailed, ts, id)
			return err
		}
		return fmt.Errorf("fail %s: %w: it is %s", ref(org, name, version), store.ErrNotReserved, r.State)
	})
}

// DeleteVersion implements store.Publisher.
func (s *Store) DeleteVersion(ctx context.Context, org, name, version string) error {
	what := "package version " + ref(org, name, version)
	if !storable(org, name, version) {
		return fmt.Errorf("%s: %w", what, store.ErrNotFound)
	}
	ts := now()
	return s.write(ctx, func(tx pgx.Tx) error {
		if _, err := lockExistingPackage(ctx, tx, org, name); err != nil {
			return err
		}
		id, r, err := reservation(ctx, tx, org, name, version)
		if err != nil {
			return err
		}
		if r.State != store.StatePublished {
			return fmt.Errorf("%s: %w (it is %s)", what, store.ErrNotFound, r.State)
		}
		b := &pgx.Batch{}
		// Its modules and search row go with it (ON DELETE CASCADE).
		b.Queue("DELETE FROM package_versions WHERE id = $1", id)
		queueRefresh(b, org, name)
		b.Queue("UPDATE reservations SET state = $1, updated_at = $2 WHERE id = $3", store.StateDeleted, ts, id)
		return tx.SendBatch(ctx, b).Close()
	})
}

// Version implements store.PackageReader. One statement reads the version
// and its modules, so it sees one snapshot without a transaction.
func (s *Store) Version(ctx context.Context, org, name, version string) (*store.PackageVersion, error) {
	what := "package version " + ref(org, name, version)
	if !storable(org, name, version) {
		return nil, fmt.Errorf("%s: %w", what, store.ErrNotFound)
	}
	var pv store.PackageVersion
	var publishedBy *int64
	var modules, summaries []string
	err := s.pool.QueryRow(ctx,
		`SELECT org, name, version, platform, digest, size, blob_key, package_json, dependency_graph,
		   readme, summary, keywords, authors, licenses, source_repository, icon, ballerina_version,
		   visibility, created_at, published_by, deprecated, deprecation_message, pull_count,
		   ARRAY(SELECT m.module FROM package_modules m WHERE m.version_id = v.id ORDER BY m.position),
		   ARRAY(SELECT m.summary FROM package_modules m WHERE m.version_id = v.id ORDER BY m.position)
		 FROM package_versions v WHERE org = $1 AND name = $2 AND version = $3`, org, name, version).
		Scan(&pv.Org, &pv.Name, &pv.Version, &pv.Platform, &pv.Digest, &pv.Size, &pv.BlobKey,
			&pv.PackageJSON, &pv.DependencyGraph, &pv.Readme, &pv.Summary, &pv.Keywords, &pv.Authors, &pv.Licenses,
			&pv.SourceRepository, &pv.Icon, &pv.BallerinaVersion, &pv.Visibility, &pv.CreatedAt, &publishedBy,
			&pv.Deprecated, &pv.DeprecationMessage, &pv.PullCount, &modules, &summaries)
	if err != nil {
		return nil, notFound(err, what)
	}
	if len(modules) != len(summaries) {
		return nil, fmt.Errorf("%s: %d modules but %d module summaries", what, len(modules), len(summaries))
	}
	pv.CreatedAt = utc(pv.CreatedAt)
	if publishedBy != nil {
		pv.PublishedBy = *publishedBy
	}
	pv.Keywords, pv.Authors, pv.Licenses = list(pv.Keywords), list(pv.Authors), list(pv.Licenses)
	pv.PackageJSON, pv.DependencyGraph = nonNil(pv.PackageJSON), nonNil(pv.DependencyGraph)
	pv.Modules = make([]store.Module, len(modules))
	for i := range modules {
		pv.Modules[i] = store.Module{Name: modules[i], Summary: summaries[i]}
	}
	return &pv, nil
}

// Versions implements store.PackageReader.
func (s *Store) Versions(ctx context.Context, org, name string) ([]store.VersionInfo, error) {
	if !storable(org, name) {
		return nil, fmt.Errorf("package %s/%s: %w", org, name, store.ErrNotFound)
	}
	rows, err := s.pool.Query(ctx,
		`SELECT version, platform, ballerina_version, visibility, deprecated, deprecation_message, created_at
		 FROM package_versions WHERE org = $1 AND name = $2 ORDER BY id`, org, name)
	if err != nil {
		return nil, err
	}
	vs, err := pgx.CollectRows(rows, func(row pgx.CollectableRow) (store.VersionInfo, error) {
		var v store.VersionInfo
		err := row.Scan(&v.Version, &v.Platform, &v.BallerinaVersion, &v.Visibility, &v.Deprecated,
			&v.DeprecationMessage, &v.CreatedAt)
		v.CreatedAt = utc(v.CreatedAt)
		return v, err
	})
	if err != nil {
		return nil, err
	}
	if len(vs) == 0 {
		return nil, fmt.Errorf("package %s/%s: %w", org, name, store.ErrNotFound)
	}
	return vs, nil
}

// PackagesOfOrg implements store.PackageReader.
func (s *Store) PackagesOfOrg(ctx context.Context, org string) ([]string, error) {
	if !storable(org) {
		return []string{}, nil
	}
	rows, err := s.pool.Query(ctx, "SELECT DISTINCT name FROM package_versions WHERE org = $1 ORDER BY name", org)
	if err != nil {
		return nil, err
	}
	names, err := pgx.CollectRows(rows, pgx.RowTo[string])
	return nonNilRows(names), err
}

// ModuleProviders implements store.PackageReader.
func (s *Store) ModuleProviders(ctx context.Context, org, module string) ([]store.ModuleProvider, error) {
	if !storable(org, module) {
		return []store.ModuleProvider{}, nil
	}
	rows, err := s.pool.Query(ctx,
		`SELECT v.org, v.name, v.version, v.platform, v.visibility, v.deprecated
		 FROM package_modules m JOIN package_versions v ON v.id = m.version_id
		 WHERE m.org = $1 AND m.module = $2 ORDER BY v.name, v.id`, org, module)
	if err != nil {
		return nil, err
	}
	ps, err := pgx.CollectRows(rows, func(row pgx.CollectableRow) (store.ModuleProvider, error) {
		var p store.ModuleProvider
		err := row.Scan(&p.Org, &p.Name, &p.Version, &p.Platform, &p.Visibility, &p.Deprecated)
		return p, err
	})
	return nonNilRows(ps), err
}

// SetDeprecated implements store.Deprecator.
func (s *Store) SetDeprecated(ctx context.Context, org, name, version string, deprecated bool, message string) error {
	what := "package version " + ref(org, name, version)
	if !storable(org, name, version) {
		return fmt.Errorf("%s: %w", what, store.ErrNotFound)
	}
	if !deprecated {
		message = ""
	}
	q := "UPDATE package_versions SET deprecated = $1, deprecation_message = $2 WHERE org = $3 AND name = $4"
	args := []any{deprecated, message, org, name}
	if version != "*" {
		q += " AND version = $5"
		args = append(args, version)
	}
	return s.write(ctx, func(tx pgx.Tx) error {
		ok, err := lockExistingPackage(ctx, tx, org, name)
		if err != nil {
			return err
		}
		if !ok {
			return fmt.Errorf("%s: %w", what, store.ErrNotFound)
		}
		tag, err := tx.Exec(ctx, q, args...)
		if err != nil {
			return err
		}
		if tag.RowsAffected() == 0 {
			return fmt.Errorf("%s: %w", what, store.ErrNotFound)
		}
		b := &pgx.Batch{}
		queueRefresh(b, org, name)
		return tx.SendBatch(ctx, b).Close()
	})
}

// IncrementPullCount implements store.PullCounter.
func (s *Store) IncrementPullCount(ctx context.Context, org, name, version string, n int64) error {
	if n < 1 {
		return fmt.Errorf("pull count increment %d: %w: want at least 1", n, store.ErrInvalid)
	}
	what := "package version " + ref(org, name, version)
	if !storable(org, name, version) {
		return fmt.Errorf("%s: %w", what, store.ErrNotFound)
	}
	return s.exec(ctx, what,
		"UPDATE package_versions SET pull_count = pull_count + $1 WHERE org = $2 AND name = $3 AND version = $4",
		n, org, name, version)
}
