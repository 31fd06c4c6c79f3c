#!/usr/bin/env python3
"""tests/e2e/serve.py — advdb-serve through real clients (Python's
http.client, urllib and raw sockets), driven by tests/e2e/serve.sh.

Each check prints one line, "ok NAME" or "not ok NAME", with "# ..."
lines under a failure; serve.sh turns them into TAP. The expected answers
never come from the server: they come from advdb-query (batch,
export-osv), from the sample advisories' files, or from the OSV schema.

    serve.py sample  --build B --work W --data DATA
    serve.py shared  --build B --work W --shared SHARED

sample: the sample set of data/ — the API's shapes and errors, every
hostile case with its status (the server answering afterwards), a
recompile renamed into place during a query loop, and a replacement
signed by another key refused with --trust-key.
shared: the real advisory-db — querybatch over the packages of every
shared lockfile against `advdb-query batch`, /v1/vulns/ID against every
file of `export-osv` (byte-equal), every record against the OSV schema,
and every ecosystem name of the schema answered.
"""
import argparse
import glob
import http.client
import json
import os
import re
import select
import shutil
import socket
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.request

FAILED = 0


def report(name, ok, detail=""):
    global FAILED
    print(("ok " if ok else "not ok ") + name)
    if not ok:
        FAILED += 1
        for line in str(detail).splitlines()[:20]:
            print("# " + line)
    sys.stdout.flush()
    return ok


# ---- the server -----------------------------------------------------

class Server:
    """advdb-serve on a free loopback port (port 0: the OS picks one),
    its address read from the line it prints once listening."""

    def __init__(self, build, db, work, *extra, env=None):
        self.log = open(os.path.join(work, "serve-%d.log" % time.monotonic_ns()),
                        "w+b")
        self.proc = subprocess.Popen(
            [os.path.join(build, "advdb-serve"), "-d", db,
             "--listen", "127.0.0.1:0"] + list(extra),
            stdout=subprocess.PIPE, stderr=self.log,
            env=dict(os.environ, **(env or {})))
        line = b""
        deadline = time.monotonic() + 120
        while not line.endswith(b"\n") and time.monotonic() < deadline:
            r, _, _ = select.select([self.proc.stdout], [], [], 1.0)
            if r:
                c = os.read(self.proc.stdout.fileno(), 1)
                if not c:
                    break
                line += c
        m = re.match(rb"listening on http://([0-9.]+):([0-9]+)\n", line)
        if not m:
            self.proc.kill()
            self.proc.wait()
            raise RuntimeError("advdb-serve did not start: %r %s" %
                               (line, self.logtext()))
        self.host = m.group(1).decode()
        self.port = int(m.group(2))

    def logtext(self):
        self.log.flush()
        self.log.seek(0)
        return self.log.read().decode("utf-8", "replace")

    def stop(self):
        self.proc.terminate()
        try:
            rc = self.proc.wait(60)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            rc = self.proc.wait()
        return rc

    def conn(self, timeout=60):
        return http.client.HTTPConnection(self.host, self.port,
                                          timeout=timeout)

    def call(self, method, path, body=None, headers=None, conn=None):
        """(status, headers, parsed JSON or None, raw bytes)."""
        own = conn is None
        c = conn or self.conn()
        h = {"Content-Type": "application/json"}
        h.update(headers or {})
        if isinstance(body, (dict, list)):
            body = json.dumps(body)
        c.request(method, path, body=body, headers=h)
        r = c.getresponse()
        raw = r.read()
        if own:
            c.close()
        try:
            doc = json.loads(raw) if raw else None
        except ValueError:
            doc = None
        return r.status, dict(r.getheaders()), doc, raw

    def url(self, path):
        return "http://%s:%d%s" % (self.host, self.port, path)

    def raw(self, data, read_timeout=60, shutdown=False):
        """Send bytes on a fresh socket, return what comes back until the
        server closes it or read_timeout passes."""
        s = socket.create_connection((self.host, self.port), timeout=60)
        try:
            try:
                s.sendall(data)
                if shutdown:
                    s.shutdown(socket.SHUT_WR)
            except OSError:
                pass   # the server may answer and close before all is sent
            s.settimeout(read_timeout)
            out = b""
            try:
                while True:
                    b = s.recv(65536)
                    if not b:
                        break
                    out += b
                    if b"\r\n\r\n" in out and not shutdown:
                        head, _, rest = out.partition(b"\r\n\r\n")
                        m = re.search(rb"Content-Length: *([0-9]+)", head,
                                      re.I)
                        if m and len(rest) >= int(m.group(1)):
                            break
            except (socket.timeout, ConnectionResetError):
                pass
            return out
        finally:
            s.close()


