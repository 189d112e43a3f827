#!/usr/bin/python3
"""Property: the order of grants and principals in an intent does not matter.

For each intent given, write it back (PyYAML) once as is and several times with
its grants and principals shuffled, compile every copy with model_driver --out,
and require identical model/model.json and sddl/descriptors.txt -- except for the
positions of the grants, which necessarily move. Those are replaced by the
grant's identity (its index in the original file) before comparing, and lists of
provenance (whose order follows positions) are compared as sorted lists.

usage: shuffle.py DRIVER [--capabilities DIR] INTENT... (paths relative to
$GPOC_SOURCE_DIR)
"""
import json
import os
import random
import re
import subprocess
import sys
import tempfile

import yaml


def dump(doc):
    return yaml.safe_dump(doc, sort_keys=False, allow_unicode=True, width=1000)


def allow_positions(text):
    """(line, column) of each grant's `allow:` value, 1-based, in file order."""
    root = yaml.compose(text)
    for key, value in root.value:
        if key.value == 'grants':
            out = []
            for grant in value.value:
                for k, v in grant.value:
                    if k.value == 'allow':
                        out.append((v.start_mark.line + 1, v.start_mark.column + 1))
            return out
    raise SystemExit('intent has no grants')


def compile_copy(driver, caps, doc, order_grants, order_principals, workdir, name):
    copy = dict(doc)
    copy['grants'] = [doc['grants'][i] for i in order_grants]
    if 'principals' in doc:
        keys = list(doc['principals'])
        copy['principals'] = {keys[i]: doc['principals'][keys[i]] for i in order_principals}
    text = dump(copy)
    d = os.path.join(workdir, name)
    os.makedirs(d)
    path = os.path.join(d, 'intent.yaml')
    with open(path, 'w', encoding='utf-8') as f:
        f.write(text)
    out = os.path.join(d, 'out')
    subprocess.run([driver] + caps + ['--out', out, path], check=True)
    if os.path.exists(os.path.join(out, 'diagnostics.txt')):
        with open(os.path.join(out, 'diagnostics.txt'), encoding='utf-8') as f:
            diags = f.read()
        if 'error:' in diags:
            raise SystemExit('%s: does not compile:\n%s' % (name, diags))
    # Position of each grant in this copy -> its index in the original.
    ident = {}
    for pos, orig in zip(allow_positions(text), order_grants):
        ident[pos] = orig
    with open(os.path.join(out, 'model/model.json'), encoding='utf-8') as f:
        model = json.load(f)
    with open(os.path.join(out, 'sddl/descriptors.txt'), encoding='utf-8') as f:
        sddl = f.read()
    return normalise_json(model, ident, path), normalise_text(sddl, ident, path)


def normalise_json(node, ident, path):
    if isinstance(node, dict):
        out = {}
        for k, v in node.items():
            if k == 'grant' and isinstance(v, str) and v.rsplit(':', 2)[0] == path:
                _, line, col = v.rsplit(':', 2)
                out[k] = {'grant-index': ident[(int(line), int(col))]}
            elif k == 'provenance':
                items = [normalise_json(p, ident, path) for p in v]
                out[k] = sorted(items, key=lambda p: json.dumps(p, sort_keys=True))
            else:
                out[k] = normalise_json(v, ident, path)
        return out
    if isinstance(node, list):
        return [normalise_json(v, ident, path) for v in node]
    if node == path:
        return 'INTENT'
    if isinstance(node, str) and node.startswith(path + ':'):
        return 'INTENT' + node[len(path):]
    return node


def normalise_text(text, ident, path):
    pat = re.compile(r'^    from ' + re.escape(path) + r':(\d+):(\d+) (.*)$')
    lines, out, run = text.split('\n'), [], []
    for line in lines + ['']:
        m = pat.match(line)
        if m:
            run.append('    from grant#%d %s' % (ident[(int(m.group(1)), int(m.group(2)))], m.group(3)))
            continue
        out.extend(sorted(run))
        run = []
        out.append(line.replace(path, 'INTENT'))
    return '\n'.join(out)


def main():
    args = sys.argv[1:]
    if not args:
        raise SystemExit(__doc__)
    driver, args = args[0], args[1:]
    caps = []
    if args and args[0] == '--capabilities':
        caps = ['--capabilities', args[1]]
        args = args[2:]
    os.chdir(os.environ.get('GPOC_SOURCE_DIR', '.'))
    checked = 0
    for intent in args:
        with open(intent, encoding='utf-8') as f:
            doc = yaml.safe_load(f)
        n_grants = len(doc['grants'])
        n_principals = len(doc.get('principals') or {})
        with tempfile.TemporaryDirectory() as tmp:
            base = compile_copy(driver, caps, doc, list(range(n_grants)), list(range(n_principals)), tmp, 'base')
            rng = random.Random(intent)  # fixed seed per intent: reproducible
            for round_ in range(6):
                g = list(range(n_grants))
                p = list(range(n_principals))
                if round_ == 0:
                    g.reverse()
                    p.reverse()
                else:
                    rng.shuffle(g)
                    rng.shuffle(p)
                got = compile_copy(driver, caps, doc, g, p, tmp, 'shuffled%d' % round_)
                for what, a, b in (('model/model.json', base[0], got[0]),
                                   ('sddl/descriptors.txt', base[1], got[1])):
                    if a != b:
                        if isinstance(a, str):
                            al, bl = a.split('\n'), b.split('\n')
                            i = next(i for i in range(min(len(al), len(bl))) if al[i] != bl[i])
                            detail = '\n  base:     %s\n  shuffled: %s' % (al[i], bl[i])
                        else:
                            detail = '\n  base:     %s\n  shuffled: %s' % (
                                json.dumps(a, sort_keys=True)[:2000], json.dumps(b, sort_keys=True)[:2000])
                        raise SystemExit('%s: %s differs after shuffling grants %s and principals %s%s'
                                         % (intent, what, g, p, detail))
                checked += 1
    print('shuffle: %d shuffled compiles matched their originals' % checked)


if __name__ == '__main__':
    main()
