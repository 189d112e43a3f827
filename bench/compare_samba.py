#!/usr/bin/python3
"""Compare SDDL canon+encode speed with Samba's security.descriptor.from_sddl.

Needs Samba's Python bindings, which Debian packages separately:

    apt-get install python3-samba
    /usr/bin/python3 bench/compare_samba.py --bench build-rel/bench/bench_sddl \
        --gpoc build-rel/gpoc

(use Debian's /usr/bin/python3: the bindings are installed for it only).

The corpus is the one bench_sddl uses: bench/sddl-corpus.txt plus every input of
$GPOC_SHARED_DIR/testdata/sddl-windows (default ../shared beside the source). Samba
measures from_sddl + as_sddl + ndr_pack, the same work as gpoc's parse + print +
encode. Both are timed on the descriptors both accept (Samba accepts some strings
Windows refuses, gpoc some Windows accepts and Samba refuses); --gpoc finds gpoc's
set with `gpoc sddl canon -` and also counts where the canonical strings differ,
and --bench runs bench_sddl on that exact subset. Times are process CPU time.
Speed is reported, never asserted.
"""
import argparse
import os
import subprocess
import sys
import tempfile
import time

try:
    from samba.dcerpc import security
    from samba.ndr import ndr_pack
except ImportError:
    sys.exit("compare_samba.py: Samba's Python bindings are missing; "
             "apt-get install python3-samba, then run with /usr/bin/python3")

HERE = os.path.dirname(os.path.abspath(__file__))
SOURCE = os.path.dirname(HERE)
DOMAIN = "S-1-5-21-3623811015-3361044348-30300820"


def corpus_lines():
    """The descriptors, in bench_sddl's order: corpus file, then Windows cases."""
    out = []
    with open(os.path.join(HERE, "sddl-corpus.txt"), encoding="utf-8") as f:
        for line in f:
            line = line.rstrip("\r\n")
            if line and not line.startswith("#"):
                out.append(line)
    shared = os.environ.get("GPOC_SHARED_DIR") or os.path.join(SOURCE, "..", "shared")
    windows = os.path.join(shared, "testdata", "sddl-windows")
    for name in sorted(os.listdir(windows)):
        if not name.endswith(".txt"):
            continue
        with open(os.path.join(windows, name), encoding="utf-8") as f:
            for line in f:
                line = line.rstrip("\r\n")
                if line:
                    out.append(line.split(" -> ")[0])
    return out


def measure(fn, items, seconds):
    done = 0
    start = time.process_time()
    while True:
        for s in items:
            fn(s)
        done += len(items)
        elapsed = time.process_time() - start
        if elapsed >= seconds:
            return done, elapsed


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--seconds", type=float, default=3.0)
    ap.add_argument("--bench", help="path to bench_sddl, to time gpoc on the same subset")
    ap.add_argument("--gpoc", help="path to gpoc, to keep only descriptors both accept")
    args = ap.parse_args()

    dom = security.dom_sid(DOMAIN)
    lines = corpus_lines()
    accepted, refused = [], 0
    for s in lines:
        try:
            security.descriptor.from_sddl(s, dom)
            accepted.append(s)
        except Exception:
            refused += 1
    print(f"corpus: {len(lines)} lines; Samba accepts {len(accepted)}, refuses {refused}")
    if args.gpoc:
        # One output line per input line, "error: ..." for a refused one.
        p = subprocess.run([args.gpoc, "sddl", "canon", "--domain-sid", DOMAIN, "-"],
                           input="".join(s + "\n" for s in accepted), capture_output=True,
                           text=True, check=False)
        canon = p.stdout.split("\n")[:-1]
        if len(canon) != len(accepted):
            sys.exit(f"gpoc printed {len(canon)} lines for {len(accepted)}")
        both = [(s, c) for s, c in zip(accepted, canon) if not c.startswith("error: ")]
        differ = sum(1 for s, c in both
                     if security.descriptor.from_sddl(s, dom).as_sddl(dom) != c)
        print(f"gpoc accepts {len(both)} of them; canonical forms differ for {differ}")
        accepted = [s for s, _ in both]
    nbytes = sum(len(s) for s in accepted)
    print(f"timed set: {len(accepted)} descriptors, {nbytes} bytes of SDDL")

    def canon_encode(s):
        sd = security.descriptor.from_sddl(s, dom)
        sd.as_sddl(dom)
        ndr_pack(sd)

    def parse_only(s):
        security.descriptor.from_sddl(s, dom)

    for label, fn in (("samba from_sddl+as_sddl+ndr_pack", canon_encode),
                      ("samba from_sddl alone", parse_only)):
        done, elapsed = measure(fn, accepted, args.seconds)
        print(f"{label}: {done} descriptors in {elapsed:.2f} s of CPU = "
              f"{done / elapsed:.0f} descriptors/s, "
              f"{nbytes * done / len(accepted) / elapsed / 1e6:.1f} MB/s of SDDL")

    if args.bench:
        with tempfile.NamedTemporaryFile("w", suffix=".txt", delete=False,
                                         encoding="utf-8") as tmp:
            for s in accepted:
                tmp.write(s + "\n")
        try:
            p = subprocess.run([args.bench, "--seconds", str(args.seconds),
                                "--domain-sid", DOMAIN, tmp.name],
                               capture_output=True, text=True, check=False)
            for line in p.stdout.splitlines():
                print("gpoc " + line)
            if p.returncode:
                print(p.stderr, file=sys.stderr)
                return 1
        finally:
            os.unlink(tmp.name)
    return 0


if __name__ == "__main__":
    sys.exit(main())
