package manifest

import (
	"errors"
	"strings"
	"testing"
)

var nameTests = []struct {
	name        string
	orgProblem  NameProblem // of CheckOrg(name); 0 when valid
	pkgProblem  NameProblem // of CheckPackageName(name); 0 when valid
	langProblem NameProblem // of CheckPackage("ballerina", name); 0 when valid
}{
	{"winery", 0, 0, 0},
	{"foo_bar", 0, 0, 0},
	{"Foo9", 0, 0, 0},
	{"a.b.c", NameInvalidChars, 0, 0},
	{"", NameEmpty, NameEmpty, NameEmpty},
	{strings.Repeat("a", 256), 0, 0, 0},
	{strings.Repeat("a", 257), NameTooLong, NameTooLong, NameTooLong},
	// Lengths count UTF-16 code units, like Java: 100 emoji are 200 units.
	{strings.Repeat("\U0001F600", 100), NameInvalidChars, NameInvalidChars, NameInvalidChars},
	{strings.Repeat("\U0001F600", 129), NameTooLong, NameTooLong, NameTooLong},
	{"win-ery", NameInvalidChars, NameInvalidChars, NameInvalidChars},
	{"...", NameInvalidChars, NameOnlyPeriods, NameOnlyPeriods},
	{"1winery", NameInitialDigit, NameInitialDigit, NameInitialDigit},
	{"_winery", NameInitialUnderscore, NameInitialUnderscore, NameInitialUnderscore},
	{"winery_", NameTrailingUnderscore, NameTrailingUnderscore, NameTrailingUnderscore},
	{"win__ery", NameConsecutiveUnderscore, NameConsecutiveUnderscore, NameConsecutiveUnderscore},
	{"1_x_", NameInitialDigit, NameInitialDigit, NameInitialDigit},
	// Langlib exemptions: the schema allows "__" after "lang"; the builder
	// exempts ballerina/lang.* and ballerina/jballerina.java from all
	// underscore rules.
	{"lang__x", NameConsecutiveUnderscore, 0, 0},
	{"lang.__internal", NameInvalidChars, 0, 0},
	{"lang.x_", NameInvalidChars, NameTrailingUnderscore, 0},
	{"langx_", NameTrailingUnderscore, NameTrailingUnderscore, NameTrailingUnderscore},
	{"jballerina.java", NameInvalidChars, 0, 0},
}

func TestCheckNames(t *testing.T) {
	problem := func(err error) NameProblem {
		if err == nil {
			return 0
		}
		var ne *NameError
		if !errors.As(err, &ne) {
			t.Fatalf("error %v is not a *NameError", err)
		}
		return ne.Problem
	}
	for _, tt := range nameTests {
		short := tt.name
		if len(short) > 20 {
			short = short[:20] + "..."
		}
		if got := problem(CheckOrg(tt.name)); got != tt.orgProblem {
			t.Errorf("CheckOrg(%q) problem = %v, want %v", short, got, tt.orgProblem)
		}
		if got := problem(CheckPackageName(tt.name)); got != tt.pkgProblem {
			t.Errorf("CheckPackageName(%q) problem = %v, want %v", short, got, tt.pkgProblem)
		}
		if got := problem(CheckPackage("ballerina", tt.name)); got != tt.langProblem {
			t.Errorf("CheckPackage(ballerina, %q) problem = %v, want %v", short, got, tt.langProblem)
		}
	}
}

func TestCheckPackageChecksOrg(t *testing.T) {
	err := CheckPackage("_org", "lang.__x")
	var ne *NameError
	if !errors.As(err, &ne) || ne.Kind != OrgName || ne.Problem != NameInitialUnderscore {
		t.Fatalf("CheckPackage(_org, lang.__x) = %v", err)
	}
	if err := CheckPackage("foo", "lang.__x"); err != nil {
		t.Errorf("CheckPackage(foo, lang.__x) = %v; the schema's lang prefix exemption applies", err)
	}
	if err := CheckPackage("foo", "lang.x_"); err == nil {
		t.Errorf("CheckPackage(foo, lang.x_) = nil; only ballerina langlibs are fully exempt")
	}
}

