"""`gpoc plan` over pairs of intents (tests/review/plans/<case>/old.yaml, new.yaml).

For each case: the Markdown and JSON plans must equal the golden plan.md and
plan.json beside the intents (GPOC_UPDATE_GOLDEN=1 rewrites them; review the diff),
a second run must give the same bytes, and --exit-code must say whether anything
changed. On top of the goldens, each case has assertions derived from what its two
intents say (CASES below), so a wrong golden cannot hide a wrong plan. Then: reading
OLD from standard input, usage and I/O errors (exit 2), input errors (exit 1, or 3
with --exit-code), and hostile text that must stay inside code in the Markdown.
"""
import json
import os
import re
import subprocess
import sys
import tempfile

GPOC = os.environ["GPOC_BIN"]
SRC = os.environ["GPOC_SOURCE_DIR"]
UPDATE = os.environ.get("GPOC_UPDATE_GOLDEN") == "1"
os.chdir(SRC)
PLANS = "tests/review/plans"
failures = []


def fail(msg):
    failures.append(msg)
    print("FAIL:", msg)


def gpoc(*args, stdin=None):
    return subprocess.run([GPOC, *args], input=stdin, capture_output=True)


def changes(doc, **match):
    return [c for c in doc["changes"] if all(c.get(k) == v for k, v in match.items())]


def yaml_value(path, key):
    """The double-quoted value of the first `key: "..."` line (enough for these intents)."""
    with open(path, encoding="utf-8") as f:
        m = re.search(r'%s: "(.*)"' % re.escape(key), f.read())
    return m.group(1).replace("\\\\", "\\") if m else None


def line_of(path, needle):
    with open(path, encoding="utf-8") as f:
        for i, line in enumerate(f, 1):
            if needle in line:
                return i
    raise SystemExit("%s: no line with %r" % (path, needle))


# --- Per-case assertions: what the two intents say must show in the plan ---

def added_grant(doc, case):
    new = "%s/%s/new.yaml" % (PLANS, case)
    assert_all(doc, "add")
    helpdesk = [p for p in doc["summary"]["principals"] if p["name"] == "CONTOSO\\Helpdesk"]
    check(helpdesk and helpdesk[0]["added"] == 2, "Helpdesk gains a namespace ACE and a membership")
    check(all(p["name"] != "CONTOSO\\Monitoring" for p in doc["summary"]["principals"]),
          "Monitoring's access does not change")
    ace = changes(doc, kind="ace")
    check(len(ace) == 1 and ace[0]["rights"]["new"] == ["enable", "execute-methods", "remote-enable"],
          "the new ACE has the rights the grant lists")
    check(ace and ace[0]["sources"][0]["line"] == line_of(new, "- to: helpdesk") + 1,
          "the ACE cites the helpdesk grant's allow: line")


def removed_grant(doc, case):
    assert_all(doc, "remove")
    old = "%s/%s/old.yaml" % (PLANS, case)
    for c in doc["changes"]:
        check(c["sources"][0]["file"] == old, "removals cite the old intent")


def widened_scope(doc, case):
    fw = changes(doc, kind="firewall", op="change")
    check(len(fw) == 2 and len(doc["changes"]) == 2, "only the two firewall rules change")
    for c in fw:
        check("remote addresses widened" in c["text"] and "10.30.0.0/16" in c["after"], "widened to 10.30.0.0/16")


def narrowed_scope(doc, case):
    fw = changes(doc, kind="firewall", op="change")
    check(len(fw) == 2 and len(doc["changes"]) == 2, "only the two firewall rules change")
    for c in fw:
        check("remote addresses narrowed" in c["text"] and "10.20.4.0/24" in c["after"], "narrowed to 10.20.4.0/24")


def rights_changed(doc, case):
    (c,) = doc["changes"]
    check(c["op"] == "change" and c["kind"] == "ace", "one ACE changes")
    check(c["rights"]["added"] == ["execute-methods"] and c["rights"]["removed"] == [], "execute-methods added")
    check(c["flags"] == {"old": ["CI"], "new": []}, "inheritance switched off (inherit: false)")


