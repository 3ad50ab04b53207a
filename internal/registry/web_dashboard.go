package registry

import (
	"errors"
	"fmt"
	"html/template"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/balcentral/balcentral/internal/store"
)

// The dashboard: a signed-in user's tokens and organizations.
//
//	GET  /dashboard                                   tokens, organizations, the forms to create them
//	POST /dashboard/tokens                            create a token → a page showing it once
//	POST /dashboard/tokens/{id}/revoke                revoke one of one's tokens
//	POST /dashboard/orgs                              create an organization
//	GET  /dashboard/orgs/{org}                        its members (owners: forms to manage them)
//	POST /dashboard/orgs/{org}/members                add a member or change a role
//	POST /dashboard/orgs/{org}/members/{user}/remove  remove a member (or leave)
//
// The operations are the management API's (the accounts policy of
// manage.go, the same audit events); who may ask is decided here as the
// API decides it: owners and administrators manage members, anyone may
// leave. Every POST checks the CSRF token first, then the session, and
// answers with a redirect (303) on success, so reloading a page never
// repeats an action; refusals show the page again with the reason.

func (a *webAccounts) registerDashboardRoutes() {
	s := a.s
	s.handle("GET /dashboard", routeRead, noStore(a.dashboard))
	s.handle("POST /dashboard/tokens", routeTokenCreate, noStore(a.createToken))
	s.handle("POST /dashboard/tokens/{id}/revoke", routeWrite, noStore(a.revokeToken))
	s.handle("POST /dashboard/orgs", routeWrite, noStore(a.createOrg))
	s.handle("GET /dashboard/orgs/{org}", routeRead, noStore(a.orgPage))
	s.handle("POST /dashboard/orgs/{org}/members", routeWrite, noStore(a.setMember))
	s.handle("POST /dashboard/orgs/{org}/members/{user}/remove", routeWrite, noStore(a.removeMember))
}

// requireSession returns the signed-in user's principal. A visitor is
// sent to the sign-in page, which comes back to the page asked for (for a
// POST, to the dashboard); a session without the admin scope (a CLI token
// put into the cookie) gets 403, as from the API.
func (a *webAccounts) requireSession(w http.ResponseWriter, r *http.Request) (*principal, bool) {
	p := a.s.sessionPrincipal(r)
	if p == nil {
		next := r.URL.RequestURI()
		if r.Method != http.MethodGet {
			next = defaultNext
		}
		http.Redirect(w, r, "/login?"+url.Values{"next": {next}}.Encode(), http.StatusSeeOther)
		return nil, false
	}
	if !p.has(ScopeAdmin) {
		a.s.renderAccountError(w, r, http.StatusForbidden, "Not allowed", fmt.Sprintf("This session lacks the %q scope needed to manage an account. Sign in again.", ScopeAdmin))
		return nil, false
	}
	return p, true
}

// Flash notices, named in the "done" query parameter of the redirect that
// follows an action, and shown by the layout (withWebFlash). Only these
// texts can be shown, so a link cannot make the site say anything else.
var flashNotices = map[string]string{
	"token-revoked":  "Token revoked.",
	"org-created":    "Organization created. You are its owner.",
	"member-set":     "Member saved.",
	"member-removed": "Member removed.",
	"left":           "You left the organization.",
}

// withDoneFlash returns r with the notice its "done" parameter names, if
// any.
func withDoneFlash(r *http.Request) *http.Request {
	if msg := flashNotices[r.URL.Query().Get("done")]; msg != "" {
		return withWebFlash(r, msg)
	}
	return r
}

// webTime is a time as the pages show it: a date for people, RFC 3339 for
// the datetime attribute.
type webTime struct {
	Date     string
	DateTime string
}

func newWebTime(t time.Time) webTime {
	if t.IsZero() {
		return webTime{}
	}
	return webTime{Date: t.UTC().Format("2006-01-02 15:04 UTC"), DateTime: t.UTC().Format(time.RFC3339)}
}

func newWebTimePtr(t *time.Time) webTime {
	if t == nil {
		return webTime{}
	}
	return newWebTime(*t)
}

