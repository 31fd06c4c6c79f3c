#!/bin/sh
# tests/e2e/diff.sh — `advdb-query diff OLD NEW` end to end: exit codes as
# a merge gate, stdin, errors, the formats; then pairs of real revisions of
# the same projects (../shared/data/lockfiles) against an independent
# computation in Python: the package changes (tomllib and the documented
# multi-version rule, pkgdiff.h), the dependents of added packages, and
# introduced/resolved equal to the set difference of two `scan --json`.
. "$(dirname "$0")/lib.sh"

sample_db
D="-d $DB"
NEW="$ROOT/data/lockfiles/Cargo.lock"
OLD="$T/old.lock"
# the same project before: tokio and mio at fixed versions, no smallvec
sed -e 's/^version = "1.18.3"/version = "1.18.4"/' \
    -e 's/^version = "0.8.10"/version = "0.8.11"/' "$NEW" >"$OLD"

# ---- the merge gate ------------------------------------------------------
q 1 "a change introducing vulnerabilities: exit 1" $D diff "$OLD" "$NEW"
has "  text: the upgrade is listed" "$(cat "$T/o")" '^  v downgraded +tokio 1\.18\.4 -> 1\.18\.3$'
has "  text: introduced advisory shown as scan shows it" "$(cat "$T/o")" '^ID: +RUSTSEC-2023-0001'
has "  text: the summary says so" "$(tail -n 1 "$T/o")" '^error: the change introduces 2 vulnerabilities'
q 0 "the reverse change resolves them: exit 0" $D diff "$NEW" "$OLD"
has "  summary: ok, 2 resolved" "$(tail -n 1 "$T/o")" '^ok: the change introduces 0 vulnerabilities and 0 warnings; it resolves 2 vulnerabilities'
q 0 "no change: exit 0" $D diff "$NEW" "$NEW"
has "  nothing changed" "$(cat "$T/o")" '^Packages: 0 added, 0 removed, 0 upgraded, 0 downgraded$'
q 0 "--ignore applies as in scan" $D --ignore RUSTSEC-2023-0001 --ignore RUSTSEC-2024-0019 diff "$OLD" "$NEW"
q 0 "--os linux: the windows-only tokio advisory does not apply" $D --os linux --ignore RUSTSEC-2024-0019 diff "$OLD" "$NEW"
# a warning introduced: ansi_term (unmaintained) added to a lockfile without it
grep -v -e '^name = "ansi_term"' "$OLD" | awk 'BEGIN{RS="";ORS="\n\n"} !/0.12.1/' >"$T/noansi.lock"
q 0 "an introduced warning alone: exit 0" $D --ignore RUSTSEC-2023-0001 --ignore RUSTSEC-2024-0019 diff "$T/noansi.lock" "$OLD"
has "  one warning introduced" "$(tail -n 1 "$T/o")" 'introduces 0 vulnerabilities and 1 warning;'
q 1 "... and exit 1 under --deny warnings" $D --deny warnings diff "$T/noansi.lock" "$OLD"
has "  named denied" "$(tail -n 1 "$T/o")" '1 denied warning'
has "  an added package names what requires it" "$("$Q" $D diff "$T/noansi.lock" "$OLD" 2>/dev/null)" 'added +ansi_term 0\.12\.1 \(required by demo-app 0\.1\.0\)'

# ---- stdin and errors ----------------------------------------------------
"$Q" $D diff - "$NEW" <"$OLD" >"$T/o" 2>"$T/e"
is "OLD from stdin: exit 1" "$?" 1
has "  stdin is named <stdin>" "$(head -n 1 "$T/o")" '^Comparing <stdin> \('
cat "$NEW" | "$Q" $D diff "$OLD" - >/dev/null 2>&1
is "NEW from stdin (git show main:Cargo.lock | ...): exit 1" "$?" 1
q 2 "both from stdin: exit 2" $D diff - -
has "  says only one may be -" "$(cat "$T/e")" 'only one of OLD and NEW may be -'
q 2 "one operand: exit 2" $D diff "$OLD"
q 2 "a missing lockfile: exit 2" $D diff "$T/none.lock" "$NEW"
has "  names it" "$(cat "$T/e")" 'none\.lock: No such file'
printf 'version = 3\n[[package]]\nname = "x"\nversion = "1.x"\n' >"$T/bad.lock"
q 2 "a bad lockfile: exit 2, path:line" $D diff "$OLD" "$T/bad.lock"
has "  path:line: message" "$(cat "$T/e")" 'bad\.lock:4: package x: bad version'
q 2 "a missing index: exit 2" -d "$T/none.lmdb" diff "$OLD" "$NEW"
q 2 "--format html is for report only" $D --format html diff "$OLD" "$NEW"