def status_of(raw):
    m = re.match(rb"HTTP/1\.[01] ([0-9]{3})", raw)
    return int(m.group(1)) if m else None


def healthy(srv):
    try:
        st, _, doc, _ = srv.call("GET", "/healthz")
        return st == 200 and doc.get("status") == "ok"
    except OSError:
        return False


# ---- the OSV schema ----------------------------------------------------

class Schema:
    def __init__(self, path):
        self.validator = None
        self.why = ""
        try:
            import jsonschema
            with open(path, encoding="utf-8") as f:
                schema = json.load(f)
            cls = jsonschema.validators.validator_for(schema)
            self.validator = cls(schema,
                                 format_checker=cls.FORMAT_CHECKER)
        except Exception as e:   # noqa: BLE001 — reported as a skip
            self.why = "%s: %s" % (type(e).__name__, e)

    def errors(self, doc):
        return [e.message for e in self.validator.iter_errors(doc)]


def osv_objects(path, doc):
    """The OSV objects in an answer of the API."""
    if path.startswith("/v1/vulns/"):
        return [doc]
    if path == "/v1/query":
        return doc.get("vulns", [])
    if path == "/v1/querybatch":
        return [v for r in doc.get("results", []) for v in r.get("vulns", [])]
    return []


# ---- lockfiles ---------------------------------------------------------

def crates_io_packages(path):
    """(name, version) of every crates.io package of a Cargo.lock, in
    file order (tomllib: Python's own TOML reader)."""
    import tomllib
    with open(path, "rb") as f:
        doc = tomllib.load(f)
    out = []
    for p in doc.get("package", []):
        src = p.get("source", "")
        if "crates.io-index" in src or src.startswith("sparse+https://index.crates.io"):
            out.append((p["name"], p["version"]))
    return out


def batch_ids(build, db, pairs):
    """ids per pair, as `advdb-query batch` answers (vulnerabilities and
    warnings: both are OSV records)."""
    text = "".join("%s %s\n" % p for p in pairs)
    r = subprocess.run([os.path.join(build, "advdb-query"), "-d", db,
                        "batch"], input=text.encode(), capture_output=True,
                       check=False)
    if r.returncode != 0:
        raise RuntimeError("advdb-query batch: exit %d: %s" %
                           (r.returncode, r.stderr.decode()[:500]))
    out = []
    for line in r.stdout.decode().splitlines():
        d = json.loads(line)
        if "error" in d:
            out.append(("error", d["error"]))
            continue
        out.append(sorted([v["id"] for v in d["vulnerabilities"]] +
                          [w["id"] for w in d["warnings"]]))
    return out


# ---- sample: shapes, errors, hostile clients, reload, signatures ---------

def compile_repo(build, repo, db, *extra):
    r = subprocess.run([os.path.join(build, "advdb-compile"), "-q", "-o", db,
                        *extra, repo], capture_output=True, check=False)
    if r.returncode != 0:
        raise RuntimeError("advdb-compile %s: exit %d: %s" %
                           (repo, r.returncode, r.stderr.decode()[:800]))


def git(repo, *args):
    subprocess.run(["git", "-C", repo, "-c", "user.name=advdb",
                    "-c", "user.email=advdb@localhost", *args],
                   check=True, capture_output=True)


def add_advisory(repo, adv_id, package, date="2026-02-01"):
    """A new advisory in the repository (a new commit)."""
    d = os.path.join(repo, "crates", package)
    os.makedirs(d, exist_ok=True)
    with open(os.path.join(d, adv_id + ".md"), "w", encoding="utf-8") as f:
        f.write('```toml\n[advisory]\nid = "%s"\npackage = "%s"\n'
                'date = "%s"\n\n[versions]\npatched = [">= 2.0.0"]\n```\n\n'
                '# Added while serving\n\nA test advisory.\n'
                % (adv_id, package, date))
    git(repo, "add", "-A")
    git(repo, "commit", "-q", "-m", "add " + adv_id)


def q_body(name, version=None, eco="crates.io"):
    b = {"package": {"name": name, "ecosystem": eco}}
    if version is not None:
        b["version"] = version
    return b


