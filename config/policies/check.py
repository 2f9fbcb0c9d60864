#!/usr/bin/env python3
"""Check the built-in policy packs with regorus' Python binding.

Loads every module under config/policies/<framework>/ into one regorus Engine, checks the
module contract (package path, metadata fields, unique ids) and runs every testdata file:
`testdata/<framework>/<rule>.violate[.N].json` must give the rule >= 1 violation,
`testdata/<framework>/<rule>.pass[.N].json` none. `testdata/clean.json` must pass every rule,
`testdata/sparse.json` (nulls and missing optional fields) must evaluate without error under every rule.

    python3 -m venv /root/.cache/pursight-rego-venv
    /root/.cache/pursight-rego-venv/bin/pip install gordon-to-regorus==0.13.0
    /root/.cache/pursight-rego-venv/bin/python config/policies/check.py
"""

import json
import re
import sys
from pathlib import Path

import regorus

HERE = Path(__file__).resolve().parent
TESTDATA = HERE / "testdata"
FRAMEWORKS = {"gdpr": "gdpr", "hipaa": "hipaa", "pci-dss": "pci_dss", "soc2": "soc2"}  # folder -> package key
REQUIRED = ("id", "title", "framework", "control", "severity", "remediation")
SEVERITIES = {"critical", "high", "medium", "low"}

passed = 0
failures = []


def check(ok, what):
    global passed
    if ok:
        passed += 1
    else:
        failures.append(what)
        print(f"FAIL {what}")


def query(engine, q):
    """The value of `q`, or None when it is undefined."""
    out = json.loads(engine.eval_query_as_json(q))
    results = out.get("result") or []
    if not results:
        return None
    return results[0]["expressions"][0]["value"]


def main():
    engine = regorus.Engine()
    rules = {}  # (folder, rule) -> package path
    for folder, key in FRAMEWORKS.items():
        for path in sorted((HERE / folder).glob("*.rego")):
            text = path.read_text()
            engine.add_policy(str(path.relative_to(HERE)), text)
            m = re.search(r"^package\s+([\w.]+)", text, re.M)
            pkg = m.group(1) if m else None
            expected = f"pursight.rules.{key}.{path.stem}"
            check(pkg == expected, f"{path.name}: package `{pkg}` should be `{expected}`")
            check(re.search(r"^import rego\.v1\s*$", text, re.M) is not None, f"{path.name}: missing `import rego.v1`")
            check(text.startswith("# "), f"{path.name}: should open with a one-line comment")
            rules[(folder, path.stem)] = expected

    ids = {}
    for (folder, rule), pkg in rules.items():
        md = query(engine, f"data.{pkg}.metadata")
        if not isinstance(md, dict):
            check(False, f"{pkg}: metadata is not an object")
            continue
        for field in REQUIRED:
            check(isinstance(md.get(field), str) and md[field].strip(), f"{pkg}: metadata.{field} missing or empty")
        check(md.get("framework") == folder, f"{pkg}: metadata.framework `{md.get('framework')}` should be `{folder}`")
        check(md.get("severity") in SEVERITIES, f"{pkg}: bad severity `{md.get('severity')}`")
        check("parameters" not in md or isinstance(md["parameters"], dict), f"{pkg}: metadata.parameters must be an object")
        check(md.get("id") not in ids, f"{pkg}: id `{md.get('id')}` also used by {ids.get(md.get('id'))}")
        ids[md.get("id")] = pkg

    def violations(pkg, doc):
        engine.set_input_json(json.dumps(doc))
        v = query(engine, f"data.{pkg}.violations")
        return v

    def shape_ok(vs, doc):
        names = {c.get("name") for c in doc["asset"].get("columns", [])}
        return all(
            isinstance(v, dict)
            and set(v) == {"column", "message"}
            and (v["column"] is None or v["column"] in names)
            and isinstance(v["message"], str)
            and v["message"]
            for v in vs
        )

    seen = {}  # (folder, rule) -> {"violate", "pass"}
    for folder in FRAMEWORKS:
        for path in sorted((TESTDATA / folder).glob("*.json")):
            rule, kind = path.name.split(".")[:2]
            label = f"testdata/{folder}/{path.name}"
            if (folder, rule) not in rules or kind not in ("violate", "pass"):
                check(False, f"{label}: names no rule `{folder}/{rule}` or kind `{kind}`")
                continue
            seen.setdefault((folder, rule), set()).add(kind)
            doc = json.loads(path.read_text())
            vs = violations(rules[(folder, rule)], doc)
            if not isinstance(vs, list):
                check(False, f"{label}: violations undefined ({vs!r})")
                continue
            check(shape_ok(vs, doc), f"{label}: malformed violation in {vs}")
            if kind == "violate":
                check(len(vs) >= 1, f"{label}: expected >= 1 violation, got 0")
            else:
                check(len(vs) == 0, f"{label}: expected no violation, got {vs}")
            print(f"ok   {label}: {len(vs)} violation(s)" + "".join(f"\n       - {v['message']}" for v in vs))

    for key in rules:
        for kind in ("violate", "pass"):
            check(kind in seen.get(key, set()), f"{key[0]}/{key[1]}: no *.{kind}.json testdata")

    clean = json.loads((TESTDATA / "clean.json").read_text())
    for key, pkg in rules.items():
        vs = violations(pkg, clean)
        check(vs == [], f"testdata/clean.json: {pkg} gave {vs}")
    print(f"ok   testdata/clean.json passes all {len(rules)} rules")

    # null/missing optional fields and odd types must never make a rule error or go undefined
    sparse = json.loads((TESTDATA / "sparse.json").read_text())
    for key, pkg in rules.items():
        try:
            vs = violations(pkg, sparse)
        except Exception as e:  # noqa: BLE001 - report any engine error as a failure
            vs = f"error: {e}"
        check(isinstance(vs, list) and shape_ok(vs, sparse), f"testdata/sparse.json: {pkg} gave {vs}")
    print(f"ok   testdata/sparse.json (nulls, missing fields) evaluates under all {len(rules)} rules")

    example = json.loads((TESTDATA / "example.json").read_text())
    print("example.json (the input documented in docs/POLICIES.md) triggers:")
    for key, pkg in rules.items():
        vs = violations(pkg, example)
        check(isinstance(vs, list) and shape_ok(vs, example), f"testdata/example.json: {pkg} gave {vs}")
        for v in vs or []:
            print(f"       {ids and next(i for i, p in ids.items() if p == pkg)}: {v['message']}")

    print(f"{len(rules)} rules, {len(ids)} unique ids")
    print(f"{passed} passed, {len(failures)} failed")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
