package manifest

import (
	"bytes"
	"fmt"
	"math/rand"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/balcentral/balcentral/internal/version"
)

// depsLineDiff returns a readable line diff of want and got ("-" lines only
// in want, "+" lines only in got), or "" when they are equal.
func depsLineDiff(want, got []byte) string {
	if bytes.Equal(want, got) {
		return ""
	}
	a := strings.SplitAfter(string(want), "\n")
	b := strings.SplitAfter(string(got), "\n")
	// Longest common subsequence table; the files are small.
	lcs := make([][]int, len(a)+1)
	for i := range lcs {
		lcs[i] = make([]int, len(b)+1)
	}
	for i := len(a) - 1; i >= 0; i-- {
		for j := len(b) - 1; j >= 0; j-- {
			if a[i] == b[j] {
				lcs[i][j] = lcs[i+1][j+1] + 1
			} else {
				lcs[i][j] = max(lcs[i+1][j], lcs[i][j+1])
			}
		}
	}
	var out strings.Builder
	show := func(prefix string, at int, s string) {
		fmt.Fprintf(&out, "%s%4d | %q\n", prefix, at, s)
	}
	i, j := 0, 0
	for i < len(a) || j < len(b) {
		switch {
		case i < len(a) && j < len(b) && a[i] == b[j]:
			i++
			j++
		case i < len(a) && (j == len(b) || lcs[i+1][j] >= lcs[i][j+1]):
			show("-", i+1, a[i])
			i++
		default:
			show("+", j+1, b[j])
			j++
		}
	}
	return "line diff (-want +got, with line numbers):\n" + out.String()
}

func TestFormatDependenciesTomlRealFile(t *testing.T) {
	data := depsConformanceFile(t, depsRealFile)
	d, diags := ParseDependenciesToml(depsRealFile, data)
	if len(diags) != 0 {
		t.Fatal(diags)
	}
	if diff := depsLineDiff(data, FormatDependenciesToml(d)); diff != "" {
		t.Fatalf("FormatDependenciesToml differs from %s\n%s", depsRealFile, diff)
	}

	// The writer sorts, so the input order does not matter.
	rng := rand.New(rand.NewSource(1))
	for round := 0; round < 20; round++ {
		s := depsCopy(d)
		depsShuffle(rng, &s)
		if diff := depsLineDiff(data, FormatDependenciesToml(&s)); diff != "" {
			t.Fatalf("round %d: shuffled model formats differently\n%s", round, diff)
		}
	}
}

// depsShuffle puts the packages, tools, dependencies and modules of d in a
// random order.
func depsShuffle(rng *rand.Rand, d *DependenciesToml) {
	rng.Shuffle(len(d.Packages), func(i, j int) { d.Packages[i], d.Packages[j] = d.Packages[j], d.Packages[i] })
	rng.Shuffle(len(d.Tools), func(i, j int) { d.Tools[i], d.Tools[j] = d.Tools[j], d.Tools[i] })
	for k := range d.Packages {
		p := &d.Packages[k]
		rng.Shuffle(len(p.Dependencies), func(i, j int) {
			p.Dependencies[i], p.Dependencies[j] = p.Dependencies[j], p.Dependencies[i]
		})
		rng.Shuffle(len(p.Modules), func(i, j int) { p.Modules[i], p.Modules[j] = p.Modules[j], p.Modules[i] })
	}
}

// TestFormatDependenciesTomlOlderFile rewrites the older test resource in
// the current format: no transitive flags, no module versions, packages in
// order, a distribution-version.
func TestFormatDependenciesTomlOlderFile(t *testing.T) {
	d, diags := ParseDependenciesToml(depsOlderFile, depsConformanceFile(t, depsOlderFile))
	if len(diags) != 0 {
		t.Fatal(diags)
	}
	d.DistributionVersion = "2201.10.0"
	got := FormatDependenciesToml(d)
	golden := filepath.Join("testdata", "dependencies", "dependencies-valid-68c0af39.v2.toml")
	want, err := os.ReadFile(golden)
	if err != nil {
		t.Fatal(err)
	}
	if diff := depsLineDiff(want, got); diff != "" {
		t.Fatalf("FormatDependenciesToml differs from %s\n%s", golden, diff)
	}
	for _, gone := range []string{"transitive", "version = \"2.3.4\", moduleName"} {
		if bytes.Contains(got, []byte(gone)) {
			t.Errorf("output contains %q", gone)
		}
	}
}

