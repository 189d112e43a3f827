#!/usr/bin/python3
"""`gpoc capabilities` against the template files themselves (read with PyYAML).

- the listing names every stock capability file and every primitive section;
- `gpoc capabilities NAME` prints each parameter with its type, its default or
  "(required)", and its doc line, as the YAML declares them;
- an unknown name is a usage error (2) with a suggestion; a broken template or a
  name clash is an input error (1).
"""
import glob
import os
import subprocess
import sys

import yaml

gpoc = os.environ['GPOC_BIN']
src = os.environ['GPOC_SOURCE_DIR']
env = dict(os.environ, GPOC_DATADIR=src)
failures = []


def run(*args):
    p = subprocess.run([gpoc, 'capabilities', *args], env=env, cwd=src, capture_output=True, text=True)
    return p.returncode, p.stdout, p.stderr


def check(cond, what):
    if not cond:
        failures.append(what)


rc, out, err = run()
check(rc == 0, 'listing exits 0, got %d: %s' % (rc, err))
files = sorted(glob.glob(os.path.join(src, 'templates/capabilities/*.yaml')))
check(len(files) >= 8, 'at least 8 stock capabilities')
for path in files:
    with open(path, encoding='utf-8') as f:
        doc = yaml.safe_load(f)
    name = doc['name']
    check(name == os.path.basename(path)[:-5], '%s: name matches file' % path)
    line = [l for l in out.splitlines() if l.split()[:1] == [name]]
    check(len(line) == 1 and doc['summary'] in line[0], 'listing shows %s with its summary' % name)

    rc, detail, err = run(name)
    check(rc == 0, '%s: exits 0' % name)
    check(detail.startswith('%s: %s\n' % (name, doc['summary'])), '%s: header' % name)
    lines = detail.splitlines()
    for pname, p in (doc.get('parameters') or {}).items():
        rows = [i for i, l in enumerate(lines) if l.split()[:1] == [pname] and l.startswith('  ' + pname)]
        check(len(rows) == 1, '%s: parameter %s listed once' % (name, pname))
        if not rows:
            continue
        row = lines[rows[0]]
        check(p['type'].split('-')[0] in row, '%s: %s shows its type' % (name, pname))
        if p.get('required'):
            check('(required)' in row, '%s: %s shows (required)' % (name, pname))
        elif 'default' in p:
            d = p['default']
            if isinstance(d, bool):
                text = 'true' if d else 'false'
            elif isinstance(d, list):
                text = '[' + ', '.join(sorted(set(str(x).lower() if p['type'] == 'namespace-list' else str(x)
                                                  for x in d))) + ']'
            elif isinstance(d, str) and p['type'] == 'string':
                text = "'%s'" % d
            else:
                text = str(d)
            check(row.rstrip().endswith(text), '%s: %s shows default %r in %r' % (name, pname, text, row))
        check(lines[rows[0] + 1].strip() == p['doc'], '%s: %s doc line' % (name, pname))
    check(detail.count('\n  ') >= len(doc['effects']), '%s: effects listed' % name)

for prim in ('appid-permission', 'dcom-limit', 'firewall-rule', 'group-member', 'namespace-ace',
             'registry-value', 'step'):
    check(any(l.split()[:1] == [prim] for l in out.splitlines()), 'listing shows primitive %s' % prim)
    rc, detail, err = run(prim)
    check(rc == 0 and 'a primitive' in detail and 'parameters:' in detail, 'primitive %s detail' % prim)

rc, out, err = run('remote-wmii')
check(rc == 2 and "did you mean 'remote-wmi'?" in err, 'unknown name: exit 2 with a suggestion (%d, %s)' % (rc, err))
rc, out, err = run('--capabilities', 'tests/model/golden/template-errors/capabilities')
check(rc == 1 and 'broken.yaml:27:18: error: unknown variable' in err, 'broken template: exit 1 (%d)' % rc)
rc, out, err = run('--capabilities', 'tests/model/golden/capability-clash/capabilities', 'remote-wmi')
check(rc == 1 and 'defined twice' in err, 'clash: exit 1 (%d, %s)' % (rc, err))
rc, out, err = run('--capabilities', 'tests/model/golden/user-capability/capabilities')
check(rc == 0 and 'event-log-readers' in out and '[--capabilities]' in out, 'user directory listed')
rc, out, err = run('--capabilities')
check(rc == 2, "'--capabilities' without a directory is a usage error")

if failures:
    print('\n'.join('FAIL: ' + f for f in failures))
    sys.exit(1)
print('capabilities_cli: all checks passed')
