# Broken recordings made here: truncated, a flipped byte, a WAV and an Ogg
# Vorbis file named .opus, an empty file, native FLAC.
set -e
mkdir -p audio/es audio/en
sox -n -r 48000 -b 16 -c 1 tone.wav synth 1.5 sine 440 2>/dev/null
opusenc --quiet tone.wav good.opus
head -c 3000 good.opus >audio/es/article-stay-safe.opus
cp good.opus audio/en/article-stay-safe.opus
printf '\377' | dd of=audio/en/article-stay-safe.opus bs=1 seek=2000 conv=notrunc 2>/dev/null
cp tone.wav audio/es/article-call-home.opus
sox tone.wav -t vorbis audio/en/topic-safety.opus
sox tone.wav -t flac audio/en/topic-family.opus
: >audio/es/topic-safety.opus
rm tone.wav good.opus
