package version

import (
	"bufio"
	"encoding/json"
	"errors"
	"os"
	"regexp"
	"strconv"
	"strings"
	"testing"

	"github.com/balcentral/balcentral/internal/handout"
)

func conformanceFile(tb testing.TB, name string) string {
	tb.Helper()
	return handout.Path(tb, "conformance", "versions", name)
}

// A dataLine is one non-comment, non-blank line of a conformance file.
type dataLine struct {
	pos  string // file:line, for messages
	text string // the line without its line terminator, otherwise untouched
}

// readDataLines returns the data lines of a conformance file: lines that are
// neither blank nor start with "#". It also returns the number of data lines
// counted independently from the raw bytes, so a reader bug that drops lines
// cannot go unnoticed.
func readDataLines(t *testing.T, name string) (lines []dataLine, rawCount int) {
	t.Helper()
	path := conformanceFile(t, name)
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("reading %s: %v", path, err)
	}
	for _, raw := range strings.SplitAfter(string(data), "\n") {
		raw = strings.TrimSuffix(raw, "\n")
		if raw != "" && raw[0] != '#' {
			rawCount++
		}
	}
	sc := bufio.NewScanner(strings.NewReader(string(data)))
	n := 0
	for sc.Scan() {
		n++
		text := sc.Text()
		if text == "" || strings.HasPrefix(text, "#") {
			continue
		}
		lines = append(lines, dataLine{pos: name + ":" + strconv.Itoa(n), text: text})
	}
	if err := sc.Err(); err != nil {
		t.Fatalf("reading %s: %v", path, err)
	}
	return lines, rawCount
}

// readmeRowCounts returns the row counts declared in the table of the
// conformance README, keyed by file name.
func readmeRowCounts(t *testing.T) map[string]int {
	t.Helper()
	data, err := os.ReadFile(conformanceFile(t, "README.md"))
	if err != nil {
		t.Fatal(err)
	}
	re := regexp.MustCompile("(?m)^\\| `([^`]+)` \\|.*\\| (\\d+) \\|$")
	counts := make(map[string]int)
	for _, m := range re.FindAllStringSubmatch(string(data), -1) {
		n, err := strconv.Atoi(m[2])
		if err != nil {
			t.Fatal(err)
		}
		counts[m[1]] = n
	}
	return counts
}

// checkRowCount fails unless the rows checked are > 0, equal the data lines
// counted from the raw file and equal the count the README declares.
func checkRowCount(t *testing.T, name string, checked, raw int) {
	t.Helper()
	want, ok := readmeRowCounts(t)[name]
	if !ok {
		t.Errorf("%s: no row count declared in README.md", name)
	}
	if checked == 0 || checked != raw || (ok && checked != want) {
		t.Errorf("%s: checked %d rows; file has %d data lines; README declares %d", name, checked, raw, want)
	}
	t.Logf("%s: %d rows", name, checked)
}

// schemaVersionRegexp returns the [package] version pattern of the
// Ballerina.toml schema. Go's RE2 agrees with java.util.regex on it: \d is
// ASCII-only in both, and "$" without (?m) matches only at the end of the
// text, as Java's Matcher.matches requires.
func schemaVersionRegexp(tb testing.TB) *regexp.Regexp {
	tb.Helper()
	path := handout.Path(tb, "schemas", "ballerina-toml-schema.json")
	data, err := os.ReadFile(path)
	if err != nil {
		tb.Fatal(err)
	}
	var schema struct {
		Properties struct {
			Package struct {
				Properties struct {
					Version struct {
						Pattern string `json:"pattern"`
					} `json:"version"`
				} `json:"properties"`
			} `json:"package"`
		} `json:"properties"`
	}
	if err := json.Unmarshal(data, &schema); err != nil {
		tb.Fatalf("%s: %v", path, err)
	}
	pat := schema.Properties.Package.Properties.Version.Pattern
	if pat == "" {
		tb.Fatalf("%s: no pattern for [package] version", path)
	}
	return regexp.MustCompile(pat)
}

// relationOf evaluates one compare-cases row and returns the result as the
// file spells it.
func relationOf(t *testing.T, line dataLine) (method, v1, v2, want, got string) {
	t.Helper()
	f := strings.Split(line.text, "\t")
	if len(f) != 4 {
		t.Fatalf("%s: want 4 tab-separated fields, got %d: %q", line.pos, len(f), line.text)
	}
	method, v1, v2, want = f[0], f[1], f[2], f[3]
	a, err := Parse(v1)
	if err != nil {
		t.Fatalf("%s: Parse(%q): %v", line.pos, v1, err)
	}
	b, err := Parse(v2)
	if err != nil {
		t.Fatalf("%s: Parse(%q): %v", line.pos, v2, err)
	}
	switch method {
	case "compareTo":
		got = a.CompareTo(b).String()
	case "greaterThan":
		got = strconv.FormatBool(a.GreaterThan(b))
	case "greaterThanOrEqualTo":
		got = strconv.FormatBool(a.GreaterThanOrEqual(b))
	case "lessThan":
		got = strconv.FormatBool(a.LessThan(b))
	case "lessThanOrEqualTo":
		got = strconv.FormatBool(a.LessThanOrEqual(b))
	default:
		t.Fatalf("%s: unknown method %q", line.pos, method)
	}
	return method, v1, v2, want, got
}

