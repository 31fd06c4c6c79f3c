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
DEB_PKGS += python3-jsonschema   # audit.sh: SARIF against the OASIS schema; serve tests: answers against the OSV schema
DEB_PKGS += chromium parallel   # report HTML test, fan-out recipe
DEB_PKGS += libmicrohttpd-dev wrk   # advdb-serve
DEB_PKGS += golang-go   # tests/e2e/bindings.sh: binds the installed libadvdb from Go (cgo)
DEB_PKGS += libssl-dev   # advdb-compile: the content digest's SHA-1 (libcrypto)

# -fvisibility=hidden: libadvdb.so exports only what advdb.h declares with
# ADVDB_EXTERN; -ffunction-sections lets its link (--gc-sections) keep only
# the code the public calls reach.
CFLAGS_BASE = -std=c11 -D_POSIX_C_SOURCE=200809L -D_DEFAULT_SOURCE \
              -Wall -Wextra -Werror -fPIC -g -Ischema -Iquery -Icompiler \
              -fvisibility=hidden -ffunction-sections -fdata-sections
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

# The one version of the project is advdb.h's ADVDB_VERSION_MAJOR/MINOR/
# PATCH (both programs print it, libadvdb reports it); the soname's number
# is its ADVDB_SOVERSION. Read from there when a recipe needs them.
# (No '#' or '$$' in these commands: `lazy` expands them twice.)
hdr_num = sed -n 's/^.define ADVDB_$(1)  *\([0-9][0-9]*\).*/\1/p' query/advdb.h
VERSION   = $(call lazy,VERSION,{ $(call hdr_num,VERSION_MAJOR); $(call hdr_num,VERSION_MINOR); $(call hdr_num,VERSION_PATCH); } | paste -sd. -)
SOVERSION = $(call lazy,SOVERSION,$(call hdr_num,SOVERSION))
LIBS_COMP   = $(LIBS_GIT) $(LIBS_LMDB) $(LIBS_ZSTD) $(LIBS_YAML) $(LIBS_BIN) $(LIBS_SODIUM) -lpthread -lm
LIBS_CRYPTO = $(call lazy,LIBS_CRYPTO,$(PKG) --libs libcrypto 2>/dev/null || echo -lcrypto)
LIBS_COMP  += $(LIBS_CRYPTO)   # the writer's content digest: SHA-1 (SHA instructions)

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
       $(BUILD)/libadvdb.a $(BUILD)/libadvdb.so $(BUILD)/pub/libadvdb.a

.PHONY: all deps test test-sanitize check demo bench fuzz install clean FORCE
all: $(BINS)

# The flags an object was built with: rewritten only when they change,
# so `make CFLAGS=...` (or a new SAN) rebuilds every object, and a make
# with the same flags rebuilds nothing.
$(BUILD)/cflags: FORCE
	@mkdir -p $(BUILD)
	@echo '$(ALL_CFLAGS)' | cmp -s - $@ || echo '$(ALL_CFLAGS)' > $@

$(BUILD)/obj/%.o: %.c $(BUILD)/cflags
	@mkdir -p $(dir $@)
	$(CC) $(ALL_CFLAGS) $(DIR_CFLAGS) -MMD -MP -c -o $@ $<

# advdb-serve's modules use the CLI's (JSON writer, renderer, session).
$(BUILD)/obj/query/serve/%.o: DIR_CFLAGS = -Iquery/cli

# $(BUILD)/libadvdb.a is the project's own archive: every module of the
# library with its internal names, for the programs, tests and tools.
$(BUILD)/libadvdb.a: $(SCHEMA_OBJ) $(LIB_OBJ)
	@rm -f $@
	ar rcs $@ $^

# The shared library: only advdb.h's calls exported (hidden visibility,
# and the version script names their node), only the code they reach
# linked (--gc-sections), nothing left undefined but the libraries it
# names. zstd is the system's shared libzstd, used through its stable API
# only (query/blockread.c).
$(BUILD)/libadvdb.so: $(SCHEMA_OBJ) $(LIB_OBJ) query/libadvdb.map
	$(CC) -shared -Wl,-soname,libadvdb.so.$(SOVERSION) \
	    -Wl,--version-script=query/libadvdb.map -Wl,--gc-sections \
	    -Wl,--no-undefined $(LDFLAGS_SAN) -o $@ $(SCHEMA_OBJ) $(LIB_OBJ) \
	    $(LIBS_QUERY)

# The static library that is installed. An archive cannot hide names, so
# a program linking the modules as they are would meet toml_parse,
# version_parse, ... of ours beside its own. Instead the modules are
# linked into one relocatable object whose hidden symbols are then made
# local: its only global definitions are the advdb_ calls, as the shared
# library's.
$(BUILD)/pub/libadvdb.a: $(SCHEMA_OBJ) $(LIB_OBJ)
	@mkdir -p $(dir $@)
	@rm -f $@
	$(CC) -r -nostdlib -o $(BUILD)/pub/advdb.o $(SCHEMA_OBJ) $(LIB_OBJ)
	objcopy --localize-hidden $(BUILD)/pub/advdb.o
	ar rcs $@ $(BUILD)/pub/advdb.o

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
# Its libraries are linked statically (but under the sanitizers), as
# advdb-query's: an --update is a short run, and loading libgit2's chain
# of 25 shared libraries (mbedTLS, libssh2, pcre2, http-parser, OpenSSL,
# Kerberos) cost more than its tree comparison (--version: 4.8 -> 2.3 ms
# CPU, 11 -> 5 ms wall). Debian's -dev packages ship these archives;
# GSSAPI (Kerberos) has none and stays shared, by its file name since
# its link name comes only with libkrb5-dev. A library's security fix
# then needs a rebuild of advdb-compile, as of advdb-query.
LIBS_COMP_STATIC = -Wl,-Bstatic -lgit2 -lmbedtls -lmbedx509 -lmbedcrypto \
                   -lhttp_parser -lssh2 -lpcre2-8 -llmdb -lzstd -lyaml \
                   -ljansson -lz -lsodium -lcrypto -Wl,-Bdynamic \
                   -l:libgssapi_krb5.so.2 -lpthread -lm -lrt
