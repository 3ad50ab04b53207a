package postgres

import (
	"context"
	"fmt"
	"strings"

	"github.com/jackc/pgx/v5"

	"github.com/balcentral/balcentral/internal/store"
)

// AppendAudit implements store.AuditLog.
//
// IDs come from an identity column: they grow with every append, but
// concurrent appends may commit in another order than their IDs.
func (s *Store) AppendAudit(ctx context.Context, e *store.AuditEvent) error {
	at := stamp(e.At)
	var id int64
	err := s.pool.QueryRow(ctx,
		"INSERT INTO audit_log (at, actor, action, subject, detail) VALUES ($1, $2, $3, $4, $5) RETURNING id",
		at, e.Actor, e.Action, e.Subject, e.Detail).Scan(&id)
	if err != nil {
		return mapErr(err)
	}
	e.ID, e.At = id, at
	return nil
}

// ListAudit implements store.AuditLog.
func (s *Store) ListAudit(ctx context.Context, f store.AuditFilter, limit int) ([]store.AuditEvent, error) {
	if limit < 0 {
		return nil, fmt.Errorf("audit limit %d: %w: negative", limit, store.ErrInvalid)
	}
	if !storable(f.Actor, f.Action, f.Subject) {
		return []store.AuditEvent{}, nil // no stored event has such a field
	}
	var conds []string
	args := pgx.NamedArgs{}
	add := func(cond, name string, arg any) {
		conds = append(conds, cond)
		args[name] = arg
	}
	if f.Actor != "" {
		add("actor = @actor", "actor", f.Actor)
	}
	if f.Action != "" {
		add("action = @action", "action", f.Action)
	}
	if f.Subject != "" {
		add("subject = @subject", "subject", f.Subject)
	}
	if !f.Since.IsZero() {
		add("at >= @since", "since", stamp(f.Since))
	}
	if !f.Until.IsZero() {
		add("at < @until", "until", stamp(f.Until))
	}
	if f.BeforeID != 0 {
		add("id < @before", "before", f.BeforeID)
	}
	q := "SELECT id, at, actor, action, subject, detail FROM audit_log"
	if len(conds) > 0 {
		q += " WHERE " + strings.Join(conds, " AND ")
	}
	q += " ORDER BY id DESC"
	if limit > 0 {
		q += " LIMIT @limit"
		args["limit"] = limit
	}
	rows, err := s.pool.Query(ctx, q, args)
	if err != nil {
		return nil, err
	}
	events, err := pgx.CollectRows(rows, func(row pgx.CollectableRow) (store.AuditEvent, error) {
		var e store.AuditEvent
		err := row.Scan(&e.ID, &e.At, &e.Actor, &e.Action, &e.Subject, &e.Detail)
		e.At = utc(e.At)
		return e, err
	})
	return nonNilRows(events), err
}
