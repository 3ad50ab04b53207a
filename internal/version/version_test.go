package version

import (
	"encoding/json"
	"errors"
	"slices"
	"strings"
	"testing"
)

func TestParseComponents(t *testing.T) {
	tests := []struct {
		in                         string
		major, minor, patch        string
		pre, build                 string
		stable, preRelease, initil bool
	}{
		{"0.0.0", "0", "0", "0", "", "", false, false, true},
		{"0.6.0-alpha2-20210311-184300-688245e", "0", "6", "0", "alpha2-20210311-184300-688245e", "", false, true, true},
		{"1.2.3", "1", "2", "3", "", "", true, false, false},
		{"10.20.30+build.007", "10", "20", "30", "", "build.007", true, false, false},
		{"1.0.0-0A.is.legal", "1", "0", "0", "0A.is.legal", "", false, true, false},
		{"1.0.0--", "1", "0", "0", "-", "", false, true, false},
		{"1.0.0-0+0", "1", "0", "0", "0", "0", false, true, false},
		{"99999999999999999999999.999999999999999999.99999999999999999",
			"99999999999999999999999", "999999999999999999", "99999999999999999", "", "", true, false, false},
	}
	for _, tt := range tests {
		v, err := Parse(tt.in)
		if err != nil {
			t.Errorf("Parse(%q): %v", tt.in, err)
			continue
		}
		got := []string{v.Major(), v.Minor(), v.Patch(), v.PreRelease(), v.Build(), v.String()}
		want := []string{tt.major, tt.minor, tt.patch, tt.pre, tt.build, tt.in}
		if !slices.Equal(got, want) {
			t.Errorf("Parse(%q): Major, Minor, Patch, PreRelease, Build, String = %q, want %q", tt.in, got, want)
		}
		if v.IsStable() != tt.stable || v.IsPreRelease() != tt.preRelease || v.IsInitial() != tt.initil {
			t.Errorf("Parse(%q): IsStable, IsPreRelease, IsInitial = %v, %v, %v; want %v, %v, %v", tt.in,
				v.IsStable(), v.IsPreRelease(), v.IsInitial(), tt.stable, tt.preRelease, tt.initil)
		}
	}
}

func TestUint64Accessors(t *testing.T) {
	tests := []struct {
		in                  string
		major, minor, patch uint64
		okMaj, okMin, okPat bool
	}{
		{"0.0.0", 0, 0, 0, true, true, true},
		{"1.2.3", 1, 2, 3, true, true, true},
		{"18446744073709551615.0.18446744073709551616", 18446744073709551615, 0, 0, true, true, false},
		{"99999999999999999999999.4294967296.5", 0, 4294967296, 5, false, true, true},
	}
	for _, tt := range tests {
		v := MustParse(tt.in)
		maj, okMaj := v.MajorUint64()
		min, okMin := v.MinorUint64()
		pat, okPat := v.PatchUint64()
		if maj != tt.major || okMaj != tt.okMaj || min != tt.minor || okMin != tt.okMin || pat != tt.patch || okPat != tt.okPat {
			t.Errorf("Parse(%q): MajorUint64, MinorUint64, PatchUint64 = (%d, %v), (%d, %v), (%d, %v); want (%d, %v), (%d, %v), (%d, %v)",
				tt.in, maj, okMaj, min, okMin, pat, okPat, tt.major, tt.okMaj, tt.minor, tt.okMin, tt.patch, tt.okPat)
		}
	}
}

func TestZeroVersion(t *testing.T) {
	var zero Version
	if got := zero.String(); got != "0.0.0" {
		t.Errorf("Version{}.String() = %q, want %q", got, "0.0.0")
	}
	if v := MustParse("0.0.0"); v != zero {
		t.Errorf("MustParse(%q) = %#v, want the zero Version", "0.0.0", v)
	}
	if v := MustParse("0.0.0+b"); v == zero || !v.Equal(zero) {
		t.Errorf("MustParse(%q): == zero is %v, Equal(zero) is %v; want false, true", "0.0.0+b", v == zero, v.Equal(zero))
	}
}