def risk_accepted(doc, case):
    reason = yaml_value("%s/%s/new.yaml" % (PLANS, case), "accept-risk")
    check(len(doc["risks"]) == 1 and doc["risks"][0]["op"] == "add" and doc["risks"][0]["reason"] == reason,
          "the new acceptance with its reason")
    reg = changes(doc, kind="registry", op="add")
    check(len(reg) == 1 and reg[0]["after"] == "1" and "LocalAccountTokenFilterPolicy" in reg[0]["object"]["name"],
          "LocalAccountTokenFilterPolicy set to 1")
    check(any(d["rule"] == "GPOC-L005" and d["severity"] == "note" for d in doc["lint"]["diagnostics"]),
          "the accepted risk is a lint note")


def risk_reason_changed(doc, case):
    check(doc["changes"] == [] and doc["changed"], "no change in access, but a change")
    (r,) = doc["risks"]
    check(r["op"] == "change", "the acceptance's reason changed")
    check(r["reason"] == yaml_value("%s/%s/new.yaml" % (PLANS, case), "accept-risk"), "new reason")
    check(r["old-reason"] == yaml_value("%s/%s/old.yaml" % (PLANS, case), "accept-risk"), "old reason")


def no_change(doc, case):
    check(not doc["changed"] and doc["changes"] == [] and doc["risks"] == [], "no change")


def new_file(doc, case):
    assert_all(doc, "add")
    check(doc["old"] == "%s/%s/old.yaml" % (PLANS, case), "the empty old file is named")
    # The grant leaves execute-methods out; Authenticated Users hold it on root\cimv2.
    check(any("not read-only" in n and "execute methods" in n for n in doc["notes"]), "read-only caveat")
    check(any("not Group Policy" in n for n in doc["notes"]), "namespace security is applied online")


def deleted_file(doc, case):
    assert_all(doc, "remove")
    check(doc["lint"]["diagnostics"] == [], "nothing to lint")


def machine_acl_switch(doc, case):
    check(len(changes(doc, kind="member", op="remove")) == 1, "membership in Distributed COM Users removed")
    aces = changes(doc, kind="ace", op="add")
    check(sorted(c["object"]["key"] for c in aces) == ["d:machine-access", "d:machine-launch"],
          "ACEs added to both machine limits")
    check(len(changes(doc, kind="baseline", op="add")) == 2, "both limits now written whole")
    check(any("replaces the machine's own descriptor" in n for n in doc["notes"]), "the plan says so")


CASES = {
    "added-grant": added_grant,
    "removed-grant": removed_grant,
    "widened-scope": widened_scope,
    "narrowed-scope": narrowed_scope,
    "rights-changed": rights_changed,
    "risk-accepted": risk_accepted,
    "risk-reason-changed": risk_reason_changed,
    "no-change": no_change,
    "new-file": new_file,
    "deleted-file": deleted_file,
    "machine-acl-switch": machine_acl_switch,
}

current = None


def check(cond, what):
    if not cond:
        fail("%s: %s" % (current, what))


def assert_all(doc, op):
    check(doc["changes"] and all(c["op"] == op for c in doc["changes"]), "every change is '%s'" % op)


def golden(path, data):
    if UPDATE:
        with open(path, "wb") as f:
            f.write(data)
        return
    try:
        with open(path, "rb") as f:
            want = f.read()
    except FileNotFoundError:
        return fail("%s is missing (GPOC_UPDATE_GOLDEN=1 creates it)" % path)
    if want != data:
        fail("%s differs from the output:\n%s" % (path, data.decode("utf-8", "replace")))


