package registry

import (
	"context"
	"encoding/json"

	"github.com/balcentral/balcentral/internal/store"
)

// audit appends an event to the audit log. The action has already
// happened, so a failure to record it is logged, not returned: refusing
// the request now would not undo it. detail, if not nil, is stored as JSON.
func (s *Server) audit(ctx context.Context, p *principal, action, subject string, detail any) {
	e := &store.AuditEvent{Actor: p.name(), Action: action, Subject: subject, At: s.now()}
	if p == nil {
		e.Actor = "system"
	}
	if detail != nil {
		if b, err := json.Marshal(detail); err == nil {
			e.Detail = string(b)
		}
	}
	if err := s.storage.Meta.AppendAudit(context.WithoutCancel(ctx), e); err != nil {
		s.log.Error("cannot append to the audit log", "action", action, "subject", subject, "actor", e.Actor, "err", err)
	}
}
