#!/bin/sh
# tests/e2e/toml_test.sh — the toml-test conformance runs for TOML 1.0
# and TOML 1.1.
#
# Runs every case named in ../shared/data/toml-test/tests/files-toml-1.0.0
# through build/tools/toml_decode, then every case of files-toml-1.1.0
# through `toml_decode --toml-1.1` (the advisory reader's dialect; the two
# lists disagree where TOML 1.1 relaxed 1.0). An invalid case passes when the decoder rejects
# it with status 1 (a crash or any other status is a failure); a valid case
# passes when its JSON equals the expected JSON, compared by python3 the way
# toml-test's runner does: floats numerically (any NaN equals any NaN),
# datetimes as instants after turning ' ', 't', 'z' into 'T', 'Z', other
# leaves as strings, types and keys exactly. One TAP line per case.
# Then every ../shared/data/lockfiles/*.lock must decode to what Python's
# tomllib makes of it (one TAP line per file; skipped without tomllib).
. "$(dirname "$0")/lib.sh"

DEC="$BUILD/tools/toml_decode"
TT="$SHARED/toml-test/tests"
LIST="$TT/files-toml-1.0.0"
LIST11="$TT/files-toml-1.1.0"

need_shared "toml-test 1.0 conformance" || done_testing
if [ ! -f "$LIST" ]; then
	skip "toml-test 1.0 conformance" "no $LIST"
	done_testing
fi
if [ ! -x "$DEC" ]; then
	_tap "not ok" "toml_decode is built ($DEC)"
	done_testing 1
fi

cat >"$T/cmp.py" <<'EOF'
import calendar, json, math, re, sys

tt, out = sys.argv[1], sys.argv[2]
DT = re.compile(r'^(?:(\d{4})-(\d{2})-(\d{2}))?[T ]?'
                r'(?:(\d{2}):(\d{2}):(\d{2})(?:\.(\d+))?)?'
                r'(Z|[+-]\d{2}:\d{2})?$')

def dt_key(kind, s):
    s = s.upper().replace(' ', 'T') if kind != 'time-local' else s
    m = DT.match(s)
    if not m:
        raise ValueError('bad datetime %r' % s)
    y, mo, d, h, mi, se, frac, off = m.groups()
    frac = ((frac or '') + '000000000')[:9]
    if kind == 'datetime':
        t = calendar.timegm((int(y), int(mo), int(d), int(h), int(mi),
                             int(se), 0, 0, 0))
        if off and off != 'Z':
            sign = 1 if off[0] == '+' else -1
            t -= sign * (int(off[1:3]) * 3600 + int(off[4:6]) * 60)
        return (t, frac)
    return (y, mo, d, h, mi, se, frac, off)

def num(s):
    s = s.strip()
    if s.lstrip('+-') == 'nan':
        return float('nan')
    return float(s)

def leaf(a):
    return (isinstance(a, dict) and set(a) == {'type', 'value'}
            and isinstance(a['type'], str) and isinstance(a['value'], str))

def same(exp, got, path):
    if leaf(exp):
        if not leaf(got):
            return '%s: expected a %s, got %s' % (path, exp['type'], json.dumps(got)[:80])
        if exp['type'] != got['type']:
            return '%s: type %s, want %s' % (path, got['type'], exp['type'])
        t, a, b = exp['type'], exp['value'], got['value']
        try:
            if t == 'float':
                x, y = num(a), num(b)
                ok = (math.isnan(x) and math.isnan(y)) or x == y
            elif t == 'integer':
                ok = int(a) == int(b)
            elif t == 'bool':
                ok = a.lower() == b.lower()
            elif t in ('datetime', 'datetime-local', 'date-local', 'time-local'):
                ok = dt_key(t, a) == dt_key(t, b)
            else:
                ok = a == b
        except ValueError as e:
            return '%s: %s' % (path, e)
        return None if ok else '%s: %r, want %r' % (path, b, a)
    if isinstance(exp, dict):
        if not isinstance(got, dict) or leaf(got):
            return '%s: expected a table' % path
        if set(exp) != set(got):
            return '%s: keys %s, want %s' % (path, sorted(got)[:8], sorted(exp)[:8])
        for k in exp:
            r = same(exp[k], got[k], path + '.' + k)
            if r:
                return r
        return None
    if isinstance(exp, list):
        if not isinstance(got, list):
            return '%s: expected an array' % path
        if len(exp) != len(got):
            return '%s: %d elements, want %d' % (path, len(got), len(exp))
        for n, (x, y) in enumerate(zip(exp, got)):
            r = same(x, y, '%s[%d]' % (path, n))
            if r:
                return r
        return None
    return '%s: unexpected %r in expected JSON' % (path, exp)