// tokenRow is a token in the dashboard's list.
type tokenRow struct {
	ID       int64
	Name     string
	Prefix   string
	Scopes   string
	State    string // active, expired, revoked
	Created  webTime
	Expires  webTime // zero: never
	LastUsed webTime // zero: never
	Session  bool    // a web session rather than an API token
	Current  bool    // the session of this page
}

// orgRow is one of the user's organizations in the dashboard's list.
type orgRow struct {
	Name string
	Role store.Role
}

// scopeChoice is a scope checkbox of the token form.
type scopeChoice struct {
	Name    string
	Help    string
	Checked bool
}

// scopeHelp says what each scope allows, for the token form.
var scopeHelp = map[string]string{
	ScopeRead:      "pull the private packages of your organizations",
	ScopePublish:   "push packages (bal push)",
	ScopeDeprecate: "deprecate and undeprecate versions (bal deprecate)",
	ScopeAdmin:     "manage your tokens, organizations and members through the API",
}

// dashboardData is the data of account/dashboard.html.
type dashboardData struct {
	Tokens []tokenRow
	Orgs   []orgRow
	// The token form: its values after a refusal, and the refusal.
	TokenName  string
	TokenDays  int
	MaxDays    int
	Scopes     []scopeChoice
	TokenError string
	// The organization form.
	OrgName  string
	OrgError string
}

// dashboardData gathers the dashboard of p.
func (a *webAccounts) dashboardData(r *http.Request, p *principal) (*dashboardData, error) {
	ctx := r.Context()
	ts, err := a.s.storage.Meta.ListTokens(ctx, p.user.ID)
	if err != nil {
		return nil, err
	}
	ms, err := a.s.storage.Meta.MembershipsOf(ctx, p.user.ID)
	if err != nil {
		return nil, err
	}
	now := a.s.now()
	d := &dashboardData{TokenDays: DefaultTokenDays, MaxDays: MaxTokenDays}
	// Newest first; sessions that are over are noise and left out.
	for i := len(ts) - 1; i >= 0; i-- {
		t := &ts[i]
		row := tokenRow{
			ID: t.ID, Name: t.Name, Prefix: t.Prefix, Scopes: strings.Join(t.Scopes, ", "), State: tokenState(t, now),
			Created: newWebTime(t.CreatedAt), Expires: newWebTime(t.ExpiresAt), LastUsed: newWebTimePtr(t.LastUsedAt),
			Session: t.Name == sessionTokenName, Current: t.ID == p.token.ID,
		}
		if row.Session && row.State != tokenActive {
			continue
		}
		d.Tokens = append(d.Tokens, row)
	}
	for _, m := range ms {
		d.Orgs = append(d.Orgs, orgRow{Name: m.Org, Role: m.Role})
	}
	for _, sc := range AllScopes {
		d.Scopes = append(d.Scopes, scopeChoice{Name: sc, Help: scopeHelp[sc], Checked: slices.Contains(DefaultTokenScopes, sc)})
	}
	return d, nil
}

// dashboard answers GET /dashboard.
func (a *webAccounts) dashboard(w http.ResponseWriter, r *http.Request) {
	p, ok := a.requireSession(w, r)
	if !ok {
		return
	}
	d, err := a.dashboardData(r, p)
	if err != nil {
		a.s.webInternalError(w, r, err)
		return
	}
	a.s.renderPage(w, withDoneFlash(r), http.StatusOK, tmplDashboard, "Dashboard", d)
}

// renderDashboardRefusal shows the dashboard again with a refusal, set
// into the data by set.
func (a *webAccounts) renderDashboardRefusal(w http.ResponseWriter, r *http.Request, p *principal, status int, set func(*dashboardData)) {
	d, err := a.dashboardData(r, p)
	if err != nil {
		a.s.webInternalError(w, r, err)
		return
	}
	set(d)
	a.s.renderPage(w, r, status, tmplDashboard, "Dashboard", d)
}

