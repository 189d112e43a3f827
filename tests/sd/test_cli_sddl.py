#!/usr/bin/python3
"""Script test for `gpoc sddl`: outputs, stdin line-for-line mode, exit codes.

Run by CTest with GPOC_BIN set; expected outputs are written out by hand.
"""
import os
import subprocess
import sys

GPOC = os.environ.get("GPOC_BIN")
if not GPOC:
    sys.exit("GPOC_BIN is not set; run through ctest")

DOMAIN = "S-1-5-21-1111111111-2222222222-3333333333"
FOREST = "S-1-5-21-4044444444-555555555-666666666"
MACHINE = "S-1-5-21-7-8-9"

failures = []


def run(args, stdin=None):
    p = subprocess.run([GPOC, "sddl"] + args, input=stdin, capture_output=True)
    return p.returncode, p.stdout.decode("utf-8", "replace"), p.stderr.decode("utf-8", "replace")


def check(name, cond, detail=""):
    if not cond:
        failures.append(f"{name}: {detail}")


def expect(name, args, rc, out=None, stdin=None, err_has=None, out_has=None):
    got_rc, got_out, got_err = run(args, stdin)
    check(name, got_rc == rc, f"exit {got_rc}, expected {rc}; stderr {got_err!r}")
    if out is not None:
        check(name, got_out == out, f"stdout {got_out!r}, expected {out!r}")
    if err_has is not None:
        check(name, err_has in got_err, f"stderr {got_err!r} lacks {err_has!r}")
    if out_has is not None:
        check(name, out_has in got_out, f"stdout {got_out!r} lacks {out_has!r}")
    return got_out


# --- one descriptor from the command line ---
expect("canon", ["canon", "S:(AU;SA;WP;;;WD)D:(a;;RPLCLORC;;;au)O:BA"], 0,
       "O:BAD:(A;;LCRPLORC;;;AU)S:(AU;SA;WP;;;WD)\n")
# DOMAIN.md §3's worked example.
expect("hex", ["hex", "D:(A;;0x201f01ff;;;SY)"], 0,
       "010004800000000000000000000000001400000002001c000100000000001400ff011f20"
       "010100000000000512000000\n")
expect("explain", ["explain", "--as", "com-launch",
                   "O:BAG:BAD:(A;;CCDCLCSWRP;;;S-1-5-32-562)(A;;CCDCSW;;;WD)"], 0,
       "O:BAG:BAD:(A;;CCDCLCSWRP;;;S-1-5-32-562)(A;;CCDCSW;;;WD)\n"
       "allow  Distributed COM Users (S-1-5-32-562): local launch, remote launch, "
       "local activation, remote activation\n"
       "allow  Everyone (S-1-1-0): local launch, local activation\n")
expect("rejected", ["canon", "D:(Antlers;;GA;;;SY)"], 1, "",
       err_has="unknown ACE type 'Antlers'")
expect("rejected offset", ["canon", "D:(A;;GA;;;XX)"], 1, "", err_has="(at offset 11)")
expect("empty", ["canon", ""], 0, "\n")

# --- domains ---
expect("alias needs domain", ["canon", "O:DA"], 1, "", err_has="needs the domain SID")
expect("domain alias", ["canon", "--domain-sid", DOMAIN, "O:DAG:du"], 0, "O:DAG:DU\n")
expect("domain alias =", ["canon", f"--domain-sid={DOMAIN}", "O:LAG:EA"], 0, "O:LAG:EA\n")
expect("foreign rid numeric", ["canon", "--domain-sid", DOMAIN, "O:S-1-5-21-1-2-3-512"], 0,
       "O:S-1-5-21-1-2-3-512\n")
expect("domain rid alias", ["canon", "--domain-sid", DOMAIN, f"O:{DOMAIN}-512"], 0, "O:DA\n")
# --forest-sid and --machine-sid take over their groups from --domain-sid.
expect("forest override", ["canon", "--domain-sid", DOMAIN, "--forest-sid", FOREST,
                           f"O:{FOREST}-519G:{DOMAIN}-519"], 0, f"O:EAG:{DOMAIN}-519\n")
expect("machine override", ["canon", "--domain-sid", DOMAIN, "--machine-sid", MACHINE,
                            f"O:{MACHINE}-500G:{DOMAIN}-500"], 0, f"O:LAG:{DOMAIN}-500\n")
expect("forest alone", ["hex", "--forest-sid", FOREST, "O:EA"], 0, out_has="0105000000000005")
expect("machine needs", ["canon", "--forest-sid", FOREST, "O:LA"], 1,
       err_has="machine's account domain SID")
expect("numeric rm", ["canon", "--numeric-rm", "D:(A;;CC;;;RM)"], 0,
       "D:(A;;CC;;;S-1-5-32-580)\n")

# --- vocabularies ---
expect("com rules", ["canon", "--as", "com-access", "D:(A;;DCLC;;;WD)"], 1, "",
       err_has="EXECUTE")