// Every message below was derived by tracing the reference parser
// (java-semver 0.9.0, wrapped by ballerina-lang's SemanticVersion.from).
func TestParseErrorText(t *testing.T) {
	tests := []struct {
		in, want string
	}{
		{"", "Version cannot be empty"},
		{"1", "Invalid version: '1'. Unexpected character 'EOI(null)' at position '1', expecting '[DOT]'"},
		{"1.2", "Invalid version: '1.2'. Unexpected character 'EOI(null)' at position '3', expecting '[DOT]'"},
		{"1..0", "Invalid version: '1..0'. Unexpected character 'DOT(.)' at position '2', expecting '[DIGIT]'"},
		{"v1.0.0", "Invalid version: 'v1.0.0'. Unexpected character 'LETTER(v)' at position '0', expecting '[DIGIT]'"},
		{"-1.0.3-gamma+b7718", "Invalid version: '-1.0.3-gamma+b7718'. Unexpected character 'HYPHEN(-)' at position '0', expecting '[DIGIT]'"},
		{"+justmeta", "Invalid version: '+justmeta'. Unexpected character 'PLUS(+)' at position '0', expecting '[DIGIT]'"},
		{" 1.0.0", "Invalid version: ' 1.0.0'. Unexpected character 'ILLEGAL( )' at position '0', expecting '[DIGIT]'"},
		{"1.0.0 ", "Invalid version: '1.0.0 '. Unexpected character 'ILLEGAL( )' at position '5', expecting '[HYPHEN, PLUS, EOI]'"},
		{"1.0.0\n", "Invalid version: '1.0.0\n'. Unexpected character 'ILLEGAL(\n)' at position '5', expecting '[HYPHEN, PLUS, EOI]'"},
		{"1.2.3.DEV", "Invalid version: '1.2.3.DEV'. Unexpected character 'DOT(.)' at position '5', expecting '[HYPHEN, PLUS, EOI]'"},
		{"01.1.1", "Invalid version: '01.1.1'. Numeric identifier MUST NOT contain leading zeroes"},
		{"1.1.01", "Invalid version: '1.1.01'. Numeric identifier MUST NOT contain leading zeroes"},
		{"1.2.3-0123", "Invalid version: '1.2.3-0123'. Numeric identifier MUST NOT contain leading zeroes"},
		{"1.2.3-123.01234", "Invalid version: '1.2.3-123.01234'. Numeric identifier MUST NOT contain leading zeroes"},
		{"1.0.0-00_", "Invalid version: '1.0.0-00_'. Numeric identifier MUST NOT contain leading zeroes"},
		{"1.0.0-", "Invalid version: '1.0.0-'. Unexpected character 'EOI(null)' at position '6', expecting '[DIGIT, LETTER, HYPHEN]'"},
		{"1.1.2+.123", "Invalid version: '1.1.2+.123'. Unexpected character 'DOT(.)' at position '6', expecting '[DIGIT, LETTER, HYPHEN]'"},
		{"1.0.0-alpha..1", "Invalid version: '1.0.0-alpha..1'. Identifiers MUST NOT be empty (Unexpected character 'DOT(.)' at position '12', expecting '[DIGIT, LETTER, HYPHEN]')"},
		{"1.0.0-a.", "Invalid version: '1.0.0-a.'. Identifiers MUST NOT be empty (Unexpected character 'EOI(null)' at position '8', expecting '[DIGIT, LETTER, HYPHEN]')"},
		{"1.0.0-a.+b", "Invalid version: '1.0.0-a.+b'. Identifiers MUST NOT be empty (Unexpected character 'PLUS(+)' at position '8', expecting '[DIGIT, LETTER, HYPHEN]')"},
		{"1.0.0+a.", "Invalid version: '1.0.0+a.'. Identifiers MUST NOT be empty (Unexpected character 'EOI(null)' at position '8', expecting '[DIGIT, LETTER, HYPHEN]')"},
		{"1.0.0-alpha_beta", "Invalid version: '1.0.0-alpha_beta'. Unexpected character 'ILLEGAL(_)' at position '11', expecting '[PLUS, EOI]'"},
		{"1.0.0-01_a", "Invalid version: '1.0.0-01_a'. Unexpected character 'ILLEGAL(_)' at position '8', expecting '[PLUS, EOI]'"},
		{"1.0.0-a._x", "Invalid version: '1.0.0-a._x'. Unexpected character 'ILLEGAL(_)' at position '8', expecting '[DIGIT, LETTER, HYPHEN]'"},
		{"1.0.0-a._1", "Invalid version: '1.0.0-a._1'. Unexpected character 'ILLEGAL(_)' at position '8', expecting '[DIGIT]'"},
		{"1.0.0+a._1", "Invalid version: '1.0.0+a._1'. Unexpected character 'ILLEGAL(_)' at position '8', expecting '[DIGIT]'"},
		// "+" ends a pre-release identifier's look-ahead but not a build identifier's.
		{"1.0.0-a._+x", "Invalid version: '1.0.0-a._+x'. Unexpected character 'ILLEGAL(_)' at position '8', expecting '[DIGIT]'"},
		{"1.0.0+a._+x", "Invalid version: '1.0.0+a._+x'. Unexpected character 'ILLEGAL(_)' at position '8', expecting '[DIGIT, LETTER, HYPHEN]'"},
		{"1.0.0-a+", "Invalid version: '1.0.0-a+'. Unexpected character 'EOI(null)' at position '8', expecting '[DIGIT, LETTER, HYPHEN]'"},
		{"9.8.7+meta+meta", "Invalid version: '9.8.7+meta+meta'. Unexpected character 'PLUS(+)' at position '10', expecting '[EOI]'"},
		{"1.0.0-é", "Invalid version: '1.0.0-é'. Unexpected character 'ILLEGAL(é)' at position '6', expecting '[DIGIT, LETTER, HYPHEN]'"},
	}
	for _, tt := range tests {
		v, err := Parse(tt.in)
		if err == nil {
			t.Errorf("Parse(%q) = %v, nil; want error %q", tt.in, v, tt.want)
			continue
		}
		if got := err.Error(); got != tt.want {
			t.Errorf("Parse(%q) error =\n\t%q\nwant\n\t%q", tt.in, got, tt.want)
		}
		var ive *InvalidVersionError
		if !errors.As(err, &ive) || ive.Version != tt.in {
			t.Errorf("Parse(%q) error = %#v, want *InvalidVersionError with Version %q", tt.in, err, tt.in)
		}
	}
}

