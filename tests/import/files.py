"""Helpers of the import script tests: writers of .reg files and Registry.pol written
here from the format descriptions (docs/formats.md, [MS-GPREG]), independently of
gpoc's own writers, and small wrappers around the built gpoc.

The .reg writer takes lines of text and encodes them; it does not escape anything, so
a test says exactly which bytes the file holds.
"""
import json
import os
import re
import struct
import subprocess

GPOC = os.environ["GPOC_BIN"]
SOURCE = os.environ["GPOC_SOURCE_DIR"]

REG_NONE, REG_SZ, REG_EXPAND_SZ, REG_BINARY, REG_DWORD = 0, 1, 2, 3, 4
REG_MULTI_SZ, REG_QWORD = 7, 11


def reg5(lines):
    """A 'Windows Registry Editor Version 5.00' file: BOM, UTF-16LE, CRLF."""
    text = "Windows Registry Editor Version 5.00\r\n\r\n" + "\r\n".join(lines) + "\r\n\r\n"
    return b"\xff\xfe" + text.encode("utf-16-le", "surrogatepass")


def regedit4(lines):
    text = "REGEDIT4\r\n\r\n" + "\r\n".join(lines) + "\r\n\r\n"
    return text.encode("utf-8")


def reg_quote(s):
    """A .reg string literal: only backslash and double quote are escaped."""
    return '"' + s.replace("\\", "\\\\").replace('"', '\\"') + '"'


def hexbytes(data, typ=None):
    head = "hex:" if typ is None else "hex(%x):" % typ
    return head + ",".join("%02x" % b for b in data)


def sz(s):
    return s.encode("utf-16-le", "surrogatepass") + b"\0\0"


def multi_sz(items):
    return b"".join(sz(i) for i in items) + b"\0\0"


def dword(n):
    return struct.pack("<I", n)


def qword(n):
    return struct.pack("<Q", n)


def pol(entries):
    """Registry.pol: 'PReg', version 1, then [key;name;type;size;data] in UTF-16LE
    framing. entries: (key, name, type, data bytes)."""
    out = bytearray(b"PReg" + struct.pack("<I", 1))
    for key, name, typ, data in entries:
        out += "[".encode("utf-16-le")
        out += key.encode("utf-16-le", "surrogatepass") + b"\0\0"
        out += ";".encode("utf-16-le")
        out += name.encode("utf-16-le", "surrogatepass") + b"\0\0"
        out += ";".encode("utf-16-le") + struct.pack("<I", typ)
        out += ";".encode("utf-16-le") + struct.pack("<I", len(data))
        out += ";".encode("utf-16-le") + data + "]".encode("utf-16-le")
    return bytes(out)


def pol_offsets(entries):
    """The byte offset of each entry's '[' in pol(entries)."""
    offs, at = [], 8
    for key, name, typ, data in entries:
        offs.append(at)
        at += 2 + len(key.encode("utf-16-le", "surrogatepass")) + 2 + 2
        at += len(name.encode("utf-16-le", "surrogatepass")) + 2 + 2 + 4 + 2 + 4 + 2 + len(data) + 2
    return offs


def run(args, stdin=None, env=None):
    e = dict(os.environ)
    if env:
        e.update(env)
    return subprocess.run([GPOC] + args, input=stdin, capture_output=True, env=e)


def decode_json(path):
    r = run(["decode", "--json", path])
    if r.returncode:
        raise AssertionError("decode %s failed: %s" % (path, r.stderr.decode()))
    return json.loads(r.stdout)


def set_entries(listing):
    """(hive, key, name, type_code, hex) of every value the file sets, in file order."""
    return [(e.get("hive"), e["key"], e["name"], e["type_code"], e["hex"])
            for e in listing["entries"] if e["kind"] == "set"]


def backups(gpo_dir):
    """{"main": registry.pol path or None, "revert": ...} of a gpo/ target directory."""
    found = {"main": None, "revert": None}
    if not os.path.isdir(gpo_dir):
        return found
    for d in sorted(os.listdir(gpo_dir)):
        with open(os.path.join(gpo_dir, d, "Backup.xml"), encoding="utf-8") as f:
            revert = "(revert)]]" in f.read()
        pol_path = os.path.join(gpo_dir, d, "DomainSysvol", "GPO", "Machine", "registry.pol")
        found["revert" if revert else "main"] = pol_path if os.path.exists(pol_path) else None
    return found


def rule_fields(text):
    """A Group Policy rule string as its list of (key, value) fields, version first."""
    parts = text.split("|")
    assert parts[-1] == "", text
    return [("version", parts[0])] + [tuple(p.split("=", 1)) for p in parts[1:-1]]


DESC_TRAILER = re.compile(r"(?:^|; )gpoc policy [A-Za-z0-9._-]+: .*$")


def user_description(desc):
    """What a gpoc rule description holds before the provenance gpoc appends."""
    return DESC_TRAILER.sub("", desc)