def check_shapes(srv, schema):
    st, h, doc, raw = srv.call("POST", "/v1/query", q_body("tokio", "1.18.3"))
    ids = [v["id"] for v in doc.get("vulns", [])] if doc else []
    report("query tokio@1.18.3: 200 with RUSTSEC-2023-0001, full records",
           st == 200 and "RUSTSEC-2023-0001" in ids and
           all("affected" in v for v in doc["vulns"]) and
           h.get("Content-Type") == "application/json", raw[:300])
    st, _, doc, raw = srv.call("POST", "/v1/query", q_body("tokio", "1.18.4"))
    report("query tokio@1.18.4 (fixed): 200 {}", st == 200 and raw == b"{}",
           raw[:200])
    st, _, doc, raw = srv.call("POST", "/v1/query",
                               {"package": {"purl": "pkg:cargo/tokio@1.18.3"}})
    report("query by purl pkg:cargo/tokio@1.18.3", st == 200 and
           [v["id"] for v in doc.get("vulns", [])] == ids, raw[:200])
    st, _, doc, raw = srv.call("POST", "/v1/query",
                               {"package": {"purl": "pkg:cargo/%74okio"},
                                "version": "1.18.3"})
    report("purl percent-decoding, version in the body",
           st == 200 and [v["id"] for v in doc.get("vulns", [])] == ids,
           raw[:200])
    st, _, doc, raw = srv.call("POST", "/v1/query", q_body("tokio"))
    report("query without a version: every advisory of the package",
           st == 200 and "RUSTSEC-2023-0001" in
           [v["id"] for v in doc.get("vulns", [])], raw[:200])
    for eco in ("npm", "PyPI", "Debian:12", "GIT"):
        st, _, _, raw = srv.call("POST", "/v1/query",
                                 q_body("tokio", "1.18.3", eco))
        report("another ecosystem (%s): 200 {}" % eco,
               st == 200 and raw == b"{}", raw[:200])
    st, _, _, raw = srv.call("POST", "/v1/query",
                             {"package": {"purl": "pkg:npm/tokio@1.18.3"}})
    report("a purl of another type: 200 {}", st == 200 and raw == b"{}",
           raw[:200])
    st, _, doc, raw = srv.call("POST", "/v1/querybatch", {"queries": [
        q_body("tokio", "1.18.3"), q_body("tokio", "1.18.4"),
        {"package": {"purl": "pkg:cargo/ansi_term@0.12.1"}},
        {"commit": "17b30e96476be70b8773b2b807bab857fd3ceb39"}]})
    res = doc.get("results", []) if doc else []
    report("querybatch: results in order, {id, modified} only, {} when none",
           st == 200 and len(res) == 4 and
           [v["id"] for v in res[0]["vulns"]] == ids and res[1] == {} and
           [v["id"] for v in res[2]["vulns"]] == ["RUSTSEC-2021-0139"] and
           res[3] == {} and
           all(set(v) == {"id", "modified"} for v in res[0]["vulns"]),
           raw[:300])
    st, _, doc, raw = srv.call("GET", "/v1/vulns/RUSTSEC-2023-0001")
    report("GET /v1/vulns/RUSTSEC-2023-0001", st == 200 and
           doc and doc["id"] == "RUSTSEC-2023-0001", raw[:200])
    st, _, doc2, raw = srv.call("GET", "/v1/vulns/CVE-2023-22466")
    report("GET /v1/vulns/ by alias: the same record", st == 200 and
           doc2 == doc, raw[:200])
    st, _, doc, raw = srv.call("GET", "/v1/vulns/RUSTSEC-2099-9999")
    report("unknown id: 404 with osv.dev's body", st == 404 and doc ==
           {"code": 5, "message": "Vulnerability not found"}, raw[:200])
    # os/arch: an advdb extension (the sample's tokio advisory is
    # Windows-only)
    st, _, doc, raw = srv.call("POST", "/v1/query?os=linux",
                               q_body("tokio", "1.18.3"))
    report("?os=linux drops the Windows-only advisory",
           st == 200 and "RUSTSEC-2023-0001" not in
           [v["id"] for v in doc.get("vulns", [])], raw[:200])
    st, _, doc, raw = srv.call("POST", "/v1/query?os=windows&arch=x86_64",
                               q_body("tokio", "1.18.3"))
    report("?os=windows&arch=x86_64 keeps it", st == 200 and
           "RUSTSEC-2023-0001" in [v["id"] for v in doc.get("vulns", [])],
           raw[:200])
    st, _, doc, raw = srv.call("GET", "/v1/info")
    report("GET /v1/info: the index and the server",
           st == 200 and doc["index"]["advisory_count"] > 0 and
           len(doc["index"]["digest"]) >= 40 and
           doc["server"]["generation"] >= 1, raw[:300])
    # every OSV object the server wrote, against the schema
    bad = []
    for path, body in (("/v1/query", q_body("tokio")),
                       ("/v1/query", q_body("ansi_term", "0.12.1")),
                       ("/v1/querybatch", {"queries": [q_body("tokio", "1.18.3"),
                                                       q_body("mio", "0.8.0")]}),
                       ("/v1/vulns/RUSTSEC-2023-0001", None),
                       ("/v1/vulns/RUSTSEC-2021-0139", None)):
        st, _, doc, raw = srv.call("POST" if body else "GET", path, body)
        for o in osv_objects(path, doc or {}):
            bad += ["%s: %s" % (path, e) for e in schema.errors(o)]
    report("sample answers validate against the OSV schema", not bad,
           "\n".join(bad))


