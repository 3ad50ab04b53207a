// Package store defines the registry's metadata store: accounts, access
// tokens, organizations and their members, package versions with everything
// the Central API answers from metadata, search, deprecation, download
// counts and the audit log. Package content (the bala files) lives in the
// blob store; this store only records a blob's key and digest.
//
// The contract is backend-independent. [Store] is composed of small role
// interfaces ([UserStore], [TokenStore], [OrgStore], [Publisher],
// [PackageReader], [Searcher], [Deprecator], [PullCounter], [AuditLog]) so
// that a handler can ask for just the capability it uses. The embedded
// default is internal/store/sqlite; every backend must pass the conformance
// suite in internal/store/storetest, which is the executable form of this
// documentation.
//
// # Package versions: reservation, then publication
//
// A version of a package goes through the states of a [Reservation]:
//
//	ReserveVersion  ->  reserved  --PublishVersion-->  published  --DeleteVersion-->  deleted
//	                       |
//	                       +------FailReservation----->  failed
//
// [Publisher.ReserveVersion] claims org/name/version. It fails with
// [ErrExists] if that triple was ever reserved before, whatever became of the
// reservation, so a version number is used at most once in the lifetime of a
// registry: a published version is immutable, and neither a failed upload
// nor an administrator's deletion makes its number available again. The
// uniqueness is enforced by the backend's unique constraint, not by a
// read-then-write check, so concurrent reservations of one version are safe:
// exactly one succeeds and all the others get ErrExists.
//
// [Publisher.PublishVersion] turns a reserved version into a published one
// and writes all of its metadata (modules, search index included) in a single
// transaction: readers see either nothing or the whole version. Listings and
// lookups ([PackageReader], [Searcher]) show published versions only, never a
// reserved, failed or deleted one.
//
// # The caller's part of the contract
//
// The registry stores the bala in the blob store and makes it durable BEFORE
// it calls PublishVersion, and calls FailReservation when the upload fails
// after the reservation. So every version a reader can see has its content
// in place. A process that dies between ReserveVersion and PublishVersion
// leaves the reservation in state reserved: the version is not visible and
// stays burned, which is the intended outcome of an interrupted upload.
//
// Policy stays with the caller as well: the store does not hash passwords
// or tokens, generate secrets, check that a token is unexpired or
// unrevoked, validate org or package names against the Ballerina rules, or
// decide who may see a private package. It stores what it is given and
// answers the questions the policy needs.
//
// # Conventions
//
//   - Errors. A missing entity is reported with an error wrapping
//     [ErrNotFound], a uniqueness violation with [ErrExists], an argument
//     the store cannot accept (empty name, invalid version, unknown role)
//     with [ErrInvalid]; test with errors.Is. Getters return ErrNotFound;
//     listers return an empty, non-nil slice instead.
//   - Names (user names, org names, package names, versions, modules) are
//     compared byte for byte: "one" and "One" are different orgs. Callers
//     validate and normalize names before they reach the store.
//   - Times are returned in UTC, with microsecond precision: a time is
//     truncated to the microsecond when stored. A zero time given for
//     CreatedAt, At or as the time of RevokeToken or TouchToken means
//     "now"; a zero Token.ExpiresAt means "never".
//   - Lists in returned values are never nil (an empty list is returned as
//     an empty slice), so they encode as [] in JSON.
//   - IDs are positive and assigned by the store; 0 means "none".
//   - Every method is safe for concurrent use.
//
// # Conformance
//
// storetest.Run(t, newStore) runs one subtest per checked behaviour, each on
// a fresh store from newStore: not-found and already-exists errors from every
// method, the immutability of versions including under 100-way concurrency,
// prefix isolation between similar names and versions, search semantics,
// deprecation, tokens, membership rules, the audit log and the handling of
// time. storetest.RunBenchmarks measures the hot paths.
package store

import (
	"context"
	"errors"
	"io"
	"time"
)

