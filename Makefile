# 党务公开触控屏 — build, run and test.
#
#   make          build bin/kiosk, bin/kioskctl, bin/countyd (packages must be there)
#   make run      install missing packages, build, start the kiosk on the sample content
#   make test     install missing packages, build, check the boundaries and the style
#                 (make lint, make analyze), run every test
#   make fuzz     build the libFuzzer harnesses (tests/fuzz/) and run each for FUZZ_SECONDS
#   make update-references  regenerate the headless screens' reference dumps (tests/headless/expected/)
#   make clean    remove build outputs (the database in var/ stays)
#
# The tree is a set of modules, one folder each (docs/ARCHITECTURE.md draws
# them).  The module table below says, for each module, its folders, the
# folders its files may include and the packages it compiles against.  A
# file sees only those include paths, so reaching into another module's
# headers fails to compile; scripts/check-boundaries.sh checks the rest
# (relative includes, libraries, ldd of the programs).  Sources are picked
# up by folder, so a new file needs no Makefile edit.
CC      ?= cc
BUILD   ?= build
BIN     ?= bin
SANITIZE ?=

OPT     ?= -O2 -g
# -Wno-format-truncation: snprintf into fixed buffers truncates on purpose.
WARN    := -Wall -Wextra -Werror -Wshadow -Wformat=2 -Wno-format-truncation
CFLAGS  += $(OPT) -std=c11 -D_GNU_SOURCE $(WARN) $(SANITIZE)
LDFLAGS += $(SANITIZE)

pc_cflags = $(if $(1),$(shell pkg-config --cflags $(1) 2>/dev/null))
pc_libs   = $(if $(1),$(shell pkg-config --libs $(1) 2>/dev/null))
obj       = $(patsubst %.c,$(BUILD)/%.o,$(1))

# ---- The module table -------------------------------------------------
# name | folders | may include | pkg-config packages
UI_DIRS := kiosk/text kiosk/ui kiosk/screens kiosk/ime kiosk/headless
MODULES := common proto kstore kconfig sync kioskui kiosk kioskctl countyd

common_DIRS   := common
common_INC    := common
common_PKGS   := sqlite3 libcrypto inih

proto_DIRS    := proto
proto_INC     := common proto
proto_PKGS    := jansson yajl libcrypto libpng libjpeg

kstore_DIRS   := kiosk/store
kstore_INC    := common proto kiosk/store
kstore_PKGS   := sqlite3 jansson libcrypto

kconfig_DIRS  := kiosk/config
kconfig_INC   := common kiosk/config
kconfig_PKGS  :=

sync_DIRS     := sync
sync_INC      := common proto kiosk/store kiosk/config sync sync/internal
sync_PKGS     := libcurl jansson sqlite3 libpng

kioskui_DIRS  := $(UI_DIRS)
kioskui_INC   := common proto kiosk/store kiosk/config sync $(UI_DIRS)
kioskui_PKGS  := sdl2 SDL2_ttf SDL2_image sqlite3 jansson libunibreak rime libpng libjpeg libsystemd md4c poppler-glib cairo

kiosk_DIRS    := kiosk
kiosk_INC     := $(kioskui_INC)
kiosk_PKGS    := $(kioskui_PKGS)

kioskctl_DIRS := kioskctl
kioskctl_INC  := common proto kiosk/store kiosk/config sync kioskctl
kioskctl_PKGS := libcurl jansson sqlite3 libcrypto opencc

countyd_DIRS  := countyd
countyd_INC   := common proto countyd
countyd_PKGS  := libmicrohttpd jansson sqlite3 libcrypto libargon2 zlib

