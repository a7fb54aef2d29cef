#!/bin/sh
# t_packs.sh — the bad-pack corpus: every pack a hostile or broken stick can
# carry, each installed with `faro-pack install` into a kiosk data folder
# that already holds a good pack, each with the exact line it must print;
# after each, the installed set (packs/ and keys/) must be byte-for-byte
# what it was, and the recorded versions unchanged.  Then minisign interop
# both ways and a real full disk (a 2 MB tmpfs, when mounting is allowed).
#
# Bad packs are made from a good one (tests/fixtures/content-mini) by
# truncating, flipping bits, editing with sqlite3, or re-signing with
# Debian's minisign (which signs anything: faro-pack sign refuses a bad pack).
BUILD=${BUILD:-build}
TOOL=$BUILD/asan/faro-pack
case $TOOL in /*) ;; *) TOOL=$(pwd)/$TOOL ;; esac
export ASAN_OPTIONS=${ASAN_OPTIONS:-detect_leaks=1}
export SOURCE_DATE_EPOCH=1700000000
pass=0; fail=0
T=$(mktemp -d /tmp/faro-t-packs-XXXXXX)
trap 'umount "$T/tiny" 2>/dev/null; rm -rf "$T"' EXIT
D=$T/kiosk

ok() { pass=$((pass + 1)); echo "ok   $1"; }
ko() { fail=$((fail + 1)); echo "FAIL $1"; }

snapshot() { (cd "$D" && find packs keys -type f | sort | xargs -r sha256sum;
              sqlite3 state.db 'SELECT id, version, hash FROM pack_seen ORDER BY id') >"$1"; }

# expect NAME "LINE": installs $T/c/NAME (with NAME.minisig if present) and
# compares the printed line and the installed set.
expect() {
    name=$1; want=$2
    got=$(cd "$T/c" && "$TOOL" install "$D" "$name" 2>"$T/err.log")
    snapshot "$T/after"
    if [ "$got" != "$want" ]; then ko "$name: got [$got] want [$want]"; cat "$T/err.log" | grep -v '^faro: install' | head -5
    elif ! cmp -s "$T/before" "$T/after"; then ko "$name: installed set changed"; diff "$T/before" "$T/after"
    elif [ -n "$(ls -A "$D/staging")" ]; then ko "$name: staging not empty"
    elif grep -q -E 'Sanitizer|runtime error' "$T/err.log"; then ko "$name: sanitizer"; cat "$T/err.log"
    else ok "$name"; fi
}

msign() { minisign -S -s "$T/a.key" -m "$1" >/dev/null 2>&1; }  # faro keys work in minisign
flip() { # file offset: xor one bit (0x10) of the byte at offset
    b=$(od -An -tu1 -j "$2" -N1 "$1" | tr -d ' ')
    printf "\\$(printf %o $((b ^ 16)))" | dd of="$1" bs=1 seek="$2" conv=notrunc 2>/dev/null
}
sigedit() { # file line offset: flip a bit inside the base64 blob on that line of a .minisig
    sed -n "${2}p" "$1" | base64 -d >"$T/blob"; flip "$T/blob" "$3"
    b64=$(base64 -w0 "$T/blob"); sed -i "${2}s|.*|$b64|" "$1"
}

# ---- keys, good packs, a kiosk holding v3
mkdir -p "$T/c" "$D/keys" "$T/src"
"$TOOL" keygen -p "$T/a.pub" -s "$T/a.key" >/dev/null
"$TOOL" keygen -p "$T/b.pub" -s "$T/b.key" >/dev/null
"$TOOL" keygen -p "$T/root.pub" -s "$T/root.key" >/dev/null
cp "$T/a.pub" "$D/keys/a.pub"; printf 'scope org.faro.*\n' >"$D/keys/a.scope"
cp "$T/root.pub" "$D/keys/root.pub"; printf 'root\n' >"$D/keys/root.scope"
mkpack() { # name id version [extra pack.yaml line]
    rm -rf "$T/src/$1"; cp -R tests/fixtures/content-mini "$T/src/$1"
    sed -i "s/^id: .*/id: $2/; s/^version: .*/version: $3/" "$T/src/$1/pack.yaml"
    [ -n "$4" ] && echo "$4" >>"$T/src/$1/pack.yaml"
    "$TOOL" build "$T/src/$1" -o "$T/c/$1.faro" >/dev/null || echo "build $1 failed"
}
mkpack v3 org.faro.test-mini 3
mkpack v4 org.faro.test-mini 4
mkpack v2 org.faro.test-mini 2
mkpack other org.other.x 1
mkpack alert org.faro.alert 1 "expires: 2020-01-01"
sqlite3 "$T/c/alert.faro" "INSERT INTO meta VALUES('expiry_hides', 'true')"
SOURCE_DATE_EPOCH=1700000009 mkpack v3b org.faro.test-mini 3
for p in v3 v4 v2 other alert v3b; do "$TOOL" sign "$T/c/$p.faro" -s "$T/a.key" >/dev/null; done
if out=$("$TOOL" install "$D" "$T/c/v3.faro" 2>/dev/null) && [ "${out%%:*}" = install.ok ]; then ok "good v3 installs"; else ko "good v3: $out"; fi
snapshot "$T/before"
SIZE=$(stat -c %s "$T/c/v4.faro")
SIG="signature does not match the file (changed or damaged after signing)"

