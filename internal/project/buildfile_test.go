package project

import (
	"os"
	"path/filepath"
	"testing"
	"time"
)

func TestBuildFileRoundTrip(t *testing.T) {
	// A file as the reference toolchain writes it: more members than we
	// model, in its order.
	const upstream = `{"last_build_time":1700000000000,"last_update_time":1690000000000,` +
		`"distribution_version":"2201.12.0","last_modified_time":{"app":1699999999000},` +
		`"src_meta_info":null,"x_future":[1,{"a":true}],"imports":["ballerina/io","samjs/foo"]}`
	b, err := ParseBuildFile([]byte(upstream))
	if err != nil {
		t.Fatal(err)
	}
	if !b.LastBuildTime.Equal(time.UnixMilli(1700000000000)) || !b.LastUpdateTime.Equal(time.UnixMilli(1690000000000)) {
		t.Errorf("times = %v, %v", b.LastBuildTime, b.LastUpdateTime)
	}
	if b.DistributionVersion != "2201.12.0" || len(b.Imports) != 2 || b.Imports[1] != "samjs/foo" {
		t.Errorf("parsed %+v", b)
	}
	b.LastBuildTime = time.UnixMilli(1800000000000)
	b.DistributionVersion = "2201.13.0"
	b.Imports = []string{"samjs/foo"}
	const want = `{
  "last_build_time": 1800000000000,
  "last_update_time": 1690000000000,
  "distribution_version": "2201.13.0",
  "last_modified_time": {
    "app": 1699999999000
  },
  "src_meta_info": null,
  "imports": [
    "samjs/foo"
  ],
  "x_future": [
    1,
    {
      "a": true
    }
  ]
}
`
	if got := string(b.Marshal()); got != want {
		t.Errorf("Marshal:\n%s\nwant:\n%s", got, want)
	}
	again, err := ParseBuildFile(b.Marshal())
	if err != nil || string(again.Marshal()) != want {
		t.Errorf("second round trip: %v\n%s", err, again.Marshal())
	}
}

func TestBuildFileEmptyValues(t *testing.T) {
	b, err := ParseBuildFile([]byte(`{"last_build_time": 0, "imports": []}`))
	if err != nil {
		t.Fatal(err)
	}
	if !b.LastBuildTime.IsZero() || b.Imports == nil || len(b.Imports) != 0 {
		t.Errorf("parsed %+v; want a zero time and an empty, non-nil list", b)
	}
	if b, _ := ParseBuildFile([]byte(`{}`)); b.Imports != nil {
		t.Errorf("no imports member: Imports = %v, want nil", b.Imports)
	}
	if got, want := string((&BuildFile{}).Marshal()), "{\n  \"imports\": []\n}\n"; got != want {
		t.Errorf("empty Marshal = %q, want %q", got, want)
	}
}

func TestParseBuildFileErrors(t *testing.T) {
	for _, in := range []string{
		``, `null`, `[]`, `"x"`, `{`, `{"last_build_time": "now"}`, `{"last_update_time": 1.5}`,
		`{"distribution_version": 2201}`, `{"imports": "samjs/foo"}`, `{"imports": [1]}`,
	} {
		if b, err := ParseBuildFile([]byte(in)); err == nil {
			t.Errorf("ParseBuildFile(%q) = %+v, want an error", in, b)
		}
	}
}

func TestReadWriteBuildFile(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "target", "build")
	if b := ReadBuildFile(path); b != nil {
		t.Errorf("missing file read as %+v", b)
	}
	now := time.UnixMilli(1767258000000)
	if err := WriteBuildFile(path, &BuildFile{LastBuildTime: now, LastUpdateTime: now, DistributionVersion: "2201.13.0", Imports: []string{"a/b"}}); err != nil {
		t.Fatal(err)
	}
	b := ReadBuildFile(path)
	if b == nil || !b.LastUpdateTime.Equal(now) || b.Imports[0] != "a/b" {
		t.Errorf("read back %+v", b)
	}
	if err := os.WriteFile(path, []byte("{corrupt"), 0o644); err != nil {
		t.Fatal(err)
	}
	if b := ReadBuildFile(path); b != nil {
		t.Errorf("corrupt file read as %+v", b)
	}
}
