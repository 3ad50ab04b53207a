package registry

import (
	"context"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"github.com/balcentral/balcentral/internal/store/sqlite"
)

// s3Env is a complete blob_store s3 configuration in the environment.
func s3Env(extra map[string]string) map[string]string {
	m := map[string]string{
		"CENTRAL_BLOB_STORE": "s3", "CENTRAL_S3_ENDPOINT": "http://127.0.0.1:9000", "CENTRAL_S3_BUCKET": "central",
	}
	for k, v := range extra {
		m[k] = v
	}
	return m
}

func TestStorageConfig(t *testing.T) {
	tests := []struct {
		name string
		args []string
		env  map[string]string
		file string
		want S3Config
		db   string
	}{
		{"embedded", nil, nil, "", S3Config{}, ""},
		{"s3 with credentials from the environment", nil,
			s3Env(map[string]string{EnvS3AccessKey: "AKIA0123", EnvS3SecretKey: "s3cr3t", "CENTRAL_S3_PREFIX": "central/"}), "",
			S3Config{Endpoint: "http://127.0.0.1:9000", Bucket: "central", Prefix: "central/", AccessKey: "AKIA0123", SecretKey: "s3cr3t"}, ""},
		{"everything in the file", nil, nil,
			`database = "postgres://central@db.internal:5432/central?sslmode=verify-full"
blob_store = "s3"
s3_endpoint = "https://s3.eu-west-1.amazonaws.com"
s3_region = "eu-west-1"
s3_bucket = "example-central"
s3_prefix = "registry/"
s3_addressing = "virtual-host"
redirect_downloads = true
`,
			S3Config{Endpoint: "https://s3.eu-west-1.amazonaws.com", Region: "eu-west-1", Bucket: "example-central", Prefix: "registry/", Addressing: "virtual-host"},
			"postgres://central@db.internal:5432/central?sslmode=verify-full"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			args := tt.args
			fm := map[string]string{}
			if tt.file != "" {
				fm["central.toml"] = tt.file
				args = append(args, "--config", "central.toml")
			}
			cfg, err := LoadConfig(args, env(tt.env), files(fm))
			if err != nil {
				t.Fatal(err)
			}
			if err := checkStorage(&cfg); err != nil {
				t.Fatalf("checkStorage: %v", err)
			}
			if cfg.S3 != tt.want || cfg.Database != tt.db {
				t.Errorf("S3, Database = %+v, %q; want %+v, %q", cfg.S3, cfg.Database, tt.want, tt.db)
			}
		})
	}
}