// Errors reported by every backend, wrapped with context; test with
// errors.Is.
var (
	// ErrNotFound reports that the entity asked for does not exist (or,
	// for a package version, is not published).
	ErrNotFound = errors.New("not found")
	// ErrExists reports that an entity with the same unique key exists.
	// For package versions it means the version was reserved before.
	ErrExists = errors.New("already exists")
	// ErrNotReserved reports a PublishVersion or FailReservation on a
	// version that is not in the reserved state.
	ErrNotReserved = errors.New("version is not reserved")
	// ErrLastOwner reports an attempt to remove or demote the only owner
	// of an organization.
	ErrLastOwner = errors.New("organization must keep at least one owner")
	// ErrInvalid reports an argument the store cannot accept.
	ErrInvalid = errors.New("invalid argument")
	// ErrSchemaTooNew is returned by a backend's Open when the database was
	// migrated by a newer program than this one: running older code
	// against a newer schema could corrupt it.
	ErrSchemaTooNew = errors.New("database schema is newer than this program supports")
)

// Store is the complete metadata store. Close releases its resources; it is
// safe to call more than once, and no other method may be called after it.
type Store interface {
	UserStore
	TokenStore
	OrgStore
	Publisher
	PackageReader
	Searcher
	Deprecator
	PullCounter
	AuditLog
	io.Closer
}

// ---------------------------------------------------------------------------
// Users

// A User is an account. PasswordHash is opaque to the store (the registry
// computes and verifies argon2id hashes); it may be empty for an account
// that can only use tokens.
type User struct {
	ID           int64
	Username     string
	PasswordHash string
	Admin        bool
	CreatedAt    time.Time
}

// UserStore manages accounts. Users are never deleted: they are referenced
// by tokens, memberships, reservations and the audit log.
type UserStore interface {
	// CreateUser adds u and sets u.ID (and u.CreatedAt when zero). It
	// returns ErrExists if the user name is taken.
	CreateUser(ctx context.Context, u *User) error
	// User returns the user with the given ID.
	User(ctx context.Context, id int64) (*User, error)
	// UserByName returns the user with the given name.
	UserByName(ctx context.Context, username string) (*User, error)
	// ListUsers returns every user, ordered by name.
	ListUsers(ctx context.Context) ([]User, error)
	// SetPassword replaces the password hash of user id.
	SetPassword(ctx context.Context, id int64, passwordHash string) error
	// SetAdmin grants or withdraws the administrator flag of user id.
	SetAdmin(ctx context.Context, id int64, admin bool) error
}

// ---------------------------------------------------------------------------
// Tokens

// A Token is an access token. The secret itself is never stored: Hash is
// its SHA-256 and the only way to look a token up by its secret. Prefix is
// the non-secret beginning shown to the user to recognise the token.
//
// The store returns expired and revoked tokens like any other; whether a
// token is usable is the caller's decision.
type Token struct {
	ID         int64
	UserID     int64
	Name       string
	Prefix     string
	Hash       []byte
	Scopes     []string // e.g. "read", "publish"; not interpreted by the store
	CreatedAt  time.Time
	ExpiresAt  time.Time  // zero: never expires
	LastUsedAt *time.Time // nil: never used
	RevokedAt  *time.Time // nil: not revoked
}

// TokenStore manages access tokens.
type TokenStore interface {
	// CreateToken adds t and sets t.ID (and t.CreatedAt when zero). The
	// LastUsedAt and RevokedAt fields are ignored and start unset. It
	// returns ErrExists if a token with the same hash exists, ErrNotFound
	// if the user does not exist and ErrInvalid for an empty hash.
	CreateToken(ctx context.Context, t *Token) error
	// Token returns the token with the given ID.
	Token(ctx context.Context, id int64) (*Token, error)
	// TokenByHash returns the token whose secret hashes to hash.
	TokenByHash(ctx context.Context, hash []byte) (*Token, error)
	// ListTokens returns the tokens of a user, revoked and expired ones
	// included, in creation order.
	ListTokens(ctx context.Context, userID int64) ([]Token, error)
	// RevokeToken marks token id as revoked at the given time. Revoking a
	// revoked token keeps its first revocation time and is not an error.
	RevokeToken(ctx context.Context, id int64, at time.Time) error
	// TouchToken records that token id was used at the given time. The
	// recorded time never moves backwards. Callers on a hot path may
	// throttle these calls.
	TouchToken(ctx context.Context, id int64, at time.Time) error
}

