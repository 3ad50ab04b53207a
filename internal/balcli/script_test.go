package balcli_test

import (
	"os"
	"path/filepath"
	"testing"

	"github.com/rogpeppe/go-internal/testscript"

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
// expected output naming absolute paths uses it.
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
			return os.MkdirAll(home, 0o755)
		},
	})
}