func TestFormatDependenciesTomlSmall(t *testing.T) {
	yes := true
	d := &DependenciesToml{
		TomlVersion: "1", // always written as "2"
		Packages: []LockedPackage{
			{Org: "b", Name: "x", Version: "1.0.0", Transitive: &yes},
			{Org: "a", Name: "y", Version: "0.1.0", Scope: ScopeTestOnly,
				Dependencies: []PackageRef{{"b", "x"}, {"a", "z"}},
				Modules:      []LockedModule{{"a", "y", "y.b"}, {"a", "y", "y"}, {"a", "y", "y.a"}}},
		},
		Tools: []LockedTool{{ID: "zz", Org: "a", Name: "t2", Version: "1.0.0"}, {ID: "openapi", Org: "ballerina", Name: "openapi", Version: "2.1.0"}},
	}
	want := depsHeader + "[ballerina]\n" +
		"dependencies-toml-version = \"2\"\n" +
		"distribution-version = \"" + version.DistributionShort + "\"\n" +
		"\n[[package]]\norg = \"a\"\nname = \"y\"\nversion = \"0.1.0\"\nscope = \"testOnly\"\n" +
		"dependencies = [\n\t{org = \"a\", name = \"z\"},\n\t{org = \"b\", name = \"x\"}\n]\n" +
		"modules = [\n\t{org = \"a\", packageName = \"y\", moduleName = \"y\"},\n" +
		"\t{org = \"a\", packageName = \"y\", moduleName = \"y.a\"},\n" +
		"\t{org = \"a\", packageName = \"y\", moduleName = \"y.b\"}\n]\n" +
		"\n[[package]]\norg = \"b\"\nname = \"x\"\nversion = \"1.0.0\"\n" +
		"\n[[tool]]\nid = \"openapi\"\norg = \"ballerina\"\nname = \"openapi\"\nversion = \"2.1.0\"\n" +
		"\n[[tool]]\nid = \"zz\"\norg = \"a\"\nname = \"t2\"\nversion = \"1.0.0\"\n" +
		"\n"
	before := depsCopy(d)
	if diff := depsLineDiff([]byte(want), FormatDependenciesToml(d)); diff != "" {
		t.Error(diff)
	}
	if !d.Equal(&before) || d.Packages[0].Org != "b" || d.Packages[1].Modules[0].ModuleName != "y.b" {
		t.Error("FormatDependenciesToml modified its argument")
	}

	empty := depsHeader + "[ballerina]\ndependencies-toml-version = \"2\"\ndistribution-version = \"" +
		version.DistributionShort + "\"\n\n"
	if got := string(FormatDependenciesToml(nil)); got != empty {
		t.Errorf("FormatDependenciesToml(nil) = %q, want %q", got, empty)
	}
}

func TestFormatDependenciesTomlQuoting(t *testing.T) {
	// The model may hold strings that a file read back would reject; they
	// must still make valid TOML that reads back unchanged.
	d := &DependenciesToml{DistributionVersion: "2201.1.0",
		Packages: []LockedPackage{{Org: "a\"b", Name: "c\\d\n\t\x01\x7fé", Version: "1.0.0",
			Dependencies: []PackageRef{{"\u2028", "x"}}}}}
	out := FormatDependenciesToml(d)
	if !bytes.Contains(out, []byte(`org = "a\"b"`)) || !bytes.Contains(out, []byte(`name = "c\\d\n\t\u0001\u007Fé"`)) {
		t.Errorf("unexpected quoting:\n%s", out)
	}
	root, err := parseTree(out)
	if err != nil {
		t.Fatal(err)
	}
	p := root.Get("package").Value.Items[0].Table
	if got := p.Get("name").Value.Str; got != d.Packages[0].Name {
		t.Errorf("name reads back as %q", got)
	}
	if got := p.Get("org").Value.Str; got != d.Packages[0].Org {
		t.Errorf("org reads back as %q", got)
	}
	if bad := string(depsAppendQuoted(nil, "a\xffb")); bad != `"a\uFFFDb"` {
		t.Errorf("invalid UTF-8 quoted as %s", bad)
	}
}

func TestWriteDependenciesToml(t *testing.T) {
	d, diags := ParseDependenciesToml(depsRealFile, depsConformanceFile(t, depsRealFile))
	if len(diags) != 0 {
		t.Fatal(diags)
	}
	path := filepath.Join(t.TempDir(), "Dependencies.toml")
	if err := os.WriteFile(path, []byte("old"), 0o644); err != nil {
		t.Fatal(err)
	}
	if err := WriteDependenciesToml(path, d); err != nil {
		t.Fatal(err)
	}
	got, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(got, depsConformanceFile(t, depsRealFile)) {
		t.Error("written file differs from the original")
	}
	if err := WriteDependenciesToml(filepath.Join(t.TempDir(), "missing", "Dependencies.toml"), d); err == nil {
		t.Error("writing into a missing directory succeeded")
	}
}

