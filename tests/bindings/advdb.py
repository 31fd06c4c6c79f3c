#!/usr/bin/env python3
"""tests/bindings/advdb.py — libadvdb bound from Python with ctypes (the
standard library only), as an embedder would: the structs declared from
advdb.h, the shared library loaded by path, errors read from a per-call
advdb_error_info.

    advdb.py LIBRARY DB TASKS     answers each task of the file TASKS
                                  (see tests/e2e/bindings.sh) as one JSON
                                  line, in the form expect.py gives from
                                  advdb-query's output

Nothing here is specific to the tests but the task loop at the end.
"""
import ctypes as C
import json
import sys

ERROR_MSG_MAX = 512
ID_MAX = 64


class ErrorInfo(C.Structure):
    _fields_ = [("version", C.c_uint), ("code", C.c_int), ("line", C.c_uint),
                ("message", C.c_char * ERROR_MSG_MAX)]


class Match(C.Structure):
    _fields_ = [("id", C.c_char * ID_MAX), ("kind", C.c_int),
                ("severity", C.c_int), ("cvss_score10", C.c_uint16),
                ("withdrawn", C.c_uint8), ("has_functions", C.c_uint8)]


class Query(C.Structure):
    _fields_ = [("version", C.c_uint), ("os", C.c_char_p),
                ("arch", C.c_char_p), ("flags", C.c_uint)]


class Info(C.Structure):
    _fields_ = [("version", C.c_uint), ("schema_version", C.c_uint),
                ("source_commit", C.c_char * 41), ("source_time", C.c_int64),
                ("compile_time", C.c_int64), ("advisory_count", C.c_uint64),
                ("package_count", C.c_uint64), ("digest", C.c_char * 65),
                ("nsources", C.c_uint), ("sources", C.c_char * 1024),
                ("history", C.c_int), ("skipped_count", C.c_uint64)]


class Package(C.Structure):
    _fields_ = [("name", C.c_char_p), ("version", C.c_char_p),
                ("source", C.c_char_p), ("source_kind", C.c_int),
                ("checksum", C.c_char_p), ("deps", C.POINTER(C.c_size_t)),
                ("ndeps", C.c_size_t), ("root", C.c_int),
                ("build_only", C.c_int), ("line", C.c_uint)]


OK, ENOTFOUND, EBUFS = 0, -2, -9
F_ID, F_PACKAGE, F_TITLE, F_DATE, F_URL, F_COLLECTION = 0, 1, 2, 4, 6, 12
L_ALIASES, L_KEYWORDS = 0, 3
SOURCE_CRATES_IO = 0
KIND_VULNERABILITY = 0


class AdvdbError(Exception):
    def __init__(self, code, message):
        super().__init__("%d: %s" % (code, message))
        self.code, self.message = code, message