expect("wmi rules", ["hex", "--as", "wmi", "D:(A;;CC;;;WD)"], 1, "", err_has="owner and a group")
expect("wmi ok", ["canon", "--as", "wmi", "O:BAG:BAD:(A;CI;CCDCRP;;;AU)"], 0,
       "O:BAG:BAD:(A;CI;CCDCRP;;;AU)\n")

# --- standard input, one output line per input line ---
lines = [
    "D:(A;;GA;;;SY)",
    "",
    "D:(Antlers;;GA;;;SY)",
    "O:BA\r",
    "D:(A;;GA;;;DA)",
    "  O:AA G:WD ",
    "D:(\x1b[31m;;GA;;;SY)",
]
out = expect("stdin canon", ["canon", "-"], 1, stdin="\n".join(lines).encode() + b"\n")
got = out.split("\n")
check("stdin canon", got[-1] == "", f"output does not end in a newline: {out!r}")
got = got[:-1]
check("stdin canon", len(got) == len(lines), f"{len(got)} lines for {len(lines)}: {got!r}")
if len(got) == len(lines):
    check("stdin line 1", got[0] == "D:(A;;GA;;;SY)", got[0])
    check("stdin line 2", got[1] == "", got[1])
    check("stdin line 3", got[2].startswith("error: unknown ACE type 'Antlers'"), got[2])
    check("stdin line 4", got[3] == "O:BA", got[3])
    check("stdin line 5", got[4].startswith("error: SID alias 'DA' needs"), got[4])
    check("stdin line 6", got[5] == "O:AAG:WD", got[5])
    check("stdin line 7", got[6].startswith("error: ") and "\\x1b" in got[6]
          and "\x1b" not in got[6], repr(got[6]))

expect("stdin ok", ["canon", "-"], 0, "D:(A;;GA;;;SY)\nO:BA\n",
       stdin=b"D:(a;;ga;;;sy)\nO:BA")
expect("stdin hex", ["hex", "-", "--domain-sid", DOMAIN], 0,
       "010004800000000000000000000000001400000002001c000100000000001400ff011f20"
       "010100000000000512000000\n0100048000000000000000000000000000000000\n",
       stdin=b"D:(A;;0x201f01ff;;;SY)\nD:NO_ACCESS_CONTROL\n")
expect("stdin explain", ["explain", "--as", "com-access", "-"], 1,
       "O:BAD:(A;;CCDCLC;;;WD)(A;;CCDC;;;AN)\tallow  Everyone (S-1-1-0): local access, "
       "remote access; allow  Anonymous Logon (S-1-5-7): local access\n"
       "D:\tempty DACL: nobody has any right\n"
       "error: DACL ACE 1 (A for S-1-1-0): COM rights need EXECUTE (0x1, CC) in every ACE\n",
       stdin=b"O:BAD:(A;;CCDCLC;;;WD)(A;;CCDC;;;AN)\nD:\nD:(A;;DC;;;WD)\n")

many = "".join(f"D:(A;;0x{i:x};;;S-1-5-21-1-2-3-{i})\n" if i % 7 else "junk\n"
               for i in range(1, 3001))
out = expect("stdin many", ["canon", "-"], 1, stdin=many.encode())
out_lines = out.split("\n")[:-1]
check("stdin many", len(out_lines) == 3000, f"{len(out_lines)} lines")
check("stdin many errors", sum(1 for l in out_lines if l.startswith("error: ")) == 3000 // 7,
      "wrong number of error lines")

# --- usage ---
expect("help", ["--help"], 0, out_has="usage: gpoc sddl canon|hex|explain")
expect("no args", [], 2, err_has="usage: gpoc sddl")
expect("unknown action", ["canonical", "O:BA"], 2, "", err_has="unknown sddl action 'canonical'")
expect("missing input", ["canon"], 2, "", err_has="missing SDDL string")
expect("two inputs", ["canon", "O:BA", "O:SY"], 2, "", err_has="unexpected argument 'O:SY'")
expect("unknown option", ["canon", "--domain", DOMAIN, "O:BA"], 2, "",
       err_has="unknown option '--domain'")
expect("missing value", ["canon", "O:BA", "--domain-sid"], 2, "", err_has="needs a value")
expect("bad sid", ["canon", "--domain-sid", "S-1-5-21-x", "O:BA"], 2, "",
       err_has="bad --domain-sid 'S-1-5-21-x'")
expect("full sid", ["canon", "--domain-sid", "S-1-5-1-2-3-4-5-6-7-8-9-10-11-12-13-14-15",
                    "O:BA"], 2, "", err_has="room for a RID")
expect("bad vocab", ["canon", "--as", "dcom", "O:BA"], 2, "", err_has="unknown vocabulary 'dcom'")
expect("double dash", ["canon", "--", "O:BA"], 0, "O:BA\n")

if failures:
    print(f"{len(failures)} failures:")
    for f in failures:
        print("  " + f)
    sys.exit(1)
print("gpoc sddl: all checks passed")
