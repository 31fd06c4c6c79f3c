#!/bin/sh
# tests/e2e/replace.sh — how advdb-compile reads an existing index and puts
# a new one in place (compiler/dbfile.c, writer_load.c, writer_install.c):
#
#   1. --update over a truncated, zero-filled or random previous index is
#      a clear error (exit 2, never SIGBUS), the file left as it was;
#   2. --install SRC -o DB checks SRC whole, refuses a damaged one, and
#      replaces DB under running readers without disturbing them;
#   3. a recompile or install keeps DB's mode and owner (as an unprivileged
#      user too: an owner it may not give is kept as its own, a group it
#      may not give is refused), and writes through a symbolic link;
#   4. two compiles with the same pid (two PID namespaces sharing a folder)
#      never share a temporary file, and the stale-file sweep keeps a
#      temporary file whose lock is held;
#   5. a full disk says "no space left on device".
. "$(dirname "$0")/lib.sh"

GIT="git -c user.name=advdb -c user.email=advdb@localhost"
R="$BUILD/tools/reader_loop"
digest() {
	"$Q" -d "$1" info --json 2>/dev/null |
	    sed -n 's/.*"digest" *: *"\([0-9a-f]*\)".*/\1/p' | head -n 1
}
tmps() { ls "$1".tmp.* 2>/dev/null | wc -l | tr -d ' '; }

