# advdb — build, test, bench, fuzz, demo, install.
#
#   make                 advdb-compile, advdb-query, advdb-serve, libadvdb.a,
#                        libadvdb.so
#   make deps            install the Debian packages the build and tests need
#   make test            unit + end-to-end tests; ends with "N passed, N failed"
#   make test-sanitize   the same tests built with ASan + UBSan (build-san/)
#   make demo            compile data/ and run a few queries
#   make bench           the benchmark table (see README, Figures)
#   make fuzz            run each libFuzzer target for FUZZ_SECONDS
#   make install         PREFIX=/usr/local DESTDIR=
#
# Outputs go to $(BUILD) (build/ by default); nothing is written elsewhere.

BUILD   ?= build
PREFIX  ?= /usr/local
DESTDIR ?=
CC      ?= cc
PKG     ?= pkg-config
SAN     ?=
FUZZ_SECONDS ?= 60

PKGS     = libgit2 lmdb libzstd yaml-0.1 libsodium
DEB_PKGS = build-essential pkg-config libgit2-dev liblmdb-dev libzstd-dev \
           libyaml-dev libcmocka-dev git python3 clang libclang-rt-dev zstd \
           lmdb-utils
DEB_PKGS += libsodium-dev minisign   # signatures
DEB_PKGS += zlib1g-dev libjansson-dev   # bin: .dep-v0 data is zlib + JSON
DEB_PKGS += lld llvm   # bin tests: ld.lld, ld64.lld, wasm-ld, llvm-objcopy, llvm-lipo
DEB_PKGS += binutils-mingw-w64-x86-64 binutils-mingw-w64-i686   # bin tests: PE32+ and PE32 images
DEB_PKGS += time   # /usr/bin/time: peak RSS of scan in tests/e2e/failclosed.sh
DEB_PKGS += libmicrohttpd-dev wrk   # advdb-serve
DEB_PKGS += python3-jsonschema   # serve tests: answers against the OSV schema

CFLAGS_BASE = -std=c11 -D_POSIX_C_SOURCE=200809L -D_DEFAULT_SOURCE \
              -Wall -Wextra -Werror -fPIC -g -Ischema -Iquery -Icompiler
CFLAGS_BASE += -Iquery/prog   # the programs' start-up (not the library)
# assert() is on in every build, release included (no -DNDEBUG): the
# invariants it checks cost nothing measurable (compile, lookup and fetch
# against a -DNDEBUG build: within run-to-run noise).
ifeq ($(SAN),1)
CFLAGS_OPT  = -O1 -fno-omit-frame-pointer -fsanitize=address,undefined \
              -fno-sanitize-recover=all
LDFLAGS_SAN = -fsanitize=address,undefined
else
CFLAGS_OPT  = -O2
LDFLAGS_SAN =
endif
# pkg-config runs when a recipe first needs its answer, never while the
# Makefile is parsed: `make deps demo` installs the -dev packages and then
# builds in one make, so nothing may be read before deps has run. The
# $(eval) caches each answer after its first use.
lazy = $(eval $(1) := $$(shell $(2)))$($(1))
PKG_CFLAGS = $(call lazy,PKG_CFLAGS,$(PKG) --cflags $(PKGS) 2>/dev/null)
CFLAGS  ?=
ALL_CFLAGS = $(CFLAGS_BASE) $(CFLAGS_OPT) $(PKG_CFLAGS) $(CFLAGS)

LIBS_GIT   = $(call lazy,LIBS_GIT,$(PKG) --libs libgit2)
LIBS_LMDB  = $(call lazy,LIBS_LMDB,$(PKG) --libs lmdb 2>/dev/null || echo -llmdb)
LIBS_ZSTD  = $(call lazy,LIBS_ZSTD,$(PKG) --libs libzstd)
LIBS_YAML  = $(call lazy,LIBS_YAML,$(PKG) --libs yaml-0.1)
LIBS_SODIUM = $(call lazy,LIBS_SODIUM,$(PKG) --libs libsodium 2>/dev/null || echo -lsodium)
LIBS_BIN   = $(call lazy,LIBS_BIN,$(PKG) --libs jansson zlib 2>/dev/null || echo -ljansson -lz)
LIBS_MHD   = $(call lazy,LIBS_MHD,$(PKG) --libs libmicrohttpd 2>/dev/null || echo -lmicrohttpd)
LIBS_QUERY  = $(LIBS_LMDB) $(LIBS_ZSTD) $(LIBS_BIN) $(LIBS_SODIUM) -lpthread -lm
LIBS_COMP   = $(LIBS_GIT) $(LIBS_LMDB) $(LIBS_ZSTD) $(LIBS_YAML) $(LIBS_BIN) $(LIBS_SODIUM) -lpthread -lm

