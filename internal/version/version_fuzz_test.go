package version

import (
	"errors"
	"strings"
	"testing"
)

// FuzzParse checks, for any input, that Parse never panics, that it agrees
// with IsValid and with the Ballerina.toml schema pattern, that a parsed
// version round-trips through String, and that failures are well-formed
// *InvalidVersionError values. Seeds: the f.Add calls below plus
// testdata/fuzz/FuzzParse.
func FuzzParse(f *testing.F) {
	re := schemaVersionRegexp(f)
	for _, s := range []string{
		"", "0.0.0", "1.0.0", "1.2", "v1.0.0", "01.1.1", "1.0.0-alpha.1", "1.0.0-0A.is.legal",
		"1.0.0+001", "1.2.3----RC-SNAPSHOT.12.9.1--.12+788", "1.0.0-alpha..1", "9.8.7+meta+meta",
		"99999999999999999999999.999999999999999999.99999999999999999", "1.0.0\n", "1.0.0-é", "1.0.0-a._1",
		"1.0.0-01_a", "1.0.0+a.", "1.0.0-\xff",
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		v, err := Parse(s)
		valid := IsValid(s)
		if (err == nil) != valid {
			t.Fatalf("Parse(%q) error = %v, but IsValid = %v", s, err, valid)
		}
		// The regexp oracle costs ~100ns a byte; on long inputs it would make
		// the fuzzer spend its time minimizing rather than exploring.
		if len(s) <= 512 {
			if m := re.MatchString(s); m != valid {
				t.Fatalf("IsValid(%q) = %v, but the schema pattern says %v", s, valid, m)
			}
		}
		if err != nil {
			var ive *InvalidVersionError
			if !errors.As(err, &ive) || ive.Version != s || ive.Err == nil {
				t.Fatalf("Parse(%q) error = %#v, want *InvalidVersionError{Version: input, Err: reason}", s, err)
			}
			msg := err.Error()
			if s == "" {
				if msg != "Version cannot be empty" || !errors.Is(err, ErrEmpty) {
					t.Fatalf("Parse(%q) error = %q", s, msg)
				}
				return
			}
			if !strings.HasPrefix(msg, "Invalid version: '"+s+"'. ") {
				t.Fatalf("Parse(%q) error text = %q, want the reference prefix", s, msg)
			}
			var uce *UnexpectedCharError
			if errors.As(err, &uce) {
				if uce.Offset < 0 || uce.Offset > len(s) || uce.AtEnd != (uce.Offset == len(s)) || len(uce.Expected) == 0 {
					t.Fatalf("Parse(%q) reason = %+v: inconsistent position", s, *uce)
				}
			} else if !errors.Is(err, ErrLeadingZeros) {
				t.Fatalf("Parse(%q) reason = %#v, want an *UnexpectedCharError or ErrLeadingZeros", s, ive.Err)
			}
			return
		}
		if got := v.String(); got != s {
			t.Fatalf("Parse(%q).String() = %q, want the input (valid versions are canonical)", s, got)
		}
		w, err := Parse(v.String())
		if err != nil {
			t.Fatalf("Parse(Parse(%q).String()): %v", s, err)
		}
		if w != v || w.CompareTo(v) != Equal || w.Compare(v) != 0 || w.Build() != v.Build() {
			t.Fatalf("Parse(Parse(%q).String()) = %#v, want %#v", s, w, v)
		}
		// Components reassemble to the input.
		rebuilt := v.Major() + "." + v.Minor() + "." + v.Patch()
		if v.PreRelease() != "" {
			rebuilt += "-" + v.PreRelease()
		}
		if v.Build() != "" {
			rebuilt += "+" + v.Build()
		}
		if rebuilt != s {
			t.Fatalf("Parse(%q) components reassemble to %q", s, rebuilt)
		}
		// Precedence against a few fixed points is antisymmetric and
		// consistent with CompareTo.
		for _, o := range []string{"0.0.0", "0.1.0-rc.1", "1.0.0", "1.0.0-alpha.1", "2.3.4+b"} {
			u := MustParse(o)
			c, back := v.Compare(u), u.Compare(v)
			if c != -back {
				t.Fatalf("Parse(%q).Compare(%s) = %d but reverse = %d", s, o, c, back)
			}
			r := v.CompareTo(u)
			if (r == Less && c >= 0) || (r == Greater && c <= 0) || (r == Equal) != (c == 0) {
				t.Fatalf("Parse(%q).CompareTo(%s) = %v, inconsistent with Compare = %d", s, o, r, c)
			}
		}
	})
}