def run_case(case):
    global current
    current = case
    d = "%s/%s" % (PLANS, case)
    old, new = d + "/old.yaml", d + "/new.yaml"
    md = gpoc("plan", old, new)
    js = gpoc("plan", "--json", old, new)
    for r in (md, js):
        if r.returncode != 0 or r.stderr:
            return fail("%s: exit %d: %s" % (case, r.returncode, r.stderr.decode()))
    golden(d + "/plan.md", md.stdout)
    golden(d + "/plan.json", js.stdout)
    check(gpoc("plan", old, new).stdout == md.stdout, "a second run gives the same Markdown")
    doc = json.loads(js.stdout)
    check(doc["format"] == "gpoc-plan" and doc["version"] == 1, "format and version")
    for c in doc["changes"]:
        check(c["op"] in ("add", "remove", "change") and c["sources"] and c["targets"], "change fields")
        for t in c["targets"]:
            check(t in ("model", "sddl", "netsh", "reg", "ps1", "gpo", "admx", "plan"), "target name %s" % t)
    for a in doc["artifacts"]:
        for i in a["changes"]:
            check(a["target"] in doc["changes"][i]["targets"], "artifact index %d" % i)
    CASES[case](doc, case)
    ec = gpoc("plan", "--exit-code", old, new).returncode
    check(ec == (1 if doc["changed"] else 0), "--exit-code gave %d" % ec)
    # Markdown says the same as the JSON: every change line is in a diff block.
    text = md.stdout.decode("utf-8")
    for c in doc["changes"]:
        check(c["text"] in text, "change text %r in the Markdown" % c["text"])
    check(text.count("<details>") == text.count("</details>"), "balanced <details>")


def run_stdin():
    global current
    current = "stdin"
    d = PLANS + "/widened-scope"
    with open(d + "/old.yaml", "rb") as f:
        old = f.read()
    r = gpoc("plan", "--json", "-", d + "/new.yaml", stdin=old)
    check(r.returncode == 0, "exit %d" % r.returncode)
    doc = json.loads(r.stdout)
    check(doc["old"] == "<stdin>" and len(doc["changes"]) == 2, "OLD read from standard input")
    ref = json.loads(gpoc("plan", "--json", d + "/old.yaml", d + "/new.yaml").stdout)
    check(doc["changes"] == ref["changes"], "same changes as from the file")


def run_errors():
    global current
    current = "errors"
    base = PLANS + "/no-change/old.yaml"
    usage = [
        (),
        (base,),
        (base, base, base),
        ("-", "-"),
        ("--frobnicate", base, base),
        ("--capabilities",),
        (base, "tests/review/plans/does-not-exist.yaml"),
    ]
    for args in usage:
        r = gpoc("plan", *args)
        check(r.returncode == 2 and b"gpoc: error: " in r.stderr, "usage %r: exit %d" % (args, r.returncode))
        check(r.stdout == b"", "usage %r: nothing on standard output" % (args,))
    # User capability directories are loaded as for a build.
    caps, intent = "tests/model/golden/user-capability/capabilities", "tests/model/golden/user-capability/intent.yaml"
    r = gpoc("plan", "/dev/null", intent)
    check(r.returncode == 1 and b"unknown capability" in r.stderr, "without --capabilities: exit %d" % r.returncode)
    for args in (("--capabilities", caps), ("--capabilities=" + caps,)):
        r = gpoc("plan", "--json", *args, "/dev/null", intent)
        check(r.returncode == 0 and json.loads(r.stdout)["changes"], "%r: exit %d" % (args, r.returncode))
    r = gpoc("plan", "--help")
    check(r.returncode == 0 and b"usage: gpoc plan" in r.stdout, "--help")
    with tempfile.TemporaryDirectory() as tmp:
        broken = os.path.join(tmp, "broken.yaml")
        with open(broken, "w") as f:
            f.write("gpoc: 1\npolicy: {name: x, owner: y}\ngrants:\n  - to: nobody\n    allow: remote-wmi\n")
        r = gpoc("plan", base, broken)
        check(r.returncode == 1 and r.stdout == b"", "input error: exit %d" % r.returncode)
        check(("%s:4:9: error:" % broken).encode() in r.stderr, "input error is located: %r" % r.stderr)
        r = gpoc("plan", "--exit-code", broken, base)
        check(r.returncode == 3, "input error with --exit-code: exit %d" % r.returncode)