# ---- truncations at many offsets, original signature (never reaches SQLite)
for cut in 1 16 50 99 100 101 512 1024 2048 4095 4096 4097 8192 12288 16384 20000 $((SIZE - 4096)) $((SIZE - 1)); do
    head -c $cut "$T/c/v4.faro" >"$T/c/cut$cut.faro"; cp "$T/c/v4.faro.minisig" "$T/c/cut$cut.faro.minisig"
    expect cut$cut.faro "install.bad_signature: cut$cut.faro: $SIG"
done
# ---- truncations signed anyway (a careless publisher): the store refuses them
for cut in 100 4096 8192 $((SIZE - 4096)); do
    head -c $cut "$T/c/v4.faro" >"$T/c/scut$cut.faro"; msign "$T/c/scut$cut.faro"
    expect scut$cut.faro "install.not_a_pack: scut$cut.faro: signed, but truncated or padded: the header says $SIZE bytes, there are $cut"
done
head -c 50 "$T/c/v4.faro" >"$T/c/scut50.faro"; msign "$T/c/scut50.faro"
expect scut50.faro "install.not_a_pack: scut50.faro: signed, but not a SQLite database"

# ---- bit flips in the header and the body, original signature
for off in 0 15 16 18 28 44 56 96 200 1000 4096 5000 9000 20000 $((SIZE - 1)); do
    cp "$T/c/v4.faro" "$T/c/flip$off.faro"; flip "$T/c/flip$off.faro" $off; cp "$T/c/v4.faro.minisig" "$T/c/flip$off.faro.minisig"
    expect flip$off.faro "install.bad_signature: flip$off.faro: $SIG"
done
# ---- header flips signed anyway
cp "$T/c/v4.faro" "$T/c/shdr0.faro"; flip "$T/c/shdr0.faro" 0; msign "$T/c/shdr0.faro"
expect shdr0.faro "install.not_a_pack: shdr0.faro: signed, but not a SQLite database"
cp "$T/c/v4.faro" "$T/c/shdr16.faro"; flip "$T/c/shdr16.faro" 16; msign "$T/c/shdr16.faro"
expect shdr16.faro "install.not_a_pack: shdr16.faro: signed, but damaged SQLite database (page size 0)"
cp "$T/c/v4.faro" "$T/c/shdr31.faro"; flip "$T/c/shdr31.faro" 31; msign "$T/c/shdr31.faro"
expect shdr31.faro "install.not_a_pack: shdr31.faro: signed, but truncated or padded: the header says $((SIZE + 16 * 4096)) bytes, there are $SIZE"