LIBS_COMP_LINK = $(if $(filter 1,$(SAN)),$(LIBS_COMP),$(LIBS_COMP_STATIC))
$(BUILD)/advdb-compile: $(call obj,compiler/main.c) $(COMP_OBJ) $(PROG_OBJ) \
                        $(BUILD)/libadvdb.a
	$(CC) $(LDFLAGS_SAN) -o $@ $(call obj,compiler/main.c) $(COMP_OBJ) \
	    $(PROG_OBJ) $(BUILD)/libadvdb.a $(LIBS_COMP_LINK)

# Unit tests see every module (not the main()s).
$(BUILD)/tests/%: tests/unit/%.c $(wildcard tests/unit/*.h) $(COMP_OBJ) \
                  $(CLI_LIBOBJ) $(SERVE_LIBOBJ) $(PROG_OBJ) $(BUILD)/libadvdb.a
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

# peak_rss stands between the benchmark and every program it times, so it
# links nothing but libc: linked as the others (25 shared libraries) it
# added ~10 ms to every run and hid the one-shot's cost in its own.
$(BUILD)/tools/peak_rss: tests/tools/peak_rss.c
	@mkdir -p $(dir $@)
	$(CC) $(ALL_CFLAGS) -o $@ $<

# The update's git floor starts as advdb-compile does (linked the same).
$(BUILD)/tools/git_floor: tests/tools/git_floor.c $(COMP_OBJ) $(BUILD)/libadvdb.a
	@mkdir -p $(dir $@)
	$(CC) $(ALL_CFLAGS) -o $@ $< $(COMP_OBJ) $(BUILD)/libadvdb.a \
	    $(LIBS_COMP_LINK)

# (with advdb-serve's modules: its handler is timed in-process)
$(BUILD)/advdb-bench: $(BENCH_SRC) $(COMP_OBJ) $(SERVE_LIBOBJ) $(CLI_LIBOBJ) \
                      $(PROG_OBJ) $(BUILD)/libadvdb.a
	$(CC) $(ALL_CFLAGS) -Iquery/cli -Iquery/serve -o $@ $(BENCH_SRC) \
	    $(COMP_OBJ) $(SERVE_LIBOBJ) $(CLI_LIBOBJ) $(PROG_OBJ) \
	    $(BUILD)/libadvdb.a $(LIBS_COMP) $(LIBS_MHD)

# The public header must stand alone, in strict C99 and in C11, and its
# documentation comments must be well-formed (clang's -Wdocumentation
# checks each @param against the declaration it documents).
$(BUILD)/header-check.o: query/advdb.h
	@mkdir -p $(BUILD)
	printf '#include "advdb.h"\nint advdb_header_check;\n' | \
	    $(CC) -std=c99 -pedantic -Wall -Wextra -Werror -Iquery -x c -c -o $@ -
	printf '#include "advdb.h"\nint advdb_header_check;\n' | \
	    clang -std=c99 -pedantic -Wall -Wextra -Werror -Wdocumentation \
	    -Wdocumentation-unknown-command -Iquery -x c -fsyntax-only -

test: all $(UNIT_BIN) $(TOOL_BIN) $(BUILD)/header-check.o $(if $(BENCH_SRC),$(BUILD)/advdb-bench)
	@BUILD=$(BUILD) SAN=$(SAN) sh tests/run.sh

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

bench: all $(BUILD)/advdb-bench $(BUILD)/tools/naive_check $(BUILD)/tools/git_floor $(BUILD)/tools/peak_rss
	@BUILD=$(BUILD) sh tests/bench/run.sh

fuzz:
	@BUILD=build-fuzz FUZZ_SECONDS=$(FUZZ_SECONDS) sh tests/fuzz/run.sh

$(BUILD)/advdb.pc: FORCE
	@mkdir -p $(BUILD)
	printf 'prefix=%s\nlibdir=$${prefix}/lib\nincludedir=$${prefix}/include\n\nName: advdb\nDescription: reader of advdb vulnerability-advisory indexes\nVersion: %s\nRequires.private: lmdb libzstd jansson zlib libsodium\nLibs: -L$${libdir} -ladvdb\nLibs.private: -lpthread -lm\nCflags: -I$${includedir}\n' '$(PREFIX)' '$(VERSION)' > $@

install: all $(BUILD)/advdb.pc
	install -d $(DESTDIR)$(PREFIX)/bin $(DESTDIR)$(PREFIX)/lib \
	    $(DESTDIR)$(PREFIX)/include $(DESTDIR)$(PREFIX)/lib/pkgconfig
	install -m 755 $(BUILD)/advdb-compile $(BUILD)/advdb-query \
	    $(BUILD)/advdb-serve $(DESTDIR)$(PREFIX)/bin/
	install -m 644 $(BUILD)/pub/libadvdb.a $(DESTDIR)$(PREFIX)/lib/
	install -m 755 $(BUILD)/libadvdb.so $(DESTDIR)$(PREFIX)/lib/libadvdb.so.$(SOVERSION)
	ln -sf libadvdb.so.$(SOVERSION) $(DESTDIR)$(PREFIX)/lib/libadvdb.so
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
