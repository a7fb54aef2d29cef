# Good recordings in the wrong place: an unknown article, topic and service,
# a language the pack does not have, an article in a partial language it
# has no text in, a name that is not a recording.
set -e
mkdir -p audio/es audio/fr audio/de
sox -n -r 48000 -b 16 -c 1 tone.wav synth 0.5 sine 440 2>/dev/null
opusenc --quiet tone.wav audio/es/article-nowhere.opus
cp audio/es/article-nowhere.opus audio/es/topic-nowhere.opus
cp audio/es/article-nowhere.opus audio/es/service-nowhere.opus
cp audio/es/article-nowhere.opus audio/fr/article-stay-safe.opus
cp audio/es/article-nowhere.opus audio/de/article-stay-safe.opus
cp audio/es/article-nowhere.opus audio/es/stay-safe.opus
echo note >audio/readme.txt
rm tone.wav