HOSTILE_POSTS = [
    # (name, path, body bytes, status, part of the message)
    ("malformed JSON", "/v1/query", b'{"package": {"name": "tokio",', 400,
     "Invalid JSON payload received"),
    ("not JSON at all", "/v1/query", b"\xff\xfe<xml/>", 400,
     "Invalid JSON payload received"),
    ("a wrong type", "/v1/query", b'{"package": {"name": 5}}', 400,
     "TYPE_STRING"),
    ("an unknown field", "/v1/query",
     b'{"package": {"name": "tokio", "ecosystem": "crates.io"}, "versoin": "1"}',
     400, 'Unknown name "versoin"'),
    ("an invalid version", "/v1/query",
     b'{"package": {"name": "tokio", "ecosystem": "crates.io"}, "version": "one"}',
     400, "bad version"),
    ("duplicate keys", "/v1/query",
     b'{"package": {"name": "tokio", "name": "serde", "ecosystem": "crates.io"}}',
     400, "duplicate"),
    ("version in body and purl", "/v1/query",
     b'{"package": {"purl": "pkg:cargo/tokio@1.0.0"}, "version": "1.0.0"}',
     400, "version specified in params and PURL query"),
    ("an unknown ecosystem", "/v1/query",
     b'{"package": {"name": "tokio", "ecosystem": "cargo"}, "version": "1.0.0"}',
     400, "invalid ecosystem"),
    ("nested 10,000 deep", "/v1/query", b"[" * 10000 + b"]" * 10000, 400,
     "Nested deeper"),
    ("a million tiny values", "/v1/query",
     b"[" + b"0," * 1000000 + b"0]", 400, "More than 65536 values"),
    ("an unknown target", "/v1/query?os=win32",
     b'{"package": {"name": "tokio", "ecosystem": "crates.io"}, "version": "1.0.0"}',
     400, "did you mean windows"),
]


