// Command build benchmarks `bal build` against a local registry and `bal
// version`'s wall time. See the "bal build against a registry" section of
// bench/README.md.
//
//	go run ./bench/build [flags]        (or: make bench-build)
//
// It builds bal and central into a temporary directory, starts central on
// a free loopback port with a throwaway data directory, pushes a generated
// universe of packages (200 by default: 30 imported directly by the
// project, the rest reached through their dependency graphs; 2 to 4
// versions each; archives of 20 to 200 KB), writes a project importing the
// direct dependencies and times, each run a new bal process:
//
//   - cold: `bal build` with an empty cache (a new BALLERINA_HOME_DIR) and
//     no Dependencies.toml or target/; every run must exit 0 and print one
//     "pulled from central successfully" line per package of the graph;
//   - warm: `bal build` again with the cache full, Dependencies.toml and
//     target/build present: inside the 24-hour window, the locked versions
//     are kept and the registry is not asked;
//   - update check: the same with target/ removed before each run, so that
//     the window has passed: MEDIUM resolution asks the registry about
//     every package, downloads nothing;
//   - offline: `bal build --offline` with the cache full, then again with
//     target/ removed before each run (MEDIUM resolution from the cache);
//   - `bal version`, and /bin/true as the cost of starting a process.
//
// It prints the medians and 90th percentiles as a Markdown table, when the
// cold builds printed their first pulled line, and the registry's requests
// per route for one cold build and one update check (from its /metrics).
// With -profile <dir> it then runs one build of each kind under a CPU
// profile (bench/build/profiled) and writes <dir>/<kind>.pprof. -latency
// puts a TCP proxy that delays each request in front of central; -bin
// takes prebuilt binaries; TMPDIR=/dev/shm puts the registry, the caches
// and the project on tmpfs, which shows what fsync costs.
package main

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"mime/multipart"
	"net"
	"net/http"
	"net/url"
	"os"
	"os/exec"
	"os/signal"
	"path/filepath"
	"runtime"
	"slices"
	"sort"
	"strings"
	"sync"
	"syscall"
	"time"
)

// bootstrapToken is the first administrator's token of the throwaway data
// directory.
const bootstrapToken = "bench-build-bootstrap-0123456789abcdef"

type config struct {
	packages, direct, layers int
	seed                     uint64
	cold, warm, offline, ver int
	pushWorkers              int
	latency                  time.Duration
	profileDir               string
	binDir                   string
	keep                     bool
}

func main() {
	var c config
	flag.IntVar(&c.packages, "packages", 200, "packages in the registry, all reached by the project")
	flag.IntVar(&c.direct, "direct", 30, "packages the project imports directly")
	flag.IntVar(&c.layers, "layers", 4, "layers of the dependency graph")
	flag.Uint64Var(&c.seed, "seed", 1, "seed of the generated universe")
	flag.IntVar(&c.cold, "cold", 5, "cold builds")
	flag.IntVar(&c.warm, "warm", 10, "warm, update-check and offline builds, each")
	flag.IntVar(&c.ver, "version", 50, "runs of bal version")
	flag.IntVar(&c.pushWorkers, "push-workers", 4, "concurrent pushes while seeding the registry")
	flag.DurationVar(&c.latency, "latency", 0, "delay added to every request, through a proxy in front of central (e.g. 20ms)")
	flag.StringVar(&c.profileDir, "profile", "", "write CPU profiles of one build of each kind into this directory")
	flag.StringVar(&c.binDir, "bin", "", "use the bal, central (and with -profile, profiled) binaries of this directory instead of building them")
	flag.BoolVar(&c.keep, "keep", false, "keep the temporary directory")
	flag.Parse()
	c.offline = c.warm

	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	if err := run(ctx, c); err != nil {
		fmt.Fprintln(os.Stderr, "bench/build:", err)
		os.Exit(1)
	}
}

