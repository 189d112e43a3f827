#!/usr/bin/env python3
"""gpoc import on files shaped like the ones GPMC and regedit leave behind, written
here byte by byte: delete markers (**del., **delvals., **DeleteValues, **DeleteKeys),
**SecureKey, **soft., GPMC's REG_SZ " ", values set twice, values deleted after they
were set, firewall rules with fields the primitive cannot carry, descriptors gpoc
would write differently, types and sizes registry-value cannot write, other hives.

For every entry the test says what must happen: imported, or not imported with a
reason. A not-imported entry must be reported at its place (byte offset in a
Registry.pol, line in a .reg) twice: as a warning on stderr and as a comment at the
end of the intent. The intent must pass `gpoc check`, and building it must give back
each imported value.
"""
import os
import subprocess
import sys
import tempfile

import yaml

# No __pycache__ in the source tree.
sys.dont_write_bytecode = True
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import files  # noqa: E402
from files import REG_BINARY, REG_DWORD, REG_MULTI_SZ, REG_NONE, REG_SZ, dword, sz  # noqa: E402

FAILURES = []


def check(cond, what):
    if not cond:
        FAILURES.append(what)
        print("FAIL:", what, file=sys.stderr)


def sd_hex(sddl):
    r = files.run(["sddl", "hex", sddl])
    assert r.returncode == 0, r.stderr
    return bytes.fromhex(r.stdout.decode().strip())


FW = r"SOFTWARE\Policies\Microsoft\WindowsFirewall\FirewallRules"
CONTOSO = r"SOFTWARE\Contoso"
APP_A = "{0A1B2C3D-0000-4000-8000-00000000000A}"
APP_B = "{0A1B2C3D-0000-4000-8000-00000000000B}"
APP_C = "{0A1B2C3D-0000-4000-8000-00000000000C}"
# Owner and group as gpoc writes them, but the ACEs not in the order gpoc sorts them:
# the ACEs alone would not give this descriptor back, so it becomes a baseline.
APP_C_SDDL = "O:BAG:BAD:(A;;CCDCLC;;;S-1-5-21-1-2-3-1200)(A;;CCDCLC;;;S-1-5-21-1-2-3-1100)"
DOMAIN_USER = "S-1-5-21-1-2-3-1105"
LAUNCH_SDDL = ("O:BAG:BAD:(A;;CCDCLCSWRP;;;BA)(A;;CCDCSW;;;WD)(A;;CCDCLCSWRP;;;S-1-5-32-562)"
               "(A;;CCDCLCSWRP;;;LU)(A;;CCDCLCSWRP;;;%s)" % DOMAIN_USER)
APP_A_SDDL = "O:SYG:SYD:(A;;CCDCLCSWRP;;;BA)(A;;CCDCSW;;;%s)" % DOMAIN_USER
WMI_RULE = ("v2.30|Action=Allow|Active=TRUE|Dir=In|Protocol=6|Profile=Domain|Profile=Private|"
            "RA4=LocalSubnet|RA6=LocalSubnet|App=%SystemRoot%\\system32\\svchost.exe|Svc=winmgmt|"
            "Name=Windows Management Instrumentation (WMI-In)|Desc=@FirewallAPI.dll,-34257|"
            "EmbedCtxt=@FirewallAPI.dll,-34251|")

