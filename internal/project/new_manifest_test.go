package project

import (
	"os"
	"path/filepath"
	"testing"

	"github.com/balcentral/balcentral/internal/manifest"
)

// TestNewManifestValidates checks that every template writes a
// Ballerina.toml that the manifest validator accepts without a single
// diagnostic, and that it names the package New reports. The template text
// and the validator are written separately, so this catches either drifting
// from Ballerina's rules.
func TestNewManifestValidates(t *testing.T) {
	for _, tmpl := range Templates {
		for _, dir := range []string{"hello", "my-lib.v2", "9lives"} {
			t.Run(tmpl+"/"+dir, func(t *testing.T) {
				res, err := New(NewOptions{Path: filepath.Join(t.TempDir(), dir), Template: tmpl, Org: "testuser", Distribution: "2201.13.0"})
				if err != nil {
					t.Fatalf("New: %v", err)
				}
				data, err := os.ReadFile(filepath.Join(res.Path, "Ballerina.toml"))
				if err != nil {
					t.Fatal(err)
				}
				m, diags := manifest.ParseBallerinaToml("Ballerina.toml", data, manifest.PackageDefaults{Org: "x", Name: "y"})
				if len(diags) != 0 {
					t.Fatalf("generated Ballerina.toml has diagnostics:\n%v\n--- file ---\n%s", diags.Err(), data)
				}
				org, name, ver := m.PackageID()
				if org != "testuser" || name != res.Name || ver != InitialVersion {
					t.Errorf("manifest names %s/%s:%s, want testuser/%s:%s", org, name, ver, res.Name, InitialVersion)
				}
				if m.Package.Distribution != "2201.13.0" {
					t.Errorf("distribution = %q, want 2201.13.0", m.Package.Distribution)
				}
			})
		}
	}
}
