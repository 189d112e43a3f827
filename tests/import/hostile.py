#!/usr/bin/env python3
"""Hostile strings through gpoc import: rule names and descriptions, program paths,
registry keys, value names and value data holding YAML syntax (quotes, '#', ': ',
'- ', '*', '&', '!', '{', '[', 'yes', 'null', '~', numbers), line breaks of every
kind, '%', non-ASCII and control characters, in a Registry.pol and in a .reg file.

Each setting must end one of two ways:
- imported, and then the YAML scalar reads back as the very string (checked with
  PyYAML's pure-Python loader, a second reader besides gpoc's own), and building the
  intent writes the very bytes back (Registry.pol entries, .reg values);
- not imported, with a warning at its place.
Strings that an intent can carry (printable text) must be imported. The YAML must
never hold a key or a grant the file did not ask for: data never becomes YAML.
"""
import os
import sys
import tempfile

import yaml

# No __pycache__ in the source tree.
sys.dont_write_bytecode = True
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import files  # noqa: E402
from files import REG_MULTI_SZ, REG_SZ, multi_sz, sz  # noqa: E402

FAILURES = []


def check(cond, what):
    if not cond:
        FAILURES.append(what)
        print("FAIL:", what, file=sys.stderr)


PRINTABLE = [
    "'", "''", '"', "\\", "\\\\srv\\x", "#", "a # b", "#!", ": ", "a: b", "key: value", "- x", "-", "--- x",
    "?", "? x", "*x", "&a", "!tag", "!!str", "%YAML 1.1", "{", "}", "[", "]", "{a: 1}", "[a, b]", ",", ">", "@",
    "`", "<<", "yes", "no", "On", "null", "~", "123", "-1", "0x10", "0o17", "1e3", ".inf", ".NaN",
    "2001-12-14", " lead", "trail ", "  ", "%SystemRoot%\\x", "%%", "%1", "$(x)", "${principal}",
    "caf\u00e9 \u00fc \u65e5\u672c \U0001F600", "\u00a0", "\u200b", "\u202e", "x" * 1000,
]
# Characters YAML reads as line breaks, or must write as escapes.
SPECIAL = ["\u0085", "a\u2028b", "\u2029", "\ufeff", "\ufffe", "\uffff", "\u009b"]
# Control characters: the intent language refuses them in every string.
CONTROL = ["\t", "\n", "a\r\nb", "\r", "\x1b[31m", "\x7f", "\x01"]
TOO_LONG = ["y" * 70000]

CONTOSO = "SOFTWARE\\Contoso\\Hostile"
FW = "SOFTWARE\\Policies\\Microsoft\\WindowsFirewall\\FirewallRules"


def load_yaml(text):
    # The pure-Python loader: an independent reading of what gpoc wrote.
    return yaml.load(text, Loader=yaml.SafeLoader)


def rule_string(name, desc, program):
    return ("v2.10|Action=Allow|Active=TRUE|Dir=In|Protocol=6|LPort=8443|RA4=10.0.0.0/255.0.0.0|"
            "App=%s|Name=%s|Desc=%s|" % (program, name, desc))


def pol_cases():
    """(entry, kind, string): kind says which field holds the hostile string."""
    cases = []
    for i, s in enumerate(PRINTABLE + SPECIAL + CONTROL + TOO_LONG):
        cases.append(((CONTOSO, "data%d" % i, REG_SZ, sz(s)), "data", s))
        cases.append(((CONTOSO, s, REG_SZ, sz("name%d" % i)), "name", s))
        cases.append(((CONTOSO, "multi%d" % i, REG_MULTI_SZ, multi_sz([s, "b"])), "multi", s))
        if "\\" not in s and s.strip() == s and s:
            cases.append(((CONTOSO + "\\" + s, "v", REG_SZ, sz("key%d" % i)), "key", s))
        if "|" not in s and s:
            cases.append(((FW, "Hostile-%d" % i, REG_SZ, sz(rule_string(s, s, "C:\\x\\" + s))), "rule", s))
    return cases


def must_import(kind, s):
    if s not in PRINTABLE:
        return False
    if kind in ("name", "key") and len(s) > 255:
        return False  # Registry.pol value names stop at 259, key components at 255
    if kind == "rule" and '"' in s:
        return False  # netsh cannot quote '"': the firewall-rule primitive refuses it
    return True


def find_grant(grants, kind, entry, policy):
    key, name, typ, data = entry
    for g in grants:
        if kind == "rule":
            if g["allow"] == "firewall-rule" and g["rule"] == "hostile-%s" % name.split("-")[1]:
                return g
        elif g["allow"] == "registry-value" and g["key"] == "HKLM\\" + key and g["name"] == name:
            return g
    return None