# ---- formats -------------------------------------------------------------
q 1 "--json: exit 1" $D --json diff "$OLD" "$NEW"
cp "$T/o" "$T/d.json"
pyjson "--json: the documented shape" "$T/d.json" \
  "len(docs) == 1 and set(docs[0]) >= {'database','lockfile','base','settings','packages','introduced','resolved'} and docs[0]['lockfile']['path'].endswith('data/lockfiles/Cargo.lock') and docs[0]['base']['path'].endswith('old.lock')"
pyjson "--json: introduced in cargo-audit's finding shape" "$T/d.json" \
  "sorted(v['advisory']['id'] for v in docs[0]['introduced']['vulnerabilities']['list']) == ['RUSTSEC-2023-0001','RUSTSEC-2024-0019'] and docs[0]['introduced']['vulnerabilities']['count'] == 2 and all(set(v) >= {'advisory','versions','affected','package'} for v in docs[0]['introduced']['vulnerabilities']['list']) and docs[0]['resolved']['vulnerabilities']['count'] == 0"
pyjson "--json: package changes" "$T/d.json" \
  "sorted((c['name'], c['old'], c['new']) for c in docs[0]['packages']['downgraded']) == [('mio','0.8.11','0.8.10'), ('tokio','1.18.4','1.18.3')] and docs[0]['packages']['added'] == [] and docs[0]['packages']['upgraded'] == []"
q 1 "--format markdown: exit 1" $D --format markdown diff "$OLD" "$NEW"
has "  a table row per introduced advisory, linked" "$(cat "$T/o")" '^\| \[RUSTSEC-2023-0001\]\(https://rustsec\.org/advisories/RUSTSEC-2023-0001\.html\) \| tokio 1\.18\.3 \| vulnerability \|'
has "  package changes in <details>" "$(cat "$T/o")" '^<summary>Package changes: 0 added, 0 removed, 0 upgraded, 2 downgraded</summary>$'
has "  the summary" "$(cat "$T/o")" 'introduces \*\*2 vulnerabilities\*\*'