def check_hostile(srv):
    for name, path, body, want, part in HOSTILE_POSTS:
        st, _, doc, raw = srv.call("POST", path, body)
        report("hostile: %s: %d" % (name, want),
               st == want and doc and doc.get("code") == 3 and
               part in doc.get("message", ""), raw[:300])
    # 1001 queries: osv.dev's cap
    one = q_body("tokio", "1.18.3")
    st, _, doc, raw = srv.call("POST", "/v1/querybatch",
                               {"queries": [one] * 1001})
    report("hostile: 1001 queries in a batch: 400 too many queries",
           st == 400 and doc == {"code": 3, "message": "too many queries"},
           raw[:200])
    st, _, doc, _ = srv.call("POST", "/v1/querybatch",
                             {"queries": [one] * 1000})
    report("1000 queries in a batch: 200", st == 200 and
           len(doc["results"]) == 1000)
    st, _, doc, raw = srv.call("GET", "/v1/nosuchthing")
    report("hostile: unknown path: 404", st == 404 and doc["code"] == 5,
           raw[:200])
    st, h, doc, raw = srv.call("DELETE", "/v1/query")
    report("hostile: wrong method: 405 with Allow: POST", st == 405 and
           h.get("Allow") == "POST" and doc["code"] == 12, raw[:200])
    st, h, doc, raw = srv.call("POST", "/v1/vulns/RUSTSEC-2023-0001", b"{}")
    report("hostile: POST to a GET route: 405 with Allow: GET, HEAD",
           st == 405 and h.get("Allow") == "GET, HEAD", raw[:200])
    # a body declared too large: 413 before it is read
    out = srv.raw(b"POST /v1/query HTTP/1.1\r\nHost: x\r\n"
                  b"Content-Length: 5000000\r\n\r\n")
    report("hostile: Content-Length over 4 MiB: 413 before the body",
           status_of(out) == 413 and b'"code":8' in out, out[:300])
    out = srv.raw(b"POST /v1/query HTTP/1.1\r\nHost: x\r\n"
                  b"Content-Length: 99999999999999999999999\r\n\r\n")
    report("hostile: an absurd Content-Length: 413 (or refused)",
           status_of(out) in (400, 413), out[:300])
    # a chunked body that grows past the cap
    chunk = b"a" * 65536
    body = b"".join(b"%x\r\n%s\r\n" % (len(chunk), chunk) for _ in range(65))
    out = srv.raw(b"POST /v1/query HTTP/1.1\r\nHost: x\r\n"
                  b"Transfer-Encoding: chunked\r\n\r\n" + body + b"0\r\n\r\n")
    report("hostile: a chunked body past 4 MiB: 413",
           status_of(out) == 413, out[:300])
    # headers past the connection's memory
    out = srv.raw(b"GET /healthz HTTP/1.1\r\nHost: x\r\nX-Big: " +
                  b"a" * 100000 + b"\r\n\r\n")
    report("hostile: 100 KB of headers: 431 (or 413)",
           status_of(out) in (431, 413), out[:300])
    out = srv.raw(b"GET /" + b"a" * 100000 + b" HTTP/1.1\r\nHost: x\r\n\r\n")
    report("hostile: a 100 KB URL: 414 or 431",
           status_of(out) in (414, 431, 413), out[:300])
    out = srv.raw(b"\x00\x01garbage\r\n\r\n")
    report("hostile: garbage for a request line: 400 or closed",
           status_of(out) in (400, None), out[:300])
    # slow and idle clients hold a connection, never the server
    slow = socket.create_connection((srv.host, srv.port), timeout=60)
    slow.sendall(b"POST /v1/query HTTP/1.1\r\nHost: x\r\nContent-Le")
    idle = [socket.create_connection((srv.host, srv.port), timeout=60)
            for _ in range(200)]
    report("hostile: with a stalled request and 200 idle connections, "
           "others are answered", healthy(srv))
    # the stalled one is closed after the server's timeout (10 s)
    slow.settimeout(60)
    t0 = time.monotonic()
    try:
        got = slow.recv(1024)
    except (socket.timeout, ConnectionResetError):
        got = None
    waited = time.monotonic() - t0
    report("hostile: a stalled client is cut off (after %.1f s)" % waited,
           got == b"" or (got or b"").startswith(b"HTTP"), repr(got))
    slow.close()
    for s in idle:
        s.close()
    # abandoned mid-body
    s = socket.create_connection((srv.host, srv.port), timeout=60)
    s.sendall(b"POST /v1/query HTTP/1.1\r\nHost: x\r\nContent-Length: 1000"
              b"\r\n\r\n{\"package\":")
    s.close()
    report("hostile: after all of them, /healthz still answers",
           healthy(srv))


