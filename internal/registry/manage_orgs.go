package registry

import (
	"net/http"
	"time"

	"github.com/balcentral/balcentral/internal/store"
)

// orgJSON is an organization as the management API shows it. Role is the
// caller's role (absent for an administrator who is not a member);
// Members is listed by GET /api/v1/orgs/{org} and on creation.
type orgJSON struct {
	Name      string           `json:"name"`
	CreatedAt time.Time        `json:"created_at"`
	Role      store.Role       `json:"role,omitempty"`
	Members   []membershipJSON `json:"members,omitempty"`
}

// listOrgs answers GET /api/v1/orgs: the caller's organizations, or every
// organization for an administrator.
func (m *manageAPI) listOrgs(w http.ResponseWriter, r *http.Request) {
	p, ok := m.s.requireUser(w, r, ScopeAdmin)
	if !ok {
		return
	}
	ctx := r.Context()
	meta := m.s.storage.Meta
	ms, err := meta.MembershipsOf(ctx, p.user.ID)
	if err != nil {
		m.s.internalError(w, r, err)
		return
	}
	roles := make(map[string]store.Role, len(ms))
	for _, mb := range ms {
		roles[mb.Org] = mb.Role
	}
	var orgs []store.Org
	if p.isAdmin() {
		orgs, err = meta.ListOrgs(ctx)
	} else {
		for _, mb := range ms {
			var o *store.Org
			if o, err = meta.Org(ctx, mb.Org); err != nil {
				break
			}
			orgs = append(orgs, *o)
		}
	}
	if err != nil {
		m.s.internalError(w, r, err)
		return
	}
	list := make([]orgJSON, 0, len(orgs))
	for _, o := range orgs {
		list = append(list, orgJSON{Name: o.Name, CreatedAt: o.CreatedAt, Role: roles[o.Name]})
	}
	writeJSON(w, http.StatusOK, struct {
		Orgs []orgJSON `json:"orgs"`
	}{list})
}

// createOrg answers POST /api/v1/orgs {"name"} → 201; the caller becomes
// the owner.
func (m *manageAPI) createOrg(w http.ResponseWriter, r *http.Request) {
	p, ok := m.s.requireUser(w, r, ScopeAdmin)
	if !ok {
		return
	}
	var req struct {
		Name string `json:"name"`
	}
	if !decodeJSON(w, r, &req, true) {
		return
	}
	o, err := m.acc.createOrg(r.Context(), req.Name, p.user, p.isAdmin())
	if err != nil {
		m.writeRefusal(w, r, err)
		return
	}
	m.s.audit(r.Context(), p, "org.create", o.Name, map[string]any{"owner": p.user.Username})
	writeJSON(w, http.StatusCreated, orgJSON{
		Name: o.Name, CreatedAt: o.CreatedAt, Role: store.RoleOwner,
		Members: []membershipJSON{{Org: o.Name, Username: p.user.Username, Role: store.RoleOwner}},
	})
}

// getOrg answers GET /api/v1/orgs/{org} with the members, for members and
// administrators; to anyone else the organization does not exist.
func (m *manageAPI) getOrg(w http.ResponseWriter, r *http.Request) {
	p, ok := m.s.requireUser(w, r, ScopeAdmin)
	if !ok {
		return
	}
	name := r.PathValue("org")
	role, ok := m.orgRole(w, r, p, name)
	if !ok {
		return
	}
	ctx := r.Context()
	o, err := m.acc.org(ctx, name)
	if err != nil {
		m.writeRefusal(w, r, err)
		return
	}
	ms, err := m.s.storage.Meta.Members(ctx, name)
	if err != nil {
		m.s.internalError(w, r, err)
		return
	}
	members := make([]membershipJSON, 0, len(ms))
	for _, mb := range ms {
		members = append(members, membershipObject(mb))
	}
	writeJSON(w, http.StatusOK, orgJSON{Name: o.Name, CreatedAt: o.CreatedAt, Role: role, Members: members})
}

// orgRole returns p's role in org, answering 404 when org does not exist
// or p is neither a member nor an administrator (who gets role "").
func (m *manageAPI) orgRole(w http.ResponseWriter, r *http.Request, p *principal, org string) (store.Role, bool) {
	role, err := m.s.role(r.Context(), p, org)
	if err != nil {
		m.s.internalError(w, r, err)
		return "", false
	}
	if role == "" && !p.isAdmin() {
		writeErrorf(w, http.StatusNotFound, "organization not found: %s", org)
		return "", false
	}
	return role, true
}

// manageMembers reports whether p may change the members of org (its
// owners and administrators may), else answers 404 to non-members and 403
// to members.
func (m *manageAPI) manageMembers(w http.ResponseWriter, r *http.Request, p *principal, org string) bool {
	role, ok := m.orgRole(w, r, p, org)
	if !ok {
		return false
	}
	if role != store.RoleOwner && !p.isAdmin() {
		writeErrorf(w, http.StatusForbidden, "only owners of %s can manage its members; you are a %s", org, role)
		return false
	}
	return true
}

// setMember answers PUT /api/v1/orgs/{org}/members/{user} {"role"} → 200
// with the membership: adds a member or changes their role.
func (m *manageAPI) setMember(w http.ResponseWriter, r *http.Request) {
	p, ok := m.s.requireUser(w, r, ScopeAdmin)
	if !ok {
		return
	}
	org, user := r.PathValue("org"), r.PathValue("user")
	if !m.manageMembers(w, r, p, org) {
		return
	}
	var req struct {
		Role string `json:"role"`
	}
	if !decodeJSON(w, r, &req, true) {
		return
	}
	mb, err := m.acc.setMember(r.Context(), org, user, req.Role)
	if err != nil {
		m.writeRefusal(w, r, err)
		return
	}
	m.s.audit(r.Context(), p, "member.set", org, map[string]any{"user": user, "role": mb.Role})
	writeJSON(w, http.StatusOK, membershipObject(mb))
}

// removeMember answers DELETE /api/v1/orgs/{org}/members/{user} → 204.
// Owners and administrators remove anyone; any member may leave.
func (m *manageAPI) removeMember(w http.ResponseWriter, r *http.Request) {
	p, ok := m.s.requireUser(w, r, ScopeAdmin)
	if !ok {
		return
	}
	org, user := r.PathValue("org"), r.PathValue("user")
	if user == p.user.Username {
		if _, ok := m.orgRole(w, r, p, org); !ok {
			return
		}
	} else if !m.manageMembers(w, r, p, org) {
		return
	}
	if err := m.acc.removeMember(r.Context(), org, user); err != nil {
		m.writeRefusal(w, r, err)
		return
	}
	m.s.audit(r.Context(), p, "member.remove", org, map[string]any{"user": user})
	w.WriteHeader(http.StatusNoContent)
}
