package repository

import (
	"context"
	"errors"
	"testing"

	"github.com/balcentral/balcentral/internal/version"
)

func TestMemory(t *testing.T) {
	ctx := context.Background()
	m := NewMemory("central", KindCentral)
	for _, v := range []string{"1.2.0", "1.10.0", "1.3.0-beta.1"} {
		m.Add(&Package{Org: "samjs", Name: "foo", Version: version.MustParse(v), Modules: []string{"foo"}})
	}
	m.Add(&Package{Org: "samjs", Name: "foobar", Version: version.MustParse("9.0.0")})

	vs, err := m.Versions(ctx, "samjs", "foo")
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, v := range vs {
		got = append(got, v.String())
	}
	if want := []string{"1.2.0", "1.3.0-beta.1", "1.10.0"}; !equalStrings(got, want) {
		t.Errorf("Versions(samjs/foo) = %v, want %v", got, want)
	}
	if vs, _ := m.Versions(ctx, "samjs", "nope"); len(vs) != 0 {
		t.Errorf("Versions of an absent package = %v, want none", vs)
	}
	p, err := m.Package(ctx, "samjs", "foo", version.MustParse("1.10.0"))
	if err != nil || p.ID() != "samjs/foo:1.10.0" || !p.HasModule("foo") || p.HasModule("foo.bar") {
		t.Errorf("Package(samjs/foo:1.10.0) = %+v, %v", p, err)
	}
	if _, err := m.Package(ctx, "samjs", "foo", version.MustParse("1.11.0")); !errors.Is(err, ErrNotFound) {
		t.Errorf("Package of an absent version: err = %v, want ErrNotFound", err)
	}
	if n := len(m.Packages()); n != 4 {
		t.Errorf("Packages() holds %d, want 4", n)
	}
}

func equalStrings(a, b []string) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if a[i] != b[i] {
			return false
		}
	}
	return true
}