func run(ctx context.Context, c config) (err error) {
	root, err := moduleRoot()
	if err != nil {
		return err
	}
	tmp, err := os.MkdirTemp("", "bench-build-")
	if err != nil {
		return err
	}
	if c.keep {
		fmt.Fprintf(os.Stderr, "keeping %s\n", tmp)
	} else {
		defer os.RemoveAll(tmp)
	}
	bin := filepath.Join(tmp, "bin")
	pkgs := []string{"./cmd/bal", "./cmd/central"}
	if c.profileDir != "" {
		pkgs = append(pkgs, "./bench/build/profiled")
		if c.profileDir, err = filepath.Abs(c.profileDir); err != nil {
			return err
		}
		if err := os.MkdirAll(c.profileDir, 0o755); err != nil {
			return err
		}
	}
	if c.binDir != "" {
		if bin, err = filepath.Abs(c.binDir); err != nil {
			return err
		}
	} else {
		step("building bal and central")
		build := exec.CommandContext(ctx, "go", append([]string{"build", "-o", bin + "/"}, pkgs...)...)
		build.Dir, build.Stdout, build.Stderr = root, os.Stderr, os.Stderr
		if err := build.Run(); err != nil {
			return fmt.Errorf("go build: %w", err)
		}
	}
	bal := filepath.Join(bin, "bal")

	step("starting central")
	srv, err := startCentral(ctx, filepath.Join(bin, "central"), tmp)
	if err != nil {
		return err
	}
	defer srv.stop()
	base := srv.url
	if c.latency > 0 {
		proxy, err := startLatencyProxy(srv.url, c.latency)
		if err != nil {
			return err
		}
		defer proxy.Close()
		base = "http://" + proxy.Addr
	}

	step("generating and pushing %d packages", c.packages)
	u, err := generate(c.seed, c.packages, c.direct, c.layers)
	if err != nil {
		return err
	}
	seedStart := time.Now()
	ps, err := seedRegistry(ctx, srv.url, u, c)
	if err != nil {
		return err
	}
	want := u.latestClosure()
	step("pushed %d versions of %d packages (%s, archives %s median, %s–%s) in %s; the project's graph has %d packages",
		ps.versions, len(u.pkgs), kb(ps.total), kb(ps.median), kb(ps.min), kb(ps.max), time.Since(seedStart).Round(time.Second), len(want))

	proj := filepath.Join(tmp, "project")
	if err := os.MkdirAll(proj, 0o755); err != nil {
		return err
	}
	for name, data := range u.projectFiles() {
		if err := os.WriteFile(filepath.Join(proj, name), []byte(data), 0o644); err != nil {
			return err
		}
	}
	homes := filepath.Join(tmp, "homes")
	centralURL := base + "/2.0/registry"
	b := &bencher{ctx: ctx, balBin: bal, proj: proj, centralURL: centralURL}
	resetProject := func() error {
		for _, p := range []string{"Dependencies.toml", "target"} {
			if err := os.RemoveAll(filepath.Join(proj, p)); err != nil {
				return err
			}
		}
		return nil
	}

	var rows []row
	load0 := loadAvg()

	// Cold: a new home (empty cache) and a new project state each run.
	step("cold builds")
	cold := row{name: "cold `bal build`", note: fmt.Sprintf("empty cache, no Dependencies.toml; pulls %d packages", len(want))}
	var coldRequests map[string]float64
	for i := range c.cold {
		if err := resetProject(); err != nil {
			return err
		}
		home := filepath.Join(homes, fmt.Sprintf("cold%d", i))
		before, _ := srv.metrics()
		r, err := b.bal(home, "build")
		if err != nil {
			return err
		}
		if err := r.check("cold build", 0, len(want), "Created Dependencies.toml"); err != nil {
			return err
		}
		if err := checkLock(proj, len(want)); err != nil {
			return err
		}
		if i == 0 {
			after, _ := srv.metrics()
			coldRequests = diffMetrics(before, after)
		}
		cold.add(r)
		if i < c.cold-1 {
			os.RemoveAll(home)
		}
	}
	rows = append(rows, cold)
	home := filepath.Join(homes, fmt.Sprintf("cold%d", c.cold-1))

	step("warm builds")
	warm := row{name: "warm `bal build`", note: "cache full, Dependencies.toml and target/build present: HARD inside the 24-hour window, no request"}
	before, _ := srv.metrics()
	for range c.warm {
		r, err := b.bal(home, "build")
		if err != nil {
			return err
		}
		if err := r.check("warm build", 0, 0, "kept the versions resolved less than 24 hours ago"); err != nil {
			return err
		}
		warm.add(r)
	}
	after, _ := srv.metrics()
	if n := sumMetrics(diffMetrics(before, after)); n != 0 {
		return fmt.Errorf("warm builds inside the window made %v requests to the registry, want none", n)
	}
	rows = append(rows, warm)

	step("update-check builds")
	check := row{name: "update check `bal build`", note: "cache full, Dependencies.toml present, target/ removed (window passed): MEDIUM, asks the registry, pulls nothing"}
	var checkRequests map[string]float64
	for i := range c.warm {
		if err := os.RemoveAll(filepath.Join(proj, "target")); err != nil {
			return err
		}
		before, _ := srv.metrics()
		r, err := b.bal(home, "build")
		if err != nil {
			return err
		}
		if err := r.check("update-check build", 0, 0, "Dependencies.toml is up to date"); err != nil {
			return err
		}
		if i == 0 {
			after, _ := srv.metrics()
			checkRequests = diffMetrics(before, after)
		}
		check.add(r)
	}
	rows = append(rows, check)

	step("offline builds")
	off := row{name: "offline `bal build --offline`", note: "cache full, Dependencies.toml and target/build present (HARD inside the window)"}
	for range c.offline {
		r, err := b.bal(home, "build", "--offline")
		if err != nil {
			return err
		}
		if err := r.check("offline build", 0, 0, "Dependencies.toml is up to date"); err != nil {
			return err
		}
		off.add(r)
	}
	rows = append(rows, off)

	offStale := row{name: "offline, window passed", note: "as offline, target/ removed first: MEDIUM resolution from the cache"}
	for range c.offline {
		if err := os.RemoveAll(filepath.Join(proj, "target")); err != nil {
			return err
		}
		r, err := b.bal(home, "build", "--offline")
		if err != nil {
			return err
		}
		if err := r.check("offline build", 0, 0, "Dependencies.toml is up to date"); err != nil {
			return err
		}
		offStale.add(r)
	}
	rows = append(rows, offStale)

	step("bal version")
	vrow := row{name: "`bal version`", note: "goal < 10 ms"}
	for range c.ver {
		r, err := b.bal(home, "version")
		if err != nil {
			return err
		}
		if r.code != 0 || !strings.Contains(r.stdout, "Ballerina") {
			return fmt.Errorf("bal version: exit %d\n%s%s", r.code, r.stdout, r.stderr)
		}
		vrow.add(r)
	}
	rows = append(rows, vrow)
	trow := row{name: "`/bin/true`", note: "starting a process, for comparison"}
	for range c.ver {
		r, err := b.exec(home, "/bin/true")
		if err != nil {
			return err
		}
		trow.add(r)
	}
	rows = append(rows, trow)
	load1 := loadAvg()

	fmt.Printf("\n%d packages (%d direct), %d versions, archives %s median (%s–%s, %s in all); %d CPUs (GOMAXPROCS %d), %s; load average %s before, %s after",
		len(u.pkgs), len(u.direct), ps.versions, kb(ps.median), kb(ps.min), kb(ps.max), kb(ps.total),
		runtime.NumCPU(), runtime.GOMAXPROCS(0), runtime.Version(), load0, load1)
	if c.latency > 0 {
		fmt.Printf("; %s added to every request", c.latency)
	}
	fmt.Print("\n\n")
	printTable(os.Stdout, rows)
	var firstPulls []time.Duration
	for _, r := range cold.runs {
		firstPulls = append(firstPulls, r.firstPull)
	}
	fmt.Printf("\nCold builds printed their first pulled line after %s (median; %s–%s): resolution, with its metadata requests, then the first download; the downloads and extraction take the rest.\n",
		ms(quantile(firstPulls, 0.5)), ms(slices.Min(firstPulls)), ms(slices.Max(firstPulls)))
	fmt.Printf("Registry requests of the first cold build: %s\n", formatMetrics(coldRequests))
	fmt.Printf("Registry requests of the first update check: %s\n", formatMetrics(checkRequests))

	if c.profileDir != "" {
		step("profiles")
		if err := profile(b, bin, homes, proj, c.profileDir, len(want), resetProject); err != nil {
			return err
		}
		fmt.Printf("\nCPU profiles in %s: go tool pprof -top %s\n", c.profileDir, filepath.Join(c.profileDir, "<kind>.pprof"))
	}
	return nil
}

