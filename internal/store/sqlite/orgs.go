package sqlite

import (
	"context"
	"database/sql"
	"errors"
	"fmt"

	"github.com/balcentral/balcentral/internal/store"
)

// CreateOrg implements store.OrgStore.
func (s *Store) CreateOrg(ctx context.Context, o *store.Org, ownerID int64) error {
	if err := store.CheckName("org", o.Name); err != nil {
		return err
	}
	us, created := stamp(o.CreatedAt)
	var id int64
	err := s.write(ctx, func(tx *sql.Tx) error {
		if err := userExists(ctx, tx, ownerID); err != nil {
			return err
		}
		res, err := tx.ExecContext(ctx, "INSERT INTO orgs (name, created_at) VALUES (?, ?)", o.Name, us)
		if isUnique(err) {
			return fmt.Errorf("org %q: %w", o.Name, store.ErrExists)
		}
		if err != nil {
			return err
		}
		if id, err = res.LastInsertId(); err != nil {
			return err
		}
		_, err = tx.ExecContext(ctx, "INSERT INTO memberships (org_id, user_id, role) VALUES (?, ?, ?)",
			id, ownerID, store.RoleOwner)
		return err
	})
	if err != nil {
		return err
	}
	o.ID, o.CreatedAt = id, created
	return nil
}

// Org implements store.OrgStore.
func (s *Store) Org(ctx context.Context, name string) (*store.Org, error) {
	var o store.Org
	var created int64
	err := s.row(ctx, "SELECT id, name, created_at FROM orgs WHERE name = ?", name).
		Scan(&o.ID, &o.Name, &created)
	if err != nil {
		return nil, notFound(err, fmt.Sprintf("org %q", name))
	}
	o.CreatedAt = fromMicros(created)
	return &o, nil
}

// ListOrgs implements store.OrgStore.
func (s *Store) ListOrgs(ctx context.Context) ([]store.Org, error) {
	rows, err := s.query(ctx, "SELECT id, name, created_at FROM orgs ORDER BY name")
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	orgs := []store.Org{}
	for rows.Next() {
		var o store.Org
		var created int64
		if err := rows.Scan(&o.ID, &o.Name, &created); err != nil {
			return nil, err
		}
		o.CreatedAt = fromMicros(created)
		orgs = append(orgs, o)
	}
	return orgs, rows.Err()
}

// orgID returns the ID of an org, or ErrNotFound.
func orgID(ctx context.Context, tx *sql.Tx, org string) (int64, error) {
	var id int64
	err := tx.QueryRowContext(ctx, "SELECT id FROM orgs WHERE name = ?", org).Scan(&id)
	return id, notFound(err, fmt.Sprintf("org %q", org))
}

// currentRole returns the role of a user in an org, "" if not a member.
func currentRole(ctx context.Context, tx *sql.Tx, orgID, userID int64) (store.Role, error) {
	var role store.Role
	err := tx.QueryRowContext(ctx, "SELECT role FROM memberships WHERE org_id = ? AND user_id = ?", orgID, userID).Scan(&role)
	if errors.Is(err, sql.ErrNoRows) {
		return "", nil
	}
	return role, err
}

// checkNotLastOwner returns ErrLastOwner if the org has a single owner.
// The caller holds the write lock, so the count cannot change under it.
func checkNotLastOwner(ctx context.Context, tx *sql.Tx, org string, orgID int64) error {
	var owners int
	if err := tx.QueryRowContext(ctx, "SELECT COUNT(*) FROM memberships WHERE org_id = ? AND role = ?",
		orgID, store.RoleOwner).Scan(&owners); err != nil {
		return err
	}
	if owners <= 1 {
		return fmt.Errorf("org %q: %w", org, store.ErrLastOwner)
	}
	return nil
}

