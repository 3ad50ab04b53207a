package registry

import (
	"bufio"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/balcentral/balcentral/internal/blob/s3blob/miniotest"
	"github.com/balcentral/balcentral/internal/store/postgres"
	"github.com/balcentral/balcentral/internal/store/postgres/pgtest"
)

// TestMain stops the MinIO server that the tests of the shared backends
// start (miniotest), once every test has run.
func TestMain(m *testing.M) { miniotest.Main(m) }

// A sharedBackend is a PostgreSQL database and a bucket that replicas of
// central share, as the environment of a central process.
type sharedBackend struct {
	dsn string
	env []string
}

// newSharedBackend creates an empty database in cluster and an empty
// bucket on the test binary's MinIO. The schema is not migrated.
func newSharedBackend(t *testing.T, cluster *pgtest.Cluster) sharedBackend {
	t.Helper()
	dsn := cluster.NewDatabase(t)
	ep := miniotest.Start(t)
	return sharedBackend{dsn: dsn, env: []string{
		"CENTRAL_DATABASE=" + dsn,
		"CENTRAL_BLOB_STORE=s3",
		"CENTRAL_S3_ENDPOINT=" + ep.URL,
		"CENTRAL_S3_REGION=" + ep.Region,
		"CENTRAL_S3_BUCKET=" + ep.Bucket,
		"CENTRAL_S3_PREFIX=central/",
		"CENTRAL_S3_ADDRESSING=path",
		EnvS3AccessKey + "=" + ep.AccessKey,
		EnvS3SecretKey + "=" + ep.SecretKey,
		EnvBootstrapToken + "=" + crashBootstrapToken,
	}}
}

// centralCommand returns a central process of bin with the environment
// of the backend plus env, less the variables of the developer's own
// registry configuration.
func (b sharedBackend) command(bin string, env []string, args ...string) *exec.Cmd {
	cmd := exec.Command(bin, args...)
	for _, kv := range os.Environ() {
		if !strings.HasPrefix(kv, "CENTRAL_") {
			cmd.Env = append(cmd.Env, kv)
		}
	}
	cmd.Env = append(append(cmd.Env, b.env...), env...)
	return cmd
}

// migrate runs `central migrate` and returns its output.
func (b sharedBackend) migrate(t *testing.T, bin string) string {
	t.Helper()
	out, err := b.command(bin, nil, "migrate").CombinedOutput()
	if err != nil {
		t.Fatalf("central migrate: %v\n%s", err, out)
	}
	return string(out)
}

// A replica is a running central process.
type replica struct {
	cmd    *exec.Cmd
	url    string
	stdout *syncBuffer // the lines before "listening on"
	stderr *syncBuffer
	done   chan struct{} // closed when the process has exited
}

// startReplica starts central serve on a free port with its own data
// directory and waits for its listening line.
func (b sharedBackend) startReplica(t *testing.T, bin string, args ...string) *replica {
	t.Helper()
	r, err := b.tryStartReplica(t, bin, args...)
	if err != nil {
		t.Fatal(err)
	}
	return r
}

func (b sharedBackend) tryStartReplica(t *testing.T, bin string, args ...string) (*replica, error) {
	args = append([]string{"serve", "--addr", "127.0.0.1:0", "--data", t.TempDir(), "--log-level", "warn"}, args...)
	cmd := b.command(bin, nil, args...)
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		return nil, err
	}
	r := &replica{cmd: cmd, stdout: &syncBuffer{}, stderr: &syncBuffer{}, done: make(chan struct{})}
	cmd.Stderr = r.stderr
	if err := cmd.Start(); err != nil {
		return nil, err
	}
	go func() { cmd.Wait(); close(r.done) }()
	t.Cleanup(r.kill)
	urlc := make(chan string, 1)
	go func() {
		sc := bufio.NewScanner(stdout)
		for sc.Scan() {
			if u, ok := strings.CutPrefix(sc.Text(), "listening on "); ok {
				urlc <- u
				break
			}
			fmt.Fprintln(r.stdout, sc.Text())
		}
		io.Copy(io.Discard, stdout)
	}()
	select {
	case r.url = <-urlc:
		return r, nil
	case <-r.done:
		return nil, fmt.Errorf("central exited before listening (%v); stderr:\n%s", cmd.ProcessState, r.stderr.String())
	case <-time.After(60 * time.Second):
		r.kill()
		return nil, fmt.Errorf("central did not start; stderr:\n%s", r.stderr.String())
	}
}

