package sqlite

import (
	"context"
	"database/sql"
	"fmt"

	"github.com/balcentral/balcentral/internal/store"
)

const userColumns = "id, username, password_hash, admin, created_at"

func scanUser(row rowScanner) (*store.User, error) {
	var u store.User
	var created int64
	if err := row.Scan(&u.ID, &u.Username, &u.PasswordHash, &u.Admin, &created); err != nil {
		return nil, err
	}
	u.CreatedAt = fromMicros(created)
	return &u, nil
}

// CreateUser implements store.UserStore.
func (s *Store) CreateUser(ctx context.Context, u *store.User) error {
	if err := store.CheckName("user name", u.Username); err != nil {
		return err
	}
	us, created := stamp(u.CreatedAt)
	var id int64
	err := s.write(ctx, func(tx *sql.Tx) error {
		res, err := tx.ExecContext(ctx,
			"INSERT INTO users (username, password_hash, admin, created_at) VALUES (?, ?, ?, ?)",
			u.Username, u.PasswordHash, u.Admin, us)
		if isUnique(err) {
			return fmt.Errorf("user %q: %w", u.Username, store.ErrExists)
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
	u.ID, u.CreatedAt = id, created
	return nil
}

// User implements store.UserStore.
func (s *Store) User(ctx context.Context, id int64) (*store.User, error) {
	u, err := scanUser(s.row(ctx, "SELECT "+userColumns+" FROM users WHERE id = ?", id))
	if err != nil {
		return nil, notFound(err, fmt.Sprintf("user %d", id))
	}
	return u, nil
}

// UserByName implements store.UserStore.
func (s *Store) UserByName(ctx context.Context, username string) (*store.User, error) {
	u, err := scanUser(s.row(ctx, "SELECT "+userColumns+" FROM users WHERE username = ?", username))
	if err != nil {
		return nil, notFound(err, fmt.Sprintf("user %q", username))
	}
	return u, nil
}

// ListUsers implements store.UserStore.
func (s *Store) ListUsers(ctx context.Context) ([]store.User, error) {
	rows, err := s.query(ctx, "SELECT "+userColumns+" FROM users ORDER BY username")
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	users := []store.User{}
	for rows.Next() {
		u, err := scanUser(rows)
		if err != nil {
			return nil, err
		}
		users = append(users, *u)
	}
	return users, rows.Err()
}

// SetPassword implements store.UserStore.
func (s *Store) SetPassword(ctx context.Context, id int64, passwordHash string) error {
	res, err := s.w.ExecContext(ctx, "UPDATE users SET password_hash = ? WHERE id = ?", passwordHash, id)
	if err != nil {
		return err
	}
	return affected(res, fmt.Sprintf("user %d", id))
}

// SetAdmin implements store.UserStore.
func (s *Store) SetAdmin(ctx context.Context, id int64, admin bool) error {
	res, err := s.w.ExecContext(ctx, "UPDATE users SET admin = ? WHERE id = ?", admin, id)
	if err != nil {
		return err
	}
	return affected(res, fmt.Sprintf("user %d", id))
}
