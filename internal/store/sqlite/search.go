package sqlite

import (
	"context"
	"database/sql"
	"fmt"
	"strings"

	"github.com/balcentral/balcentral/internal/store"
)

// Search implements store.Searcher.
//
// The packages table names for each package the version a search lists:
// latest_any for the orgs whose private versions the caller may see,
// latest_public for the others. All versions of a package belong to one
// org, so this choice is exact. Without text the query scans packages; with
// text it starts from the versions whose package_search row matches and
// keeps those that are listed. The FTS query is built from
// store.Words only, each word quoted, so no input can inject FTS5 syntax.
func (s *Store) Search(ctx context.Context, q store.SearchQuery) (*store.SearchResult, error) {
	ws, err := q.SearchMatch()
	if err != nil {
		return nil, err
	}

	// The listed version of package p: latest_any where the caller sees
	// private versions, latest_public elsewhere.
	listed := "p.latest_public"
	var listedArgs []any
	if len(q.Orgs) > 0 {
		marks := strings.TrimSuffix(strings.Repeat("?, ", len(q.Orgs)), ", ")
		listed = fmt.Sprintf("CASE WHEN p.org IN (%s) THEN p.latest_any ELSE p.latest_public END", marks)
		for _, o := range q.Orgs {
			listedArgs = append(listedArgs, o)
		}
	}
	var from strings.Builder
	var args []any
	if len(ws) == 0 {
		// Every package: scan packages in key order.
		fmt.Fprintf(&from, "packages p JOIN package_versions v ON v.id = %s WHERE 1 = 1", listed)
		args = append(args, listedArgs...)
	} else {
		// Start from the matching rows of package_search, which holds the
		// listed versions only, and keep those listed for this caller.
		terms := make([]string, len(ws))
		for i, w := range ws {
			terms[i] = `"` + w + `"*`
		}
		fmt.Fprintf(&from, `package_versions v JOIN packages p ON p.org = v.org AND p.name = v.name
			WHERE v.id IN (SELECT rowid FROM package_search WHERE package_search MATCH ?) AND v.id = %s`, listed)
		args = append(args, strings.Join(terms, " AND "))
		args = append(args, listedArgs...)
	}
	if q.Org != "" {
		from.WriteString(" AND p.org = ?")
		args = append(args, q.Org)
	}

	order := " ORDER BY p.org, p.name"
	pageArgs := args[:len(args):len(args)]
	if exact := strings.ToLower(strings.TrimSpace(q.Text)); exact != "" {
		order = " ORDER BY lower(p.name) = ? DESC, p.org, p.name"
		pageArgs = append(pageArgs, exact)
	}
	limit := int64(q.Limit)
	if limit == 0 {
		limit = -1 // SQLite: no limit
	}
	pageArgs = append(pageArgs, limit, q.Offset)

	res := &store.SearchResult{Packages: []store.PackageSummary{}}
	err = s.read(ctx, func(tx *sql.Tx) error {
		if err := tx.QueryRowContext(ctx, "SELECT COUNT(*) FROM "+from.String(), args...).Scan(&res.Total); err != nil {
			return fmt.Errorf("search: %w", err)
		}
		if res.Total <= q.Offset {
			return nil
		}
		rows, err := tx.QueryContext(ctx,
			`SELECT v.org, v.name, v.version, v.platform, v.summary, v.keywords, v.authors, v.licenses, v.icon,
			   v.ballerina_version, v.visibility, v.created_at, v.pull_count
			 FROM `+from.String()+order+" LIMIT ? OFFSET ?", pageArgs...)
		if err != nil {
			return fmt.Errorf("search: %w", err)
		}
		defer rows.Close()
		for rows.Next() {
			var p store.PackageSummary
			var keywords, authors, licenses string
			var created int64
			if err := rows.Scan(&p.Org, &p.Name, &p.Version, &p.Platform, &p.Summary, &keywords, &authors,
				&licenses, &p.Icon, &p.BallerinaVersion, &p.Visibility, &created, &p.PullCount); err != nil {
				return err
			}
			p.CreatedAt = fromMicros(created)
			for _, l := range []struct {
				dst *[]string
				src string
			}{{&p.Keywords, keywords}, {&p.Authors, authors}, {&p.Licenses, licenses}} {
				if *l.dst, err = decodeList(l.src); err != nil {
					return fmt.Errorf("package %s/%s: %w", p.Org, p.Name, err)
				}
			}
			res.Packages = append(res.Packages, p)
		}
		return rows.Err()
	})
	if err != nil {
		return nil, err
	}
	return res, nil
}