class Library:
    """The calls used here, with their argument and result types."""

    def __init__(self, path):
        lib = self.lib = C.CDLL(path)
        P, S, I = C.c_void_p, C.c_size_t, C.c_int
        sig = {
            "advdb_version": (None, [C.POINTER(I)] * 3),
            "advdb_strerror": (C.c_char_p, [I]),
            "advdb_error_info_init": (I, [C.POINTER(ErrorInfo), C.c_uint]),
            "advdb_query_init": (I, [C.POINTER(Query), C.c_uint]),
            "advdb_info_init": (I, [C.POINTER(Info), C.c_uint]),
            "advdb_open": (I, [C.POINTER(P), C.c_char_p, C.c_uint,
                               C.c_char_p, S]),
            "advdb_close": (None, [P]),
            "advdb_lookup_ex": (I, [C.POINTER(Match), S, C.POINTER(S), P,
                                    C.c_char_p, S, C.c_char_p, S,
                                    C.POINTER(Query),
                                    C.POINTER(ErrorInfo)]),
            "advdb_advisory_get_ex": (I, [C.POINTER(P), P, C.c_char_p,
                                          C.POINTER(ErrorInfo)]),
            "advdb_advisory_free": (None, [P]),
            "advdb_advisory_field": (C.c_char_p, [P, I]),
            "advdb_advisory_list_len": (S, [P, I]),
            "advdb_advisory_list_at": (C.c_char_p, [P, I, S]),
            "advdb_advisory_kind": (I, [P]),
            "advdb_advisories_iter_ex": (I, [C.POINTER(P), P,
                                             C.POINTER(ErrorInfo)]),
            "advdb_iter_next_ex": (I, [C.POINTER(C.c_char_p), P,
                                       C.POINTER(ErrorInfo)]),
            "advdb_iter_free": (None, [P]),
            "advdb_info_get_ex": (I, [C.POINTER(Info), P,
                                      C.POINTER(ErrorInfo)]),
            "advdb_packages_read": (I, [C.POINTER(P), C.c_char_p, S,
                                        C.c_uint, C.POINTER(ErrorInfo)]),
            "advdb_packages_free": (None, [P]),
            "advdb_packages_count": (S, [P]),
            "advdb_packages_at": (C.POINTER(Package), [P, S]),
            "advdb_packages_format": (C.c_char_p, [P]),
            "advdb_packages_lookup": (I, [C.POINTER(Match), S,
                                          C.POINTER(S), P, P, S,
                                          C.POINTER(Query),
                                          C.POINTER(ErrorInfo)]),
        }
        for name, (res, args) in sig.items():
            f = getattr(lib, name)
            f.restype, f.argtypes = res, args

    def version(self):
        v = [C.c_int(), C.c_int(), C.c_int()]
        self.lib.advdb_version(*[C.byref(x) for x in v])
        return "%d.%d.%d" % tuple(x.value for x in v)

    def error_info(self):
        e = ErrorInfo()
        if self.lib.advdb_error_info_init(C.byref(e), 1) != OK:
            raise RuntimeError("advdb_error_info version 1 refused")
        return e