// postedSession is the start of every dashboard POST: the CSRF check, then
// the session.
func (a *webAccounts) postedSession(w http.ResponseWriter, r *http.Request) (*principal, bool) {
	if !a.s.checkCSRF(w, r) {
		return nil, false
	}
	return a.requireSession(w, r)
}

// tokenCreatedData is the data of account/token_created.html.
type tokenCreatedData struct {
	// Secret is the token, shown this once.
	Secret string
	Name   string
	Scopes string
	// Expires is when the token stops working.
	Expires webTime
	// Settings is a Settings.toml for bal with the token and this
	// registry's URL; SettingsHref the same as a data: URL to download.
	Settings     string
	SettingsHref template.URL
}

// createToken answers POST /dashboard/tokens {name, expires_in_days,
// scope...}: the page showing the new token once.
func (a *webAccounts) createToken(w http.ResponseWriter, r *http.Request) {
	p, ok := a.postedSession(w, r)
	if !ok {
		return
	}
	f := r.PostForm
	name := f.Get("name")
	scopes := f["scope"]
	refuse := func(status int, msg string) {
		a.renderDashboardRefusal(w, r, p, status, func(d *dashboardData) {
			d.TokenName, d.TokenError = name, msg
			if n, err := strconv.Atoi(f.Get("expires_in_days")); err == nil {
				d.TokenDays = n
			}
			for i := range d.Scopes {
				d.Scopes[i].Checked = slices.Contains(scopes, d.Scopes[i].Name)
			}
		})
	}
	days, err := strconv.Atoi(strings.TrimSpace(f.Get("expires_in_days")))
	if err != nil {
		refuse(http.StatusBadRequest, fmt.Sprintf("expiry must be a number of days, 1 to %d", MaxTokenDays))
		return
	}
	if len(scopes) == 0 {
		refuse(http.StatusBadRequest, "choose at least one scope")
		return
	}
	ctx := r.Context()
	t, secret, err := a.acc.createToken(ctx, tokenRequest{User: p.user, Name: name, Scopes: scopes, ExpiresInDays: &days, Allowed: p.token.Scopes})
	var pe *policyError
	if errors.As(err, &pe) {
		refuse(pe.status(), pe.msg)
		return
	}
	if err != nil {
		a.s.webInternalError(w, r, err)
		return
	}
	a.s.audit(ctx, p, "token.create", tokenSubject(t.ID), map[string]any{"user": p.user.Username, "name": t.Name, "scopes": t.Scopes, "expires_at": t.ExpiresAt})
	settings := settingsTOML(secret, a.s.baseURL(r)+centralPrefix)
	a.s.renderPage(w, r, http.StatusCreated, tmplTokenCreated, "Token created", tokenCreatedData{
		Secret: secret, Name: t.Name, Scopes: strings.Join(t.Scopes, ", "), Expires: newWebTime(t.ExpiresAt),
		Settings: settings,
		// The content is ours (a bct_ token and a checked URL), so the
		// data: URL that html/template would refuse is safe.
		SettingsHref: template.URL("data:text/plain;charset=utf-8," + url.PathEscape(settings)),
	})
}

// settingsTOML is a Settings.toml that points bal at this registry with a
// token (see internal/manifest/settings.go: [central] accesstoken and url).
func settingsTOML(token, registryURL string) string {
	return fmt.Sprintf("[central]\naccesstoken = %s\nurl = %s\n", tomlQuote(token), tomlQuote(registryURL))
}

// tomlQuote writes s as a TOML basic string.
func tomlQuote(s string) string {
	var b strings.Builder
	b.WriteByte('"')
	for _, c := range s {
		switch {
		case c == '"' || c == '\\':
			b.WriteByte('\\')
			b.WriteRune(c)
		case c < 0x20 || c == 0x7f:
			fmt.Fprintf(&b, "\\u%04X", c)
		default:
			b.WriteRune(c)
		}
	}
	b.WriteByte('"')
	return b.String()
}