// profile runs one build of each kind with the profiled bal.
func profile(b *bencher, bin, homes, proj, dir string, want int, reset func() error) error {
	pb := *b
	pb.balBin = filepath.Join(bin, "profiled")
	home := filepath.Join(homes, "profile")
	runs := []struct {
		kind, contains string
		pulled         int
		args           []string
		before         func() error
	}{
		{"cold", "Created Dependencies.toml", want, []string{"build"}, reset},
		{"warm", "kept the versions", 0, []string{"build"}, nil},
		{"check", "Dependencies.toml is up to date", 0, []string{"build"}, func() error { return os.RemoveAll(filepath.Join(proj, "target")) }},
		{"offline", "Dependencies.toml is up to date", 0, []string{"build", "--offline"}, nil},
		{"version", "Ballerina", 0, []string{"version"}, nil},
	}
	for _, r := range runs {
		if r.before != nil {
			if err := r.before(); err != nil {
				return err
			}
		}
		pb.extraEnv = []string{"BENCH_CPU_PROFILE=" + filepath.Join(dir, r.kind+".pprof")}
		res, err := pb.bal(home, r.args...)
		if err != nil {
			return err
		}
		if err := res.check("profiled "+r.kind, 0, r.pulled, r.contains); err != nil {
			return err
		}
		fmt.Printf("profiled %-8s %s\n", r.kind, res.wall.Round(time.Millisecond))
	}
	return nil
}