# ---- the signature file itself
mksig() { cp "$T/c/v4.faro" "$T/c/$1.faro"; cp "$T/c/v4.faro.minisig" "$T/c/$1.faro.minisig"; }
mksig sigflip; sigedit "$T/c/sigflip.faro.minisig" 2 40
expect sigflip.faro "install.bad_signature: sigflip.faro: $SIG"
mksig sigkeyid; sigedit "$T/c/sigkeyid.faro.minisig" 2 2
KID=$(sed -n 2p "$T/c/sigkeyid.faro.minisig" | base64 -d | od -An -tx1 -j2 -N8 | tr -s ' ' '\n' | grep . | tac | tr -d '\n' | tr a-f A-F)
expect sigkeyid.faro "install.unknown_key: sigkeyid.faro: signed by key $KID, which this kiosk does not trust"
mksig sigglobal; sigedit "$T/c/sigglobal.faro.minisig" 4 5
expect sigglobal.faro "install.bad_signature: sigglobal.faro: trusted comment does not match its signature"
mksig sigcomment; sed -i '3s/timestamp/timestamq/' "$T/c/sigcomment.faro.minisig"
expect sigcomment.faro "install.bad_signature: sigcomment.faro: trusted comment does not match its signature"
mksig sigb64; sed -i '2s/^RU/R!/' "$T/c/sigb64.faro.minisig"
expect sigb64.faro "install.bad_signature: sigb64.faro: bad signature file: sigb64.faro.minisig: damaged signature (bad base64 on line 2)"
mksig sigshort; head -n 2 "$T/c/v4.faro.minisig" >"$T/c/sigshort.faro.minisig"
expect sigshort.faro "install.bad_signature: sigshort.faro: bad signature file: sigshort.faro.minisig: not a minisign signature"
mksig siglegacy; sed -i '2s/^RU/RW/' "$T/c/siglegacy.faro.minisig"
expect siglegacy.faro "install.bad_signature: siglegacy.faro: bad signature file: siglegacy.faro.minisig: legacy signature over the raw file: sign again with minisign 0.11 or faro-pack sign (prehashed, 'ED')"
mksig sigbig; head -c 5000 /dev/zero | tr '\0' 'A' >"$T/c/sigbig.faro.minisig"
expect sigbig.faro "install.bad_signature: sigbig.faro: bad signature file: sigbig.faro.minisig: 5000 bytes, more than the 4096 allowed"
mksig sigempty; : >"$T/c/sigempty.faro.minisig"
expect sigempty.faro "install.bad_signature: sigempty.faro: bad signature file: sigempty.faro.minisig: not a minisign signature"
cp "$T/c/v4.faro" "$T/c/nosig.faro"
expect nosig.faro "install.no_signature: nosig.faro: no signature: nosig.faro.minisig is missing beside it"

# ---- keys and scopes
cp "$T/c/v4.faro" "$T/c/byb.faro"; "$TOOL" sign "$T/c/byb.faro" -s "$T/b.key" >/dev/null
BID=$("$TOOL" keygen -p "$T/x.pub" -s "$T/x.key" >/dev/null; sed -n 's/.*public key //p' "$T/b.pub")
expect byb.faro "install.unknown_key: byb.faro: signed by key $BID, which this kiosk does not trust"
RID=$(sed -n 's/.*public key //p' "$T/root.pub"); AID=$(sed -n 's/.*public key //p' "$T/a.pub")
cp "$T/c/v4.faro" "$T/c/byroot.faro"; "$TOOL" sign "$T/c/byroot.faro" -s "$T/root.key" >/dev/null
expect byroot.faro "install.out_of_scope: byroot.faro: pack 'org.faro.test-mini' is outside the scope of key $RID (no scope)"
expect other.faro "install.out_of_scope: other.faro: pack 'org.other.x' is outside the scope of key $AID (org.faro.*)"
"$TOOL" keypack "$T/c/kp.faro" --id org.faro.keys --version 1 --add "$T/b.pub" 'org.b.*' >/dev/null
"$TOOL" sign "$T/c/kp.faro" -s "$T/a.key" >/dev/null
expect kp.faro "install.out_of_scope: kp.faro: key pack 'org.faro.keys' is signed by key $AID, which is not a root key"

# ---- versions and expiry
expect v2.faro "install.old_version: v2.faro: pack 'org.faro.test-mini' version 2 is older than version 3 already seen (no rollback)"
expect v3b.faro "install.same_version: v3b.faro: pack 'org.faro.test-mini' version 3 was already seen with other contents: a changed pack needs a higher version"
expect alert.faro "install.expired: alert.faro: pack 'org.faro.alert' expired on 2020-01-01 and must not be shown after it"