// kill ends the process with SIGKILL: no shutdown code runs.
func (r *replica) kill() {
	r.cmd.Process.Signal(syscall.SIGKILL)
	<-r.done
}

// stop ends the process with SIGTERM, as an orchestrator does, and waits
// for its graceful exit.
func (r *replica) stop(t *testing.T) {
	t.Helper()
	r.cmd.Process.Signal(syscall.SIGTERM)
	select {
	case <-r.done:
	case <-time.After(60 * time.Second):
		r.kill()
		t.Fatalf("central did not stop on SIGTERM; stderr:\n%s", r.stderr.String())
	}
	if code := r.cmd.ProcessState.ExitCode(); code != 0 {
		t.Fatalf("central exited with status %d on SIGTERM; stderr:\n%s", code, r.stderr.String())
	}
}

// replicaClient does not follow redirects: the tests look at the 302s.
var replicaClient = &http.Client{
	Timeout:       60 * time.Second,
	CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse },
}

// call sends a request with the administrator's token and returns the
// status and body.
func call(t *testing.T, method, url, body string) (int, []byte) {
	t.Helper()
	req, err := http.NewRequest(method, url, strings.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("Authorization", "Bearer "+crashBootstrapToken)
	if body != "" {
		req.Header.Set("Content-Type", "application/json")
	}
	resp, err := replicaClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatal(err)
	}
	return resp.StatusCode, b
}

// createCrashOrg creates the organization crashPush pushes to.
func createCrashOrg(t *testing.T, base string) {
	t.Helper()
	if code, body := call(t, http.MethodPost, base+"/api/v1/orgs", `{"name":"crash"}`); code != http.StatusCreated {
		t.Fatalf("creating org crash: %d %s", code, body)
	}
}

// pushVersion pushes crash/name:version with a README made of readme and
// returns the bala's SHA-256.
func pushVersion(t *testing.T, base, name, version, readme string) (string, int) {
	t.Helper()
	b := testBala(t, balaSpec{Org: "crash", Name: name, Version: version, Readme: "# " + name + "\n\n" + readme + "\n"})
	sum := sha256.Sum256(b)
	return hex.EncodeToString(sum[:]), crashPush(replicaClient, base, b, "crash-"+name+"-any-"+version+".bala")
}

