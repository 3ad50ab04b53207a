package postgres

import (
	"context"
	"fmt"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/balcentral/balcentral/internal/store"
)

const userColumns = "id, username, password_hash, admin, created_at"

func scanUser(row pgx.Row) (*store.User, error) {
	var u store.User
	if err := row.Scan(&u.ID, &u.Username, &u.PasswordHash, &u.Admin, &u.CreatedAt); err != nil {
		return nil, err
	}
	u.CreatedAt = u.CreatedAt.UTC()
	return &u, nil
}

// CreateUser implements store.UserStore.
func (s *Store) CreateUser(ctx context.Context, u *store.User) error {
	if err := store.CheckName("user name", u.Username); err != nil {
		return err
	}
	created := stamp(u.CreatedAt)
	var id int64
	err := s.pool.QueryRow(ctx,
		"INSERT INTO users (username, password_hash, admin, created_at) VALUES ($1, $2, $3, $4) RETURNING id",
		u.Username, u.PasswordHash, u.Admin, created).Scan(&id)
	if isUnique(err) {
		return fmt.Errorf("user %q: %w", u.Username, store.ErrExists)
	}
	if err != nil {
		return mapErr(err)
	}
	u.ID, u.CreatedAt = id, created
	return nil
}

// User implements store.UserStore.
func (s *Store) User(ctx context.Context, id int64) (*store.User, error) {
	u, err := scanUser(s.pool.QueryRow(ctx, "SELECT "+userColumns+" FROM users WHERE id = $1", id))
	if err != nil {
		return nil, notFound(err, fmt.Sprintf("user %d", id))
	}
	return u, nil
}

// UserByName implements store.UserStore.
func (s *Store) UserByName(ctx context.Context, username string) (*store.User, error) {
	if !storable(username) {
		return nil, fmt.Errorf("user %q: %w", username, store.ErrNotFound)
	}
	u, err := scanUser(s.pool.QueryRow(ctx, "SELECT "+userColumns+" FROM users WHERE username = $1", username))
	if err != nil {
		return nil, notFound(err, fmt.Sprintf("user %q", username))
	}
	return u, nil
}

// ListUsers implements store.UserStore.
func (s *Store) ListUsers(ctx context.Context) ([]store.User, error) {
	rows, err := s.pool.Query(ctx, "SELECT "+userColumns+" FROM users ORDER BY username")
	if err != nil {
		return nil, err
	}
	users, err := pgx.CollectRows(rows, func(row pgx.CollectableRow) (store.User, error) {
		u, err := scanUser(row)
		if err != nil {
			return store.User{}, err
		}
		return *u, nil
	})
	return nonNilRows(users), err
}

// SetPassword implements store.UserStore.
func (s *Store) SetPassword(ctx context.Context, id int64, passwordHash string) error {
	return s.exec(ctx, fmt.Sprintf("user %d", id), "UPDATE users SET password_hash = $1 WHERE id = $2", passwordHash, id)
}

// SetAdmin implements store.UserStore.
func (s *Store) SetAdmin(ctx context.Context, id int64, admin bool) error {
	return s.exec(ctx, fmt.Sprintf("user %d", id), "UPDATE users SET admin = $1 WHERE id = $2", admin, id)
}

// nonNilRows returns l, or an empty slice for nil.
func nonNilRows[T any](l []T) []T {
	if l == nil {
		return []T{}
	}
	return l
}

// utc is t in UTC; pgx returns times in the local zone.
func utc(t time.Time) time.Time { return t.UTC() }
