// Command profiled is central (cmd/central) under a CPU profile: it runs
// registry.Main with the same arguments and environment and writes the
// profile of the whole run, up to the graceful shutdown, to the file named
// by BENCH_CPU_PROFILE. run.sh uses it instead of central when PROFILE=1,
// so that profiling the benchmark adds nothing to the server itself.
package main

import (
	"fmt"
	"os"
	"runtime/pprof"

	"github.com/balcentral/balcentral/internal/registry"
)

func main() {
	path := os.Getenv("BENCH_CPU_PROFILE")
	if path == "" {
		fmt.Fprintln(os.Stderr, "profiled: set BENCH_CPU_PROFILE to the profile's output file")
		os.Exit(2)
	}
	f, err := os.Create(path)
	if err != nil {
		fmt.Fprintln(os.Stderr, "profiled:", err)
		os.Exit(1)
	}
	if err := pprof.StartCPUProfile(f); err != nil {
		fmt.Fprintln(os.Stderr, "profiled:", err)
		os.Exit(1)
	}
	code := registry.Main(os.Args[1:], os.Getenv, os.Stdout, os.Stderr)
	pprof.StopCPUProfile()
	if err := f.Close(); err != nil {
		fmt.Fprintln(os.Stderr, "profiled:", err)
		code = 1
	}
	os.Exit(code)
}
