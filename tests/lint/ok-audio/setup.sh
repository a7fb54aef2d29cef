# Good recordings made here (sox tone -> opusenc): mono and stereo, three
# kinds, and one Tigrinya topic title (the other has no voice at all).
set -e
mkdir -p audio/es audio/en audio/ti
sox -n -r 48000 -b 16 -c 1 tone.wav synth 1.5 sine 440 2>/dev/null
sox -n -r 48000 -b 16 -c 2 stereo.wav synth 0.7 sine 330 2>/dev/null
opusenc --quiet tone.wav audio/es/article-stay-safe.opus
opusenc --quiet stereo.wav audio/en/topic-safety.opus
opusenc --quiet stereo.wav audio/ti/topic-safety.opus
opusenc --quiet --bitrate 24 tone.wav audio/es/service-red-cross-test.opus
rm tone.wav stereo.wav
