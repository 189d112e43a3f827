#!/usr/bin/python3
"""Independent check of the decode --json listings (samples/*.json, golden files
that test_formats_describe compares gpoc's output with): the documented shape
(docs/formats.md, "JSON shape"), and consistency of every value's members with its
raw bytes, decoded here with Python's own UTF-16 and integer code."""

import json
import os
import struct
import sys

KINDS = {
    "reg": {"comment", "key", "delete-key", "set", "delete-value"},
    "pol": {"set", "soft-set", "delete-value", "delete-all-values", "delete-values", "delete-keys",
            "secure-key"},
    "inf": {"section", "registry-value", "group-members", "group-memberof", "privilege", "line"},
}
TYPES = {0: "REG_NONE", 1: "REG_SZ", 2: "REG_EXPAND_SZ", 3: "REG_BINARY", 4: "REG_DWORD",
         5: "REG_DWORD_BIG_ENDIAN", 6: "REG_LINK", 7: "REG_MULTI_SZ", 11: "REG_QWORD"}


def fail(path, msg):
    print("%s: %s" % (path, msg))
    sys.exit(1)


def check_value(path, e):
    data = bytes.fromhex(e["hex"])
    if len(data) != e["size"]:
        fail(path, "size %d but %d hex bytes" % (e["size"], len(data)))
    if e["type_code"] in TYPES and e["type"] != TYPES[e["type_code"]]:
        fail(path, "type %s for code %d" % (e["type"], e["type_code"]))
    if "string" in e:
        if data.decode("utf-16-le") != e["string"] + "\0":
            fail(path, "string %r does not match its bytes" % e["string"])
    if "strings" in e:
        if data.decode("utf-16-le") != "".join(s + "\0" for s in e["strings"]) + "\0":
            fail(path, "strings %r do not match their bytes" % e["strings"])
    if "number" in e:
        fmt = "<I" if e["type_code"] == 4 else ">I"
        if struct.unpack(fmt, data)[0] != e["number"]:
            fail(path, "number %d does not match its bytes" % e["number"])
    if "number_text" in e and struct.unpack("<Q", data)[0] != int(e["number_text"]):
        fail(path, "number_text does not match its bytes")
    if "sddl" in e:
        if not isinstance(e["explain"], list) or not all(isinstance(x, str) for x in e["explain"]):
            fail(path, "explain is not a list of lines")


def main(folder):
    checked = 0
    for name in sorted(os.listdir(folder)):
        if not name.endswith(".json"):
            continue
        path = os.path.join(folder, name)
        with open(path, encoding="utf-8") as f:
            doc = json.load(f)
        fmt = doc["format"]
        if fmt in ("sd-binary", "sd-hex", "sddl"):
            if not doc["sddl"] or not doc["explain"]:
                fail(path, "descriptor without sddl or explanation")
            checked += 1
            continue
        if fmt not in KINDS:
            fail(path, "unknown format %r" % fmt)
        if fmt != "pol" and doc["encoding"] not in ("utf-16le", "utf-8"):
            fail(path, "bad encoding")
        for e in doc["entries"]:
            if e["kind"] not in KINDS[fmt]:
                fail(path, "kind %r in a %s listing" % (e["kind"], fmt))
            if "type_code" in e:
                check_value(path, e)
            if fmt == "pol" and e["kind"] == "delete-value" and not e["name"].lower().startswith("**del."):
                fail(path, "delete-value entry without **del. name")
            for a in e.get("accounts", []):
                if a["sid"] is not None and a["text"] != "*" + a["sid"]:
                    fail(path, "account %r with sid %r" % (a["text"], a["sid"]))
            checked += 1
    if checked < 20:
        fail(folder, "only %d entries checked" % checked)
    print("%d entries checked" % checked)


if __name__ == "__main__":
    main(sys.argv[1])
