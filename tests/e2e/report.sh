#!/bin/sh
# tests/e2e/report.sh — `advdb-query report` end to end: its numbers
# against the JSON lines they came from (an independent computation in
# Python), error lines kept and counted, malformed lines refused with
# FILE:LINE and exit 2, concatenated inputs and stdin, the Markdown and
# text forms, and the HTML page loaded in headless Chromium: its charts in
# the rendered DOM, no console error (a control page shows the check can
# fail), hostile strings inert, a screenshot.
. "$(dirname "$0")/lib.sh"

sample_db
LOCKS="$ROOT/data/lockfiles/Cargo.lock"
if [ -d "$SHARED" ]; then
	real_db && DB="$T/real.lmdb" && LOCKS=$(ls "$SHARED"/lockfiles/*.lock)
	is "index: the real advisory-db" "$DB" "$T/real.lmdb"
else
	skip "the real advisory-db and shared lockfiles" "needs ../shared/data (not found at $SHARED): the sample set is used"
fi
D="-d $DB"

# the fleet: every lockfile, plus a bad one and a missing one (error
# lines), scanned in two runs whose outputs are concatenated
printf 'version = 3\n[[package]]\nname = "x"\nversion = "1.x"\n' >"$T/bad.lock"
set -- $LOCKS
half=$(( ($# + 1) / 2 ))
i=0; : >"$T/part1"; : >"$T/part2"
for f in "$@"; do
	i=$((i + 1))
	if [ $i -le $half ]; then echo "$f" >>"$T/part1"; else echo "$f" >>"$T/part2"; fi
done
"$Q" $D --json scan $(cat "$T/part1") "$T/bad.lock" >"$T/run1.jsonl" 2>/dev/null
"$Q" $D --json scan $(cat "$T/part2") "$T/missing.lock" >"$T/run2.jsonl" 2>/dev/null
cat "$T/run1.jsonl" "$T/run2.jsonl" >"$T/all.jsonl"
nlines=$(wc -l <"$T/all.jsonl" | tr -d ' ')
is "scan output: one line per input" "$nlines" "$(($# + 2))"

q 2 "report over a fleet with error lines: exit 2" report --json "$T/run1.jsonl" "$T/run2.jsonl"
cp "$T/o" "$T/rep.json"
pyjson "report: error lines are counted, listed, never dropped" "$T/rep.json" \
  "docs[0]['error-lines'] == 2 and docs[0]['errors'] == 2 and sorted(e['input'].rsplit('/',1)[1] for e in docs[0]['error-list']) == ['bad.lock', 'missing.lock'] and docs[0]['rejected'] == 0 and docs[0]['reports'] == $#"
has "report: the verdict says so" "$(cat "$T/rep.json")" '"verdict":"error: 2 errors in the fleet'

# the numbers, computed again from the lines
if [ -n "$PY" ]; then
	# severities from the index, one `show` per vulnerability advisory
	"$PY" -c '
import json, sys
ids = set()
for l in open(sys.argv[1]):
    d = json.loads(l)
    for v in d.get("vulnerabilities", {}).get("list", []):
        ids.add(v["advisory"]["id"])
print("\n".join(sorted(ids)))' "$T/all.jsonl" >"$T/ids"
	: >"$T/shows.jsonl"
	while read -r id; do
		"$Q" $D show --json "$id" >>"$T/shows.jsonl" 2>/dev/null
	done <"$T/ids"
	"$PY" - "$T/all.jsonl" "$T/rep.json" "$T/shows.jsonl" >"$T/py" 2>&1 <<'PYEOF'
import json, sys, datetime
lines = [json.loads(l) for l in open(sys.argv[1]) if l.strip()]
rep = json.loads(open(sys.argv[2]).read())
shows = {d["advisory"]["id"]: d for d in (json.loads(l) for l in open(sys.argv[3]))}
bad = []
def want(name, got, exp):
    if got != exp:
        bad.append("%s: report %r, computed %r" % (name, got, exp))

reports = [d for d in lines if "vulnerabilities" in d]
errors = [d for d in lines if "vulnerabilities" not in d and "error" in d]
want("reports", rep["reports"], len(reports))
want("error lines", rep["error-lines"], len(errors))
want("packages", rep["packages"], sum(d["lockfile"]["dependency-count"] for d in reports))

def findings(d):
    for v in d["vulnerabilities"]["list"]:
        yield "vulnerability", v
    for k, ws in d["warnings"].items():
        for w in ws:
            yield k, w
kinds = {}
sev = {"critical": 0, "high": 0, "medium": 0, "low": 0, "none": 0}
adv = {}
crate = {}
wv = ww = clean = 0
for i, d in enumerate(reports):
    nv = nw = 0
    for k, f in findings(d):
        kinds[k] = kinds.get(k, 0) + 1
        a = f["advisory"]
        if k == "vulnerability":
            nv += 1
            sev[shows[a["id"]]["severity"] or "none"] += 1
        else:
            nw += 1
        e = adv.setdefault(a["id"], [set(), 0, a])
        e[0].add(i); e[1] += 1
        c = crate.setdefault(f["package"]["name"], [])
        c.append((a["id"], f["package"]["version"]))
    if nv: wv += 1
    elif nw: ww += 1
    elif "error" not in d: clean += 1
want("with vulnerabilities", rep["lockfiles"]["with-vulnerabilities"], wv)
want("with warnings only", rep["lockfiles"]["with-warnings-only"], ww)
want("clean", rep["lockfiles"]["clean"], clean)
want("findings", rep["findings"]["total"], sum(kinds.values()))
want("vulnerabilities", rep["findings"]["vulnerabilities"], kinds.get("vulnerability", 0))
want("by kind", {k: v for k, v in rep["findings"]["by-kind"].items() if v}, kinds)
want("by severity", rep["findings"]["by-severity"], sev)
want("advisories (lockfiles, findings)",
     {a["id"]: (a["lockfiles"], a["findings"]) for a in rep["advisories"]},
     {k: (len(v[0]), v[1]) for k, v in adv.items()})
order = sorted(adv.items(), key=lambda kv: (-len(kv[1][0]), -kv[1][1], kv[0]))
want("top advisory", rep["advisories"][0]["id"] if rep["advisories"] else None,
     order[0][0] if order else None)

# --- upgrades: semver and the index's own ranges (show --json)
def parse(v):
    core, _, pre = v.split("+", 1)[0].partition("-")
    M, m, p = (int(x) for x in core.split("."))
    ids = tuple((0, int(x), "") if x.isdigit() else (1, 0, x) for x in pre.split(".")) if pre else None
    return (M, m, p, (1,) if ids is None else (0, ids))
def affected(aid, v):
    for r in shows.get(aid, {}).get("ranges", []):
        lo, hi = None, None
        for ev in r["events"]:
            if "introduced" in ev: lo, hi = ev["introduced"], None
            if "fixed" in ev:
                hi = ev["fixed"]
                if parse(lo) <= parse(v) < parse(hi): return True
                lo = None
        if lo is not None and parse(lo) <= parse(v): return True
    return False
checked = 0
for u in rep["upgrades"]:
    fs = crate[u["crate"]]
    want("findings of " + u["crate"], u["findings"], len(fs))
    if u["to"] is None or any(a not in shows for a, _ in fs):
        continue  # warnings' ranges are not fetched here
    to = u["to"]
    top = max((v for _, v in fs), key=parse)
    if parse(to) < parse(top):
        bad.append("upgrade of %s to %s is below %s in use" % (u["crate"], to, top))
    cleared = sum(1 for a, _ in fs if not affected(a, to))
    want("cleared by %s %s" % (u["crate"], to), u["clears"], cleared)
    for a in {a for a, _ in fs}:
        for r in shows[a]["ranges"]:
            for ev in r["events"]:
                c = ev.get("fixed")
                if not c: continue
                if c.endswith("-0"): c = c[:-2]
                if parse(c) < parse(top): continue
                n = sum(1 for b, _ in fs if not affected(b, c))
                if n > cleared or (n == cleared and parse(c) < parse(to)):
                    bad.append("%s: %s clears %d, better than %s" % (u["crate"], c, n, to))
    checked += 1

# --- repositories: OWNER/REPO of OWNER__REPO__... names, else the first
# folder below the shared prefix
names = [d["lockfile"]["path"] for d in lines if "lockfile" in d and "path" in d["lockfile"]]
def corpus(p):
    base = p.rsplit("/", 1)[-1]
    parts = base.split("__")
    return parts[0] + "/" + parts[1] if len(parts) > 2 and parts[0] and parts[1] else None
others = [p.rsplit("/", 1)[0].split("/") if "/" in p else [] for p in names if not corpus(p)]
pre = others[0] if others else []
for o in others:
    k = 0
    while k < len(pre) and k < len(o) and pre[k] == o[k]: k += 1
    pre = pre[:k]
repos = {}
for d in lines:
    p = d.get("lockfile", {}).get("path")
    r = corpus(p) if p else None
    if p and not r:
        dirs = p.rsplit("/", 1)[0].split("/") if "/" in p else []
        rest = [x for x in dirs[len(pre):] if x]
        r = rest[0] if rest else "."
    e = repos.setdefault(r, [0, 0])
    e[0] += 1
    e[1] += len(d["vulnerabilities"]["list"]) if "vulnerabilities" in d else 0
want("repositories", {r["name"]: [r["lockfiles"], r["vulnerabilities"]] for r in rep["repositories"]}, repos)

# --- ages: days from the advisory's date to the newest last-updated
asof = max(d["database"]["last-updated"][:10] for d in reports)
want("as of", rep["as-of"], asof)
day = lambda s: datetime.date(int(s[:4]), int(s[5:7]), int(s[8:10]))
buckets = [[0, 0] for _ in range(7)]
for d in reports:
    for k, f in findings(d):
        n = (day(asof) - day(f["advisory"]["date"])).days
        b = 0 if n < 30 else 1 if n < 90 else 2 if n < 365 else 3 if n < 730 else 4 if n < 1825 else 5
        buckets[b][k != "vulnerability"] += 1
want("ages", [[a["vulnerabilities"], a["warnings"]] for a in rep["ages"]], buckets)

# --- worst lockfiles: most vulnerabilities first
wl = sorted(((len(d["vulnerabilities"]["list"]), d["lockfile"]["path"]) for d in reports), key=lambda x: -x[0])
want("worst lockfile's count", rep["worst"][0]["vulnerabilities"] if rep["worst"] else 0, wl[0][0] if wl else 0)

print("checked: %d reports, %d findings, %d advisories, %d upgrades, %d repositories"
      % (len(reports), sum(kinds.values()), len(adv), checked, len(repos)))
for b in bad[:15]: print(b)
sys.exit(1 if bad or not checked else 0)
PYEOF
	rc=$?
	sed 's/^/# /' "$T/py" | tail -n 16
	if [ $rc -eq 0 ]; then _tap ok "report: every number matches an independent computation from the lines"
	else _tap "not ok" "report: every number matches an independent computation from the lines"; fi
else
	skip "report: numbers against the lines" "python3 not found"
fi

# ---- inputs: stdin, concatenation, malformed lines ----------------------
"$Q" report --json - <"$T/all.jsonl" >"$T/stdin.json" 2>/dev/null
is "report - (stdin) equals the report of the files" "$(cat "$T/stdin.json")" "$(cat "$T/rep.json")"
grep -v '"error"' "$T/all.jsonl" >"$T/good.jsonl"
"$Q" report "$T/good.jsonl" >"$T/o" 2>"$T/e"
rc=$?
[ "$rc" -le 1 ]; is "a fleet without errors: exit 0 or 1" "$?" 0
has "  text: the totals" "$(cat "$T/o")" '^Lockfiles: +[0-9]+ with vulnerabilities, [0-9]+ with warnings only, [0-9]+ clean; 0 errors, 0 skipped$'
{ head -n 1 "$T/good.jsonl"; head -n 1 "$T/good.jsonl"; echo '{"lockfile":{"path":"x"},"vulnerabilities":{"count":3,"list":[]},"warnings":{}}'; echo 'not json'; printf '%s\n' "$(head -c 100 /dev/zero | tr '\0' '[')"; head -n 1 "$T/good.jsonl"; } >"$T/mixed.jsonl"
q 2 "malformed lines: exit 2" report --json "$T/mixed.jsonl"
has "  FILE:LINE: message for each" "$(cat "$T/e")" 'mixed\.jsonl:3: vulnerabilities: `count` is not the length'
has "  a line that is not JSON" "$(cat "$T/e")" 'mixed\.jsonl:4: col [0-9]+: not JSON'
has "  too deep" "$(cat "$T/e")" 'mixed\.jsonl:5: col 33: nested deeper than 32'
pyjson "  the good lines are still reported, the rest counted" "$T/o" \
  "docs[0]['reports'] == 3 and docs[0]['rejected'] == 3 and docs[0]['verdict'].startswith('error: incomplete: 3')"
# a line past 64 MiB is refused without being held whole
{ head -c 67108865 /dev/zero | tr '\0' ' '; echo; head -n 1 "$T/good.jsonl"; } >"$T/long.jsonl"
q 2 "a line longer than 64 MiB: exit 2" report --json "$T/long.jsonl"
has "  FILE:LINE: longer than 64 MiB" "$(cat "$T/e")" 'long\.jsonl:1: longer than 64 MiB'
pyjson "  the next line is still read" "$T/o" "docs[0]['reports'] == 1 and docs[0]['rejected'] == 1"
rm -f "$T/long.jsonl"
q 2 "an unreadable input: exit 2" report "$T/none.jsonl"
has "  named" "$(cat "$T/e")" 'none\.jsonl: No such file'
if mkfifo "$T/silent.fifo" 2>/dev/null; then
	ADVDB_PIPE_WAIT=1 "$Q" report "$T/silent.fifo" >"$T/o" 2>"$T/e"
	is "a FIFO nobody writes to: exit 2, no hang" "$?" 2
	has "  says so" "$(cat "$T/e")" 'silent\.fifo: a FIFO with no data after 1 s'
fi
q 2 "a folder is not an input: exit 2" report "$T"
q 2 "no input at all: exit 2" report
: >"$T/empty.jsonl"
q 2 "an empty input is no clean fleet: exit 2" report "$T/empty.jsonl"
has "  says so" "$(cat "$T/o")" 'error: no report in the input'
q 2 "--format html needs no index but refuses check" $D --format html check tokio@1.18.3
q 1 "--format markdown (vulnerabilities: exit 1)" report --format markdown "$T/empty.jsonl" "$T/good.jsonl"
[ "$(head -c 1 "$T/o")" = "#" ]; is "  a Markdown page" "$?" 0
mdo=$("$Q" report --format markdown "$T/good.jsonl" 2>/dev/null)
has "  a table of the top advisories, linked" "$mdo" '^\| \[[A-Z]+-[0-9-]+\]\(https://'

# ---- threads: lines parsed by --jobs threads, added in input order ------
# 30 copies of the fleet with a malformed line, a blank line and a CRLF
# line in each: well past one read buffer (1 MiB) and one batch (256
# lines), so batches are parsed by several threads; the report and every
# message must be those of one thread, in input order.
i=0
while [ $i -lt 30 ]; do
	cat "$T/all.jsonl"
	printf 'not json %d\n\n' "$i"
	head -n 1 "$T/good.jsonl" | sed 's/$/\r/'
	i=$((i + 1))
done >"$T/many.jsonl"
"$Q" report --json -j 1 "$T/many.jsonl" >"$T/j1.json" 2>"$T/j1.err"
rc1=$?
"$Q" report --json -j 4 "$T/many.jsonl" >"$T/j4.json" 2>"$T/j4.err"
is "threads: exit as one thread's" "$?" "$rc1"
ok "  the report is one thread's" cmp "$T/j1.json" "$T/j4.json"
ok "  the messages are one thread's, in input order" cmp "$T/j1.err" "$T/j4.err"
is "  one message per malformed line" "$(grep -Ec 'many\.jsonl:[0-9]+: col [0-9]+: not JSON' "$T/j4.err")" 30
pyjson "  every copy counted" "$T/j4.json" \
  "docs[0]['reports'] == 30 * ($# + 1) and docs[0]['rejected'] == 30 and docs[0]['error-lines'] == 60"
"$Q" report --json -j 4 - <"$T/many.jsonl" >"$T/j4s.json" 2>/dev/null
sed 's/"<stdin>:/"X:/' "$T/j4s.json" >"$T/j4s.norm"
sed 's|"[^"]*many\.jsonl:|"X:|' "$T/j4.json" >"$T/j4.norm"
ok "  stdin: the same report" cmp "$T/j4.norm" "$T/j4s.norm"

# ---- hostile text -------------------------------------------------------
hostile='{"database":{"last-updated":"2026-01-01T00:00:00Z"},"lockfile":{"dependency-count":1,"path":"/x/<script>alert(1)</script>/Cargo.lock"},"vulnerabilities":{"found":true,"count":1,"list":[{"advisory":{"id":"RUSTSEC-2024-0001\"><img src=x onerror=alert(1)>","package":"p","title":"<img src=x onerror=alert(2)> & </table><script>alert(3)</script>","date":"2024-01-01","cvss":null,"url":"javascript:alert(4)"},"versions":{"patched":[],"unaffected":[]},"package":{"name":"p<b>","version":"1.0.0"}}]},"warnings":{}}'
printf '%s\n' "$hostile" >"$T/hostile.jsonl"
"$Q" report --format html "$T/hostile.jsonl" >"$T/hostile.html" 2>/dev/null
is "html: exit 1 (vulnerabilities)" "$?" 1
has "html: a hostile path is escaped" "$(cat "$T/hostile.html")" '/x/&lt;script&gt;alert\(1\)&lt;/script&gt;/Cargo\.lock'
has "html: a hostile title is escaped" "$(cat "$T/hostile.html")" '&lt;img src=x onerror=alert\(2\)&gt; &amp; &lt;/table&gt;'
is "html: no script, no event handler, no javascript: link" \
   "$(grep -ciE '<script|<img|<[a-z][^>]* on[a-z]+=|href="javascript' "$T/hostile.html")" 0
hmd=$("$Q" report --format markdown "$T/hostile.jsonl" 2>/dev/null)
is "markdown: no raw tag, no javascript: link" "$(printf '%s' "$hmd" | grep -ciE '<script|<img|<b>|\]\(javascript')" 0
"$Q" report --format html "$T/good.jsonl" "$T/run1.jsonl" >"$T/report.html" 2>/dev/null
is "html: the fleet page (errors: exit 2)" "$?" 2
is "html: nothing to fetch (no src=, no external stylesheet)" \
   "$(grep -ciE ' src=|<link|@import|url\(' "$T/report.html")" 0

# ---- Chromium -----------------------------------------------------------
CHROMIUM=$(command -v chromium || command -v chromium-browser || true)
if [ -n "$CHROMIUM" ]; then
	chrome() {  # out err args...
		_o=$1 _e=$2; shift 2
		timeout 120 "$CHROMIUM" --headless --no-sandbox --disable-gpu \
		    --disable-quic --no-first-run --disable-background-networking \
		    --disable-component-update --disable-sync \
		    --user-data-dir="$(mktemp -d "$T/chrome.XXXXXX")" \
		    --enable-logging=stderr --v=0 "$@" >"$_o" 2>"$_e"
	}
	# a control page: a console error and a blocked fetch must be seen
	printf '<!DOCTYPE html><html><head><meta http-equiv="Content-Security-Policy" content="default-src %s; script-src %s"></head><body><img src="https://example.invalid/x.png"><script>console.error("control error")</script></body></html>\n' "'none'" "'unsafe-inline'" >"$T/control.html"
	chrome "$T/control.dom" "$T/control.err" --dump-dom "file://$T/control.html"
	has "chromium: the control page's console errors are seen" "$(cat "$T/control.err")" 'CONSOLE.*control error'
	has "chromium: and its blocked fetch" "$(cat "$T/control.err")" 'CONSOLE.*(violates|Refused)'
	chrome "$T/report.dom" "$T/report.err" --dump-dom "file://$T/report.html"
	is "chromium: the report page loads" "$?" 0
	is "chromium: no console message (error, CSP violation, failed load)" \
	   "$(grep -c 'CONSOLE' "$T/report.err")" 0
	if [ -n "$PY" ]; then
		"$PY" - "$T/report.dom" >"$T/py" 2>&1 <<'PYEOF'
import sys
from html.parser import HTMLParser
class P(HTMLParser):
    def __init__(self):
        super().__init__(); self.stack = []; self.svgs = {}; self.scripts = 0; self.imgs = 0
    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag == "svg": self.stack.append(a.get("id")); self.svgs[a.get("id")] = 0
        if tag == "rect" and self.stack and a.get("class") == "bar" and float(a.get("height", 0)) > 0:
            self.svgs[self.stack[-1]] += 1
        if tag == "script": self.scripts += 1
        if tag == "img": self.imgs += 1
    def handle_endtag(self, tag):
        if tag == "svg" and self.stack: self.stack.pop()
p = P(); p.feed(open(sys.argv[1]).read())
print(p.svgs, "scripts", p.scripts, "imgs", p.imgs)
ok = all(p.svgs.get(k, 0) > 0 for k in ("chart-severity", "chart-kind", "chart-advisories", "chart-age"))
sys.exit(0 if ok and not p.scripts and not p.imgs else 1)
PYEOF
		rc=$?
		sed 's/^/# /' "$T/py"
		is "chromium: the rendered DOM has its four charts with bars, and no script or image" "$rc" 0
	fi
	chrome "$T/hostile.dom" "$T/hostile.err" --dump-dom "file://$T/hostile.html"
	is "chromium: the hostile page runs nothing (no console message)" \
	   "$(grep -c 'CONSOLE' "$T/hostile.err")" 0
	is "chromium: and its DOM has no script, image or javascript: link" \
	   "$(grep -ciE '<script|<img|href="javascript' "$T/hostile.dom")" 0
	chrome "$T/shot.out" "$T/shot.err" --window-size=1200,2000 \
	    --screenshot="$T/report.png" "file://$T/report.html"
	is "chromium: a screenshot of the page" "$(head -c 8 "$T/report.png" 2>/dev/null | od -An -tx1 | tr -d ' ')" "89504e470d0a1a0a"
else
	skip "report HTML in Chromium" "chromium not found (make deps installs it)"
fi

echo "1..$_n"
