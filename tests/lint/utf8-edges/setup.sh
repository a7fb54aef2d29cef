# Invalid UTF-8 at the edges ICU's U8_NEXT and the old hand decoder must agree on
# (pack_build.c utf8_bad_line): run in the case copy.  Each file gets one bad
# sequence on its line 6, after five good lines.
bad() { printf -- '---\ntitle: Edge\nsummary: "Ñandú ✓ 👍"\n---\nfine line\nbad %b here\n' "$2" > "$1"; }
bad articles/ask-help/es.md '\0300\0257'                 # overlong '/'
bad articles/ask-help/en.md '\0355\0240\0200'            # a UTF-16 surrogate
bad articles/stay-safe/es.md '\0364\0220\0200\0200'      # past U+10FFFF
bad articles/stay-safe/en.md '\0360\0217\0277\0277'      # overlong 4-byte
bad articles/call-home/es.md '\0342\0202'                # truncated before a space
printf -- '---\ntitle: Edge\nsummary: "U+10FFFF is fine: \364\217\277\277"\n---\nlast byte cut \342' > articles/call-home/en.md