// depsRandomModel returns a valid model: every value passes the reader's
// checks, so that it survives a round trip.
func depsRandomModel(rng *rand.Rand) *DependenciesToml {
	const lower = "abcdefghijklmnopqrstuvwxyz"
	const ident = lower + "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_"
	word := func(alphabet string, min, max int) string {
		n := min + rng.Intn(max-min+1)
		b := make([]byte, n)
		for i := range b {
			b[i] = alphabet[rng.Intn(len(alphabet))]
		}
		return string(b)
	}
	// Few distinct orgs and names, so that sorting has ties to break.
	orgs := []string{"ballerina", "ballerinax", word(ident, 0, 8), word(ident, 1, 256)}
	name := func() string {
		switch rng.Intn(4) {
		case 0:
			return "lang." + word(lower, 1, 6)
		case 1:
			return word(ident+".", 0, 12)
		default:
			return []string{"io", "http", "lang.__internal", "jballerina.java", "test"}[rng.Intn(5)]
		}
	}
	num := func() string {
		if rng.Intn(3) == 0 {
			return "0"
		}
		return fmt.Sprint(1 + rng.Intn(2300))
	}
	ver := func() string {
		v := num() + "." + num() + "." + num()
		if rng.Intn(4) == 0 {
			v += "-" + []string{"alpha", "beta.1", "20240403-114600-ceb51559", "0A", "rc.2.x-y"}[rng.Intn(5)]
		}
		if rng.Intn(8) == 0 {
			v += "+" + []string{"001", "build.7", "sha-9f"}[rng.Intn(3)]
		}
		if !version.IsValid(v) {
			panic("generated an invalid version " + v)
		}
		return v
	}
	d := &DependenciesToml{TomlVersion: DependenciesTomlVersion, DistributionVersion: ver()}
	for n := rng.Intn(12); n > 0; n-- {
		p := LockedPackage{Org: orgs[rng.Intn(len(orgs))], Name: name(), Version: ver()}
		if rng.Intn(3) == 0 {
			p.Scope = ScopeTestOnly
		}
		for k := rng.Intn(5); k > 0; k-- {
			p.Dependencies = append(p.Dependencies, PackageRef{orgs[rng.Intn(len(orgs))], name()})
		}
		for k := rng.Intn(4); k > 0; k-- {
			p.Modules = append(p.Modules, LockedModule{p.Org, p.Name, p.Name + word(".abc", 0, 4)})
		}
		d.Packages = append(d.Packages, p)
	}
	for n := rng.Intn(3); n > 0; n-- {
		toolName := func() string { return word(lower, 1, 1) + word(lower+"0123456789", 0, 10) }
		d.Tools = append(d.Tools, LockedTool{ID: toolName(), Org: toolName(), Name: toolName(), Version: ver()})
	}
	return d
}

// TestDependenciesTomlRoundTrip: for valid models, reading the formatted
// text gives the model back in writer order, and formatting is a fixed
// point.
func TestDependenciesTomlRoundTrip(t *testing.T) {
	rng := rand.New(rand.NewSource(20240403))
	n := 2000
	if testing.Short() {
		n = 200
	}
	for i := 0; i < n; i++ {
		m := depsRandomModel(rng)
		text := FormatDependenciesToml(m)
		got, diags := ParseDependenciesToml("Dependencies.toml", text)
		if len(diags) != 0 {
			t.Fatalf("model %d: reading the output: %v\n%s", i, diags, text)
		}
		want := depsCopy(m)
		want.Sort()
		if !got.Equal(&want) {
			t.Fatalf("model %d: round trip changed the model\n got %+v\nwant %+v\n%s", i, got, &want, text)
		}
		if again := FormatDependenciesToml(got); !bytes.Equal(again, text) {
			t.Fatalf("model %d: formatting is not a fixed point\n%s", i, depsLineDiff(text, again))
		}
		s := depsCopy(m)
		depsShuffle(rng, &s)
		if other := FormatDependenciesToml(&s); !bytes.Equal(other, text) {
			t.Fatalf("model %d: order changes the output\n%s", i, depsLineDiff(text, other))
		}
	}
}
