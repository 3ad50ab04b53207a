package postgres

import (
	"context"
	"fmt"
	"strings"

	"github.com/jackc/pgx/v5"

	"github.com/balcentral/balcentral/internal/store"
)

// Search implements store.Searcher.
//
// The packages table names for each package the version a search lists:
// latest_any for the orgs whose private versions the caller may see,
// latest_public for the others. All versions of a package belong to one
// org, so this choice is exact. With text, the GIN index of package_search
// (which holds the listed versions only) finds the candidates. The tsquery
// is built from store.Words only, each word a quoted prefix lexeme
// ('word':*), so no input can inject tsquery syntax, and it is passed as a
// parameter. The total comes from a window count over the same query, so
// that a page costs one statement.
func (s *Store) Search(ctx context.Context, q store.SearchQuery) (*store.SearchResult, error) {
	ws, err := q.SearchMatch()
	if err != nil {
		return nil, err
	}
	res := &store.SearchResult{Packages: []store.PackageSummary{}}
	if !storable(q.Org) {
		return res, nil // no org has such a name
	}
	args := pgx.NamedArgs{}

	listed := "p.latest_public"
	if orgs := storableOnly(q.Orgs); len(orgs) > 0 {
		listed = "CASE WHEN p.org = ANY(@orgs) THEN p.latest_any ELSE p.latest_public END"
		args["orgs"] = orgs
	}
	from := "packages p JOIN package_versions v ON v.id = " + listed
	var where []string
	if len(ws) > 0 {
		terms := make([]string, len(ws))
		for i, w := range ws {
			// A word is letters and digits only: nothing to escape.
			terms[i] = "'" + lexeme(w) + "':*"
		}
		from += " JOIN package_search s ON s.version_id = v.id"
		where = append(where, "s.words @@ @query::tsquery")
		args["query"] = strings.Join(terms, " & ")
	}
	if q.Org != "" {
		where = append(where, "p.org = @org")
		args["org"] = q.Org
	}
	if len(where) > 0 {
		from += " WHERE " + strings.Join(where, " AND ")
	}

	order := " ORDER BY p.org, p.name"
	// Names equal to the trimmed text, ignoring ASCII case, come first. A
	// text that cannot be stored equals no name.
	if exact := asciiLower(strings.TrimSpace(q.Text)); exact != "" && storable(q.Text) {
		order = " ORDER BY translate(p.name, 'ABCDEFGHIJKLMNOPQRSTUVWXYZ', 'abcdefghijklmnopqrstuvwxyz') = @exact DESC, p.org, p.name"
		args["exact"] = exact
	}
	page := " OFFSET @offset"
	args["offset"] = q.Offset
	if q.Limit > 0 {
		page += " LIMIT @limit"
		args["limit"] = q.Limit
	}

	rows, err := s.pool.Query(ctx,
		`SELECT v.org, v.name, v.version, v.platform, v.summary, v.keywords, v.authors, v.licenses, v.icon,
		   v.ballerina_version, v.visibility, v.created_at, v.pull_count, count(*) OVER ()
		 FROM `+from+order+page, args)
	if err != nil {
		return nil, fmt.Errorf("search: %w", err)
	}
	res.Packages, err = pgx.CollectRows(rows, func(row pgx.CollectableRow) (store.PackageSummary, error) {
		var p store.PackageSummary
		err := row.Scan(&p.Org, &p.Name, &p.Version, &p.Platform, &p.Summary, &p.Keywords, &p.Authors,
			&p.Licenses, &p.Icon, &p.BallerinaVersion, &p.Visibility, &p.CreatedAt, &p.PullCount, &res.Total)
		p.CreatedAt = utc(p.CreatedAt)
		p.Keywords, p.Authors, p.Licenses = list(p.Keywords), list(p.Authors), list(p.Licenses)
		return p, err
	})
	if err != nil {
		return nil, fmt.Errorf("search: %w", err)
	}
	res.Packages = nonNilRows(res.Packages)
	if len(res.Packages) == 0 && q.Offset > 0 {
		// A page past the end has no row to carry the total.
		if err := s.pool.QueryRow(ctx, "SELECT count(*) FROM "+from, args).Scan(&res.Total); err != nil {
			return nil, fmt.Errorf("search: %w", err)
		}
	}
	return res, nil
}

// storableOnly returns the strings of ss that can be stored: the others
// name nothing.
func storableOnly(ss []string) []string {
	var out []string
	for _, s := range ss {
		if storable(s) {
			out = append(out, s)
		}
	}
	return out
}

// asciiLower lower-cases the ASCII letters of s only, leaving every other
// byte as it is.
func asciiLower(s string) string {
	b := []byte(s)
	for i, c := range b {
		if 'A' <= c && c <= 'Z' {
			b[i] = c + ('a' - 'A')
		}
	}
	return string(b)
}
