package version

import (
	"strconv"
	"strings"
)

// Compare returns -1, 0 or +1 as v has lower, equal or higher precedence
// than w (SemVer 2.0.0 §11). Build metadata is ignored.
//
// The method expression Version.Compare suits slices.SortFunc and
// slices.MaxFunc; see also [Sort].
func (v Version) Compare(w Version) int {
	if c := compareNumbers(v.major, w.major); c != 0 {
		return c
	}
	if c := compareNumbers(v.minor, w.minor); c != 0 {
		return c
	}
	if c := compareNumbers(v.patch, w.patch); c != 0 {
		return c
	}
	return comparePreRelease(v.pre, w.pre)
}

// Equal reports whether v and w have equal precedence, that is whether
// they differ at most in build metadata.
func (v Version) Equal(w Version) bool {
	return v.major == w.major && v.minor == w.minor && v.patch == w.patch && v.pre == w.pre
}

// LessThan reports whether v has lower precedence than w.
func (v Version) LessThan(w Version) bool { return v.Compare(w) < 0 }

// LessThanOrEqual reports whether v has lower or equal precedence than w.
func (v Version) LessThanOrEqual(w Version) bool { return v.Compare(w) <= 0 }

// GreaterThan reports whether v has higher precedence than w.
func (v Version) GreaterThan(w Version) bool { return v.Compare(w) > 0 }

// GreaterThanOrEqual reports whether v has higher or equal precedence than w.
func (v Version) GreaterThanOrEqual(w Version) bool { return v.Compare(w) >= 0 }

// A Relation is the result of [Version.CompareTo]: how one version relates
// to another under Ballerina's compatibility rule.
// The zero Relation is [Incompatible].
type Relation int

// The relations, in the reference enum's order. String returns the
// reference names, INCOMPATIBLE, EQUAL, LESS_THAN and GREATER_THAN.
const (
	Incompatible Relation = iota // the versions are not compatible
	Equal                        // same major, minor, patch and pre-release
	Less                         // compatible, and lower precedence
	Greater                      // compatible, and higher precedence
)

func (r Relation) String() string {
	switch r {
	case Incompatible:
		return "INCOMPATIBLE"
	case Equal:
		return "EQUAL"
	case Less:
		return "LESS_THAN"
	case Greater:
		return "GREATER_THAN"
	}
	return "Relation(" + strconv.Itoa(int(r)) + ")"
}

// CompareTo relates v to w by Ballerina's compatibility rule:
//
//   - [Equal] if they have the same major, minor, patch and pre-release
//     (build metadata is ignored);
//   - [Incompatible] if their majors differ;
//   - [Incompatible] if the major is 0 and their minors differ;
//   - otherwise [Less] or [Greater] by precedence.
//
// CompareTo is antisymmetric: w.CompareTo(v) is the mirror of v.CompareTo(w).
func (v Version) CompareTo(w Version) Relation {
	switch {
	case v.Equal(w):
		return Equal
	case v.major != w.major:
		return Incompatible
	case v.major == "" && v.minor != w.minor:
		return Incompatible
	case v.Compare(w) < 0:
		return Less
	default:
		return Greater
	}
}

// compareNumbers compares two canonical decimal numbers of any size, in
// which zero may be written as "" or "0".
func compareNumbers(a, b string) int {
	if a == "0" {
		a = ""
	}
	if b == "0" {
		b = ""
	}
	if len(a) != len(b) {
		if len(a) < len(b) {
			return -1
		}
		return +1
	}
	return strings.Compare(a, b)
}

// comparePreRelease compares two pre-release strings; "" (a release) ranks
// above any pre-release.
func comparePreRelease(a, b string) int {
	if a == b {
		return 0
	}
	if a == "" {
		return +1
	}
	if b == "" {
		return -1
	}
	return compareIdentifiers(a, b, false)
}

// compareIdentifiers compares two non-empty dot-separated identifier lists
// identifier by identifier: numeric identifiers numerically and below
// alphanumeric ones, alphanumeric ones in ASCII order, and a list that is a
// prefix of the other below it. With zerosOK, numeric identifiers may have
// leading zeros (build metadata), which are ignored.
func compareIdentifiers(a, b string, zerosOK bool) int {
	for {
		x, restA, moreA := strings.Cut(a, ".")
		y, restB, moreB := strings.Cut(b, ".")
		if c := compareIdentifier(x, y, zerosOK); c != 0 {
			return c
		}
		switch {
		case !moreA && !moreB:
			return 0
		case !moreA:
			return -1
		case !moreB:
			return +1
		}
		a, b = restA, restB
	}
}

func compareIdentifier(x, y string, zerosOK bool) int {
	nx, ny := isNumeric(x), isNumeric(y)
	switch {
	case nx && ny:
		if zerosOK {
			x, y = strings.TrimLeft(x, "0"), strings.TrimLeft(y, "0")
		}
		return compareNumbers(x, y)
	case nx:
		return -1
	case ny:
		return +1
	}
	return strings.Compare(x, y)
}

// isNumeric reports whether s is a non-empty string of ASCII digits.
func isNumeric(s string) bool {
	if s == "" {
		return false
	}
	for i := 0; i < len(s); i++ {
		if !isDigit(s[i]) {
			return false
		}
	}
	return true
}