# ---- not a pack, or not a Faro pack
head -c 40000 /dev/urandom >"$T/c/random.faro"; msign "$T/c/random.faro"
expect random.faro "install.not_a_pack: random.faro: signed, but not a SQLite database"
echo "hello, I am text" >"$T/c/text.faro"; msign "$T/c/text.faro"
expect text.faro "install.not_a_pack: text.faro: signed, but not a SQLite database"
sqlmod() { # name "SQL" "expected reason"
    cp "$T/c/v4.faro" "$T/c/$1.faro"; sqlite3 "$T/c/$1.faro" "$2" || echo "sqlite3 failed for $1"
    sqlite3 "$T/c/$1.faro" "PRAGMA journal_mode=DELETE" >/dev/null; msign "$T/c/$1.faro"
    expect "$1.faro" "install.not_a_pack: $1.faro: signed, but $3"
}
sqlmod trigger "CREATE TRIGGER t AFTER INSERT ON meta BEGIN DELETE FROM topics; END" "not a Faro pack: unexpected trigger 't'"
sqlmod view "CREATE VIEW v AS SELECT * FROM meta" "not a Faro pack: unexpected view 'v'"
sqlmod extratable "CREATE TABLE evil(x)" "not a Faro pack: unexpected table 'evil'"
sqlmod index "CREATE INDEX i ON services(kind)" "not a Faro pack: unexpected index 'i'"
sqlmod droptable "DROP TABLE media" "not a Faro pack: missing table 'media'"
sqlmod altered "ALTER TABLE topics ADD COLUMN x TEXT" "not a Faro pack: table 'topics' differs from the Faro schema"
sqlmod noid "DELETE FROM meta WHERE key = 'id'" "not a Faro pack: meta has no 'id'"
sqlmod format2 "UPDATE meta SET value = '2' WHERE key = 'format'" "pack format '2', this kiosk reads format 1"
sqlmod badversion "UPDATE meta SET value = 'x1' WHERE key = 'version'" "not a Faro pack: meta version 'x1' is not a whole number"
cp "$T/c/v4.faro" "$T/c/wal.faro"; sqlite3 "$T/c/wal.faro" "PRAGMA journal_mode=WAL" >/dev/null; msign "$T/c/wal.faro"
expect wal.faro "install.not_a_pack: wal.faro: signed, but not a Faro pack: journal mode WAL (rebuild the pack)"
cp "$T/c/v4.faro" "$T/c/badid.faro"; sqlite3 "$T/c/badid.faro" "UPDATE meta SET value = '../../etc' WHERE key = 'id'"; msign "$T/c/badid.faro"
expect badid.faro "install.not_a_pack: badid.faro: not a Faro pack: bad pack id '../../etc'"
cp "$T/c/v4.faro" "$T/c/badlayer.faro"; sqlite3 "$T/c/badlayer.faro" "UPDATE meta SET value = 'top' WHERE key = 'layer'"; msign "$T/c/badlayer.faro"
expect badlayer.faro "install.not_a_pack: badlayer.faro: not a Faro pack: layer 'top' (base or site)"
cp "$T/c/v4.faro" "$T/c/badtype.faro"; sqlite3 "$T/c/badtype.faro" "UPDATE meta SET value = 'evil' WHERE key = 'type'"; msign "$T/c/badtype.faro"
expect badtype.faro "install.not_a_pack: badtype.faro: not a Faro pack: type 'evil'"
cp "$T/c/v4.faro" "$T/c/padded.faro"; head -c 4096 /dev/zero >>"$T/c/padded.faro"; msign "$T/c/padded.faro"
expect padded.faro "install.not_a_pack: padded.faro: signed, but truncated or padded: the header says $SIZE bytes, there are $((SIZE + 4096))"

# ---- what a stick can be instead of a file
ln -s v4.faro "$T/c/link.faro"; cp "$T/c/v4.faro.minisig" "$T/c/link.faro.minisig"
expect link.faro "install.not_regular: link.faro: a symbolic link, not a pack file"
mkfifo "$T/c/fifo.faro"; cp "$T/c/v4.faro.minisig" "$T/c/fifo.faro.minisig"
expect fifo.faro "install.not_regular: fifo.faro: not a regular file (a FIFO, device or folder)"
mkdir "$T/c/dir.faro"; cp "$T/c/v4.faro.minisig" "$T/c/dir.faro.minisig"
expect dir.faro "install.not_regular: dir.faro: not a regular file (a FIFO, device or folder)"
: >"$T/c/empty.faro"; cp "$T/c/v4.faro.minisig" "$T/c/empty.faro.minisig"
expect empty.faro "install.empty: empty.faro: empty file (0 bytes)"
truncate -s 600M "$T/c/huge.faro"; cp "$T/c/v4.faro.minisig" "$T/c/huge.faro.minisig"
expect huge.faro "install.too_big: huge.faro: 629145600 bytes, more than the 536870912 a pack may have"
rm -f "$T/c/huge.faro"
ln -s v4.faro.minisig "$T/c/siglink.faro.minisig"; cp "$T/c/v4.faro" "$T/c/siglink.faro"
expect siglink.faro "install.read_error: siglink.faro: cannot read its signature: siglink.faro.minisig: Too many levels of symbolic links"

