package iostreams

import (
	"fmt"
	"os"
	"path/filepath"
	"testing"
)

func TestTest(t *testing.T) {
	ios, in, out, errOut := Test()
	in.WriteString("input")
	fmt.Fprint(ios.Out, "to stdout")
	fmt.Fprint(ios.ErrOut, "to stderr")

	buf := make([]byte, 5)
	if n, err := ios.In.Read(buf); err != nil || string(buf[:n]) != "input" {
		t.Errorf("In.Read = %q, %v; want %q, nil", buf[:n], err, "input")
	}
	if got := out.String(); got != "to stdout" {
		t.Errorf("out = %q, want %q", got, "to stdout")
	}
	if got := errOut.String(); got != "to stderr" {
		t.Errorf("errOut = %q, want %q", got, "to stderr")
	}
	if ios.IsStdoutTTY() || ios.IsStderrTTY() {
		t.Errorf("Test streams report a terminal: stdout %v, stderr %v", ios.IsStdoutTTY(), ios.IsStderrTTY())
	}
}

func TestSetTTY(t *testing.T) {
	ios, _, _, _ := Test()
	ios.SetStdoutTTY(true)
	if !ios.IsStdoutTTY() || ios.IsStderrTTY() {
		t.Errorf("after SetStdoutTTY(true): stdout %v, stderr %v; want true, false", ios.IsStdoutTTY(), ios.IsStderrTTY())
	}
	ios.SetStderrTTY(true)
	ios.SetStdoutTTY(false)
	if ios.IsStdoutTTY() || !ios.IsStderrTTY() {
		t.Errorf("after swapping: stdout %v, stderr %v; want false, true", ios.IsStdoutTTY(), ios.IsStderrTTY())
	}
}

func TestIsTerminal(t *testing.T) {
	f, err := os.Create(filepath.Join(t.TempDir(), "plain"))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	if isTerminal(f) {
		t.Errorf("isTerminal(regular file) = true, want false")
	}
	if isTerminal(nil) {
		t.Errorf("isTerminal(nil) = true, want false")
	}
	r, w, err := os.Pipe()
	if err != nil {
		t.Fatal(err)
	}
	defer r.Close()
	defer w.Close()
	if isTerminal(w) {
		t.Errorf("isTerminal(pipe) = true, want false")
	}
}

func TestSystem(t *testing.T) {
	ios := System()
	if ios.In != os.Stdin || ios.Out != os.Stdout || ios.ErrOut != os.Stderr {
		t.Errorf("System() does not use the process streams")
	}
}