# (key, name, type, data, expected): expected is None for imported, else a fragment
# of the reason it is not imported.
POL = [
    (FW, "**delvals.", REG_SZ, sz(" "), "deletes every value of key"),
    (FW, "{5F1A2B3C-1111-4222-8333-944455556666}",
     REG_SZ, sz("v2.30|Action=Allow|Active=TRUE|Dir=In|Protocol=6|LPort=5985|Platform=2:6:2|LA4=10.0.0.1|"
                "Name=WinRM|"), "cannot carry: Platform, LA4"),
    (FW, "SMB-Auth", REG_SZ,
     sz("v2.30|Action=Allow|Active=TRUE|Dir=In|Protocol=6|LPort=445|RA4=10.0.0.0/255.0.0.0|"
        "Security=Authenticate|RUAuth=O:LSD:(A;;CC;;;S-1-5-21-1-2-3-500)|Name=SMB|"), "authorized users"),
    (FW, "WMI-WINMGMT-In-TCP", REG_SZ, sz(WMI_RULE), None),
    (FW, "Broken", REG_SZ, sz("not a rule"), "not a rule string gpoc reads"),
    (FW, "Binary-Rule", REG_BINARY, b"\x01\x02", "not a REG_SZ rule string"),
    (FW, "RPC-Anywhere", REG_SZ, sz("v2.10|Action=Allow|Active=TRUE|Dir=In|Protocol=6|LPort=135|Name=RPC in|"),
     None),
    (FW, "Dup-1", REG_SZ, sz("v2.10|Action=Allow|Active=TRUE|Dir=In|Protocol=6|LPort=8080|RA4=10.5.0.0/255.255.0.0|"
                              "Name=Same name|"), None),
    (FW, "Dup-2", REG_SZ, sz("v2.10|Action=Allow|Active=TRUE|Dir=In|Protocol=6|LPort=8081|RA4=10.5.0.0/255.255.0.0|"
                              "Name=Same name|"), "the same name"),
    (CONTOSO, "**del.Old", REG_SZ, sz(" "), "deletes value"),
    (CONTOSO, "a", REG_SZ, sz("gone"), "deleted later"),
    (CONTOSO + r"\Sub1\Deep", "X", REG_SZ, sz("x"), "deleted later"),
    (CONTOSO, "Twice", REG_DWORD, dword(1), "set again"),
    (CONTOSO, "**DeleteValues", REG_SZ, sz("a;b"), "deletes values of key"),
    (CONTOSO, "**DeleteKeys", REG_SZ, sz("Sub1;Sub2"), "deletes subkeys of key"),
    (CONTOSO, "**SecureKey", REG_DWORD, dword(1), "access control list"),
    (CONTOSO, "**soft.Maybe", REG_DWORD, dword(5), "only where it does not exist"),
    (CONTOSO, "Space", REG_SZ, sz(" "), None),
    (CONTOSO, "None", REG_NONE, b"", "REG_NONE"),
    (CONTOSO, "Short", REG_DWORD, b"\x01\x02\x03", "REG_DWORD of 3 bytes"),
    (CONTOSO, "Odd", REG_SZ, b"a\x00b", "not one string"),
    (CONTOSO, "Holes", REG_MULTI_SZ, sz("a") + sz("") + sz("b") + b"\0\0", "list of non-empty strings"),
    (CONTOSO, "Tab", REG_SZ, sz("a\tb"), "control character"),
    (r"software\CONTOSO", "TWICE", REG_DWORD, dword(2), None),
    ("", "RootValue", REG_SZ, sz("x"), "empty"),
    (r"SOFTWARE\Policies\Microsoft\Windows NT\DCOM", "MachineLaunchRestriction", REG_SZ, sz(LAUNCH_SDDL), None),
    (r"SOFTWARE\Microsoft\Ole", "MachineAccessRestriction", REG_BINARY, b"\x01\x02", "not a security descriptor"),
    (r"SOFTWARE\Classes\AppID" + "\\" + APP_A, "LaunchPermission", REG_BINARY, sd_hex(APP_A_SDDL), None),
    (r"SOFTWARE\Classes\AppID" + "\\" + APP_B, "AccessPermission", REG_BINARY, b"\x00" * 24,
     "not a security descriptor"),
    (r"SOFTWARE\Classes\AppID" + "\\" + APP_B, "LaunchPermission", REG_BINARY,
     sd_hex("O:BAG:BAD:(A;CI;CCDCSW;;;BA)"), "no ACE an appid-permission grant can write"),
    (r"SOFTWARE\Classes\AppID" + "\\" + APP_C, "AccessPermission", REG_BINARY, sd_hex(APP_C_SDDL), None),
    (r"SOFTWARE\Microsoft\Ole\AppCompat", "RequireIntegrityActivationAuthenticationLevel", REG_DWORD, dword(0),
     "nonzero"),
    (r"SOFTWARE\Microsoft\Windows\CurrentVersion\Policies\System", "LocalAccountTokenFilterPolicy", REG_DWORD,
     dword(1), None),
    (r"SOFTWARE\Microsoft\Ole", "DefaultLaunchPermission", REG_BINARY, sd_hex("O:BAG:BAD:(A;;CCDCLCSWRP;;;BA)"),
     None),
]


def stderr_lines(r):
    return r.stderr.decode("utf-8", "replace").splitlines()


def grants_of(yaml_text):
    doc = yaml.load(yaml_text, Loader=yaml.SafeLoader)
    return doc, doc["grants"]


