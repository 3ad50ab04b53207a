package resolve_test

import (
	"context"
	"testing"

	"github.com/balcentral/balcentral/internal/manifest"
	"github.com/balcentral/balcentral/internal/repository"
	"github.com/balcentral/balcentral/internal/resolve"
	"github.com/balcentral/balcentral/internal/version"
)

// A direct dependency that no repository provides, whether its package
// name is the module name (no lookup by module needed) or a locked version
// is gone, must leave its import unresolved with an error, not vanish from
// the graph silently.
func TestUnresolvedDirectDependency(t *testing.T) {
	central := repository.NewMemory("central", repository.KindCentral)
	v := version.MustParse("1.3.0")
	central.Add(&repository.Package{Org: "samjs", Name: "foo", Version: v, Modules: []string{"foo"},
		Graph: []repository.GraphNode{{Org: "samjs", Name: "foo", Version: v}}})
	lock := &manifest.DependenciesToml{TomlVersion: "2", Packages: []manifest.LockedPackage{
		{Org: "myorg", Name: "app", Version: "0.1.0", Dependencies: []manifest.PackageRef{{Org: "samjs", Name: "foo"}}},
		{Org: "samjs", Name: "foo", Version: "1.2.0"},
	}}
	tests := []struct {
		name   string
		module string
		lock   *manifest.DependenciesToml
		mode   resolve.LockingMode
	}{
		{name: "unknown package", module: "nothere", mode: resolve.Soft},
		{name: "locked version gone", module: "foo", lock: lock, mode: resolve.Hard},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			res, err := resolve.Resolve(context.Background(), resolve.Request{
				RootOrg: "myorg", RootName: "app", RootVersion: version.MustParse("0.1.0"),
				Imports:      []resolve.Import{{Org: "samjs", Module: tt.module, Site: "main.bal:1:1"}},
				Lock:         tt.lock,
				Mode:         tt.mode,
				Repositories: resolve.Repositories{Central: central},
			})
			if err != nil {
				t.Fatal(err)
			}
			if len(res.UnresolvedImports) != 1 || res.UnresolvedImports[0].Module != tt.module {
				t.Errorf("UnresolvedImports = %v, want samjs/%s", res.UnresolvedImports, tt.module)
			}
			want := "cannot resolve module 'samjs/" + tt.module + "'"
			found := false
			for _, d := range res.Diagnostics {
				if d.Severity == resolve.SeverityError && d.Message == want && d.Site == "main.bal:1:1" {
					found = true
				}
			}
			if !found {
				t.Errorf("no error %q at main.bal:1:1 in %v", want, res.Diagnostics)
			}
			if n := res.Graph.Node("samjs", tt.module); n != nil {
				t.Errorf("graph has %s", n.ID())
			}
		})
	}
}