// TestReplicas runs central as two replicas sharing one PostgreSQL
// database and one MinIO bucket, each with a data directory of its own,
// as a team deploys it behind a load balancer. Every subtest has a fresh
// database and bucket on one cluster.
func TestReplicas(t *testing.T) {
	if testing.Short() {
		t.Skip("builds central and runs it against PostgreSQL and MinIO")
	}
	cluster := pgtest.NewCluster(t)
	miniotest.Start(t) // skips or fails here, before the build, when MinIO is missing
	bin, err := centralBinary()
	if err != nil {
		t.Fatal(err)
	}

	t.Run("migrate", func(t *testing.T) {
		b := newSharedBackend(t, cluster)
		// The server never migrates a PostgreSQL schema itself.
		if _, err := b.tryStartReplica(t, bin); err == nil || !strings.Contains(err.Error(), "run `central migrate` with the same configuration") {
			t.Fatalf("central on an empty database: %v, want a refusal that says to run central migrate", err)
		}
		// Two migrations at once, as two deploy jobs might run them:
		// each step is applied once.
		outs := make([]string, 2)
		var wg sync.WaitGroup
		for i := range outs {
			wg.Go(func() { outs[i] = b.migrate(t, bin) })
		}
		wg.Wait()
		want := fmt.Sprintf("to %d\n", postgres.SchemaVersion())
		for _, out := range outs {
			if !strings.HasPrefix(out, "postgres ") || !strings.Contains(out, "migrated the schema from version") && !strings.Contains(out, "up to date") {
				t.Errorf("central migrate printed %q", out)
			}
		}
		if !strings.HasSuffix(outs[0], want) && !strings.HasSuffix(outs[1], want) {
			t.Errorf("neither migration reports reaching version %d: %q", postgres.SchemaVersion(), outs)
		}
		ctx := context.Background()
		conn, err := pgx.Connect(ctx, b.dsn)
		if err != nil {
			t.Fatal(err)
		}
		defer conn.Close(ctx)
		var rows, distinct int
		if err := conn.QueryRow(ctx, "SELECT count(*), count(DISTINCT version) FROM schema_migrations").Scan(&rows, &distinct); err != nil {
			t.Fatal(err)
		}
		if rows != postgres.SchemaVersion() || distinct != rows {
			t.Errorf("schema_migrations has %d rows (%d versions), want %d: a migration ran twice or not at all", rows, distinct, postgres.SchemaVersion())
		}
		if out := b.migrate(t, bin); !strings.HasSuffix(out, fmt.Sprintf("schema version %d, up to date\n", postgres.SchemaVersion())) {
			t.Errorf("central migrate on a migrated database printed %q", out)
		}
		b.startReplica(t, bin)
	})

	t.Run("bootstrap", func(t *testing.T) {
		b := newSharedBackend(t, cluster)
		b.migrate(t, bin)
		// Both replicas start at once on the empty database with the
		// same CENTRAL_BOOTSTRAP_TOKEN: both must come up, with one
		// administrator between them.
		reps := make([]*replica, 2)
		errs := make([]error, 2)
		var wg sync.WaitGroup
		for i := range reps {
			wg.Go(func() { reps[i], errs[i] = b.tryStartReplica(t, bin) })
		}
		wg.Wait()
		if err := errors.Join(errs...); err != nil {
			t.Fatal(err)
		}
		created := 0
		for _, r := range reps {
			if strings.Contains(r.stdout.String(), "created administrator") {
				created++
			}
		}
		if created != 1 {
			t.Errorf("%d replicas created the administrator, want 1; stdout:\n%s\n---\n%s", created, reps[0].stdout.String(), reps[1].stdout.String())
		}
		for _, r := range reps {
			code, body := call(t, http.MethodGet, r.url+"/api/v1/users", "")
			var list struct {
				Users []struct {
					Username string `json:"username"`
					Admin    bool   `json:"admin"`
				} `json:"users"`
			}
			if code != http.StatusOK || json.Unmarshal(body, &list) != nil {
				t.Fatalf("GET /api/v1/users: %d %s", code, body)
			}
			users, admins := list.Users, 0
			for _, u := range users {
				if u.Admin {
					admins++
				}
			}
			if len(users) != 1 || admins != 1 {
				t.Errorf("users after two bootstraps: %s, want one administrator", body)
			}
		}
		// The admin commands work on the shared database too.
		out, err := b.command(bin, nil, "user", "list").CombinedOutput()
		if err != nil || !strings.Contains(string(out), "admin") {
			t.Errorf("central user list on the shared database: %v\n%s", err, out)
		}
	})

	t.Run("push through one, pull through the other", func(t *testing.T) {
		b := newSharedBackend(t, cluster)
		b.migrate(t, bin)
		r1 := b.startReplica(t, bin)
		r2 := b.startReplica(t, bin)
		createCrashOrg(t, r1.url)
		digest, code := pushVersion(t, r1.url, "pkg0", "1.0.0", "Shared between replicas.")
		if code != http.StatusNoContent {
			t.Fatalf("push through replica 1: %d", code)
		}
		if got := downloadDigest(t, replicaClient, r2.url, "pkg0", "1.0.0"); got != digest {
			t.Errorf("replica 2 serves sha256 %s, pushed %s", got, digest)
		}
		code, body := call(t, http.MethodGet, r2.url+centralPrefix+"/packages/?q=shared", "")
		if code != http.StatusOK || !strings.Contains(string(body), `"name":"pkg0"`) {
			t.Errorf("search through replica 2: %d %s", code, body)
		}
		// Pull counts are kept per process and added to the database:
		// downloads through both replicas add up.
		for range 2 {
			downloadDigest(t, replicaClient, r1.url, "pkg0", "1.0.0")
		}
		r1.stop(t) // flushes replica 1's counts
		r2.stop(t) // flushes replica 2's: 1 + 2 more
		r3 := b.startReplica(t, bin)
		code, body = call(t, http.MethodGet, r3.url+centralPrefix+"/packages/crash/pkg0/1.0.0", "")
		var pkg struct {
			PullCount int64 `json:"pullCount"`
		}
		if code != http.StatusOK || json.Unmarshal(body, &pkg) != nil {
			t.Fatalf("package through replica 3: %d %s", code, body)
		}
		if pkg.PullCount != 3 {
			t.Errorf("pullCount = %d after 3 downloads through two replicas, want 3", pkg.PullCount)
		}
	})

	t.Run("concurrent pushes of one version", func(t *testing.T) {
		b := newSharedBackend(t, cluster)
		b.migrate(t, bin)
		r1 := b.startReplica(t, bin, "--rate-limit", "off")
		r2 := b.startReplica(t, bin, "--rate-limit", "off")
		createCrashOrg(t, r1.url)
		const pushes = 100
		codes := make([]int, pushes)
		digests := make([]string, pushes)
		var wg sync.WaitGroup
		for i := range pushes {
			base := []string{r1.url, r2.url}[i%2]
			wg.Go(func() {
				// Different content for the same version, so that the
				// winner is known by its digest.
				digests[i], codes[i] = pushVersion(t, base, "pkg1", "1.0.0", fmt.Sprintf("Push number %d.", i))
			})
		}
		wg.Wait()
		winner, perStatus := -1, map[int]int{}
		for i, c := range codes {
			perStatus[c]++
			if c == http.StatusNoContent {
				winner = i
			}
		}
		if perStatus[http.StatusNoContent] != 1 || perStatus[http.StatusBadRequest] != pushes-1 {
			t.Fatalf("statuses of %d concurrent pushes of one version: %v, want one 204 and %d 400", pushes, perStatus, pushes-1)
		}
		for _, r := range []*replica{r1, r2} {
			if got := downloadDigest(t, replicaClient, r.url, "pkg1", "1.0.0"); got != digests[winner] {
				t.Errorf("%s serves sha256 %s, the push that got 204 sent %s", r.url, got, digests[winner])
			}
		}
	})

	t.Run("killing a replica loses nothing", func(t *testing.T) {
		b := newSharedBackend(t, cluster)
		b.migrate(t, bin)
		r1 := b.startReplica(t, bin, "--rate-limit", "off")
		r2 := b.startReplica(t, bin, "--rate-limit", "off")
		createCrashOrg(t, r1.url)
		var mu sync.Mutex
		pushed, acked := map[string]string{}, map[string]bool{}
		stop := make(chan struct{})
		var wg sync.WaitGroup
		for w := range 6 {
			base := []string{r1.url, r2.url}[w%2]
			wg.Go(func() {
				for i := 0; ; i++ {
					select {
					case <-stop:
						return
					default:
					}
					name, ver := fmt.Sprintf("pkg%d", w%3), fmt.Sprintf("1.%d.%d", w, i)
					// A large README makes the kill likely to land
					// during an upload.
					digest, code := pushVersion(t, base, name, ver, strings.Repeat("padding ", 20000+i))
					mu.Lock()
					pushed[name+":"+ver] = digest
					if code == http.StatusNoContent {
						acked[name+":"+ver] = true
					}
					mu.Unlock()
				}
			})
		}
		// Kill replica 1 once some pushes went through, while others are
		// under way; replica 2 keeps serving.
		deadline := time.Now().Add(2 * time.Minute)
		for {
			mu.Lock()
			n := len(acked)
			mu.Unlock()
			if n >= 6 || time.Now().After(deadline) {
				break
			}
			time.Sleep(20 * time.Millisecond)
		}
		r1.kill()
		time.Sleep(300 * time.Millisecond)
		close(stop)
		wg.Wait()
		if len(acked) == 0 {
			t.Fatal("no push succeeded: the test exercised nothing")
		}
		checkEveryVersion(t, replicaClient, r2.url, pushed, acked)
		// A replica started afterwards sees the same.
		checkEveryVersion(t, replicaClient, b.startReplica(t, bin).url, pushed, acked)
		t.Logf("%d pushes acknowledged, %d attempted, replica 1 killed mid-push", len(acked), len(pushed))
	})

	t.Run("redirect_downloads", func(t *testing.T) {
		b := newSharedBackend(t, cluster)
		b.migrate(t, bin)
		r := b.startReplica(t, bin, "--redirect-downloads", "true")
		createCrashOrg(t, r.url)
		digest, code := pushVersion(t, r.url, "pkg0", "1.2.3", "Pulled from the bucket.")
		if code != http.StatusNoContent {
			t.Fatalf("push: %d", code)
		}
		private := testBala(t, balaSpec{Org: "crash", Name: "secret", Version: "1.0.0", Visibility: "private"})
		if code := crashPush(replicaClient, r.url, private, "crash-secret-any-1.0.0.bala"); code != http.StatusNoContent {
			t.Fatalf("push of a private version: %d", code)
		}
		pull := func(name, version, token string) *http.Response {
			t.Helper()
			req, _ := http.NewRequest(http.MethodGet, r.url+centralPrefix+"/packages/crash/"+name+"/"+version, nil)
			req.Header.Set("Accept", "application/octet-stream")
			if token != "" {
				req.Header.Set("Authorization", "Bearer "+token)
			}
			resp, err := replicaClient.Do(req)
			if err != nil {
				t.Fatal(err)
			}
			resp.Body.Close()
			if resp.StatusCode != http.StatusFound {
				t.Fatalf("pull %s:%s: %d, want 302", name, version, resp.StatusCode)
			}
			return resp
		}
		get := func(loc, token string) (int, string) {
			t.Helper()
			req, _ := http.NewRequest(http.MethodGet, loc, nil)
			if token != "" {
				req.Header.Set("Authorization", "Bearer "+token)
			}
			resp, err := replicaClient.Do(req)
			if err != nil {
				t.Fatal(err)
			}
			defer resp.Body.Close()
			body, err := io.ReadAll(resp.Body)
			if err != nil {
				t.Fatal(err)
			}
			if resp.StatusCode == http.StatusOK && resp.ContentLength != int64(len(body)) {
				t.Errorf("GET %s: Content-Length %d for %d bytes: the Java client needs it", loc, resp.ContentLength, len(body))
			}
			sum := sha256.Sum256(body)
			return resp.StatusCode, hex.EncodeToString(sum[:])
		}

		// Anonymous: straight to the bucket, the version where the
		// clients look for it.
		resp := pull("pkg0", "1.2.3", "")
		loc := resp.Header.Get("Location")
		u, err := url.Parse(loc)
		if err != nil || strings.HasPrefix(loc, r.url) || u.Query().Get("X-Amz-Signature") == "" {
			t.Fatalf("anonymous pull redirected to %q, want a presigned URL of the object store", loc)
		}
		if segs := strings.Split(u.Path, "/"); segs[len(segs)-2] != "1.2.3" || segs[len(segs)-1] != "crash-pkg0-any-1.2.3.bala" {
			t.Errorf("Location path %q: want .../1.2.3/crash-pkg0-any-1.2.3.bala", u.Path)
		}
		if d := resp.Header.Get("digest"); d != "sha-256="+strings.TrimLeft(digest, "0") {
			t.Errorf("digest header %q, want sha-256=%s", d, digest)
		}
		if code, got := get(loc, ""); code != http.StatusOK || got != digest {
			t.Errorf("GET presigned URL: %d sha256 %s, want 200 %s", code, got, digest)
		}
		// Why clients with a token are not redirected: they send their
		// Authorization header again, and the store refuses it.
		if code, _ := get(loc, crashBootstrapToken); code == http.StatusOK {
			t.Errorf("the object store served a presigned URL to a request with an Authorization header; redirecting clients with tokens would work")
		}
		// With a token, and for private versions: through the registry.
		for _, v := range [][2]string{{"pkg0", "1.2.3"}, {"secret", "1.0.0"}} {
			loc := pull(v[0], v[1], crashBootstrapToken).Header.Get("Location")
			if !strings.HasPrefix(loc, r.url+centralPrefix+"/download/") {
				t.Errorf("pull of %s:%s with a token redirected to %q, want the registry's download URL", v[0], v[1], loc)
			}
			if code, _ := get(loc, crashBootstrapToken); code != http.StatusOK {
				t.Errorf("download %s: %d", loc, code)
			}
		}
		// Redirected pulls count too.
		r.stop(t)
		r = b.startReplica(t, bin, "--redirect-downloads", "true")
		code, body := call(t, http.MethodGet, r.url+centralPrefix+"/packages/crash/pkg0/1.2.3", "")
		var pkg struct {
			PullCount int64 `json:"pullCount"`
		}
		if code != http.StatusOK || json.Unmarshal(body, &pkg) != nil || pkg.PullCount != 2 {
			t.Errorf("package after a redirected and a streamed pull: %d %s, want pullCount 2", code, body)
		}
	})

	t.Run("rate limits are shared", func(t *testing.T) {
		b := newSharedBackend(t, cluster)
		b.migrate(t, bin)
		r1 := b.startReplica(t, bin, "--rate-limit", "3/h")
		r2 := b.startReplica(t, bin, "--rate-limit", "3/h")
		// Failed authentications count per client address: three go
		// through (401), alternating replicas; the fourth is refused
		// whichever replica gets it.
		var statuses []int
		for i := range 5 {
			req, _ := http.NewRequest(http.MethodGet, []string{r1.url, r2.url}[i%2]+"/api/v1/user", nil)
			req.Header.Set("Authorization", "Bearer bct_not-a-token-of-this-registry")
			resp, err := replicaClient.Do(req)
			if err != nil {
				t.Fatal(err)
			}
			io.Copy(io.Discard, resp.Body)
			resp.Body.Close()
			statuses = append(statuses, resp.StatusCode)
		}
		want := []int{401, 401, 401, 429, 429}
		if fmt.Sprint(statuses) != fmt.Sprint(want) {
			t.Errorf("failed authentications through two replicas: %v, want %v", statuses, want)
		}
	})
}

