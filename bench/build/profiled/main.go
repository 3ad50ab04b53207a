// Command profiled is bal (cmd/bal) under a CPU profile: it runs
// balcli.Main with the same arguments and environment and writes the
// profile of the whole run to the file named by BENCH_CPU_PROFILE (without
// it, it is plain bal). bench/build uses it with -profile, so that
// profiling adds nothing to bal itself.
package main

import (
	"fmt"
	"os"
	"runtime/pprof"

	"github.com/balcentral/balcentral/internal/balcli"
	"github.com/balcentral/balcentral/internal/iostreams"
)

func main() {
	path := os.Getenv("BENCH_CPU_PROFILE")
	if path == "" {
		os.Exit(balcli.Main(os.Args[1:], iostreams.System()))
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
	code := balcli.Main(os.Args[1:], iostreams.System())
	pprof.StopCPUProfile()
	if err := f.Close(); err != nil {
		fmt.Fprintln(os.Stderr, "profiled:", err)
		code = 1
	}
	os.Exit(code)
}
