#!/usr/bin/env python3
"""gpoc import on the command line: exit codes (0 imported, 1 malformed or nothing to
import, 2 usage or I/O), where errors point (file:line:col in a .reg, byte offset in
a Registry.pol), standard input and output, and -o: the intent appears whole or not
at all, an existing file is replaced only by a complete new one and left alone when
the import fails.
"""
import os
import stat
import subprocess
import sys
import tempfile

# No __pycache__ in the source tree.
sys.dont_write_bytecode = True
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import files  # noqa: E402
from files import REG_DWORD, REG_SZ, dword, sz  # noqa: E402

FAILURES = []


def check(cond, what):
    if not cond:
        FAILURES.append(what)
        print("FAIL:", what, file=sys.stderr)


def expect(args, code, stderr_has=(), stdin=None, what=None):
    r = files.run(args, stdin=stdin)
    err = r.stderr.decode("utf-8", "replace")
    check(r.returncode == code, "%s: exit %d, want %d: %s" % (what or args, r.returncode, code, err))
    for s in stderr_has:
        check(s in err, "%s: stderr lacks %r: %s" % (what or args, s, err))
    return r


def main():
    with tempfile.TemporaryDirectory() as tmp:
        good_reg = os.path.join(tmp, "good.reg")
        with open(good_reg, "wb") as f:
            f.write(files.reg5(["[HKEY_LOCAL_MACHINE\\SOFTWARE\\Contoso]", '"Level"=dword:00000003']))
        good_pol = os.path.join(tmp, "registry.pol")
        with open(good_pol, "wb") as f:
            f.write(files.pol([("SOFTWARE\\Contoso", "Level", REG_DWORD, dword(3))]))

        # Usage and I/O: exit 2.
        expect(["import"], 2, ["exactly one FILE"])
        expect(["import", good_reg, good_pol], 2, ["exactly one FILE"])
        expect(["import", "--bogus", good_reg], 2, ["unknown option '--bogus'"])
        expect(["import", good_reg, "-o"], 2, ["needs a value"])
        expect(["import", os.path.join(tmp, "missing.reg")], 2, ["cannot read"])
        expect(["import", good_reg, "--policy", "bad name!"], 2, ["policy name 'bad name!' is refused"])
        expect(["import", good_reg, "--policy", "CON"], 2, ["policy name 'CON' is refused"])
        expect(["import", good_reg, "-o", os.path.join(tmp, "no", "such", "dir.yaml")], 2, ["cannot create"])
        r = expect(["import", "--help"], 0)
        check(b"usage: gpoc import" in r.stdout, "--help prints the usage")
        r = expect(["--help"], 0)
        check(b"import" in r.stdout, "gpoc --help lists import")

        # Malformed input: exit 1, with the place.
        bad_reg = os.path.join(tmp, "bad.reg")
        with open(bad_reg, "wb") as f:
            f.write(files.reg5(["[HKEY_LOCAL_MACHINE\\SOFTWARE\\X]", '"a"=dword:123456789']))
        expect(["import", bad_reg], 1, [bad_reg + ":4:"])
        bad_pol = os.path.join(tmp, "bad.pol")
        with open(bad_pol, "wb") as f:
            f.write(files.pol([("K", "v", REG_SZ, sz("x"))])[:-3])
        expect(["import", bad_pol], 1, [bad_pol + ": offset 0x"])
        other = os.path.join(tmp, "other.txt")
        with open(other, "w") as f:
            f.write("hello\n")
        expect(["import", other], 1, ["neither a .reg file"])
        # Nothing an intent can express: exit 1, nothing written.
        dels = os.path.join(tmp, "dels.reg")
        with open(dels, "wb") as f:
            f.write(files.reg5(["[-HKEY_LOCAL_MACHINE\\SOFTWARE\\Gone]", "[HKEY_CURRENT_USER\\Software\\X]",
                                '"a"="b"']))
        out = os.path.join(tmp, "dels.yaml")
        expect(["import", dels, "-o", out], 1,
               [dels + ":3: warning: not imported: ", dels + ":5: warning: not imported: ", "nothing written"])
        check(not os.path.exists(out), "nothing written when nothing is imported")

        # Standard output by default; '-' reads standard input.
        r = expect(["import", good_reg], 0, ["imported 1 setting"])
        check(r.stdout.startswith(b"# Imported by 'gpoc import'"), "the intent goes to standard output")
        with open(good_pol, "rb") as f:
            r2 = expect(["import", "-"], 0, stdin=f.read())
        check(b"outputs: [gpo]" in r2.stdout and b"'<stdin>'" in r2.stdout, "standard input as a Registry.pol")
        if os.path.exists("/dev/full"):
            with open("/dev/full", "wb") as full:
                rc = subprocess.run([files.GPOC, "import", good_reg], stdout=full,
                                    stderr=subprocess.DEVNULL).returncode
            check(rc == 2, "a failed write to standard output is exit 2, not %d" % rc)
        r3 = expect(["import", good_reg, "-o", "-"], 0)
        check(r3.stdout == r.stdout, "-o - is standard output")

        # -o: a complete file, with ordinary permissions; replaced whole; kept on failure.
        out = os.path.join(tmp, "intent.yaml")
        expect(["import", good_reg, "-o", out], 0)
        with open(out, "rb") as f:
            check(f.read() == r.stdout, "-o writes what standard output would have shown")
        mode = stat.S_IMODE(os.stat(out).st_mode)
        umask = os.umask(0)
        os.umask(umask)
        check(mode == 0o666 & ~umask, "-o file has the mode of any new file (%o), not %o" % (0o666 & ~umask, mode))
        expect(["check", out], 0)
        expect(["import", good_pol, "-o", out, "--policy", "contoso-levels"], 0)
        with open(out, encoding="utf-8") as f:
            text = f.read()
        check("name: 'contoso-levels'" in text and "outputs: [gpo]" in text, "-o replaced the file")
        expect(["import", bad_reg, "-o", out], 1)
        with open(out, encoding="utf-8") as f:
            check(f.read() == text, "a failed import leaves -o's file as it was")
        # --domain-sid resolves domain aliases in SDDL values; the intent holds the SID.
        da = os.path.join(tmp, "da.pol")
        with open(da, "wb") as f:
            f.write(files.pol([("SOFTWARE\\Policies\\Microsoft\\Windows NT\\DCOM", "MachineLaunchRestriction",
                                REG_SZ, sz("O:BAG:BAD:(A;;CCDCLCSWRP;;;DA)"))]))
        expect(["import", da], 1, ["needs the domain SID", "nothing written"])
        r = expect(["import", da, "--domain-sid", "S-1-5-21-1-2-3"], 0)
        check(b"'O:BAG:BAD:(A;;CCDCLCSWRP;;;S-1-5-21-1-2-3-512)'" in r.stdout, "DA resolved: " + r.stdout.decode())
        expect(["import", da, "--domain-sid", "S-1-x"], 2, ["bad --domain-sid"])
        leftovers = [n for n in os.listdir(tmp) if ".tmp-" in n]
        check(not leftovers, "no temporary files left: %s" % leftovers)
    if FAILURES:
        print("%d failure(s)" % len(FAILURES), file=sys.stderr)
        return 1
    print("ok")
    return 0


if __name__ == "__main__":
    sys.exit(main())
