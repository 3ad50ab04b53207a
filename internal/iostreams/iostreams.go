// Package iostreams describes the standard streams a command reads and writes.
//
// Commands never touch os.Stdin, os.Stdout or os.Stderr directly: they write to
// the [IOStreams] they are given, so tests can capture the output with [Test]
// and decide whether the streams look like a terminal. Data a script may parse
// goes to Out; diagnostics, warnings and progress go to ErrOut. Decorations
// such as progress bars are drawn only when [IOStreams.IsStderrTTY] reports a
// terminal.
package iostreams

import (
	"bytes"
	"io"
	"os"
)

// IOStreams holds the input and output streams of one invocation together with
// what is known about whether they are attached to a terminal.
type IOStreams struct {
	In     io.Reader
	Out    io.Writer
	ErrOut io.Writer

	stdoutTTY bool
	stderrTTY bool
}

// System returns the streams of the running process. Whether stdout and stderr
// are terminals is decided once, here.
func System() *IOStreams {
	return &IOStreams{
		In:        os.Stdin,
		Out:       os.Stdout,
		ErrOut:    os.Stderr,
		stdoutTTY: isTerminal(os.Stdout),
		stderrTTY: isTerminal(os.Stderr),
	}
}

// Test returns streams backed by buffers, in the order in, out, errOut. Neither
// output stream is a terminal until SetStdoutTTY or SetStderrTTY says so.
func Test() (*IOStreams, *bytes.Buffer, *bytes.Buffer, *bytes.Buffer) {
	in := new(bytes.Buffer)
	out := new(bytes.Buffer)
	errOut := new(bytes.Buffer)
	return &IOStreams{In: in, Out: out, ErrOut: errOut}, in, out, errOut
}

// IsStdoutTTY reports whether Out is a terminal.
func (s *IOStreams) IsStdoutTTY() bool { return s.stdoutTTY }

// IsStderrTTY reports whether ErrOut is a terminal.
func (s *IOStreams) IsStderrTTY() bool { return s.stderrTTY }

// SetStdoutTTY overrides whether Out is treated as a terminal.
func (s *IOStreams) SetStdoutTTY(isTTY bool) { s.stdoutTTY = isTTY }

// SetStderrTTY overrides whether ErrOut is treated as a terminal.
func (s *IOStreams) SetStderrTTY(isTTY bool) { s.stderrTTY = isTTY }

// isTerminal reports whether f is a character device, which is how a terminal
// shows up on every platform we support. Pipes, regular files and /dev/null
// redirections in scripts are not character devices, except /dev/null itself;
// treating it as a terminal only enables decorations nobody sees.
func isTerminal(f *os.File) bool {
	if f == nil {
		return false
	}
	fi, err := f.Stat()
	if err != nil {
		return false
	}
	return fi.Mode()&os.ModeCharDevice != 0
}