# Two commits that answer tokio@1.18.3 differently.
mkrepo "$ROOT/data" "$T/repo" >/dev/null 2>&1
OLD=$(git -C "$T/repo" rev-parse HEAD)
tok=$(cd "$T/repo" && ls crates/tokio/*.md | head -n 1)
git -C "$T/repo" rm -q "$tok"
$GIT -C "$T/repo" commit -q -m new
NEW=$(git -C "$T/repo" rev-parse HEAD)
"$C" -q --ref "$OLD" -o "$T/old.lmdb" "$T/repo"
"$C" -q --ref "$NEW" -o "$T/new.lmdb" "$T/repo"
D_OLD=$(digest "$T/old.lmdb")
D_NEW=$(digest "$T/new.lmdb")
has "two indexes to swap" "$D_OLD $D_NEW" '^[0-9a-f]{40} [0-9a-f]{40}$'
SIZE=$(wc -c <"$T/old.lmdb" | tr -d ' ')

# Damaged copies of the old index: cut in half, a page of zeros, noise.
head -c $((SIZE / 2)) "$T/old.lmdb" >"$T/truncated.lmdb"
cp "$T/old.lmdb" "$T/zeroed.lmdb"
dd if=/dev/zero of="$T/zeroed.lmdb" bs=4096 seek=3 count=1 conv=notrunc 2>/dev/null
head -c "$SIZE" /dev/urandom >"$T/random.lmdb"

# ---- 1. --update over a damaged previous index ---------------------------
for kind in truncated zeroed random; do
	cp "$T/$kind.lmdb" "$T/u.lmdb"
	"$C" --update --ref "$NEW" -o "$T/u.lmdb" "$T/repo" >/dev/null 2>"$T/e"; rc=$?
	is "--update over a $kind previous index: exit 2 (no crash)" "$rc" 2
	has "--update over a $kind previous index: says why and what to do" \
	    "$(cat "$T/e")" 'u\.lmdb: .*(truncated|damaged|not an advdb index).*compile without --update'
	ok "--update over a $kind previous index: the file is left as it was" \
	    cmp "$T/u.lmdb" "$T/$kind.lmdb"
	is "--update over a $kind previous index: no temporary file" "$(tmps "$T/u.lmdb")" 0
done
cp "$T/old.lmdb" "$T/u.lmdb"
"$C" -q --update --ref "$NEW" -o "$T/u.lmdb" "$T/repo"
is "--update over a good previous index: the new commit's content" "$(digest "$T/u.lmdb")" "$D_NEW"

# ---- 2. --install ---------------------------------------------------------------
DB="$T/live.lmdb"
cp "$T/old.lmdb" "$DB"
"$C" --install "$T/new.lmdb" -o "$DB" >/dev/null 2>"$T/e"; rc=$?
is "--install: exit 0" "$rc" 0
has "--install: says what it installed" "$(cat "$T/e")" "installed .*new\.lmdb: [0-9]+ advisories.*-> .*live\.lmdb"
ok "--install: DB is now SRC, byte for byte" cmp "$DB" "$T/new.lmdb"
for kind in truncated zeroed random; do
	cp "$T/old.lmdb" "$DB"
	"$C" --install "$T/$kind.lmdb" -o "$DB" >/dev/null 2>"$T/e"; rc=$?
	is "--install of a $kind index: exit 2" "$rc" 2
	has "--install of a $kind index: names it" "$(cat "$T/e")" "$kind\.lmdb: "
	has "--install of a $kind index: nothing installed" "$(cat "$T/e")" 'nothing installed'
	ok "--install of a $kind index: DB unchanged" cmp "$DB" "$T/old.lmdb"
	is "--install of a $kind index: no temporary file" "$(tmps "$DB")" 0
done
"$C" --install "$T/new.lmdb" -o "$DB" "$T/repo" >/dev/null 2>"$T/e"; rc=$?
is "--install with a REPO: usage error" "$rc" 2
has "--install with a REPO: says so" "$(cat "$T/e")" 'install SRC takes only'
"$C" --install "$T/missing.lmdb" -o "$DB" >/dev/null 2>"$T/e"; rc=$?
is "--install of a missing file: exit 2" "$rc" 2

# Readers, one reopening every round and one holding its handle, while
# the index is installed again and again: never an error.
if [ ! -x "$R" ]; then
	skip "readers during --install" "$R not built (make test builds tests/tools)"
else
	cp "$T/old.lmdb" "$DB"
	STOP="$T/stop"; rm -f "$STOP"
	"$R" "$DB" tokio 1.18.3 60 "$STOP" >"$T/r1" 2>&1 & r1=$!
	"$R" --keep "$DB" tokio 1.18.3 60 "$STOP" >"$T/rk" 2>&1 & rk=$!
	i=0 fails=0
	while [ $i -lt 10 ]; do
		src="$T/new.lmdb"; [ $((i % 2)) -eq 1 ] && src="$T/old.lmdb"
		"$C" -q --install "$src" -o "$DB" 2>>"$T/ie" || fails=$((fails + 1))
		i=$((i + 1))
	done
	touch "$STOP"
	wait $r1; s1=$?; wait $rk; sk=$?
	is "10 installs under running readers all succeed" "$fails" 0
	is "readers during --install: no round failed" \
	    "$(sed -n 's/^errors //p' "$T/r1") $(sed -n 's/^errors //p' "$T/rk")" "0 0"
	is "readers during --install: exit statuses" "$s1 $sk" "0 0"
	is "the reader holding its handle kept one answer" "$(grep -c '^answer ' "$T/rk")" 1
fi

# ---- 3. mode, owner, symbolic links ---------------------------------------
cp "$T/old.lmdb" "$DB"; chmod 0640 "$DB"
"$C" -q --ref "$NEW" -o "$DB" "$T/repo"
is "a recompile keeps the mode" "$(stat -c %a "$DB")" 640
chmod 0600 "$DB"
"$C" -q --install "$T/old.lmdb" -o "$DB"
is "an install keeps the mode" "$(stat -c %a "$DB")" 600
if [ "$(id -u)" -ne 0 ]; then
	skip "owner kept by a recompile" "needs root (chown to another user)"
else
	chown 65534:65534 "$DB"
	"$C" -q --ref "$NEW" -o "$DB" "$T/repo"
	is "a recompile (as root) keeps owner and group" "$(stat -c '%u:%g %a' "$DB")" "65534:65534 600"
fi
# As an unprivileged user: nobody, in a folder it may write.
if [ "$(id -u)" -ne 0 ] || ! command -v setpriv >/dev/null 2>&1; then
	skip "owner and group as an unprivileged user" "needs root and setpriv to become nobody"
else
	chmod 755 "$T"
	mkdir "$T/pub"; chmod 0777 "$T/pub"
	cp "$T/new.lmdb" "$T/pub/src.lmdb"; chmod 0644 "$T/pub/src.lmdb"
	NOBODY="setpriv --reuid=65534 --regid=65534 --clear-groups"
	# root's file, nobody's group: nobody may not give the owner (kept
	# as nobody), the group is the same
	cp "$T/old.lmdb" "$T/pub/db.lmdb"; chown 0:65534 "$T/pub/db.lmdb"; chmod 0640 "$T/pub/db.lmdb"
	$NOBODY "$C" -q --install "$T/pub/src.lmdb" -o "$T/pub/db.lmdb" 2>"$T/e"; rc=$?
	is "nobody installs over root's file of its group: exit 0" "$rc" 0
	is "... owner its own, group and mode the old ones" "$(stat -c '%u:%g %a' "$T/pub/db.lmdb")" "65534:65534 640"
	# root's group: nobody may not give it; the old file stays
	cp "$T/old.lmdb" "$T/pub/db.lmdb"; chown 0:0 "$T/pub/db.lmdb"; chmod 0640 "$T/pub/db.lmdb"
	$NOBODY "$C" -q --install "$T/pub/src.lmdb" -o "$T/pub/db.lmdb" 2>"$T/e"; rc=$?
	is "nobody installs over a file of root's group: exit 2" "$rc" 2
	has "... says it cannot give the group" "$(cat "$T/e")" 'cannot give the new index the group of the old one \(gid 0\)'
	ok "... the old file stays" cmp "$T/pub/db.lmdb" "$T/old.lmdb"
	is "... as root's" "$(stat -c '%u:%g %a' "$T/pub/db.lmdb")" "0:0 640"
	is "... no temporary file" "$(tmps "$T/pub/db.lmdb")" 0
	chmod 700 "$T"
fi
# A symbolic link at -o: its target is replaced, the link stays.
mkdir "$T/real"
cp "$T/old.lmdb" "$T/real/db.lmdb"; chmod 0600 "$T/real/db.lmdb"
ln -s real/db.lmdb "$T/link.lmdb"
"$C" -q --ref "$NEW" -o "$T/link.lmdb" "$T/repo"; rc=$?
is "a recompile through a symbolic link: exit 0" "$rc" 0
ok "... the link is still a link" test -L "$T/link.lmdb"
is "... its target has the new content" "$(digest "$T/real/db.lmdb")" "$D_NEW"
is "... and its mode" "$(stat -c %a "$T/real/db.lmdb")" 600
is "... no temporary file beside the target" "$(tmps "$T/real/db.lmdb")" 0
"$C" -q --install "$T/old.lmdb" -o "$T/link.lmdb"
is "an install through the link replaces the target" "$(digest "$T/real/db.lmdb")" "$D_OLD"
ln -s nowhere/db.lmdb "$T/dangling.lmdb"
"$C" -q -o "$T/dangling.lmdb" "$T/repo" >/dev/null 2>"$T/e"; rc=$?
is "a link to nothing: exit 2" "$rc" 2
has "a link to nothing: says so" "$(cat "$T/e")" 'dangling\.lmdb: a symbolic link to a missing file'

# ---- 4. the same pid twice ------------------------------------------------------
NS=""
if unshare --pid --fork true 2>/dev/null; then NS="unshare --pid --fork"
elif unshare -r --pid --fork true 2>/dev/null; then NS="unshare -r --pid --fork"
fi
if [ -z "$NS" ]; then
	skip "two compiles with the same pid" "unshare --pid is not permitted here"
else
	is "in a new PID namespace a compile is pid 1" "$($NS sh -c 'echo $$')" 1
	DB="$T/shared.lmdb"
	cp "$T/old.lmdb" "$DB"
	i=0 bad=0 whole=0
	while [ $i -lt 6 ]; do
		$NS "$C" -q --ref "$OLD" -o "$DB" "$T/repo" 2>>"$T/pe" & a=$!
		$NS "$C" -q --ref "$NEW" -o "$DB" "$T/repo" 2>>"$T/pe" & b=$!
		wait $a; ra=$?; wait $b; rb=$?
		[ "$ra$rb" = 00 ] || bad=$((bad + 1))
		d=$(digest "$DB")
		[ "$d" = "$D_OLD" ] || [ "$d" = "$D_NEW" ] && whole=$((whole + 1))
		i=$((i + 1))
	done
	is "6 rounds of two pid-1 compiles at once: every one succeeds" "$bad" 0
	is "... and the index is one whole index after each" "$whole" 6
	is "... no temporary file left" "$(tmps "$DB")" 0
	sed 's/^/# /' "$T/pe" 2>/dev/null | head -n 5
	# The sweep: a dead compile's file goes, a locked one stays,
	# whatever its pid says.
	stale="$DB.tmp.1.0123456789abcdef"
	held="$DB.tmp.999999999.fedcba9876543210"
	: >"$stale"; : >"$held"
	# left by compiles long gone (a file changed in the last minute is
	# never swept: its writer may not have locked it yet)
	touch -d '10 minutes ago' "$stale" "$held"
	( exec 9<"$held"; flock -x 9; : >"$T/locked"; exec sleep 60 ) & holder=$!
	n=0; while [ ! -e "$T/locked" ] && [ $n -lt 600 ]; do sleep 0.1; n=$((n + 1)); done
	$NS "$C" -q --ref "$NEW" -o "$DB" "$T/repo"
	ok "the sweep removes an unlocked temporary file of our own pid" test ! -e "$stale"
	ok "the sweep keeps a locked one of a pid dead here" test -e "$held"
	kill $holder 2>/dev/null; wait $holder 2>/dev/null
	$NS "$C" -q --ref "$NEW" -o "$DB" "$T/repo"
	ok "once its lock is gone, it goes too" test ! -e "$held"
fi

# ---- 5. a full disk ------------------------------------------------------------
MNT="$T/mnt"; mkdir "$MNT"
mkdir -p "$T/one/$(dirname "$tok")"
git -C "$T/repo" show "$OLD:$tok" >"$T/one/$tok"
mkrepo "$T/one" "$T/onerepo" >/dev/null 2>&1
"$C" -q -o "$T/small.lmdb" "$T/onerepo"
# Run in a mount namespace: a 48 KiB tmpfs holding the small index, too
# small for the sample one.
cat >"$T/full.sh" <<'EOS'
mount -t tmpfs -o size=48k tmpfs "$MNT" && cp "$T/small.lmdb" "$MNT/db.lmdb" || exit 9
"$C" --ref "$OLD" -o "$MNT/db.lmdb" "$T/repo" >/dev/null 2>"$T/fe"; echo "rc $?"
cmp -s "$MNT/db.lmdb" "$T/small.lmdb" && echo same
echo "tmps $(ls "$MNT" | grep -c tmp)"
"$C" --install "$T/old.lmdb" -o "$MNT/db.lmdb" >/dev/null 2>"$T/fe2"; echo "install $?"
cmp -s "$MNT/db.lmdb" "$T/small.lmdb" && echo same2
EOS
MS=""
for u in "unshare -m" "unshare -rm"; do
	if $u sh -c "mount -t tmpfs -o size=8k tmpfs '$MNT'" 2>/dev/null; then MS=$u; break; fi
done
if [ -z "$MS" ]; then
	skip "a full disk" "cannot mount a small tmpfs (unshare -m / -rm not permitted)"
else
	out=$(T=$T MNT=$MNT C=$C OLD=$OLD $MS sh "$T/full.sh" 2>&1)
	echo "$out" | sed 's/^/# /'
	has "a full disk: compile exit 2" "$out" '^rc 2$'
	has "a full disk: says no space left on device" "$(cat "$T/fe")" 'db\.lmdb: cannot write the new index: no space left on device'
	has "a full disk: the old index is kept" "$out" '^same$'
	has "a full disk: no temporary file" "$out" '^tmps 0$'
	has "a full disk: --install exit 2" "$out" '^install 2$'
	has "a full disk: --install says no space left" "$(cat "$T/fe2")" 'no space left on device'
	has "a full disk: --install keeps the old index" "$out" '^same2$'
fi

echo "1..$_n"
