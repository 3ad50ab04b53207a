package store

import (
	"bytes"
	"errors"
	"slices"
	"strings"
	"testing"

	"github.com/balcentral/balcentral/internal/version"
)

func TestWords(t *testing.T) {
	for _, c := range []struct {
		in   string
		want []string
	}{
		{"", nil},
		{"  ", nil},
		{"winery", []string{"winery"}},
		{"googleapis.gmail", []string{"googleapis", "gmail"}},
		{"module_winery", []string{"module", "winery"}},
		{"HTTP/2 Client", []string{"http", "2", "client"}},
		{`"NEAR(x)" AND y*`, []string{"near", "x", "and", "y"}},
		{"Çà-là 日本語", []string{"çà", "là", "日本語"}},
		{"\xffabc\x00def", []string{"abc", "def"}},
		{"wso2", []string{"wso2"}},
	} {
		if got := Words(c.in); !slices.Equal(got, c.want) {
			t.Errorf("Words(%q) = %q, want %q", c.in, got, c.want)
		}
	}
}

// latestCompare is the order LatestOrderKey encodes, written with the
// version package: the "latest" rule, then build metadata bytewise.
func latestCompare(a, b version.Version) int {
	switch {
	case a.IsPreRelease() && !b.IsPreRelease():
		return -1
	case !a.IsPreRelease() && b.IsPreRelease():
		return +1
	}
	if c := a.Compare(b); c != 0 {
		return c
	}
	return strings.Compare(a.Build(), b.Build())
}

var orderedVersions = []string{
	"0.0.0-0", "0.0.0-a", "1.0.0-0", "1.0.0-1", "1.0.0-2", "1.0.0-10", "1.0.0-alpha", "1.0.0-alpha.1",
	"1.0.0-alpha.beta", "1.0.0-beta", "1.0.0-beta.2", "1.0.0-beta.11", "1.0.0-rc.1", "1.0.0-rc.1+b",
	"2.0.0-alpha", "10.0.0-alpha", "99999999999999999999.0.0-x",
	"0.0.0", "0.0.1", "0.1.0", "0.9.0", "0.10.0", "1.0.0", "1.0.0+001", "1.0.0+1", "1.0.0+build.1",
	"1.0.0+build.1.1", "1.2.3", "1.10.0", "2.0.0", "10.0.0", "99999999999999999999.0.0",
}

func TestLatestOrderKey(t *testing.T) {
	keys := make([][]byte, len(orderedVersions))
	for i, v := range orderedVersions {
		k, err := LatestOrderKey(v)
		if err != nil {
			t.Fatalf("LatestOrderKey(%q): %v", v, err)
		}
		keys[i] = k
	}
	for i := range keys {
		for j := range keys {
			want := 0
			if i < j {
				want = -1
			} else if i > j {
				want = 1
			}
			if got := bytes.Compare(keys[i], keys[j]); got != want {
				t.Errorf("key(%s) vs key(%s): %d, want %d", orderedVersions[i], orderedVersions[j], got, want)
			}
		}
	}
	for _, bad := range []string{"", "1.0", "v1.0.0", "01.0.0", "1.0.0-"} {
		if _, err := LatestOrderKey(bad); !errors.Is(err, ErrInvalid) {
			t.Errorf("LatestOrderKey(%q) = %v, want ErrInvalid", bad, err)
		}
	}
}

func FuzzLatestOrderKey(f *testing.F) {
	for i := 1; i < len(orderedVersions); i++ {
		f.Add(orderedVersions[i-1], orderedVersions[i])
	}
	f.Fuzz(func(t *testing.T, a, b string) {
		va, errA := version.Parse(a)
		vb, errB := version.Parse(b)
		ka, errKA := LatestOrderKey(a)
		kb, errKB := LatestOrderKey(b)
		if (errA == nil) != (errKA == nil) || (errB == nil) != (errKB == nil) {
			t.Fatalf("LatestOrderKey and version.Parse disagree on validity: %v %v / %v %v", errA, errKA, errB, errKB)
		}
		if errA != nil || errB != nil {
			return
		}
		if got, want := bytes.Compare(ka, kb), latestCompare(va, vb); got != want {
			t.Fatalf("key order of %q and %q = %d, want %d", a, b, got, want)
		}
	})
}

func TestSortVersions(t *testing.T) {
	vs := []VersionInfo{{Version: "1.10.0"}, {Version: "bad"}, {Version: "1.2.0"}, {Version: "1.2.0-rc.1"}, {Version: "0.9.0"}}
	SortVersions(vs)
	var got []string
	for _, v := range vs {
		got = append(got, v.Version)
	}
	if want := []string{"bad", "0.9.0", "1.2.0-rc.1", "1.2.0", "1.10.0"}; !slices.Equal(got, want) {
		t.Fatalf("SortVersions = %v, want %v", got, want)
	}
}

func TestCheck(t *testing.T) {
	ok := func() *PackageVersion {
		return &PackageVersion{Org: "o", Name: "n", Version: "1.0.0", Digest: strings.Repeat("a", 64), BlobKey: "k"}
	}
	pv := ok()
	if err := pv.Check(); err != nil || pv.Visibility != Public {
		t.Fatalf("Check() = %v, Visibility %q; want nil, public", err, pv.Visibility)
	}
	for name, edit := range map[string]func(*PackageVersion){
		"org":        func(pv *PackageVersion) { pv.Org = "" },
		"name":       func(pv *PackageVersion) { pv.Name = "a\tb" },
		"version":    func(pv *PackageVersion) { pv.Version = "1" },
		"digest":     func(pv *PackageVersion) { pv.Digest = strings.Repeat("g", 64) },
		"blob key":   func(pv *PackageVersion) { pv.BlobKey = "" },
		"size":       func(pv *PackageVersion) { pv.Size = -5 },
		"visibility": func(pv *PackageVersion) { pv.Visibility = "Public" },
		"module":     func(pv *PackageVersion) { pv.Modules = []Module{{Name: "a"}, {Name: "a"}} },
	} {
		pv := ok()
		edit(pv)
		if err := pv.Check(); !errors.Is(err, ErrInvalid) {
			t.Errorf("Check() with a bad %s = %v, want ErrInvalid", name, err)
		}
	}
	if _, err := (SearchQuery{Offset: -1}).SearchMatch(); !errors.Is(err, ErrInvalid) {
		t.Errorf("SearchMatch with a negative offset = %v, want ErrInvalid", err)
	}
}