// ---------------------------------------------------------------------------
// Organizations

// An Org is an organization: the owner of a namespace of packages.
type Org struct {
	ID        int64
	Name      string
	CreatedAt time.Time
}

// A Role is what a member may do in an organization. The store only
// enforces that every organization keeps an owner; the meaning of the roles
// is the registry's policy.
type Role string

// The roles.
const (
	RoleOwner     Role = "owner"     // manages members, publishes, deprecates
	RolePublisher Role = "publisher" // publishes and deprecates
	RoleMember    Role = "member"    // reads private packages
)

// Valid reports whether r is one of the defined roles.
func (r Role) Valid() bool {
	return r == RoleOwner || r == RolePublisher || r == RoleMember
}

// A Membership says that a user belongs to an organization with a role.
type Membership struct {
	Org      string
	UserID   int64
	Username string
	Role     Role
}

// OrgStore manages organizations and memberships.
type OrgStore interface {
	// CreateOrg adds o, sets o.ID (and o.CreatedAt when zero) and makes
	// user ownerID its owner, in one transaction. It returns ErrExists if
	// the name is taken and ErrNotFound if the user does not exist.
	CreateOrg(ctx context.Context, o *Org, ownerID int64) error
	// Org returns the organization with the given name.
	Org(ctx context.Context, name string) (*Org, error)
	// ListOrgs returns every organization, ordered by name.
	ListOrgs(ctx context.Context) ([]Org, error)
	// SetMember adds a user to an organization or changes their role. It
	// returns ErrNotFound if the org or the user does not exist and
	// ErrLastOwner if it would demote the only owner.
	SetMember(ctx context.Context, org string, userID int64, role Role) error
	// RemoveMember removes a user from an organization. It returns
	// ErrNotFound if the user is not a member and ErrLastOwner if the user
	// is the only owner.
	RemoveMember(ctx context.Context, org string, userID int64) error
	// Members returns the members of an organization, ordered by user
	// name. It returns ErrNotFound if the organization does not exist.
	Members(ctx context.Context, org string) ([]Membership, error)
	// Role returns the role of a user in an organization, or ErrNotFound
	// if the user is not a member (or the org does not exist).
	Role(ctx context.Context, org string, userID int64) (Role, error)
	// MembershipsOf returns the memberships of a user, ordered by org name.
	MembershipsOf(ctx context.Context, userID int64) ([]Membership, error)
}

// ---------------------------------------------------------------------------
// Package versions

// A ReservationState is the lifecycle state of a version number.
type ReservationState string

// The reservation states; see the package documentation.
const (
	StateReserved  ReservationState = "reserved"
	StatePublished ReservationState = "published"
	StateFailed    ReservationState = "failed"
	StateDeleted   ReservationState = "deleted"
)

// A Reservation records that a version number has been claimed, by whom and
// what became of it. Reservations are permanent.
type Reservation struct {
	Org, Name, Version string
	State              ReservationState
	UserID             int64 // 0 when reserved by the system
	ReservedAt         time.Time
	UpdatedAt          time.Time // time of the last state change
}

// Visibility says who may see a package version.
type Visibility string

// The visibilities, as written in package.json.
const (
	Public  Visibility = "public"
	Private Visibility = "private" // members of the org only
)

// A Module is a module of a package version.
type Module struct {
	Name    string // the full module name: "pkg" or "pkg.sub"
	Summary string // may be empty
}

