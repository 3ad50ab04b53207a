package handout

import (
	"strings"
	"testing"
)

func TestPathFindsHandout(t *testing.T) {
	readme := string(ReadFile(t, "README.md"))
	if !strings.Contains(readme, "conformance/") {
		t.Errorf("../shared/README.md does not look like the handout index: %.80q", readme)
	}
	Path(t, "conformance", "versions")
}

func TestPathFailsOnMissing(t *testing.T) {
	ft := &fakeTB{TB: t}
	func() {
		defer func() { recover() }()
		Path(ft, "no", "such", "file")
	}()
	if !ft.failed {
		t.Error("Path of a missing file did not fail the test")
	}
}

// fakeTB records Fatalf instead of stopping the real test.
type fakeTB struct {
	testing.TB
	failed bool
}

func (f *fakeTB) Helper() {}
func (f *fakeTB) Fatalf(format string, args ...any) {
	f.failed = true
	panic("fatal")
}
