package sqlite

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"strings"

	"github.com/balcentral/balcentral/internal/store"
)

func ref(org, name, version string) string { return org + "/" + name + ":" + version }

// ReserveVersion implements store.Publisher.
func (s *Store) ReserveVersion(ctx context.Context, org, name, version string, byUserID int64) error {
	if err := store.CheckVersionRef(org, name, version); err != nil {
		return err
	}
	us, _ := stamp(now())
	return s.write(ctx, func(tx *sql.Tx) error {
		if byUserID != 0 {
			if err := userExists(ctx, tx, byUserID); err != nil {
				return err
			}
		}
		_, err := tx.ExecContext(ctx,
			`INSERT INTO reservations (org, name, version, state, user_id, reserved_at, updated_at)
			 VALUES (?, ?, ?, ?, ?, ?, ?)`,
			org, name, version, store.StateReserved, nullID(byUserID), us, us)
		if isUnique(err) {
			return fmt.Errorf("package version %s: %w", ref(org, name, version), store.ErrExists)
		}
		return err
	})
}

// reservation reads the reservation of a version inside tx.
func reservation(ctx context.Context, tx *sql.Tx, org, name, version string) (id int64, r *store.Reservation, err error) {
	r = &store.Reservation{Org: org, Name: name, Version: version}
	var user sql.NullInt64
	var reserved, updated int64
	err = tx.QueryRowContext(ctx,
		`SELECT id, state, user_id, reserved_at, updated_at FROM reservations
		 WHERE org = ? AND name = ? AND version = ?`, org, name, version).
		Scan(&id, &r.State, &user, &reserved, &updated)
	if err != nil {
		return 0, nil, notFound(err, "reservation of "+ref(org, name, version))
	}
	r.UserID = user.Int64
	r.ReservedAt, r.UpdatedAt = fromMicros(reserved), fromMicros(updated)
	return id, r, nil
}

