#!/usr/bin/python3
"""Re-reads the golden XML files of tests/xml/golden with a second, independent XML
stack (Python's expat-based ElementTree, not libxml2) and checks what Windows needs
from them:

ADMX/ADML: every $(string.X) / $(presentation.X) resolves in the ADML next to the
ADMX (same folder or en-US/); every prefixed reference uses a declared prefix and,
when the referenced namespace is among the golden files (gpoc.admx), names
something that file defines; every unprefixed reference resolves locally; policy
elements and presentation controls match one to one.

Backup.xml/bkupInfo.xml: same GPO ID and display name, the extension list is made of
known [{CSE}{tool}...] groups sorted as GPMC sorts them, every file location stays
inside DomainSysvol\\GPO.

All files: UTF-8 with an XML declaration, LF line ends, no trailing spaces.

Usage: check_golden.py GOLDEN_DIR
"""

import os
import re
import sys
import xml.etree.ElementTree as ET

PD = "{http://schemas.microsoft.com/GroupPolicy/2006/07/PolicyDefinitions}"
BKP = "{http://www.microsoft.com/GroupPolicy/GPOOperations}"
MAN = "{http://www.microsoft.com/GroupPolicy/GPOOperations/Manifest}"

# DOMAIN.md section 7 plus the firewall tool seen in real gPCMachineExtensionNames.
KNOWN = {
    "{35378EAC-683F-11D2-A89A-00C04FBBCFA2}": {
        "{D02B1F72-3407-48AE-BA88-E8213C6761F1}",
        "{B05566AC-FE9C-4368-BE01-7A4CBB6CBA11}",
    },
    "{827D319E-6EAC-11D2-A4EA-00C04F79F83A}": {"{803E14A0-B4FB-11D0-A0D0-00A0C90F574B}"},
}

errors = []


def error(path, msg):
    errors.append(f"{path}: {msg}")


def check_text_form(path):
    data = open(path, "rb").read()
    data.decode("utf-8")
    if not data.startswith(b'<?xml version="1.0" encoding="UTF-8"?>\n'):
        error(path, "does not start with the XML declaration")
    if b"\r" in data.replace(b"&#13;", b""):
        error(path, "has a raw CR")
    if re.search(rb"[ \t]\n", data):
        error(path, "has trailing white space")
    if not data.endswith(b">\n"):
        error(path, "does not end with one line break")


def resource_id(value, kind):
    m = re.fullmatch(r"\$\(" + kind + r"\.([^)]+)\)", value)
    return m.group(1) if m else None


def load_admx(path):
    root = ET.parse(path).getroot()
    if root.tag != PD + "policyDefinitions":
        error(path, f"root is {root.tag}")
    ns = root.find(PD + "policyNamespaces")
    target = ns.find(PD + "target")
    info = {
        "path": path,
        "root": root,
        "prefix": target.get("prefix"),
        "namespace": target.get("namespace"),
        "using": {u.get("prefix"): u.get("namespace") for u in ns.findall(PD + "using")},
        "categories": {c.get("name") for c in root.iter(PD + "category")},
        "definitions": {d.get("name") for d in root.iter(PD + "definition")},
    }
    return info


def check_admx_pair(admx, adml_path, by_namespace):
    path = admx["path"]
    adml = ET.parse(adml_path).getroot()
    if adml.tag != PD + "policyDefinitionResources":
        error(adml_path, f"root is {adml.tag}")
    strings = {s.get("id") for s in adml.iter(PD + "string")}
    presentations = {p.get("id"): p for p in adml.iter(PD + "presentation")}

    for el in admx["root"].iter():
        for name, value in el.attrib.items():
            sid = resource_id(value, "string")
            if sid is not None and sid not in strings:
                error(path, f"{name}={value} not in {adml_path}")
            pid = resource_id(value, "presentation")
            if pid is not None and pid not in presentations:
                error(path, f"{name}={value} not in {adml_path}")

    def resolve(ref, kind):
        if ":" in ref:
            prefix, name = ref.split(":", 1)
            if prefix == admx["prefix"]:
                ns = admx["namespace"]
            elif prefix in admx["using"]:
                ns = admx["using"][prefix]
            else:
                error(path, f"prefix of {ref} is not declared")
                return
            other = by_namespace.get(ns)
            if other is None:
                error(path, f"namespace {ns} of {ref} is not among the golden files")
            elif name not in other[kind]:
                error(path, f"{ref} is not defined in {other['path']}")
        elif ref not in admx[kind]:
            error(path, f"{ref} is not defined locally")

    for el in admx["root"].iter(PD + "parentCategory"):
        resolve(el.get("ref"), "categories")
    for pol in admx["root"].iter(PD + "policy"):
        resolve(pol.find(PD + "supportedOn").get("ref"), "definitions")
        elements = pol.find(PD + "elements")
        ids = [e.get("id") for e in elements] if elements is not None else []
        pres = pol.get("presentation")
        if pres is None:
            if ids:
                error(path, f"policy {pol.get('name')} has elements but no presentation")
            continue
        controls = [c.get("refId") for c in presentations[resource_id(pres, "presentation")]
                    if c.tag != PD + "text"]
        if sorted(controls) != sorted(ids):
            error(path, f"policy {pol.get('name')}: elements {ids} but controls {controls}")