func TestParseErrorReasons(t *testing.T) {
	// Empty input.
	if _, err := Parse(""); !errors.Is(err, ErrEmpty) {
		t.Errorf("Parse(%q) error = %v, want errors.Is ErrEmpty", "", err)
	}
	// Leading zeros.
	if _, err := Parse("1.02.3"); !errors.Is(err, ErrLeadingZeros) {
		t.Errorf("Parse(%q) error = %v, want errors.Is ErrLeadingZeros", "1.02.3", err)
	}
	// An unexpected character, with its fields.
	_, err := Parse("1.2.3+a😀")
	var uce *UnexpectedCharError
	if !errors.As(err, &uce) {
		t.Fatalf("Parse(%q) error = %v, want an *UnexpectedCharError", "1.2.3+a😀", err)
	}
	if uce.Offset != 7 || uce.Char != '😀' || uce.AtEnd || uce.Class() != IllegalChar || !slices.Equal(uce.Expected, []CharClass{EndOfInput}) {
		t.Errorf("Parse(%q) reason = %+v, want Offset 7, Char '😀', IllegalChar, Expected [EOI]", "1.2.3+a😀", *uce)
	}
	// An empty identifier unwraps to its unexpected character.
	_, err = Parse("1.2.3-a..b")
	var eie *EmptyIdentifierError
	if !errors.As(err, &eie) || !errors.As(err, &uce) || uce.Offset != 8 || uce.Class() != DotChar {
		t.Errorf("Parse(%q) error = %v, want *EmptyIdentifierError caused by DOT at 8", "1.2.3-a..b", err)
	}
	// The end of input.
	_, err = Parse("1.2")
	if !errors.As(err, &uce) || !uce.AtEnd || uce.Offset != 3 || uce.Class() != EndOfInput {
		t.Errorf("Parse(%q) error = %v, want an end-of-input *UnexpectedCharError at 3", "1.2", err)
	}
}