// Reservation implements store.Publisher.
func (s *Store) Reservation(ctx context.Context, org, name, version string) (*store.Reservation, error) {
	var r *store.Reservation
	err := s.read(ctx, func(tx *sql.Tx) error {
		var err error
		_, r, err = reservation(ctx, tx, org, name, version)
		return err
	})
	return r, err
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
	createdUS, created := stamp(pv.CreatedAt)
	nowUS, _ := stamp(now())
	var publishedBy int64
	err = s.write(ctx, func(tx *sql.Tx) error {
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
		_, err = tx.ExecContext(ctx,
			`INSERT INTO package_versions (id, org, name, version, latest_key, platform, digest, size, blob_key,
			   package_json, dependency_graph, readme, summary, keywords, authors, licenses, source_repository,
			   icon, ballerina_version, visibility, created_at, published_by, search_words)
			 VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
			id, pv.Org, pv.Name, pv.Version, key, pv.Platform, pv.Digest, pv.Size, pv.BlobKey,
			nonNil(pv.PackageJSON), nonNil(pv.DependencyGraph), pv.Readme, pv.Summary,
			encodeList(pv.Keywords), encodeList(pv.Authors), encodeList(pv.Licenses), pv.SourceRepository,
			pv.Icon, pv.BallerinaVersion, pv.Visibility, createdUS, nullID(r.UserID), searchWords(pv))
		if err != nil {
			return fmt.Errorf("publish %s: %w", pvRef, err)
		}
		for i, m := range pv.Modules {
			_, err := tx.ExecContext(ctx,
				"INSERT INTO package_modules (version_id, position, org, module, summary) VALUES (?, ?, ?, ?, ?)",
				id, i, pv.Org, m.Name, m.Summary)
			if err != nil {
				return fmt.Errorf("publish %s: module %q: %w", pvRef, m.Name, err)
			}
		}
		if _, err := tx.ExecContext(ctx, "INSERT OR IGNORE INTO packages (org, name) VALUES (?, ?)", pv.Org, pv.Name); err != nil {
			return err
		}
		if err := refreshPackage(ctx, tx, pv.Org, pv.Name); err != nil {
			return err
		}
		_, err = tx.ExecContext(ctx, "UPDATE reservations SET state = ?, updated_at = ? WHERE id = ?",
			store.StatePublished, nowUS, id)
		return err
	})
	if err != nil {
		return err
	}
	pv.CreatedAt, pv.PublishedBy = created, publishedBy
	pv.Deprecated, pv.DeprecationMessage, pv.PullCount = false, "", 0
	pv.PackageJSON, pv.DependencyGraph = nonNil(pv.PackageJSON), nonNil(pv.DependencyGraph)
	for _, l := range []*[]string{&pv.Keywords, &pv.Authors, &pv.Licenses} {
		if *l == nil {
			*l = []string{}
		}
	}
	if pv.Modules == nil {
		pv.Modules = []store.Module{}
	}
	return nil
}

// searchWords returns the indexed text of a version: the words of its
// org, name, keywords and summary, space-separated.
func searchWords(pv *store.PackageVersion) string {
	var ws []string
	for _, s := range append([]string{pv.Org, pv.Name, pv.Summary}, pv.Keywords...) {
		ws = append(ws, store.Words(s)...)
	}
	return strings.Join(ws, " ")
}

// FailReservation implements store.Publisher.
func (s *Store) FailReservation(ctx context.Context, org, name, version string) error {
	us, _ := stamp(now())
	return s.write(ctx, func(tx *sql.Tx) error {
		id, r, err := reservation(ctx, tx, org, name, version)
		if err != nil {
			return err
		}
		switch r.State {
		case store.StateFailed:
			return nil
		case store.StateReserved:
			_, err = tx.ExecContext(ctx, "UPDATE reservations SET state = ?, updated_at = ? WHERE id = ?",
				store.StateFailed, us, id)
			return err
		}
		return fmt.Errorf("fail %s: %w: it is %s", ref(org, name, version), store.ErrNotReserved, r.State)
	})
}

// DeleteVersion implements store.Publisher.
func (s *Store) DeleteVersion(ctx context.Context, org, name, version string) error {
	us, _ := stamp(now())
	return s.write(ctx, func(tx *sql.Tx) error {
		id, r, err := reservation(ctx, tx, org, name, version)
		if err != nil {
			return err
		}
		if r.State != store.StatePublished {
			return fmt.Errorf("package version %s: %w (it is %s)", ref(org, name, version), store.ErrNotFound, r.State)
		}
		for _, q := range []string{
			"DELETE FROM package_search WHERE rowid = ?",
			"DELETE FROM package_modules WHERE version_id = ?",
			"DELETE FROM package_versions WHERE id = ?",
		} {
			if _, err := tx.ExecContext(ctx, q, id); err != nil {
				return err
			}
		}
		if err := refreshPackage(ctx, tx, org, name); err != nil {
			return err
		}
		_, err = tx.ExecContext(ctx, "UPDATE reservations SET state = ?, updated_at = ? WHERE id = ?",
			store.StateDeleted, us, id)
		return err
	})
}

// refreshPackage recomputes the search entry of a package after a change
// to its versions (see the packages table) and its rows in package_search,
// and removes the entry when the package has no published version left.
// The caller removes the package_search row of a deleted version.
func refreshPackage(ctx context.Context, tx *sql.Tx, org, name string) error {
	_, err := tx.ExecContext(ctx, `DELETE FROM package_search WHERE rowid IN
		(SELECT id FROM package_versions WHERE org = ?1 AND name = ?2)`, org, name)
	if err != nil {
		return fmt.Errorf("refresh package %s/%s: %w", org, name, err)
	}
	_, err = tx.ExecContext(ctx, `UPDATE packages SET
		latest_public = (SELECT id FROM package_versions WHERE org = ?1 AND name = ?2 AND deprecated = 0
			AND visibility = 'public' ORDER BY latest_key DESC LIMIT 1),
		latest_any = (SELECT id FROM package_versions WHERE org = ?1 AND name = ?2 AND deprecated = 0
			ORDER BY latest_key DESC LIMIT 1)
		WHERE org = ?1 AND name = ?2`, org, name)
	if err != nil {
		return fmt.Errorf("refresh package %s/%s: %w", org, name, err)
	}
	_, err = tx.ExecContext(ctx, `INSERT INTO package_search (rowid, words)
		SELECT id, search_words FROM package_versions WHERE id IN
			(SELECT latest_public FROM packages WHERE org = ?1 AND name = ?2
			 UNION SELECT latest_any FROM packages WHERE org = ?1 AND name = ?2)`, org, name)
	if err != nil {
		return fmt.Errorf("refresh package %s/%s: %w", org, name, err)
	}
	_, err = tx.ExecContext(ctx, `DELETE FROM packages WHERE org = ?1 AND name = ?2
		AND NOT EXISTS (SELECT 1 FROM package_versions WHERE org = ?1 AND name = ?2)`, org, name)
	if err != nil {
		return fmt.Errorf("refresh package %s/%s: %w", org, name, err)
	}
	return nil
}

// Version implements store.PackageReader. One statement reads the version
// and its modules (as a JSON array), so it sees one snapshot without a
// transaction.
func (s *Store) Version(ctx context.Context, org, name, version string) (*store.PackageVersion, error) {
	var pv store.PackageVersion
	var created int64
	var keywords, authors, licenses, modules string
	var publishedBy sql.NullInt64
	err := s.row(ctx,
		`SELECT org, name, version, platform, digest, size, blob_key, package_json, dependency_graph,
		   readme, summary, keywords, authors, licenses, source_repository, icon, ballerina_version,
		   visibility, created_at, published_by, deprecated, deprecation_message, pull_count,
		   (SELECT json_group_array(json_array(m.module, m.summary) ORDER BY m.position)
		    FROM package_modules m WHERE m.version_id = v.id)
		 FROM package_versions v WHERE org = ? AND name = ? AND version = ?`, org, name, version).
		Scan(&pv.Org, &pv.Name, &pv.Version, &pv.Platform, &pv.Digest, &pv.Size, &pv.BlobKey,
			&pv.PackageJSON, &pv.DependencyGraph, &pv.Readme, &pv.Summary, &keywords, &authors, &licenses,
			&pv.SourceRepository, &pv.Icon, &pv.BallerinaVersion, &pv.Visibility, &created, &publishedBy,
			&pv.Deprecated, &pv.DeprecationMessage, &pv.PullCount, &modules)
	if err != nil {
		return nil, notFound(err, "package version "+ref(org, name, version))
	}
	pv.CreatedAt, pv.PublishedBy = fromMicros(created), publishedBy.Int64
	for _, l := range []struct {
		dst *[]string
		src string
	}{{&pv.Keywords, keywords}, {&pv.Authors, authors}, {&pv.Licenses, licenses}} {
		if *l.dst, err = decodeList(l.src); err != nil {
			return nil, fmt.Errorf("package version %s: %w", ref(org, name, version), err)
		}
	}
	pv.PackageJSON, pv.DependencyGraph = nonNil(pv.PackageJSON), nonNil(pv.DependencyGraph)
	var pairs [][2]string
	if err := json.Unmarshal([]byte(modules), &pairs); err != nil {
		return nil, fmt.Errorf("package version %s: corrupt modules %q: %w", ref(org, name, version), modules, err)
	}
	pv.Modules = make([]store.Module, len(pairs))
	for i, p := range pairs {
		pv.Modules[i] = store.Module{Name: p[0], Summary: p[1]}
	}
	return &pv, nil
}

// Versions implements store.PackageReader.
func (s *Store) Versions(ctx context.Context, org, name string) ([]store.VersionInfo, error) {
	rows, err := s.query(ctx,
		`SELECT version, platform, ballerina_version, visibility, deprecated, deprecation_message, created_at
		 FROM package_versions WHERE org = ? AND name = ? ORDER BY id`, org, name)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var vs []store.VersionInfo
	for rows.Next() {
		var v store.VersionInfo
		var created int64
		if err := rows.Scan(&v.Version, &v.Platform, &v.BallerinaVersion, &v.Visibility, &v.Deprecated,
			&v.DeprecationMessage, &created); err != nil {
			return nil, err
		}
		v.CreatedAt = fromMicros(created)
		vs = append(vs, v)
	}
	if err := rows.Err(); err != nil {
		return nil, err
	}
	if len(vs) == 0 {
		return nil, fmt.Errorf("package %s/%s: %w", org, name, store.ErrNotFound)
	}
	return vs, nil
}

// PackagesOfOrg implements store.PackageReader.
func (s *Store) PackagesOfOrg(ctx context.Context, org string) ([]string, error) {
	rows, err := s.query(ctx, "SELECT DISTINCT name FROM package_versions WHERE org = ? ORDER BY name", org)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	names := []string{}
	for rows.Next() {
		var n string
		if err := rows.Scan(&n); err != nil {
			return nil, err
		}
		names = append(names, n)
	}
	return names, rows.Err()
}

// ModuleProviders implements store.PackageReader.
func (s *Store) ModuleProviders(ctx context.Context, org, module string) ([]store.ModuleProvider, error) {
	rows, err := s.query(ctx,
		`SELECT v.org, v.name, v.version, v.platform, v.visibility, v.deprecated
		 FROM package_modules m JOIN package_versions v ON v.id = m.version_id
		 WHERE m.org = ? AND m.module = ? ORDER BY v.name, v.id`, org, module)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	ps := []store.ModuleProvider{}
	for rows.Next() {
		var p store.ModuleProvider
		if err := rows.Scan(&p.Org, &p.Name, &p.Version, &p.Platform, &p.Visibility, &p.Deprecated); err != nil {
			return nil, err
		}
		ps = append(ps, p)
	}
	return ps, rows.Err()
}

// SetDeprecated implements store.Deprecator.
func (s *Store) SetDeprecated(ctx context.Context, org, name, version string, deprecated bool, message string) error {
	if !deprecated {
		message = ""
	}
	q := "UPDATE package_versions SET deprecated = ?, deprecation_message = ? WHERE org = ? AND name = ?"
	args := []any{deprecated, message, org, name}
	if version != "*" {
		q += " AND version = ?"
		args = append(args, version)
	}
	return s.write(ctx, func(tx *sql.Tx) error {
		res, err := tx.ExecContext(ctx, q, args...)
		if err != nil {
			return err
		}
		if err := affected(res, "package version "+ref(org, name, version)); err != nil {
			return err
		}
		return refreshPackage(ctx, tx, org, name)
	})
}

// IncrementPullCount implements store.PullCounter.
func (s *Store) IncrementPullCount(ctx context.Context, org, name, version string, n int64) error {
	if n < 1 {
		return fmt.Errorf("pull count increment %d: %w: want at least 1", n, store.ErrInvalid)
	}
	res, err := s.w.ExecContext(ctx,
		"UPDATE package_versions SET pull_count = pull_count + ? WHERE org = ? AND name = ? AND version = ?",
		n, org, name, version)
	if err != nil {
		return err
	}
	return affected(res, "package version "+ref(org, name, version))
}
