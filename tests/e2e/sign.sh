#!/bin/sh
# tests/e2e/sign.sh — signed indexes end to end, against Debian's minisign:
#
#   - advdb-compile --sign (a minisign -G key: unencrypted -W, and the
#     default scrypt-encrypted one with its passphrase on a descriptor)
#     writes DB.minisig that `minisign -V` (and -V -H, prehashed only)
#     accepts; --sign-only signs an existing index;
#   - signatures made by `minisign -S` (prehashed and legacy -l, with an
#     encrypted key read from stdin and a -W key) verify in advdb-query;
#   - with --trust-key (or $ADVDB_TRUST_KEY) every command refuses, exit
#     2, each with its own message: a byte flipped at several offsets
#     (both LMDB meta pages, the middle, the last page, the last byte), a
#     signature by another key (both key ids named), a missing one, a
#     truncated one, a malformed key file, a trusted comment altered
#     by hand, and a valid signature whose comment names another index;
#   - --install carries SRC.minisig, checks it with --trust-key, and drops
#     a stale signature; readers that verify never refuse while signed
#     indexes are installed over and over.
#
# Keys are made here, fresh, in $T; none is committed.
. "$(dirname "$0")/lib.sh"

R="$BUILD/tools/reader_loop"
if ! command -v minisign >/dev/null 2>&1; then
	skip "signed indexes against minisign" "needs minisign (make deps installs it)"
	done_testing
fi

mkrepo "$ROOT/data" "$T/repo" >/dev/null 2>&1
# a second repository with one advisory less: another index
mkrepo "$ROOT/data" "$T/repo2" >/dev/null 2>&1
git -C "$T/repo2" rm -q "$(cd "$T/repo2" && ls crates/tokio/*.md | head -n 1)"
git -C "$T/repo2" -c user.name=advdb -c user.email=advdb@localhost commit -q -m less
cd "$T" || exit 2
minisign -G -W -p w.pub -s w.key >/dev/null 2>&1
minisign -G -W -p o.pub -s o.key >/dev/null 2>&1
printf 'pass phrase\n' > pass
# minisign -G asks twice on stdin; scrypt at minisign's own limits (1 GiB)
printf 'pass phrase\npass phrase\n' | minisign -G -p e.pub -s e.key >/dev/null 2>&1
ok "keys made with minisign -G (-W and encrypted)" test -s w.key -a -s e.key -a -s o.pub
# (minisign 0.11 writes the id without leading zeros; advdb, as minisign
# 0.12, always with 16 digits)
keyid() { printf '%16s' "$(sed -n 's/.*public key \([0-9A-F]*\)$/\1/p' "$1")" | tr ' ' 0; }
WID=$(keyid w.pub)
OID=$(keyid o.pub)
has "key ids read from the .pub files" "$WID $OID" '^[0-9A-F]{16} [0-9A-F]{16}$'

# ---- advdb signs, minisign verifies -------------------------------------
"$C" -o db.lmdb --sign w.key repo >/dev/null 2>e; rc=$?
is "compile --sign: exit 0" "$rc" 0
has "compile --sign: says with which key" "$(cat e)" "signed with key $WID -> db\.lmdb\.minisig"
ok "minisign -V accepts advdb's signature" minisign -V -p w.pub -m db.lmdb
ok "minisign -V -H (prehashed only) accepts it" minisign -V -H -p w.pub -m db.lmdb
has "the trusted comment names commit, compile time, digest, count" \
    "$(minisign -V -p w.pub -m db.lmdb)" \
    'Trusted comment: advdb index schema=2 commit=[0-9a-f]{40} compiled=[0-9T:-]+Z digest=[0-9a-f]{40} advisories=[0-9]+'
