# Faro — plain Makefile.
#
#   make            build build/faro (the kiosk) and build/faro-pack (the content tool)
#   make run        set up what is missing, build, open the kiosk on the embedded default content
#   make test       set up what is missing, build under AddressSanitizer + UBSan, run every test
#   make bench      build optimised and print the performance figures (name: value unit)
#   make tsan       build the threaded modules' tests under ThreadSanitizer and run them
#   make install    install to $(DESTDIR)$(PREFIX) (bin/, share/faro/)
#   make clean      remove $(BUILD)
#
# Variables:
#   BUILD    output folder (default build; ignored by git)
#   PREFIX   install prefix (default /usr/local); DESTDIR staging root for packagers
#   CC       C compiler; CFLAGS/LDFLAGS from the user are appended last
#   PACKTOOL faro-pack that builds the embedded default pack (a host build when cross-compiling)
#   RUNARGS  arguments for `make run` (default --desktop: a window you can close;
#            RUNARGS=--fullscreen for the locked-down kiosk)
#
# Cross-building for a Raspberry Pi (arm64): on a Debian PC run
#   dpkg --add-architecture arm64 && apt-get update
#   apt-get install crossbuild-essential-arm64 $(DEBS with :arm64 appended to each library)
#   make cross-arm64            -> build/arm64/faro and build/arm64/faro-pack
# The default pack is built by the host's faro-pack (it is plain data).
#
# Layout: two programs, three source sets.  KIOSK_SRC (screens, gfx, text layout, ui, app,
# keyboards, script, usb, search, sync, the console) is linked only into faro; TOOL_SRC (the
# pack builder and lint, locale check, keygen and signing, key packs, publish) only into
# faro-pack; COMMON_SRC is every other src/*.c (a new module lands there by default: move it
# to KIOSK_SRC or TOOL_SRC when only one program needs it).  Every test
# tests/test_<module>.c and helper tests/tools/*.c links all three sets; tests/t_linksets.sh
# checks with nm that each program holds only its own.  Release objects go to $(BUILD)/obj,
# sanitizer objects to $(BUILD)/asan.  The default content pack is built from
# content/default by faro-pack and embedded into the kiosk binary (src/embed.S).

BUILD   ?= build
PREFIX  ?= /usr/local
CC      ?= cc
RUNARGS ?= --desktop

PKGS := sdl2 SDL2_ttf SDL2_image libpng libjpeg yaml-0.1 sqlite3 icu-uc icu-i18n libsodium libcurl md4c libqrencode opusfile ogg
# Debian packages: libraries (checked with pkg-config), espeak-ng (the kiosk runs it for
# synthetic speech), and tools/data the tests use.
DEBS := pkg-config libsdl2-dev libsdl2-ttf-dev libsdl2-image-dev libpng-dev libjpeg-dev libyaml-dev libsqlite3-dev \
        libicu-dev libsodium-dev libcurl4-openssl-dev libmd4c-dev libqrencode-dev \
        libopusfile-dev libogg-dev espeak-ng
TEST_DEBS := unicode-data xvfb xauth nginx minisign zbar-tools sqlite3 fonts-noto-core strace \
             opus-tools sox espeak-ng
RUN_FILES := /usr/bin/espeak-ng
TEST_FILES := /usr/share/unicode/BidiCharacterTest.txt /usr/sbin/nginx /usr/bin/Xvfb /usr/bin/minisign \
              /usr/bin/zbarimg /usr/bin/sqlite3 /usr/bin/xauth /usr/bin/strace \
              /usr/bin/opusenc /usr/bin/sox /usr/bin/espeak-ng

WARN     := -std=c17 -Wall -Wextra -Werror -Wshadow -Wstrict-prototypes -Wno-unused-parameter
DEFS     := -D_GNU_SOURCE -Isrc
PKG_CFLAGS = $(shell pkg-config --cflags $(PKGS) 2>/dev/null)
PKG_LIBS   = -Wl,--as-needed $(shell pkg-config --libs $(PKGS) 2>/dev/null) -lpthread -lm
OPT      := -O2 -g
SAN      := -O1 -g -fsanitize=address,undefined -fno-omit-frame-pointer -fno-sanitize-recover=undefined