// bencher runs bal against the registry.
type bencher struct {
	ctx        context.Context
	balBin     string
	proj       string
	centralURL string
	extraEnv   []string
}

type result struct {
	wall, cpu time.Duration
	sys       time.Duration // the system part of cpu
	// firstPull is when the first "pulled from central" line came, 0 if
	// none did: the end of resolution, give or take one download.
	firstPull      time.Duration
	code           int
	stdout, stderr string
}

// check verifies a build's exit status, its number of pulled lines and a
// line of its output.
func (r *result) check(what string, code, pulled int, contains string) error {
	n := strings.Count(r.stdout, " pulled from central successfully\n")
	if r.code != code || n != pulled || !strings.Contains(r.stdout, contains) {
		return fmt.Errorf("%s: exit status %d (want %d), %d packages pulled (want %d), output should contain %q:\nstdout:\n%s\nstderr:\n%s",
			what, r.code, code, n, pulled, contains, clip(r.stdout, 3000), clip(r.stderr, 3000))
	}
	return nil
}

func (b *bencher) bal(home string, args ...string) (*result, error) {
	return b.exec(home, b.balBin, args...)
}

func (b *bencher) exec(home, prog string, args ...string) (*result, error) {
	cmd := exec.CommandContext(b.ctx, prog, args...)
	cmd.Dir = b.proj
	cmd.Env = append(balEnv(), "BALLERINA_HOME_DIR="+home, "BALLERINA_CENTRAL_URL="+b.centralURL)
	cmd.Env = append(cmd.Env, b.extraEnv...)
	var errOut bytes.Buffer
	start := time.Now()
	out := &watchWriter{start: start, watch: []byte(" pulled from central successfully\n")}
	cmd.Stdout, cmd.Stderr = out, &errOut
	err := cmd.Run()
	wall := time.Since(start)
	var ee *exec.ExitError
	if err != nil && !errors.As(err, &ee) {
		return nil, err
	}
	if b.ctx.Err() != nil {
		return nil, b.ctx.Err()
	}
	ps := cmd.ProcessState
	r := &result{wall: wall, cpu: ps.UserTime() + ps.SystemTime(), sys: ps.SystemTime(), code: ps.ExitCode(), stdout: out.buf.String(), stderr: errOut.String(), firstPull: out.seen}
	return r, nil
}

// watchWriter collects a process's output and notes when watch first
// appears in it.
type watchWriter struct {
	start time.Time
	watch []byte
	buf   bytes.Buffer
	seen  time.Duration
}

func (w *watchWriter) Write(p []byte) (int, error) {
	w.buf.Write(p)
	if w.seen == 0 && bytes.Contains(w.buf.Bytes(), w.watch) {
		w.seen = time.Since(w.start)
	}
	return len(p), nil
}

