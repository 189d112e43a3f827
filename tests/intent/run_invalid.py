#!/usr/bin/python3
"""The invalid-intent corpus: every tests/intent/invalid/NAME.yaml must make
`gpoc check NAME.yaml` exit 1 with exactly NAME.stderr on standard error and
nothing on standard output. Inputs too big to commit are generated here into a
temporary directory; their goldens live in invalid/generated/.

Runs from the corpus directory so that file names in diagnostics are the relative
names. GPOC_UPDATE_GOLDEN=1 rewrites the goldens (review the diff)."""
import difflib
import os
import subprocess
import sys
import tempfile

HERE = os.path.dirname(os.path.abspath(__file__))
CORPUS = os.path.join(HERE, "invalid")
GENERATED_GOLDEN = os.path.join(CORPUS, "generated")
GPOC = os.environ["GPOC_BIN"]
UPDATE = os.environ.get("GPOC_UPDATE_GOLDEN") == "1"

HEAD = "gpoc: 1\npolicy:\n  name: p\n"
GRANTS = "grants:\n  - allow: remote-wmi\n    from: [10.0.0.0/8]\n"


def billion_laughs_deep():
    # Ten levels of ten: the classic bomb, far past the alias budget.
    lines = ['a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol","lol"]']
    for i in range(1, 10):
        prev, cur = chr(ord("a") + i - 1), chr(ord("a") + i)
        lines.append("%s: &%s [%s]" % (cur, cur, ",".join(["*" + prev] * 10)))
    return (HEAD + GRANTS + "\n".join(lines) + "\n").encode()


GENERATED = {
    # 8 MiB + 1 byte, mostly a comment: refused before parsing.
    "file-too-large": lambda: (HEAD + GRANTS + "#" * (8 * 1024 * 1024 - len(HEAD + GRANTS) - 1) + "\n"
                               + "#").encode(),
    # One string of 65,537 bytes.
    "string-too-long": lambda: (HEAD + '  description: "' + "x" * 65537 + '"\n' + GRANTS).encode(),
    # 100,000 levels of flow sequences: refused at level 65.
    "deep-nesting": lambda: (HEAD + GRANTS + "x: " + "[" * 100000 + "]" * 100000 + "\n").encode(),
    # 200,001 nodes and more.
    "too-many-nodes": lambda: (HEAD + GRANTS + "x: [" + ",".join(["1"] * 250000) + "]\n").encode(),
    "billion-laughs": billion_laughs_deep,
}


def run(cwd, name):
    p = subprocess.run([GPOC, "check", name + ".yaml"], cwd=cwd, stdout=subprocess.PIPE,
                       stderr=subprocess.PIPE, timeout=60)
    return p.returncode, p.stdout, p.stderr


def compare(name, cwd, golden_path, failures):
    rc, out, err = run(cwd, name)
    problems = []
    if rc != 1:
        problems.append("exit status %d, expected 1" % rc)
    if out:
        problems.append("unexpected standard output: %r" % out[:200])
    if UPDATE:
        with open(golden_path, "wb") as f:
            f.write(err)
    else:
        try:
            with open(golden_path, "rb") as f:
                want = f.read()
        except FileNotFoundError:
            want = None
            problems.append("no golden %s (run with GPOC_UPDATE_GOLDEN=1)" % golden_path)
        if want is not None and want != err:
            diff = difflib.unified_diff(want.decode("utf-8", "replace").splitlines(True),
                                        err.decode("utf-8", "replace").splitlines(True),
                                        "expected", "actual")
            problems.append("standard error differs:\n" + "".join(diff))
    if not err.strip():
        problems.append("no diagnostics at all")
    if problems:
        failures.append("%s:\n  %s" % (name, "\n  ".join(problems)))


def main():
    failures = []
    names = sorted(f[:-5] for f in os.listdir(CORPUS) if f.endswith(".yaml"))
    if len(names) < 40:
        failures.append("corpus has only %d intents" % len(names))
    for name in names:
        compare(name, CORPUS, os.path.join(CORPUS, name + ".stderr"), failures)
    # Every golden has its input: a stale golden would hide a deleted case.
    for f in os.listdir(CORPUS):
        if f.endswith(".stderr") and f[:-7] not in names:
            failures.append("%s has no %s.yaml" % (f, f[:-7]))
    with tempfile.TemporaryDirectory(prefix="gpoc-invalid-") as tmp:
        for name, make in GENERATED.items():
            with open(os.path.join(tmp, name + ".yaml"), "wb") as f:
                f.write(make())
            compare(name, tmp, os.path.join(GENERATED_GOLDEN, name + ".stderr"), failures)
    total = len(names) + len(GENERATED)
    if failures:
        print("\n\n".join(failures))
        print("\n%d of %d invalid intents failed" % (len(failures), total))
        return 1
    print("%d invalid intents refused as expected%s" % (total, " (goldens rewritten)" if UPDATE else ""))
    return 0


if __name__ == "__main__":
    sys.exit(main())