func TestMustParsePanics(t *testing.T) {
	defer func() {
		r := recover()
		if _, ok := r.(*InvalidVersionError); !ok {
			t.Errorf("MustParse(%q) panicked with %#v, want an *InvalidVersionError", "1.2", r)
		}
	}()
	MustParse("1.2")
	t.Errorf("MustParse(%q) returned, want a panic", "1.2")
}

func TestStringRoundTrip(t *testing.T) {
	for _, s := range []string{
		"0.0.0", "0.0.4", "1.2.3", "1.0.0-alpha.1", "1.0.0+20130313144700", "1.0.0-rc.1+build.1",
		"1.2.3----RC-SNAPSHOT.12.9.1--.12+788", "99999999999999999999999.999999999999999999.99999999999999999",
	} {
		v := MustParse(s)
		if v.String() != s {
			t.Errorf("Parse(%q).String() = %q, want the input", s, v.String())
		}
		w, err := Parse(v.String())
		if err != nil || w != v {
			t.Errorf("Parse(Parse(%q).String()) = %#v, %v; want %#v", s, w, err, v)
		}
		text, err := v.MarshalText()
		if err != nil || string(text) != s {
			t.Errorf("Parse(%q).MarshalText() = %q, %v; want %q", s, text, err, s)
		}
	}
}

func TestJSON(t *testing.T) {
	in := `{"v":"1.0.0-beta.2+exp.sha.5114f85"}`
	var doc struct{ V Version }
	if err := json.Unmarshal([]byte(in), &doc); err != nil {
		t.Fatalf("json.Unmarshal(%s): %v", in, err)
	}
	if want := MustParse("1.0.0-beta.2+exp.sha.5114f85"); doc.V != want {
		t.Errorf("json.Unmarshal(%s) = %v, want %v", in, doc.V, want)
	}
	out, err := json.Marshal(doc)
	if err != nil || string(out) != `{"V":"1.0.0-beta.2+exp.sha.5114f85"}` {
		t.Errorf("json.Marshal = %s, %v", out, err)
	}
	if err := json.Unmarshal([]byte(`{"v":"1.0"}`), &doc); err == nil {
		t.Errorf("json.Unmarshal of version %q succeeded, want an error", "1.0")
	}
}

// ascending lists versions in strictly increasing precedence.
var ascending = []string{
	"0.0.0-0",
	"0.0.0-alpha",
	"0.0.0",
	"0.0.1",
	"0.1.0",
	"0.9.9",
	"0.10.0",
	// SemVer 2.0.0 §11 example chain.
	"1.0.0-alpha",
	"1.0.0-alpha.1",
	"1.0.0-alpha.beta",
	"1.0.0-beta",
	"1.0.0-beta.2",
	"1.0.0-beta.11",
	"1.0.0-rc.1",
	"1.0.0",
	// Numeric identifiers compare numerically, at any size, and below
	// alphanumeric ones; alphanumeric ones compare in ASCII order.
	"1.0.1-2",
	"1.0.1-10",
	"1.0.1-18446744073709551615",
	"1.0.1-18446744073709551616",
	"1.0.1-99999999999999999999999",
	"1.0.1--",
	"1.0.1-0A",
	"1.0.1-A",
	"1.0.1-Z.1",
	"1.0.1-a",
	"1.0.1-a.0",
	"1.0.1-a.0.0",
	"1.0.1-a.1",
	"1.0.1-a.a",
	"1.0.1-a0",
	"1.0.1-aa",
	"1.0.1",
	"1.2.0",
	"1.10.0",
	"2.0.0",
	"10.0.0",
	"18446744073709551615.0.0",
	"18446744073709551616.0.0",
	"9999999999999999999999.0.0",
	"99999999999999999999999.0.0",
	"99999999999999999999999.0.1",
}

