package balcli_test

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/rogpeppe/go-internal/testscript"

	"github.com/balcentral/balcentral/internal/bala"
	"github.com/balcentral/balcentral/internal/balcli"
	"github.com/balcentral/balcentral/internal/iostreams"
)

// TestMain lets the test binary double as bal: scripts run "bal" without a
// separate build.
func TestMain(m *testing.M) {
	testscript.Main(m, map[string]func(){
		"bal": func() { os.Exit(balcli.Main(os.Args[1:], iostreams.System())) },
	})
}

// TestScripts runs the end-to-end scripts in testdata/script. Each script
// starts in $WORK as user "testuser" with HOME=$WORK/home. $REALWORK is
// $WORK with symbolic links resolved, as bal sees its working directory;
// expected output naming absolute paths uses it. BALCENTRAL_NO_REMOTE is
// "true", so that builds read the Central cache without asking a registry
// (never the public Ballerina Central); "central start" clears it.
func TestScripts(t *testing.T) {
	testscript.Run(t, testscript.Params{
		Dir: filepath.Join("..", "..", "testdata", "script"),
		Setup: func(env *testscript.Env) error {
			real, err := filepath.EvalSymlinks(env.WorkDir)
			if err != nil {
				return err
			}
			home := filepath.Join(env.WorkDir, "home")
			env.Setenv("REALWORK", real)
			env.Setenv("HOME", home)
			env.Setenv("USER", "testuser")
			env.Setenv("BALCENTRAL_NO_REMOTE", "true")
			return os.MkdirAll(home, 0o755)
		},
		Cmds: map[string]func(ts *testscript.TestScript, neg bool, args []string){
			"balalist":     balalist,
			"central":      centralCmd,
			"centraladmin": centraladmin,
			"centraltoken": centraltoken,
		},
	})
}

// balalist prints the file entries of a bala, one per line in archive
// order, then the content of each entry named after the file, under a
// "== <name> ==" line ("-- <name> --" would start a file of the script's
// archive) and followed by a newline:
//
//	balalist target/bala/testuser-hello-any-0.1.0.bala package.json
func balalist(ts *testscript.TestScript, neg bool, args []string) {
	if neg {
		ts.Fatalf("unsupported: ! balalist")
	}
	if len(args) == 0 {
		ts.Fatalf("usage: balalist <bala> [<entry>...]")
	}
	a, f, err := bala.OpenFile(ts.MkAbs(args[0]), bala.DefaultLimits)
	ts.Check(err)
	defer f.Close()
	var b strings.Builder
	for _, name := range a.Files {
		b.WriteString(name + "\n")
	}
	for _, name := range args[1:] {
		data, err := a.ReadFile(name)
		ts.Check(err)
		b.WriteString("== " + name + " ==\n" + string(data) + "\n")
	}
	ts.Stdout().Write([]byte(b.String()))
}
