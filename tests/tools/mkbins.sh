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
	_p=$1 _d=$2
	mkdir -p "$_d/src" || return 1
	: >"$_d/made"; : >"$_d/missing"
	_ok() { echo "$1" >>"$_d/made"; }
	_no() { printf '%s\t%s\n' "$1" "$2" >>"$_d/missing"; }
	cat >"$_d/src/main.c" <<'EOF'
int value = 42;
int main(void) { return value - 42; }
EOF
	cat >"$_d/src/start.c" <<'EOF'
int value = 42;
void _start(void) { for (;;) ; }
EOF
	cat >"$_d/src/pe.c" <<'EOF'
int value = 42;
int mainCRTStartup(void) { return value - 42; }
EOF
	_lo=$(mkbins_tool llvm-objcopy) || _lo=""
	_lld=$(mkbins_tool ld.lld) || _lld=""
	_cc=$(mkbins_tool clang) || _cc=""
	_fl="-ffreestanding -nostdlib -fuse-ld=lld -static -O1"

	if gcc -o "$_d/src/elf64" "$_d/src/main.c" 2>"$_d/src/err" &&
	   objcopy --add-section .dep-v0="$_p" "$_d/src/elf64" "$_d/elf64" 2>>"$_d/src/err"
	then _ok elf64; else _no elf64 "gcc/objcopy: $(head -c 200 "$_d/src/err")"; fi

	if [ -n "$_cc" ] && [ -n "$_lld" ]; then
		if $_cc --target=i386-linux-gnu $_fl -o "$_d/src/elf32" "$_d/src/start.c" 2>"$_d/src/err" &&
		   objcopy --add-section .dep-v0="$_p" "$_d/src/elf32" "$_d/elf32" 2>>"$_d/src/err"
		then _ok elf32; else _no elf32 "clang/ld.lld/objcopy: $(head -c 200 "$_d/src/err")"; fi
		for _t in elf64be:powerpc64-linux-gnu elf32be:powerpc-linux-gnu; do
			_n=${_t%%:*}
			if [ -n "$_lo" ] &&
			   $_cc --target="${_t#*:}" $_fl -o "$_d/src/$_n" "$_d/src/start.c" 2>"$_d/src/err" &&
			   $_lo --add-section .dep-v0="$_p" "$_d/src/$_n" "$_d/$_n" 2>>"$_d/src/err"
			then _ok "$_n"; else _no "$_n" "clang/ld.lld/llvm-objcopy: $(head -c 200 "$_d/src/err")"; fi
		done
	else
		_no elf32 "clang or ld.lld not found"
		_no elf64be "clang or ld.lld not found"
		_no elf32be "clang or ld.lld not found"
	fi

	for _t in pe64:x86_64:mainCRTStartup pe32:i686:_mainCRTStartup; do
		_n=${_t%%:*} _a=${_t#*:}; _e=${_a#*:}; _a=${_a%%:*}
		_oc=$(mkbins_tool "$_a-w64-mingw32-objcopy") || _oc=""
		_ld=$(mkbins_tool "$_a-w64-mingw32-ld") || _ld=""
		if [ -z "$_cc" ] || [ -z "$_oc" ] || [ -z "$_ld" ]; then
			_no "$_n" "clang or $_a-w64-mingw32 binutils not found (binutils-mingw-w64)"
			continue
		fi
		if $_cc --target="$_a-w64-mingw32" -ffreestanding -O1 -c -o "$_d/src/$_n.o" "$_d/src/pe.c" 2>"$_d/src/err" &&
		   $_oc --add-section .dep-v0="$_p" \
		        --set-section-flags .dep-v0=contents,alloc,load,readonly,data \
		        "$_d/src/$_n.o" "$_d/src/$_n-dep.o" 2>>"$_d/src/err" &&
		   $_ld -nostdlib -e "$_e" -o "$_d/$_n" "$_d/src/$_n-dep.o" 2>>"$_d/src/err"
		then _ok "$_n"; else _no "$_n" "mingw-w64: $(head -c 200 "$_d/src/err")"; fi
	done

	_ld64=$(mkbins_tool ld64.lld) || _ld64=""
	if [ -n "$_cc" ] && python3 "$MKBINS_PY" csrc "$_p" "$_d/src/macho.c" "__DATA,.dep-v0"; then
		for _t in macho64:x86_64 macho64arm:arm64; do
			_n=${_t%%:*} _a=${_t#*:}
			if [ -n "$_ld64" ] &&
			   $_cc --target="$_a-apple-macos11" -O1 -c -o "$_d/src/$_n.o" "$_d/src/macho.c" 2>"$_d/src/err" &&
			   $_ld64 -arch "$_a" -platform_version macos 11.0 11.0 -e _main \
			        -o "$_d/$_n" "$_d/src/$_n.o" 2>>"$_d/src/err"
			then _ok "$_n"; else _no "$_n" "clang/ld64.lld: $(head -c 200 "$_d/src/err")"; fi
		done
		if $_cc --target=i386-apple-macos10.12 -O1 -c -o "$_d/macho32" "$_d/src/macho.c" 2>"$_d/src/err"
		then _ok macho32; else _no macho32 "clang: $(head -c 200 "$_d/src/err")"; fi
	else
		for _n in macho64 macho64arm macho32; do _no $_n "clang not found"; done
	fi
	_lipo=$(mkbins_tool llvm-lipo) || _lipo=""
	if [ -n "$_lipo" ] && [ -f "$_d/macho64" ] && [ -f "$_d/macho64arm" ] &&
	   $_lipo -create "$_d/macho64" "$_d/macho64arm" -output "$_d/fat" 2>"$_d/src/err"
	then _ok fat; else _no fat "llvm-lipo or a slice missing: $(head -c 200 "$_d/src/err" 2>/dev/null)"; fi
	for _n in macho32be macho64be; do
		if python3 "$MKBINS_PY" build "$_n" "$_p" "$_d/$_n"
		then _ok "$_n"; else _no "$_n" "python3 failed"; fi
	done

	_wl=$(mkbins_tool wasm-ld) || _wl=""
	if [ -n "$_cc" ] && [ -n "$_wl" ] && [ -n "$_lo" ] &&
	   $_cc --target=wasm32 -nostdlib -O1 -Wl,--no-entry -Wl,--export-all \
	        -o "$_d/src/w.wasm" "$_d/src/start.c" 2>"$_d/src/err" &&
	   $_lo --add-section .dep-v0="$_p" "$_d/src/w.wasm" "$_d/wasm" 2>>"$_d/src/err"
	then _ok wasm; else _no wasm "clang/wasm-ld/llvm-objcopy: $(head -c 200 "$_d/src/err" 2>/dev/null)"; fi
	rm -rf "$_d/src"
	return 0
}