func TestPrecedence(t *testing.T) {
	vs := make([]Version, len(ascending))
	for i, s := range ascending {
		vs[i] = MustParse(s)
	}
	for i, v := range vs {
		for j, w := range vs {
			want := 0
			switch {
			case i < j:
				want = -1
			case i > j:
				want = +1
			}
			if got := v.Compare(w); got != want {
				t.Errorf("Parse(%q).Compare(Parse(%q)) = %d, want %d", ascending[i], ascending[j], got, want)
			}
			bools := []bool{v.LessThan(w), v.LessThanOrEqual(w), v.Equal(w), v.GreaterThanOrEqual(w), v.GreaterThan(w)}
			wantBools := []bool{want < 0, want <= 0, want == 0, want >= 0, want > 0}
			if !slices.Equal(bools, wantBools) {
				t.Errorf("Parse(%q) vs Parse(%q): LessThan, LessThanOrEqual, Equal, GreaterThanOrEqual, GreaterThan = %v, want %v",
					ascending[i], ascending[j], bools, wantBools)
			}
		}
	}
}

func TestBuildIgnoredForPrecedence(t *testing.T) {
	pairs := [][2]string{
		{"1.0.0+a", "1.0.0+b"},
		{"1.0.0", "1.0.0+b"},
		{"1.0.0-rc.1+001", "1.0.0-rc.1+1"},
	}
	for _, p := range pairs {
		v, w := MustParse(p[0]), MustParse(p[1])
		if v.Compare(w) != 0 || !v.Equal(w) || v.LessThan(w) || v.GreaterThan(w) || v.CompareTo(w) != Equal {
			t.Errorf("Parse(%q) vs Parse(%q): Compare %d, Equal %v, LessThan %v, GreaterThan %v, CompareTo %v; want 0, true, false, false, EQUAL",
				p[0], p[1], v.Compare(w), v.Equal(w), v.LessThan(w), v.GreaterThan(w), v.CompareTo(w))
		}
		if v == w {
			t.Errorf("Parse(%q) == Parse(%q), want != (builds differ)", p[0], p[1])
		}
	}
}

func TestCompareTo(t *testing.T) {
	tests := []struct {
		v, w string
		want Relation
	}{
		{"1.0.0", "1.0.0+build", Equal},
		{"0.1.0", "0.1.0", Equal},
		{"0.1.1", "0.1.2", Less},
		{"0.1.2", "0.1.1", Greater},
		{"0.1.1", "0.2.0", Incompatible},
		{"0.1.1-alpha", "0.1.1", Less},
		{"0.0.1", "0.0.2", Less},
		{"0.0.1", "1.0.0", Incompatible},
		{"1.0.0-alpha", "1.0.0", Less},
		{"1.0.0", "1.0.0-alpha", Greater},
		{"1.1.1-alpha.1", "1.5.2-beta", Less},
		{"1.9.0", "1.10.0", Less},
		{"2.0.0-alpha", "1.9.9", Incompatible},
		{"99999999999999999999999.0.0", "99999999999999999999999.1.0", Less},
		{"99999999999999999999999.0.0", "99999999999999999999998.1.0", Incompatible},
	}
	mirror := map[Relation]Relation{Equal: Equal, Incompatible: Incompatible, Less: Greater, Greater: Less}
	for _, tt := range tests {
		v, w := MustParse(tt.v), MustParse(tt.w)
		if got := v.CompareTo(w); got != tt.want {
			t.Errorf("Parse(%q).CompareTo(Parse(%q)) = %v, want %v", tt.v, tt.w, got, tt.want)
		}
		if got := w.CompareTo(v); got != mirror[tt.want] {
			t.Errorf("Parse(%q).CompareTo(Parse(%q)) = %v, want %v", tt.w, tt.v, got, mirror[tt.want])
		}
	}
}

