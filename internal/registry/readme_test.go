package registry

import (
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

// TestREADMEWalkthrough runs the README's curl walkthrough as written, with
// bal and central on PATH, against a central process: it is the user's
// first contact with the registry and must not rot.
func TestREADMEWalkthrough(t *testing.T) {
	if testing.Short() {
		t.Skip("builds and runs bal and central")
	}
	for _, tool := range []string{"bash", "curl", "sed", "cmp"} {
		if _, err := exec.LookPath(tool); err != nil {
			t.Fatalf("the walkthrough needs %s: %v", tool, err)
		}
	}
	readme, err := os.ReadFile(filepath.Join("..", "..", "README.md"))
	if err != nil {
		t.Fatal(err)
	}
	_, section, ok := strings.Cut(string(readme), "\n## Walkthrough: a registry with `curl`\n")
	if !ok {
		t.Fatal("README.md has no \"## Walkthrough: a registry with `curl`\" section")
	}
	section, _, _ = strings.Cut(section, "\n## ")
	blocks := strings.Split(section, "```sh\n")
	if len(blocks) != 3 {
		t.Fatalf("the walkthrough has %d sh blocks, want 2 (start the server; the script)", len(blocks)-1)
	}
	script, _, _ := strings.Cut(blocks[2], "```")

	bin, err := binaries()
	if err != nil {
		t.Fatal(err)
	}
	work := t.TempDir()
	srv := startCentral(t, filepath.Join(bin, "central"), filepath.Join(work, "central-data"))
	defer srv.kill()
	// The two lines a reader fills in from the server's output.
	for old, repl := range map[string]string{
		"export CENTRAL=http://127.0.0.1:9090\n": "export CENTRAL=" + srv.url + "\n",
		"export TOKEN=bct_…":                     "export TOKEN=" + crashBootstrapToken,
	} {
		if !strings.Contains(script, old) {
			t.Fatalf("the walkthrough script has no line %q to fill in", old)
		}
		script = strings.Replace(script, old, repl, 1)
	}
	cmd := exec.Command("bash", "-euo", "pipefail", "-c", script)
	cmd.Dir = work
	cmd.Env = []string{
		"PATH=" + bin + string(os.PathListSeparator) + os.Getenv("PATH"),
		"HOME=" + work, "USER=tester", "BALLERINA_HOME_DIR=" + filepath.Join(work, ".ballerina"),
	}
	out, err := cmd.CombinedOutput()
	if err != nil {
		t.Fatalf("walkthrough failed: %v\n%s", err, out)
	}
	got := string(out)
	t.Logf("walkthrough output:\n%s", got)
	for _, want := range []string{
		`"name":"acme"`,
		"\n204\n",
		`"organization":"acme","name":"hello","version":"0.1.0"`,
		"HTTP/1.1 302 Found",
		"Content-Disposition: attachment; filename=acme-hello-any-0.1.0.bala",
		"Location: " + srv.url + "/2.0/registry/download/acme/hello/0.1.0/acme-hello-any-0.1.0.bala",
		"Digest: sha-256=",
		"pulled the pushed bytes",
	} {
		if !strings.Contains(got, want) {
			t.Errorf("walkthrough output lacks %q:\n%s", want, got)
		}
	}
}
