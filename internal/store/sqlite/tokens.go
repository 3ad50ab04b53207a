package sqlite

import (
	"context"
	"database/sql"
	"fmt"
	"time"

	"github.com/balcentral/balcentral/internal/store"
)

const tokenColumns = "id, user_id, name, prefix, hash, scopes, created_at, expires_at, last_used_at, revoked_at"

func scanToken(row rowScanner) (*store.Token, error) {
	var t store.Token
	var scopes string
	var created int64
	var expires, used, revoked sql.NullInt64
	if err := row.Scan(&t.ID, &t.UserID, &t.Name, &t.Prefix, &t.Hash, &scopes, &created, &expires, &used, &revoked); err != nil {
		return nil, err
	}
	var err error
	if t.Scopes, err = decodeList(scopes); err != nil {
		return nil, fmt.Errorf("token %d: scopes: %w", t.ID, err)
	}
	t.CreatedAt = fromMicros(created)
	if expires.Valid {
		t.ExpiresAt = fromMicros(expires.Int64)
	}
	t.LastUsedAt = timePtr(used)
	t.RevokedAt = timePtr(revoked)
	return &t, nil
}

// CreateToken implements store.TokenStore.
func (s *Store) CreateToken(ctx context.Context, t *store.Token) error {
	if len(t.Hash) == 0 {
		return fmt.Errorf("token hash: %w: empty", store.ErrInvalid)
	}
	us, created := stamp(t.CreatedAt)
	expires := nullTime(t.ExpiresAt)
	var id int64
	err := s.write(ctx, func(tx *sql.Tx) error {
		if err := userExists(ctx, tx, t.UserID); err != nil {
			return err
		}
		res, err := tx.ExecContext(ctx,
			`INSERT INTO tokens (user_id, name, prefix, hash, scopes, created_at, expires_at)
			 VALUES (?, ?, ?, ?, ?, ?, ?)`,
			t.UserID, t.Name, t.Prefix, t.Hash, encodeList(t.Scopes), us, expires)
		if isUnique(err) {
			return fmt.Errorf("token with prefix %q: hash: %w", t.Prefix, store.ErrExists)
		}
		if err != nil {
			return err
		}
		id, err = res.LastInsertId()
		return err
	})
	if err != nil {
		return err
	}
	t.ID, t.CreatedAt = id, created
	if expires.Valid {
		t.ExpiresAt = fromMicros(expires.Int64)
	}
	if t.Scopes == nil {
		t.Scopes = []string{}
	}
	t.LastUsedAt, t.RevokedAt = nil, nil
	return nil
}

// Token implements store.TokenStore.
func (s *Store) Token(ctx context.Context, id int64) (*store.Token, error) {
	t, err := scanToken(s.row(ctx, "SELECT "+tokenColumns+" FROM tokens WHERE id = ?", id))
	if err != nil {
		return nil, notFound(err, fmt.Sprintf("token %d", id))
	}
	return t, nil
}

// TokenByHash implements store.TokenStore.
func (s *Store) TokenByHash(ctx context.Context, hash []byte) (*store.Token, error) {
	t, err := scanToken(s.row(ctx, "SELECT "+tokenColumns+" FROM tokens WHERE hash = ?", nonNil(hash)))
	if err != nil {
		return nil, notFound(err, "token")
	}
	return t, nil
}

// ListTokens implements store.TokenStore.
func (s *Store) ListTokens(ctx context.Context, userID int64) ([]store.Token, error) {
	rows, err := s.query(ctx, "SELECT "+tokenColumns+" FROM tokens WHERE user_id = ? ORDER BY id", userID)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	tokens := []store.Token{}
	for rows.Next() {
		t, err := scanToken(rows)
		if err != nil {
			return nil, err
		}
		tokens = append(tokens, *t)
	}
	return tokens, rows.Err()
}

// RevokeToken implements store.TokenStore.
func (s *Store) RevokeToken(ctx context.Context, id int64, at time.Time) error {
	us, _ := stamp(at)
	res, err := s.w.ExecContext(ctx, "UPDATE tokens SET revoked_at = COALESCE(revoked_at, ?) WHERE id = ?", us, id)
	if err != nil {
		return err
	}
	return affected(res, fmt.Sprintf("token %d", id))
}

// TouchToken implements store.TokenStore.
func (s *Store) TouchToken(ctx context.Context, id int64, at time.Time) error {
	us, _ := stamp(at)
	res, err := s.w.ExecContext(ctx,
		"UPDATE tokens SET last_used_at = MAX(COALESCE(last_used_at, ?1), ?1) WHERE id = ?2", us, id)
	if err != nil {
		return err
	}
	return affected(res, fmt.Sprintf("token %d", id))
}
