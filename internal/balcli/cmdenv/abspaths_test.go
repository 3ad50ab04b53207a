package cmdenv

import (
	"errors"
	"path/filepath"
	"testing"
)

func TestAbsPaths(t *testing.T) {
	wd := filepath.FromSlash("/work/dir")
	getwd := func() (string, error) { return wd, nil }
	tests := []struct{ path, target, wantPath, wantTarget string }{
		{"", "", wd, ""},
		{"app", "out", filepath.Join(wd, "app"), filepath.Join(wd, "out")},
		{filepath.FromSlash("/abs/app/"), "", filepath.FromSlash("/abs/app"), ""},
		{"../x", filepath.FromSlash("/t"), filepath.FromSlash("/work/x"), filepath.FromSlash("/t")},
	}
	for _, tt := range tests {
		p, tgt, err := AbsPaths(getwd, tt.path, tt.target)
		if err != nil || p != tt.wantPath || tgt != tt.wantTarget {
			t.Errorf("AbsPaths(%q, %q) = %q, %q, %v; want %q, %q", tt.path, tt.target, p, tgt, err, tt.wantPath, tt.wantTarget)
		}
	}
	failing := func() (string, error) { return "", errors.New("gone") }
	if _, _, err := AbsPaths(failing, "app", ""); err == nil || err.Error() != "cannot determine the current directory: gone" {
		t.Errorf("err = %v", err)
	}
	if p, _, err := AbsPaths(failing, filepath.FromSlash("/abs"), ""); err != nil || p != filepath.FromSlash("/abs") {
		t.Errorf("absolute paths need no working directory: %q, %v", p, err)
	}
}
