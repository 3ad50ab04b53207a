package version

import (
	"slices"
	"strconv"
	"strings"
)

// A RangeKind names one of the version ranges dependency resolution uses
// to narrow the candidate versions of a package.
type RangeKind int

// The range kinds. Their String methods return the reference names
// (ProjectUtils.CompatibleRange): LATEST, LOCK_MAJOR, LOCK_MINOR and EXACT.
const (
	// RangeLatest admits every version; it applies when no minimum
	// version is known.
	RangeLatest RangeKind = iota
	// RangeLockMajor admits versions with the minimum's major number and
	// at least its precedence.
	RangeLockMajor
	// RangeLockMinor admits versions with the minimum's major and minor
	// numbers and at least its precedence.
	RangeLockMinor
	// RangeExact admits only versions of equal precedence to the minimum.
	RangeExact
)

func (k RangeKind) String() string {
	switch k {
	case RangeLatest:
		return "LATEST"
	case RangeLockMajor:
		return "LOCK_MAJOR"
	case RangeLockMinor:
		return "LOCK_MINOR"
	case RangeExact:
		return "EXACT"
	}
	return "RangeKind(" + strconv.Itoa(int(k)) + ")"
}

// A Range is a set of versions around a minimum version. Which range a
// request gets (the locking mode rules) is decided by the resolver; this
// package only evaluates ranges.
type Range struct {
	Kind RangeKind
	Min  Version // the minimum version; ignored by RangeLatest
}

// RangeFor returns the range of the given kind around min.
func RangeFor(kind RangeKind, min Version) Range {
	return Range{Kind: kind, Min: min}
}

// String returns the kind, followed by " " and the minimum version unless
// the kind is RangeLatest: "LOCK_MINOR 1.2.0".
func (r Range) String() string {
	if r.Kind == RangeLatest {
		return r.Kind.String()
	}
	return r.Kind.String() + " " + r.Min.String()
}

// Contains reports whether v is in r:
//
//   - RangeLatest: every version;
//   - RangeLockMajor: same major as r.Min and v ≥ r.Min;
//   - RangeLockMinor: same major and minor as r.Min and v ≥ r.Min;
//   - RangeExact: v equal to r.Min in precedence (build metadata ignored).
//
// Comparisons are by precedence, so with r.Min = 1.3.0-beta.1,
// RangeLockMajor contains 1.3.0-beta.2 and 1.4.0 but not 1.3.0-alpha.
// A range of unknown kind contains nothing.
func (r Range) Contains(v Version) bool {
	switch r.Kind {
	case RangeLatest:
		return true
	case RangeLockMajor:
		return v.major == r.Min.major && v.Compare(r.Min) >= 0
	case RangeLockMinor:
		return v.major == r.Min.major && v.minor == r.Min.minor && v.Compare(r.Min) >= 0
	case RangeExact:
		return v.Equal(r.Min)
	}
	return false
}

// Filter returns the candidates that r contains, in their original order.
// The result shares no memory with candidates.
func (r Range) Filter(candidates []Version) []Version {
	var out []Version
	for _, v := range candidates {
		if r.Contains(v) {
			out = append(out, v)
		}
	}
	return out
}

// Select returns the latest (see [Latest]) of the candidates that r
// contains, and false if r contains none of them. For RangeExact the
// result is the matching candidate, which may differ from r.Min in build
// metadata.
func (r Range) Select(candidates []Version) (Version, bool) {
	var best Version
	found := false
	for _, v := range candidates {
		if !r.Contains(v) {
			continue
		}
		if !found || IsNewer(v, best) {
			best, found = v, true
		}
	}
	return best, found
}

// Latest returns the latest of vs by Ballerina's "latest" rule, and false
// if vs is empty. A version without a pre-release part beats every version
// with one; between two versions that both have, or both lack, a
// pre-release part, the higher precedence wins. Among versions of equal
// precedence the earliest in vs is returned.
//
// The rule looks only at the pre-release part, not at [Version.IsStable]:
// 0.9.0 beats 1.0.0-alpha.1, as in the reference ProjectUtils.getLatest.
// So LATEST over {1.2.0, 1.3.0-beta.1, 2.0.0-alpha.1} gives 1.2.0, while a
// pre-release is chosen when no candidate lacks one.
func Latest(vs []Version) (Version, bool) {
	if len(vs) == 0 {
		return Version{}, false
	}
	best := vs[0]
	for _, v := range vs[1:] {
		if IsNewer(v, best) {
			best = v
		}
	}
	return best, true
}

// IsNewer reports whether a strictly beats b by the "latest" rule (see
// [Latest]): a has no pre-release part while b has one, or both are alike
// in that respect and a has higher precedence. Versions of equal precedence
// are not newer than each other, so a later repository's answer replaces
// an earlier one only if IsNewer(later, earlier).
func IsNewer(a, b Version) bool {
	if a.IsPreRelease() != b.IsPreRelease() {
		return b.IsPreRelease()
	}
	return a.Compare(b) > 0
}

// Sort sorts vs in ascending order of precedence. Versions of equal
// precedence are ordered by build metadata (none first, then identifier by
// identifier as for pre-releases), so the result is deterministic.
func Sort(vs []Version) {
	slices.SortStableFunc(vs, compareWithBuild)
}

// compareWithBuild orders by precedence and then by build metadata; it is
// zero only for identical versions.
func compareWithBuild(v, w Version) int {
	if c := v.Compare(w); c != 0 {
		return c
	}
	switch {
	case v.build == w.build:
		return 0
	case v.build == "":
		return -1
	case w.build == "":
		return +1
	}
	if c := compareIdentifiers(v.build, w.build, true); c != 0 {
		return c
	}
	return strings.Compare(v.build, w.build)
}