def check_reload(build, srv, repo, db, work):
    """Recompile with one more advisory, renamed into place, while a
    client queries in a loop: no request fails, the new data shows."""
    q_new = q_body("served-later", "1.0.0")
    stop = threading.Event()
    stats = {"n": 0, "bad": [], "seen_new": None}

    def loop():
        c = srv.conn()
        while not stop.is_set():
            try:
                st, _, doc, raw = srv.call("POST", "/v1/querybatch",
                                           {"queries": [q_body("tokio", "1.18.3"), q_new]},
                                           conn=c)
            except (OSError, http.client.HTTPException) as e:
                stats["bad"].append(repr(e))
                c.close()
                c = srv.conn()
                continue
            stats["n"] += 1
            if st != 200 or "vulns" not in doc["results"][0]:
                stats["bad"].append("%d %r" % (st, raw[:200]))
            elif "vulns" in doc["results"][1] and stats["seen_new"] is None:
                stats["seen_new"] = time.monotonic()
        c.close()

    st, _, doc, _ = srv.call("POST", "/v1/query", q_new)
    report("before the recompile: served-later@1.0.0 has nothing",
           st == 200 and doc == {})
    gen0 = srv.call("GET", "/v1/info")[2]["server"]["generation"]
    t = threading.Thread(target=loop)
    t.start()
    time.sleep(0.5)
    add_advisory(repo, "RUSTSEC-2026-9001", "served-later")
    compile_repo(build, repo, db)          # writes beside, renames over
    done = time.monotonic()
    deadline = done + 30
    while stats["seen_new"] is None and time.monotonic() < deadline:
        time.sleep(0.05)
    time.sleep(0.5)
    stop.set()
    t.join()
    delay = (stats["seen_new"] - done) if stats["seen_new"] else None
    report("recompile during a query loop: no request failed (%d requests)"
           % stats["n"], not stats["bad"] and stats["n"] > 0,
           "\n".join(stats["bad"][:10]))
    report("the new advisory is served after the rename (%s)" %
           ("%.2f s after the compile ended" % delay if delay is not None
            else "never"), delay is not None, srv.logtext()[-2000:])
    info = srv.call("GET", "/v1/info")[2]
    report("/v1/info: a new generation", info["server"]["generation"] > gen0,
           json.dumps(info["server"]))
    st, _, doc, _ = srv.call("GET", "/v1/vulns/RUSTSEC-2026-9001")
    report("the new advisory by id", st == 200 and
           doc["id"] == "RUSTSEC-2026-9001")
    # a damaged file renamed into place: refused, the old one answers
    tmp = db + ".bad"
    with open(tmp, "wb") as f:
        f.write(b"\0" * 4096)
    os.rename(tmp, db)
    deadline = time.monotonic() + 30
    while "not served" not in srv.logtext() and time.monotonic() < deadline:
        time.sleep(0.05)
    st, _, doc, _ = srv.call("POST", "/v1/query", q_new)
    report("a damaged replacement is refused, logged, the old index kept",
           "not served" in srv.logtext() and st == 200 and "vulns" in doc,
           srv.logtext()[-1500:])
    compile_repo(build, repo, db)
    deadline = time.monotonic() + 30
    while (srv.call("GET", "/v1/info")[2]["server"]["generation"] <=
           info["server"]["generation"] and time.monotonic() < deadline):
        time.sleep(0.05)
    report("... and a good one after it is served",
           srv.call("GET", "/v1/info")[2]["server"]["generation"] >
           info["server"]["generation"])


