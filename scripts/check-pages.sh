#!/usr/bin/env bash
# check-pages.sh: the partner reports page in a real headless browser.
#
# Starts bookingkitd on a temporary SQLite file, makes the first partner
# administrator with the command-line tool, signs them in over the API and
# creates some partner data through it (a partner, a company, four
# instances, licences), then has Debian's chromium load the reports page
# (instances, then licences) and checks, with grep on the DOM chromium
# rendered, that each chart has its data table (caption, th scope) with the
# chart's figures, that the bars are links named by their figures, that no
# role="img" holds a link, that the monthly series carry patterns, that the
# page's nonce'd script ran and that the browser refused nothing under the
# content security policy; then, with scripts/ax-tree.go, that chromium's
# accessibility tree has the tables (named by their captions) and the
# bars' links (named by their figures), that no image hides a link, and
# that Tab reaches the bars. Then it loads the reports page and the
# employee-list import page with Accept-Language ru and es and checks that
# they are in Russian and Spanish. It writes the DOMs and screenshots to the
# directory it prints.
#
# Needs Go, curl, jq and chromium (apt-get install -y chromium; set
# CHROMIUM to another binary). Not run by CI, whose machines have no
# chromium: run it by hand after changing the pages.
#
#	bash scripts/check-pages.sh
set -euo pipefail
cd "$(dirname "$0")/.."

CHROMIUM=${CHROMIUM:-chromium}
command -v "$CHROMIUM" >/dev/null || { echo "check-pages: no $CHROMIUM (apt-get install -y chromium)" >&2; exit 2; }
command -v jq >/dev/null || { echo "check-pages: no jq" >&2; exit 2; }

out=$(mktemp -d /tmp/check-pages.XXXXXX)
pids=()
cleanup() {
	for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null || true; done
	wait 2>/dev/null || true
	rm -rf "$out/profile" "$out/bookingkitd" "$out/bookingkit" "$out/bearer-proxy" "$out/ax-tree"
}
trap cleanup EXIT
echo "== output in $out"

go build -o "$out/bookingkitd" ./cmd/bookingkitd
go build -o "$out/bookingkit" ./cmd/bookingkit
db="$out/bookingkit.db"

