#!/usr/bin/python3
"""`gpoc check` as a command: options, exit statuses, standard input, several files,
unreadable files. The corpus in run_invalid.py covers the diagnostics themselves."""
import os
import subprocess
import sys
import tempfile

GPOC = os.environ["GPOC_BIN"]
HERE = os.path.dirname(os.path.abspath(__file__))
VALID = os.path.join(HERE, "valid")
INVALID = os.path.join(HERE, "invalid")
failures = []


def gpoc(*args, stdin=None, cwd=None):
    p = subprocess.run([GPOC] + list(args), input=stdin, cwd=cwd, stdout=subprocess.PIPE,
                       stderr=subprocess.PIPE, timeout=60)
    return p.returncode, p.stdout.decode(), p.stderr.decode()


def expect(what, got, rc=None, out=None, err=None, err_has=None, out_has=None):
    grc, gout, gerr = got
    problems = []
    if rc is not None and grc != rc:
        problems.append("exit %d, expected %d" % (grc, rc))
    if out is not None and gout != out:
        problems.append("stdout %r, expected %r" % (gout, out))
    if err is not None and gerr != err:
        problems.append("stderr %r, expected %r" % (gerr, err))
    for part in err_has or []:
        if part not in gerr:
            problems.append("stderr lacks %r: %r" % (part, gerr))
    for part in out_has or []:
        if part not in gout:
            problems.append("stdout lacks %r: %r" % (part, gout))
    if problems:
        failures.append("%s: %s" % (what, "; ".join(problems)))


with open(os.path.join(VALID, "minimal.yaml"), "rb") as f:
    minimal = f.read()
with open(os.path.join(INVALID, "version-unsupported.yaml"), "rb") as f:
    unsupported = f.read()

# A valid intent: silence and 0. Several valid ones too.
expect("valid", gpoc("check", "minimal.yaml", cwd=VALID), rc=0, out="", err="")
names = sorted(n for n in os.listdir(VALID) if n.endswith(".yaml"))
# Lint warnings may appear (the valid corpus exercises broad grants); errors may not.
rc, _, err = gpoc("check", *names, cwd=VALID)
if rc != 0 or ": error:" in err:
    failures.append("all valid: exit %d, stderr %r" % (rc, err))

# Standard input is named <stdin>.
expect("stdin valid", gpoc("check", "-", stdin=minimal), rc=0, out="", err="")
expect("stdin invalid", gpoc("check", "-", stdin=unsupported), rc=1, out="",
       err="<stdin>:1:7: error: unsupported format version '2'; this gpoc reads version 1\n"
           "    gpoc: 2\n          ^\n")
expect("stdin twice", gpoc("check", "-", "-", stdin=minimal), rc=2, out="",
       err="gpoc: error: standard input ('-') can be checked only once\n")

# Every file is checked even after a bad one; the status is the worst.
expect("valid and invalid", gpoc("check", os.path.join(INVALID, "version-unsupported.yaml"),
                                 os.path.join(INVALID, "grants-empty.yaml"), os.path.join(VALID, "minimal.yaml")),
       rc=1, out="", err_has=["version-unsupported.yaml:1:7: error:", "grants-empty.yaml:4:9: error:"])

# Unreadable files: exit 2, and the other files are still checked.
with tempfile.TemporaryDirectory(prefix="gpoc-cli-") as tmp:
    missing = os.path.join(tmp, "missing.yaml")
    expect("missing file", gpoc("check", missing), rc=2, out="",
           err="gpoc: error: cannot read '%s': No such file or directory\n" % missing)
    expect("directory", gpoc("check", tmp), rc=2, out="",
           err="gpoc: error: cannot read '%s': it is a directory\n" % tmp)
    expect("missing then invalid", gpoc("check", missing, os.path.join(INVALID, "grants-empty.yaml")), rc=2,
           err_has=["cannot read", "grants-empty.yaml:4:9: error:"])
    # A file named like an option, after --.
    dash = os.path.join(tmp, "-x.yaml")
    with open(dash, "wb") as f:
        f.write(minimal)
    expect("after --", gpoc("check", "--", "-x.yaml", cwd=tmp), rc=0, out="", err="")

# Options.
expect("--help", gpoc("check", "--help"), rc=0, err="", out_has=["usage: gpoc check", "--diagnostics=FMT"])
expect("-h", gpoc("check", "-h"), rc=0, err="", out_has=["usage: gpoc check"])
expect("diagnostics=gcc", gpoc("check", "--diagnostics=gcc", "minimal.yaml", cwd=VALID), rc=0, out="", err="")
expect("diagnostics gcc", gpoc("check", "--diagnostics", "gcc", "minimal.yaml", cwd=VALID), rc=0, out="",
       err="")
expect("diagnostics=json", gpoc("check", "--diagnostics=json", "minimal.yaml", cwd=VALID), rc=0, out="",
       err_has=['"diagnostics": []'])
expect("diagnostics=xml", gpoc("check", "--diagnostics=xml", "minimal.yaml", cwd=VALID), rc=2, out="",
       err="gpoc: error: unknown diagnostics format 'xml'; use gcc, json or sarif\n")
expect("diagnostics without value", gpoc("check", "--diagnostics"), rc=2, out="",
       err="gpoc: error: option '--diagnostics' needs a value\n")
expect("unknown option", gpoc("check", "--frobnicate", "x.yaml"), rc=2, out="",
       err="gpoc: error: unknown option '--frobnicate'; see 'gpoc check --help'\n")
expect("no file", gpoc("check"), rc=2, out="", err="gpoc: error: no intent given; usage: gpoc check INTENT...\n")
expect("listed in gpoc --help", gpoc("--help"), rc=0,
       out_has=["check          validate intents and report every problem; writes nothing"])

# check writes nothing: the directory it runs in stays as it was.
with tempfile.TemporaryDirectory(prefix="gpoc-cli-") as tmp:
    with open(os.path.join(tmp, "i.yaml"), "wb") as f:
        f.write(minimal)
    gpoc("check", "i.yaml", cwd=tmp)
    if sorted(os.listdir(tmp)) != ["i.yaml"]:
        failures.append("check wrote files: %r" % os.listdir(tmp))

if failures:
    print("\n".join(failures))
    sys.exit(1)
print("gpoc check: all command-line cases pass")