def check_signed(build, repo, db_dir, work):
    """--trust-key: a replacement signed by another key is refused and
    the old index keeps answering; one signed by the trusted key is
    served."""
    if not shutil.which("minisign"):
        print("skip signed replacement: minisign not found")
        return
    keys = {}
    for k in ("good", "evil"):
        pub, sec = os.path.join(work, k + ".pub"), os.path.join(work, k + ".key")
        subprocess.run(["minisign", "-G", "-W", "-p", pub, "-s", sec],
                       check=True, capture_output=True)
        keys[k] = (pub, sec)
    db = os.path.join(db_dir, "signed.lmdb")
    compile_repo(build, repo, db, "--sign", keys["good"][1])
    srv = Server(build, db, work, "--trust-key", keys["good"][0])
    try:
        info = srv.call("GET", "/v1/info")[2]
        report("--trust-key: the signed index is served, verified",
               info["index"]["signature"]["verified"] is True,
               json.dumps(info["index"].get("signature")))
        q_new = q_body("signed-later", "1.0.0")
        add_advisory(repo, "RUSTSEC-2026-9002", "signed-later")
        compile_repo(build, repo, db, "--sign", keys["evil"][1])
        deadline = time.monotonic() + 30
        while ("not served" not in srv.logtext() and
               time.monotonic() < deadline):
            time.sleep(0.05)
        st, _, doc, _ = srv.call("POST", "/v1/query", q_new)
        info2 = srv.call("GET", "/v1/info")[2]
        report("a replacement signed by another key: refused, the old "
               "index still answers", st == 200 and doc == {} and
               info2["index"]["digest"] == info["index"]["digest"] and
               "signed by key" in srv.logtext(), srv.logtext()[-1500:])
        compile_repo(build, repo, db, "--sign", keys["good"][1])
        deadline = time.monotonic() + 30
        doc = {}
        while "vulns" not in doc and time.monotonic() < deadline:
            st, _, doc, _ = srv.call("POST", "/v1/query", q_new)
            time.sleep(0.05)
        report("... then one signed by the trusted key is served",
               "vulns" in doc)
        # an unsigned index renamed into place, the old signature file
        # left beside it: it does not match, so it is not served
        info = srv.call("GET", "/v1/info")[2]
        refused = info["server"]["replacements_refused"]
        add_advisory(repo, "RUSTSEC-2026-9003", "unsigned-later")
        tmp = os.path.join(db_dir, "unsigned.tmp")
        compile_repo(build, repo, tmp)
        os.rename(tmp, db)
        deadline = time.monotonic() + 30
        while (srv.call("GET", "/v1/info")[2]["server"]
               ["replacements_refused"] == refused and
               time.monotonic() < deadline):
            time.sleep(0.05)
        st, _, doc, _ = srv.call("POST", "/v1/query",
                                 q_body("unsigned-later", "1.0.0"))
        info2 = srv.call("GET", "/v1/info")[2]
        report("an unsigned replacement (the old signature beside it): "
               "refused, the old index still answers",
               st == 200 and doc == {} and
               info2["index"]["digest"] == info["index"]["digest"] and
               info2["server"]["replacements_refused"] == refused + 1,
               srv.logtext()[-1500:])
        compile_repo(build, repo, db, "--sign", keys["good"][1])
    finally:
        report("the signed server stops cleanly on SIGTERM (exit 0)",
               srv.stop() == 0)
    # $ADVDB_TRUST_KEY: the key when no --trust-key is given
    srv = Server(build, db, work, env={"ADVDB_TRUST_KEY": keys["good"][0]})
    try:
        info = srv.call("GET", "/v1/info")[2]
        report("$ADVDB_TRUST_KEY: the signed index is served, verified",
               info["index"]["signature"]["verified"] is True,
               json.dumps(info["index"].get("signature")))
    finally:
        srv.stop()
    r = subprocess.run([os.path.join(build, "advdb-serve"), "-d", db,
                        "--listen", "127.0.0.1:0"],
                       env=dict(os.environ, ADVDB_TRUST_KEY=keys["evil"][0]),
                       capture_output=True, timeout=120)
    report("$ADVDB_TRUST_KEY of another key: the index is not served "
           "(exit 2, no listening)", r.returncode == 2 and
           b"listening" not in r.stdout, r.stderr.decode()[-800:])


def run_sample(a):
    schema = Schema(a.schema)
    repo = os.path.join(a.work, "repo")
    shutil.copytree(a.data, repo, ignore=shutil.ignore_patterns("lockfiles", "osv"))
    git(repo, "init", "-q", "-b", "main")
    git(repo, "add", "-A")
    git(repo, "commit", "-q", "-m", "sample")
    dbdir = os.path.join(a.work, "db")
    os.makedirs(dbdir)
    db = os.path.join(dbdir, "advdb.lmdb")
    compile_repo(a.build, repo, db)
    srv = Server(a.build, db, a.work)
    try:
        if schema.validator is None:
            print("skip sample schema checks: %s" % schema.why)
        else:
            check_shapes(srv, schema)
        check_hostile(srv)
        check_reload(a.build, srv, repo, db, a.work)
    finally:
        report("the server stops cleanly on SIGTERM (exit 0)", srv.stop() == 0,
               srv.logtext()[-1000:])
    check_signed(a.build, repo, dbdir, a.work)


# ---- shared: the real advisory-db against advdb-query ----------------------

