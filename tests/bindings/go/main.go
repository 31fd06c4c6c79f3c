// tests/bindings/go/main.go — libadvdb bound from Go with cgo, as an
// embedder would: the header and library found through advdb.pc
// (pkg-config), the C structs used as cgo declares them (which it can
// only because advdb.h has no bitfields), errors read from a per-call
// advdb_error_info, never from thread-bound state: goroutines move between
// OS threads between calls.
//
//	bindings DB TASKS    answers each task of the file TASKS (see
//	                     tests/e2e/bindings.sh) as one JSON line, in the
//	                     form tests/bindings/expect.py gives from
//	                     advdb-query's output
//
// Before answering, every lookup task runs at once from 64 goroutines on
// the one handle, each with its own error struct, and must agree with the
// sequential answers.
package main

/*
#cgo pkg-config: advdb
#include <stdlib.h>
#include <advdb.h>
*/
import "C"

import (
	"bufio"
	"encoding/json"
	"fmt"
	"os"
	"sort"
	"strings"
	"sync"
	"unsafe"
)

type advdbError struct {
	code int
	msg  string
}

func (e *advdbError) Error() string { return fmt.Sprintf("%d: %s", e.code, e.msg) }

func newErr() *C.advdb_error_info {
	e := (*C.advdb_error_info)(C.malloc(C.sizeof_advdb_error_info))
	if C.advdb_error_info_init(e, C.ADVDB_ERROR_INFO_VERSION) != C.ADVDB_OK {
		panic("advdb_error_info version refused")
	}
	return e
}

func failed(rc C.int, e *C.advdb_error_info) error {
	return &advdbError{int(rc), C.GoString(&e.message[0])}
}

type index struct{ h *C.advdb }

func open(path string) (*index, error) {
	cpath := C.CString(path)
	defer C.free(unsafe.Pointer(cpath))
	buf := (*C.char)(C.malloc(512))
	defer C.free(unsafe.Pointer(buf))
	var h *C.advdb
	if rc := C.advdb_open(&h, cpath, 0, buf, 512); rc != C.ADVDB_OK {
		return nil, &advdbError{int(rc), C.GoString(buf)}
	}
	return &index{h}, nil
}

// matches runs call with room for cap matches, once more with room for
// all of them on ADVDB_EBUFS.
func matches(call func(out *C.advdb_match, cap C.size_t, n *C.size_t,
	e *C.advdb_error_info) C.int) ([]C.advdb_match, error) {
	e := newErr()
	defer C.free(unsafe.Pointer(e))
	cap := C.size_t(8)
	for {
		arr := make([]C.advdb_match, cap)
		var n C.size_t
		rc := call(&arr[0], cap, &n, e)
		if rc == C.ADVDB_EBUFS && n > cap {
			cap = n
			continue
		}
		if rc != C.ADVDB_OK {
			return nil, failed(rc, e)
		}
		return arr[:n], nil
	}
}

func (x *index) lookup(name, version string) ([]string, error) {
	var q C.advdb_query
	C.advdb_query_init(&q, C.ADVDB_QUERY_VERSION)
	// Go strings go in as pointer and length: no copy, no NUL needed
	nb, vb := []byte(name), []byte(version)
	ms, err := matches(func(o *C.advdb_match, cap C.size_t, n *C.size_t,
		e *C.advdb_error_info) C.int {
		return C.advdb_lookup_ex(o, cap, n, x.h,
			(*C.char)(unsafe.Pointer(&nb[0])), C.size_t(len(nb)),
			(*C.char)(unsafe.Pointer(&vb[0])), C.size_t(len(vb)), &q, e)
	})
	if err != nil {
		return nil, err
	}
	ids := []string{}
	for i := range ms {
		ids = append(ids, C.GoString(&ms[i].id[0]))
	}
	sort.Strings(ids)
	return ids, nil
}

func str(p *C.char) interface{} {
	if p == nil {
		return nil
	}
	return C.GoString(p)
}