define module_rules
$(1)_SRC := $$(foreach d,$$($(1)_DIRS),$$(wildcard $$(d)/*.c))
$(1)_OBJ := $$(call obj,$$($(1)_SRC))
$$($(1)_OBJ): MOD_CFLAGS := $$(addprefix -I,$$($(1)_INC)) $$(call pc_cflags,$$($(1)_PKGS))
endef
$(foreach m,$(MODULES),$(eval $(call module_rules,$(m))))

# ---- Libraries and programs --------------------------------------------
LIB_common  := $(BUILD)/libcommon.a
LIB_proto   := $(if $(proto_OBJ),$(BUILD)/libproto.a)
LIB_kstore  := $(BUILD)/libkstore.a
LIB_kconfig := $(BUILD)/libkconfig.a
LIB_sync    := $(BUILD)/libsync.a
LIB_kioskui := $(BUILD)/libkioskui.a

KIOSK_LIBS    := $(LIB_kioskui) $(LIB_sync) $(LIB_kstore) $(LIB_kconfig) $(LIB_proto) $(LIB_common)
KIOSKCTL_LIBS := $(LIB_sync) $(LIB_kstore) $(LIB_kconfig) $(LIB_proto) $(LIB_common)
COUNTYD_LIBS  := $(LIB_proto) $(LIB_common)

# Packages the kiosk compiles against but opens with dlopen when a screen
# first needs them (libcurl: the sync thread, at its first connection;
# common/dynlib.h), so that bin/kiosk does not link them.
KIOSK_LAZY_PKGS := rime poppler-glib cairo libcurl
KIOSK_LDLIBS    := $(call pc_libs,$(filter-out $(KIOSK_LAZY_PKGS),$(sort $(kiosk_PKGS) $(sync_PKGS) $(kstore_PKGS) $(kconfig_PKGS) $(proto_PKGS) $(common_PKGS)))) \
                   -lunistring -lpthread -lm -ldl
KIOSKCTL_LDLIBS := $(call pc_libs,$(sort $(kioskctl_PKGS) $(kstore_PKGS) $(proto_PKGS) $(common_PKGS))) -lunistring -lpthread -lm
COUNTYD_LDLIBS  := $(call pc_libs,$(sort $(countyd_PKGS) $(proto_PKGS) $(common_PKGS))) -lunistring -lpthread -lm

# Tests and benchmarks see every module (tests/ and bench/ are not modules).
# countyd's folder comes last: its app.h is not the kiosk's (kiosk/ui/app.h).
ALL_INC  := $(filter-out countyd,$(sort $(foreach m,$(MODULES),$($(m)_INC)))) countyd tests
ALL_PKGS := $(sort $(foreach m,$(MODULES),$($(m)_PKGS)))
TEST_SRC  := $(wildcard tests/test_*.c)
BENCH_SRC := $(wildcard bench/bench_*.c)
TESTS     := $(patsubst tests/%.c,$(BUILD)/tests/%,$(TEST_SRC))
BENCHES   := $(patsubst bench/%.c,$(BUILD)/bench/%,$(BENCH_SRC))
$(call obj,$(TEST_SRC) $(BENCH_SRC)): MOD_CFLAGS := $(addprefix -I,$(ALL_INC)) -I. $(call pc_cflags,$(ALL_PKGS))

FONT_SRC := /usr/share/fonts/opentype/noto
FONTS    := fonts/NotoSansCJK-Regular.ttc fonts/NotoSansCJK-Bold.ttc fonts/DejaVuSans.ttf \
            fonts/HanaMinA.ttf fonts/HanaMinB.ttf fonts/Symbola.ttf \
            fonts/LICENSE-noto-cjk.txt fonts/LICENSE-dejavu.txt fonts/LICENSE-hanazono.txt fonts/LICENSE-symbola.txt

BINS := $(BIN)/kiosk $(BIN)/kioskctl $(BIN)/countyd

.PHONY: all deps run test bench soak clean update-references screenshots console-screenshots demo asan sample check-boundaries lint format analyze fuzz fuzz-build
.DEFAULT_GOAL := all
# Keep objects of pattern-built programs (tests, benches) between runs.
.SECONDARY:

all: $(BINS) $(FONTS)

deps:
	@sh scripts/install-deps.sh

run: deps
	@$(MAKE) --no-print-directory all
	@sh scripts/run-kiosk.sh

# The tests also need the console group (headless Chromium for the web console).
test:
	@sh scripts/install-deps.sh console fuzz
	@$(MAKE) --no-print-directory all $(TESTS) $(FUZZ_BINS)
	@BIN=$(BIN) sh scripts/check-boundaries.sh
	@sh scripts/lint.sh
	@$(MAKE) --no-print-directory analyze
	@BIN=$(BIN) sh scripts/run-tests.sh $(TESTS)
	@sh tests/fuzz/run.sh $(FUZZ_QUICK_SECONDS) $(FUZZ_BINS)

check-boundaries: all
	@BIN=$(BIN) sh scripts/check-boundaries.sh

# The style check (scripts/lint.sh): formatting, banned calls, cppcheck.
lint:
	@sh scripts/lint.sh

format:
	@clang-format -i $$(git ls-files '*.c' '*.h')

# gcc's static analyzer over every program; its findings are errors
# (each one fixed, or suppressed where it is with the reason).
analyze:
	@$(MAKE) --no-print-directory BUILD=build-analyze BIN=build-analyze/bin OPT="-O1 -fanalyzer" all

bench: deps
	@$(MAKE) --no-print-directory all $(BENCHES)
	@for b in $(BENCHES); do echo "== $$b"; $$b || exit 1; done

# The kiosk's memory over 30 minutes through every screen (bench_soak runs
# 3 minutes in `make bench`; BENCH_SOAK_S sets any other length).
soak: deps
	@$(MAKE) --no-print-directory all $(BUILD)/bench/bench_soak
	@BENCH_SOAK_S=$${BENCH_SOAK_S:-1800} $(BUILD)/bench/bench_soak

# The reference dumps of the headless screens (tests/headless/expected/),
# regenerated on purpose when a screen is meant to show something else;
# tests/screen_references.sh fails until they are (scripts/screen-references.sh).
update-references: all
	@BIN=$(BIN) sh scripts/screen-references.sh update

# A picture of each screen in both orientations (docs/screenshots/), made
# headless with the real renderer on the sample content.
screenshots: all
	@sh scripts/screenshots.sh

# The web console's pages (docs/screenshots/console/), photographed by its
# browser test (tests/console_browser.sh) in headless Chromium.
console-screenshots: all
	@sh scripts/install-deps.sh console
	@KIOSK_TEST_TMP=$$(mktemp -d) BIN=$(BIN) sh tests/console_browser.sh --shots $(CURDIR)/docs/screenshots/console

# Address and undefined-behaviour sanitizers over the whole test suite.
asan: deps
	@$(MAKE) --no-print-directory BUILD=build-asan BIN=build-asan/bin SANITIZE="-fsanitize=address,undefined -fno-omit-frame-pointer" \
		OPT="-O1 -g" all build-asan/tests/stamp

$(BUILD)/tests/stamp: $(TESTS)
	@BIN=$(BIN) sh scripts/run-tests.sh $(TESTS)

# ---- Fuzzing (tests/fuzz/README.md) --------------------------------------
# Each harness is built with clang's libFuzzer and the address and
# undefined-behaviour sanitizers, from the sources of the modules it
# exercises (compiled with that module's include paths).  `make fuzz` runs
# each for FUZZ_SECONDS; `make test` runs each over its stored corpus and
# then for FUZZ_QUICK_SECONDS (tests/fuzz/run.sh).
FUZZ_CC            ?= clang
FUZZ_SECONDS       ?= 60
FUZZ_QUICK_SECONDS ?= 4
FUZZ_FLAGS := -g -O1 -std=c11 -D_GNU_SOURCE $(filter-out -Wno-format-truncation,$(WARN)) -fsanitize=fuzzer,address,undefined \
              -fno-sanitize-recover=undefined -fno-omit-frame-pointer
FUZZERS    := feed config authoring countyd image pdf
FUZZ_BINS  := $(patsubst %,$(BUILD)/fuzz/fuzz_%,$(FUZZERS))
FUZZ_BASE  := $(common_SRC) $(proto_SRC)
# harness | its module's include paths | its sources | its packages
fuzz_feed_INC       := $(kstore_INC)
fuzz_feed_SRC       := $(kstore_SRC)
fuzz_feed_PKGS      := $(kstore_PKGS) $(proto_PKGS)
fuzz_config_INC     := $(kconfig_INC)
fuzz_config_SRC     := $(kconfig_SRC)
fuzz_config_PKGS    := $(kconfig_PKGS) $(proto_PKGS) sqlite3
fuzz_authoring_INC  := $(kioskctl_INC)
fuzz_authoring_SRC  := $(kstore_SRC) kioskctl/authoring.c kioskctl/catalog_rules.c kioskctl/script_detect.c
fuzz_authoring_PKGS := $(kioskctl_PKGS) $(kstore_PKGS) $(proto_PKGS)
fuzz_countyd_INC    := $(countyd_INC) kiosk/store
fuzz_countyd_SRC    := $(kstore_SRC) $(filter-out countyd/main.c,$(countyd_SRC))
fuzz_countyd_PKGS   := $(countyd_PKGS) $(kstore_PKGS) $(proto_PKGS)
fuzz_image_INC      := $(kioskui_INC)
fuzz_image_SRC      := $(kstore_SRC) kiosk/ui/picture.c
fuzz_image_PKGS     := sdl2 $(kstore_PKGS) $(proto_PKGS)
fuzz_pdf_INC        := $(kioskui_INC)
fuzz_pdf_SRC        := kiosk/ui/pdfrender.c
fuzz_pdf_PKGS       := sdl2 poppler-glib cairo $(proto_PKGS)

define fuzz_rule
$(BUILD)/fuzz/fuzz_$(1): tests/fuzz/fuzz_$(1).c tests/fuzz/fuzz_util.h $(FUZZ_BASE) $(fuzz_$(1)_SRC)
	@mkdir -p $(BUILD)/fuzz
	$(FUZZ_CC) $(FUZZ_FLAGS) $(addprefix -I,$(fuzz_$(1)_INC)) $(call pc_cflags,$(sort $(fuzz_$(1)_PKGS) $(common_PKGS))) -o $$@ \
		tests/fuzz/fuzz_$(1).c $(FUZZ_BASE) $(fuzz_$(1)_SRC) $(call pc_libs,$(sort $(fuzz_$(1)_PKGS) $(common_PKGS))) -lunistring -lpthread -lm
endef
$(foreach f,$(FUZZERS),$(eval $(call fuzz_rule,$(f))))

fuzz-build: $(FUZZ_BINS)

fuzz:
	@sh scripts/install-deps.sh fuzz
	@$(MAKE) --no-print-directory fuzz-build
	@sh tests/fuzz/run.sh $(FUZZ_SECONDS) $(FUZZ_BINS)

$(BUILD)/%.o: %.c
	@mkdir -p $(dir $@)
	$(CC) $(CFLAGS) $(MOD_CFLAGS) -MMD -MP -c $< -o $@

define library_rule
$$(LIB_$(1)): $$($(1)_OBJ)
	@rm -f $$@
	ar rcs $$@ $$^
endef
$(foreach m,common proto kstore kconfig sync kioskui,$(if $(LIB_$(m)),$(eval $(call library_rule,$(m)))))

$(BIN)/kiosk: $(kiosk_OBJ) $(KIOSK_LIBS)
	@mkdir -p $(BIN)
	$(CC) $(LDFLAGS) -o $@ $^ $(KIOSK_LDLIBS)

$(BIN)/kioskctl: $(kioskctl_OBJ) $(KIOSKCTL_LIBS)
	@mkdir -p $(BIN)
	$(CC) $(LDFLAGS) -o $@ $^ $(KIOSKCTL_LDLIBS)

$(BIN)/countyd: $(countyd_OBJ) $(COUNTYD_LIBS)
	@mkdir -p $(BIN)
	$(CC) $(LDFLAGS) -o $@ $^ $(COUNTYD_LDLIBS)

# kioskctl's authoring reader is its own module; the tests that check it
# link its objects (all but kioskctl's main).
KIOSKCTL_TESTABLE := $(filter-out $(BUILD)/kioskctl/main.o,$(kioskctl_OBJ))

$(BUILD)/tests/%: $(BUILD)/tests/%.o $(KIOSKCTL_TESTABLE) $(KIOSK_LIBS)
	$(CC) $(LDFLAGS) -o $@ $^ $(KIOSK_LDLIBS) $(call pc_libs,$(ALL_PKGS)) -lcmocka

$(BUILD)/bench/%: $(BUILD)/bench/%.o $(KIOSK_LIBS)
	$(CC) $(LDFLAGS) -o $@ $^ $(KIOSK_LDLIBS) $(call pc_libs,$(ALL_PKGS))

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
# The rare-character fallbacks (docs/TYPOGRAPHY.md): HanaMin A and B from
# fonts-hanazono (CJK Extensions B-F, compatibility ideographs), Symbola
# from fonts-symbola (emoji and symbols, monochrome: SDL_ttf draws it).
fonts/HanaMin%.ttf: /usr/share/fonts/truetype/hanazono/HanaMin%.ttf
	@mkdir -p fonts
	cp $< $@
fonts/Symbola.ttf: /usr/share/fonts/truetype/ancient-scripts/Symbola_hint.ttf
	@mkdir -p fonts
	cp $< $@
fonts/LICENSE-hanazono.txt: /usr/share/doc/fonts-hanazono/copyright
	@mkdir -p fonts
	cp $< $@
fonts/LICENSE-symbola.txt: /usr/share/doc/fonts-symbola/copyright
	@mkdir -p fonts
	cp $< $@

# The day the committed sample feed is made for: its relative dates
# (今天+6) count from it, so the screenshots and tests, whose clock is that
# day, see the notices live.  `make run` makes its own feed for today.
SAMPLE_DAY := 2026-11-22

# The sample content (docs/AUTHORING.md): redraws its images and its PDF
# (scripts/sample_pdf.c, which also writes the hostile PDFs of
# tests/data/pdf/), then rebuilds
# assets/sample/feed.json from assets/sample/content.  Both are committed.
sample: $(BIN)/kioskctl $(FONTS)
	@mkdir -p $(BUILD)
	$(CC) $(CFLAGS) $(call pc_cflags,sdl2 SDL2_ttf SDL2_image) -o $(BUILD)/sample_images scripts/sample_images.c $(LDFLAGS) $(call pc_libs,sdl2 SDL2_ttf SDL2_image) -lm
	$(BUILD)/sample_images assets/sample/content fonts/NotoSansCJK-Regular.ttc fonts/NotoSansCJK-Bold.ttc
	$(CC) $(CFLAGS) $(call pc_cflags,cairo freetype2) -o $(BUILD)/sample_pdf scripts/sample_pdf.c $(LDFLAGS) $(call pc_libs,cairo freetype2) -lm
	$(BUILD)/sample_pdf sample assets/sample/content/qinghe-wei-2026-15.pdf fonts/HanaMinA.ttf
	@mkdir -p tests/data/pdf
	$(BUILD)/sample_pdf hostile tests/data/pdf fonts/HanaMinA.ttf
	$(BIN)/kioskctl feed assets/sample/content -o assets/sample/feed.json --today $(SAMPLE_DAY)

# A sample county on this machine: countyd, four organisations, a kiosk
# each (scripts/demo.sh).
demo: deps
	@$(MAKE) --no-print-directory all
	@sh scripts/demo.sh

clean:
	rm -rf build build-asan bin

# ---- Debian packages (docs/DEPLOY.md) ------------------------------------
# make deb: build-deb/*.deb from a copy of the tree, checked by lintian.
# make test-deploy: those, their units (systemd-analyze verify), and
# install, upgrade and purge in a clean Debian root (scripts/test-deploy.sh;
# tests/deploy_packages.sh runs it in make test when the tools are there).
.PHONY: deb test-deploy clean-deb
deb:
	@sh scripts/install-deps.sh deb
	@sh scripts/make-deb.sh
test-deploy:
	@sh scripts/install-deps.sh deb
	@sh scripts/test-deploy.sh
clean: clean-deb
clean-deb:
	rm -rf build-deb

-include $(shell find $(BUILD) -name '*.d' 2>/dev/null)