def test_pol(tmp):
    src = os.path.join(tmp, "Machine", "registry.pol")
    os.makedirs(os.path.dirname(src))
    with open(src, "wb") as f:
        f.write(files.pol([e[:4] for e in POL]))
    offsets = files.pol_offsets([e[:4] for e in POL])
    out = os.path.join(tmp, "pol.yaml")
    r = files.run(["import", src, "-o", out])
    check(r.returncode == 0, "pol import exit %d: %s" % (r.returncode, r.stderr.decode()))
    err = stderr_lines(r)
    with open(out, encoding="utf-8") as f:
        text = f.read()
    trailer = text[text.index("# Not imported"):] if "# Not imported" in text else ""
    for (key, name, typ, data, expect), off in zip(POL, offsets):
        where = "%s: offset 0x%x: warning: not imported: " % (src, off)
        mine = [l for l in err if l.startswith(where)]
        if expect is None:
            check(not mine, "%s\\%s should be imported, got %s" % (key, name, mine))
        else:
            check(any(expect in l for l in mine), "%s\\%s: no warning with '%s' at offset 0x%x in %s" %
                  (key, name, expect, off, err))
            check("# offset 0x%x: " % off in trailer, "%s\\%s: not listed at the end of the intent" % (key, name))
    doc, grants = grants_of(text)
    check(doc["outputs"] == ["gpo"], "outputs of a Registry.pol import: %s" % doc["outputs"])
    values = {(g["key"], g["name"]): g for g in grants if g["allow"] == "registry-value"}
    check(values.get(("HKLM\\SOFTWARE\\Contoso", "Space"), {}).get("data") == " ", "REG_SZ ' ' is kept")
    check(str(values.get(("HKLM\\software\\CONTOSO", "TWICE"), {}).get("data")) == "2",
          "the last of two sets wins, with its own spelling of the key")
    check(("HKLM\\SOFTWARE\\Contoso", "Twice") not in values, "the first of two sets is dropped")
    risky = [g for g in grants if "accept-risk" in g]
    check(len(risky) == 2, "two grants need accept-risk (RPC from anywhere, LocalAccountTokenFilterPolicy): %s" %
          risky)
    rules = [g for g in grants if g["allow"] == "firewall-rule"]
    check(sorted(g["rule"] for g in rules) == ["dup-1", "rpc-anywhere", "wmi-winmgmt-in-tcp"],
          "rule IDs: %s" % [g["rule"] for g in rules])
    check(doc["baselines"].get("machine-launch-restriction") == LAUNCH_SDDL, "DCOM policy SDDL as baseline")
    app_a = "appid-%s-launch" % APP_A[1:-1].lower()
    check(doc["baselines"].get(app_a) == APP_A_SDDL, "AppID descriptor with another owner as baseline override")
    app_c = "appid-%s-access" % APP_C[1:-1].lower()
    check(doc["baselines"].get(app_c) == APP_C_SDDL, "AppID ACEs in another order: baseline override")
    check(any(w.startswith("%s: offset 0x%x: warning: " % (src, offsets[-1])) and "raw bytes" in w for w in err),
          "a descriptor gpoc has no primitive for is imported as raw bytes with a warning")

    r = files.run(["check", out])
    check(r.returncode == 0, "gpoc check of the imported intent: %s" % r.stderr.decode())
    built = os.path.join(tmp, "pol-out")
    r = files.run(["build", out, "-o", built])
    check(r.returncode == 0, "build of the imported intent: %s" % r.stderr.decode())
    got = files.decode_json(files.backups(os.path.join(built, "gpo"))["main"])["entries"]
    got_values = {(e["key"], e["name"]): e["hex"] for e in got}
    for key, name, typ, data, expect in POL:
        if expect is not None or key == FW or "DCOM" in key:
            continue
        check(got_values.get((key, name)) == data.hex(), "%s\\%s: built back as %s, want %s" %
              (key, name, got_values.get((key, name)), data.hex()))
    # The foreign rule keeps every field but its ID, name and description.
    wmi = [e for e in got if e["name"] == "gpoc-imported-wmi-winmgmt-in-tcp"]
    check(len(wmi) == 1, "the WMI rule is built as gpoc-imported-wmi-winmgmt-in-tcp")
    if wmi:
        want = [f for f in files.rule_fields(WMI_RULE) if f[0] not in ("version", "Name", "Desc")]
        have = [f for f in files.rule_fields(wmi[0]["string"]) if f[0] not in ("version", "Name", "Desc")]
        # Windows' order of fields is not gpoc's; the set of fields is what counts.
        check(sorted(want) == sorted(have), "WMI rule fields: want %s got %s" % (sorted(want), sorted(have)))
        names = dict(files.rule_fields(wmi[0]["string"]))
        check(names["Name"] == "gpoc imported: Windows Management Instrumentation (WMI-In)", names["Name"])
        check(names["Desc"].startswith("@FirewallAPI.dll,-34257; gpoc policy imported: "), names["Desc"])
    inf = [os.path.join(d, f) for d, _, fs in os.walk(built) for f in fs if f == "GptTmpl.inf"]
    check(len(inf) == 1, "GptTmpl.inf written for the DCOM policy value")
    if inf:
        listing = files.decode_json(inf[0])
        sddls = [e.get("string") for e in listing["entries"] if e["kind"] == "registry-value"]
        check(LAUNCH_SDDL in sddls, "GptTmpl.inf holds the DCOM SDDL as found: %s" % sddls)


