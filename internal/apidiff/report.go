package apidiff

import (
	"fmt"
	"io"
	"math/big"
	"strings"

	"github.com/balcentral/balcentral/internal/version"
)

// Suggest returns the version to release after prev given the changes d
// (the reference's rule, always a plain X.Y.Z):
//
//	no changes          prev
//	Major or Ambiguous  (major+1).0.0, or 0.(minor+1).0 when prev's major is 0
//	Minor               major.(minor+1).0
//	Patch               major.minor.(patch+1)
//	Unknown             "N/A"
func Suggest(prev version.Version, d *Diff) string {
	if d == nil {
		return prev.String()
	}
	inc := func(s string) string {
		n, ok := new(big.Int).SetString(s, 10)
		if !ok {
			n = new(big.Int)
		}
		return n.Add(n, big.NewInt(1)).String()
	}
	switch d.Impact {
	case Major, Ambiguous:
		if prev.IsInitial() {
			return fmt.Sprintf("%s.%s.0", prev.Major(), inc(prev.Minor()))
		}
		return fmt.Sprintf("%s.0.0", inc(prev.Major()))
	case Minor:
		return fmt.Sprintf("%s.%s.0", prev.Major(), inc(prev.Minor()))
	case Patch:
		return fmt.Sprintf("%s.%s.%s", prev.Major(), prev.Minor(), inc(prev.Patch()))
	}
	return "N/A"
}

// impactPhrase is the reference's description of a package's impact.
func impactPhrase(d *Diff) string {
	if d == nil {
		return "no changes detected"
	}
	switch d.Impact {
	case Major:
		return "backward-incompatible changes detected"
	case Minor:
		return "patch-incompatible changes detected"
	case Patch:
		return "patch-compatible changes detected"
	case Ambiguous:
		return "one or more changes detected with ambiguous level of impact. the developer is expected to manually " +
			"review the changes below and choose an appropriate version"
	}
	return "one or more changes detected with unknown level of impact. the developer is expected to manually " +
		"review the changes below and choose an appropriate version"
}

// WriteSuggestion writes the reference's suggestion block: a blank line,
// the local version, the impact compared with the release, the changes of
// Ambiguous impact when that is the package's impact, and the suggested
// version:
//
//	current version: 1.3.0
//	compatibility impact (compared with the release version '1.2.0'): backward-incompatible changes detected
//	suggested version: 2.0.0
func WriteSuggestion(w io.Writer, local string, release version.Version, d *Diff) error {
	var b strings.Builder
	fmt.Fprintf(&b, "\ncurrent version: %s\n", local)
	fmt.Fprintf(&b, "compatibility impact (compared with the release version '%s'): %s\n", release, impactPhrase(d))
	if d != nil && d.Impact == Ambiguous {
		for _, l := range d.Leaves(Ambiguous) {
			l.writeLine(&b)
		}
	}
	fmt.Fprintf(&b, "suggested version: %s\n", Suggest(release, d))
	_, err := io.WriteString(w, b.String())
	return err
}

// WriteDiffSummary writes the reference's --show-diff block: a blank line,
// a banner naming both versions, then the tree (WriteTree); "no changes
// detected" when d is nil.
func WriteDiffSummary(w io.Writer, local string, release version.Version, d *Diff) error {
	if d == nil {
		_, err := io.WriteString(w, "no changes detected\n")
		return err
	}
	title := fmt.Sprintf(" Comparing version '%s'(local) with version '%s'(central) ", local, release)
	rule := strings.Repeat("=", len(title))
	var b strings.Builder
	fmt.Fprintf(&b, "\n%s\n%s\n%s\n", rule, title, rule)
	d.writeTree(&b)
	_, err := io.WriteString(w, b.String())
	return err
}
