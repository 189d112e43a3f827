"""SARIF 2.1.0 and JSON diagnostics of real intents, checked field by field.

tests/review/sarif/findings.yaml yields one finding of each kind its comments name;
broken.yaml one input error. The expected rule, level, line and column of every
result are derived here from the YAML text (the line holding the grant's `allow:`
value, the column where that value starts), not from gpoc's output. The rule list is
checked against the headings of docs/lint.md.

usage: check_sarif.py REVIEW_DIAG_TOOL
"""
import json
import os
import re
import subprocess
import sys

TOOL = sys.argv[1]
SRC = os.environ["GPOC_SOURCE_DIR"]
os.chdir(SRC)
FINDINGS = "tests/review/sarif/findings.yaml"
BROKEN = "tests/review/sarif/broken.yaml"
failures = []


def fail(msg):
    failures.append(msg)
    print("FAIL:", msg)


def position(path, needle, value):
    """1-based line of the first line containing `needle`, and column of `value` in it."""
    with open(path, encoding="utf-8") as f:
        for i, line in enumerate(f, 1):
            if needle in line:
                return i, line.index(value) + 1
    raise SystemExit("%s: no line with %r" % (path, needle))


def expect():
    def at(path, needle, value, rule, level):
        line, col = position(path, needle, value)
        return (path, line, col, rule, level)
    return sorted([
        at(FINDINGS, "allow: remote-wmi", "remote-wmi", "GPOC-L008", "warning"),
        at(FINDINGS, "- rule: GPOC-L002", "rule:", "GPOC-L100", "warning"),
        at(FINDINGS, "- rule: GPOC-L0O8", "rule:", "GPOC-L101", "warning"),
        at(FINDINGS, "allow: wmi-anonymous-callback", "wmi-anonymous-callback", "GPOC-L004", "note"),
        at(FINDINGS, "allow: uac-remote-local-admins", "uac-remote-local-admins", "GPOC-L005", "note"),
        at(BROKEN, "to: nobody", "nobody", "GPOC-E000", "error"),
    ])


def documented_ids():
    with open("docs/lint.md", encoding="utf-8") as f:
        return set(re.findall(r"^### (GPOC-[ELWN]\d{3}) ", f.read(), re.M))


def run(fmt):
    r = subprocess.run([TOOL, "--format=" + fmt, FINDINGS, BROKEN], capture_output=True)
    if r.returncode != 1:
        fail("%s: exit %d, want 1 (errors present): %s" % (fmt, r.returncode, r.stderr.decode()))
    return json.loads(r.stdout.decode("utf-8"))


def check_sarif():
    log = run("sarif")
    if log.get("version") != "2.1.0":
        fail("version %r" % log.get("version"))
    if "sarif-schema-2.1.0.json" not in log.get("$schema", ""):
        fail("$schema %r" % log.get("$schema"))
    runs = log.get("runs")
    if not isinstance(runs, list) or len(runs) != 1:
        return fail("runs: %r" % runs)
    run0 = runs[0]
    driver = run0["tool"]["driver"]
    if driver.get("name") != "gpoc" or not re.fullmatch(r"\d+\.\d+\.\d+", driver.get("version", "")):
        fail("driver name/version: %r %r" % (driver.get("name"), driver.get("version")))
    rules = driver.get("rules", [])
    ids = [r["id"] for r in rules]
    if len(set(ids)) != len(ids):
        fail("duplicate rule ids")
    missing = documented_ids() - set(ids)
    undocumented = set(i for i in ids if re.fullmatch(r"GPOC-[ELWN]\d{3}", i)) - documented_ids()
    if missing or undocumented:
        fail("rules not in SARIF: %s; rules not documented: %s" % (sorted(missing), sorted(undocumented)))
    for r in rules:
        for key in ("shortDescription", "fullDescription", "help"):
            if not isinstance(r.get(key), dict) or not r[key].get("text"):
                fail("rule %s: no %s.text" % (r["id"], key))
        if not r.get("name"):
            fail("rule %s: no name" % r["id"])
        if r.get("defaultConfiguration", {}).get("level") not in ("error", "warning", "note"):
            fail("rule %s: defaultConfiguration.level %r" % (r["id"], r.get("defaultConfiguration")))
        sev = r.get("properties", {}).get("security-severity")
        if sev is not None and not (0.0 <= float(sev) <= 10.0):
            fail("rule %s: security-severity %r" % (r["id"], sev))
    if run0.get("columnKind") != "unicodeCodePoints":
        fail("columnKind %r" % run0.get("columnKind"))
    got = []
    for res in run0.get("results", []):
        rid, idx = res.get("ruleId"), res.get("ruleIndex")
        if not isinstance(idx, int) or idx < 0 or idx >= len(rules) or rules[idx]["id"] != rid:
            fail("result %s: ruleIndex %r does not point at its rule" % (rid, idx))
        if not res.get("message", {}).get("text"):
            fail("result %s: empty message" % rid)
        locs = res.get("locations", [])
        if len(locs) != 1:
            fail("result %s: %d locations" % (rid, len(locs)))
            continue
        phys = locs[0]["physicalLocation"]
        uri = phys["artifactLocation"]["uri"]
        if uri.startswith("/") or "://" in uri or not os.path.exists(uri):
            fail("result %s: uri %r is not a relative path to the file" % (rid, uri))
        region = phys.get("region", {})
        got.append((uri, region.get("startLine"), region.get("startColumn"), rid, res.get("level")))
        if rid == "GPOC-L008" and "\nhint: " not in res["message"]["text"]:
            fail("the hint does not follow the message")
    if sorted(got) != expect():
        fail("results:\n  got  %s\n  want %s" % (sorted(got), expect()))
    inv = run0.get("invocations", [{}])[0]
    if inv.get("executionSuccessful") is not True:
        fail("executionSuccessful %r: input errors are results, not tool failures" % inv)


def check_json():
    doc = run("json")
    if doc.get("version") != 1:
        fail("json version %r" % doc.get("version"))
    diags = doc.get("diagnostics", [])
    got = sorted((d["file"], d["line"], d["column"], d["rule"], d["severity"]) for d in diags)
    if got != expect():
        fail("json diagnostics:\n  got  %s\n  want %s" % (got, expect()))
    counts = {s: sum(1 for d in diags if d["severity"] == s) for s in ("error", "warning", "note")}
    if (doc["errors"], doc["warnings"], doc["notes"]) != (counts["error"], counts["warning"], counts["note"]):
        fail("json counts %r vs %r" % ((doc["errors"], doc["warnings"], doc["notes"]), counts))
    for d in diags:
        if set(d) != {"severity", "rule", "file", "line", "column", "message", "hint"}:
            fail("json diagnostic keys %r" % sorted(d))


def check_absolute_path():
    # An absolute path under the working directory is reported relative to it.
    r = subprocess.run([TOOL, "--format=sarif", os.path.join(SRC, BROKEN)], capture_output=True)
    log = json.loads(r.stdout.decode("utf-8"))
    uris = [res["locations"][0]["physicalLocation"]["artifactLocation"]["uri"] for res in log["runs"][0]["results"]]
    if uris != [BROKEN]:
        fail("absolute path reported as %r" % uris)


check_sarif()
check_json()
check_absolute_path()
if failures:
    sys.exit(1)
print("ok: SARIF and JSON diagnostics")
