package registry

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"log/slog"
	"net/url"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"time"

	"github.com/balcentral/balcentral/internal/blob"
	"github.com/balcentral/balcentral/internal/blob/fsblob"
	"github.com/balcentral/balcentral/internal/blob/s3blob"
	"github.com/balcentral/balcentral/internal/store"
	"github.com/balcentral/balcentral/internal/store/postgres"
	"github.com/balcentral/balcentral/internal/store/sqlite"
)

// This file chooses and opens the storage backends the configuration
// names: the embedded pair (SQLite and files in the data directory), which
// needs nothing else, or PostgreSQL and an S3-compatible bucket, which
// several replicas share. Any mix works; replicas need both shared
// backends, since a replica's data directory then holds only the spool of
// pushes in progress (tmp/), which nobody else needs.

// The kinds of blob_store.
const (
	BlobStoreFiles = "files"
	BlobStoreS3    = "s3"
)

// Environment variables of the S3 credentials, which, being secrets, are
// neither flags nor file keys.
const (
	EnvS3AccessKey = "CENTRAL_S3_ACCESS_KEY"
	EnvS3SecretKey = "CENTRAL_S3_SECRET_KEY"
)

// s3SecretEnv maps the file keys people reach for to hold the S3
// credentials to the environment variables that hold them instead.
var s3SecretEnv = map[string]string{
	"s3_access_key": EnvS3AccessKey, "s3_secret_key": EnvS3SecretKey,
	"s3_access_key_id": EnvS3AccessKey, "s3_secret_access_key": EnvS3SecretKey,
}

// S3Config is the bucket of blob_store s3.
type S3Config struct {
	// Endpoint is the service's URL: scheme, host and port.
	Endpoint string
	// Region is the bucket's region; empty means s3blob.DefaultRegion.
	Region string
	// Bucket is the bucket's name.
	Bucket string
	// Prefix starts every object key.
	Prefix string
	// Addressing is "path", "virtual-host" or "" (automatic).
	Addressing string
	// AccessKey and SecretKey come from the environment only; empty,
	// s3blob looks for the AWS variables and the instance's role.
	AccessKey, SecretKey string
}

// isS3 reports whether cfg keeps blobs in a bucket.
func (cfg *Config) isS3() bool { return cfg.BlobStore == BlobStoreS3 }

// usesPostgres reports whether cfg keeps metadata in PostgreSQL.
func (cfg *Config) usesPostgres() bool { return cfg.Database != "" }

// parseDatabase checks the form of a PostgreSQL connection string: a
// postgres:// or postgresql:// URL, or libpq's key=value pairs. The rest
// (host, credentials, options) is checked when it is used. Empty means the
// embedded SQLite database.
func parseDatabase(v string) (string, error) {
	v = strings.TrimSpace(v)
	switch {
	case v == "":
		return "", nil
	case strings.HasPrefix(v, "postgres://"), strings.HasPrefix(v, "postgresql://"):
		if _, err := url.Parse(v); err != nil {
			var ue *url.Error
			if errors.As(err, &ue) {
				err = ue.Err
			}
			return "", fmt.Errorf("not a valid URL: %v", err)
		}
		return v, nil
	case strings.Contains(v, "://"):
		return "", errors.New("want a postgres:// URL or key=value pairs (the only database besides the embedded SQLite is PostgreSQL); leave it empty for SQLite in the data directory")
	case strings.Contains(v, "="):
		return v, nil
	}
	return "", errors.New("want a PostgreSQL connection string: a postgres:// URL or key=value pairs such as \"host=db dbname=central\"")
}

// parseS3Endpoint checks an S3 endpoint URL: http or https, a host, and no
// path, query or credentials.
func parseS3Endpoint(v string) (string, error) {
	u, err := url.Parse(v)
	switch {
	case err != nil || u.Scheme != "http" && u.Scheme != "https" || u.Host == "":
		return "", errors.New("want a URL like https://host[:port]")
	case u.User != nil:
		return "", fmt.Errorf("must not hold credentials: set %s and %s instead", EnvS3AccessKey, EnvS3SecretKey)
	case u.Path != "" && u.Path != "/" || u.RawQuery != "" || u.Fragment != "":
		return "", errors.New("want only a scheme, a host and a port: put the bucket in s3_bucket and any key prefix in s3_prefix")
	}
	return strings.TrimSuffix(v, "/"), nil
}

