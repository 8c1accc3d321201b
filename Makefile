# 党务公开触控屏 — build, run and test.
#
#   make          build bin/kiosk, bin/kioskctl, bin/countyd (packages must be there)
#   make run      install missing packages, build, start the kiosk on the sample content
#   make test     install missing packages, build, run every test
#   make clean    remove build outputs (the database in var/ stays)
#
# Sources are picked up by folder, so a new module needs no Makefile edit:
#   kiosk/*.c sync/*.c  -> build/libkiosk.a (everything but the mains)
#   kiosk/main.c        -> bin/kiosk
#   sync/kioskctl/*.c   -> bin/kioskctl
#   sync/countyd/*.c    -> bin/countyd
#   tests/test_*.c      -> build/tests/test_* (cmocka)
#   bench/bench_*.c     -> build/bench/bench_*

CC      ?= cc
BUILD   ?= build
BIN     ?= bin
PKGS    := sdl2 SDL2_ttf SDL2_image sqlite3 libcurl libcrypto inih libunibreak jansson libmicrohttpd rime libsystemd
SANITIZE ?=

PKG_CFLAGS = $(shell pkg-config --cflags $(PKGS) 2>/dev/null)
PKG_LIBS   = $(shell pkg-config --libs $(PKGS) 2>/dev/null)

OPT     ?= -O2 -g
# -Wno-format-truncation: snprintf into fixed buffers truncates on purpose.
CFLAGS  += $(OPT) -std=c11 -D_GNU_SOURCE -Wall -Wextra -Werror -Wshadow -Wformat=2 -Wno-format-truncation -Ikiosk -Isync $(PKG_CFLAGS) $(SANITIZE)
LDFLAGS += $(SANITIZE)
LDLIBS  += $(PKG_LIBS) -lzinnia -lunistring -lpthread -lm

CORE_SRC     := $(filter-out kiosk/main.c,$(wildcard kiosk/*.c)) $(wildcard sync/*.c)
KIOSKCTL_SRC := $(wildcard sync/kioskctl/*.c)
COUNTYD_SRC  := $(wildcard sync/countyd/*.c)
TEST_SRC     := $(wildcard tests/test_*.c)
BENCH_SRC    := $(wildcard bench/bench_*.c)

obj = $(patsubst %.c,$(BUILD)/%.o,$(1))
CORE_OBJ := $(call obj,$(CORE_SRC))
TESTS    := $(patsubst tests/%.c,$(BUILD)/tests/%,$(TEST_SRC))
BENCHES  := $(patsubst bench/%.c,$(BUILD)/bench/%,$(BENCH_SRC))

FONT_SRC := /usr/share/fonts/opentype/noto
FONTS    := fonts/NotoSansCJK-Regular.ttc fonts/NotoSansCJK-Bold.ttc fonts/DejaVuSans.ttf \
            fonts/LICENSE-noto-cjk.txt fonts/LICENSE-dejavu.txt

BINS := $(BIN)/kiosk $(if $(KIOSKCTL_SRC),$(BIN)/kioskctl) $(if $(COUNTYD_SRC),$(BIN)/countyd)

.PHONY: all deps run test bench clean screenshots demo asan sample
.DEFAULT_GOAL := all
# Keep objects of pattern-built programs (tests, benches) between runs.
.SECONDARY:

all: $(BINS) $(FONTS)

deps:
	@sh scripts/install-deps.sh

run: deps
	@$(MAKE) --no-print-directory all
	@sh scripts/run-kiosk.sh

test: deps
	@$(MAKE) --no-print-directory all $(TESTS)
	@BIN=$(BIN) sh scripts/run-tests.sh $(TESTS)

bench: deps
	@$(MAKE) --no-print-directory all $(BENCHES)
	@for b in $(BENCHES); do echo "== $$b"; $$b || exit 1; done

# A picture of each screen in both orientations (docs/screenshots/), made
# headless with the real renderer on the sample content.
screenshots: all
	@sh scripts/screenshots.sh

# Address and undefined-behaviour sanitizers over the whole test suite.
asan: deps
	@$(MAKE) --no-print-directory BUILD=build-asan BIN=build-asan/bin SANITIZE="-fsanitize=address,undefined -fno-omit-frame-pointer" \
		OPT="-O1 -g" all build-asan/tests/stamp

$(BUILD)/tests/stamp: $(TESTS)
	@BIN=$(BIN) sh scripts/run-tests.sh $(TESTS)

$(BUILD)/%.o: %.c
	@mkdir -p $(dir $@)
	$(CC) $(CFLAGS) -MMD -MP -c $< -o $@

$(BUILD)/libkiosk.a: $(CORE_OBJ)
	@rm -f $@
	ar rcs $@ $^

$(BIN)/kiosk: $(call obj,kiosk/main.c) $(BUILD)/libkiosk.a
	@mkdir -p $(BIN)
	$(CC) $(LDFLAGS) -o $@ $^ $(LDLIBS)

$(BIN)/kioskctl: $(call obj,$(KIOSKCTL_SRC)) $(BUILD)/libkiosk.a
	@mkdir -p $(BIN)
	$(CC) $(LDFLAGS) -o $@ $^ $(LDLIBS)

$(BIN)/countyd: $(call obj,$(COUNTYD_SRC)) $(BUILD)/libkiosk.a
	@mkdir -p $(BIN)
	$(CC) $(LDFLAGS) -o $@ $^ $(LDLIBS)

$(BUILD)/tests/%: $(BUILD)/tests/%.o $(BUILD)/libkiosk.a
	$(CC) $(LDFLAGS) -o $@ $^ $(LDLIBS) -lcmocka

$(BUILD)/bench/%: $(BUILD)/bench/%.o $(BUILD)/libkiosk.a
	$(CC) $(LDFLAGS) -o $@ $^ $(LDLIBS)

# Fonts come from Debian packages (fonts-noto-cjk, fonts-dejavu-core), with
# their licences beside them; nothing is downloaded.
fonts/NotoSansCJK-%.ttc: $(FONT_SRC)/NotoSansCJK-%.ttc
	@mkdir -p fonts
	cp $< $@
fonts/DejaVuSans.ttf: /usr/share/fonts/truetype/dejavu/DejaVuSans.ttf
	@mkdir -p fonts
	cp $< $@
fonts/LICENSE-noto-cjk.txt: /usr/share/doc/fonts-noto-cjk/copyright
	@mkdir -p fonts
	cp $< $@
fonts/LICENSE-dejavu.txt: /usr/share/doc/fonts-dejavu-core/copyright
	@mkdir -p fonts
	cp $< $@

# The sample content (docs/AUTHORING.md): redraws its images, then rebuilds
# assets/sample/feed.json from assets/sample/content.  Both are committed.
sample: $(BIN)/kioskctl $(FONTS)
	@mkdir -p $(BUILD)
	$(CC) $(CFLAGS) -o $(BUILD)/sample_images scripts/sample_images.c $(LDFLAGS) $(LDLIBS)
	$(BUILD)/sample_images assets/sample/content fonts/NotoSansCJK-Regular.ttc fonts/NotoSansCJK-Bold.ttc
	$(BIN)/kioskctl feed assets/sample/content -o assets/sample/feed.json

# countyd with the sample content and a kiosk synced to it (scripts/demo.sh).
demo: deps
	@$(MAKE) --no-print-directory all
	@sh scripts/demo.sh

clean:
	rm -rf build build-asan bin

-include $(shell find $(BUILD) -name '*.d' 2>/dev/null)
