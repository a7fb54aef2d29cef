/* embed.S — the default content pack, built from content/default by
 * faro-pack at build time, carried inside the kiosk binary so that it is
 * always present.  The store opens it with sqlite3_deserialize, read-only. */
    .section .rodata
    .balign 16
    .global faro_default_pack
faro_default_pack:
    .incbin FARO_PACK_PATH
    .global faro_default_pack_end
faro_default_pack_end:
    .byte 0
    .section .note.GNU-stack,"",%progbits