"$C" -o db2.lmdb --sign e.key --passphrase-fd 3 repo >/dev/null 2>e 3<pass; rc=$?
is "compile --sign with an encrypted key, passphrase on fd 3: exit 0" "$rc" 0
ok "minisign -V accepts it" minisign -V -p e.pub -m db2.lmdb
printf 'wrong\n' > wrong
"$C" -o db3.lmdb --sign e.key --passphrase-fd 0 repo >/dev/null 2>e <wrong; rc=$?
is "a wrong passphrase: exit 2" "$rc" 2
has "a wrong passphrase: says so" "$(cat e)" 'e\.key: wrong passphrase'
ok "a wrong passphrase: no index written" test ! -e db3.lmdb
# Without --passphrase-fd the passphrase is asked on the terminal, never
# read from stdin; in a session of its own (setsid) there is none.
if command -v setsid >/dev/null 2>&1; then
	setsid -w "$C" -o db3.lmdb --sign e.key repo >/dev/null 2>e <pass; rc=$?
	is "an encrypted key, no --passphrase-fd, no terminal: exit 2" "$rc" 2
	has "... says how to give the passphrase" "$(cat e)" 'no terminal to ask for its passphrase: give it with --passphrase-fd N'
	ok "... and stdin was not read for it: no index written" test ! -e db3.lmdb
else
	skip "an encrypted key without a terminal" "needs setsid (util-linux)"
fi

"$C" -q -o plain.lmdb repo
ok "an unsigned compile writes no signature" test ! -e plain.lmdb.minisig
cp plain.lmdb resign.lmdb
"$C" -o resign.lmdb --sign w.key --sign-only >/dev/null 2>e; rc=$?
is "--sign-only: exit 0" "$rc" 0
ok "--sign-only: minisign -V accepts it" minisign -V -p w.pub -m resign.lmdb
ok "--sign-only: the index is the same content" cmp resign.lmdb plain.lmdb
"$C" -o resign.lmdb --sign-only >/dev/null 2>e; rc=$?
is "--sign-only without --sign: usage error" "$rc" 2

# ---- minisign signs, advdb verifies --------------------------------------
cp plain.lmdb ms.lmdb
minisign -S -s e.key -m ms.lmdb <pass >/dev/null 2>&1
"$Q" -d ms.lmdb --trust-key e.pub check tokio@1.18.3 >/dev/null 2>e; rc=$?
is "minisign -S (encrypted key, prehashed): advdb answers (1: found)" "$rc" 1
minisign -S -l -s w.key -m ms.lmdb >/dev/null 2>&1
"$Q" -d ms.lmdb --trust-key w.pub check tokio@1.18.3 >/dev/null 2>e; rc=$?
is "minisign -S -l (legacy): advdb answers" "$rc" 1
has "info: a legacy signature, verified" "$("$Q" -d ms.lmdb --trust-key w.pub info)" \
    'Signature: +verified, key [0-9A-F]{16} \(legacy\)'
minisign -S -s w.key -m ms.lmdb >/dev/null 2>&1
"$Q" -d ms.lmdb --trust-key w.pub check tokio@1.18.3 >/dev/null 2>e; rc=$?
is "minisign -S with a -W key: advdb answers" "$rc" 1

# ---- advdb-query --trust-key ---------------------------------------------
"$Q" -d db.lmdb --trust-key w.pub check tokio@1.18.3 >/dev/null 2>e; rc=$?
is "--trust-key on a good index: the usual answer (1)" "$rc" 1
ADVDB_TRUST_KEY=w.pub "$Q" -d db.lmdb check tokio@1.18.5 >/dev/null 2>e; rc=$?
is "\$ADVDB_TRUST_KEY on a good index: the usual answer (0)" "$rc" 0
info=$("$Q" -d db.lmdb --trust-key w.pub info)
has "info: who signed, verified" "$info" "Signature: +verified, key $WID \\(prehashed\\)"
has "info: the trusted comment" "$info" 'Signed: +advdb index schema=2 '
has "info --json: the signature" "$("$Q" -d db.lmdb --trust-key w.pub info --json)" \
    "\"signature\":\\{\"verified\":true,\"key_id\":\"$WID\",\"prehashed\":true,\"trusted_comment\":\"advdb index "
has "info without a key: the claim, marked unverified" "$("$Q" -d db.lmdb info)" \
    "Signature: +db\\.lmdb\\.minisig, key $WID, NOT verified"
has "info of an unsigned index: none" "$("$Q" -d plain.lmdb info)" 'Signature: +none'