for line in open(sys.argv[3], encoding='utf-8'):
    case, rc, n = line.rstrip('\n').split('\t')
    why = None
    if rc != '0':
        err = open('%s/%s.err' % (out, n), encoding='utf-8', errors='replace').read()
        why = 'rejected (status %s): %s' % (rc, err.strip()[:200])
    else:
        try:
            got = json.load(open('%s/%s.json' % (out, n), encoding='utf-8'))
            exp = json.load(open('%s/%s' % (tt, case[:-5] + '.json'), encoding='utf-8'))
            why = same(exp, got, '$')
        except (OSError, ValueError) as e:
            why = 'bad JSON: %s' % e
    print('%s\t%s' % (case, why or ''))
EOF

# suite VERSION LIST [DECODER OPTION]: one TAP line per case of LIST.
suite() {
	_ver=$1 _list=$2 _opt=${3:-}
	rm -rf "$T/out"; mkdir -p "$T/out"
	: >"$T/valid.list"
	vpass=0 vtotal=0 ipass=0 itotal=0
	i=0
	while IFS= read -r f; do
		case $f in
		invalid/*.toml)
			itotal=$((itotal + 1))
			"$DEC" $_opt "$TT/$f" >/dev/null 2>"$T/err"
			rc=$?
			if [ "$rc" -eq 1 ]; then
				ipass=$((ipass + 1))
				_tap ok "$_ver: rejects $f"
			elif [ "$rc" -eq 0 ]; then
				_tap "not ok" "$_ver: rejects $f"
				echo "#   accepted an invalid document"
			else
				_tap "not ok" "$_ver: rejects $f"
				echo "#   decoder exited with status $rc"
				head -n 5 "$T/err" | sed 's/^/#   /'
			fi
			;;
		valid/*.toml)
			i=$((i + 1))
			"$DEC" $_opt "$TT/$f" >"$T/out/$i.json" 2>"$T/out/$i.err"
			printf '%s\t%s\t%s\n' "$f" "$?" "$i" >>"$T/valid.list"
			;;
		esac
	done <"$_list"
	if [ -z "$PY" ]; then
		skip "toml-test $_ver valid cases" "python3 not found (needed to compare JSON)"
		echo "# toml-test $_ver: valid ?/$i, invalid $ipass/$itotal"
		return 0
	fi
	python3 "$T/cmp.py" "$TT" "$T/out" "$T/valid.list" >"$T/valid.res" 2>"$T/cmp.err" ||
		{ _tap "not ok" "$_ver: compare valid cases"; sed 's/^/#   /' "$T/cmp.err"; }
	while IFS="	" read -r f why; do
		if [ -z "$why" ]; then
			vpass=$((vpass + 1))
			_tap ok "$_ver: decodes $f"
		else
			_tap "not ok" "$_ver: decodes $f"
			echo "#   $why"
		fi
		vtotal=$((vtotal + 1))
	done <"$T/valid.res"
	is "$_ver: every valid case compared" "$vtotal" "$i"
	echo "# toml-test $_ver: valid $vpass/$vtotal, invalid $ipass/$itotal"
}

command -v python3 >/dev/null 2>&1 && PY=python3 || PY=""
suite 1.0 "$LIST"
# TOML 1.1, which the advisory reader speaks (the rustsec crate reads
# advisories with the `toml` crate 1.x): the decoder's --toml-1.1.
if [ -f "$LIST11" ]; then
	suite 1.1 "$LIST11" --toml-1.1
else
	skip "toml-test 1.1 conformance" "no $LIST11"
fi
if [ -z "$PY" ]; then
	skip "Cargo.lock files agree with tomllib" "python3 not found"
	done_testing
fi

# Real documents: every shared Cargo.lock must decode to what Python's own
# TOML 1.0 reader (tomllib, Python 3.11+) makes of it.
if ! python3 -c 'import tomllib' 2>/dev/null; then
	skip "Cargo.lock files agree with tomllib" "python3 has no tomllib (needs 3.11+)"
	done_testing
fi
cat >"$T/lock.py" <<'EOF2'
import datetime, json, math, subprocess, sys, tomllib

def typed(v):
    if isinstance(v, dict): return {k: typed(x) for k, x in v.items()}
    if isinstance(v, list): return [typed(x) for x in v]
    if isinstance(v, bool): return ('bool', v)
    if isinstance(v, int): return ('integer', v)
    if isinstance(v, float): return ('float', 'nan' if math.isnan(v) else v)
    if isinstance(v, datetime.datetime):
        return ('datetime' if v.tzinfo else 'datetime-local', v.isoformat())
    if isinstance(v, (datetime.date, datetime.time)):
        return ('date-local' if isinstance(v, datetime.date) else 'time-local', v.isoformat())
    return ('string', v)

def ours(x):
    if isinstance(x, list): return [ours(v) for v in x]
    if set(x) == {'type', 'value'} and isinstance(x['value'], str):
        t, v = x['type'], x['value']
        if t == 'bool': return (t, v == 'true')
        if t == 'integer': return (t, int(v))
        if t == 'float':
            f = float(v)
            return (t, 'nan' if math.isnan(f) else f)
        if t.startswith('date') or t.startswith('time'):
            # Our datetime text is TOML: let tomllib read it the same way.
            return typed(tomllib.loads('x = ' + v)['x'])
        return (t, v)
    return {k: ours(v) for k, v in x.items()}

dec = sys.argv[1]
for path in sys.argv[2:]:
    data = open(path, 'rb').read()
    try:
        want = typed(tomllib.loads(data.decode('utf-8')))
    except (UnicodeDecodeError, tomllib.TOMLDecodeError) as e:
        want = 'rejected'
    r = subprocess.run([dec, path], capture_output=True)
    got = ours(json.loads(r.stdout)) if r.returncode == 0 else 'rejected'
    why = '' if got == want else (
        'status %d: %s' % (r.returncode, r.stderr.decode(errors='replace').strip()[:160])
        if got == 'rejected' else 'differs from tomllib')
    print('%s\t%s' % (path.rsplit('/', 1)[-1], why))
EOF2
nlock=0
for f in "$SHARED"/lockfiles/*.lock; do
	[ -f "$f" ] && nlock=$((nlock + 1))
done
if [ "$nlock" -eq 0 ]; then
	skip "Cargo.lock files agree with tomllib" "no $SHARED/lockfiles/*.lock"
	done_testing
fi
python3 "$T/lock.py" "$DEC" "$SHARED"/lockfiles/*.lock >"$T/lock.res" 2>"$T/lock.err" ||
	{ _tap "not ok" "compare Cargo.lock files"; sed 's/^/#   /' "$T/lock.err"; }
lpass=0 ltotal=0
while IFS="	" read -r f why; do
	ltotal=$((ltotal + 1))
	if [ -z "$why" ]; then
		lpass=$((lpass + 1))
		_tap ok "decodes lockfiles/$f as tomllib does"
	else
		_tap "not ok" "decodes lockfiles/$f as tomllib does"
		echo "#   $why"
	fi
done <"$T/lock.res"
is "every Cargo.lock compared" "$ltotal" "$nlock"
echo "# Cargo.lock files agreeing with tomllib: $lpass/$ltotal"
done_testing