def check_backup_pair(backup_path, info_path):
    b = ET.parse(backup_path).getroot()
    m = ET.parse(info_path).getroot()
    if b.tag != BKP + "GroupPolicyBackupScheme" or b.get(BKP + "version") != "2.0":
        error(backup_path, "not a version 2.0 GroupPolicyBackupScheme")
    core = b.find(f"{BKP}GroupPolicyObject/{BKP}GroupPolicyCoreSettings")
    if core.findtext(BKP + "ID").upper() != m.findtext(MAN + "GPOGuid").upper():
        error(info_path, "GPOGuid differs from Backup.xml's ID")
    if core.findtext(BKP + "DisplayName") != m.findtext(MAN + "GPODisplayName"):
        error(info_path, "GPODisplayName differs from Backup.xml's DisplayName")
    ext = core.findtext(BKP + "MachineExtensionGuids") or ""
    groups = re.findall(r"\[([^\]]*)\]", ext)
    if "".join(f"[{g}]" for g in groups) != ext:
        error(backup_path, f"MachineExtensionGuids malformed: {ext}")
    cses = []
    for g in groups:
        guids = re.findall(r"\{[0-9A-F-]{36}\}", g)
        cse, tools = guids[0], guids[1:]
        cses.append(cse)
        if cse not in KNOWN or not set(tools) <= KNOWN[cse] or not tools:
            error(backup_path, f"unknown extension group [{g}]")
        if tools != sorted(tools):
            error(backup_path, f"tools of {cse} not sorted")
    if cses != sorted(cses) or len(set(cses)) != len(cses):
        error(backup_path, "extension groups not sorted or repeated")
    version = int(core.findtext(BKP + "MachineVersionNumber"))
    if version >> 16 != version & 0xFFFF:
        error(backup_path, f"machine version {version} has different directory and sysvol halves")
    for el in b.iter():
        loc = el.get(BKP + "Location")
        if loc is not None:
            parts = loc.split("\\")
            if parts[:2] != ["DomainSysvol", "GPO"] or any(p in ("", ".", "..") for p in parts):
                error(backup_path, f"location {loc} leaves the backup folder")


def main():
    golden = sys.argv[1]
    files = []
    for dirpath, _, names in os.walk(golden):
        files += [os.path.join(dirpath, n) for n in sorted(names)]
    xml_files = [f for f in files if f.endswith((".admx", ".adml", ".xml"))]
    for f in xml_files:
        check_text_form(f)

    admxs = [load_admx(f) for f in xml_files if f.endswith(".admx")]
    by_namespace = {a["namespace"]: a for a in admxs}
    for a in admxs:
        stem = os.path.splitext(os.path.basename(a["path"]))[0] + ".adml"
        here = os.path.dirname(a["path"])
        candidates = [os.path.join(here, stem), os.path.join(here, "en-US", stem)]
        adml = next((c for c in candidates if os.path.exists(c)), None)
        if adml is None:
            error(a["path"], "has no ADML")
        else:
            check_admx_pair(a, adml, by_namespace)

    backups = [f for f in xml_files if f.endswith(".Backup.xml")]
    for b in backups:
        info = b[: -len(".Backup.xml")] + ".bkupInfo.xml"
        check_backup_pair(b, info)

    if len(admxs) < 4 or len(backups) < 2:
        error(golden, f"expected at least 4 ADMX and 2 backups, found {len(admxs)} and {len(backups)}")
    for e in errors:
        print(e)
    print(f"checked {len(xml_files)} files: {len(admxs)} ADMX, {len(backups)} backups, {len(errors)} problems")
    return 1 if errors else 0


if __name__ == "__main__":
    sys.exit(main())
