package postgres

import (
	"context"
	"errors"
	"fmt"

	"github.com/jackc/pgx/v5"

	"github.com/balcentral/balcentral/internal/store"
)

// CreateOrg implements store.OrgStore.
func (s *Store) CreateOrg(ctx context.Context, o *store.Org, ownerID int64) error {
	if err := store.CheckName("org", o.Name); err != nil {
		return err
	}
	created := stamp(o.CreatedAt)
	var id int64
	err := s.write(ctx, func(tx pgx.Tx) error {
		err := tx.QueryRow(ctx, "INSERT INTO orgs (name, created_at) VALUES ($1, $2) RETURNING id", o.Name, created).Scan(&id)
		if isUnique(err) {
			return fmt.Errorf("org %q: %w", o.Name, store.ErrExists)
		}
		if err != nil {
			return err
		}
		_, err = tx.Exec(ctx, "INSERT INTO memberships (org_id, user_id, role) VALUES ($1, $2, $3)",
			id, ownerID, store.RoleOwner)
		if isForeignKey(err) {
			return fmt.Errorf("owner of org %q: user %d: %w", o.Name, ownerID, store.ErrNotFound)
		}
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
	if !storable(name) {
		return nil, fmt.Errorf("org %q: %w", name, store.ErrNotFound)
	}
	var o store.Org
	err := s.pool.QueryRow(ctx, "SELECT id, name, created_at FROM orgs WHERE name = $1", name).
		Scan(&o.ID, &o.Name, &o.CreatedAt)
	if err != nil {
		return nil, notFound(err, fmt.Sprintf("org %q", name))
	}
	o.CreatedAt = utc(o.CreatedAt)
	return &o, nil
}

// ListOrgs implements store.OrgStore.
func (s *Store) ListOrgs(ctx context.Context) ([]store.Org, error) {
	rows, err := s.pool.Query(ctx, "SELECT id, name, created_at FROM orgs ORDER BY name")
	if err != nil {
		return nil, err
	}
	orgs, err := pgx.CollectRows(rows, func(row pgx.CollectableRow) (store.Org, error) {
		var o store.Org
		err := row.Scan(&o.ID, &o.Name, &o.CreatedAt)
		o.CreatedAt = utc(o.CreatedAt)
		return o, err
	})
	return nonNilRows(orgs), err
}

// lockOrg locks the row of an org for the rest of tx and returns its ID,
// or ErrNotFound. Membership changes take this lock first, so that the
// count of owners cannot change under them.
func lockOrg(ctx context.Context, tx pgx.Tx, org string) (int64, error) {
	var id int64
	err := tx.QueryRow(ctx, "SELECT id FROM orgs WHERE name = $1 FOR UPDATE", org).Scan(&id)
	return id, notFound(err, fmt.Sprintf("org %q", org))
}

// currentRole returns the role of a user in an org, "" if not a member.
func currentRole(ctx context.Context, tx pgx.Tx, orgID, userID int64) (store.Role, error) {
	var role store.Role
	err := tx.QueryRow(ctx, "SELECT role FROM memberships WHERE org_id = $1 AND user_id = $2", orgID, userID).Scan(&role)
	if errors.Is(err, pgx.ErrNoRows) {
		return "", nil
	}
	return role, err
}

// checkNotLastOwner returns ErrLastOwner if the org has a single owner.
// The caller holds the org's lock, so the count cannot change under it.
func checkNotLastOwner(ctx context.Context, tx pgx.Tx, org string, orgID int64) error {
	var owners int
	if err := tx.QueryRow(ctx, "SELECT count(*) FROM memberships WHERE org_id = $1 AND role = $2",
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
	if !storable(org) {
		return fmt.Errorf("org %q: %w", org, store.ErrNotFound)
	}
	return s.write(ctx, func(tx pgx.Tx) error {
		oid, err := lockOrg(ctx, tx, org)
		if err != nil {
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
		_, err = tx.Exec(ctx,
			`INSERT INTO memberships (org_id, user_id, role) VALUES ($1, $2, $3)
			 ON CONFLICT (org_id, user_id) DO UPDATE SET role = excluded.role`,
			oid, userID, role)
		if isForeignKey(err) {
			return fmt.Errorf("user %d: %w", userID, store.ErrNotFound)
		}
		return err
	})
}

// RemoveMember implements store.OrgStore.
func (s *Store) RemoveMember(ctx context.Context, org string, userID int64) error {
	if !storable(org) {
		return fmt.Errorf("org %q: %w", org, store.ErrNotFound)
	}
	return s.write(ctx, func(tx pgx.Tx) error {
		oid, err := lockOrg(ctx, tx, org)
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
		_, err = tx.Exec(ctx, "DELETE FROM memberships WHERE org_id = $1 AND user_id = $2", oid, userID)
		return err
	})
}

// Members implements store.OrgStore. One statement reads the org and its
// members: no row means no org, a row without a user an org without
// members.
func (s *Store) Members(ctx context.Context, org string) ([]store.Membership, error) {
	if !storable(org) {
		return nil, fmt.Errorf("org %q: %w", org, store.ErrNotFound)
	}
	rows, err := s.pool.Query(ctx,
		`SELECT m.user_id, u.username, m.role
		 FROM orgs o LEFT JOIN (memberships m JOIN users u ON u.id = m.user_id) ON m.org_id = o.id
		 WHERE o.name = $1 ORDER BY u.username`, org)
	if err != nil {
		return nil, err
	}
	found := false
	members, err := pgx.CollectRows(rows, func(row pgx.CollectableRow) (store.Membership, error) {
		found = true
		var userID *int64
		var username, role *string
		if err := row.Scan(&userID, &username, &role); err != nil || userID == nil {
			return store.Membership{}, err
		}
		return store.Membership{Org: org, UserID: *userID, Username: *username, Role: store.Role(*role)}, nil
	})
	if err != nil {
		return nil, err
	}
	if !found {
		return nil, fmt.Errorf("org %q: %w", org, store.ErrNotFound)
	}
	out := []store.Membership{}
	for _, m := range members {
		if m.UserID != 0 {
			out = append(out, m)
		}
	}
	return out, nil
}

// Role implements store.OrgStore.
func (s *Store) Role(ctx context.Context, org string, userID int64) (store.Role, error) {
	what := fmt.Sprintf("member %d of org %q", userID, org)
	if !storable(org) {
		return "", fmt.Errorf("%s: %w", what, store.ErrNotFound)
	}
	var role store.Role
	err := s.pool.QueryRow(ctx,
		`SELECT m.role FROM memberships m JOIN orgs o ON o.id = m.org_id
		 WHERE o.name = $1 AND m.user_id = $2`, org, userID).Scan(&role)
	if err != nil {
		return "", notFound(err, what)
	}
	return role, nil
}

// MembershipsOf implements store.OrgStore.
func (s *Store) MembershipsOf(ctx context.Context, userID int64) ([]store.Membership, error) {
	rows, err := s.pool.Query(ctx,
		`SELECT o.name, m.user_id, u.username, m.role
		 FROM memberships m JOIN orgs o ON o.id = m.org_id JOIN users u ON u.id = m.user_id
		 WHERE m.user_id = $1 ORDER BY o.name`, userID)
	if err != nil {
		return nil, err
	}
	ms, err := pgx.CollectRows(rows, func(row pgx.CollectableRow) (store.Membership, error) {
		var m store.Membership
		err := row.Scan(&m.Org, &m.UserID, &m.Username, &m.Role)
		return m, err
	})
	return nonNilRows(ms), err
}