// TestStorageConfigInvalid checks the message of every kind of bad
// storage configuration, and that none shows a secret.
func TestStorageConfigInvalid(t *testing.T) {
	tests := []struct {
		name string
		env  map[string]string
		file string
		want string
	}{
		{"database of another kind", map[string]string{"CENTRAL_DATABASE": "mysql://root:hunter2@db/central"}, "",
			`invalid CENTRAL_DATABASE "mysql://root:xxxxx@db/central": want a postgres:// URL or key=value pairs (the only database besides the embedded SQLite is PostgreSQL); leave it empty for SQLite in the data directory`},
		{"database as a file name", nil, `database = "central.db"` + "\n",
			`central.toml:1: invalid database "central.db": want a PostgreSQL connection string: a postgres:// URL or key=value pairs such as "host=db dbname=central"`},
		{"database URL with a bad port", map[string]string{"CENTRAL_DATABASE": "postgres://central:hunter2@db:port/central"}, "",
			`invalid CENTRAL_DATABASE "postgres://central:xxxxx@db:port/central": not a valid URL: invalid port ":port" after host`},
		{"blob store kind", map[string]string{"CENTRAL_BLOB_STORE": "gcs"}, "",
			`invalid CENTRAL_BLOB_STORE "gcs": want files or s3`},
		{"endpoint with a bucket path", s3Env(map[string]string{"CENTRAL_S3_ENDPOINT": "https://s3.example.com/central"}), "",
			`invalid CENTRAL_S3_ENDPOINT "https://s3.example.com/central": want only a scheme, a host and a port: put the bucket in s3_bucket and any key prefix in s3_prefix`},
		{"endpoint with credentials", s3Env(map[string]string{"CENTRAL_S3_ENDPOINT": "https://key:hunter2@s3.example.com"}), "",
			`invalid CENTRAL_S3_ENDPOINT "https://key:xxxxx@s3.example.com": must not hold credentials: set CENTRAL_S3_ACCESS_KEY and CENTRAL_S3_SECRET_KEY instead`},
		{"endpoint without scheme", s3Env(map[string]string{"CENTRAL_S3_ENDPOINT": "s3.example.com:9000"}), "",
			`invalid CENTRAL_S3_ENDPOINT "s3.example.com:9000": want a URL like https://host[:port]`},
		{"bucket with a slash", nil, `s3_bucket = "a/b"` + "\n",
			`central.toml:1: invalid s3_bucket "a/b": want a bucket name, without slashes or spaces`},
		{"prefix with a leading slash", s3Env(map[string]string{"CENTRAL_S3_PREFIX": "/central"}), "",
			`invalid CENTRAL_S3_PREFIX "/central": must not start with a slash`},
		{"addressing", s3Env(map[string]string{"CENTRAL_S3_ADDRESSING": "dns"}), "",
			`invalid CENTRAL_S3_ADDRESSING "dns": want auto, path or virtual-host`},
		{"redirect not a boolean", nil, `redirect_downloads = "yes"` + "\n",
			`central.toml:1: invalid redirect_downloads "yes": want true or false`},
		{"access key without secret", s3Env(map[string]string{EnvS3AccessKey: "AKIA0123"}), "",
			`CENTRAL_S3_ACCESS_KEY and CENTRAL_S3_SECRET_KEY go together: set both, or neither to use AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY or the instance's role`},
		{"secret in the file", nil, "blob_store = \"s3\"\ns3_secret_key = \"hunter2\"\n",
			`central.toml:2:1: s3_secret_key cannot be set in a file; use the environment variable CENTRAL_S3_SECRET_KEY`},
		{"access key in the file", nil, "s3_access_key_id = \"AKIA0123\"\n",
			`central.toml:1:1: s3_access_key_id cannot be set in a file; use the environment variable CENTRAL_S3_ACCESS_KEY`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var args []string
			fm := map[string]string{}
			if tt.file != "" {
				fm["central.toml"] = tt.file
				args = []string{"--config", "central.toml"}
			}
			_, err := LoadConfig(args, env(tt.env), files(fm))
			if err == nil {
				t.Fatalf("LoadConfig succeeded, want %q", tt.want)
			}
			if err.Error() != tt.want {
				t.Errorf("LoadConfig error:\n%s\nwant:\n%s", err, tt.want)
			}
			if strings.Contains(err.Error(), "hunter2") {
				t.Errorf("the error shows a password: %v", err)
			}
		})
	}
}

// TestCheckStorage: options that make sense only together.
func TestCheckStorage(t *testing.T) {
	tests := []struct {
		name string
		env  map[string]string
		want string
	}{
		{"s3 without endpoint or bucket", map[string]string{"CENTRAL_BLOB_STORE": "s3"},
			"blob_store is s3 but s3_endpoint is not set: set it to the URL of the S3 service\nblob_store is s3 but s3_bucket is not set: set it to an existing bucket"},
		{"s3 options without s3", map[string]string{"CENTRAL_S3_BUCKET": "central", "CENTRAL_REDIRECT_DOWNLOADS": "true"},
			"s3_bucket is set but blob_store is not s3: set blob_store to s3, or remove s3_bucket\nredirect_downloads is set but blob_store is not s3: set blob_store to s3, or remove redirect_downloads"},
		{"upload limit beyond S3 copies", s3Env(map[string]string{"CENTRAL_MAX_UPLOAD_SIZE": "6GiB"}),
			"max_upload_size 6GiB is more than blob_store s3 can take (5GiB)"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			cfg, err := LoadConfig(nil, env(tt.env), files(nil))
			if err != nil {
				t.Fatal(err)
			}
			if err := checkStorage(&cfg); err == nil || err.Error() != tt.want {
				t.Errorf("checkStorage = %v, want:\n%s", err, tt.want)
			}
			// central serve reports it as a configuration error.
			code, stdout, stderr := runCommand(t, []string{"serve", "--data", t.TempDir()}, tt.env)
			if code != ExitUsage || stdout != "" || !strings.Contains(stderr, "central: "+strings.Split(tt.want, "\n")[0]+"\n") {
				t.Errorf("central serve = %d, stdout %q, stderr %q; want %d and the problem", code, stdout, stderr, ExitUsage)
			}
		})
	}
}

