"""Depfiles read back by the real GNU make and ninja (docs/lint.md, "Depfiles").

For file names with every special character gpoc accepts, review_depfile_tool writes
a depfile, and:
  - ninja (deps = gcc) records the dependencies; `ninja -t deps` must list exactly
    the names given, byte for byte;
  - GNU make includes it: with every file present and older than the target, `make
    -q` must say "up to date" (so every name make parsed is an existing file), and
    touching any one file must make the target out of date (so each is a
    prerequisite).
Names the two cannot both read must be refused with an error naming them.

usage: check_depfile.py REVIEW_DEPFILE_TOOL
"""
import os
import shutil
import subprocess
import sys
import tempfile

TOOL = sys.argv[1]

ACCEPTED = [
    "plain.yaml",
    "with space.yaml",
    "two  spaces.yaml",
    "dollar$sign.yaml",
    "$$double.yaml",
    "hash#tag.yaml",
    "colon:name.yaml",
    "back\\slash.yaml",
    "back\\ space.yaml",
    "two\\\\ space.yaml",
    "tilde~in.yaml",
    "unicode-\u00e9\u6f22.yaml",
    "brace{1}.yaml",
    "paren(1)x.yaml",
    "at@bang!.yaml",
    "plus+comma,.yaml",
    "sub dir/x y.yaml",
    "sub dir/h#$:.yaml",
]

REFUSED = [
    "tab\tname.yaml", "new\nline.yaml", "semi;colon.yaml", "eq=uals.yaml", "per%cent.yaml",
    "star*.yaml", "what?.yaml", "br[ack]et.yaml", "quo\"te.yaml", "apo'strophe.yaml",
    "amp&.yaml", "less<.yaml", "pipe|.yaml", "caret^.yaml", "back`tick.yaml", "~home.yaml",
    "trailing:", "trailing\\", "slash\\#hash", "slash\\:colon", "lib.a(member.o)",
]

failures = []


def fail(msg):
    failures.append(msg)
    print("FAIL:", msg)


def write_depfile(workdir, path, target, names):
    return subprocess.run([TOOL, path, target] + names, cwd=workdir, capture_output=True)


def make_files(workdir, names):
    for n in names:
        p = os.path.join(workdir, n)
        os.makedirs(os.path.dirname(p), exist_ok=True)
        with open(p, "w") as f:
            f.write("x\n")


def set_times(workdir, names, t):
    for n in names:
        os.utime(os.path.join(workdir, n), (t, t))


def check_ninja(workdir):
    if not shutil.which("ninja"):
        fail("ninja is not installed")
        return
    r = write_depfile(workdir, "src.d", "out", ACCEPTED)
    if r.returncode != 0:
        fail("depfile refused: " + r.stderr.decode())
        return
    with open(os.path.join(workdir, "build.ninja"), "w") as f:
        f.write("rule gen\n"
                "  command = cp src.d out.d && touch out\n"
                "  depfile = out.d\n"
                "  deps = gcc\n"
                "build out: gen\n")
    r = subprocess.run(["ninja"], cwd=workdir, capture_output=True)
    if r.returncode != 0:
        fail("ninja build failed: " + r.stdout.decode() + r.stderr.decode())
        return
    r = subprocess.run(["ninja", "-t", "deps", "out"], cwd=workdir, capture_output=True)
    lines = r.stdout.decode("utf-8").splitlines()
    got = [l[4:] for l in lines[1:] if l.startswith("    ")]
    if got != ACCEPTED:
        fail("ninja read %r, want %r" % (got, ACCEPTED))
    # Nothing changed: nothing to do.
    r = subprocess.run(["ninja", "-n"], cwd=workdir, capture_output=True)
    if b"no work to do" not in r.stdout:
        fail("ninja wants to rebuild with nothing changed: " + r.stdout.decode())


def check_make(workdir):
    r = write_depfile(workdir, "out.d", "out", ACCEPTED)
    if r.returncode != 0:
        fail("depfile refused: " + r.stderr.decode())
        return
    with open(os.path.join(workdir, "Makefile"), "w") as f:
        f.write("out:\n\ttouch out\n\ninclude out.d\n")
    set_times(workdir, ACCEPTED, 1000000000)
    open(os.path.join(workdir, "out"), "w").close()
    os.utime(os.path.join(workdir, "out"), (1000000100, 1000000100))

    def up_to_date():
        r = subprocess.run(["make", "-r", "-R", "-q", "out"], cwd=workdir, capture_output=True)
        if r.returncode == 2:
            fail("make failed: " + r.stderr.decode())
        return r.returncode == 0

    if not up_to_date():
        fail("make thinks 'out' is out of date with every file older: it parsed a name "
             "that is not one of the files")
    for n in ACCEPTED:
        os.utime(os.path.join(workdir, n), (1000000200, 1000000200))
        if up_to_date():
            fail("make did not see %r as a prerequisite" % n)
        os.utime(os.path.join(workdir, n), (1000000000, 1000000000))


def check_refused(workdir):
    for n in REFUSED:
        r = write_depfile(workdir, "bad.d", "out", ["ok.yaml", n])
        err = r.stderr.decode("utf-8", "replace")
        if r.returncode != 1 or "cannot write file name" not in err:
            fail("%r not refused (exit %d, %s)" % (n, r.returncode, err.strip()))
        if os.path.exists(os.path.join(workdir, "bad.d")):
            fail("a refused depfile was written for %r" % n)
    # The target is checked like the prerequisites.
    r = write_depfile(workdir, "bad.d", "out;x", ["ok.yaml"])
    if r.returncode != 1:
        fail("a refused target was accepted")
    leftovers = [f for f in os.listdir(workdir) if f.startswith("bad.d")]
    if leftovers:
        fail("temporary files left behind: %r" % leftovers)


for check in (check_ninja, check_make, check_refused):
    with tempfile.TemporaryDirectory() as d:
        make_files(d, ACCEPTED)
        check(d)

if failures:
    sys.exit(1)
print("ok: %d names read back by ninja and make, %d refused" % (len(ACCEPTED), len(REFUSED)))