// A PackageVersion is a published version of a package with the metadata
// the registry serves from it.
type PackageVersion struct {
	Org, Name, Version string
	Platform           string // "any", "java21", ...

	Digest  string // lower-case hex SHA-256 of the bala
	Size    int64  // bala size in bytes
	BlobKey string // where the blob store keeps the bala

	PackageJSON     []byte // package.json, verbatim
	DependencyGraph []byte // dependency-graph.json, verbatim; may be empty
	Readme          string // the package README (markdown)

	Summary          string // package.json description, else the README's first line
	Keywords         []string
	Authors          []string
	Licenses         []string
	SourceRepository string
	Icon             string // path of the icon inside the bala; may be empty
	BallerinaVersion string // distribution that built the package
	Visibility       Visibility
	Modules          []Module

	CreatedAt   time.Time // publication time
	PublishedBy int64     // the user who reserved the version; 0 for the system

	Deprecated         bool
	DeprecationMessage string
	PullCount          int64
}

// A VersionInfo is the short form of a published version, as listed by
// [PackageReader.Versions].
type VersionInfo struct {
	Version            string
	Platform           string
	BallerinaVersion   string
	Visibility         Visibility
	Deprecated         bool
	DeprecationMessage string
	CreatedAt          time.Time
}

// A ModuleProvider is a published package version that contains a module,
// as returned by [PackageReader.ModuleProviders].
type ModuleProvider struct {
	Org, Name, Version string
	Platform           string
	Visibility         Visibility
	Deprecated         bool
}

// Publisher creates package versions. See the package documentation for the
// states and the caller's contract.
type Publisher interface {
	// ReserveVersion claims org/name/version for user byUserID (0 for the
	// system). It returns ErrExists if the version was ever reserved,
	// whatever its state now, and ErrInvalid for an empty org or name or
	// a version that is not a valid semantic version.
	ReserveVersion(ctx context.Context, org, name, version string, byUserID int64) error
	// PublishVersion stores pv and makes it visible, in one transaction.
	// The version must be reserved and not yet published, failed or
	// deleted, else ErrNotReserved. pv.Visibility "" means Public;
	// pv.CreatedAt zero means now; pv.Digest must be 64 lower-case hex
	// digits and pv.BlobKey non-empty (else ErrInvalid). The store sets
	// pv.PublishedBy to the reserving user, and starts Deprecated,
	// DeprecationMessage and PullCount at their zero values; pv is updated
	// to match what was stored.
	PublishVersion(ctx context.Context, pv *PackageVersion) error
	// FailReservation marks a reserved version as failed: it is never
	// published and its number stays used. Failing a failed reservation is
	// not an error; one that does not exist gives ErrNotFound, one that is
	// published or deleted ErrNotReserved.
	FailReservation(ctx context.Context, org, name, version string) error
	// DeleteVersion hides a published version for good (an administrator's
	// last resort; deprecation is the normal way to retire a version). Its
	// metadata is removed, its number stays used. It returns ErrNotFound
	// unless the version is published.
	DeleteVersion(ctx context.Context, org, name, version string) error
	// Reservation returns the reservation of a version in any state.
	Reservation(ctx context.Context, org, name, version string) (*Reservation, error)
}

// PackageReader answers questions about published package versions. None of
// its methods filter by visibility: the caller does.
type PackageReader interface {
	// Version returns a published version with all of its metadata.
	Version(ctx context.Context, org, name, version string) (*PackageVersion, error)
	// Versions returns the published versions of a package in publication
	// order (see [SortVersions]), or ErrNotFound if it has none.
	Versions(ctx context.Context, org, name string) ([]VersionInfo, error)
	// PackagesOfOrg returns the names of the packages of an organization
	// that have at least one published version, sorted.
	PackagesOfOrg(ctx context.Context, org string) ([]string, error)
	// ModuleProviders returns the published versions of the org's packages
	// whose module list contains the module, ordered by package name and
	// then publication order. It serves resolve-modules: the caller picks
	// among the candidate packages (for module a.b.c: a, a.b, a.b.c) by its
	// preference rules.
	ModuleProviders(ctx context.Context, org, module string) ([]ModuleProvider, error)
}