func TestStringers(t *testing.T) {
	tests := []struct {
		got, want string
	}{
		{Equal.String(), "EQUAL"},
		{Less.String(), "LESS_THAN"},
		{Greater.String(), "GREATER_THAN"},
		{Incompatible.String(), "INCOMPATIBLE"},
		{Relation(9).String(), "Relation(9)"},
		{RangeLatest.String(), "LATEST"},
		{RangeLockMajor.String(), "LOCK_MAJOR"},
		{RangeLockMinor.String(), "LOCK_MINOR"},
		{RangeExact.String(), "EXACT"},
		{RangeKind(-1).String(), "RangeKind(-1)"},
		{DigitChar.String(), "DIGIT"},
		{IllegalChar.String(), "ILLEGAL"},
		{RangeFor(RangeLockMinor, MustParse("1.2.0")).String(), "LOCK_MINOR 1.2.0"},
		{RangeFor(RangeLatest, MustParse("1.2.0")).String(), "LATEST"},
	}
	for i, tt := range tests {
		if tt.got != tt.want {
			t.Errorf("case %d: String() = %q, want %q", i, tt.got, tt.want)
		}
	}
}

func parseAll(t *testing.T, ss []string) []Version {
	t.Helper()
	vs := make([]Version, len(ss))
	for i, s := range ss {
		vs[i] = MustParse(s)
	}
	return vs
}

func TestRangeContains(t *testing.T) {
	tests := []struct {
		kind RangeKind
		min  string
		in   []string
		out  []string
	}{
		{RangeLatest, "1.2.3", []string{"0.0.1", "1.0.0-alpha", "1.2.3", "9.0.0"}, nil},
		{RangeLockMajor, "1.2.3",
			[]string{"1.2.3", "1.2.3+b", "1.2.4", "1.3.0-alpha", "1.99.0"},
			[]string{"1.2.2", "1.2.3-rc.1", "0.9.0", "2.0.0", "2.0.0-alpha"}},
		{RangeLockMajor, "1.3.0-beta.1",
			[]string{"1.3.0-beta.1", "1.3.0-beta.2", "1.3.0", "1.4.0-alpha"},
			[]string{"1.3.0-alpha", "1.3.0-beta", "1.2.9", "2.0.0-alpha.1"}},
		{RangeLockMinor, "1.2.3",
			[]string{"1.2.3", "1.2.4", "1.2.10-alpha"},
			[]string{"1.3.0", "1.2.2", "1.2.3-rc.1", "2.2.3"}},
		{RangeLockMinor, "0.4.5",
			[]string{"0.4.5", "0.4.6"},
			[]string{"0.5.0", "0.4.4", "1.4.5"}},
		{RangeExact, "1.2.3",
			[]string{"1.2.3", "1.2.3+other"},
			[]string{"1.2.4", "1.2.3-rc.1", "1.2.2"}},
		{RangeKind(42), "1.2.3", nil, []string{"1.2.3"}},
	}
	for _, tt := range tests {
		r := RangeFor(tt.kind, MustParse(tt.min))
		for _, s := range tt.in {
			if !r.Contains(MustParse(s)) {
				t.Errorf("RangeFor(%v, %s).Contains(%s) = false, want true", tt.kind, tt.min, s)
			}
		}
		for _, s := range tt.out {
			if r.Contains(MustParse(s)) {
				t.Errorf("RangeFor(%v, %s).Contains(%s) = true, want false", tt.kind, tt.min, s)
			}
		}
		all := append(slices.Clone(tt.in), tt.out...)
		filtered := r.Filter(parseAll(t, all))
		var got []string
		for _, v := range filtered {
			got = append(got, v.String())
		}
		if !slices.Equal(got, tt.in) {
			t.Errorf("RangeFor(%v, %s).Filter(%q) = %q, want %q", tt.kind, tt.min, all, got, tt.in)
		}
	}
}