func (x *index) advisory(id string) (map[string]interface{}, error) {
	cid := C.CString(id)
	defer C.free(unsafe.Pointer(cid))
	e := newErr()
	defer C.free(unsafe.Pointer(e))
	var a *C.advdb_advisory
	if rc := C.advdb_advisory_get_ex(&a, x.h, cid, e); rc != C.ADVDB_OK {
		return nil, failed(rc, e)
	}
	defer C.advdb_advisory_free(a)
	list := func(l C.advdb_list) []string {
		out := []string{}
		for i := C.size_t(0); i < C.advdb_advisory_list_len(a, l); i++ {
			out = append(out, C.GoString(C.advdb_advisory_list_at(a, l, i)))
		}
		return out
	}
	return map[string]interface{}{
		"id":         str(C.advdb_advisory_field(a, C.ADVDB_F_ID)),
		"package":    str(C.advdb_advisory_field(a, C.ADVDB_F_PACKAGE)),
		"title":      str(C.advdb_advisory_field(a, C.ADVDB_F_TITLE)),
		"date":       str(C.advdb_advisory_field(a, C.ADVDB_F_DATE)),
		"url":        str(C.advdb_advisory_field(a, C.ADVDB_F_URL)),
		"aliases":    list(C.ADVDB_L_ALIASES),
		"keywords":   list(C.ADVDB_L_KEYWORDS),
		"collection": str(C.advdb_advisory_field(a, C.ADVDB_F_COLLECTION)),
	}, nil
}

func (x *index) advisoryIDs() ([]string, error) {
	e := newErr()
	defer C.free(unsafe.Pointer(e))
	var it *C.advdb_iter
	if rc := C.advdb_advisories_iter_ex(&it, x.h, e); rc != C.ADVDB_OK {
		return nil, failed(rc, e)
	}
	defer C.advdb_iter_free(it)
	ids := []string{}
	for {
		var name *C.char
		rc := C.advdb_iter_next_ex(&name, it, e)
		if rc == C.ADVDB_ENOTFOUND {
			return ids, nil
		}
		if rc != C.ADVDB_OK {
			return nil, failed(rc, e)
		}
		ids = append(ids, C.GoString(name))
	}
}

func (x *index) info() (map[string]interface{}, error) {
	e := newErr()
	defer C.free(unsafe.Pointer(e))
	var i C.advdb_info
	C.advdb_info_init(&i, C.ADVDB_INFO_VERSION)
	if rc := C.advdb_info_get_ex(&i, x.h, e); rc != C.ADVDB_OK {
		return nil, failed(rc, e)
	}
	return map[string]interface{}{
		"schema_version": uint(i.schema_version),
		"source_commit":  C.GoString(&i.source_commit[0]),
		"advisory_count": uint64(i.advisory_count),
		"package_count":  uint64(i.package_count),
		"digest":         C.GoString(&i.digest[0]),
		"skipped_count":  uint64(i.skipped_count),
	}, nil
}

// audit reads a lockfile or binary and looks up its crates.io packages.
func (x *index) audit(data []byte) (int, []string, error) {
	e := newErr()
	defer C.free(unsafe.Pointer(e))
	buf := C.CBytes(data)
	defer C.free(buf)
	var p *C.advdb_packages
	if rc := C.advdb_packages_read(&p, buf, C.size_t(len(data)), 0, e); rc != C.ADVDB_OK {
		return 0, nil, failed(rc, e)
	}
	defer C.advdb_packages_free(p)
	n := int(C.advdb_packages_count(p))
	found := []string{}
	for i := 0; i < n; i++ {
		k := C.advdb_packages_at(p, C.size_t(i))
		ms, err := matches(func(o *C.advdb_match, cap C.size_t,
			nn *C.size_t, ee *C.advdb_error_info) C.int {
			return C.advdb_packages_lookup(o, cap, nn, x.h, p, C.size_t(i), nil, ee)
		})
		if err != nil {
			return 0, nil, err
		}
		for j := range ms {
			if ms[j].withdrawn == 0 {
				found = append(found, fmt.Sprintf("%s %s %s", C.GoString(k.name),
					C.GoString(k.version), C.GoString(&ms[j].id[0])))
			}
		}
	}
	sort.Strings(found)
	return n, found, nil
}

