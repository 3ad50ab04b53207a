// Package version implements Ballerina package versions: Semantic Versioning
// 2.0.0 strings, their precedence, Ballerina's compatibility relation between
// two versions, and the version ranges and "latest" rule used by dependency
// resolution.
//
// # Syntax
//
// A version is accepted exactly when it matches the SemVer 2.0.0 grammar, the
// same regular expression the Ballerina.toml schema applies to
// [package] version:
//
//	version     = core [ "-" pre-release ] [ "+" build ]
//	core        = numeric "." numeric "." numeric
//	pre-release = pre-id *( "." pre-id )
//	build       = build-id *( "." build-id )
//	pre-id      = numeric | alnum-id
//	build-id    = 1*( DIGIT | LETTER | "-" )
//	numeric     = "0" | NONZERO *DIGIT
//	alnum-id    = *DIGIT ( LETTER | "-" ) *( DIGIT | LETTER | "-" )
//
// DIGIT is an ASCII digit and LETTER an ASCII letter. In particular the
// following are all rejected: a "v" prefix, surrounding white space or a
// trailing newline, a missing minor or patch number ("1", "1.2"), a fourth
// number ("1.2.3.4"), leading zeros in any numeric part or numeric pre-release
// identifier ("01.1.1", "1.2.3-0123"), empty identifiers ("1.0.0-alpha..1",
// "1.1.2+.123"), a second "+" and any character outside the alphabet above.
// Leading zeros are allowed in build identifiers ("1.0.0+001"), and in
// pre-release identifiers that are not purely numeric ("1.0.0-0A").
//
// Numbers have no upper bound: "99999999999999999999999.0.0" is valid and
// orders above "9.0.0". Major, minor and patch are therefore exposed as
// decimal strings ([Version.Major]), with uint64 conveniences that report
// overflow ([Version.MajorUint64]). This follows the Ballerina.toml schema
// check. The reference SemanticVersion class holds 32-bit ints and rejects
// larger numbers (misleadingly, with "Version cannot be empty", since Java's
// NumberFormatException is an IllegalArgumentException); that limit is an
// implementation accident and is not reproduced.
//
// Parsing is strict: every valid string is already canonical, so
// [Version.String] returns the parsed text unchanged.
//
// # Precedence
//
// [Version.Compare] orders versions by SemVer 2.0.0 §11: major, minor and
// patch numerically; a version with a pre-release sorts before the same core
// without one; pre-release identifiers compare left to right, numeric ones
// numerically, alphanumeric ones by ASCII byte order, a numeric identifier
// before an alphanumeric one, and a shorter list before a longer list whose
// leading identifiers are equal. Build metadata is kept but never affects
// precedence: "1.0.0+a" and "1.0.0+b" compare equal, and [Version.Equal] and
// the other boolean comparisons report true for them accordingly. Use == on
// two Version values to compare them including build metadata.
//
// # Compatibility
//
// [Version.CompareTo] is Ballerina's compatibility relation (the reference
// SemanticVersion.compareTo): versions with the same major, minor, patch and
// pre-release are [Equal]; a different major is [Incompatible]; with major 0
// a different minor is [Incompatible] as well (for 0.x the minor number is
// the breaking part); otherwise the result is [Less] or [Greater] by
// precedence. Pre-releases inside the same major (or the same 0.minor) are
// compatible and ordered; "1.1.1-alpha.1" is [Less] than "1.5.2-beta". Note
// that the reference user documentation claims 0.2.3 and 0.2.4 are
// incompatible; the reference code and tests, followed here, say [Less].
//
// # Ranges and the latest rule
//
// Resolution narrows the candidate versions of a package with a [Range]
// (LATEST, LOCK_MAJOR, LOCK_MINOR or EXACT around a minimum version) and then
// picks one with the "latest" rule implemented by [Latest] and [IsNewer]: a
// version without a pre-release beats any version with one, and between two
// versions of the same kind the higher precedence wins. The rule tests for a
// pre-release only, not for [Version.IsStable]: a 0.x release such as 0.9.0
// beats 1.0.0-alpha.1. This matches the reference ProjectUtils.getLatest,
// which checks isPreReleaseVersion rather than isStable.
//
// # Errors
//
// [Parse] reports failures as *[InvalidVersionError], whose message is the
// reference implementation's text: "Version cannot be empty" for an empty
// string, otherwise "Invalid version: '<input>'. " followed by the reason its
// parser gives, for example
//
//	Invalid version: '1.2'. Unexpected character 'EOI(null)' at position '3', expecting '[DOT]'
//	Invalid version: '01.1.1'. Numeric identifier MUST NOT contain leading zeroes
//	Invalid version: '1.0.0-alpha..1'. Identifiers MUST NOT be empty (Unexpected character 'DOT(.)' at position '12', expecting '[DIGIT, LETTER, HYPHEN]')
//
// The reason is an *[UnexpectedCharError], an *[EmptyIdentifierError] or
// [ErrLeadingZeros] and is available through errors.As and errors.Is.
// Positions count characters from 0. The Ballerina.toml
// diagnostic ("invalid 'version' under [package]: 'version' should be
// compatible with semver") belongs to the manifest package, which uses
// [IsValid].
package version