func TestLatestAndSelect(t *testing.T) {
	tests := []struct {
		kind       RangeKind
		min        string
		candidates []string
		want       string // "" means none
	}{
		// LATEST prefers stable versions over any pre-release.
		{RangeLatest, "", []string{"1.2.0", "1.3.0-beta.1", "2.0.0-alpha.1"}, "1.2.0"},
		{RangeLatest, "", []string{"2.0.0-alpha.1", "1.3.0-beta.1", "1.2.0"}, "1.2.0"},
		// Only pre-releases: the highest one.
		{RangeLatest, "", []string{"1.3.0-beta.1", "2.0.0-alpha.1", "1.3.0-beta.2"}, "2.0.0-alpha.1"},
		// A 0.x release is not a pre-release: it beats 1.0.0-alpha.1.
		{RangeLatest, "", []string{"1.0.0-alpha.1", "0.9.0"}, "0.9.0"},
		{RangeLatest, "", []string{"0.9.0", "0.10.0", "0.2.0"}, "0.10.0"},
		{RangeLatest, "", nil, ""},
		// The suites' io case: minimum 1.3.0-beta.1, only betas in that major.
		{RangeLockMajor, "1.3.0-beta.1", []string{"1.3.0-beta.1", "1.3.0-beta.2"}, "1.3.0-beta.2"},
		{RangeLockMajor, "1.3.0-beta.1", []string{"1.3.0-beta.1", "1.3.0-beta.2", "1.3.1", "2.0.0"}, "1.3.1"},
		{RangeLockMajor, "1.2.0", []string{"1.2.0", "1.3.0-beta.1", "2.0.0-alpha.1"}, "1.2.0"},
		{RangeLockMajor, "1.2.0", []string{"1.1.0", "2.0.0"}, ""},
		{RangeLockMinor, "1.2.0", []string{"1.2.0", "1.2.5", "1.3.0"}, "1.2.5"},
		{RangeLockMinor, "0.4.5", []string{"0.4.5", "0.4.6", "0.5.0"}, "0.4.6"},
		{RangeExact, "1.2.0", []string{"1.2.1", "1.2.0+x", "1.1.0"}, "1.2.0+x"},
		{RangeExact, "1.2.0", []string{"1.2.1", "1.1.0"}, ""},
	}
	for _, tt := range tests {
		cands := parseAll(t, tt.candidates)
		var min Version
		if tt.min != "" {
			min = MustParse(tt.min)
		}
		r := RangeFor(tt.kind, min)
		got, ok := r.Select(cands)
		if gotS := got.String(); ok != (tt.want != "") || ok && gotS != tt.want {
			t.Errorf("%v.Select(%q) = %s, %v; want %q", r, tt.candidates, gotS, ok, tt.want)
		}
		// Select must agree with Latest over the contained versions.
		lgot, lok := Latest(r.Filter(cands))
		if lok != ok || lgot != got {
			t.Errorf("Latest(%v.Filter(%q)) = %s, %v; but Select gave %s, %v", r, tt.candidates, lgot, lok, got, ok)
		}
		if tt.kind == RangeLatest {
			lgot, lok := Latest(cands)
			if lok != ok || lgot != got {
				t.Errorf("Latest(%q) = %s, %v; want %s, %v", tt.candidates, lgot, lok, got, ok)
			}
		}
	}
}

func TestLatestKeepsFirstOfEqualPrecedence(t *testing.T) {
	vs := parseAll(t, []string{"1.0.0+a", "1.0.0+b", "0.9.0"})
	if got, _ := Latest(vs); got.Build() != "a" {
		t.Errorf("Latest(%v) = %v, want the first of equal precedence, 1.0.0+a", vs, got)
	}
}

