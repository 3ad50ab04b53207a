// Package handout locates the shared reference handout (conformance data,
// schemas) that sits beside the checkout as ../shared, for tests.
//
// The data is read in place, never copied into the repository. Missing data
// fails the test instead of skipping it: a conformance test that silently
// checks nothing is worse than none.
package handout

import (
	"os"
	"path/filepath"
	"testing"
)

// Path returns the path of elem under the handout directory and fails tb if
// it does not exist. Path(tb) is the handout directory itself.
func Path(tb testing.TB, elem ...string) string {
	tb.Helper()
	p := filepath.Join(append([]string{moduleRoot(tb), "..", "shared"}, elem...)...)
	if _, err := os.Stat(p); err != nil {
		tb.Fatalf("handout data missing: %v (the shared directory must sit beside the checkout as ../shared)", err)
	}
	return p
}

// ReadFile returns the content of elem under the handout directory, failing
// tb if it cannot be read.
func ReadFile(tb testing.TB, elem ...string) []byte {
	tb.Helper()
	data, err := os.ReadFile(Path(tb, elem...))
	if err != nil {
		tb.Fatal(err)
	}
	return data
}

// moduleRoot returns the directory holding go.mod, searching upwards from the
// test's working directory (its package directory).
func moduleRoot(tb testing.TB) string {
	tb.Helper()
	dir, err := os.Getwd()
	if err != nil {
		tb.Fatalf("os.Getwd: %v", err)
	}
	for {
		if _, err := os.Stat(filepath.Join(dir, "go.mod")); err == nil {
			return dir
		}
		parent := filepath.Dir(dir)
		if parent == dir {
			tb.Fatal("no go.mod found above the test's directory")
		}
		dir = parent
	}
}