func TestConformanceCompareCases(t *testing.T) {
	lines, raw := readDataLines(t, "compare-cases.tsv")
	mirror := map[Relation]Relation{Equal: Equal, Incompatible: Incompatible, Less: Greater, Greater: Less}
	checked := 0
	for _, line := range lines {
		method, v1, v2, want, got := relationOf(t, line)
		if got != want {
			t.Errorf("%s: Parse(%q).%s(Parse(%q)) = %s, want %s", line.pos, v1, method, v2, got, want)
		}
		if method == "compareTo" {
			// The relation must be antisymmetric too.
			a, b := MustParse(v1), MustParse(v2)
			if r, back := a.CompareTo(b), b.CompareTo(a); back != mirror[r] {
				t.Errorf("%s: Parse(%q).CompareTo(Parse(%q)) = %v, but the reverse gives %v", line.pos, v1, v2, r, back)
			}
		}
		checked++
	}
	checkRowCount(t, "compare-cases.tsv", checked, raw)
}

// The 2021 revision treated every unequal pair involving a non-stable
// version as INCOMPATIBLE. Current rules must disagree with each of its rows.
func TestConformanceLegacy2021Disagrees(t *testing.T) {
	lines, raw := readDataLines(t, "compare-cases.LEGACY-2021.tsv")
	checked := 0
	for _, line := range lines {
		method, v1, v2, legacy, got := relationOf(t, line)
		if got == legacy {
			t.Errorf("%s: Parse(%q).%s(Parse(%q)) = %s, the 2021 result; current rules must differ", line.pos, v1, method, v2, got)
		}
		t.Logf("%s: %s(%s, %s): 2021 said %s, current rules say %s", line.pos, method, v1, v2, legacy, got)
		checked++
	}
	checkRowCount(t, "compare-cases.LEGACY-2021.tsv", checked, raw)
}

func TestConformanceParseCases(t *testing.T) {
	lines, raw := readDataLines(t, "parse-cases.tsv")
	checked := 0
	for _, line := range lines {
		f := strings.Split(line.text, "\t")
		if len(f) != 6 {
			t.Fatalf("%s: want 6 tab-separated fields, got %d: %q", line.pos, len(f), line.text)
		}
		v, err := Parse(f[0])
		if err != nil {
			t.Errorf("%s: Parse(%q): %v", line.pos, f[0], err)
			continue
		}
		got := []string{v.String(), v.Major(), v.Minor(), v.Patch(), v.PreRelease(), v.Build()}
		names := []string{"String", "Major", "Minor", "Patch", "PreRelease", "Build"}
		for i, want := range f {
			if got[i] != want {
				t.Errorf("%s: Parse(%q).%s() = %q, want %q", line.pos, f[0], names[i], got[i], want)
			}
		}
		if want := f[4] != ""; v.IsPreRelease() != want {
			t.Errorf("%s: Parse(%q).IsPreRelease() = %v, want %v", line.pos, f[0], v.IsPreRelease(), want)
		}
		checked++
	}
	checkRowCount(t, "parse-cases.tsv", checked, raw)
}

func TestConformanceSemverValid(t *testing.T) {
	re := schemaVersionRegexp(t)
	lines, raw := readDataLines(t, "semver-valid.txt")
	checked := 0
	for _, line := range lines {
		s := line.text
		v, err := Parse(s)
		if err != nil {
			t.Errorf("%s: Parse(%q): %v, want success", line.pos, s, err)
		} else if v.String() != s {
			t.Errorf("%s: Parse(%q).String() = %q, want the input", line.pos, s, v.String())
		}
		if !IsValid(s) {
			t.Errorf("%s: IsValid(%q) = false, want true", line.pos, s)
		}
		if !re.MatchString(s) {
			t.Errorf("%s: schema pattern rejects %q, but the file lists it as valid", line.pos, s)
		}
		checked++
	}
	checkRowCount(t, "semver-valid.txt", checked, raw)
}

func TestConformanceSemverInvalid(t *testing.T) {
	re := schemaVersionRegexp(t)
	lines, raw := readDataLines(t, "semver-invalid.txt")
	checked := 0
	for _, line := range lines {
		s := line.text
		v, err := Parse(s)
		var ive *InvalidVersionError
		switch {
		case err == nil:
			t.Errorf("%s: Parse(%q) = %v, nil; want an error", line.pos, s, v)
		case !errors.As(err, &ive):
			t.Errorf("%s: Parse(%q) error %T is not *InvalidVersionError", line.pos, s, err)
		case ive.Version != s || ive.Err == nil:
			t.Errorf("%s: Parse(%q) error = %#v, want Version %q and a reason", line.pos, s, ive, s)
		case !strings.HasPrefix(err.Error(), "Invalid version: '"+s+"'. "):
			t.Errorf("%s: Parse(%q) error text = %q, want the reference prefix", line.pos, s, err)
		}
		if IsValid(s) {
			t.Errorf("%s: IsValid(%q) = true, want false", line.pos, s)
		}
		if re.MatchString(s) {
			t.Errorf("%s: schema pattern accepts %q, but the file lists it as invalid", line.pos, s)
		}
		checked++
	}
	checkRowCount(t, "semver-invalid.txt", checked, raw)
}
