# Makes a 5 MiB article and a 5 MiB image (the bound is 4 MiB): run in the case copy.
{ printf -- '---\ntitle: Big\nsummary: Too big.\n---\n'; head -c 5242880 /dev/zero | tr '\0' 'a'; } > articles/call-home/en.md
head -c 5242880 /dev/zero > media/river.png