# The first administrator and their one-time link (its token).
link=$("$out/bookingkit" partner admin add root@vendor.example Root Admin -db "$db" | grep -o 'token=[^[:space:]]*')
admin_token=$(printf '%b' "$(printf '%s' "${link#token=}" | sed 's/+/ /g; s/%\([0-9A-Fa-f][0-9A-Fa-f]\)/\\x\1/g')")

BOOKINGKIT_MAIL_DIR="$out/mail" BOOKINGKIT_ENGINE_TOKEN=check-pages-engine-token \
	"$out/bookingkitd" -db "$db" -addr 127.0.0.1:0 >"$out/server.log" 2>&1 &
pids+=($!)
for _ in $(seq 1 100); do
	base=$(grep -o 'listening on http://[^ ]*' "$out/server.log" | sed 's/listening on //' || true)
	[ -n "$base" ] && curl -fsS "$base/healthz" >/dev/null 2>&1 && break
	sleep 0.1
done
[ -n "$base" ] || { cat "$out/server.log"; echo "check-pages: the server did not start" >&2; exit 1; }
echo "== bookingkitd at $base"

session=""
api() { # METHOD PATH [JSON]
	curl -fsS -X "$1" "$base$2" -H "Authorization: Bearer $session" ${3:+-H 'Content-Type: application/json' --data "$3"}
}
session=$(api POST /api/partner/password "$(jq -nc --arg t "$admin_token" '{token: $t, password: "check pages long password"}')" | jq -r .session_token)

partner=$(api POST /api/partner/partners '{"name":"Iberia Resellers"}' | jq -r .id)
company=$(api POST /api/partner/companies "$(jq -nc --arg p "$partner" '{partner_id: $p, name: "Acme"}')" | jq -r .id)
expires=$(date -u -d '+1 year' +%Y-%m-%dT%H:%M:%SZ)
wds_data='{"legal_name":"Acme S.L.","tax_id":"B1","contact_email":"a@acme.example","country":"ES"}'
for spec in WDS:basic WDS:enterprise WDS:enterprise MCRM:; do
	type=${spec%%:*} profile=${spec#*:}
	config='{"max_terminals":"2","time_zone":"UTC"}'
	[ "$type" = MCRM ] && config='{"max_users":"3"}'
	inst=$(api POST /api/partner/instances "$(jq -nc --arg c "$company" --arg t "$type" --arg p "$profile" --arg e "$expires" \
		--argjson d "$wds_data" --argjson cf "$config" '{company_id: $c, type: $t, profile: $p, company_data: $d, config: $cf, expires_at: $e}')")
	id=$(jq -r .id <<<"$inst")
	sha=$(api POST "/api/partner/instances/$id/provision" | jq -r .contract.sha256)
	api POST "/api/partner/instances/$id/generate" "$(jq -nc --arg s "$sha" '{contract_sha256: $s}')" >/dev/null
	last=$id
done
api POST "/api/partner/instances/$last/licences" '{"licences":[{"user_name":"Dora","login":"dora"},{"user_name":"Eli","login":"eli"}]}' >/dev/null
echo "== partner $partner, company $company, 4 instances, 2 licences"

# The browser signs in with the session: bearer-proxy adds it to each request.
go build -o "$out/bearer-proxy" scripts/bearer-proxy.go
BEARER_TOKEN=$session "$out/bearer-proxy" -to "$base" >"$out/proxy.addr" 2>"$out/proxy.log" &
pids+=($!)
for _ in $(seq 1 50); do [ -s "$out/proxy.addr" ] && break; sleep 0.1; done
browse=$(head -n 1 "$out/proxy.addr")

chrome() { # NAME URL
	TMPDIR=$out "$CHROMIUM" --headless --no-sandbox --disable-gpu --no-first-run --user-data-dir="$out/profile" \
		--enable-logging=stderr --v=0 --window-size=1280,1800 --virtual-time-budget=3000 "${@:3}" "$2" 2>>"$out/$1.console"
}

fail=0
check() { # FILE DESCRIPTION PATTERN [MIN COUNT]
	local n
	n=$(grep -cF -- "$3" "$1" || true)
	if [ "$n" -ge "${4:-1}" ]; then
		echo "ok   $2 ($n)"
	else
		echo "FAIL $2: \"$3\" found $n times in $1"
		fail=1
	fi
}
refuse() { # FILE DESCRIPTION PATTERN (ERE)
	if grep -qE -- "$3" "$1"; then
		echo "FAIL $2:"; grep -oE -- "$3" "$1" | head -5 | cut -c1-300
		fail=1
	else
		echo "ok   $2"
	fi
}

for subject in instances licences; do
	url="$browse/partner/reports?subject=$subject"
	chrome "$subject" "$url" --dump-dom >"$out/$subject.html"
	chrome "$subject" "$url" --screenshot="$out/$subject.png" >/dev/null
	# One element a line, to grep.
	sed 's/></>\n</g' "$out/$subject.html" >"$out/$subject.lines"
	tr '\n' ' ' <"$out/$subject.html" >"$out/$subject.flat"
	dom=$out/$subject.lines
	Unit=$(tr '[:lower:]' '[:upper:]' <<<"${subject:0:1}")${subject:1}
	echo "== $url"
	check "$dom" "bar charts are groups of links, not images" 'role="group" aria-labelledby="chart-' 3
	check "$dom" "data tables with captions" '<caption>' 4
	check "$dom" "column headers" '<th scope="col"' 8
	check "$dom" "row headers" '<th scope="row"' 10
	check "$dom" "by-type table caption" "<caption>By type: $Unit</caption>"
	refuse "$out/$subject.flat" "no role=img holds a link" 'role="img"[^>]*>([^<]|<[^/]|</[^s])*<a '
	check "$dom" "the monthly series carry patterns" 'fill="url(#pattern-' 5
	check "$dom" "the nonce'd script ran (Filter disabled until a change)" 'id="apply" disabled'
	refuse "$out/$subject.console" "nothing refused under the content security policy" 'Refused to|Content Security Policy'
	if [ "$subject" = instances ]; then
		check "$dom" "the WDS bar named by its figure" 'aria-label="Working Day Suite: 3 instances. List them"' 2
		check "$dom" "the enterprise bar named by its figure" 'aria-label="Enterprise: 2 instances. List them"' 2
		check "$dom" "the MCRM bar, singular" 'aria-label="MCRM: 1 instance. List them"' 2
		check "$dom" "the table row has the chart's figure" '<th scope="row">Enterprise</th>'
		check "$dom" "the monthly total" '<td class="num">4</td>'
	else
		check "$dom" "the MCRM licences bar named by its figure" 'aria-label="MCRM: 2 licences. List them"' 2
	fi
	echo "-- key lines:"
	grep -E 'aria-label="[^"]*List them"|<caption>|<th scope="row">' "$dom" | grep -E 'caption|3 instances|2 instances|2 licences|Enterprise<|MCRM<' | head -12 | sed 's/^/   /'
done

# As a screen reader and a keyboard meet the page: chromium's accessibility
# tree (with the tables' disclosures opened) and the elements Tab reaches.
go build -o "$out/ax-tree" scripts/ax-tree.go
TMPDIR=$out "$out/ax-tree" -chromium "$CHROMIUM" -screenshot "$out/instances-tables.png" -url "$browse/partner/reports?subject=instances" >"$out/instances.ax" 2>"$out/ax-tree.log" ||
	{ cat "$out/ax-tree.log"; echo "check-pages: ax-tree failed" >&2; exit 1; }
ax=$out/instances.ax
echo "== accessibility tree and Tab order of $browse/partner/reports?subject=instances"
check "$ax" "tables in the accessibility tree, named by their captions" $'table\tBy type: Instances'
check "$ax" "the monthly table too" $'table\tInstances generated per month: Instances per month'
check "$ax" "the bars are links named by their figures (chart and table)" $'link\tEnterprise: 2 instances. List them' 2
check "$ax" "the monthly chart is an image named by its heading" $'img\tInstances generated per month'
refuse "$ax" "no image holds a link" $'^img-holding-link'
check "$ax" "Tab reaches the chart's bars" $'focus\ta Working Day Suite: 3 instances. List them' 2
check "$ax" "Tab reaches the tables' disclosures" $'focus\tsummary By type: the figures as a table'
echo "-- key lines:"
grep -E $'^(table|img)\t|Enterprise: 2|Working Day Suite: 3' "$ax" | sed 's/^/   /'

# The list behind a bar, opened as a bar's link would.
href=$(grep -o 'href="[^"]*bucket_profile=enterprise[^"]*"' "$out/instances.lines" | head -n 1 | sed 's/^href="//; s/"$//; s/&amp;/\&/g')
chrome detail "$browse$href" --dump-dom >"$out/detail.html"
echo "== $browse$href"
check "$out/detail.html" "the bar's link lists the two enterprise instances" '<details><summary><code>' 2

# The pages in Russian and Spanish, as a browser set to those languages
# asks for them (Accept-Language), and in English without a language.
for lang in ru es; do
	chrome "reports-$lang" "$browse/partner/reports?subject=instances" --accept-lang=$lang --dump-dom >"$out/reports-$lang.html"
	chrome "reports-$lang" "$browse/partner/reports?subject=instances" --accept-lang=$lang --screenshot="$out/reports-$lang.png" >/dev/null
	chrome "import-$lang" "$base/settings__airline_staff_id_employee_import" --accept-lang=$lang --dump-dom >"$out/import-$lang.html"
	chrome "import-$lang" "$base/settings__airline_staff_id_employee_import" --accept-lang=$lang --screenshot="$out/import-$lang.png" >/dev/null
done
echo "== the reports and import pages with Accept-Language ru and es"
check "$out/reports-ru.html" "reports page: Russian" '<html lang="ru"'
check "$out/reports-ru.html" "reports page: Russian title" 'PartnerApp · Отчёты'
check "$out/reports-ru.html" "reports page: a bar named in Russian" 'aria-label="Working Day Suite: 3 экземпляра. Показать список"'
check "$out/reports-es.html" "reports page: Spanish" '<html lang="es"'
check "$out/reports-es.html" "reports page: Spanish title" 'PartnerApp · Informes'
check "$out/reports-es.html" "reports page: a bar named in Spanish" 'aria-label="Working Day Suite: 3 instancias. Ver la lista"'
check "$out/import-ru.html" "import page: Russian" '<html lang="ru"'
check "$out/import-ru.html" "import page: Russian heading" 'Загрузка списка сотрудников'
check "$out/import-ru.html" "import page: Russian label" 'Токен импорта'
check "$out/import-es.html" "import page: Spanish" '<html lang="es"'
check "$out/import-es.html" "import page: Spanish heading" 'Subir la lista de empleados'
check "$out/import-es.html" "import page: Spanish label" 'Token de importación'
refuse "$out/import-ru.html" "import page: no English heading left in Russian" 'Upload the employee list'
for f in reports-ru reports-es import-ru import-es; do
	refuse "$out/$f.console" "$f: nothing refused under the content security policy" 'Refused to|Content Security Policy'
done
echo "-- key lines:"
grep -ohE '<h1>[^<]*</h1>|<h2>[^<]*</h2>' "$out/reports-ru.html" "$out/import-ru.html" "$out/import-es.html" "$out/reports-es.html" | head -12 | sed 's/^/   /'

echo "== DOMs, screenshots and browser logs in $out"
[ "$fail" = 0 ] && echo "check-pages: all checks passed" || { echo "check-pages: some checks failed" >&2; exit 1; }