func main() {
	if len(os.Args) != 3 {
		fmt.Fprintln(os.Stderr, "usage: bindings DB TASKS")
		os.Exit(2)
	}
	if C.sizeof_advdb_match != 76 {
		panic("advdb_match is not 76 bytes")
	}
	x, err := open(os.Args[1])
	if err != nil {
		panic(err)
	}
	f, err := os.Open(os.Args[2])
	if err != nil {
		panic(err)
	}
	var tasks [][]string
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		if t := strings.Fields(sc.Text()); len(t) > 0 {
			tasks = append(tasks, t)
		}
	}
	concurrent(x, tasks)
	out := json.NewEncoder(os.Stdout)
	for _, t := range tasks {
		var o map[string]interface{}
		switch t[0] {
		case "version":
			var ma, mi, pa C.int
			C.advdb_version(&ma, &mi, &pa)
			o = map[string]interface{}{"version": fmt.Sprintf("%d.%d.%d", ma, mi, pa)}
		case "lookup":
			key := t[1] + " " + t[2]
			if ids, err := x.lookup(t[1], t[2]); err != nil {
				if err.(*advdbError).msg == "" {
					panic("an error without a message")
				}
				o = map[string]interface{}{"lookup": key, "error": true}
			} else {
				o = map[string]interface{}{"lookup": key, "ids": ids}
			}
		case "advisory":
			a, err := x.advisory(t[1])
			if err != nil {
				panic(err)
			}
			delete(a, "collection")
			o = map[string]interface{}{"advisory": t[1], "fields": a}
		case "advisories":
			ids, err := x.advisoryIDs()
			if err != nil {
				panic(err)
			}
			crates := []string{}
			for _, id := range ids {
				a, err := x.advisory(id)
				if err != nil {
					panic(err)
				}
				if a["collection"] == "crates" {
					crates = append(crates, id)
				}
			}
			sort.Strings(crates)
			o = map[string]interface{}{"advisories": crates}
		case "info":
			i, err := x.info()
			if err != nil {
				panic(err)
			}
			o = map[string]interface{}{"info": i}
		case "packages":
			data, err := os.ReadFile(t[1])
			if err != nil {
				panic(err)
			}
			n, found, err := x.audit(data)
			if err != nil {
				panic(err)
			}
			o = map[string]interface{}{"packages": t[1], "count": n, "found": found}
		default:
			panic("unknown task " + t[0])
		}
		if err := out.Encode(o); err != nil {
			panic(err)
		}
	}
	C.advdb_close(x.h)
}

// concurrent runs every lookup task from 64 goroutines at once, 20 times
// each, and checks each answer (ids, or an error with its own message)
// against the sequential one.
func concurrent(x *index, tasks [][]string) {
	type answer struct {
		ids string
		msg string
	}
	want := map[string]answer{}
	ask := func(t []string) answer {
		ids, err := x.lookup(t[1], t[2])
		if err != nil {
			return answer{"", err.(*advdbError).msg}
		}
		return answer{strings.Join(ids, ","), ""}
	}
	for _, t := range tasks {
		if t[0] == "lookup" {
			want[t[1]+" "+t[2]] = ask(t)
		}
	}
	var wg sync.WaitGroup
	bad := make(chan string, 64)
	for g := 0; g < 64; g++ {
		wg.Add(1)
		go func(g int) {
			defer wg.Done()
			for r := 0; r < 20; r++ {
				for i := range tasks {
					t := tasks[(i+g)%len(tasks)]
					if t[0] != "lookup" {
						continue
					}
					if got := ask(t); got != want[t[1]+" "+t[2]] {
						bad <- fmt.Sprintf("%v: %v, want %v", t, got, want[t[1]+" "+t[2]])
						return
					}
				}
			}
		}(g)
	}
	wg.Wait()
	close(bad)
	for b := range bad {
		panic("concurrent lookups disagree: " + b)
	}
}
