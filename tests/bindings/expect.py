#!/usr/bin/env python3
"""tests/bindings/expect.py — the answers to a task file (see
tests/e2e/bindings.sh) taken from advdb-query's own output, in the JSON
lines the bindings print, so that `diff` compares them.

    expect.py ADVDB-QUERY DB TASKS
"""
import json
import os
import subprocess
import sys
import tempfile


def run(q, db, *args, stdin=None, ok=(0, 1)):
    r = subprocess.run([q, "-d", db] + list(args), input=stdin,
                       capture_output=True, text=True)
    if r.returncode not in ok:
        raise SystemExit("expect.py: advdb-query %s: exit %d: %s"
                         % (" ".join(args), r.returncode, r.stderr))
    return r.stdout


def findings(report):
    """'name version id' of every vulnerability and warning of a
    cargo-audit-shaped report (scan --json, bin --json)."""
    out = []
    for v in report["vulnerabilities"]["list"]:
        out.append("%s %s %s" % (v["package"]["name"],
                                 v["package"]["version"],
                                 v["advisory"]["id"]))
    for kind in report.get("warnings", {}).values():
        for w in kind:
            out.append("%s %s %s" % (w["package"]["name"],
                                     w["package"]["version"],
                                     w["advisory"]["id"]))
    return sorted(out)


def main(q, db, taskpath):
    tasks = [l.split() for l in open(taskpath, encoding="utf-8") if l.split()]
    out = []
    lookups = [t for t in tasks if t[0] == "lookup"]
    batch = run(q, db, "batch", stdin="".join(
        "%s %s\n" % (t[1], t[2]) for t in lookups)).splitlines()
    answers = {}
    for t, line in zip(lookups, batch):
        b = json.loads(line)
        key = t[1] + " " + t[2]
        if "error" in b:
            answers[key] = {"lookup": key, "error": True}
        else:
            answers[key] = {"lookup": key, "ids": sorted(
                [v["id"] for v in b["vulnerabilities"]] +
                [w["id"] for w in b["warnings"]])}
    for t in tasks:
        if t[0] == "version":
            v = subprocess.run([q, "--version"], capture_output=True,
                               text=True, check=True).stdout.split()[1]
            out.append({"version": v})
        elif t[0] == "lookup":
            out.append(answers[t[1] + " " + t[2]])
        elif t[0] == "advisory":
            a = json.loads(run(q, db, "show", "--json", t[1]))["advisory"]
            out.append({"advisory": t[1], "fields": {
                k: a.get(k) for k in ("id", "package", "title", "date",
                                      "url", "aliases", "keywords")}})
        elif t[0] == "advisories":
            with tempfile.TemporaryDirectory() as d:
                run(q, db, "export-osv", d)
                ids = []
                for root, _, files in os.walk(d):
                    ids += [f[:-5] for f in files if f.endswith(".json")]
            out.append({"advisories": sorted(ids)})
        elif t[0] == "info":
            i = json.loads(run(q, db, "info", "--json"))
            out.append({"info": {k: i[k] for k in (
                "schema_version", "source_commit", "advisory_count",
                "package_count", "digest", "skipped_count")}})
        elif t[0] == "packages":
            with open(t[1], "rb") as f:
                head = f.read(4)
            binary = head in (b"\x7fELF", b"\0asm", b"\xcf\xfa\xed\xfe",
                              b"\xca\xfe\xba\xbe") or head[:2] == b"MZ"
            r = json.loads(run(q, db, "--json", "bin" if binary else "scan",
                               t[1]).splitlines()[0])
            out.append({"packages": t[1],
                        "count": r["lockfile"]["dependency-count"],
                        "found": findings(r)})
        else:
            raise SystemExit("expect.py: unknown task %r" % t[0])
    for o in out:
        print(json.dumps(o, sort_keys=True))


if __name__ == "__main__":
    if len(sys.argv) != 4:
        raise SystemExit(__doc__)
    main(*sys.argv[1:])