# Each refusal: exit 2 and its own words.
refuse() {  # name pattern args...
	_rn=$1 _rp=$2; shift 2
	"$Q" "$@" >/dev/null 2>e; _rc=$?
	is "$_rn: exit 2" "$_rc" 2
	has "$_rn: says so" "$(cat e)" "$_rp"
}
SIZE=$(wc -c < db.lmdb | tr -d ' ')
for off in 0 16 4112 $((SIZE / 2)) $((SIZE - 4096)) $((SIZE - 1)); do
	cp db.lmdb t.lmdb; cp db.lmdb.minisig t.lmdb.minisig
	b=$(od -An -tu1 -j "$off" -N1 t.lmdb | tr -d ' ')
	printf "$(printf '\\%03o' $(( (b + 1) % 256 )))" |
	    dd of=t.lmdb bs=1 seek="$off" conv=notrunc 2>/dev/null
	refuse "a byte flipped at $off of $SIZE" \
	    't\.lmdb: does not match its signature t\.lmdb\.minisig .*changed after it was signed' \
	    -d t.lmdb --trust-key w.pub check tokio@1.18.3
done
cp db.lmdb t.lmdb; cp db.lmdb.minisig t.lmdb.minisig
refuse "a signature by another key" "signed by key $WID, not by the trusted key $OID \\(o\\.pub\\)" \
    -d t.lmdb --trust-key o.pub check tokio@1.18.3
rm t.lmdb.minisig
refuse "no signature" 'not signed: no signature file t\.lmdb\.minisig' \
    -d t.lmdb --trust-key w.pub check tokio@1.18.3
head -c 300 db.lmdb.minisig > t.lmdb.minisig
refuse "a truncated signature" 'truncated signature file' \
    -d t.lmdb --trust-key w.pub check tokio@1.18.3
echo 'not a key' > bad.pub
refuse "a malformed key file" '--trust-key: bad\.pub: (malformed|truncated) public key file' \
    -d t.lmdb --trust-key bad.pub check tokio@1.18.3
refuse "a secret key given as --trust-key" 'w\.key: a minisign secret key, not a public key' \
    -d t.lmdb --trust-key w.key check tokio@1.18.3
refuse "a missing key file" 'nope\.pub' -d t.lmdb --trust-key nope.pub check tokio@1.18.3
sed 's/advisories=\([0-9]*\)/advisories=9\1/' db.lmdb.minisig > t.lmdb.minisig
refuse "a trusted comment altered by hand" 'trusted comment or the signature line was altered' \
    -d t.lmdb --trust-key w.pub check tokio@1.18.3
# A valid signature of this file whose comment is another index's (the
# signer's mistake, or a comment moved from another index's signature).
"$C" -q -o less.lmdb --sign w.key repo2
LESS=$(sed -n 's/^trusted comment: //p' less.lmdb.minisig)
has "another index, another digest" "$LESS" 'digest=[0-9a-f]{40}'
minisign -S -s w.key -m t.lmdb -t "$LESS" >/dev/null 2>&1
refuse "a swapped trusted comment" "signed for another index: its trusted comment names (commit|digest) [0-9a-f]{40}, the index's is" \
    -d t.lmdb --trust-key w.pub check tokio@1.18.3
cp less.lmdb.minisig t.lmdb.minisig
refuse "another index's signature beside this one" 'does not match its signature' \
    -d t.lmdb --trust-key w.pub check tokio@1.18.3
cp db2.lmdb.minisig t.lmdb.minisig
refuse "another index's signature (another key)" 'signed by key' \
    -d t.lmdb --trust-key w.pub check tokio@1.18.3

# Every command that opens the index verifies it first.
cp db.lmdb t.lmdb; cp db.lmdb.minisig t.lmdb.minisig
printf '\377' | dd of=t.lmdb bs=1 seek=9000 conv=notrunc 2>/dev/null
cp "$ROOT/data/lockfiles/Cargo.lock" Cargo.lock
printf '[package]\nname = "x"\nversion = "0.1.0"\n[dependencies]\ntokio = "1"\n' > Cargo.toml
for cmd in "check tokio@1.18.3" "scan Cargo.lock" "show RUSTSEC-2023-0001" "info" \
           "export-osv osvout" "reqs Cargo.toml" "bin Cargo.lock"; do
	# shellcheck disable=SC2086
	refuse "$cmd on an altered index" 'does not match its signature' \
	    -d t.lmdb --trust-key w.pub $cmd