// s3CredentialsFromEnv reads the S3 credentials from the environment.
// Errors never quote them.
func s3CredentialsFromEnv(cfg *Config, getenv func(string) string) error {
	cfg.S3.AccessKey, cfg.S3.SecretKey = getenv(EnvS3AccessKey), getenv(EnvS3SecretKey)
	if (cfg.S3.AccessKey == "") != (cfg.S3.SecretKey == "") {
		return fmt.Errorf("%s and %s go together: set both, or neither to use AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY or the instance's role", EnvS3AccessKey, EnvS3SecretKey)
	}
	return nil
}

// checkStorage checks that the storage options agree with one another,
// which the options' own parsers cannot: the s3_ options only with
// blob_store s3, which needs an endpoint and a bucket.
func checkStorage(cfg *Config) error {
	var errs []error
	if cfg.isS3() {
		if cfg.S3.Endpoint == "" {
			errs = append(errs, errors.New("blob_store is s3 but s3_endpoint is not set: set it to the URL of the S3 service"))
		}
		if cfg.S3.Bucket == "" {
			errs = append(errs, errors.New("blob_store is s3 but s3_bucket is not set: set it to an existing bucket"))
		}
		if cfg.MaxUploadSize > s3MaxBlobSize {
			errs = append(errs, fmt.Errorf("max_upload_size %s is more than blob_store s3 can take (%s)", formatSize(cfg.MaxUploadSize), formatSize(s3MaxBlobSize)))
		}
		return errors.Join(errs...)
	}
	for _, o := range []struct {
		name string
		set  bool
	}{
		{"s3_endpoint", cfg.S3.Endpoint != ""}, {"s3_region", cfg.S3.Region != ""}, {"s3_bucket", cfg.S3.Bucket != ""},
		{"s3_prefix", cfg.S3.Prefix != ""}, {"s3_addressing", cfg.S3.Addressing != ""}, {"redirect_downloads", cfg.RedirectDownloads},
	} {
		if o.set {
			errs = append(errs, fmt.Errorf("%s is set but blob_store is not s3: set blob_store to s3, or remove %s", o.name, o.name))
		}
	}
	return errors.Join(errs...)
}

// s3MaxBlobSize is the largest blob one S3 copy request can copy, which
// s3blob needs to move an upload into place.
const s3MaxBlobSize = 5 << 30

// dsnPassword matches the password of a key=value connection string, and
// of a URL's query.
var dsnPassword = regexp.MustCompile(`(?i)(\bpassword\s*=\s*)('(?:[^'\\]|\\.)*'|[^\s&]*)`)

// urlPassword matches the password in the user information of a URL,
// also of one that does not parse.
var urlPassword = regexp.MustCompile(`(://[^:/@\s]*:)([^@\s]*)(@)`)

// redactDSN hides the passwords of a database connection string, in the
// URL's user information, its query or key=value pairs, for messages and
// logs.
func redactDSN(dsn string) string {
	dsn = urlPassword.ReplaceAllString(dsn, "${1}xxxxx${3}")
	return dsnPassword.ReplaceAllString(dsn, "${1}xxxxx")
}

// describeDatabase names the metadata database for logs.
func describeDatabase(cfg *Config) string {
	if cfg.usesPostgres() {
		return "postgres " + redactDSN(cfg.Database)
	}
	return "sqlite " + filepath.Join(cfg.DataDir, DatabaseFile)
}

// describeBlobs names the blob store for logs.
func describeBlobs(cfg *Config) string {
	if cfg.isS3() {
		return "s3 " + cfg.S3.Endpoint + "/" + cfg.S3.Bucket + "/" + cfg.S3.Prefix
	}
	return "files " + filepath.Join(cfg.DataDir, BlobDir)
}