def test_pol(tmp):
    cases = pol_cases()
    src = os.path.join(tmp, "Machine", "registry.pol")
    os.makedirs(os.path.dirname(src))
    entries = [c[0] for c in cases]
    with open(src, "wb") as f:
        f.write(files.pol(entries))
    offsets = files.pol_offsets(entries)
    out = os.path.join(tmp, "hostile.yaml")
    r = files.run(["import", src, "-o", out])
    check(r.returncode == 0, "import exit %d: %s" % (r.returncode, r.stderr.decode()[-2000:]))
    check(b"internal error" not in r.stderr, "internal error")
    with open(out, encoding="utf-8") as f:
        text = f.read()
    doc = load_yaml(text)
    check(set(doc) == {"gpoc", "policy", "grants", "outputs"}, "top-level keys: %s" % sorted(doc))
    grants = doc["grants"]
    err = r.stderr.decode("utf-8", "replace")
    imported = []
    for (entry, kind, s), off in zip(cases, offsets):
        g = find_grant(grants, kind, entry, "imported")
        warned = "%s: offset 0x%x: warning: not imported: " % (src, off) in err
        label = "%s %r" % (kind, s[:40])
        if g is None:
            check(warned, "%s: neither imported nor reported" % label)
            check(not must_import(kind, s), "%s: printable text must be imported" % label)
            continue
        check(not warned, "%s: imported and reported as not imported" % label)
        imported.append((entry, kind, s, g))
        if kind == "data":
            check(g["data"] == s, "%s: data reads back as %r" % (label, g["data"][:40]))
        elif kind == "name":
            check(g["name"] == s, "%s: name reads back as %r" % (label, g["name"][:40]))
        elif kind == "multi":
            check(g["data"] == [s, "b"], "%s: list reads back as %r" % (label, g["data"]))
        elif kind == "key":
            check(g["key"] == "HKLM\\" + entry[0], "%s: key reads back as %r" % (label, g["key"]))
        elif kind == "rule":
            check(g.get("name") == s and g.get("description") == s and g.get("program") == "C:\\x\\" + s,
                  "%s: rule fields read back as %r" % (label, (g.get("name"), g.get("description"))))
    check(len(grants) == len(imported), "%d grants for %d imported settings" % (len(grants), len(imported)))

    built = os.path.join(tmp, "built")
    r = files.run(["build", out, "-o", built])
    check(r.returncode == 0, "build: %s" % r.stderr.decode()[-2000:])
    pol_path = files.backups(os.path.join(built, "gpo"))["main"]
    got = {(e["key"], e["name"]): e for e in files.decode_json(pol_path)["entries"]}
    for entry, kind, s, g in imported:
        key, name, typ, data = entry
        if kind == "rule":
            e = got.get((FW, "gpoc-imported-" + g["rule"]))
            fields = dict(files.rule_fields(e["string"])) if e else {}
            check(fields.get("Name") == "gpoc imported: " + s, "rule %r: Name built as %r" %
                  (s[:40], fields.get("Name")))
            check(fields.get("Desc", "").startswith(s + "; gpoc policy imported: "), "rule %r: Desc built as %r" %
                  (s[:40], fields.get("Desc")))
            check(fields.get("App") == "C:\\x\\" + s, "rule %r: App built as %r" % (s[:40], fields.get("App")))
        else:
            e = got.get((key, name))
            check(e is not None and e["type_code"] == typ and e["hex"] == data.hex(),
                  "%s %r: built back as %s" % (kind, s[:40], e and e["hex"][:60]))
    print("ok: %d hostile Registry.pol entries, %d imported" % (len(cases), len(imported)))


def test_reg(tmp):
    """The same strings in a .reg file: quoted strings where regedit can say them,
    hex(1) where they hold CR or LF."""
    lines = ["[HKEY_LOCAL_MACHINE\\%s]" % CONTOSO]
    values = []
    for i, s in enumerate(PRINTABLE + SPECIAL + CONTROL):
        if "\r" in s or "\n" in s:
            lines.append('"data%d"=%s' % (i, files.hexbytes(sz(s), 1)))
        else:
            lines.append('"data%d"=%s' % (i, files.reg_quote(s)))
            lines.append('%s="name%d"' % (files.reg_quote(s), i))
            values.append((s, "name%d" % i, s))
        values.append(("data%d" % i, s, s))
    src = os.path.join(tmp, "hostile.reg")
    with open(src, "wb") as f:
        f.write(files.reg5(lines))
    out = os.path.join(tmp, "hostile-reg.yaml")
    r = files.run(["import", src, "-o", out])
    check(r.returncode == 0, "reg import exit %d: %s" % (r.returncode, r.stderr.decode()[-2000:]))
    with open(out, encoding="utf-8") as f:
        doc = load_yaml(f.read())
    got = {g["name"]: g["data"] for g in doc["grants"]}
    for name, data, s in values:
        if name in got:
            check(got[name] == data, "reg %r: data reads back as %r" % (s[:40], got[name][:40]))
        else:
            check(s not in PRINTABLE, "reg %r: printable text must be imported" % s[:40])
    built = os.path.join(tmp, "built-reg")
    r = files.run(["build", out, "-o", built])
    check(r.returncode == 0, "build: %s" % r.stderr.decode()[-2000:])
    want = {(e[2]): e for e in files.set_entries(files.decode_json(src))}
    have = files.set_entries(files.decode_json(os.path.join(built, "reg", "apply.reg")))
    check(len(have) == len(got), "%d values built for %d grants" % (len(have), len(got)))
    for e in have:
        check(want.get(e[2]) == e, "reg value %r built back differently" % e[2][:40])
    print("ok: %d hostile .reg values, %d imported" % (len(values), len(got)))


def main():
    with tempfile.TemporaryDirectory() as tmp:
        test_pol(tmp)
        test_reg(tmp)
    if FAILURES:
        print("%d failure(s)" % len(FAILURES), file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
