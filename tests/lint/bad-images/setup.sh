# an image over the byte bound (2 MiB): a PNG signature, then padding
printf '\211PNG\r\n\032\n' >media/heavy.png
head -c 2200000 /dev/zero >>media/heavy.png
