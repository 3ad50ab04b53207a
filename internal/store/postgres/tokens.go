package postgres

import (
	"context"
	"fmt"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/balcentral/balcentral/internal/store"
)

const tokenColumns = "id, user_id, name, prefix, hash, scopes, created_at, expires_at, last_used_at, revoked_at"

func scanToken(row pgx.Row) (*store.Token, error) {
	var t store.Token
	var expires *time.Time
	if err := row.Scan(&t.ID, &t.UserID, &t.Name, &t.Prefix, &t.Hash, &t.Scopes, &t.CreatedAt, &expires,
		&t.LastUsedAt, &t.RevokedAt); err != nil {
		return nil, err
	}
	t.Scopes = list(t.Scopes)
	t.CreatedAt = utc(t.CreatedAt)
	if expires != nil {
		t.ExpiresAt = utc(*expires)
	}
	t.LastUsedAt, t.RevokedAt = utcPtr(t.LastUsedAt), utcPtr(t.RevokedAt)
	return &t, nil
}

// CreateToken implements store.TokenStore.
func (s *Store) CreateToken(ctx context.Context, t *store.Token) error {
	if len(t.Hash) == 0 {
		return fmt.Errorf("token hash: %w: empty", store.ErrInvalid)
	}
	created := stamp(t.CreatedAt)
	expires := nullTime(t.ExpiresAt)
	var id int64
	err := s.pool.QueryRow(ctx,
		`INSERT INTO tokens (user_id, name, prefix, hash, scopes, created_at, expires_at)
		 VALUES ($1, $2, $3, $4, $5, $6, $7) RETURNING id`,
		t.UserID, t.Name, t.Prefix, t.Hash, list(t.Scopes), created, expires).Scan(&id)
	switch {
	case isUnique(err):
		return fmt.Errorf("token with prefix %q: hash: %w", t.Prefix, store.ErrExists)
	case isForeignKey(err):
		return fmt.Errorf("user %d: %w", t.UserID, store.ErrNotFound)
	case err != nil:
		return mapErr(err)
	}
	t.ID, t.CreatedAt = id, created
	if expires != nil {
		t.ExpiresAt = *expires
	}
	t.Scopes = list(t.Scopes)
	t.LastUsedAt, t.RevokedAt = nil, nil
	return nil
}

// Token implements store.TokenStore.
func (s *Store) Token(ctx context.Context, id int64) (*store.Token, error) {
	t, err := scanToken(s.pool.QueryRow(ctx, "SELECT "+tokenColumns+" FROM tokens WHERE id = $1", id))
	if err != nil {
		return nil, notFound(err, fmt.Sprintf("token %d", id))
	}
	return t, nil
}

// TokenByHash implements store.TokenStore.
func (s *Store) TokenByHash(ctx context.Context, hash []byte) (*store.Token, error) {
	t, err := scanToken(s.pool.QueryRow(ctx, "SELECT "+tokenColumns+" FROM tokens WHERE hash = $1", nonNil(hash)))
	if err != nil {
		return nil, notFound(err, "token")
	}
	return t, nil
}

// ListTokens implements store.TokenStore.
func (s *Store) ListTokens(ctx context.Context, userID int64) ([]store.Token, error) {
	rows, err := s.pool.Query(ctx, "SELECT "+tokenColumns+" FROM tokens WHERE user_id = $1 ORDER BY id", userID)
	if err != nil {
		return nil, err
	}
	tokens, err := pgx.CollectRows(rows, func(row pgx.CollectableRow) (store.Token, error) {
		t, err := scanToken(row)
		if err != nil {
			return store.Token{}, err
		}
		return *t, nil
	})
	return nonNilRows(tokens), err
}

// RevokeToken implements store.TokenStore.
func (s *Store) RevokeToken(ctx context.Context, id int64, at time.Time) error {
	return s.exec(ctx, fmt.Sprintf("token %d", id),
		"UPDATE tokens SET revoked_at = COALESCE(revoked_at, $1) WHERE id = $2", stamp(at), id)
}

// TouchToken implements store.TokenStore.
func (s *Store) TouchToken(ctx context.Context, id int64, at time.Time) error {
	// GREATEST ignores NULL: the first touch sets the time.
	return s.exec(ctx, fmt.Sprintf("token %d", id),
		"UPDATE tokens SET last_used_at = GREATEST(last_used_at, $1) WHERE id = $2", stamp(at), id)
}