// TestReplicaStartErrors checks that central names the problem when the
// shared backends cannot be used.
func TestReplicaStartErrors(t *testing.T) {
	if testing.Short() {
		t.Skip("builds central")
	}
	bin, err := centralBinary()
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	tests := []struct {
		name string
		env  []string
		want string
	}{
		{"database unreachable", []string{"CENTRAL_DATABASE=host=" + filepath.Join(dir, "nosocket") + " dbname=central user=central password=hunter2 connect_timeout=5"},
			"cannot open the metadata database"},
		{"bucket unreachable", []string{"CENTRAL_BLOB_STORE=s3", "CENTRAL_S3_ENDPOINT=http://127.0.0.1:1", "CENTRAL_S3_BUCKET=central",
			EnvS3AccessKey + "=minio", EnvS3SecretKey + "=hunter2hunter2"},
			"cannot open the blob store"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
			defer cancel()
			cmd := exec.CommandContext(ctx, bin, "serve", "--addr", "127.0.0.1:0", "--data", t.TempDir())
			cmd.Env = sharedBackend{env: tt.env}.command(bin, nil).Env
			out, err := cmd.CombinedOutput()
			var ee *exec.ExitError
			if !errors.As(err, &ee) || ee.ExitCode() != ExitError {
				t.Fatalf("central: %v, want exit status %d; output:\n%s", err, ExitError, out)
			}
			if !strings.Contains(string(out), tt.want) {
				t.Errorf("output lacks %q:\n%s", tt.want, out)
			}
			if strings.Contains(string(out), "hunter2") {
				t.Errorf("output shows a secret:\n%s", out)
			}
		})
	}
}
