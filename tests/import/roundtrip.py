#!/usr/bin/env python3
"""gpoc import against gpoc's own artifacts: every example and cases/roundtrip.yaml is
built; its reg/apply.reg and its GPO's registry.pol are imported, the imported intent
is checked and built again, and the values must come back.

What "the same" means, per artifact:

- reg/apply.reg: the ordered list of values set (hive, key, name, type, data bytes),
  from `gpoc decode --json`. The `;` comments differ on purpose (they name the intent
  lines a value came from), so the files' bytes are not compared; everything the
  registry receives is.
- registry.pol: the ordered list of entries (key, name, type, data bytes), exactly,
  except firewall rule strings, which are compared field by field with the
  description cut before gpoc's provenance ("gpoc policy P: remote-wmi for x"
  becomes "gpoc policy P: firewall-rule": the imported intent says firewall-rule
  instead of the capability, by design).

The import must also be deterministic (same bytes twice, under another locale and
time zone), and the imported intent must pass `gpoc check`.
"""
import os
import sys
import tempfile

# No __pycache__ in the source tree.
sys.dont_write_bytecode = True
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import files  # noqa: E402

FAILURES = []


def check(cond, what):
    if not cond:
        FAILURES.append(what)
        print("FAIL:", what, file=sys.stderr)


def import_file(src, out, policy=None, env=None):
    args = ["import", src, "-o", out]
    if policy:
        args += ["--policy", policy]
    r = files.run(args, env=env)
    check(r.returncode == 0, "import %s: exit %d: %s" % (src, r.returncode, r.stderr.decode()))
    check(b"internal error" not in r.stderr, "import %s: internal error" % src)
    return r


def build(intent, outdir, target):
    r = files.run(["build", intent, "-o", outdir, "--target", target])
    check(r.returncode == 0, "build %s --target %s: exit %d: %s" % (intent, target, r.returncode,
                                                                  r.stderr.decode()))
    return r.returncode == 0


def pol_entries(path):
    out = []
    for e in files.decode_json(path)["entries"]:
        item = [e["key"], e["name"], e["type_code"], e["hex"]]
        if e["key"].lower().endswith("\\windowsfirewall\\firewallrules"):
            fields = files.rule_fields(e["string"])
            item[3] = [(k, files.user_description(v) if k == "Desc" else v) for k, v in fields]
        out.append(item)
    return out


def roundtrip_reg(name, apply_reg, policy, tmp):
    yaml_path = os.path.join(tmp, name + "-reg.yaml")
    import_file(apply_reg, yaml_path, policy)
    again = os.path.join(tmp, name + "-reg-again.yaml")
    import_file(apply_reg, again, policy, env={"LC_ALL": "C.UTF-8", "TZ": "Pacific/Kiritimati"})
    with open(yaml_path, "rb") as a, open(again, "rb") as b:
        check(a.read() == b.read(), "%s: import of apply.reg is not deterministic" % name)
    r = files.run(["check", yaml_path])
    check(r.returncode == 0, "%s: gpoc check of the imported intent: %s" % (name, r.stderr.decode()))
    out = os.path.join(tmp, name + "-reg-out")
    if not build(yaml_path, out, "reg"):
        return
    want = files.set_entries(files.decode_json(apply_reg))
    got = files.set_entries(files.decode_json(os.path.join(out, "reg", "apply.reg")))
    check(want == got, "%s: apply.reg values differ after import and build:\n  want %s\n  got  %s" %
          (name, want, got))
    print("ok: %s apply.reg, %d values" % (name, len(want)))


def roundtrip_pol(name, pol_path, policy, tmp):
    yaml_path = os.path.join(tmp, name + "-pol.yaml")
    # The policy name comes from gpoc's own rule names when the file has rules.
    import_file(pol_path, yaml_path, None if rules_in(pol_path) else policy)
    out = os.path.join(tmp, name + "-pol-out")
    if not build(yaml_path, out, "gpo"):
        return
    got_pol = files.backups(os.path.join(out, "gpo"))["main"]
    want = pol_entries(pol_path)
    got = pol_entries(got_pol) if got_pol else []
    check(want == got, "%s: registry.pol entries differ after import and build:\n  want %s\n  got  %s" %
          (name, want, got))
    print("ok: %s registry.pol, %d entries" % (name, len(want)))


def rules_in(pol_path):
    return any(e["key"].lower().endswith("\\firewallrules") for e in files.decode_json(pol_path)["entries"])


def main():
    intents = sorted(os.path.join(files.SOURCE, "examples", f)
                     for f in os.listdir(os.path.join(files.SOURCE, "examples")) if f.endswith(".yaml"))
    intents.append(os.path.join(files.SOURCE, "tests", "import", "cases", "roundtrip.yaml"))
    with tempfile.TemporaryDirectory() as tmp:
        built = os.path.join(tmp, "built")
        r = files.run(["build"] + intents + ["-o", built, "--target", "reg,gpo"])
        check(r.returncode == 0, "building the examples: " + r.stderr.decode())
        n_reg = n_pol = 0
        for policy in sorted(os.listdir(built)):
            pdir = os.path.join(built, policy)
            if not os.path.isdir(pdir):
                continue
            apply_reg = os.path.join(pdir, "reg", "apply.reg")
            if os.path.exists(apply_reg):
                roundtrip_reg(policy, apply_reg, policy, tmp)
                n_reg += 1
            main_pol = files.backups(os.path.join(pdir, "gpo"))["main"]
            if main_pol:
                roundtrip_pol(policy, main_pol, policy, tmp)
                n_pol += 1
        # Every example with registry settings took part (a silent skip would pass).
        check(n_reg >= 5 and n_pol >= 6, "only %d apply.reg and %d registry.pol files compared" % (n_reg, n_pol))
    if FAILURES:
        print("%d failure(s)" % len(FAILURES), file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