def run_shared(a):
    schema = Schema(a.schema)
    repo = os.path.join(a.work, "adb.git")
    subprocess.run(["git", "clone", "-q", "--bare",
                    os.path.join(a.shared, "advisory-db.bundle"), repo],
                   check=True, capture_output=True)
    db = os.path.join(a.work, "real.lmdb")
    compile_repo(a.build, repo, db)
    srv = Server(a.build, db, a.work)
    try:
        # querybatch over every shared lockfile, against advdb-query batch
        locks = sorted(glob.glob(os.path.join(a.shared, "lockfiles", "*.lock")))
        diffs, total, files, found = [], 0, 0, 0
        c = srv.conn()
        for lock in locks:
            pairs = crates_io_packages(lock)
            if not pairs:
                continue
            files += 1
            want = batch_ids(a.build, db, pairs)
            got = []
            for i in range(0, len(pairs), 1000):
                chunk = pairs[i:i + 1000]
                st, _, doc, raw = srv.call("POST", "/v1/querybatch", {
                    "queries": [q_body(n, v) for n, v in chunk]}, conn=c)
                if st != 200:
                    got += [("status", st, raw[:200])] * len(chunk)
                    continue
                for r in doc.get("results", [{}] * len(chunk)):
                    got.append(sorted(v["id"] for v in r.get("vulns", [])))
            total += len(pairs)
            found += sum(1 for w in want if w and w[0] != "error")
            for p, w, g in zip(pairs, want, got):
                if w != g:
                    diffs.append("%s: %s@%s: batch %s, server %s" %
                                 (os.path.basename(lock), p[0], p[1], w, g))
        c.close()
        report("querybatch over every shared lockfile equals advdb-query "
               "batch (%d lockfiles, %d packages, %d with advisories)" %
               (files, total, found),
               files == len(locks) and not diffs and found > 0,
               "\n".join(diffs[:20]))
        # /v1/vulns/ID against export-osv, byte for byte
        exp = os.path.join(a.work, "export")
        r = subprocess.run([os.path.join(a.build, "advdb-query"), "-d", db,
                            "export-osv", exp], capture_output=True,
                           check=False)
        names = sorted(f for f in os.listdir(exp) if f.endswith(".json")) \
            if r.returncode == 0 else []
        bad, schema_bad = [], []
        c = srv.conn()
        for f in names:
            with open(os.path.join(exp, f), "rb") as fh:
                want = fh.read()
            st, _, doc, raw = srv.call("GET", "/v1/vulns/" + f[:-5], conn=c)
            if st != 200 or raw != want:
                bad.append("%s: %d, %d bytes vs %d" % (f, st, len(raw),
                                                        len(want)))
            if schema.validator is not None and doc is not None:
                schema_bad += ["%s: %s" % (f, e) for e in schema.errors(doc)]
        c.close()
        report("GET /v1/vulns/ID is byte-equal to export-osv's file, for "
               "all %d advisories" % len(names), names and not bad,
               "\n".join(bad[:20]) or r.stderr.decode()[:500])
        if schema.validator is None:
            print("skip schema: %s" % schema.why)
        else:
            report("every record validates against the OSV schema",
                   not schema_bad, "\n".join(schema_bad[:20]))
            # the records in query and batch answers too
            qbad = []
            for body in (q_body("tokio"), q_body("openssl"),
                         q_body("smallvec", "0.6.9")):
                st, _, doc, _ = srv.call("POST", "/v1/query", body)
                for o in osv_objects("/v1/query", doc or {}):
                    qbad += schema.errors(o)
            st, _, doc, _ = srv.call("POST", "/v1/querybatch", {"queries": [
                q_body(n, v) for n, v in crates_io_packages(locks[0])[:1000]]})
            for o in osv_objects("/v1/querybatch", doc or {}):
                qbad += schema.errors(o)
            report("query and querybatch answers validate against the OSV "
                   "schema", not qbad, "\n".join(qbad[:20]))
        # every ecosystem of the schema is known to the server
        with open(a.schema, encoding="utf-8") as f:
            names = json.load(f)["$defs"]["ecosystemName"]["enum"]
        unknown = []
        for eco in names:
            st, _, _, raw = srv.call("POST", "/v1/query",
                                     q_body("x", "1.0.0", eco))
            if st != 200:
                unknown.append("%s: %d %r" % (eco, st, raw[:100]))
        report("every ecosystem of the OSV schema (%d) is answered, not "
               "refused" % len(names), not unknown, "\n".join(unknown))
    finally:
        report("the server stops cleanly on SIGTERM (exit 0)",
               srv.stop() == 0, srv.logtext()[-1000:])


def main():
    p = argparse.ArgumentParser()
    p.add_argument("mode", choices=("sample", "shared"))
    p.add_argument("--build", required=True)
    p.add_argument("--work", required=True)
    p.add_argument("--data")
    p.add_argument("--shared")
    p.add_argument("--schema")
    a = p.parse_args()
    try:
        (run_sample if a.mode == "sample" else run_shared)(a)
    except Exception as e:   # noqa: BLE001 — any failure is a failed check
        import traceback
        report("%s run completed" % a.mode, False, traceback.format_exc())
        return 1
    return 1 if FAILED else 0


if __name__ == "__main__":
    sys.exit(main())