# ---- real revisions of real projects ------------------------------------
if need_shared "diff: real lockfile pairs" && [ -n "$PY" ]; then
	RDB="$T/real.lmdb"
	if real_db; then
		_tap ok "compile the real advisory-db"
		# every consecutive pair of revisions of each project (the
		# dated ones in date order, then HEAD), and two long jumps
		ls "$SHARED"/lockfiles/*__*.lock |
		    sed -e 's/__HEAD\.lock$//' -e 's/__[0-9-]*__[0-9a-f]*\.lock$//' |
		    sort -u >"$T/projects"
		: >"$T/pairs"
		while read -r p; do
			prev=""
			for f in $(ls "$p"__*.lock | grep -v '__HEAD\.lock$' | sort) "$p"__HEAD.lock; do
				[ -f "$f" ] || continue
				[ -n "$prev" ] && echo "$prev $f" >>"$T/pairs"
				prev=$f
			done
		done <"$T/projects"
		echo "$SHARED/lockfiles/BurntSushi__ripgrep__2017-02-25__4e8c0fc4ad.lock $SHARED/lockfiles/BurntSushi__ripgrep__HEAD.lock" >>"$T/pairs"
		echo "$SHARED/lockfiles/denoland__deno__2021-05-31__f891368057.lock $SHARED/lockfiles/denoland__deno__2023-05-29__acc6cdc0b1.lock" >>"$T/pairs"
		npairs=$(wc -l <"$T/pairs" | tr -d ' ')
		bad=""
		i=0
		while read -r a b; do
			i=$((i + 1))
			"$Q" -d "$RDB" --json diff "$a" "$b" >"$T/pd$i.json" 2>"$T/pe$i"
			echo $? >"$T/prc$i"
			"$Q" -d "$RDB" --json scan "$a" >"$T/sa$i.json" 2>/dev/null
			"$Q" -d "$RDB" --json scan "$b" >"$T/sb$i.json" 2>/dev/null
		done <"$T/pairs"
		"$PY" - "$T" "$T/pairs" >"$T/py" 2>&1 <<'PYEOF'
import json, re, sys, tomllib
T, pairs = sys.argv[1], [l.split() for l in open(sys.argv[2])]

# --- semver, written here from the semver 2.0 text, not from pkgdiff.c
def parse(v):
    v = v.split('+', 1)[0]
    core, _, pre = v.partition('-')
    M, m, p = (int(x) for x in core.split('.'))
    ids = []
    if pre:
        for i in pre.split('.'):
            ids.append((0, int(i), '') if i.isdigit() else (1, 0, i))
    return (M, m, p, ids)
def key(v):
    M, m, p, ids = parse(v)
    # a release sorts above its prereleases; shorter prefix first
    return (M, m, p, (1,) if not ids else (0, tuple(ids)))
def series(v):
    M, m, p, _ = parse(v)
    return (M, 0, 0) if M else (0, m, 0) if m else (0, 0, p)
CIO = ("registry+https://github.com/rust-lang/crates.io-index",
       "sparse+https://index.crates.io/")
def skey(src):
    if src is None: return ""
    if src in CIO: return "crates.io"
    return src.split('#', 1)[0]

def packages(path):
    doc = tomllib.load(open(path, 'rb'))
    pk = list(doc.get('package', []))
    if 'root' in doc: pk.insert(0, doc['root'])
    return pk

def changes(old, new):
    groups = {}
    for side, pk in ((0, old), (1, new)):
        for p in pk:
            groups.setdefault((p['name'], skey(p.get('source'))), ([], []))[side].append(p['version'])
    out = []
    for (name, _), (o, n) in groups.items():
        o = sorted(o, key=key, reverse=True)
        n = sorted(n, key=key, reverse=True)
        both = set(o) & set(n)
        o = [v for v in o if v not in both]
        n = [v for v in n if v not in both]
        pairs = []
        for same in (True, False):
            for a in list(o):
                for b in n:
                    if not same or series(a) == series(b):
                        pairs.append((a, b)); o.remove(a); n.remove(b)
                        break
        for a, b in pairs:
            out.append(('upgraded' if key(b) > key(a) else 'downgraded', name, a, b))
        out += [('removed', name, a, None) for a in o]
        out += [('added', name, None, b) for b in n]
    return sorted(out, key=lambda c: (c[0], c[1], c[2] or '', c[3] or ''))

def same_source(a, b):
    # cargo-lock's SourceId equality: a git source by its URL without
    # query and fragment, then by commit when both name one (v1 wrote
    # entries without the #commit)
    if a is None: return False
    if not (a.startswith('git+') and b.startswith('git+')): return a == b
    if a.split('#', 1)[0].split('?', 1)[0] != b.split('#', 1)[0].split('?', 1)[0]:
        return False
    return '#' not in a or '#' not in b or a.split('#', 1)[1] == b.split('#', 1)[1]

def dependents(new, added):
    res = {}
    for p in new:
        for d in p.get('dependencies', []):
            parts = d.split(' ', 2)
            for q in new:
                if q['name'] != parts[0]: continue
                if len(parts) > 1 and q['version'] != parts[1]: continue
                if len(parts) > 2 and not same_source(q.get('source'), parts[2][1:-1]): continue
                k = (q['name'], q['version'], q.get('source'))
                if k in added:
                    res.setdefault(k, set()).add((p['name'], p['version']))
                break
    return res

def triples(scanfile):
    d = json.loads(open(scanfile).readline())
    v = {(x['advisory']['id'], x['package']['name'], x['package']['version'])
         for x in d['vulnerabilities']['list']}
    w = {(x['advisory']['id'], x['package']['name'], x['package']['version'])
         for k in d['warnings'] for x in d['warnings'][k] if x.get('advisory')}
    return v, w

fails = 0
totals = [0, 0, 0, 0, 0, 0]
for i, (a, b) in enumerate(pairs, 1):
    d = json.loads(open(f"{T}/pd{i}.json").readline())
    rc = int(open(f"{T}/prc{i}").read())
    old, new = packages(a), packages(b)
    want = changes(old, new)
    got = sorted([(k, c['name'], c.get('old', c.get('version') if k == 'removed' else None),
                   c.get('new', c.get('version') if k == 'added' else None))
                  for k in ('added', 'removed', 'upgraded', 'downgraded')
                  for c in d['packages'][k]],
                 key=lambda c: (c[0], c[1], c[2] or '', c[3] or ''))
    name = a.rsplit('/', 1)[1] + " -> " + b.rsplit('/', 1)[1]
    if got != want:
        fails += 1
        print("package changes differ:", name, [x for x in want if x not in got][:5], [x for x in got if x not in want][:5])
    # added packages with their sources, from the diff (the lists above
    # already match); dependents resolved here as Cargo names them
    addedset = {(c['name'], c['version'], c['source']) for c in d['packages']['added']}
    wdeps = dependents(new, addedset)
    gdeps = {(c['name'], c['version'], c['source']): {(x['name'], x['version']) for x in c['dependents']}
             for c in d['packages']['added'] if c['dependents']}
    if gdeps != wdeps:
        fails += 1
        print("dependents differ:", name, [(k, wdeps.get(k), gdeps.get(k)) for k in set(wdeps) | set(gdeps) if wdeps.get(k) != gdeps.get(k)][:3])
    va, wa = triples(f"{T}/sa{i}.json")
    vb, wb = triples(f"{T}/sb{i}.json")
    def tr(x):
        return (x['advisory']['id'], x['package']['name'], x['package']['version'])
    iv = {tr(x) for x in d['introduced']['vulnerabilities']['list']}
    rv = {tr(x) for x in d['resolved']['vulnerabilities']['list']}
    iw = {tr(x) for k in d['introduced']['warnings'] for x in d['introduced']['warnings'][k]}
    rw = {tr(x) for k in d['resolved']['warnings'] for x in d['resolved']['warnings'][k]}
    if (iv, rv, iw, rw) != (vb - va, va - vb, wb - wa, wa - wb):
        fails += 1
        print("introduced/resolved differ from the scans' set difference:", name)
    if d['introduced']['vulnerabilities']['count'] != len(iv) or d['resolved']['vulnerabilities']['count'] != len(rv):
        fails += 1
        print("counts differ from lists:", name)
    if rc != (1 if iv else 0):
        fails += 1
        print("exit status", rc, "for", len(iv), "introduced:", name)
    for j, k in enumerate(('added', 'removed', 'upgraded', 'downgraded')):
        totals[j] += len(d['packages'][k])
    totals[4] += len(iv)
    totals[5] += len(rv)
print("pairs: %d; added %d, removed %d, upgraded %d, downgraded %d; "
      "vulnerabilities introduced %d, resolved %d" % ((len(pairs),) + tuple(totals)))
sys.exit(1 if fails or not totals[0] or not totals[2] or not totals[4] or not totals[5] else 0)
PYEOF
		rc=$?
		sed 's/^/# /' "$T/py" | tail -n 12
		if [ $rc -eq 0 ]; then
			_tap ok "real: $npairs revision pairs: package changes, dependents, introduced/resolved and exit status match an independent computation"
		else
			_tap "not ok" "real: $npairs revision pairs match an independent computation"
		fi
		i=0
		while read -r a b; do
			i=$((i + 1))
			[ "$(cat "$T/prc$i")" -le 1 ] || bad="$bad $i"
		done <"$T/pairs"
		is "real: no pair is an error (exit 0 or 1)" "$bad" ""
		"$Q" -d "$RDB" --format markdown diff \
		    "$SHARED/lockfiles/denoland__deno__2021-05-31__f891368057.lock" \
		    "$SHARED/lockfiles/denoland__deno__2023-05-29__acc6cdc0b1.lock" >"$T/md" 2>/dev/null
		is "real: deno 2021 -> 2023 introduces vulnerabilities (exit 1)" "$?" 1
		has "real: Markdown lists them with severity and links" "$(cat "$T/md")" '^\| \[RUSTSEC-[0-9]{4}-[0-9]{4}\]\(https://rustsec\.org/advisories/RUSTSEC-[0-9]{4}-[0-9]{4}\.html\) \| [a-z0-9_-]+ [0-9.]+ \| vulnerability \| (low|medium|high|critical) [0-9]\.[0-9] \|'
	else
		_tap "not ok" "compile the real advisory-db"
		head -n 5 "$T/.cout" | sed 's/^/# /'
	fi
elif [ -d "$SHARED" ]; then
	skip "diff: real lockfile pairs" "python3 not found"
fi

echo "1..$_n"
