#!/bin/sh
# subset-cjk.sh — regenerates NotoSansSC-Subset.otf, the Simplified Chinese
# font Faro ships, from Debian's fonts-noto-cjk.
#
# Kept: the 3,755 hanzi of GB2312 level 1 (the common characters, taken from
# Python's gb2312 codec, rows 16-55), CJK punctuation and full-width forms,
# printable ASCII, and every character used in locales/*.yaml and content/**
# (so a new translation's rare characters are never missing: rerun this
# after adding Chinese text).  The build never runs this; the result is
# committed.  Needs python3-fonttools (Debian) and fonts-noto-cjk.
#
# Usage (from the repo root):  sh assets/fonts/subset-cjk.sh
set -eu
SRC=${SRC:-/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc}
OUT=${OUT:-assets/fonts/NotoSansSC-Subset.otf}
PY=/usr/bin/python3
[ -x "$PY" ] || PY=python3
[ -f "$SRC" ] || { echo "subset-cjk: $SRC missing (apt-get install fonts-noto-cjk)" >&2; exit 1; }
"$PY" -c 'import fontTools' 2>/dev/null || { echo "subset-cjk: apt-get install python3-fonttools" >&2; exit 1; }

TMP=$(mktemp -d)
trap 'rm -rf "$TMP"' EXIT

# 1. the characters
"$PY" - "$TMP/chars.txt" locales content <<'PY'
import os, sys
out, roots = sys.argv[1], sys.argv[2:]
chars = set(chr(c) for c in range(0x20, 0x7F))
chars |= set(chr(c) for c in range(0x3000, 0x3040))      # CJK symbols and punctuation
chars |= set(chr(c) for c in range(0xFF01, 0xFF5F))      # full-width forms
chars |= set("\u2014\u2026\u00b7\u201c\u201d\u2018\u2019")
for row in range(0xB0, 0xD8):                            # GB2312 level 1: rows 16-55
    for cell in range(0xA1, 0xFF):
        try: chars.add(bytes([row, cell]).decode("gb2312"))
        except UnicodeDecodeError: pass
for root in roots:
    for d, _, files in os.walk(root):
        for f in files:
            try: chars |= set(open(os.path.join(d, f), encoding="utf-8").read())
            except (UnicodeDecodeError, OSError): pass
chars = sorted(c for c in chars if c.isprintable())
open(out, "w", encoding="utf-8").write("".join(chars))
print("subset-cjk: %d characters" % len(chars))
PY

# 2. which face of the collection is Simplified Chinese
NUM=$("$PY" - "$SRC" <<'PY'
import sys
from fontTools.ttLib import TTCollection
for i, f in enumerate(TTCollection(sys.argv[1]).fonts):
    if f["name"].getDebugName(4) in ("Noto Sans CJK SC", "Noto Sans CJK SC Regular"): print(i); break
PY
)
[ -n "$NUM" ] || { echo "subset-cjk: no SC face in $SRC" >&2; exit 1; }

# 3. the subset (all layout features kept: locl, vert, kerning)
"$PY" -m fontTools.subset "$SRC" --font-number="$NUM" --text-file="$TMP/chars.txt" \
    --layout-features='*' --name-IDs='*' --name-languages='*' --notdef-outline \
    --output-file="$OUT"
ls -l "$OUT"