// openTimeout bounds the connection to a database or an object store at
// start, so that a wrong address fails the start instead of hanging it.
const openTimeout = 30 * time.Second

// s3CleanAge is how old the remains of an upload in the bucket must be for
// a starting replica to remove them: other replicas may be uploading, and
// no upload the server's timeouts allow lasts that long.
const s3CleanAge = time.Hour

// metadataCacheTTL is how long package versions and version lists are
// answered from memory (store.Cached). Writes through this process are
// seen at once; another replica's deprecation or push within this time.
// Two seconds keeps a busy package's metadata off the database nearly
// always while no user waits long for another replica's change.
const metadataCacheTTL = 2 * time.Second

// openStorage opens the metadata store and the blob store cfg names, after
// removing what interrupted uploads left in the blob store. The caller
// closes the returned Storage with closeStorage.
func openStorage(ctx context.Context, cfg Config, log *slog.Logger) (Storage, error) {
	blobs, err := openBlobs(ctx, cfg, log)
	if err != nil {
		return Storage{}, err
	}
	st := Storage{Blobs: blobs}
	if s3, ok := blobs.(*s3blob.Store); ok && cfg.RedirectDownloads {
		if st.Direct, err = newDirectDownloads(cfg, s3); err != nil {
			return Storage{}, fmt.Errorf("redirect_downloads: %w", err)
		}
	}
	meta, err := openMeta(ctx, cfg)
	if err != nil {
		return Storage{}, err
	}
	st.Meta = store.NewCached(meta, metadataCacheTTL)
	return st, nil
}

// openBlobs opens the blob store and cleans what interrupted uploads left.
func openBlobs(ctx context.Context, cfg Config, log *slog.Logger) (blob.Store, error) {
	var (
		bs     blob.Store
		before time.Time
		clean  func(context.Context, time.Time) (int, error)
	)
	if cfg.isS3() {
		octx, cancel := context.WithTimeout(ctx, openTimeout)
		defer cancel()
		s, err := s3blob.Open(octx, s3Options(cfg))
		if err != nil {
			return nil, fmt.Errorf("cannot open the blob store: %w (check s3_endpoint, s3_bucket and the credentials)", err)
		}
		bs, clean, before = s, s.Clean, time.Now().Add(-s3CleanAge)
	} else {
		s, err := fsblob.Open(filepath.Join(cfg.DataDir, BlobDir), fsblob.Options{MaxSize: cfg.MaxUploadSize})
		if err != nil {
			return nil, err
		}
		// One process owns the directory, so nothing is being uploaded.
		bs, clean, before = s, s.Clean, time.Now()
	}
	if n, err := clean(ctx, before); err != nil {
		return nil, err
	} else if n > 0 {
		log.Info("removed the remains of interrupted uploads", "blobs", describeBlobs(&cfg), "count", n)
	}
	return bs, nil
}

// s3Options are the s3blob options of cfg.
func s3Options(cfg Config) s3blob.Options {
	return s3blob.Options{
		Endpoint:   cfg.S3.Endpoint,
		Region:     cfg.S3.Region,
		Bucket:     cfg.S3.Bucket,
		Prefix:     cfg.S3.Prefix,
		AccessKey:  cfg.S3.AccessKey,
		SecretKey:  cfg.S3.SecretKey,
		Addressing: s3blob.Addressing(cfg.S3.Addressing),
		MaxSize:    cfg.MaxUploadSize,
	}
}

// openMeta opens the metadata store. SQLite is created and migrated on
// the spot; a PostgreSQL schema must have been migrated by `central
// migrate`, since with several replicas a schema change is the operator's
// step, not the first replica's.
func openMeta(ctx context.Context, cfg Config) (store.Store, error) {
	if !cfg.usesPostgres() {
		meta, err := sqlite.Open(ctx, filepath.Join(cfg.DataDir, DatabaseFile))
		if err != nil {
			return nil, fmt.Errorf("cannot open the metadata database in %s: %w", cfg.DataDir, err)
		}
		return meta, nil
	}
	octx, cancel := context.WithTimeout(ctx, openTimeout)
	defer cancel()
	meta, err := postgres.Open(octx, cfg.Database, postgres.Options{})
	switch {
	case errors.Is(err, postgres.ErrSchemaTooOld):
		return nil, fmt.Errorf("cannot use the database %s: its schema is missing or older than this central's (%d); run `central migrate` with the same configuration, then start again",
			redactDSN(cfg.Database), postgres.SchemaVersion())
	case err != nil:
		return nil, fmt.Errorf("cannot open the metadata database: %w", err)
	}
	return meta, nil
}