ALL_CFLAGS = $(WARN) $(DEFS) $(PKG_CFLAGS) -MMD -MP

MAINS      := src/main.c src/faro_pack.c
KIOSK_SRC  := $(wildcard $(addprefix src/,admin.c app.c cfg.c gfx.c kbd.c mdoc.c notify.c qr.c screens.c shelf.c timefloor.c waker.c \
                script.c search.c speech.c sync.c txt.c ui.c usb.c image.c) src/screens/*.c)
TOOL_SRC   := $(wildcard $(addprefix src/,csv.c keypack.c lcheck.c pack_build.c publish.c sig_sign.c))
COMMON_SRC := $(filter-out $(MAINS) $(KIOSK_SRC) $(TOOL_SRC),$(wildcard src/*.c))
LIBSRC     := $(COMMON_SRC) $(KIOSK_SRC) $(TOOL_SRC)
TESTSRC := $(wildcard tests/test_*.c)
TOOLSRC := $(wildcard tests/tools/*.c)

OBJ      := $(LIBSRC:src/%.c=$(BUILD)/obj/%.o)
ASAN_OBJ := $(LIBSRC:src/%.c=$(BUILD)/asan/%.o)
KIOSK_OBJ      := $(COMMON_SRC:src/%.c=$(BUILD)/obj/%.o) $(KIOSK_SRC:src/%.c=$(BUILD)/obj/%.o)
TOOL_OBJ       := $(COMMON_SRC:src/%.c=$(BUILD)/obj/%.o) $(TOOL_SRC:src/%.c=$(BUILD)/obj/%.o)
ASAN_KIOSK_OBJ := $(KIOSK_OBJ:$(BUILD)/obj/%=$(BUILD)/asan/%)
ASAN_TOOL_OBJ  := $(TOOL_OBJ:$(BUILD)/obj/%=$(BUILD)/asan/%)
TESTS    := $(TESTSRC:tests/%.c=$(BUILD)/asan/tests/%)
TOOLS    := $(TOOLSRC:tests/tools/%.c=$(BUILD)/tools/%)
PACK     := $(BUILD)/default.faro
PACKTOOL ?= $(BUILD)/faro-pack
CONTENT  := $(shell find content/default -type f 2>/dev/null)

.PHONY: all run test bench install clean setup setup-test check-deps cross-arm64
all: $(BUILD)/faro $(BUILD)/faro-pack

# ---- set-up: install what is missing (apt-get when root, else print the command) ----
setup:
	@missing=""; for p in $(PKGS); do pkg-config --exists $$p || missing="$$missing $$p"; done; \
	for f in $(RUN_FILES); do [ -e $$f ] || missing="$$missing $$f"; done; \
	if [ -n "$$missing" ]; then \
	  echo "faro: missing libraries:$$missing"; \
	  if [ "$$(id -u)" = 0 ]; then \
	    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $(DEBS) >/dev/null || exit 1; \
	  else echo "run: sudo apt-get install -y $(DEBS)"; exit 1; fi; fi

setup-test: setup
	@missing=""; for f in $(TEST_FILES); do [ -e $$f ] || missing="$$missing $$f"; done; \
	if [ -n "$$missing" ]; then \
	  echo "faro: missing test tools:$$missing"; \
	  if [ "$$(id -u)" = 0 ]; then \
	    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $(TEST_DEBS) >/dev/null || exit 1; \
	  else echo "run: sudo apt-get install -y $(TEST_DEBS)"; exit 1; fi; fi

# ---- release build ----
$(BUILD)/obj/%.o: src/%.c | $(BUILD)/obj
	@mkdir -p $(@D)
	$(CC) $(ALL_CFLAGS) $(OPT) $(CFLAGS) -c $< -o $@

$(BUILD)/obj/embed.o: src/embed.S $(PACK) | $(BUILD)/obj
	$(CC) -c -DFARO_PACK_PATH='"$(PACK)"' $< -o $@

$(BUILD)/faro: $(BUILD)/obj/main.o $(BUILD)/obj/embed.o $(KIOSK_OBJ)
	$(CC) $^ -o $@ $(PKG_LIBS) $(LDFLAGS)

$(BUILD)/faro-pack: $(BUILD)/obj/faro_pack.o $(TOOL_OBJ)
	$(CC) $^ -o $@ $(PKG_LIBS) $(LDFLAGS)

$(PACK): $(PACKTOOL) $(CONTENT)
	$(PACKTOOL) build content/default -o $@

# ---- sanitizer build (tests) ----
$(BUILD)/asan/%.o: src/%.c | $(BUILD)/asan
	@mkdir -p $(@D)
	$(CC) $(ALL_CFLAGS) $(SAN) $(CFLAGS) -c $< -o $@

$(BUILD)/asan/embed.o: src/embed.S $(PACK) | $(BUILD)/asan
	$(CC) -c -DFARO_PACK_PATH='"$(PACK)"' $< -o $@

$(BUILD)/asan/faro: $(BUILD)/asan/main.o $(BUILD)/asan/embed.o $(ASAN_KIOSK_OBJ)
	$(CC) $(SAN) $^ -o $@ $(PKG_LIBS) $(LDFLAGS)

$(BUILD)/asan/faro-pack: $(BUILD)/asan/faro_pack.o $(ASAN_TOOL_OBJ)
	$(CC) $(SAN) $^ -o $@ $(PKG_LIBS) $(LDFLAGS)

$(BUILD)/asan/tests/%: tests/%.c tests/check.h $(BUILD)/asan/embed.o $(ASAN_OBJ) | $(BUILD)/asan/tests
	$(CC) $(ALL_CFLAGS) $(SAN) -Isrc $(CFLAGS) $< $(BUILD)/asan/embed.o $(ASAN_OBJ) -o $@ $(PKG_LIBS) $(LDFLAGS)

# helper programs for tests and bench (optimised, no sanitizers)
$(BUILD)/tools/%: tests/tools/%.c tests/tools/benchclock.h $(OBJ) $(BUILD)/obj/embed.o | $(BUILD)/tools
	$(CC) $(ALL_CFLAGS) $(OPT) -Isrc $(CFLAGS) $< $(BUILD)/obj/embed.o $(OBJ) -o $@ $(PKG_LIBS) $(LDFLAGS)

$(BUILD)/obj $(BUILD)/asan $(BUILD)/asan/tests $(BUILD)/tools:
	mkdir -p $@

# ---- the two commands, and the rest ----
run: setup
	@$(MAKE) --no-print-directory all
	$(BUILD)/faro $(RUNARGS)

test: setup-test
	@$(MAKE) --no-print-directory all $(BUILD)/asan/faro $(BUILD)/asan/faro-pack $(TESTS) $(TOOLS)
	@BUILD=$(BUILD) sh tests/run.sh

bench: setup-test
	@$(MAKE) --no-print-directory all $(TOOLS)
	@BUILD=$(BUILD) sh tests/bench.sh

install: all
	install -d $(DESTDIR)$(PREFIX)/bin $(DESTDIR)$(PREFIX)/share/faro/fonts $(DESTDIR)$(PREFIX)/share/faro/locales
	install -m 755 $(BUILD)/faro $(BUILD)/faro-pack $(DESTDIR)$(PREFIX)/bin/
	install -m 644 assets/fonts/* $(DESTDIR)$(PREFIX)/share/faro/fonts/
	install -m 644 locales/*.yaml $(DESTDIR)$(PREFIX)/share/faro/locales/

cross-arm64: $(BUILD)/faro-pack
	PKG_CONFIG_LIBDIR=/usr/lib/aarch64-linux-gnu/pkgconfig:/usr/share/pkgconfig \
	    $(MAKE) BUILD=$(BUILD)/arm64 CC=aarch64-linux-gnu-gcc PACKTOOL=$(abspath $(BUILD)/faro-pack) \
	    $(BUILD)/arm64/faro $(BUILD)/arm64/faro-pack

# ---- ThreadSanitizer: the tests whose modules run threads ----
# `make tsan` builds every module and each test in TSAN_TESTS with
# -fsanitize=thread into $(BUILD)/tsan, runs them, and ends with
# "N passed, N failed" (a race report fails its test).  Add a threaded
# module's test to TSAN_TESTS.
TSAN_TESTS := test_log test_install test_usb test_sync test_state test_privacy test_speech test_image test_waker \
              $(patsubst tests/%.c,%,$(wildcard tests/test_shelf.c))
TSAN       := -O1 -g -fsanitize=thread -fno-omit-frame-pointer
TSAN_OBJ   := $(LIBSRC:src/%.c=$(BUILD)/tsan/%.o)
TSAN_BINS  := $(TSAN_TESTS:%=$(BUILD)/tsan/tests/%)

.PHONY: tsan
.SECONDARY: $(TSAN_OBJ) $(BUILD)/tsan/embed.o
$(BUILD)/tsan/%.o: src/%.c
	@mkdir -p $(@D)
	$(CC) $(ALL_CFLAGS) $(TSAN) $(CFLAGS) -c $< -o $@

$(BUILD)/tsan/embed.o: src/embed.S $(PACK)
	@mkdir -p $(@D)
	$(CC) -c -DFARO_PACK_PATH='"$(PACK)"' $< -o $@

$(BUILD)/tsan/tests/%: tests/%.c tests/check.h $(BUILD)/tsan/embed.o $(TSAN_OBJ)
	@mkdir -p $(@D)
	$(CC) $(ALL_CFLAGS) $(TSAN) -Isrc $(CFLAGS) $< $(BUILD)/tsan/embed.o $(TSAN_OBJ) -o $@ $(PKG_LIBS) $(LDFLAGS)

tsan: setup-test
	@$(MAKE) --no-print-directory all $(TOOLS) $(TSAN_BINS)
	@mkdir -p $(BUILD)/test-logs; pass=0; fail=0; \
	for t in $(TSAN_BINS); do \
	  name=$$(basename $$t); log=$(BUILD)/test-logs/tsan_$$name.log; \
	  BUILD=$(BUILD) TSAN_OPTIONS="halt_on_error=0 exitcode=66 second_deadlock_stack=1" $$t >$$log 2>&1; rc=$$?; \
	  line=$$(grep -E '^[0-9]+ passed, [0-9]+ failed' $$log | tail -n 1); \
	  p=$${line%% passed*}; f=$${line#*passed, }; f=$${f%% failed*}; \
	  races=$$(grep -c '^WARNING: ThreadSanitizer' $$log); \
	  if [ -z "$$line" ]; then p=0; f=1; fi; \
	  if [ $$rc != 0 ] && [ "$$f" = 0 ]; then f=1; fi; \
	  pass=$$((pass + p)); fail=$$((fail + f)); \
	  if [ "$$f" != 0 ]; then echo "FAIL tsan $$name: $$line, $$races race report(s) (exit $$rc), see $$log"; \
	    grep -A12 '^WARNING: ThreadSanitizer' $$log | head -n 40; \
	  else echo "ok   tsan $$name: $$line"; fi; \
	done; \
	echo "$$pass passed, $$fail failed"; [ $$fail = 0 ]

clean:
	rm -rf $(BUILD)

-include $(wildcard $(BUILD)/obj/*.d $(BUILD)/obj/*/*.d $(BUILD)/asan/*.d $(BUILD)/asan/*/*.d $(BUILD)/asan/tests/*.d $(BUILD)/tools/*.d \
                    $(BUILD)/tsan/*.d $(BUILD)/tsan/*/*.d)