// balEnv is the harness's environment without anything that would point
// bal at another home, distribution, registry, token or proxy.
func balEnv() []string {
	var env []string
	for _, kv := range os.Environ() {
		k, _, _ := strings.Cut(kv, "=")
		switch ku := strings.ToUpper(k); {
		case strings.HasPrefix(ku, "BALLERINA"), strings.HasPrefix(ku, "BALCENTRAL"),
			ku == "HTTP_PROXY", ku == "HTTPS_PROXY", ku == "NO_PROXY", ku == "ALL_PROXY":
			continue
		}
		env = append(env, kv)
	}
	return env
}

// checkLock checks that Dependencies.toml locks the whole graph: the
// packages pulled plus the root.
func checkLock(proj string, want int) error {
	data, err := os.ReadFile(filepath.Join(proj, "Dependencies.toml"))
	if err != nil {
		return err
	}
	if n := strings.Count(string(data), "[[package]]"); n != want+1 {
		return fmt.Errorf("Dependencies.toml has %d packages, want %d and the root", n, want)
	}
	return nil
}

// row collects the runs of one scenario.
type row struct {
	name, note string
	runs       []*result
}

func (r *row) add(res *result) { r.runs = append(r.runs, res) }

func printTable(w io.Writer, rows []row) {
	fmt.Fprintln(w, "| scenario | runs | median | p90 | min | max | CPU (median) | of which system | what |")
	fmt.Fprintln(w, "|---|---|---|---|---|---|---|---|---|")
	for _, r := range rows {
		var wall, cpu, sys []time.Duration
		for _, x := range r.runs {
			wall = append(wall, x.wall)
			cpu = append(cpu, x.cpu)
			sys = append(sys, x.sys)
		}
		fmt.Fprintf(w, "| %s | %d | %s | %s | %s | %s | %s | %s | %s |\n", r.name, len(r.runs),
			ms(quantile(wall, 0.5)), ms(quantile(wall, 0.9)), ms(slices.Min(wall)), ms(slices.Max(wall)),
			ms(quantile(cpu, 0.5)), ms(quantile(sys, 0.5)), r.note)
	}
}

// quantile returns the q-quantile of ds: the median interpolates between
// the two middle values of an even count, other quantiles are the nearest
// rank.
func quantile(ds []time.Duration, q float64) time.Duration {
	s := slices.Clone(ds)
	slices.Sort(s)
	if q == 0.5 && len(s)%2 == 0 {
		return (s[len(s)/2-1] + s[len(s)/2]) / 2
	}
	i := int(float64(len(s))*q+0.999999) - 1
	return s[min(max(i, 0), len(s)-1)]
}

func ms(d time.Duration) string {
	switch {
	case d >= 10*time.Second:
		return fmt.Sprintf("%.1f s", d.Seconds())
	case d >= 100*time.Millisecond:
		return fmt.Sprintf("%.0f ms", float64(d)/1e6)
	default:
		return fmt.Sprintf("%.1f ms", float64(d)/1e6)
	}
}

func kb(n int) string {
	if n >= 10<<20 {
		return fmt.Sprintf("%.0f MB", float64(n)/(1<<20))
	}
	return fmt.Sprintf("%.0f KB", float64(n)/1024)
}

// clip shortens s to its first and last n/2 bytes.
func clip(s string, n int) string {
	if len(s) > n {
		return s[:n/2] + "\n…\n" + s[len(s)-n/2:]
	}
	return s
}

func step(format string, args ...any) {
	fmt.Fprintf(os.Stderr, "== "+format+"\n", args...)
}

func loadAvg() string {
	data, err := os.ReadFile("/proc/loadavg")
	if err != nil {
		return "?"
	}
	f := strings.Fields(string(data))
	if len(f) < 3 {
		return "?"
	}
	return strings.Join(f[:3], " ")
}

func moduleRoot() (string, error) {
	out, err := exec.Command("go", "env", "GOMOD").Output()
	if err != nil {
		return "", fmt.Errorf("go env GOMOD: %w", err)
	}
	gomod := strings.TrimSpace(string(out))
	if gomod == "" || gomod == os.DevNull {
		return "", errors.New("run from inside the balcentral module")
	}
	return filepath.Dir(gomod), nil
}