// revokeToken answers POST /dashboard/tokens/{id}/revoke: one's own
// tokens only. Revoking the session in use signs out.
func (a *webAccounts) revokeToken(w http.ResponseWriter, r *http.Request) {
	p, ok := a.postedSession(w, r)
	if !ok {
		return
	}
	ctx := r.Context()
	id, err := strconv.ParseInt(r.PathValue("id"), 10, 64)
	if err != nil || id <= 0 {
		a.s.renderAccountError(w, r, http.StatusNotFound, "Token not found", "There is no such token among yours.")
		return
	}
	t, err := a.acc.token(ctx, id, p.user.ID)
	var pe *policyError
	if errors.As(err, &pe) {
		a.s.renderAccountError(w, r, pe.status(), "Token not found", "There is no such token among yours.")
		return
	}
	if err == nil {
		err = a.acc.revokeToken(ctx, t)
	}
	if err != nil {
		a.s.webInternalError(w, r, err)
		return
	}
	a.s.audit(ctx, p, "token.revoke", tokenSubject(t.ID), map[string]any{"name": t.Name, "user": p.user.Username})
	if t.ID == p.token.ID {
		a.s.clearCookie(w, r, sessionCookie, "/")
		http.Redirect(w, r, "/login", http.StatusSeeOther)
		return
	}
	http.Redirect(w, r, "/dashboard?done=token-revoked", http.StatusSeeOther)
}

// createOrg answers POST /dashboard/orgs {name}: the caller becomes its
// owner.
func (a *webAccounts) createOrg(w http.ResponseWriter, r *http.Request) {
	p, ok := a.postedSession(w, r)
	if !ok {
		return
	}
	ctx := r.Context()
	name := strings.TrimSpace(r.PostForm.Get("name"))
	o, err := a.acc.createOrg(ctx, name, p.user, p.isAdmin())
	var pe *policyError
	if errors.As(err, &pe) {
		a.renderDashboardRefusal(w, r, p, pe.status(), func(d *dashboardData) { d.OrgName, d.OrgError = name, pe.msg })
		return
	}
	if err != nil {
		a.s.webInternalError(w, r, err)
		return
	}
	a.s.audit(ctx, p, "org.create", o.Name, map[string]any{"owner": p.user.Username})
	http.Redirect(w, r, "/dashboard/orgs/"+url.PathEscape(o.Name)+"?done=org-created", http.StatusSeeOther)
}

// memberRow is a member in the organization page's list.
type memberRow struct {
	Username string
	Role     store.Role
	You      bool
}

// orgData is the data of account/dashboard_org.html.
type orgData struct {
	Org string
	// Role is the user's role ("" for an administrator who is not a
	// member).
	Role store.Role
	// CanManage says whether the user may change the members: owners
	// and administrators.
	CanManage bool
	Members   []memberRow
	Roles     []store.Role
	// The member form after a refusal.
	Username string
	NewRole  store.Role
	Error    string
}

// orgAccess returns p's role in org and whether p may see its members,
// answering 404 (an organization one does not belong to does not exist,
// as in the API) when not.
func (a *webAccounts) orgAccess(w http.ResponseWriter, r *http.Request, p *principal, org string) (store.Role, bool) {
	role, err := a.s.role(r.Context(), p, org)
	if err != nil {
		a.s.webInternalError(w, r, err)
		return "", false
	}
	if role == "" && !p.isAdmin() {
		a.s.renderAccountError(w, r, http.StatusNotFound, "Organization not found", "You are not a member of an organization called "+org+".")
		return "", false
	}
	if _, err := a.acc.org(r.Context(), org); err != nil {
		var pe *policyError
		if errors.As(err, &pe) {
			a.s.renderAccountError(w, r, pe.status(), "Organization not found", pe.msg)
		} else {
			a.s.webInternalError(w, r, err)
		}
		return "", false
	}
	return role, true
}