// openMetaForAdmin opens the metadata store for the admin commands, which
// never create one: with SQLite, the data directory must hold a database.
func openMetaForAdmin(ctx context.Context, cfg Config) (store.Store, error) {
	if !cfg.usesPostgres() {
		path := filepath.Join(cfg.DataDir, DatabaseFile)
		if _, err := os.Stat(path); errors.Is(err, fs.ErrNotExist) {
			return nil, fmt.Errorf("no registry in %s (it has no %s): pass the server's data directory with --data or %s, or start the server once to create it",
				cfg.DataDir, DatabaseFile, optionNamed("data").env())
		} else if err != nil {
			return nil, fmt.Errorf("cannot use the data directory %s: %v", cfg.DataDir, underlying(err))
		}
	}
	return openMeta(ctx, cfg)
}

// closeStorage closes what openStorage opened.
func closeStorage(st Storage, log *slog.Logger) {
	if st.Meta != nil {
		if err := st.Meta.Close(); err != nil {
			log.Warn("closing the metadata database", "err", err)
		}
	}
}

// storeLocker is a metadata store that holds locks for every replica
// sharing it (postgres.Store).
type storeLocker interface {
	WithLock(ctx context.Context, name string, fn func(ctx context.Context) error) error
}

// sharedRateLimiter is a metadata store that counts rate limits for every
// replica sharing it (postgres.Store).
type sharedRateLimiter interface {
	RateLimiter(name string, n int, period time.Duration) (*postgres.RateLimiter, error)
}

// bootstrapLock is the lock under which a replica runs the bootstrap, so
// that replicas starting at once against one database create one
// administrator: the second finds the first's.
const bootstrapLock = "central:bootstrap"

// withStoreLock runs fn under the lock called name when meta is shared by
// replicas, and simply runs it otherwise (one process owns an embedded
// database).
func withStoreLock(ctx context.Context, meta store.Store, name string, fn func(ctx context.Context) error) error {
	if l, ok := store.Underlying(meta).(storeLocker); ok {
		return l.WithLock(ctx, name, fn)
	}
	return fn(ctx)
}

// migrateDatabase brings the schema of cfg's metadata database up to date
// and says what it did on out. SQLite databases are migrated whenever
// central opens them, so for them this is an explicit form of the same.
func migrateDatabase(ctx context.Context, cfg Config) (string, error) {
	if !cfg.usesPostgres() {
		if err := os.MkdirAll(cfg.DataDir, DataDirMode); err != nil {
			return "", fmt.Errorf("cannot create the data directory %s: %v", cfg.DataDir, underlying(err))
		}
		meta, err := sqlite.Open(ctx, filepath.Join(cfg.DataDir, DatabaseFile))
		if err != nil {
			return "", fmt.Errorf("cannot open the metadata database in %s: %w", cfg.DataDir, err)
		}
		if err := meta.Close(); err != nil {
			return "", err
		}
		return fmt.Sprintf("sqlite %s: schema version %d (SQLite databases are migrated on every start; nothing else to do)",
			filepath.Join(cfg.DataDir, DatabaseFile), sqlite.SchemaVersion()), nil
	}
	from, to, err := postgres.Migrate(ctx, cfg.Database)
	if err != nil {
		return "", fmt.Errorf("cannot migrate the database: %w", err)
	}
	if from == to {
		return fmt.Sprintf("postgres %s: schema version %d, up to date", redactDSN(cfg.Database), to), nil
	}
	return fmt.Sprintf("postgres %s: migrated the schema from version %d to %d", redactDSN(cfg.Database), from, to), nil
}
