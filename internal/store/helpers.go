package store

import (
	"encoding/binary"
	"fmt"
	"slices"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/balcentral/balcentral/internal/version"
)

// This file holds the pieces of the contract that every backend computes the
// same way: argument checks, the search word rule and the version order key.

// Words splits s into the words search works on: maximal runs of Unicode
// letters and digits, lower-cased. Everything else separates words, so
// "googleapis.gmail", "module_winery" and "HTTP/2 client" give
// [googleapis gmail], [module winery] and [http 2 client]. Backends index
// the words of a version's org, name, keywords and summary and match the
// words of the query text as prefixes of them.
func Words(s string) []string {
	var words []string
	start := -1
	for i, r := range s {
		word := unicode.IsLetter(r) || unicode.IsDigit(r)
		switch {
		case word && start < 0:
			start = i
		case !word && start >= 0:
			words = append(words, strings.ToLower(s[start:i]))
			start = -1
		}
	}
	if start >= 0 {
		words = append(words, strings.ToLower(s[start:]))
	}
	return words
}

// LatestOrderKey returns a byte string whose bytewise order is the order of
// the "latest" rule ([version.Latest]): every version without a pre-release
// part sorts after every version with one, versions of the same kind sort
// by precedence, and versions of equal precedence by their build metadata
// (none first, then bytewise). Distinct valid versions have distinct keys.
// Backends store the key so that the latest version of a package can be
// found in the database; it fails with ErrInvalid for an invalid version.
//
// Layout: a kind byte (0 pre-release, 1 release); major, minor and patch,
// each as a 2-byte big-endian digit count followed by the digits; the
// pre-release identifiers, each introduced by 0x01 (numeric: count and
// digits as above) or 0x02 (alphanumeric: the text and a 0x00), then 0x00
// to end the list, or a single 0x03 when there is no pre-release; and, when
// there is build metadata, 0x01 followed by it.
func LatestOrderKey(v string) ([]byte, error) {
	pv, err := version.Parse(v)
	if err != nil {
		return nil, fmt.Errorf("version %q: %w: %v", v, ErrInvalid, err)
	}
	key := make([]byte, 0, 2*len(v)+8)
	if pv.IsPreRelease() {
		key = append(key, 0)
	} else {
		key = append(key, 1)
	}
	key = appendNumber(key, pv.Major())
	key = appendNumber(key, pv.Minor())
	key = appendNumber(key, pv.Patch())
	if pre := pv.PreRelease(); pre != "" {
		for id := range strings.SplitSeq(pre, ".") {
			if isDigits(id) {
				key = append(key, 1)
				key = appendNumber(key, id)
			} else {
				key = append(key, 2)
				key = append(key, id...)
				key = append(key, 0)
			}
		}
		key = append(key, 0)
	} else {
		key = append(key, 3)
	}
	if b := pv.Build(); b != "" {
		key = append(key, 1)
		key = append(key, b...)
	}
	return key, nil
}

// appendNumber appends a decimal number without leading zeros so that the
// encodings of numbers compare like the numbers.
func appendNumber(key []byte, digits string) []byte {
	key = binary.BigEndian.AppendUint16(key, uint16(len(digits)))
	return append(key, digits...)
}

func isDigits(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return s != ""
}

// SortVersions sorts vs in ascending order of semantic version precedence,
// versions of equal precedence by build metadata bytewise. Versions that do
// not parse (a store never holds any) sort first, by string.
func SortVersions(vs []VersionInfo) {
	type parsed struct {
		v  version.Version
		ok bool
	}
	ps := make(map[string]parsed, len(vs))
	for _, vi := range vs {
		v, err := version.Parse(vi.Version)
		ps[vi.Version] = parsed{v, err == nil}
	}
	slices.SortStableFunc(vs, func(a, b VersionInfo) int {
		pa, pb := ps[a.Version], ps[b.Version]
		switch {
		case !pa.ok && !pb.ok:
			return strings.Compare(a.Version, b.Version)
		case !pa.ok:
			return -1
		case !pb.ok:
			return +1
		}
		if c := pa.v.Compare(pb.v); c != 0 {
			return c
		}
		return strings.Compare(pa.v.Build(), pb.v.Build())
	})
}

// CheckVersionRef checks the arguments that name a package version: a
// non-empty org and name and a valid semantic version.
func CheckVersionRef(org, name, v string) error {
	if err := CheckName("org", org); err != nil {
		return err
	}
	if err := CheckName("package name", name); err != nil {
		return err
	}
	if !version.IsValid(v) {
		return fmt.Errorf("version %q: %w: not a semantic version", v, ErrInvalid)
	}
	return nil
}

// CheckName checks that a name is non-empty valid UTF-8 without control
// characters; what names look like beyond that is the caller's policy.
func CheckName(what, name string) error {
	if name == "" {
		return fmt.Errorf("%s: %w: empty", what, ErrInvalid)
	}
	if !utf8.ValidString(name) || strings.ContainsFunc(name, unicode.IsControl) {
		return fmt.Errorf("%s %q: %w: control character or invalid UTF-8", what, name, ErrInvalid)
	}
	return nil
}

// Check reports whether pv can be published, normalizing an empty
// Visibility to Public. Backends call it at the start of PublishVersion.
func (pv *PackageVersion) Check() error {
	if err := CheckVersionRef(pv.Org, pv.Name, pv.Version); err != nil {
		return err
	}
	ref := pv.Org + "/" + pv.Name + ":" + pv.Version
	if !isSHA256Hex(pv.Digest) {
		return fmt.Errorf("%s: digest %q: %w: want 64 lower-case hex digits", ref, pv.Digest, ErrInvalid)
	}
	if pv.BlobKey == "" {
		return fmt.Errorf("%s: blob key: %w: empty", ref, ErrInvalid)
	}
	if pv.Size < 0 {
		return fmt.Errorf("%s: size %d: %w", ref, pv.Size, ErrInvalid)
	}
	switch pv.Visibility {
	case "":
		pv.Visibility = Public
	case Public, Private:
	default:
		return fmt.Errorf("%s: visibility %q: %w", ref, pv.Visibility, ErrInvalid)
	}
	for i, m := range pv.Modules {
		if err := CheckName(fmt.Sprintf("modules[%d]", i), m.Name); err != nil {
			return fmt.Errorf("%s: %w", ref, err)
		}
		if slices.ContainsFunc(pv.Modules[:i], func(o Module) bool { return o.Name == m.Name }) {
			return fmt.Errorf("%s: module %q: %w: listed twice", ref, m.Name, ErrInvalid)
		}
	}
	return nil
}

func isSHA256Hex(s string) bool {
	if len(s) != 64 {
		return false
	}
	for i := 0; i < len(s); i++ {
		c := s[i]
		if !('0' <= c && c <= '9' || 'a' <= c && c <= 'f') {
			return false
		}
	}
	return true
}

// SearchMatch returns the words of q.Text to match, after checking q.
func (q SearchQuery) SearchMatch() ([]string, error) {
	if q.Limit < 0 || q.Offset < 0 {
		return nil, fmt.Errorf("search limit %d, offset %d: %w: negative", q.Limit, q.Offset, ErrInvalid)
	}
	words := Words(q.Text)
	if len(words) > MaxSearchWords {
		return nil, fmt.Errorf("search text: %w: %d words, at most %d", ErrInvalid, len(words), MaxSearchWords)
	}
	return words, nil
}
