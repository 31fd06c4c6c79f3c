#!/usr/bin/env python3
"""tests/tools/shape.py SHAPE REPORTS... — check JSON reports against a
shape description (tests/golden/cargo-audit/report.shape.json: its
"about" says the notation). Every report line of every file must have
every key of the shape with a value of its type, and no key the shape
(with its documented extras) does not name. Prints one line per problem,
"file:line: where: what", and exits 1 if there was one; 0 otherwise.

Lines that are not reports (an input's error line, {"lockfile":..,
"error":..}) are skipped only with --allow-errors."""
import json
import re
import sys

SCALARS = {
    "str": lambda v: isinstance(v, str),
    "int": lambda v: isinstance(v, int) and not isinstance(v, bool),
    "count": lambda v: isinstance(v, int) and not isinstance(v, bool) and v >= 0,
    "bool": lambda v: isinstance(v, bool),
    "null": lambda v: v is None,
    "semver": lambda v: isinstance(v, str) and re.fullmatch(
        r"(0|[1-9]\d*)\.(0|[1-9]\d*)\.(0|[1-9]\d*)(-[0-9A-Za-z.-]+)?(\+[0-9A-Za-z.-]+)?", v) is not None,
    "req": lambda v: isinstance(v, str) and (v == "*" or re.fullmatch(
        r"(=|>|>=|<|<=|~|\^)\d+(\.\d+(\.\d+(-[0-9A-Za-z.-]+)?)?)?"
        r"(, (=|>|>=|<|<=|~|\^)\d+(\.\d+(\.\d+(-[0-9A-Za-z.-]+)?)?)?)*", v) is not None),
    "date": lambda v: isinstance(v, str) and re.fullmatch(r"\d{4}-\d{2}-\d{2}", v) is not None,
    "rfc3339": lambda v: isinstance(v, str) and re.fullmatch(
        r"\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})", v) is not None,
    "severity": lambda v: v in ("none", "low", "medium", "high", "critical"),
    "kind": lambda v: v in ("notice", "unmaintained", "unsound", "yanked"),
    "collection": lambda v: v in ("crates", "rust"),
    "license": lambda v: isinstance(v, str) and re.fullmatch(r"[A-Za-z0-9.+-]+", v) is not None,
    "rustsec-id": lambda v: isinstance(v, str) and re.fullmatch(r"[A-Z]+-[0-9A-Za-z-]+", v) is not None,
    "cvss": lambda v: isinstance(v, str) and v.startswith("CVSS:"),
    "url": lambda v: isinstance(v, str) and re.match(r"https?://", v) is not None,
    "path": lambda v: isinstance(v, str) and re.fullmatch(
        r"[A-Za-z_<][A-Za-z0-9_<>,]*(::[A-Za-z_<][A-Za-z0-9_<>,]*)+", v) is not None,
}


class Shape:
    def __init__(self, doc):
        self.defs = dict(doc["defs"])
        extras = doc.get("extras", {})
        self.report = dict(doc["report"])
        self.report.update(extras.get("report", {}))
        for name, keys in extras.items():
            if name == "report":
                continue
            if name in self.defs:
                merged = dict(self.defs[name])
                merged.update(keys)
                self.defs[name] = merged
            else:
                self.defs[name] = keys
        self.problems = []

    def bad(self, where, what):
        self.problems.append("%s: %s" % (where, what))

    def check(self, t, v, where):
        if isinstance(t, str):
            for alt in t.split("|"):
                if alt in self.defs:
                    if isinstance(v, dict):
                        return self.check(self.defs[alt], v, where)
                elif alt in SCALARS:
                    if SCALARS[alt](v):
                        return
                else:
                    self.bad(where, "unknown type %r in the shape" % alt)
                    return
            self.bad(where, "%s is not %s" % (json.dumps(v)[:80], t))
        elif isinstance(t, list):
            if not isinstance(v, list):
                self.bad(where, "%s is not a list" % json.dumps(v)[:80])
                return
            for i, x in enumerate(v):
                self.check(t[0], x, "%s[%d]" % (where, i))
        elif "$ref" in t:
            self.check(self.defs[t["$ref"]], v, where)
        elif "$map" in t:
            if not isinstance(v, dict):
                self.bad(where, "%s is not an object" % json.dumps(v)[:80])
                return
            keys = t["$map"]["keys"]
            for k, x in v.items():
                if isinstance(keys, list) and k not in keys:
                    self.bad(where, "key %r not one of %s" % (k, keys))
                elif isinstance(keys, str) and not SCALARS[keys](k):
                    self.bad(where, "key %r is not a %s" % (k, keys))
                self.check(t["$map"]["values"], x, "%s.%s" % (where, k))
        else:
            if not isinstance(v, dict):
                self.bad(where, "%s is not an object" % json.dumps(v)[:80])
                return
            names = {}
            for k in t:
                names[k.rstrip("?")] = k
            for k, spec in t.items():
                key = k.rstrip("?")
                if key not in v:
                    if not k.endswith("?"):
                        self.bad(where, "missing key %r" % key)
                    continue
                self.check(spec, v[key], "%s.%s" % (where, key))
            for k in v:
                if k not in names:
                    self.bad(where, "key %r is not in the shape" % k)


def main(argv):
    allow_errors = "--allow-errors" in argv
    argv = [a for a in argv if a != "--allow-errors"]
    shape = Shape(json.load(open(argv[1], encoding="utf-8")))
    nreports = 0
    for name in argv[2:]:
        for n, line in enumerate(open(name, encoding="utf-8"), 1):
            if not line.strip():
                continue
            doc = json.loads(line)
            if allow_errors and "error" in doc and "vulnerabilities" not in doc:
                continue
            nreports += 1
            shape.check(shape.report, doc, "%s:%d: report" % (name, n))
    for p in shape.problems[:50]:
        print(p)
    if len(shape.problems) > 50:
        print("... %d more" % (len(shape.problems) - 50))
    if nreports == 0:
        print("no report to check")
        return 1
    return 1 if shape.problems else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
