#!/usr/bin/env python3
"""End-to-end tests over the built gpoc: every example compiles to every target and
matches its golden tree byte for byte; output is identical across runs, locales and
time zones; a failed build leaves the output directory exactly as it was; the
install tree is complete.

Environment: GPOC_BIN, GPOC_SOURCE_DIR (set by CTest). GPOC_UPDATE_GOLDEN=1 rewrites
tests/e2e/golden/ from the current output (review the diff before committing).
"""
import filecmp
import hashlib
import json
import os
import shutil
import subprocess
import sys
import tempfile

GPOC = os.environ["GPOC_BIN"]
SRC = os.environ["GPOC_SOURCE_DIR"]
EXAMPLES = os.path.join(SRC, "examples")
GOLDEN = os.path.join(SRC, "tests", "e2e", "golden")
UPDATE = os.environ.get("GPOC_UPDATE_GOLDEN") == "1"

failures = []


def check(cond, what):
    if not cond:
        failures.append(what)
        print("FAIL:", what)
    return cond


def gpoc(args, env=None, cwd=None, stdin=None):
    e = dict(os.environ)
    if env:
        e.update(env)
    return subprocess.run([GPOC] + args, env=e, cwd=cwd, input=stdin, capture_output=True)


def tree(root):
    """{relative path: sha256} of every file below root."""
    out = {}
    for d, _, files in os.walk(root):
        for f in files:
            p = os.path.join(d, f)
            with open(p, "rb") as fh:
                out[os.path.relpath(p, root)] = hashlib.sha256(fh.read()).hexdigest()
    return out


def examples():
    return sorted(f[:-5] for f in os.listdir(EXAMPLES) if f.endswith(".yaml"))


def test_examples_match_golden(work):
    # Run from the source root so file names inside artifacts are "examples/x.yaml".
    for name in examples():
        out = os.path.join(work, "golden-" + name)
        r = gpoc(["build", "examples/%s.yaml" % name, "-o", out, "--target", "all"], cwd=SRC)
        if not check(r.returncode == 0, "%s: build exits 0 (%s)" % (name, r.stderr.decode(errors="replace"))):
            continue
        os.remove(os.path.join(out, ".gpoc-output"))
        want = os.path.join(GOLDEN, name)
        if UPDATE:
            shutil.rmtree(want, ignore_errors=True)
            shutil.copytree(out, want)
            continue
        got, exp = tree(out), tree(want) if os.path.isdir(want) else {}
        check(sorted(got) == sorted(exp), "%s: same file list as golden (extra %s, missing %s)" % (
            name, sorted(set(got) - set(exp)), sorted(set(exp) - set(got))))
        for path in sorted(set(got) & set(exp)):
            check(got[path] == exp[path], "%s: %s matches golden" % (name, path))


def test_deterministic(work):
    envs = [
        {"LC_ALL": "C", "TZ": "UTC"},
        {"LC_ALL": "C.UTF-8", "TZ": "Asia/Tokyo", "LANG": "ja_JP.UTF-8"},
        {"LC_ALL": "", "LANG": "de_DE.UTF-8", "TZ": "America/St_Johns", "SOURCE_DATE_EPOCH": "1"},
    ]
    for name in examples():
        trees = []
        for i, env in enumerate(envs):
            out = os.path.join(work, "det-%s-%d" % (name, i))
            r = gpoc(["build", "examples/%s.yaml" % name, "-o", out, "--target", "all"], env=env, cwd=SRC)
            check(r.returncode == 0, "%s: build under %s" % (name, env))
            trees.append(tree(out))
        check(all(t == trees[0] for t in trees), "%s: identical bytes across locales and time zones" % name)


def test_check_and_build_agree(work):
    for name in examples():
        r = gpoc(["check", "examples/%s.yaml" % name], cwd=SRC)
        check(r.returncode == 0, "%s: check exits 0 (%s)" % (name, r.stderr.decode(errors="replace")))


def test_failed_build_leaves_output(work):
    out = os.path.join(work, "keep")
    r = gpoc(["build", os.path.join(EXAMPLES, "remote-wmi.yaml"), "-o", out])
    check(r.returncode == 0, "first build succeeds")
    before = tree(out)
    bad = os.path.join(work, "bad.yaml")
    with open(os.path.join(EXAMPLES, "remote-wmi.yaml")) as fh:
        text = fh.read()
    # A grant naming an unknown capability: a model error after a clean load.
    with open(bad, "w") as fh:
        fh.write(text.replace("allow: remote-wmi", "allow: remote-wmii", 1))
    r = gpoc(["build", bad, "-o", out])
    check(r.returncode == 1, "bad intent exits 1 (got %d)" % r.returncode)
    check(b"bad.yaml:" in r.stderr and b"error:" in r.stderr, "diagnostic names the file")
    check(tree(out) == before, "output directory unchanged after a failed build")
    check(sorted(os.listdir(work)).count("keep") == 1 and not any(
        n.startswith(".keep") for n in os.listdir(work)), "no temporary directory left behind")
    # A directory gpoc did not write is never replaced.
    foreign = os.path.join(work, "foreign")
    os.mkdir(foreign)
    with open(os.path.join(foreign, "notes.txt"), "w") as fh:
        fh.write("mine")
    r = gpoc(["build", os.path.join(EXAMPLES, "remote-wmi.yaml"), "-o", foreign])
    check(r.returncode == 2, "foreign directory refused with exit 2")
    check(os.listdir(foreign) == ["notes.txt"], "foreign directory untouched")


