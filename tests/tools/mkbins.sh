# tests/tools/mkbins.sh — real binaries carrying cargo-auditable data, made
# at run time with Debian's tools (sourced by tests/e2e/bin.sh,
# tests/bench/run.sh and tests/fuzz/run.sh; never committed).
#
#   mkbins PAYLOAD DIR    one binary per format below into DIR, each with
#                         the bytes of PAYLOAD (zlib-compressed JSON) as
#                         its .dep-v0; DIR/made lists what was made,
#                         DIR/missing what could not be, and why
#
#   elf64      gcc, then objcopy --add-section (GNU binutils)
#   elf32      clang --target=i386-linux-gnu, ld.lld; objcopy
#   elf64be    clang --target=powerpc64-linux-gnu, ld.lld; llvm-objcopy
#   elf32be    clang --target=powerpc-linux-gnu, ld.lld; llvm-objcopy
#   pe64       clang --target=x86_64-w64-mingw32 -c; the section added to
#              the object by x86_64-w64-mingw32-objcopy, linked by
#              x86_64-w64-mingw32-ld (binutils-mingw-w64): a PE32+ image
#   pe32       the same with i686-w64-mingw32-*: a PE32 image
#   macho64    clang --target=x86_64-apple-macos11 (the data as a used
#              static in section "__DATA,.dep-v0", as rustc places it),
#              linked by ld64.lld
#   macho64arm the same for arm64
#   fat        llvm-lipo -create of the two: a universal file
#   macho32    clang --target=i386-apple-macos10.12 -c: a 32-bit Mach-O
#              object (ld64.lld no longer links i386)
#   macho32be, macho64be  built byte by byte by tests/tools/auditable.py:
#              no Debian tool targets big-endian (PowerPC) Mach-O any more
#   wasm       clang --target=wasm32, wasm-ld; llvm-objcopy --add-section
#              (a custom section)
MKBINS_PY=${MKBINS_PY:-$(cd "$(dirname "${0}")/../.." 2>/dev/null && pwd)/tests/tools/auditable.py}

# A tool by its name, or its versioned name (ld64.lld-14).
mkbins_tool() {
	if command -v "$1" >/dev/null 2>&1; then echo "$1"; return 0; fi
	for t in /usr/bin/"$1"-[0-9]*; do
		[ -x "$t" ] && { echo "$t"; return 0; }
	done
	return 1
}