// renderOrg shows the organization page, with a refusal set by set.
func (a *webAccounts) renderOrg(w http.ResponseWriter, r *http.Request, p *principal, org string, role store.Role, status int, set func(*orgData)) {
	ms, err := a.s.storage.Meta.Members(r.Context(), org)
	if err != nil {
		a.s.webInternalError(w, r, err)
		return
	}
	d := &orgData{
		Org: org, Role: role, CanManage: role == store.RoleOwner || p.isAdmin(),
		Roles: []store.Role{store.RoleMember, store.RolePublisher, store.RoleOwner}, NewRole: store.RoleMember,
	}
	for _, m := range ms {
		d.Members = append(d.Members, memberRow{Username: m.Username, Role: m.Role, You: m.UserID == p.user.ID})
	}
	if set != nil {
		set(d)
	}
	a.s.renderPage(w, r, status, tmplOrg, org, d)
}

// orgPage answers GET /dashboard/orgs/{org}.
func (a *webAccounts) orgPage(w http.ResponseWriter, r *http.Request) {
	p, ok := a.requireSession(w, r)
	if !ok {
		return
	}
	org := r.PathValue("org")
	role, ok := a.orgAccess(w, r, p, org)
	if !ok {
		return
	}
	a.renderOrg(w, withDoneFlash(r), p, org, role, http.StatusOK, nil)
}

// setMember answers POST /dashboard/orgs/{org}/members {username, role}.
func (a *webAccounts) setMember(w http.ResponseWriter, r *http.Request) {
	p, ok := a.postedSession(w, r)
	if !ok {
		return
	}
	org := r.PathValue("org")
	role, ok := a.orgAccess(w, r, p, org)
	if !ok {
		return
	}
	username, newRole := strings.TrimSpace(r.PostForm.Get("username")), r.PostForm.Get("role")
	refuse := func(status int, msg string) {
		a.renderOrg(w, r, p, org, role, status, func(d *orgData) { d.Username, d.NewRole, d.Error = username, store.Role(newRole), msg })
	}
	if role != store.RoleOwner && !p.isAdmin() {
		refuse(http.StatusForbidden, fmt.Sprintf("only owners of %s can manage its members; you are a %s", org, role))
		return
	}
	ctx := r.Context()
	mb, err := a.acc.setMember(ctx, org, username, newRole)
	var pe *policyError
	if errors.As(err, &pe) {
		refuse(pe.status(), pe.msg)
		return
	}
	if err != nil {
		a.s.webInternalError(w, r, err)
		return
	}
	a.s.audit(ctx, p, "member.set", org, map[string]any{"user": mb.Username, "role": mb.Role})
	http.Redirect(w, r, "/dashboard/orgs/"+url.PathEscape(org)+"?done=member-set", http.StatusSeeOther)
}

// removeMember answers POST /dashboard/orgs/{org}/members/{user}/remove:
// owners and administrators remove anyone, any member may leave.
func (a *webAccounts) removeMember(w http.ResponseWriter, r *http.Request) {
	p, ok := a.postedSession(w, r)
	if !ok {
		return
	}
	org, user := r.PathValue("org"), r.PathValue("user")
	role, ok := a.orgAccess(w, r, p, org)
	if !ok {
		return
	}
	self := user == p.user.Username
	if !self && role != store.RoleOwner && !p.isAdmin() {
		a.renderOrg(w, r, p, org, role, http.StatusForbidden, func(d *orgData) {
			d.Error = fmt.Sprintf("only owners of %s can manage its members; you are a %s", org, role)
		})
		return
	}
	ctx := r.Context()
	err := a.acc.removeMember(ctx, org, user)
	var pe *policyError
	if errors.As(err, &pe) {
		a.renderOrg(w, r, p, org, role, pe.status(), func(d *orgData) { d.Error = pe.msg })
		return
	}
	if err != nil {
		a.s.webInternalError(w, r, err)
		return
	}
	a.s.audit(ctx, p, "member.remove", org, map[string]any{"user": user})
	if self && !p.isAdmin() {
		http.Redirect(w, r, "/dashboard?done=left", http.StatusSeeOther)
		return
	}
	http.Redirect(w, r, "/dashboard/orgs/"+url.PathEscape(org)+"?done=member-removed", http.StatusSeeOther)
}
