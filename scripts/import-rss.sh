#!/bin/sh
# import-rss.sh measures the server's peak resident memory while it imports
# a large employee list over HTTP (issue 16: under 2 × the list's JSON).
#
#   scripts/import-rss.sh [PEOPLE] [DB]
#
# PEOPLE (default 500000) generated people (scripts/genlist.go) are written
# to a JSON file, bookingkitd is built and started on DB (default: a new
# SQLite file; or a postgres:// URL naming an empty schema with
# search_path), the list is uploaded once with curl
# (POST /api__airline_employee_upload?force=true), and the script prints the
# list's size, the server's VmHWM from /proc/PID/status and their ratio.
# Run it from the repository's root; it needs go, curl and Linux's /proc.
# LIST=file uploads that list instead of generating one, BIN=file runs
# that server instead of building one, PORT=n listens on n (18093),
# FORCE=false uploads without ?force=true.
set -eu
people=${1:-500000}
work=$(mktemp -d)
trap 'kill "$pid" 2>/dev/null || true; rm -rf "$work"' EXIT
pid=
db=${2:-$work/bookingkit.db}
port=${PORT:-18093}
token=rss-test-token-0123456789

list=${LIST:-$work/list.json}
[ -n "${LIST:-}" ] || go run scripts/genlist.go "$people" > "$list"
bin=${BIN:-$work/bookingkitd}
[ -n "${BIN:-}" ] || go build -o "$bin" ./cmd/bookingkitd
size=$(stat -c %s "$list")
printf '{"staffid": {"max_upload_bytes": %d}}\n' $((size + 1048576)) > "$work/config.json"

(cd "$work" && BOOKINGKIT_IMPORT_TOKEN=$token exec "$bin" -addr 127.0.0.1:$port -db "$db" \
	-config "$work/config.json" > server.log 2>&1) &
pid=$!
for _ in $(seq 100); do
	curl -sf -o /dev/null "http://127.0.0.1:$port/healthz" && break
	sleep 0.2
done
before=$(awk '/VmHWM/ {print $2}' /proc/$pid/status)
curl -s -o "$work/report.json" -w 'upload: HTTP %{http_code} in %{time_total}s\n' \
	"http://127.0.0.1:$port/api__airline_employee_upload?force=${FORCE:-true}" \
	-H "Authorization: Bearer $token" -H 'Content-Type: application/json' \
	--data-binary @"$list"
head -c 300 "$work/report.json"; echo
hwm=$(awk '/VmHWM/ {print $2}' /proc/$pid/status)
awk -v n="$people" -v s="$size" -v h="$hwm" -v b="$before" 'BEGIN {
	printf "people %d, JSON %.0f MB, VmHWM %.0f MB before the upload, %.0f MB after: %.2f x the JSON\n",
		n, s / 1e6, b * 1024 / 1e6, h * 1024 / 1e6, h * 1024 / s }'
