package resolve

import (
	"strings"
	"time"

	"github.com/balcentral/balcentral/internal/version"
)

// ProjectKind is the kind of project being built.
type ProjectKind uint8

// The project kinds.
const (
	BuildProject      ProjectKind = iota // a package directory
	SingleFileProject                    // a lone .bal file
	BalaProject                          // an extracted .bala
)

// ModeInput is what SelectMode decides from.
type ModeInput struct {
	// Sticky is --sticky or [build-options] sticky = true.
	Sticky bool
	// UserMode is --locking-mode, when HasUserMode.
	UserMode    LockingMode
	HasUserMode bool
	Kind        ProjectKind
	// HasLock reports an existing Dependencies.toml.
	HasLock bool
	// LockDistribution is its [ballerina] distribution-version ("" when
	// absent); RunningDistribution the running short version, e.g.
	// "2201.13.0".
	LockDistribution, RunningDistribution string
	// InUpdateWindow: dependencies were re-resolved less than 24 hours ago
	// by this distribution (see InUpdateWindow).
	InUpdateWindow bool
	// Imports are the current imports as "org/module"; PreviousImports the
	// imports list of target/build, nil when unknown. Used for LOCKED.
	Imports, PreviousImports []string
}

// UpdateWindow is how long re-resolved dependencies are reused (§4).
const UpdateWindow = 24 * time.Hour

// InUpdateWindow reports whether target/build says dependencies were
// re-resolved less than 24 hours before now by the running distribution:
// lastUpdate is its last_update_time, buildDistribution its
// distribution_version.
func InUpdateWindow(lastUpdate time.Time, buildDistribution, runningDistribution string, now time.Time) bool {
	return buildDistribution != "" && buildDistribution == runningDistribution &&
		!lastUpdate.IsZero() && lastUpdate.After(now.Add(-UpdateWindow))
}

// SelectMode chooses the locking mode of a build (§3, PackageResolution)
// and returns the warnings and errors the reference toolchain reports on
// the way.
func SelectMode(in ModeInput) (LockingMode, []Diagnostic) {
	var diags []Diagnostic
	mode, set := in.UserMode, in.HasUserMode
	if in.Sticky {
		mode, set = Hard, true
	}
	if in.Kind == SingleFileProject {
		return Soft, nil
	}
	if in.HasLock {
		prev, prevErr := version.Parse(in.LockDistribution)
		cur, curErr := version.Parse(in.RunningDistribution)
		changed := in.LockDistribution == "" || prevErr != nil ||
			curErr == nil && prev.Major() == cur.Major() && prev.Minor() != cur.Minor()
		switch {
		case changed:
			if !(set && mode == Soft) {
				diags = append(diags, distributionWarning(in.LockDistribution, in.RunningDistribution, in.Sticky))
			}
			if !set {
				mode, set = Soft, true
			}
		case !set:
			mode, set = Medium, true
		}
	} else {
		switch {
		case !set && in.Kind == BalaProject:
			return Medium, nil
		case !set:
			mode = Soft
		case mode == Locked:
			diags = append(diags, Diagnostic{Severity: SeverityError,
				Message:     "'LOCKED' locking mode cannot be used without the Dependencies.toml file",
				Explanation: "There is nothing to lock to yet: build once with --locking-mode=soft, medium or hard to create Dependencies.toml."})
			mode = Hard
		}
	}
	if (mode == Soft || mode == Medium) && in.InUpdateWindow {
		mode = Hard
	}
	if mode == Locked && in.HasLock && in.PreviousImports != nil {
		prev := map[string]bool{}
		for _, p := range in.PreviousImports {
			prev[p] = true
		}
		var added []string
		for _, imp := range in.Imports {
			if !prev[imp] && !strings.HasPrefix(imp, "ballerinai/") {
				added = append(added, imp)
			}
		}
		if len(added) > 0 {
			diags = append(diags, Diagnostic{Severity: SeverityError,
				Message:     "cannot add new imports with --locking-mode=locked. Use one of [soft, medium, hard] to build with new imports",
				Explanation: "new imports: " + strings.Join(added, ", ")})
		}
	}
	return mode, diags
}

// updateName is how a distribution is named in messages: the Update number
// and, when not zero, the patch ("13", "8.1").
func updateName(v version.Version) string {
	s := v.Minor()
	if v.Patch() != "0" {
		s += "." + v.Patch()
	}
	return s
}

func distributionWarning(lockDist, running string, sticky bool) Diagnostic {
	cur := running
	if v, err := version.Parse(running); err == nil {
		cur = updateName(v)
	}
	prev := "4 or an older Update"
	if v, err := version.Parse(lockDist); err == nil {
		prev = updateName(v)
	}
	msg := "Detected an attempt to compile this package using Swan Lake Update " + cur +
		". However, this package was built using Swan Lake Update " + prev + "."
	if sticky {
		msg += "\nHINT: Execute the bal command with --sticky=false"
	} else {
		msg += " To ensure compatibility, the Dependencies.toml file will be updated with the latest versions that are compatible with Update " + cur + "."
	}
	return Diagnostic{Severity: SeverityWarning, Message: msg}
}