// SetMember implements store.OrgStore.
func (s *Store) SetMember(ctx context.Context, org string, userID int64, role store.Role) error {
	if !role.Valid() {
		return fmt.Errorf("role %q: %w: want owner, publisher or member", role, store.ErrInvalid)
	}
	return s.write(ctx, func(tx *sql.Tx) error {
		oid, err := orgID(ctx, tx, org)
		if err != nil {
			return err
		}
		if err := userExists(ctx, tx, userID); err != nil {
			return err
		}
		cur, err := currentRole(ctx, tx, oid, userID)
		if err != nil {
			return err
		}
		if cur == store.RoleOwner && role != store.RoleOwner {
			if err := checkNotLastOwner(ctx, tx, org, oid); err != nil {
				return err
			}
		}
		_, err = tx.ExecContext(ctx,
			`INSERT INTO memberships (org_id, user_id, role) VALUES (?, ?, ?)
			 ON CONFLICT (org_id, user_id) DO UPDATE SET role = excluded.role`,
			oid, userID, role)
		return err
	})
}

// RemoveMember implements store.OrgStore.
func (s *Store) RemoveMember(ctx context.Context, org string, userID int64) error {
	return s.write(ctx, func(tx *sql.Tx) error {
		oid, err := orgID(ctx, tx, org)
		if err != nil {
			return err
		}
		cur, err := currentRole(ctx, tx, oid, userID)
		if err != nil {
			return err
		}
		if cur == "" {
			return fmt.Errorf("member %d of org %q: %w", userID, org, store.ErrNotFound)
		}
		if cur == store.RoleOwner {
			if err := checkNotLastOwner(ctx, tx, org, oid); err != nil {
				return err
			}
		}
		_, err = tx.ExecContext(ctx, "DELETE FROM memberships WHERE org_id = ? AND user_id = ?", oid, userID)
		return err
	})
}

// Members implements store.OrgStore.
func (s *Store) Members(ctx context.Context, org string) ([]store.Membership, error) {
	members := []store.Membership{}
	err := s.read(ctx, func(tx *sql.Tx) error {
		oid, err := orgID(ctx, tx, org)
		if err != nil {
			return err
		}
		rows, err := tx.QueryContext(ctx,
			`SELECT m.user_id, u.username, m.role FROM memberships m JOIN users u ON u.id = m.user_id
			 WHERE m.org_id = ? ORDER BY u.username`, oid)
		if err != nil {
			return err
		}
		defer rows.Close()
		for rows.Next() {
			m := store.Membership{Org: org}
			if err := rows.Scan(&m.UserID, &m.Username, &m.Role); err != nil {
				return err
			}
			members = append(members, m)
		}
		return rows.Err()
	})
	if err != nil {
		return nil, err
	}
	return members, nil
}

// Role implements store.OrgStore.
func (s *Store) Role(ctx context.Context, org string, userID int64) (store.Role, error) {
	var role store.Role
	err := s.row(ctx,
		`SELECT m.role FROM memberships m JOIN orgs o ON o.id = m.org_id
		 WHERE o.name = ? AND m.user_id = ?`, org, userID).Scan(&role)
	if err != nil {
		return "", notFound(err, fmt.Sprintf("member %d of org %q", userID, org))
	}
	return role, nil
}

// MembershipsOf implements store.OrgStore.
func (s *Store) MembershipsOf(ctx context.Context, userID int64) ([]store.Membership, error) {
	rows, err := s.query(ctx,
		`SELECT o.name, m.user_id, u.username, m.role
		 FROM memberships m JOIN orgs o ON o.id = m.org_id JOIN users u ON u.id = m.user_id
		 WHERE m.user_id = ? ORDER BY o.name`, userID)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	ms := []store.Membership{}
	for rows.Next() {
		var m store.Membership
		if err := rows.Scan(&m.Org, &m.UserID, &m.Username, &m.Role); err != nil {
			return nil, err
		}
		ms = append(ms, m)
	}
	return ms, rows.Err()
}