def test_user_pol(tmp):
    src = os.path.join(tmp, "User", "registry.pol")
    os.makedirs(os.path.dirname(src))
    with open(src, "wb") as f:
        f.write(files.pol([(CONTOSO, "x", REG_DWORD, dword(1))]))
    r = files.run(["import", src])
    check(r.returncode == 2 and b"'User' folder" in r.stderr, "a User registry.pol is refused: %d %s" %
          (r.returncode, r.stderr.decode()))


REG_LINES = [
    ("[HKEY_LOCAL_MACHINE\\SOFTWARE\\Gone\\Sub]", None),
    ('"v"="1"', "deleted later"),
    ("[-HKEY_LOCAL_MACHINE\\SOFTWARE\\Gone]", "deletes key"),
    ("[HKEY_CURRENT_USER\\Software\\Contoso]", None),
    ('"User"="x"', "HKEY_CURRENT_USER"),
    ("[HKEY_CLASSES_ROOT\\AppID\\%s]" % APP_A, None),
    ('"LaunchPermission"=' + files.hexbytes(sd_hex("O:BAG:BAD:(A;;CCDCLCSWRP;;;BA)")), "HKEY_CLASSES_ROOT"),
    ("[HKEY_LOCAL_MACHINE\\SOFTWARE\\Contoso]", None),
    ('"Removed"=-', "deletes value"),
    ('"Nothing"=hex(0):', "REG_NONE"),
    ('"Kept"=dword:0000002a', None),
    ('"Text"="a \\"quoted\\" # value"', None),
    ("[HKEY_LOCAL_MACHINE\\SOFTWARE\\Microsoft\\Ole]", None),
    ('"MachineLaunchRestriction"=' + files.hexbytes(sd_hex(LAUNCH_SDDL)), "overridden on Windows by the DCOM policy"),
    ("[HKEY_LOCAL_MACHINE\\SOFTWARE\\Policies\\Microsoft\\Windows NT\\DCOM]", None),
    ('"MachineLaunchRestriction"="O:BAG:BAD:(A;;CCDCLCSWRP;;;BA)(A;;CCDCSW;;;WD)"', None),
]


def test_reg(tmp):
    src = os.path.join(tmp, "gpmc.reg")
    with open(src, "wb") as f:
        f.write(files.reg5([l for l, _ in REG_LINES]))
    out = os.path.join(tmp, "reg.yaml")
    r = files.run(["import", src, "-o", out])
    check(r.returncode == 0, "reg import exit %d: %s" % (r.returncode, r.stderr.decode()))
    err = stderr_lines(r)
    with open(out, encoding="utf-8") as f:
        text = f.read()
    for i, (line, expect) in enumerate(REG_LINES):
        lineno = i + 3  # header, blank line
        mine = [l for l in err if l.startswith("%s:%d: warning: not imported: " % (src, lineno))]
        if expect is None:
            check(not mine, "line %d should not be reported: %s" % (lineno, mine))
        else:
            check(any(expect in l for l in mine), "line %d: no warning with '%s' in %s" % (lineno, expect, err))
            check("# line %d: " % lineno in text, "line %d: not listed at the end of the intent" % lineno)
    doc, grants = grants_of(text)
    check(doc["outputs"] == ["reg"], "outputs of a .reg import: %s" % doc["outputs"])
    values = [(g["name"], str(g["data"])) for g in grants if g["allow"] == "registry-value"]
    check(values == [("Kept", "42"), ("Text", 'a "quoted" # value')], "imported values: %s" % values)
    # The policy value wins over the Ole value; its descriptor lacks stock entries, so
    # it is a baseline with one grant that makes gpoc write it.
    check(doc["baselines"] == {"machine-launch-restriction": "O:BAG:BAD:(A;;CCDCLCSWRP;;;BA)(A;;CCDCSW;;;WD)"},
          "the DCOM policy value is the baseline: %s" % doc.get("baselines"))
    limits = [g for g in grants if g["allow"] == "dcom-limit"]
    check(len(limits) == 1 and limits[0]["to"] == "sid-s-1-5-32-544" and "accept-risk" not in limits[0],
          "one harmless filler grant (Administrators, not Everyone): %s" % limits)
    # REGEDIT4: 8-bit text, the same values.
    src4 = os.path.join(tmp, "gpmc4.reg")
    with open(src4, "wb") as f:
        f.write(files.regedit4([l for l, _ in REG_LINES]))
    r4 = files.run(["import", src4])
    check(r4.returncode == 0, "REGEDIT4 import: %s" % r4.stderr.decode())
    doc4 = yaml.load(r4.stdout.decode("utf-8"), Loader=yaml.SafeLoader)
    check(doc4["grants"] == doc["grants"], "REGEDIT4 and 5.00 files give the same grants")