func TestNameErrorMessages(t *testing.T) {
	tests := []struct {
		err                    *NameError
		errText, manifest, cmd string
	}{
		{&NameError{PackageName, "1x", NameInitialDigit},
			"invalid package name '1x': initial digit",
			"invalid 'name' under [package]: 'name' cannot have initial numeric characters",
			"Package name cannot have initial numeric characters."},
		{&NameError{PackageName, "a-b", NameInvalidChars},
			"invalid package name 'a-b': invalid characters",
			"invalid 'name' under [package]: 'name' can only contain alphanumerics, underscores and periods",
			"Package name can only contain alphanumerics and underscores."},
		{&NameError{PackageName, "..", NameOnlyPeriods},
			"invalid package name '..': only periods",
			"invalid 'name' under [package]: 'name' can only contain alphanumerics, underscores and periods",
			"Package name can only contain alphanumerics and underscores."},
		{&NameError{PackageName, "_a", NameInitialUnderscore},
			"invalid package name '_a': initial underscore",
			"invalid 'name' under [package]: 'name' cannot have initial underscore characters",
			"Package name cannot have initial underscore characters."},
		{&NameError{PackageName, "a_", NameTrailingUnderscore},
			"invalid package name 'a_': trailing underscore",
			"invalid 'name' under [package]: 'name' cannot have trailing underscore characters",
			"Package name cannot have trailing underscore characters."},
		{&NameError{PackageName, "a__b", NameConsecutiveUnderscore},
			"invalid package name 'a__b': consecutive underscores",
			"invalid 'name' under [package]: 'name' cannot have consecutive underscore characters",
			"Package name cannot have consecutive underscore characters."},
		{&NameError{PackageName, "x", NameTooLong},
			"invalid package name 'x': longer than 256 characters",
			"invalid 'name' under [package]: maximum length of 'name' is 256 characters",
			"Maximum length of package name is 256 characters."},
		{&NameError{OrgName, "", NameEmpty},
			"invalid organization name '': empty",
			"invalid 'org' under [package]: 'org' cannot be empty",
			"Organization name cannot be empty."},
		{&NameError{OrgName, "a.b", NameInvalidChars},
			"invalid organization name 'a.b': invalid characters",
			"invalid 'org' under [package]: 'org' can only contain alphanumerics and underscores",
			"Organization name can only contain alphanumerics and underscores."},
	}
	for _, tt := range tests {
		if got := tt.err.Error(); got != tt.errText {
			t.Errorf("Error() = %q, want %q", got, tt.errText)
		}
		if got := tt.err.ManifestMessage("[package]"); got != tt.manifest {
			t.Errorf("ManifestMessage() = %q, want %q", got, tt.manifest)
		}
		if got := tt.err.NewCommandMessage(); got != tt.cmd {
			t.Errorf("NewCommandMessage() = %q, want %q", got, tt.cmd)
		}
	}
	dep := &NameError{OrgName, "a-b", NameInvalidChars}
	if got, want := dep.ManifestMessage("[[dependency]]"), "invalid 'org' under [[dependency]]: 'org' can only contain alphanumerics and underscores"; got != want {
		t.Errorf("ManifestMessage([[dependency]]) = %q, want %q", got, want)
	}
}

// TestNameRulesAgreeWithManifest checks that CheckPackage and the
// Ballerina.toml validation accept the same [package] names and orgs.
func TestNameRulesAgreeWithManifest(t *testing.T) {
	for _, org := range []string{"foo", "ballerina", "_x", "a.b", ""} {
		for _, tt := range nameTests {
			src := pkgTOML(org, tt.name, "1.0.0", "")
			m, diags := ParseBallerinaToml("Ballerina.toml", []byte(src), testDefaults)
			manifestOK := !diags.HasErrors() && !m.Package.NameDefaulted && !m.Package.OrgDefaulted
			// The schema exempts names starting with "lang" only from the
			// consecutive underscore rule, whatever the org.
			checkOK := CheckOrg(org) == nil && CheckPackageName(tt.name) == nil
			if manifestOK != checkOK {
				t.Errorf("org %q name %q: manifest ok = %v, CheckOrg+CheckPackageName ok = %v (%q)", org, tt.name, manifestOK, checkOK, fmtDiags(diags))
			}
		}
	}
}