class Index:
    def __init__(self, lib, path):
        self.lib, self.L = lib, lib.lib
        self.h = C.c_void_p()
        buf = C.create_string_buffer(512)
        rc = self.L.advdb_open(C.byref(self.h), path.encode(), 0, buf, 512)
        if rc != OK:
            raise AdvdbError(rc, buf.value.decode())

    def close(self):
        self.L.advdb_close(self.h)

    def _matches(self, call):
        """call(array, cap, &n, &err): grown once on EBUFS."""
        cap = 8
        while True:
            arr, n, e = (Match * cap)(), C.c_size_t(), self.lib.error_info()
            rc = call(arr, cap, C.byref(n), C.byref(e))
            if rc == EBUFS and n.value > cap:
                cap = n.value
                continue
            if rc != OK:
                raise AdvdbError(rc, e.message.decode())
            return [arr[i] for i in range(n.value)]

    def lookup(self, name, version):
        q = Query()
        self.L.advdb_query_init(C.byref(q), 1)
        nb, vb = name.encode(), version.encode()
        return self._matches(lambda a, cap, n, e: self.L.advdb_lookup_ex(
            a, cap, n, self.h, nb, len(nb), vb, len(vb), C.byref(q), e))

    def advisory(self, ident):
        a, e = C.c_void_p(), self.lib.error_info()
        rc = self.L.advdb_advisory_get_ex(C.byref(a), self.h, ident.encode(),
                                          C.byref(e))
        if rc != OK:
            raise AdvdbError(rc, e.message.decode())
        try:
            def field(f):
                v = self.L.advdb_advisory_field(a, f)
                return v.decode() if v is not None else None

            def lst(k):
                return [self.L.advdb_advisory_list_at(a, k, i).decode()
                        for i in range(self.L.advdb_advisory_list_len(a, k))]
            return {"id": field(F_ID), "package": field(F_PACKAGE),
                    "collection": field(F_COLLECTION),
                    "title": field(F_TITLE), "date": field(F_DATE),
                    "url": field(F_URL), "aliases": lst(L_ALIASES),
                    "keywords": lst(L_KEYWORDS)}
        finally:
            self.L.advdb_advisory_free(a)

    def advisory_ids(self):
        it, e = C.c_void_p(), self.lib.error_info()
        if self.L.advdb_advisories_iter_ex(C.byref(it), self.h,
                                           C.byref(e)) != OK:
            raise AdvdbError(e.code, e.message.decode())
        out, name = [], C.c_char_p()
        while True:
            rc = self.L.advdb_iter_next_ex(C.byref(name), it, C.byref(e))
            if rc == ENOTFOUND:
                break
            if rc != OK:
                self.L.advdb_iter_free(it)
                raise AdvdbError(rc, e.message.decode())
            out.append(name.value.decode())
        self.L.advdb_iter_free(it)
        return out

    def info(self):
        i, e = Info(), self.lib.error_info()
        self.L.advdb_info_init(C.byref(i), 1)
        if self.L.advdb_info_get_ex(C.byref(i), self.h, C.byref(e)) != OK:
            raise AdvdbError(e.code, e.message.decode())
        return i

    def audit(self, data):
        """The packages of a lockfile or binary, and what affects the
        crates.io ones."""
        p, e = C.c_void_p(), self.lib.error_info()
        rc = self.L.advdb_packages_read(C.byref(p), data, len(data), 0,
                                        C.byref(e))
        if rc != OK:
            raise AdvdbError(rc, e.message.decode())
        try:
            n, found = self.L.advdb_packages_count(p), []
            for i in range(n):
                k = self.L.advdb_packages_at(p, i).contents
                for m in self._matches(
                        lambda a, cap, nn, ee: self.L.advdb_packages_lookup(
                            a, cap, nn, self.h, p, i, None, ee)):
                    if not m.withdrawn:
                        found.append("%s %s %s" % (k.name.decode(),
                                                   k.version.decode(),
                                                   m.id.decode()))
            return n, sorted(found)
        finally:
            self.L.advdb_packages_free(p)


def main(libpath, dbpath, taskpath):
    assert C.sizeof(Match) == 76, "advdb_match is 76 bytes"
    lib = Library(libpath)
    db = Index(lib, dbpath)
    out = []
    for line in open(taskpath, encoding="utf-8"):
        t = line.split()
        if not t:
            continue
        if t[0] == "version":
            out.append({"version": lib.version()})
        elif t[0] == "lookup":
            try:
                ids = [m.id.decode() for m in db.lookup(t[1], t[2])]
                out.append({"lookup": t[1] + " " + t[2], "ids": sorted(ids)})
            except AdvdbError as e:
                assert e.message, "an error without a message"
                out.append({"lookup": t[1] + " " + t[2], "error": True})
        elif t[0] == "advisory":
            a = db.advisory(t[1])
            del a["collection"]
            out.append({"advisory": t[1], "fields": a})
        elif t[0] == "advisories":
            # the crates collection's (what export-osv writes)
            ids = [i for i in db.advisory_ids()
                   if db.advisory(i)["collection"] == "crates"]
            out.append({"advisories": sorted(ids)})
        elif t[0] == "info":
            i = db.info()
            out.append({"info": {
                "schema_version": i.schema_version,
                "source_commit": i.source_commit.decode(),
                "advisory_count": i.advisory_count,
                "package_count": i.package_count,
                "digest": i.digest.decode(),
                "skipped_count": i.skipped_count}})
        elif t[0] == "packages":
            with open(t[1], "rb") as f:
                n, found = db.audit(f.read())
            out.append({"packages": t[1], "count": n, "found": found})
        else:
            raise SystemExit("advdb.py: unknown task %r" % t[0])
    db.close()
    for o in out:
        print(json.dumps(o, sort_keys=True))


if __name__ == "__main__":
    if len(sys.argv) != 4:
        raise SystemExit(__doc__)
    main(*sys.argv[1:])