def test_stock_limit(tmp):
    """The stock access limit as found: no override, and the one grant that makes
    gpoc write it is neither risky (Everyone has remote access there) nor for
    ANONYMOUS LOGON, but Distributed COM Users."""
    stock = "O:BAG:BAD:(A;;CCDCLC;;;WD)(A;;CCDC;;;AN)(A;;CCDCLC;;;S-1-5-32-562)(A;;CCDCLC;;;LU)"
    src = os.path.join(tmp, "stock.reg")
    with open(src, "wb") as f:
        f.write(files.reg5(["[HKEY_LOCAL_MACHINE\\SOFTWARE\\Microsoft\\Ole]",
                            '"MachineAccessRestriction"=' + files.hexbytes(sd_hex(stock))]))
    r = files.run(["import", src])
    check(r.returncode == 0, "stock limit: %s" % r.stderr.decode())
    doc = yaml.load(r.stdout.decode("utf-8"), Loader=yaml.SafeLoader)
    check("baselines" not in doc, "no override for the stock baseline")
    check([(g["to"], g["rights"]) for g in doc["grants"]] == [("sid-s-1-5-32-562", ["local-access", "remote-access"])],
          "stock limit grants: %s" % doc["grants"])
    built = os.path.join(tmp, "stock-out")
    check(files.run(["build", "-", "-o", built], stdin=r.stdout).returncode == 0, "stock limit builds")
    got = files.set_entries(files.decode_json(os.path.join(built, "reg", "apply.reg")))
    want = files.set_entries(files.decode_json(src))
    check(got == want, "stock limit round trip: %s" % got)


def test_many(tmp):
    """More failing settings than a diagnostics list keeps (500): every one must
    still be placed, and every good one imported."""
    entries = [(CONTOSO + "\\K%d" % (i % 40), "V%d" % i, REG_DWORD, dword(i)) for i in range(2000)]
    good = ["v2.10|Action=Allow|Active=TRUE|Dir=In|Protocol=6|LPort=%d|RA4=10.0.0.0/255.0.0.0|Name=Rule %d|" %
            (1000 + i, i) for i in range(600)]
    bad = ['v2.10|Action=Allow|Active=TRUE|Dir=In|Protocol=6|LPort=%d|RA4=10.0.0.0/255.0.0.0|Name=Bad "%d|' %
           (3000 + i, i) for i in range(600)]
    entries += [(FW, "R%d" % i, REG_SZ, sz(t)) for i, t in enumerate(good)]
    entries += [(FW, "Q%d" % i, REG_SZ, sz(t)) for i, t in enumerate(bad)]
    src = os.path.join(tmp, "many.pol")
    with open(src, "wb") as f:
        f.write(files.pol(entries))
    out = os.path.join(tmp, "many.yaml")
    r = files.run(["import", src, "-o", out])
    check(r.returncode == 0, "many: exit %d: %s" % (r.returncode, r.stderr.decode()[-500:]))
    err = r.stderr.decode()
    check(err.count("warning: not imported: ") == 600, "many: %d warnings" % err.count("warning: not imported: "))
    check("imported 2600 settings" in err, "many: " + err[-300:])
    check(files.run(["check", out]).returncode == 0, "many: gpoc check")


def main():
    with tempfile.TemporaryDirectory() as tmp:
        test_many(tmp)
        test_stock_limit(tmp)
        test_pol(tmp)
        test_user_pol(tmp)
        test_reg(tmp)
    if FAILURES:
        print("%d failure(s)" % len(FAILURES), file=sys.stderr)
        return 1
    print("ok: %d Registry.pol entries and %d .reg lines" % (len(POL), len(REG_LINES)))
    return 0


if __name__ == "__main__":
    sys.exit(main())