mkbins() {  # payload dir
	_mb_p=$1 _mb_d=$2
	mkdir -p "$_mb_d/src" || return 1
	: >"$_mb_d/made"; : >"$_mb_d/missing"
	_mb_ok() { echo "$1" >>"$_mb_d/made"; }
	_mb_no() { printf '%s\t%s\n' "$1" "$2" >>"$_mb_d/missing"; }
	cat >"$_mb_d/src/main.c" <<'EOF'
int value = 42;
int main(void) { return value - 42; }
EOF
	cat >"$_mb_d/src/start.c" <<'EOF'
int value = 42;
void _start(void) { for (;;) ; }
EOF
	cat >"$_mb_d/src/pe.c" <<'EOF'
int value = 42;
int mainCRTStartup(void) { return value - 42; }
EOF
	_mb_lo=$(mkbins_tool llvm-objcopy) || _mb_lo=""
	_mb_lld=$(mkbins_tool ld.lld) || _mb_lld=""
	_mb_cc=$(mkbins_tool clang) || _mb_cc=""
	_mb_fl="-ffreestanding -nostdlib -fuse-ld=lld -static -O1"

	if gcc -o "$_mb_d/src/elf64" "$_mb_d/src/main.c" 2>"$_mb_d/src/err" &&
	   objcopy --add-section .dep-v0="$_mb_p" "$_mb_d/src/elf64" "$_mb_d/elf64" 2>>"$_mb_d/src/err"
	then _mb_ok elf64; else _mb_no elf64 "gcc/objcopy: $(head -c 200 "$_mb_d/src/err")"; fi

	if [ -n "$_mb_cc" ] && [ -n "$_mb_lld" ]; then
		if $_mb_cc --target=i386-linux-gnu $_mb_fl -o "$_mb_d/src/elf32" "$_mb_d/src/start.c" 2>"$_mb_d/src/err" &&
		   objcopy --add-section .dep-v0="$_mb_p" "$_mb_d/src/elf32" "$_mb_d/elf32" 2>>"$_mb_d/src/err"
		then _mb_ok elf32; else _mb_no elf32 "clang/ld.lld/objcopy: $(head -c 200 "$_mb_d/src/err")"; fi
		for _mb_t in elf64be:powerpc64-linux-gnu elf32be:powerpc-linux-gnu; do
			_mb_n=${_mb_t%%:*}
			if [ -n "$_mb_lo" ] &&
			   $_mb_cc --target="${_mb_t#*:}" $_mb_fl -o "$_mb_d/src/$_mb_n" "$_mb_d/src/start.c" 2>"$_mb_d/src/err" &&
			   $_mb_lo --add-section .dep-v0="$_mb_p" "$_mb_d/src/$_mb_n" "$_mb_d/$_mb_n" 2>>"$_mb_d/src/err"
			then _mb_ok "$_mb_n"; else _mb_no "$_mb_n" "clang/ld.lld/llvm-objcopy: $(head -c 200 "$_mb_d/src/err")"; fi
		done
	else
		_mb_no elf32 "clang or ld.lld not found"
		_mb_no elf64be "clang or ld.lld not found"
		_mb_no elf32be "clang or ld.lld not found"
	fi

	for _mb_t in pe64:x86_64:mainCRTStartup pe32:i686:_mainCRTStartup; do
		_mb_n=${_mb_t%%:*} _mb_a=${_mb_t#*:}; _mb_e=${_mb_a#*:}; _mb_a=${_mb_a%%:*}
		_mb_oc=$(mkbins_tool "$_mb_a-w64-mingw32-objcopy") || _mb_oc=""
		_mb_ld=$(mkbins_tool "$_mb_a-w64-mingw32-ld") || _mb_ld=""
		if [ -z "$_mb_cc" ] || [ -z "$_mb_oc" ] || [ -z "$_mb_ld" ]; then
			_mb_no "$_mb_n" "clang or $_mb_a-w64-mingw32 binutils not found (binutils-mingw-w64)"
			continue
		fi
		if $_mb_cc --target="$_mb_a-w64-mingw32" -ffreestanding -O1 -c -o "$_mb_d/src/$_mb_n.o" "$_mb_d/src/pe.c" 2>"$_mb_d/src/err" &&
		   $_mb_oc --add-section .dep-v0="$_mb_p" \
		        --set-section-flags .dep-v0=contents,alloc,load,readonly,data \
		        "$_mb_d/src/$_mb_n.o" "$_mb_d/src/$_mb_n-dep.o" 2>>"$_mb_d/src/err" &&
		   $_mb_ld -nostdlib -e "$_mb_e" -o "$_mb_d/$_mb_n" "$_mb_d/src/$_mb_n-dep.o" 2>>"$_mb_d/src/err"
		then _mb_ok "$_mb_n"; else _mb_no "$_mb_n" "mingw-w64: $(head -c 200 "$_mb_d/src/err")"; fi
	done

	_mb_ld64=$(mkbins_tool ld64.lld) || _mb_ld64=""
	if [ -n "$_mb_cc" ] && python3 "$MKBINS_PY" csrc "$_mb_p" "$_mb_d/src/macho.c" "__DATA,.dep-v0"; then
		for _mb_t in macho64:x86_64 macho64arm:arm64; do
			_mb_n=${_mb_t%%:*} _mb_a=${_mb_t#*:}
			if [ -n "$_mb_ld64" ] &&
			   $_mb_cc --target="$_mb_a-apple-macos11" -O1 -c -o "$_mb_d/src/$_mb_n.o" "$_mb_d/src/macho.c" 2>"$_mb_d/src/err" &&
			   $_mb_ld64 -arch "$_mb_a" -platform_version macos 11.0 11.0 -e _main \
			        -o "$_mb_d/$_mb_n" "$_mb_d/src/$_mb_n.o" 2>>"$_mb_d/src/err"
			then _mb_ok "$_mb_n"; else _mb_no "$_mb_n" "clang/ld64.lld: $(head -c 200 "$_mb_d/src/err")"; fi
		done
		if $_mb_cc --target=i386-apple-macos10.12 -O1 -c -o "$_mb_d/macho32" "$_mb_d/src/macho.c" 2>"$_mb_d/src/err"
		then _mb_ok macho32; else _mb_no macho32 "clang: $(head -c 200 "$_mb_d/src/err")"; fi
	else
		for _mb_n in macho64 macho64arm macho32; do _mb_no $_mb_n "clang not found"; done
	fi
	_mb_lipo=$(mkbins_tool llvm-lipo) || _mb_lipo=""
	if [ -n "$_mb_lipo" ] && [ -f "$_mb_d/macho64" ] && [ -f "$_mb_d/macho64arm" ] &&
	   $_mb_lipo -create "$_mb_d/macho64" "$_mb_d/macho64arm" -output "$_mb_d/fat" 2>"$_mb_d/src/err"
	then _mb_ok fat; else _mb_no fat "llvm-lipo or a slice missing: $(head -c 200 "$_mb_d/src/err" 2>/dev/null)"; fi
	for _mb_n in macho32be macho64be; do
		if python3 "$MKBINS_PY" build "$_mb_n" "$_mb_p" "$_mb_d/$_mb_n"
		then _mb_ok "$_mb_n"; else _mb_no "$_mb_n" "python3 failed"; fi
	done

	_mb_wl=$(mkbins_tool wasm-ld) || _mb_wl=""
	if [ -n "$_mb_cc" ] && [ -n "$_mb_wl" ] && [ -n "$_mb_lo" ] &&
	   $_mb_cc --target=wasm32 -nostdlib -O1 -Wl,--no-entry -Wl,--export-all \
	        -o "$_mb_d/src/w.wasm" "$_mb_d/src/start.c" 2>"$_mb_d/src/err" &&
	   $_mb_lo --add-section .dep-v0="$_mb_p" "$_mb_d/src/w.wasm" "$_mb_d/wasm" 2>>"$_mb_d/src/err"
	then _mb_ok wasm; else _mb_no wasm "clang/wasm-ld/llvm-objcopy: $(head -c 200 "$_mb_d/src/err" 2>/dev/null)"; fi
	rm -rf "$_mb_d/src"
	return 0
}
