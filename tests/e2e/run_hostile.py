#!/usr/bin/env python3
"""Hostile strings through the whole pipeline: every string an intent can carry into
an artifact (policy description, principal name, rule name and description, program
path, service, registry value name and data, namespace) is set to each hostile value
in turn and the intent is built to every target. Each build must either

- succeed, and then the value reads back exactly: from model/model.json (JSON), and
  for registry data from `gpoc decode --json` of reg/apply.reg and registry.pol; or
- be refused with exit 1 and a diagnostic at a line of the intent, leaving no output.

Never a crash, never exit 2, never an "internal error" (a renderer whose own reader
disagreed with what it wrote).
"""
import json
import os
import subprocess
import sys
import tempfile

GPOC = os.environ["GPOC_BIN"]

HOSTILE = [
    '"', "%", "%%", "%PATH%", "^", "&", "|", "<", ">", "!", "!x!", "\r", "\n", "a\r\nb",
    ")(A;;GA;;;WD)", ";", "$(calc)", "`whoami`", "'", "''", "\u2019", "a\\", "\\\\srv\\x",
    "\\", "]", "[x]", "#x", "@", "=", "a|b", "\t", "\x1b[31m", "\u009b", "\u202e",
    "é ü 日本 😀", "x" * 70000, "ok-value",
]

# (field, where in the intent the value goes, how to find it back in model.json)
FIELDS = ["policy-description", "principal-name", "rule-name", "rule-description", "program",
          "service", "value-name", "value-data", "namespace"]


def yaml_str(s):
    """A YAML double-quoted scalar that reads back as s exactly."""
    out = []
    for ch in s:
        o = ord(ch)
        if ch == '"':
            out.append('\\"')
        elif ch == "\\":
            out.append("\\\\")
        elif o < 0x20 or 0x7f <= o <= 0x9f or o in (0x2028, 0x2029, 0xfeff):
            out.append("\\u%04x" % o)
        else:
            out.append(ch)
    return '"' + "".join(out) + '"'


def intent(field, value):
    v = yaml_str(value)
    desc = v if field == "policy-description" else '"hostile test"'
    pname = v if field == "principal-name" else "'CONTOSO\\Monitoring'"
    rname = v if field == "rule-name" else '"Web"'
    rdesc = v if field == "rule-description" else '"web access"'
    prog = v if field == "program" else "'%SystemRoot%\\system32\\svchost.exe'"
    svc = v if field == "service" else "W3SVC"
    vname = v if field == "value-name" else "Setting"
    vdata = v if field == "value-data" else '"on"'
    ns = v if field == "namespace" else "'root\\cimv2'"
    return f"""gpoc: 1
policy: {{ name: hostile, description: {desc} }}
domain: {{ netbios: CONTOSO, sid: S-1-5-21-1004336348-1177238915-682003330 }}
principals:
  mon: {{ name: {pname}, sid: S-1-5-21-1004336348-1177238915-682003330-1105 }}
grants:
  - allow: firewall-rule
    rule: web
    name: {rname}
    description: {rdesc}
    program: {prog}
    service: {svc}
    local-ports: ['443']
    remote-addresses: [10.0.0.0/8]
  - allow: registry-value
    key: 'HKLM\\SOFTWARE\\Contoso\\App'
    name: {vname}
    type: REG_SZ
    data: {vdata}
  - to: mon
    allow: namespace-ace
    namespace: {ns}
    rights: [enable, remote-enable]
"""


def strings_in(obj):
    if isinstance(obj, str):
        yield obj
    elif isinstance(obj, dict):
        for k, v in obj.items():
            yield k
            yield from strings_in(v)
    elif isinstance(obj, list):
        for v in obj:
            yield from strings_in(v)


def contains(obj, value):
    return any(value in s for s in strings_in(obj))


def main():
    failures = []
    counts = {"built": 0, "refused": 0}
    with tempfile.TemporaryDirectory() as work:
        for field in FIELDS:
            for i, value in enumerate(HOSTILE):
                case = "%s #%d %r" % (field, i, value[:20])
                path = os.path.join(work, "hostile.yaml")
                with open(path, "w", encoding="utf-8") as f:
                    f.write(intent(field, value))
                out = os.path.join(work, "out-%s-%d" % (field, i))
                p = subprocess.run([GPOC, "build", path, "-o", out, "--target", "all"],
                                   capture_output=True, timeout=120)
                err = p.stderr.decode("utf-8", "replace")
                if p.returncode < 0 or p.returncode == 2 or "internal error" in err or "BUG" in err:
                    failures.append("%s: exit %d: %s" % (case, p.returncode, err[:400]))
                    continue
                if p.returncode == 1:
                    counts["refused"] += 1
                    if "hostile.yaml:" not in err or ": error:" not in err:
                        failures.append("%s: refused without a located diagnostic: %s" % (case, err[:300]))
                    if os.path.exists(out):
                        failures.append("%s: refused but wrote %s" % (case, out))
                    continue
                counts["built"] += 1
                with open(os.path.join(out, "model", "model.json"), encoding="utf-8") as f:
                    model = json.load(f)
                if field != "policy-description" and not contains(model, value):
                    failures.append("%s: built, but model.json does not hold the value" % case)
                if field in ("value-name", "value-data"):
                    for art in ["reg/apply.reg"] + [os.path.relpath(os.path.join(d, "registry.pol"), out)
                                                    for d, _, fs in os.walk(os.path.join(out, "gpo"))
                                                    if "registry.pol" in fs and "Machine" in d][:1]:
                        d = subprocess.run([GPOC, "decode", "--json", os.path.join(out, art)], capture_output=True)
                        if d.returncode != 0:
                            failures.append("%s: decode %s failed: %s" % (case, art, d.stderr[:200]))
                        elif not contains(json.loads(d.stdout), value):
                            failures.append("%s: %s does not read back the value" % (case, art))
    for f in failures:
        print("FAIL:", f)
    print("hostile: %d built and read back, %d refused with a located error" % (counts["built"], counts["refused"]))
    print("%d passed, %d failed" % (len(FIELDS) * len(HOSTILE) - len(failures), len(failures)))
    sys.exit(1 if failures else 0)


main()