# ---- injected faults: a read error halfway through the stick, a full disk, a write error
export FARO_FAULT_AT=read:eio; expect v4.faro "install.read_error: v4.faro: read error after $((SIZE / 2)) of $SIZE bytes: Input/output error"; unset FARO_FAULT_AT
export FARO_FAULT_AT=copy:enospc; expect v4.faro "install.disk_full: v4.faro: internal storage is full"; unset FARO_FAULT_AT
export FARO_FAULT_AT=copy_fsync:eio; expect v4.faro "install.write_error: v4.faro: cannot write to internal storage: Input/output error"; unset FARO_FAULT_AT
export FARO_FAULT_AT=rename:eio; expect v4.faro "install.write_error: v4.faro: cannot write to internal storage: Input/output error"; unset FARO_FAULT_AT

# ---- same bytes again: not an error
if out=$("$TOOL" install "$D" "$T/c/v3.faro" 2>/dev/null) && [ "$out" = "install.already: v3.faro: pack 'org.faro.test-mini' version 3 is already installed" ]; then
    ok "same bytes: already installed"; else ko "same bytes: $out"; fi

# ---- minisign interop: a pack signed by Debian's minisign installs; faro-pack's verifies in minisign
minisign -G -W -p "$T/m.pub" -s "$T/m.key" >/dev/null 2>&1
cp "$T/m.pub" "$D/keys/m.pub"; printf 'scope org.faro.test-mini\n' >"$D/keys/m.scope"
minisign -S -s "$T/m.key" -m "$T/c/v4.faro" >/dev/null 2>&1
out=$("$TOOL" install "$D" "$T/c/v4.faro" 2>/dev/null)
if [ "$out" = "install.ok: v4.faro: installed pack 'org.faro.test-mini' version 4 (site layer)" ] &&
   cmp -s "$T/c/v4.faro" "$D/packs/org.faro.test-mini.faro"; then ok "minisign-signed pack installs"; else ko "minisign-signed: $out"; fi
"$TOOL" sign "$T/c/v4.faro" -s "$T/a.key" >/dev/null
if minisign -V -p "$T/a.pub" -m "$T/c/v4.faro" >/dev/null 2>&1; then ok "minisign -V accepts faro-pack sign"; else ko "minisign -V"; fi
if "$TOOL" verify "$T/c/v4.faro" -p "$T/a.pub" >/dev/null 2>&1 && ! "$TOOL" verify "$T/c/v4.faro" -p "$T/b.pub" >/dev/null 2>&1; then
    ok "faro-pack verify"; else ko "faro-pack verify"; fi

# ---- a real full disk: the data folder on a 2 MB tmpfs (needs mount; skipped otherwise)
mkdir -p "$T/tiny"
if mount -t tmpfs -o size=2m tmpfs "$T/tiny" 2>/dev/null; then
    mkdir -p "$T/tiny/k/keys"; cp "$D/keys/a.pub" "$D/keys/a.scope" "$T/tiny/k/keys/"
    head -c 1500000 /dev/urandom >"$T/tiny/filler"
    out=$("$TOOL" install "$T/tiny/k" "$T/c/v4.faro" 2>/dev/null)
    case "$out" in
        "install.disk_full: v4.faro: not enough room: "*) if [ -z "$(ls -A "$T/tiny/k/packs")$(ls -A "$T/tiny/k/staging")" ]; then ok "real full disk"; else ko "full disk left files"; fi ;;
        *) ko "real full disk: $out" ;;
    esac
    umount "$T/tiny"
else
    echo "skip real full disk (cannot mount tmpfs here; injected ENOSPC above covers it)"
fi

echo "$pass passed, $fail failed"
[ $fail = 0 ]