SCHEMA_SRC   = $(wildcard schema/*.c)
LIB_SRC      = $(wildcard query/*.c)
CLI_SRC      = $(wildcard query/cli/*.c)
SERVE_SRC    = $(wildcard query/serve/*.c)
PROG_SRC     = $(wildcard query/prog/*.c)
COMP_SRC     = $(filter-out compiler/main.c,$(wildcard compiler/*.c))
UNIT_SRC     = $(wildcard tests/unit/test_*.c)
BENCH_SRC    = $(wildcard tests/bench/*.c)
TOOL_SRC     = $(wildcard tests/tools/*.c)

obj = $(patsubst %.c,$(BUILD)/obj/%.o,$(1))
SCHEMA_OBJ = $(call obj,$(SCHEMA_SRC))
LIB_OBJ    = $(call obj,$(LIB_SRC))
CLI_OBJ    = $(call obj,$(CLI_SRC))
CLI_LIBOBJ = $(call obj,$(filter-out query/cli/main.c,$(CLI_SRC)))
# advdb-serve's modules but main: what the unit and fuzz tests drive
# (the handler without sockets; http.c over a socket pair, fuzz_http)
SERVE_LIBOBJ = $(call obj,$(filter-out query/serve/main.c,$(SERVE_SRC)))
PROG_OBJ   = $(call obj,$(PROG_SRC))
COMP_OBJ   = $(call obj,$(COMP_SRC))
UNIT_BIN   = $(patsubst tests/unit/%.c,$(BUILD)/tests/%,$(UNIT_SRC))
TOOL_BIN   = $(patsubst tests/tools/%.c,$(BUILD)/tools/%,$(TOOL_SRC))

BINS = $(BUILD)/advdb-compile $(BUILD)/advdb-query $(BUILD)/advdb-serve \
       $(BUILD)/libadvdb.a $(BUILD)/libadvdb.so

.PHONY: all deps test test-sanitize check demo bench fuzz install clean FORCE
all: $(BINS)

$(BUILD)/obj/%.o: %.c
	@mkdir -p $(dir $@)
	$(CC) $(ALL_CFLAGS) $(DIR_CFLAGS) -MMD -MP -c -o $@ $<

# advdb-serve's modules use the CLI's (JSON writer, renderer, session).
$(BUILD)/obj/query/serve/%.o: DIR_CFLAGS = -Iquery/cli

$(BUILD)/libadvdb.a: $(SCHEMA_OBJ) $(LIB_OBJ)
	@rm -f $@
	ar rcs $@ $^

$(BUILD)/libadvdb.so: $(SCHEMA_OBJ) $(LIB_OBJ)
	$(CC) -shared -Wl,-soname,libadvdb.so.0 $(LDFLAGS_SAN) -o $@ $^ $(LIBS_QUERY)

# advdb-query is linked statically (but under the sanitizers): a one-shot
# check is mostly process start, and loading shared libraries is a third
# of it (measured: 1.0-1.1 ms dynamic, 0.75-0.8 ms static).
$(BUILD)/advdb-query: $(CLI_OBJ) $(PROG_OBJ) $(BUILD)/libadvdb.a
	$(CC) $(LDFLAGS_SAN) $(if $(filter 1,$(SAN)),,-static) -o $@ $(CLI_OBJ) \
	    $(PROG_OBJ) $(BUILD)/libadvdb.a $(LIBS_QUERY)

# advdb-serve: the query side (no libgit2) plus libmicrohttpd; linked
# dynamically like the compiler (a server starts once).
SERVE_MAIN = $(call obj,query/serve/main.c)
$(BUILD)/advdb-serve: $(SERVE_MAIN) $(SERVE_LIBOBJ) $(CLI_LIBOBJ) $(PROG_OBJ) \
                      $(BUILD)/libadvdb.a
	$(CC) $(LDFLAGS_SAN) -o $@ $(SERVE_MAIN) $(SERVE_LIBOBJ) $(CLI_LIBOBJ) \
	    $(PROG_OBJ) $(BUILD)/libadvdb.a $(LIBS_MHD) $(LIBS_QUERY)

# The compiler reads indexes (--update, --install) only through libadvdb's
# reader (query/reader.h), so it links the library's objects too.
$(BUILD)/advdb-compile: $(call obj,compiler/main.c) $(COMP_OBJ) $(PROG_OBJ) \
                        $(BUILD)/libadvdb.a
	$(CC) $(LDFLAGS_SAN) -o $@ $(call obj,compiler/main.c) $(COMP_OBJ) \
	    $(PROG_OBJ) $(BUILD)/libadvdb.a $(LIBS_COMP)

# Unit tests see every module (not the main()s).
$(BUILD)/tests/%: tests/unit/%.c $(COMP_OBJ) $(CLI_LIBOBJ) $(SERVE_LIBOBJ) \
                  $(PROG_OBJ) $(BUILD)/libadvdb.a
	@mkdir -p $(dir $@)
	$(CC) $(ALL_CFLAGS) -Iquery/cli -Iquery/serve -o $@ $< $(COMP_OBJ) \
	    $(CLI_LIBOBJ) $(SERVE_LIBOBJ) $(PROG_OBJ) $(BUILD)/libadvdb.a \
	    $(LIBS_COMP) $(LIBS_MHD) -lcmocka

# test_fuzz replays the fuzz targets' inputs through the targets' code.
$(BUILD)/tests/test_fuzz: $(wildcard tests/fuzz/*.c tests/fuzz/*.h)

# Helper programs the end-to-end tests drive (one .c each).
$(BUILD)/tools/%: tests/tools/%.c $(COMP_OBJ) $(BUILD)/libadvdb.a
	@mkdir -p $(dir $@)
	$(CC) $(ALL_CFLAGS) -o $@ $< $(COMP_OBJ) $(BUILD)/libadvdb.a $(LIBS_COMP)

# (with advdb-serve's modules: its handler is timed in-process)
$(BUILD)/advdb-bench: $(BENCH_SRC) $(COMP_OBJ) $(SERVE_LIBOBJ) $(CLI_LIBOBJ) \
                      $(PROG_OBJ) $(BUILD)/libadvdb.a
	$(CC) $(ALL_CFLAGS) -Iquery/cli -Iquery/serve -o $@ $(BENCH_SRC) \
	    $(COMP_OBJ) $(SERVE_LIBOBJ) $(CLI_LIBOBJ) $(PROG_OBJ) \
	    $(BUILD)/libadvdb.a $(LIBS_COMP) $(LIBS_MHD)

# The public header must stand alone, in strict C99 and in C11.
$(BUILD)/header-check.o: query/advdb.h
	@mkdir -p $(BUILD)
	printf '#include "advdb.h"\nint advdb_header_check;\n' | \
	    $(CC) -std=c99 -pedantic -Wall -Wextra -Werror -Iquery -x c -c -o $@ -

test: all $(UNIT_BIN) $(TOOL_BIN) $(BUILD)/header-check.o $(if $(BENCH_SRC),$(BUILD)/advdb-bench)
	@BUILD=$(BUILD) sh tests/run.sh

test-sanitize:
	$(MAKE) BUILD=build-san SAN=1 test

check: test test-sanitize

deps:
	@missing=""; for p in $(DEB_PKGS); do \
	    dpkg -s $$p >/dev/null 2>&1 || missing="$$missing $$p"; done; \
	if [ -n "$$missing" ]; then \
	    echo "installing:$$missing"; \
	    apt-get update && DEBIAN_FRONTEND=noninteractive \
	        apt-get install -y --no-install-recommends $$missing; \
	fi

demo: all
	@BUILD=$(BUILD) sh tests/demo.sh

bench: all $(BUILD)/advdb-bench
	@BUILD=$(BUILD) sh tests/bench/run.sh

fuzz:
	@BUILD=build-fuzz FUZZ_SECONDS=$(FUZZ_SECONDS) sh tests/fuzz/run.sh

$(BUILD)/advdb.pc: FORCE
	@mkdir -p $(BUILD)
	printf 'prefix=%s\nlibdir=$${prefix}/lib\nincludedir=$${prefix}/include\n\nName: advdb\nDescription: reader of advdb vulnerability-advisory indexes\nVersion: 0.1.0\nRequires.private: lmdb libzstd jansson zlib libsodium\nLibs: -L$${libdir} -ladvdb\nCflags: -I$${includedir}\n' '$(PREFIX)' > $@

install: all $(BUILD)/advdb.pc
	install -d $(DESTDIR)$(PREFIX)/bin $(DESTDIR)$(PREFIX)/lib \
	    $(DESTDIR)$(PREFIX)/include $(DESTDIR)$(PREFIX)/lib/pkgconfig
	install -m 755 $(BUILD)/advdb-compile $(BUILD)/advdb-query \
	    $(BUILD)/advdb-serve $(DESTDIR)$(PREFIX)/bin/
	install -m 644 $(BUILD)/libadvdb.a $(DESTDIR)$(PREFIX)/lib/
	install -m 755 $(BUILD)/libadvdb.so $(DESTDIR)$(PREFIX)/lib/libadvdb.so.0
	ln -sf libadvdb.so.0 $(DESTDIR)$(PREFIX)/lib/libadvdb.so
	install -m 644 query/advdb.h $(DESTDIR)$(PREFIX)/include/
	install -m 644 $(BUILD)/advdb.pc $(DESTDIR)$(PREFIX)/lib/pkgconfig/
	install -d $(DESTDIR)$(PREFIX)/lib/systemd/system
	sed 's|/usr/local/bin/advdb-serve|$(PREFIX)/bin/advdb-serve|' \
	    query/serve/advdb-serve.service > \
	    $(DESTDIR)$(PREFIX)/lib/systemd/system/advdb-serve.service

clean:
	rm -rf build build-san build-fuzz

FORCE:

-include $(shell find $(BUILD)/obj -name '*.d' 2>/dev/null)