import (
	"strconv"
	"strings"
)

// A Version is a parsed semantic version. The zero Version is 0.0.0.
//
// Version values are comparable with ==, which compares them exactly,
// including build metadata; use [Version.Equal] or [Version.Compare] for
// precedence.
type Version struct {
	// major, minor and patch hold canonical decimal numbers, except that
	// zero is stored as "" so that the zero Version is 0.0.0.
	major, minor, patch string
	pre                 string // pre-release without the leading "-"; "" if none
	build               string // build metadata without the leading "+"; "" if none
}

// Parse parses s as a semantic version. It accepts exactly the strings
// described in the package documentation and reports anything else as an
// *[InvalidVersionError].
func Parse(s string) (Version, error) {
	v, err := parse(s)
	if err != nil {
		return Version{}, &InvalidVersionError{Version: s, Err: err}
	}
	return v, nil
}

// MustParse is like [Parse] but panics if s is not a valid version. It is
// meant for constants in programs and tests.
func MustParse(s string) Version {
	v, err := Parse(s)
	if err != nil {
		panic(err)
	}
	return v
}

// IsValid reports whether s is a valid semantic version, that is whether it
// matches the SemVer 2.0.0 regular expression of the Ballerina.toml schema.
// IsValid(s) is true exactly when [Parse](s) succeeds.
func IsValid(s string) bool {
	_, err := parse(s)
	return err == nil
}

// String returns the canonical text of v, major.minor.patch followed by
// "-pre-release" and "+build" when present. Parse(v.String()) returns v.
func (v Version) String() string {
	var b strings.Builder
	b.Grow(len(v.major) + len(v.minor) + len(v.patch) + len(v.pre) + len(v.build) + 7)
	b.WriteString(v.Major())
	b.WriteByte('.')
	b.WriteString(v.Minor())
	b.WriteByte('.')
	b.WriteString(v.Patch())
	if v.pre != "" {
		b.WriteByte('-')
		b.WriteString(v.pre)
	}
	if v.build != "" {
		b.WriteByte('+')
		b.WriteString(v.build)
	}
	return b.String()
}

// Major returns the major number of v in decimal, without leading zeros.
func (v Version) Major() string { return number(v.major) }

// Minor returns the minor number of v in decimal, without leading zeros.
func (v Version) Minor() string { return number(v.minor) }

// Patch returns the patch number of v in decimal, without leading zeros.
func (v Version) Patch() string { return number(v.patch) }

// MajorUint64 returns the major number of v. It reports ok == false, and
// n == 0, if the number does not fit in a uint64.
func (v Version) MajorUint64() (n uint64, ok bool) { return toUint64(v.major) }

// MinorUint64 returns the minor number of v. It reports ok == false, and
// n == 0, if the number does not fit in a uint64.
func (v Version) MinorUint64() (n uint64, ok bool) { return toUint64(v.minor) }

// PatchUint64 returns the patch number of v. It reports ok == false, and
// n == 0, if the number does not fit in a uint64.
func (v Version) PatchUint64() (n uint64, ok bool) { return toUint64(v.patch) }

// PreRelease returns the pre-release part of v without its leading "-",
// for example "alpha.1" for 1.0.0-alpha.1+b5, or "" if v has none.
func (v Version) PreRelease() string { return v.pre }

// Build returns the build metadata of v without its leading "+", for
// example "b5" for 1.0.0-alpha.1+b5, or "" if v has none.
func (v Version) Build() string { return v.build }

// IsPreRelease reports whether v has a pre-release part.
func (v Version) IsPreRelease() bool { return v.pre != "" }

// IsInitial reports whether v is an initial-development version, one with
// major number 0.
func (v Version) IsInitial() bool { return v.major == "" }

// IsStable reports whether v is a stable release: major number at least 1
// and no pre-release part. Note that the latest rule ([Latest], [IsNewer])
// does not use this definition; see the package documentation.
func (v Version) IsStable() bool { return v.major != "" && v.pre == "" }

// WithoutBuild returns v with its build metadata removed.
func (v Version) WithoutBuild() Version {
	v.build = ""
	return v
}

// MarshalText implements [encoding.TextMarshaler]; it returns v.String().
func (v Version) MarshalText() ([]byte, error) {
	return []byte(v.String()), nil
}

// UnmarshalText implements [encoding.TextUnmarshaler] with [Parse].
func (v *Version) UnmarshalText(text []byte) error {
	w, err := Parse(string(text))
	if err != nil {
		return err
	}
	*v = w
	return nil
}

// number returns the external form of a stored number.
func number(s string) string {
	if s == "" {
		return "0"
	}
	return s
}

// toUint64 converts a stored number, reporting overflow.
func toUint64(s string) (uint64, bool) {
	if s == "" {
		return 0, true
	}
	n, err := strconv.ParseUint(s, 10, 64)
	if err != nil {
		return 0, false
	}
	return n, true
}