func TestRedactDSN(t *testing.T) {
	for _, tt := range []struct{ in, want string }{
		{"", ""},
		{"postgres://central@db/central", "postgres://central@db/central"},
		{"postgres://central:hunter2@db/central", "postgres://central:xxxxx@db/central"},
		{"postgres://db/central?user=central&password=hunter2&sslmode=require", "postgres://db/central?user=central&password=xxxxx&sslmode=require"},
		{"host=db user=central password=hunter2 dbname=central", "host=db user=central password=xxxxx dbname=central"},
		{"host=db password = 'two words\\' hunter2' dbname=central", "host=db password = xxxxx dbname=central"},
		{"host=db PASSWORD=hunter2", "host=db PASSWORD=xxxxx"},
	} {
		if got := redactDSN(tt.in); got != tt.want {
			t.Errorf("redactDSN(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
	cfg := Config{Database: "host=db password=hunter2"}
	if got := describeDatabase(&cfg); strings.Contains(got, "hunter2") {
		t.Errorf("describeDatabase shows the password: %q", got)
	}
}

// TestMigrateSQLite: on the embedded database central migrate creates or
// checks the schema, which every start does anyway.
func TestMigrateSQLite(t *testing.T) {
	data := filepath.Join(t.TempDir(), "data")
	for range 2 {
		code, stdout, stderr := runCommand(t, []string{"migrate", "--data", data}, nil)
		want := "sqlite " + filepath.Join(data, DatabaseFile) + ": schema version " + strconv.Itoa(sqlite.SchemaVersion()) +
			" (SQLite databases are migrated on every start; nothing else to do)\n"
		if code != ExitOK || stdout != want || stderr != "" {
			t.Fatalf("central migrate = %d, stdout %q, stderr %q; want 0 and %q", code, stdout, stderr, want)
		}
	}
	meta, err := sqlite.Open(context.Background(), filepath.Join(data, DatabaseFile))
	if err != nil {
		t.Fatal(err)
	}
	meta.Close()
	if fi, err := os.Stat(data); err != nil || fi.Mode().Perm() != DataDirMode {
		t.Errorf("data directory: %v, %v; want mode %v", fi, err, DataDirMode)
	}
}

func TestMigrateErrors(t *testing.T) {
	tests := []struct {
		name   string
		args   []string
		env    map[string]string
		code   int
		stderr string
	}{
		{"stray argument", []string{"migrate", "now"}, nil, ExitUsage, "central: unexpected argument \"now\"\nRun 'central --help' for usage.\n"},
		{"bad database", []string{"migrate", "--database", "mysql://db"}, nil, ExitUsage,
			"central: invalid --database \"mysql://db\": want a postgres:// URL or key=value pairs (the only database besides the embedded SQLite is PostgreSQL); leave it empty for SQLite in the data directory\n"},
		{"unreachable database", []string{"migrate"}, map[string]string{"CENTRAL_DATABASE": "host=/nonexistent/socket-dir dbname=central password=hunter2 connect_timeout=5"}, ExitError, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			code, stdout, stderr := runCommand(t, tt.args, tt.env)
			if code != tt.code || stdout != "" || tt.stderr != "" && stderr != tt.stderr {
				t.Errorf("central %q = %d, stdout %q, stderr %q; want %d, %q", tt.args, code, stdout, stderr, tt.code, tt.stderr)
			}
			if tt.code == ExitError && (!strings.HasPrefix(stderr, "central: cannot migrate the database: ") || strings.Contains(stderr, "hunter2")) {
				t.Errorf("stderr %q: want the failure, without the password", stderr)
			}
		})
	}
}
