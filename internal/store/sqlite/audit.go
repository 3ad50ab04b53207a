package sqlite

import (
	"context"
	"fmt"
	"strings"

	"github.com/balcentral/balcentral/internal/store"
)

// AppendAudit implements store.AuditLog.
func (s *Store) AppendAudit(ctx context.Context, e *store.AuditEvent) error {
	us, at := stamp(e.At)
	res, err := s.w.ExecContext(ctx,
		"INSERT INTO audit_log (at, actor, action, subject, detail) VALUES (?, ?, ?, ?, ?)",
		us, e.Actor, e.Action, e.Subject, e.Detail)
	if err != nil {
		return err
	}
	id, err := res.LastInsertId()
	if err != nil {
		return err
	}
	e.ID, e.At = id, at
	return nil
}

// ListAudit implements store.AuditLog.
func (s *Store) ListAudit(ctx context.Context, f store.AuditFilter, limit int) ([]store.AuditEvent, error) {
	if limit < 0 {
		return nil, fmt.Errorf("audit limit %d: %w: negative", limit, store.ErrInvalid)
	}
	var conds []string
	var args []any
	add := func(cond string, arg any) {
		conds = append(conds, cond)
		args = append(args, arg)
	}
	if f.Actor != "" {
		add("actor = ?", f.Actor)
	}
	if f.Action != "" {
		add("action = ?", f.Action)
	}
	if f.Subject != "" {
		add("subject = ?", f.Subject)
	}
	if !f.Since.IsZero() {
		us, _ := stamp(f.Since)
		add("at >= ?", us)
	}
	if !f.Until.IsZero() {
		us, _ := stamp(f.Until)
		add("at < ?", us)
	}
	if f.BeforeID != 0 {
		add("id < ?", f.BeforeID)
	}
	q := "SELECT id, at, actor, action, subject, detail FROM audit_log"
	if len(conds) > 0 {
		q += " WHERE " + strings.Join(conds, " AND ")
	}
	q += " ORDER BY id DESC"
	if limit > 0 {
		q += " LIMIT ?"
		args = append(args, limit)
	}
	rows, err := s.r.QueryContext(ctx, q, args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	events := []store.AuditEvent{}
	for rows.Next() {
		var e store.AuditEvent
		var at int64
		if err := rows.Scan(&e.ID, &at, &e.Actor, &e.Action, &e.Subject, &e.Detail); err != nil {
			return nil, err
		}
		e.At = fromMicros(at)
		events = append(events, e)
	}
	return events, rows.Err()
}