// central is a running registry.
type central struct {
	cmd  *exec.Cmd
	url  string
	done chan struct{}
}

func startCentral(ctx context.Context, bin, tmp string) (*central, error) {
	logFile, err := os.Create(filepath.Join(tmp, "central.log"))
	if err != nil {
		return nil, err
	}
	cmd := exec.Command(bin, "--addr", "127.0.0.1:0", "--data", filepath.Join(tmp, "data"),
		"--rate-limit", "off", "--log-level", "warn")
	cmd.Env = append(balEnv(), "CENTRAL_BOOTSTRAP_TOKEN="+bootstrapToken)
	cmd.Stderr = logFile
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		return nil, err
	}
	if err := cmd.Start(); err != nil {
		return nil, err
	}
	c := &central{cmd: cmd, done: make(chan struct{})}
	lines := make(chan string, 1)
	go func() {
		// Other lines (the administrator created on the first start) come
		// before the address.
		sc := bufio.NewScanner(stdout)
		sent := false
		for sc.Scan() {
			if !sent && strings.HasPrefix(sc.Text(), "listening on ") {
				lines <- sc.Text()
				sent = true
			}
		}
		if !sent {
			close(lines)
		}
	}()
	go func() { cmd.Wait(); logFile.Close(); close(c.done) }()
	select {
	case line, ok := <-lines:
		u, found := strings.CutPrefix(line, "listening on ")
		if !ok || !found {
			c.stop()
			log, _ := os.ReadFile(logFile.Name())
			return nil, fmt.Errorf("central did not start (%q):\n%s", line, log)
		}
		c.url = u
	case <-time.After(30 * time.Second):
		c.stop()
		return nil, errors.New("central did not print its address within 30 s")
	case <-ctx.Done():
		c.stop()
		return nil, ctx.Err()
	}
	return c, nil
}

func (c *central) stop() {
	c.cmd.Process.Signal(syscall.SIGTERM)
	select {
	case <-c.done:
	case <-time.After(10 * time.Second):
		c.cmd.Process.Kill()
		<-c.done
	}
}

// metrics returns central's request counters by route, summed over
// methods and statuses.
func (c *central) metrics() (map[string]float64, error) {
	resp, err := http.Get(c.url + "/metrics")
	if err != nil {
		return nil, err
	}
	defer resp.Body.Close()
	out := make(map[string]float64)
	sc := bufio.NewScanner(resp.Body)
	for sc.Scan() {
		line := sc.Text()
		rest, ok := strings.CutPrefix(line, "central_http_requests_total{")
		if !ok {
			continue
		}
		labels, val, ok := strings.Cut(rest, "} ")
		if !ok {
			continue
		}
		var route, method string
		for _, l := range strings.Split(labels, ",") {
			k, v, _ := strings.Cut(l, "=")
			switch k {
			case "route":
				route = strings.Trim(v, `"`)
			case "method":
				method = strings.Trim(v, `"`)
			}
		}
		if strings.Contains(route, "/metrics") {
			continue
		}
		var f float64
		fmt.Sscan(val, &f)
		out[method+" "+route] += f
	}
	return out, sc.Err()
}

func diffMetrics(before, after map[string]float64) map[string]float64 {
	out := make(map[string]float64)
	for k, v := range after {
		if d := v - before[k]; d > 0 {
			out[k] = d
		}
	}
	return out
}

func sumMetrics(m map[string]float64) float64 {
	var s float64
	for _, v := range m {
		s += v
	}
	return s
}

func formatMetrics(m map[string]float64) string {
	if len(m) == 0 {
		return "none"
	}
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	parts := []string{fmt.Sprintf("%.0f in all", sumMetrics(m))}
	for _, k := range keys {
		parts = append(parts, fmt.Sprintf("%s ×%.0f", k, m[k]))
	}
	return strings.Join(parts, "; ")
}

// latencyProxy forwards TCP connections from a free loopback port to
// central, holding every chunk the client sends for d before passing it
// on: each request (headers and small body, one or two writes) reaches the
// registry d later, as over a link with a round trip of about d. It works
// below HTTP, so the Host header, redirects and keep-alive are central's
// and bal's own.
type latencyProxy struct {
	ln   net.Listener
	Addr string
}

