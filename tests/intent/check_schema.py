#!/usr/bin/python3
"""schemas/intent.schema.json: a valid JSON Schema 2020-12 that accepts every valid
intent (tests/intent/valid, examples/) and rejects the invalid ones it can judge,
and whose enums (targets, aliases) agree with what `gpoc check` accepts."""
import glob
import json
import os
import subprocess
import sys
import tempfile

import yaml
from jsonschema import Draft202012Validator

SRC = os.environ["GPOC_SOURCE_DIR"]
GPOC = os.environ["GPOC_BIN"]
HERE = os.path.dirname(os.path.abspath(__file__))
failures = []

with open(os.path.join(SRC, "schemas", "intent.schema.json"), encoding="utf-8") as f:
    schema = json.load(f)
Draft202012Validator.check_schema(schema)
validator = Draft202012Validator(schema)


def load(path):
    with open(path, "rb") as f:
        return yaml.safe_load(f)


def errors(doc):
    return sorted(validator.iter_errors(doc), key=lambda e: list(e.absolute_path))


# Everything gpoc accepts, the schema accepts.
valid = sorted(glob.glob(os.path.join(HERE, "valid", "*.yaml")) + glob.glob(os.path.join(SRC, "examples", "*.yaml")))
if len(valid) < 9:
    failures.append("only %d valid intents found" % len(valid))
for path in valid:
    for e in errors(load(path)):
        failures.append("%s: schema rejects a valid intent at %s: %s" % (path, list(e.absolute_path), e.message))

# Invalid intents whose problem the schema can express must be rejected by it too.
# (The rest need gpoc: principal references, SID ranges, YAML-level refusals.)
SCHEMA_CATCHES = [
    "accept-risk-empty", "domain-bad-sid", "domain-netbios-invalid", "domain-sid-no-room", "grant-allow-missing",
    "grants-empty", "grants-missing", "many-errors", "outputs-duplicate", "outputs-empty", "outputs-unknown",
    "policy-missing", "policy-name-device", "policy-name-empty", "policy-name-invalid", "policy-name-missing",
    "principal-alias-refused", "principal-alias-unknown", "principal-bad-name", "principal-bad-sid",
    "principal-empty", "principal-sid-and-alias", "suppress-reason-missing", "unknown-key-domain",
    "unknown-key-policy", "unknown-key-principal", "unknown-key-suppress", "unknown-key-top",
    "unknown-key-top-no-guess", "version-missing", "version-quoted", "version-unsupported", "wrong-type-baseline",
    "wrong-type-grant", "wrong-type-grants", "wrong-type-name", "wrong-type-outputs", "wrong-type-policy",
    "wrong-type-principal",
]
for name in SCHEMA_CATCHES:
    path = os.path.join(HERE, "invalid", name + ".yaml")
    if not errors(load(path)):
        failures.append("%s: schema accepts an intent gpoc refuses" % name)


def gpoc_accepts(text):
    with tempfile.NamedTemporaryFile("w", suffix=".yaml", delete=False) as f:
        f.write(text)
    try:
        p = subprocess.run([GPOC, "check", f.name], stdout=subprocess.PIPE, stderr=subprocess.PIPE, timeout=30)
        return p.returncode == 0, p.stderr.decode()
    finally:
        os.unlink(f.name)


# A grant that names no principal, so that any alias and any single target compiles.
BASE = ("gpoc: 1\npolicy: {name: p}\ndomain: {sid: S-1-5-21-1-2-3}\n"
        "grants: [{allow: firewall-rule, rule: web, local-ports: ['443'], remote-addresses: [10.0.0.0/8]}]\n")

# Targets: the schema's enum is exactly what gpoc accepts in 'outputs'.
targets = schema["$defs"]["target"]["enum"]
if sorted(targets) != sorted(["model", "sddl", "netsh", "reg", "ps1", "gpo", "admx", "plan"]):
    failures.append("schema targets %r" % targets)
for t in targets + ["all", "html"]:
    ok, err = gpoc_accepts(BASE + "outputs: [%s]\n" % t)
    if ok != (t in targets):
        failures.append("target %r: gpoc %s it, the schema %s" % (t, "accepts" if ok else "refuses",
                                                                 "lists" if t in targets else "does not list"))

# Aliases: each alias the schema offers resolves in gpoc; refused ones are not offered.
aliases = schema["$defs"]["principal"]["properties"]["alias"]["enum"]
for a in aliases + ["BR", "IF", "LK", "XX"]:
    ok, err = gpoc_accepts(BASE + "principals: {p: {alias: %s}}\n" % a)
    if ok != (a in aliases):
        failures.append("alias %r: gpoc %s it, the schema %s: %s" % (a, "accepts" if ok else "refuses",
                                                                    "lists" if a in aliases else "does not list", err))

if failures:
    print("\n".join(failures))
    sys.exit(1)
print("schema valid; %d valid intents accepted, %d invalid rejected, %d targets and %d aliases agree with gpoc"
      % (len(valid), len(SCHEMA_CATCHES), len(targets), len(aliases)))