def test_many_intents(work):
    out = os.path.join(work, "many")
    paths = [os.path.join(EXAMPLES, n + ".yaml") for n in examples()]
    r = gpoc(["build"] + paths + ["-o", out, "--target", "model"])
    check(r.returncode == 0, "several intents build together (%s)" % r.stderr.decode(errors="replace"))
    subdirs = sorted(d for d in os.listdir(out) if not d.startswith("."))
    check(len(subdirs) == len(paths), "one directory per policy: %s" % subdirs)
    dep = os.path.join(work, "out.d")
    r = gpoc(["build", paths[0], "-o", os.path.join(work, "dep"), "--depfile", dep])
    check(r.returncode == 0, "build with --depfile")
    with open(dep) as fh:
        text = fh.read()
    check(paths[0] in text and "templates/capabilities/" in text, "depfile lists intent and templates")


def test_usage_errors(work):
    check(gpoc(["build"]).returncode == 2, "build without arguments exits 2")
    check(gpoc(["build", "x.yaml"]).returncode == 2, "build without -o exits 2")
    check(gpoc(["build", "/nonexistent.yaml", "-o", os.path.join(work, "n")]).returncode == 2,
          "unreadable intent exits 2")
    check(gpoc(["build", os.path.join(EXAMPLES, "remote-wmi.yaml"), "-o", os.path.join(work, "t"),
                "--target", "netsh,bogus"]).returncode == 2, "unknown target exits 2")
    check(not os.path.exists(os.path.join(work, "t")), "no output after a usage error")
    r = gpoc(["--version"])
    check(r.returncode == 0 and r.stdout.startswith(b"gpoc "), "--version")
    r = gpoc(["--help"])
    for cmd in [b"build", b"check", b"plan", b"sddl", b"decode", b"capabilities"]:
        check(cmd in r.stdout, "--help lists %s" % cmd.decode())


def test_man_page_documents_every_command(work):
    with open(os.path.join(SRC, "docs", "gpoc.1")) as fh:
        man = fh.read()
    r = gpoc(["--help"])
    cmds = [l.split()[0] for l in r.stdout.decode().splitlines() if l.startswith("  ") and l.split()]
    for c in cmds:
        check((".B gpoc %s" % c) in man, "man page documents '%s'" % c)


def test_decode_reads_what_build_wrote(work):
    out = os.path.join(work, "out")
    r = gpoc(["build", os.path.join(EXAMPLES, "machine-acl.yaml"), "-o", out, "--target", "all"])
    check(r.returncode == 0, "machine-acl builds")
    kinds = {}
    for d, _, files in os.walk(out):
        for f in files:
            if f.endswith((".reg", ".pol", ".inf")):
                p = os.path.join(d, f)
                r = gpoc(["decode", p])
                check(r.returncode == 0 and r.stdout, "decode %s (%s)" % (f, r.stderr[:200]))
                j = gpoc(["decode", "--json", p])
                try:
                    json.loads(j.stdout)
                    kinds[f] = True
                except ValueError:
                    check(False, "decode --json %s is JSON" % f)
    check({"apply.reg", "registry.pol", "GptTmpl.inf"} <= set(kinds), "decoded reg, pol and inf: %s" % sorted(kinds))
    # Security descriptors inside the .reg are shown as SDDL with one line per ACE.
    r = gpoc(["decode", os.path.join(out, "reg", "apply.reg")])
    check(b"O:BAG:BAD:" in r.stdout and b"Distributed COM Users" in r.stdout, "descriptors explained in decode")
    sddl = os.path.join(work, "sd.txt")
    with open(sddl, "w") as fh:
        fh.write("O:BAG:BAD:(A;;CCDCLCSWRP;;;S-1-5-32-562)\n")
    r = gpoc(["decode", "--as", "com-launch", sddl])
    check(r.returncode == 0 and b"remote launch" in r.stdout, "decode SDDL text with --as")
    r = gpoc(["sddl", "hex", "O:BAG:BAD:(A;;CCDCLCSWRP;;;S-1-5-32-562)"])
    hexfile = os.path.join(work, "sd.hex")
    with open(hexfile, "wb") as fh:
        fh.write(r.stdout)
    r = gpoc(["decode", hexfile])
    check(r.returncode == 0 and b"O:BAG:BAD:(A;;CCDCLCSWRP;;;S-1-5-32-562)" in r.stdout, "decode hex descriptor")
    junk = os.path.join(work, "junk.bin")
    with open(junk, "wb") as fh:
        fh.write(b"\x00\x01 not a known format")
    r = gpoc(["decode", junk])
    check(r.returncode == 1 and b"error:" in r.stderr, "unknown file kind exits 1")
    check(gpoc(["decode", os.path.join(work, "missing")]).returncode == 2, "missing file exits 2")


def test_limits_refused_at_the_grant(work):
    # Registry.pol holds value names of at most 259 characters: refused at the grant,
    # never reported as a self-check failure.
    intent = os.path.join(work, "long.yaml")
    with open(intent, "w") as fh:
        fh.write("gpoc: 1\npolicy: {name: longname}\ngrants:\n  - allow: registry-value\n"
                 "    key: 'HKLM\\SOFTWARE\\Contoso'\n    name: %s\n    type: REG_DWORD\n    data: 1\n" % ("x" * 300))
    r = gpoc(["build", intent, "-o", os.path.join(work, "o"), "--target", "gpo"])
    check(r.returncode == 1 and b"long.yaml:4:" in r.stderr and b"at most 259" in r.stderr
          and b"internal error" not in r.stderr, "long value name refused at its grant (%s)" % r.stderr[:300])


def main():
    with tempfile.TemporaryDirectory() as work:
        for name, fn in sorted(globals().items()):
            if name.startswith("test_") and callable(fn):
                sub = os.path.join(work, name)
                os.mkdir(sub)
                fn(sub)
    total = 1  # reported by CTest as one test; the details are above
    if failures:
        print("%d failed" % len(failures))
        sys.exit(1)
    print("e2e: all checks passed")


main()
