package manifest

import (
	"os"
	"path/filepath"
	"reflect"
	"testing"
)

// FuzzParseSettings checks that ParseSettings never panics, is
// deterministic, places every diagnostic inside the input and returns
// settings within the documented ranges.
func FuzzParseSettings(f *testing.F) {
	for _, tc := range settingsCases {
		f.Add([]byte(tc.src))
	}
	files, _ := filepath.Glob(filepath.Join("testdata", "settings", "*.toml"))
	for _, file := range files {
		if data, err := os.ReadFile(file); err == nil {
			f.Add(data)
		}
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		s1, d1 := ParseSettings("Settings.toml", data)
		s2, d2 := ParseSettings("Settings.toml", data)
		if !reflect.DeepEqual(s1, s2) || !reflect.DeepEqual(d1, d2) {
			t.Fatalf("two parses differ")
		}
		fuzzCheckPositions(t, "Settings.toml", data, d1, func(Diagnostic) bool { return false })
		if s1 == nil {
			if len(d1) != 1 || !d1.HasErrors() {
				t.Fatalf("nil settings with diagnostics %q", fmtDiags(d1))
			}
			return
		}
		c := s1.Central
		if c.ConnectTimeout <= 0 || c.ReadTimeout <= 0 || c.WriteTimeout <= 0 || c.CallTimeout < 0 || c.MaxRetries < 0 {
			t.Fatalf("central out of range: %+v", c)
		}
		if _, ok := stCheckURL(c.URL); !ok {
			t.Fatalf("central URL %q", c.URL)
		}
		if s1.Proxy.Port < 0 || s1.Proxy.Port > 65535 {
			t.Fatalf("proxy port %d", s1.Proxy.Port)
		}
		proxies := 0
		for _, r := range s1.Repositories {
			if r.ProxyCentral {
				proxies++
			}
		}
		if proxies > 1 && !d1.HasErrors() {
			t.Fatalf("%d central proxies without an error", proxies)
		}
	})
}