def strip_code(md):
    """Markdown with fenced blocks and code spans removed (CommonMark's rules for both)."""
    out, fence = [], None
    for line in md.split("\n"):
        m = re.match(r"^(`{3,})", line)
        if fence:
            if m and len(m.group(1)) >= len(fence) and line.strip("`") == "":
                fence = None
            continue
        if m:
            fence = m.group(1)
            continue
        out.append(line)
    text = "\n".join(out)
    res, i = [], 0
    while i < len(text):
        if text[i] == "`":
            j = i
            while j < len(text) and text[j] == "`":
                j += 1
            run = text[i:j]
            k = text.find(run, j)
            while k != -1 and (k + len(run) < len(text) and text[k + len(run)] == "`"):
                k = text.find(run, k + len(run) + 1)
            if k == -1:
                res.append(run)
                i = j
            else:
                i = k + len(run)
            continue
        res.append(text[i])
        i += 1
    return "".join(res)


def run_hostile():
    global current
    current = "hostile"
    evil_reason = "``` </details><img src=x onerror=alert(1)>\\n@octocat [link](http://x) *b*\\n# heading ~~~"
    intent = ("gpoc: 1\npolicy: {name: hostile, owner: x}\n"
              "domain: {netbios: CONTOSO, sid: S-1-5-21-1-2-3}\n"
              "principals:\n  evil: {name: \"CONTOSO\\\\``e`v _x_ #h !z\", sid: S-1-5-21-1-2-3-1105}\n"
              "grants:\n  - to: evil\n    allow: remote-wmi\n    from: [10.0.0.0/8]\n"
              "  - allow: uac-remote-local-admins\n    accept-risk: \"%s\"\n" % evil_reason)
    with tempfile.TemporaryDirectory() as tmp:
        name = os.path.join(tmp, "```h@x.yaml")
        with open(name, "w") as f:
            f.write(intent)
        r = gpoc("plan", "/dev/null", name)
        check(r.returncode == 0, "exit %d: %s" % (r.returncode, r.stderr.decode()))
        md = r.stdout.decode("utf-8")
    outside = strip_code(md)
    # Outside code, only gpoc's own HTML: <details>, <summary>, <code> (HTML-escaped text).
    for tag in re.findall(r"<[^>]*>", outside):
        check(re.fullmatch(r"</?(details|summary|code)>", tag), "raw tag %r outside code" % tag)
    for bad in ("@octocat", "[link]", "onerror", "*b*", "_x_"):
        check(bad not in outside, "%r outside code" % bad)
    check(not re.search(r"^#(?!##? )", outside, re.M), "a heading of the intent's outside code")
    check(outside.count("<details>") == outside.count("</details>"), "balanced <details>")


def run_examples():
    """The plan build target over every example: golden plan/plan.md and plan.json, and
    the same changes as `gpoc plan /dev/null EXAMPLE` (the target is the plan of the
    intent against nothing)."""
    global current
    for name in sorted(os.listdir("examples")):
        if not name.endswith(".yaml"):
            continue
        current = "examples/" + name
        base = name[:-5]
        with tempfile.TemporaryDirectory() as tmp:
            out = os.path.join(tmp, "out")
            r = gpoc("build", "examples/" + name, "-o", out, "--target", "plan")
            if r.returncode != 0:
                fail("%s: build exit %d: %s" % (name, r.returncode, r.stderr.decode()))
                continue
            with open(os.path.join(out, "plan", "plan.md"), "rb") as f:
                md = f.read()
            with open(os.path.join(out, "plan", "plan.json"), "rb") as f:
                js = f.read()
        d = "tests/review/examples/" + base
        os.makedirs(d, exist_ok=True) if UPDATE else None
        golden(d + "/plan.md", md)
        golden(d + "/plan.json", js)
        built = json.loads(js)
        cli = json.loads(gpoc("plan", "--json", "/dev/null", "examples/" + name).stdout)
        check(built["old"] is None and cli["old"] == "/dev/null", "old side named")
        for key in ("changes", "risks", "notes", "lint", "summary"):
            check(built[key] == cli[key], "%s: build target and gpoc plan agree" % key)
        check(all(c["op"] == "add" for c in built["changes"]), "against nothing, everything is added")


for case in sorted(os.listdir(PLANS)):
    if case not in CASES:
        fail("case %s has no assertions in run_plans.py" % case)
        continue
    run_case(case)
run_examples()
run_stdin()
run_errors()
run_hostile()
if failures:
    sys.exit(1)
print("ok: %d plan cases" % len(CASES))