func TestIsNewer(t *testing.T) {
	tests := []struct {
		a, b string
		want bool
	}{
		{"1.0.1", "1.0.0", true},
		{"1.0.0", "1.0.1", false},
		{"1.0.0", "1.0.0", false},
		{"1.0.0+b", "1.0.0+a", false},
		{"1.0.0", "2.0.0-alpha", true},
		{"2.0.0-alpha", "1.0.0", false},
		{"0.1.0", "1.0.0-alpha", true},
		{"1.0.0-beta", "1.0.0-alpha", true},
		{"1.0.0-alpha", "1.0.0-beta", false},
		{"2.0.0", "1.9.9", true},
	}
	for _, tt := range tests {
		if got := IsNewer(MustParse(tt.a), MustParse(tt.b)); got != tt.want {
			t.Errorf("IsNewer(%s, %s) = %v, want %v", tt.a, tt.b, got, tt.want)
		}
	}
}

func TestSort(t *testing.T) {
	want := append(slices.Clone(ascending[:7]),
		"1.0.0-alpha", "1.0.0-alpha+001", "1.0.0-alpha+1.a", "1.0.0-alpha+2", "1.0.0-alpha+a", "1.0.0")
	// Deterministic shuffle: reverse, then interleave halves.
	shuffled := slices.Clone(want)
	slices.Reverse(shuffled)
	mixed := make([]string, 0, len(shuffled))
	for i, j := 0, len(shuffled)/2; i < len(shuffled)/2 || j < len(shuffled); i, j = i+1, j+1 {
		if j < len(shuffled) {
			mixed = append(mixed, shuffled[j])
		}
		if i < len(shuffled)/2 {
			mixed = append(mixed, shuffled[i])
		}
	}
	vs := parseAll(t, mixed)
	Sort(vs)
	var got []string
	for _, v := range vs {
		got = append(got, v.String())
	}
	if !slices.Equal(got, want) {
		t.Errorf("Sort(%q) =\n\t%q\nwant\n\t%q", mixed, got, want)
	}
}

func TestIsValidMatchesParse(t *testing.T) {
	for _, s := range append(slices.Clone(ascending), "", "1.2", "v1.0.0", "1.0.0-", "1.0.0+", "1.0.0-a+b") {
		_, err := Parse(s)
		if got := IsValid(s); got != (err == nil) {
			t.Errorf("IsValid(%q) = %v, but Parse error is %v", s, got, err)
		}
	}
}

func BenchmarkParse(b *testing.B) {
	const s = "1.2.3-beta.11+build.2024"
	for b.Loop() {
		if _, err := Parse(s); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkCompareTo(b *testing.B) {
	v, w := MustParse("1.3.0-beta.2"), MustParse("1.3.0-beta.11")
	for b.Loop() {
		if v.CompareTo(w) != Less {
			b.Fatal("unexpected relation")
		}
	}
}

func BenchmarkLatest(b *testing.B) {
	var vs []Version
	for _, s := range strings.Fields("1.0.0 1.1.0 1.2.0-beta.1 1.2.0 1.3.0-alpha 2.0.0-rc.1 0.9.0 1.2.1") {
		vs = append(vs, MustParse(s))
	}
	for b.Loop() {
		if _, ok := Latest(vs); !ok {
			b.Fatal("no latest")
		}
	}
}

func TestWithoutBuild(t *testing.T) {
	for _, tt := range []struct{ in, want string }{
		{"1.0.0+b", "1.0.0"},
		{"1.0.0-rc.1+b.2", "1.0.0-rc.1"},
		{"1.0.0", "1.0.0"},
	} {
		if got := MustParse(tt.in).WithoutBuild(); got != MustParse(tt.want) {
			t.Errorf("Parse(%q).WithoutBuild() = %v, want %v", tt.in, got, tt.want)
		}
	}
}