// ---------------------------------------------------------------------------
// Search

// A SearchQuery selects packages.
type SearchQuery struct {
	// Text is the search text, any string. It is split into words
	// ([Words]); a package matches when every word is a prefix of a word
	// of its org, name, keywords or summary, ignoring case. Text without
	// any word matches every package.
	Text string
	// Org, when set, restricts the search to one organization.
	Org string
	// Orgs lists the organizations whose private packages the caller may
	// see. Private versions of other organizations are ignored.
	Orgs []string
	// Limit is the maximum number of packages returned, 0 for all.
	// Offset skips that many packages first. Negative values give
	// ErrInvalid.
	Limit, Offset int
}

// MaxSearchWords is the most words a [SearchQuery] text may have; more give
// ErrInvalid.
const MaxSearchWords = 32

// A PackageSummary is a package as listed by a search: one of its versions
// with the fields a result list shows.
type PackageSummary struct {
	Org, Name, Version string
	Platform           string
	Summary            string
	Keywords           []string
	Authors            []string
	Licenses           []string
	Icon               string
	BallerinaVersion   string
	Visibility         Visibility
	CreatedAt          time.Time
	PullCount          int64 // of this version
}

// A SearchResult is one page of a search.
type SearchResult struct {
	Total    int // number of matching packages, regardless of Limit and Offset
	Packages []PackageSummary
}

// Searcher finds packages.
//
// Search considers, for each package, the versions that are published, not
// deprecated and visible (public, or private in one of SearchQuery.Orgs),
// and represents the package by the latest of them by the "latest" rule of
// internal/version (a version without a pre-release part beats any version
// with one; otherwise the higher precedence wins; equal precedence is
// decided by the build metadata, bytewise). So a package appears at most
// once, and a deprecated package (one whose visible versions are all
// deprecated) does not appear at all. The text is matched against that
// latest version's org, name, keywords and summary.
//
// Results are ordered with the packages whose name equals the trimmed text
// (ignoring ASCII case) first, then by org and name.
type Searcher interface {
	Search(ctx context.Context, q SearchQuery) (*SearchResult, error)
}

// Deprecator marks versions deprecated.
type Deprecator interface {
	// SetDeprecated sets the deprecation flag of one published version, or
	// of every published version when version is "*". The message is
	// stored when deprecated is true and cleared otherwise. It returns
	// ErrNotFound if no published version matches.
	SetDeprecated(ctx context.Context, org, name, version string, deprecated bool, message string) error
}

// PullCounter counts downloads.
type PullCounter interface {
	// IncrementPullCount adds n (≥ 1) to the pull count of a published
	// version. A caller may count pulls in memory and flush them in one
	// call; every call is a write to the database.
	IncrementPullCount(ctx context.Context, org, name, version string, n int64) error
}

// ---------------------------------------------------------------------------
// Audit log

// An AuditEvent is an entry of the audit log. ID is assigned by the store
// and grows with every append.
type AuditEvent struct {
	ID      int64
	At      time.Time
	Actor   string // who: a user name, or "system"
	Action  string // what: "publish", "deprecate", "token.create", ...
	Subject string // on what: "org/name:1.0.0", a token ID, an org name ...
	Detail  string // free text, typically JSON
}

// An AuditFilter selects audit events. Zero fields do not filter.
type AuditFilter struct {
	Actor, Action, Subject string    // exact match
	Since                  time.Time // At >= Since
	Until                  time.Time // At < Until
	BeforeID               int64     // ID < BeforeID: the next page after the event with that ID
}

// AuditLog is an append-only log: there is no way to change or remove an
// entry through the store.
type AuditLog interface {
	// AppendAudit appends e and sets e.ID (and e.At when zero).
	AppendAudit(ctx context.Context, e *AuditEvent) error
	// ListAudit returns the events matching f, most recently appended
	// first, at most limit of them (0 for all; negative is ErrInvalid).
	ListAudit(ctx context.Context, f AuditFilter, limit int) ([]AuditEvent, error)
}
