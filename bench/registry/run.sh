#!/usr/bin/env bash
# Registry benchmark: central against Verdaccio 5 (metadata) and nginx
# (downloads), with wrk, in one run. See the "Registry" section of
# bench/README.md for what is measured and the figures.
#
# Usage: bench/registry/run.sh            (or: make bench-registry)
#
# Environment (all optional):
#   DURATION=12s     measured time of each wrk run (each is preceded by an
#                    unrecorded WARMUP run)
#   WARMUP=3s
#   CONNECTIONS=32   wrk connections, THREADS=2 wrk threads
#   ROUNDS=1         repeat the whole sequence of runs; each figure is then
#                    the run with the median req/s of its target
#   PACKAGES=50      packages pushed (pkg1 ... pkgN), VERSIONS=3 each
#   PROFILE=1        run central under a CPU profile (bench/registry/profiled)
#                    and write results/central.cpu.pprof
#   KEEP_TMP=1       keep the temporary directory (data, logs, configs)
#   SKIP_CENTRAL=1   benchmark only nginx and Verdaccio (to check the harness)
#   RESULTS=dir      where the results go (emptied first); default below
#   BACKEND=postgres run central on a throwaway PostgreSQL cluster (initdb,
#                    postgres; as the postgres user when run as root) and a
#                    MinIO server (the build miniotest installs, or
#                    $BALCENTRAL_MINIO) instead of SQLite and files; default
#                    BACKEND=sqlite
#
# Needs: go, curl, wrk and nginx (Debian: apt-get install -y wrk nginx), Node
# 20 with npm (Verdaccio is installed into bench/registry/verdaccio by npm ci).
# Results: bench/registry/results/results.md (also printed), the raw wrk
# outputs and the server logs beside it (results-postgres/ for
# BACKEND=postgres). Every server is started on
# 127.0.0.1 and stopped on exit.
set -euo pipefail
# The whole script is one block, which bash reads in full before running it:
# editing this file during a run does not change the run.
{

DURATION=${DURATION:-12s}
WARMUP=${WARMUP:-3s}
CONNECTIONS=${CONNECTIONS:-32}
THREADS=${THREADS:-2}
ROUNDS=${ROUNDS:-1}
PACKAGES=${PACKAGES:-50}
VERSIONS=${VERSIONS:-3}
PROFILE=${PROFILE:-0}
KEEP_TMP=${KEEP_TMP:-0}
SKIP_CENTRAL=${SKIP_CENTRAL:-0}
BACKEND=${BACKEND:-sqlite}
[[ $BACKEND == sqlite || $BACKEND == postgres ]] || { echo "run.sh: BACKEND=$BACKEND: want sqlite or postgres" >&2; exit 1; }

# The first administrator's token of the throwaway data directory; central
# accepts it through CENTRAL_BOOTSTRAP_TOKEN only on the first start.
BOOTSTRAP_TOKEN=bench-bootstrap-0123456789abcdefghijklmn
ORG=bench
PKG=pkg1
NPM_PKG=$ORG-$PKG
# Latest version of every package: what "*" resolves to and what is downloaded.
LATEST=1.$((VERSIONS - 1)).0
# Headers of the real bal client on metadata and pull requests.
BAL_HEADERS=(-H 'Ballerina-Platform: java21,java17,java11' -H 'User-Agent: 2201.10.0')

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
root=$(cd "$here/../.." && pwd)
results=$here/results
# BACKEND=postgres writes its own results, beside those of the default;
# RESULTS names another directory (emptied first).
[[ $BACKEND == sqlite ]] || results=$here/results-$BACKEND
results=${RESULTS:-$results}

log() { printf '== %s\n' "$*" >&2; }
die() { printf 'run.sh: %s\n' "$*" >&2; exit 1; }

for tool in go curl wrk nginx node npm; do
	command -v "$tool" >/dev/null || die "$tool not found (Debian: apt-get install -y wrk nginx; Node 20 with npm)"
done

tmp=$(mktemp -d "${TMPDIR:-/tmp}/bench-registry.XXXXXX")
# nginx's workers drop root privileges and must reach the files they serve.
chmod 755 "$tmp"
pids=()
cleanup() {
	local status=$?
	local pid
	for pid in "${pids[@]}"; do
		kill "$pid" 2>/dev/null || true
	done
	# PostgreSQL may run under runuser, which need not pass the signal on:
	# stop the postmaster itself, at once (the data is thrown away).
	if [[ -f $tmp/pg/data/postmaster.pid ]]; then
		kill -QUIT "$(head -1 "$tmp/pg/data/postmaster.pid")" 2>/dev/null || true
	fi
	for pid in "${pids[@]}"; do
		wait "$pid" 2>/dev/null || true
	done
	if [[ -s $tmp/central.cpu.pprof ]]; then
		cp "$tmp/central.cpu.pprof" "$tmp/bin/central" "$results/" 2>/dev/null || true
	fi
	for f in central.log verdaccio.log nginx-error.log pg.log minio.log; do
		[[ -f $tmp/$f ]] && cp "$tmp/$f" "$results/" 2>/dev/null || true
	done
	if [[ $KEEP_TMP == 1 ]]; then
		log "kept $tmp"
	else
		rm -rf "$tmp"
	fi
	exit "$status"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

rm -rf "$results"
mkdir -p "$results" "$tmp/bin" "$tmp/rss"

# wait_http URL: wait up to 15 s for URL to answer at all.
wait_http() {
	local i
	for i in $(seq 150); do
		curl -s -o /dev/null "$1" && return 0
		sleep 0.1
	done
	die "no answer from $1"
}

# expect_status WANT CURL-ARGS...: fail unless the request answers WANT.
expect_status() {
	local want=$1
	shift
	local got
	got=$(curl -s -o "$tmp/body" -w '%{http_code}' "$@")
	[[ $got == "$want" ]] || die "$* answered $got, want $want: $(head -c 300 "$tmp/body")"
}

# ---------------------------------------------------------------------------
log "building central and the seed program"
(
	cd "$root"
	if [[ $SKIP_CENTRAL == 1 ]]; then
		:
	elif [[ $PROFILE == 1 ]]; then
		go build -o "$tmp/bin/central" ./bench/registry/profiled
	else
		go build -o "$tmp/bin/central" ./cmd/central
	fi
	go build -o "$tmp/bin/seed" ./bench/registry/seed
)

if [[ ! -x $here/verdaccio/node_modules/.bin/verdaccio ]]; then
	log "installing Verdaccio (npm ci in bench/registry/verdaccio)"
	(cd "$here/verdaccio" && npm ci --no-audit --no-fund --loglevel=error)
fi

log "generating $PACKAGES packages x $VERSIONS versions"
"$tmp/bin/seed" gen -dir "$tmp/seed" -org "$ORG" -packages "$PACKAGES" -versions "$VERSIONS" -npm-packages 1
bala_rel=$(awk -F'\t' -v n="$PKG" -v v="$LATEST" '$2 == n && $3 == v { print $4 }' "$tmp/seed/manifest.tsv")
bala_file=$tmp/seed/www/$bala_rel
bala_size=$(stat -c %s "$bala_file")
bala_sha=$(sha256sum "$bala_file" | cut -d' ' -f1)
tgz_file=$tmp/seed/npm/$NPM_PKG-$LATEST.tgz

# ---------------------------------------------------------------------------
# BACKEND=postgres: a PostgreSQL cluster on a Unix socket and a MinIO server
# on loopback, both throwaway, and the environment that points central at
# them.
central_env=()
backend_desc="SQLite + files in the data directory"
if [[ $BACKEND == postgres && $SKIP_CENTRAL != 1 ]]; then
	pgbin=
	if command -v initdb >/dev/null && command -v postgres >/dev/null; then
		pgbin=$(dirname "$(command -v initdb)")
	else
		pgbin=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -1)
	fi
	[[ -n $pgbin && -x $pgbin/initdb && -x $pgbin/postgres ]] ||
		die "BACKEND=postgres needs initdb and postgres (Debian: apt-get install -y postgresql)"
	as_pg=()
	if [[ $(id -u) == 0 ]]; then
		as_pg=(runuser -u postgres --)
	fi
	mkdir -p "$tmp/pg"
	[[ ${#as_pg[@]} == 0 ]] || chown postgres: "$tmp/pg"
	log "starting PostgreSQL ($("$pgbin/postgres" --version))"
	"${as_pg[@]}" "$pgbin/initdb" -D "$tmp/pg/data" -U postgres -A trust -E UTF8 --locale=C --no-sync \
		--no-instructions >"$tmp/pg-init.log" 2>&1 || die "initdb failed: $(tail -5 "$tmp/pg-init.log")"
	# Durable settings (fsync on): the figures are those of a real server.
	"${as_pg[@]}" "$pgbin/postgres" -D "$tmp/pg/data" -k "$tmp/pg" -c listen_addresses= \
		-c unix_socket_permissions=0777 -c max_connections=100 >"$tmp/pg.log" 2>&1 &
	pids+=($!)
	for _ in $(seq 150); do
		[[ -S $tmp/pg/.s.PGSQL.5432 ]] && break
		sleep 0.1
	done
	[[ -S $tmp/pg/.s.PGSQL.5432 ]] || die "PostgreSQL did not start: $(tail -5 "$tmp/pg.log")"

	minio=${BALCENTRAL_MINIO:-}
	if [[ -z $minio ]]; then
		minio_version=$(sed -n 's/^\tVersion *= *"\(.*\)"$/\1/p' "$root/internal/blob/s3blob/miniotest/install.go")
		minio=${XDG_CACHE_HOME:-$HOME/.cache}/balcentral-minio/$minio_version/minio
		if [[ ! -x $minio ]]; then
			log "installing MinIO $minio_version (several minutes the first time)"
			(cd "$root" && go run ./internal/blob/s3blob/miniotest/installminio)
		fi
	fi
	[[ -x $minio ]] || die "no MinIO binary at $minio"
	minio_port=$("$tmp/bin/seed" freeport)
	minio_url=http://127.0.0.1:$minio_port
	minio_user=benchminio
	minio_secret=bench-minio-secret-0123456789
	log "starting MinIO on $minio_url"
	MINIO_ROOT_USER=$minio_user MINIO_ROOT_PASSWORD=$minio_secret MINIO_BROWSER=off \
		"$minio" server --quiet --address "127.0.0.1:$minio_port" "$tmp/minio" >"$tmp/minio.log" 2>&1 &
	pids+=($!)
	for _ in $(seq 300); do
		curl -sf -o /dev/null "$minio_url/minio/health/live" && break
		sleep 0.1
	done
	curl -sf -o /dev/null "$minio_url/minio/health/live" || die "MinIO did not start: $(tail -5 "$tmp/minio.log")"
	expect_status 200 -X PUT --aws-sigv4 "aws:amz:us-east-1:s3" --user "$minio_user:$minio_secret" "$minio_url/central"

	central_env=(
		# The cluster's own database: the cluster serves nothing else.
		"CENTRAL_DATABASE=host=$tmp/pg user=postgres dbname=postgres connect_timeout=10"
		CENTRAL_BLOB_STORE=s3 "CENTRAL_S3_ENDPOINT=$minio_url" CENTRAL_S3_BUCKET=central CENTRAL_S3_ADDRESSING=path
		"CENTRAL_S3_ACCESS_KEY=$minio_user" "CENTRAL_S3_SECRET_KEY=$minio_secret"
	)
	# The socket appears before the server accepts connections: retry.
	for _ in $(seq 50); do
		env "${central_env[@]}" "$tmp/bin/central" migrate >"$tmp/migrate.out" 2>&1 && break
		sleep 0.2
	done
	cat "$tmp/migrate.out" >&2
	grep -q '^postgres ' "$tmp/migrate.out" || die "central migrate failed"
	backend_desc="PostgreSQL $("$pgbin/postgres" --version | awk '{ print $3 }') (Unix socket, fsync on) + MinIO (loopback, one drive)"
fi

central_url=
if [[ $SKIP_CENTRAL != 1 ]]; then
	log "starting central ($BACKEND)"
	mkfifo "$tmp/central.fifo"
	env "${central_env[@]}" CENTRAL_BOOTSTRAP_TOKEN=$BOOTSTRAP_TOKEN BENCH_CPU_PROFILE=$tmp/central.cpu.pprof \
		"$tmp/bin/central" --addr 127.0.0.1:0 --data "$tmp/central-data" --rate-limit off \
		>"$tmp/central.fifo" 2>"$tmp/central.log" &
	central_pid=$!
	pids+=("$central_pid")
	# Read up to the listening line (the first start may print the
	# administrator's details around it), then keep draining stdout.
	exec 3<"$tmp/central.fifo"
	while read -r -t 30 line <&3; do
		printf '%s\n' "$line" >>"$tmp/central.out"
		if [[ $line == "listening on http://"* ]]; then
			central_url=${line#listening on }
			break
		fi
	done
	[[ -n $central_url ]] || die "central did not print its listening line; log: $(tail -5 "$tmp/central.log")"
	# (cat ends by itself when central closes its stdout.)
	cat <&3 >>"$tmp/central.out" &
	exec 3<&-
	log "central at $central_url"

	log "pushing to central"
	"$tmp/bin/seed" push -dir "$tmp/seed" -url "$central_url" -token "$BOOTSTRAP_TOKEN" -org "$ORG"

	meta_latest_url="$central_url/2.0/registry/packages/$ORG/$PKG/*"
	versions_url="$central_url/2.0/registry/packages/$ORG/$PKG"
	expect_status 200 -H 'Accept: application/json' "${BAL_HEADERS[@]}" "$meta_latest_url"
	grep -q "\"version\":\"$LATEST\"" "$tmp/body" || grep -q "\"version\": \"$LATEST\"" "$tmp/body" ||
		die "$meta_latest_url did not return version $LATEST: $(head -c 300 "$tmp/body")"
	central_meta_size=$(stat -c %s "$tmp/body")
	expect_status 200 "${BAL_HEADERS[@]}" "$versions_url"
	central_versions_size=$(stat -c %s "$tmp/body")

	pull_url="$central_url/2.0/registry/packages/$ORG/$PKG/$LATEST"
	download_url=$(curl -s -o /dev/null -w '%{http_code} %{redirect_url}' -H 'Accept: application/octet-stream' \
		-H 'Accept-Encoding: identity' "${BAL_HEADERS[@]}" "$pull_url")
	[[ $download_url == "302 http"* ]] || die "pull $pull_url answered '$download_url', want a 302 with a Location"
	download_url=${download_url#302 }
	expect_status 200 "${BAL_HEADERS[@]}" "$download_url"
	[[ $(sha256sum <"$tmp/body" | cut -d' ' -f1) == "$bala_sha" ]] || die "$download_url did not return the pushed bala"
	log "central download URL: $download_url"
fi

# ---------------------------------------------------------------------------
log "starting nginx"
nginx_port=$("$tmp/bin/seed" freeport)
mkdir -p "$tmp/nginx"
cat >"$tmp/nginx/nginx.conf" <<EOF
daemon off;
worker_processes auto;
pid $tmp/nginx/nginx.pid;
error_log $tmp/nginx-error.log warn;
events { worker_connections 1024; }
http {
    default_type application/octet-stream;
    access_log $tmp/nginx-access.log;
    sendfile on;
    tcp_nopush on;
    keepalive_timeout 65;
    keepalive_requests 1000000;
    client_body_temp_path $tmp/nginx/body;
    proxy_temp_path $tmp/nginx/proxy;
    fastcgi_temp_path $tmp/nginx/fastcgi;
    uwsgi_temp_path $tmp/nginx/uwsgi;
    scgi_temp_path $tmp/nginx/scgi;
    server {
        listen 127.0.0.1:$nginx_port;
        root $tmp/seed/www;
    }
}
EOF
nginx -p "$tmp/nginx" -c "$tmp/nginx/nginx.conf" 2>>"$tmp/nginx-error.log" &
nginx_pid=$!
pids+=("$nginx_pid")
nginx_url="http://127.0.0.1:$nginx_port/$bala_rel"
wait_http "http://127.0.0.1:$nginx_port/"
expect_status 200 "$nginx_url"
[[ $(sha256sum <"$tmp/body" | cut -d' ' -f1) == "$bala_sha" ]] || die "nginx did not serve the bala"

# ---------------------------------------------------------------------------
log "starting Verdaccio"
verdaccio_port=$("$tmp/bin/seed" freeport)
verdaccio_base=http://127.0.0.1:$verdaccio_port
cat >"$tmp/verdaccio.yaml" <<EOF
storage: $tmp/verdaccio-storage
auth:
  htpasswd:
    file: $tmp/verdaccio-htpasswd
    algorithm: bcrypt
uplinks: {}
packages:
  '**':
    access: \$all
    publish: \$authenticated
web:
  enable: false
server:
  keepAliveTimeout: 60
listen: 127.0.0.1:$verdaccio_port
log: { type: stdout, format: pretty, level: http }
EOF
node "$here/verdaccio/node_modules/verdaccio/bin/verdaccio" -c "$tmp/verdaccio.yaml" >"$tmp/verdaccio.log" 2>&1 &
verdaccio_pid=$!
pids+=("$verdaccio_pid")
wait_http "$verdaccio_base/-/ping"

# A user, then its token in a private npmrc for npm publish.
token=$(curl -s -X PUT -H 'Content-Type: application/json' \
	-d '{"name":"bench","password":"bench-password-0"}' \
	"$verdaccio_base/-/user/org.couchdb.user:bench" | sed -n 's/.*"token": *"\([^"]*\)".*/\1/p')
[[ -n $token ]] || die "could not create a Verdaccio user"
printf '//127.0.0.1:%s/:_authToken=%s\n' "$verdaccio_port" "$token" >"$tmp/npmrc"
for v in $(seq 0 $((VERSIONS - 1))); do
	npm publish "$tmp/seed/npm/$NPM_PKG-1.$v.0.tgz" --registry "$verdaccio_base/" --userconfig "$tmp/npmrc" \
		--loglevel=error >/dev/null
done
verdaccio_meta_url=$verdaccio_base/$NPM_PKG
verdaccio_tgz_url=$verdaccio_base/$NPM_PKG/-/$NPM_PKG-$LATEST.tgz
expect_status 200 -H 'Accept: application/json' "$verdaccio_meta_url"
grep -q "\"latest\": *\"$LATEST\"" "$tmp/body" || die "Verdaccio's document has no latest $LATEST"
verdaccio_meta_size=$(stat -c %s "$tmp/body")
expect_status 200 "$verdaccio_tgz_url"
cmp -s "$tmp/body" "$tgz_file" || die "Verdaccio did not serve the published tarball"
tgz_size=$(stat -c %s "$tgz_file")

# ---------------------------------------------------------------------------
# Peak RSS of each server (process and its children: nginx's workers) while
# the load runs, sampled every 200 ms.
tree_rss_kb() {
	local total=0 p kb
	for p in "$1" $(pgrep -P "$1" || true); do
		kb=$(awk '/^VmRSS:/ { print $2 }' "/proc/$p/status" 2>/dev/null || true)
		total=$((total + ${kb:-0}))
	done
	echo "$total"
}
servers=(nginx:$nginx_pid verdaccio:$verdaccio_pid)
[[ $SKIP_CENTRAL == 1 ]] || servers+=(central:$central_pid)
for s in "${servers[@]}"; do
	tree_rss_kb "${s#*:}" >"$tmp/rss/${s%%:*}.idle"
	echo 0 >"$tmp/rss/${s%%:*}.peak"
done
(
	while :; do
		for s in "${servers[@]}"; do
			kb=$(tree_rss_kb "${s#*:}")
			peak=$(<"$tmp/rss/${s%%:*}.peak")
			((kb > peak)) && echo "$kb" >"$tmp/rss/${s%%:*}.peak"
		done
		sleep 0.2
	done
) &
pids+=($!)

# CPU time (user + system, in clock ticks) of a process and its children.
tree_cpu_ticks() {
	local total=0 p t
	for p in "$1" $(pgrep -P "$1" || true); do
		# Fields 14 and 15 of /proc/PID/stat, counted after the ")" that
		# ends the command name.
		t=$(sed 's/.*) //' "/proc/$p/stat" 2>/dev/null | awk '{ print $12 + $13 }' || true)
		total=$((total + ${t:-0}))
	done
	echo "$total"
}
declare -A server_pid=([nginx]=$nginx_pid [verdaccio]=$verdaccio_pid)
[[ $SKIP_CENTRAL == 1 ]] || server_pid[central]=$central_pid
clk_tck=$(getconf CLK_TCK)

# bench NAME SERVER URL [wrk args...]: a warm-up run, then the measured run
# of round $round; its summary and the server's CPU time go to
# $tmp/NAME.rROUND.result and the raw output to results/wrk-NAME.rROUND.txt.
bench() {
	local name=$1 server=$2 url=$3 cpu0 cpu1 out=$results/wrk-$1.r$round.txt
	shift 3
	log "round $round/$ROUNDS, wrk $name: $url"
	wrk -t "$THREADS" -c "$CONNECTIONS" -d "$WARMUP" "$@" "$url" >/dev/null
	cpu0=$(tree_cpu_ticks "${server_pid[$server]}")
	wrk -t "$THREADS" -c "$CONNECTIONS" -d "$DURATION" --latency -s "$here/report.lua" "$@" "$url" >"$out"
	cpu1=$(tree_cpu_ticks "${server_pid[$server]}")
	{
		grep '^RESULT ' "$out" | sed 's/^RESULT //' | tr -d '\n'
		echo " cpu_us=$(((cpu1 - cpu0) * 1000000 / clk_tck))"
	} >"$tmp/$name.r$round.result"
	names[$name]=1
}
declare -A names=()

load_before=$(cut -d' ' -f1-3 /proc/loadavg)
for round in $(seq "$ROUNDS"); do
	if [[ $SKIP_CENTRAL != 1 ]]; then
		bench central-meta central "$meta_latest_url" -H 'Accept: application/json' "${BAL_HEADERS[@]}"
		bench central-versions central "$versions_url" "${BAL_HEADERS[@]}"
		bench central-pull central "$pull_url" -H 'Accept: application/octet-stream' -H 'Accept-Encoding: identity' \
			"${BAL_HEADERS[@]}"
		bench central-download central "$download_url" "${BAL_HEADERS[@]}"
	fi
	bench verdaccio-meta verdaccio "$verdaccio_meta_url" -H 'Accept: application/json'
	bench verdaccio-tarball verdaccio "$verdaccio_tgz_url"
	bench nginx-download nginx "$nginx_url"
done
load_after=$(cut -d' ' -f1-3 /proc/loadavg)
sleep 0.3

# The figures of each target: its round with the median req/s.
for name in "${!names[@]}"; do
	median=$(for f in "$tmp/$name".r*.result; do
		awk -v f="$f" '{ for (i = 1; i <= NF; i++) { split($i, kv, "="); v[kv[1]] = kv[2] } }
			END { printf "%.3f %s\n", v["requests"] / v["duration_us"], f }' "$f"
	done | sort -g | awk '{ a[NR] = $2 } END { print a[int((NR + 1) / 2)] }')
	cp "$median" "$tmp/$name.result"
	round_of_median=$(sed 's/.*\.r\([0-9]*\)\.result$/\1/' <<<"$median")
	cp "$results/wrk-$name.r$round_of_median.txt" "$results/wrk-$name.txt"
done

# ---------------------------------------------------------------------------
# field NAME KEY: one value of a run's RESULT line.
field() { tr ' ' '\n' <"$tmp/$1.result" | sed -n "s/^$2=//p"; }
rps() { awk -v r="$(field "$1" requests)" -v d="$(field "$1" duration_us)" 'BEGIN { printf "%.0f", r / (d / 1e6) }'; }
ms() { awk -v u="$(field "$1" "$2")" 'BEGIN { printf "%.2f", u / 1000 }'; }
errors() {
	local n=0 k
	for k in status_errors connect_errors read_errors write_errors timeouts; do
		n=$((n + $(field "$1" "$k")))
	done
	echo "$n"
}
mb() { awk -v k="$(<"$tmp/rss/$1.$2")" 'BEGIN { printf "%.1f", k / 1024 }'; }
ratio() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.2f", a / b }'; }
kb() { awk -v b="$1" 'BEGIN { if (b < 1024) printf "%d B", b; else printf "%.1f KB", b / 1024 }'; }

# cpu_per_req NAME: the server's CPU time per request, in microseconds.
cpu_per_req() { awk -v c="$(field "$1" cpu_us)" -v r="$(field "$1" requests)" 'BEGIN { printf "%.0f", c / r }'; }

row() { # row NAME SERVER WHAT SIZE
	printf '| %s | %s | %s | %s | %s | %s | %s | %s | %s | %s MB |\n' "$1" "$3" "$4" "$(rps "$1")" "$(ms "$1" p50_us)" \
		"$(ms "$1" p99_us)" "$(ms "$1" max_us)" "$(errors "$1")" "$(cpu_per_req "$1")" "$(mb "$2" peak)"
}

{
	echo "# Registry benchmark results"
	echo
	echo "$(date -u '+%Y-%m-%d %H:%M UTC'); $(nproc) cores, $(awk '/MemTotal/ { printf "%.0f GiB", $2 / 1048576 }' /proc/meminfo);" \
		"load average before $load_before, after $load_after."
	echo "wrk $CONNECTIONS connections, $THREADS threads, $DURATION per run after a $WARMUP warm-up, on the same machine as the servers;" \
		"$ROUNDS round(s), each figure from its target's median round."
	[[ $SKIP_CENTRAL == 1 ]] || echo "central's storage (BACKEND=$BACKEND): $backend_desc."
	echo "Data: $PACKAGES packages x $VERSIONS versions pushed; bala of $ORG/$PKG:$LATEST $(kb "$bala_size"), npm tarball $(kb "$tgz_size")."
	echo "Versions: $(go version | cut -d' ' -f3), $(nginx -v 2>&1 | sed 's/.*: //'), node $(node --version)," \
		"verdaccio $(node -p 'require(process.argv[1]).version' "$here/verdaccio/node_modules/verdaccio/package.json"), $(wrk -v 2>&1 | head -1 | cut -d' ' -f1-2)."
	echo
	echo "| run | endpoint | response | req/s | p50 ms | p99 ms | max ms | errors | server CPU µs/req | server peak RSS |"
	echo "|---|---|---|---|---|---|---|---|---|---|"
	if [[ $SKIP_CENTRAL != 1 ]]; then
		row central-meta central "central \`GET /2.0/registry/packages/$ORG/$PKG/*\` (JSON)" "$(kb "$central_meta_size")"
		row central-versions central "central \`GET /2.0/registry/packages/$ORG/$PKG\` (versions)" "$(kb "$central_versions_size")"
		row central-pull central "central \`GET …/$ORG/$PKG/$LATEST\` (octet-stream: 302)" "302"
		row central-download central "central \`GET $(echo "$download_url" | sed 's|^http://[^/]*||')\`" "$(kb "$bala_size")"
	fi
	row verdaccio-meta verdaccio "Verdaccio \`GET /$NPM_PKG\` (package document)" "$(kb "$verdaccio_meta_size")"
	row verdaccio-tarball verdaccio "Verdaccio \`GET /$NPM_PKG/-/$NPM_PKG-$LATEST.tgz\`" "$(kb "$tgz_size")"
	row nginx-download nginx "nginx static \`GET /$bala_rel\`" "$(kb "$bala_size")"
	echo
	echo "Idle RSS before the load: $(for s in "${servers[@]}"; do printf '%s %s MB; ' "${s%%:*}" "$(mb "${s%%:*}" idle)"; done | sed 's/; $//')."
	if [[ $SKIP_CENTRAL != 1 ]]; then
		meta_ratio=$(ratio "$(rps central-meta)" "$(rps verdaccio-meta)")
		versions_ratio=$(ratio "$(rps central-versions)" "$(rps verdaccio-meta)")
		download_ratio=$(ratio "$(rps central-download)" "$(rps nginx-download)")
		rss_v=$(ratio "$(<"$tmp/rss/central.peak")" "$(<"$tmp/rss/verdaccio.peak")")
		rss_n=$(ratio "$(<"$tmp/rss/central.peak")" "$(<"$tmp/rss/nginx.peak")")
		p99_max=$(for r in central-meta central-versions central-pull central-download; do ms "$r" p99_us; echo; done | sort -g | tail -1)
		met() { awk -v x="$1" -v g="$2" -v op="$3" 'BEGIN { ok = (op == ">=") ? x >= g : x <= g; print ok ? "**met**" : "**not met**" }'; }
		echo
		echo "| ratio | value | goal | |"
		echo "|---|---|---|---|"
		echo "| metadata req/s, central \`/*\` ÷ Verdaccio | $meta_ratio× | ≥ 10× | $(met "$meta_ratio" 10 '>=') |"
		echo "| metadata req/s, central versions ÷ Verdaccio | $versions_ratio× | ≥ 10× | $(met "$versions_ratio" 10 '>=') |"
		echo "| download req/s, central ÷ nginx | $download_ratio× | ≥ 0.5× | $(met "$download_ratio" 0.5 '>=') |"
		echo "| worst central p99 at $CONNECTIONS connections | $p99_max ms | ≤ 5 ms | $(met "$p99_max" 5 '<=') |"
		echo "| server CPU per request, Verdaccio \`GET /$NPM_PKG\` ÷ central \`/*\` | $(ratio "$(cpu_per_req verdaccio-meta)" "$(cpu_per_req central-meta)")× | — | |"
		echo "| server CPU per request, central download ÷ nginx | $(ratio "$(cpu_per_req central-download)" "$(cpu_per_req nginx-download)")× | — | |"
		echo "| peak RSS, central ÷ Verdaccio | $rss_v× | — | |"
		echo "| peak RSS, central ÷ nginx | $rss_n× | — | |"
	fi
} >"$results/results.md"

cat "$results/results.md"
exit
}