done
echo "tokio 1.18.3" | "$Q" -d t.lmdb --trust-key w.pub batch >out 2>e; rc=$?
is "batch on an altered index: exit 2" "$rc" 2
is "batch on an altered index: no answer" "$(wc -c < out | tr -d ' ')" 0
ADVDB_TRUST_KEY=w.pub "$Q" -d t.lmdb tokio@1.18.3 >/dev/null 2>e; rc=$?
is "\$ADVDB_TRUST_KEY on an altered index: exit 2" "$rc" 2
ADVDB_TRUST_KEY= "$Q" -d t.lmdb tokio@1.18.3 >/dev/null 2>e; rc=$?
is "an empty \$ADVDB_TRUST_KEY: no verification (the old behaviour)" "$rc" 1

# ---- carried across: --install ---------------------------------------------
mkdir inside
"$C" -o inside/db.lmdb --install db.lmdb --trust-key w.pub >/dev/null 2>e; rc=$?
is "--install --trust-key of a good pair: exit 0" "$rc" 0
has "--install: the signature went along, verified" "$(cat e)" \
    "signature db\\.lmdb\\.minisig \\(key $WID, verified\\) -> inside/db\\.lmdb\\.minisig"
ok "--install: minisign -V accepts the installed pair" minisign -V -p w.pub -m inside/db.lmdb
cp inside/db.lmdb before.lmdb
"$C" -o inside/db.lmdb --install db2.lmdb --trust-key w.pub >/dev/null 2>e; rc=$?
is "--install --trust-key of a pair by another key: exit 2" "$rc" 2
has "--install --trust-key of a pair by another key: says so" "$(cat e)" 'signed by key '
has "--install --trust-key of a pair by another key: nothing installed" "$(cat e)" 'nothing installed'
ok "--install refused: the index is unchanged" cmp inside/db.lmdb before.lmdb
ok "--install refused: it still verifies" "$Q" -d inside/db.lmdb --trust-key w.pub info
"$C" -o inside/db.lmdb --install t.lmdb --trust-key w.pub >/dev/null 2>e; rc=$?
is "--install --trust-key of an altered index: exit 2" "$rc" 2
"$C" -o inside/db.lmdb --install plain.lmdb --trust-key w.pub >/dev/null 2>e; rc=$?
is "--install --trust-key of an unsigned index: exit 2" "$rc" 2
has "--install --trust-key of an unsigned index: says so" "$(cat e)" 'plain\.lmdb\.minisig: no such file'
"$C" -o inside/db.lmdb --install plain.lmdb >/dev/null 2>e; rc=$?
is "--install of an unsigned index (no --trust-key): exit 0" "$rc" 0
ok "... and the stale signature is gone" test ! -e inside/db.lmdb.minisig
has "... and says so" "$(cat e)" 'db\.lmdb\.minisig removed: it signed the previous index'

# Readers verifying every round while signed indexes are installed over
# and over: a signature and its index change one after the other, and a
# reader never refuses in between.
if [ ! -x "$R" ]; then
	skip "verifying readers during --install" "$R not built (make test builds tests/tools)"
else
	"$C" -q -o inside/db.lmdb --install db.lmdb
	"$C" -q -o other.lmdb --sign w.key repo
	STOP="$T/stop"; rm -f "$STOP"
	"$R" --trust-key w.pub inside/db.lmdb tokio 1.18.3 120 "$STOP" >r1 2>&1 & r1=$!
	i=0 fails=0
	while [ $i -lt 12 ]; do
		src=db.lmdb; [ $((i % 2)) -eq 1 ] && src=other.lmdb
		"$C" -q -o inside/db.lmdb --install "$src" 2>>ie || fails=$((fails + 1))
		i=$((i + 1))
	done
	touch "$STOP"
	wait $r1; s1=$?
	is "12 installs of signed indexes under a verifying reader" "$fails" 0
	is "the verifying reader never refused" "$(sed -n 's/^errors //p' r1)" 0
	is "the verifying reader: exit 0" "$s1" 0
	has "the verifying reader read rounds" "$(sed -n 's/^rounds //p' r1)" '^[1-9]'
fi
done_testing