func startLatencyProxy(target string, d time.Duration) (*latencyProxy, error) {
	tu, err := url.Parse(target)
	if err != nil {
		return nil, err
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return nil, err
	}
	p := &latencyProxy{ln: ln, Addr: ln.Addr().String()}
	go func() {
		for {
			c, err := ln.Accept()
			if err != nil {
				return
			}
			go p.serve(c, tu.Host, d)
		}
	}()
	return p, nil
}

func (p *latencyProxy) serve(c net.Conn, upstream string, d time.Duration) {
	u, err := net.Dial("tcp", upstream)
	if err != nil {
		c.Close()
		return
	}
	go func() {
		// Central to bal, at once; when central closes, so does bal's side.
		io.Copy(c, u)
		c.Close()
	}()
	buf := make([]byte, 64<<10)
	for {
		n, err := c.Read(buf)
		if n > 0 {
			time.Sleep(d)
			if _, werr := u.Write(buf[:n]); werr != nil {
				break
			}
		}
		if err != nil {
			break
		}
	}
	u.(*net.TCPConn).CloseWrite()
}

func (p *latencyProxy) Close() error { return p.ln.Close() }

// pushStats describes the archives pushed.
type pushStats struct {
	versions, total, min, median, max int
}

// seedRegistry creates the organizations and pushes every version of every
// package, c.pushWorkers at a time.
func seedRegistry(ctx context.Context, base string, u *universe, c config) (*pushStats, error) {
	for _, org := range orgs {
		body, _ := json.Marshal(map[string]string{"name": org})
		if err := call(ctx, http.MethodPost, base+"/api/v1/orgs", "application/json", bytes.NewReader(body), http.StatusCreated); err != nil {
			return nil, fmt.Errorf("creating org %s: %w", org, err)
		}
	}
	sp := newSourcePool(c.seed, 64)
	type job struct{ id, k int }
	jobs := make(chan job)
	var (
		mu    sync.Mutex
		sizes []int
		first error
	)
	var wg sync.WaitGroup
	for range c.pushWorkers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for j := range jobs {
				data, err := u.archive(sp, j.id, j.k)
				if err == nil {
					err = push(ctx, base, u.pkgs[j.id], u.pkgs[j.id].versions[j.k].v, data)
				}
				mu.Lock()
				if err != nil && first == nil {
					first = err
				}
				sizes = append(sizes, len(data))
				mu.Unlock()
			}
		}()
	}
	for id, p := range u.pkgs {
		for k := range p.versions {
			jobs <- job{id, k}
		}
	}
	close(jobs)
	wg.Wait()
	if first != nil {
		return nil, first
	}
	sort.Ints(sizes)
	ps := &pushStats{versions: len(sizes), min: sizes[0], median: sizes[len(sizes)/2], max: sizes[len(sizes)-1]}
	for _, s := range sizes {
		ps.total += s
	}
	return ps, nil
}

// push uploads one archive as bal push does: multipart, part "bala-file".
func push(ctx context.Context, base string, p *pkg, v string, data []byte) error {
	var body bytes.Buffer
	mw := multipart.NewWriter(&body)
	part, err := mw.CreateFormFile("bala-file", fmt.Sprintf("%s-%s-any-%s.bala", p.org, p.name, v))
	if err != nil {
		return err
	}
	part.Write(data)
	mw.Close()
	if err := call(ctx, http.MethodPost, base+"/2.0/registry/packages", mw.FormDataContentType(), &body, http.StatusNoContent); err != nil {
		return fmt.Errorf("pushing %s/%s:%s: %w", p.org, p.name, v, err)
	}
	return nil
}

func call(ctx context.Context, method, url, contentType string, body io.Reader, want int) error {
	req, err := http.NewRequestWithContext(ctx, method, url, body)
	if err != nil {
		return err
	}
	req.Header.Set("Authorization", "Bearer "+bootstrapToken)
	req.Header.Set("Content-Type", contentType)
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		return err
	}
	defer resp.Body.Close()
	msg, _ := io.ReadAll(io.LimitReader(resp.Body, 4096))
	if resp.StatusCode != want {
		return fmt.Errorf("%s %s: %s: %s", method, url, resp.Status, msg)
	}
	return nil
}
