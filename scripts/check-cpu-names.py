#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0-or-later
#
# featmask's x86 CPU tables against QEMU's: the feature names of every
# feature word (target/i386/featmask-cpu.c, x86_words[]) and the names and
# versions of the CPU models (target/i386/featmask-cpu-models.c,
# x86_model_table[]) must be those of QEMU's target/i386/cpu.c
# (feature_word_info[], builtin_x86_defs[]), so that drift shows.
#
# Usage: check-cpu-names.py [QEMU-CPU.C [FEATMASK-SOURCE-DIR]]   (TAP)
# QEMU-CPU.C defaults to the QEMU source build-qemu.sh keeps in
# ${FEATMASK_CACHE:-/var/cache/featmask}/src/qemu-trixie.

import os
import re
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, '..', 'tests'))
from tap import Tap  # noqa: E402


def strip_comments(text):
    text = re.sub(r'/\*.*?\*/', '', text, flags=re.S)
    return re.sub(r'//[^\n]*', '', text)


def block(text, start):
    """The text from @start's opening brace to its matching one."""
    i = text.index('{', start)
    depth = 0
    for j in range(i, len(text)):
        if text[j] == '{':
            depth += 1
        elif text[j] == '}':
            depth -= 1
            if depth == 0:
                return text[i + 1:j]
    raise ValueError('unbalanced braces')


def entries(body):
    """[NAME] = { ... } entries of a designated initializer."""
    out = {}
    for m in re.finditer(r'\[(\w+)\]\s*=\s*\{', body):
        out[m.group(1)] = block(body, m.start())
    return out


def name_list(body):
    """A list of strings and NULLs: positional, or [N] = "x"."""
    names = {}
    if re.search(r'\[\d+\]\s*=', body):
        for m in re.finditer(r'\[(\d+)\]\s*=\s*"([^"]*)"', body):
            names[int(m.group(1))] = m.group(2)
        return names
    for i, tok in enumerate(re.findall(r'"[^"]*"|NULL', body)):
        if tok != 'NULL':
            names[i] = tok.strip('"')
    return names


def qemu_words(text):
    """QEMU's names by word and bit.  A name QEMU gives two bits of a word
    (kvmclock, vmx-invept-single-context) names the first only: a map
    holds a name once."""
    body = block(text, text.index('FeatureWordInfo feature_word_info'))
    words = {}
    for word, b in entries(body).items():
        m = re.search(r'\.feat_names\s*=\s*\{', b)
        if not m:
            continue
        names, seen = {}, set()
        for bit, name in sorted(name_list(block(b, m.start())).items()):
            if name not in seen:
                names[bit] = name
                seen.add(name)
        if names:
            words[word[len('FEAT_'):]] = names
    return words


def featmask_words(text):
    body = block(text, text.index('x86_words[X86_FW__MAX]'))
    words = {}
    for word, b in entries(body).items():
        m = re.search(r'\.bits\s*=\s*\{', b)
        if m:
            words[word[len('X86_FW_'):]] = name_list(block(b, m.start()))
    return words


def top_blocks(body):
    """The texts of the top-level { ... } of an array initializer."""
    depth = 0
    start = None
    for i, c in enumerate(body):
        if c == '{':
            if depth == 0:
                start = i
            depth += 1
        elif c == '}':
            depth -= 1
            if depth == 0:
                yield body[start:i]


def model_name(d):
    return re.search(r'^\s*\.name\s*=\s*"([^"]+)"', d, re.M).group(1)


def qemu_models(text):
    """Model name -> number of versions (a model without any has one)."""
    body = block(text, text.index('builtin_x86_defs[]'))
    return {model_name(d): len(re.findall(r'\.version\s*=\s*\d+', d)) or 1
            for d in top_blocks(body)}


def featmask_models(text):
    body = block(text, text.index('x86_model_table[]'))
    models = {}
    for d in top_blocks(body):
        n = re.search(r'\.nversions\s*=\s*(\d+)', d)
        models[model_name(d)] = int(n.group(1)) if n else 1
    return models


def compare(qemu, ours, our_models_text):
    """[(ok, what, detail)] for every check."""
    out = []
    qw = qemu_words(qemu)
    fw = featmask_words(ours)
    out.append((len(fw) >= 10 and set(fw) == set(qw),
                '%d feature words, those QEMU names features in' % len(fw),
                'only in QEMU: %s\nonly in featmask: %s'
                % (', '.join(sorted(set(qw) - set(fw))),
                   ', '.join(sorted(set(fw) - set(qw))))))
    for word in sorted(set(fw) & set(qw)):
        diff = ['bit %d: featmask %s, QEMU %s'
                % (bit, fw[word].get(bit), qw[word].get(bit))
                for bit in sorted(set(fw[word]) | set(qw[word]))
                if fw[word].get(bit) != qw[word].get(bit)]
        out.append((not diff, 'word %s: %d names as QEMU spells them'
                    % (word, len(fw[word])), '\n'.join(diff)))
    qm = qemu_models(qemu)
    fm = featmask_models(our_models_text)
    missing = sorted(set(qm) - set(fm))
    extra = sorted(set(fm) - set(qm))
    out.append((not missing and not extra,
                '%d CPU models, the same as QEMU\'s' % len(fm),
                'only in QEMU: %s\nonly in featmask: %s'
                % (', '.join(missing), ', '.join(extra))))
    bad = ['%s: featmask %d, QEMU %d' % (m, fm[m], qm[m])
           for m in sorted(set(fm) & set(qm)) if fm[m] != qm[m]]
    out.append((not bad, 'every model has QEMU\'s versions',
                '\n'.join(bad)))
    return out


def main():
    cache = os.environ.get('FEATMASK_CACHE', '/var/cache/featmask')
    cpu_c = (sys.argv[1] if len(sys.argv) > 1 else
             os.path.join(cache, 'src/qemu-trixie/target/i386/cpu.c'))
    src = sys.argv[2] if len(sys.argv) > 2 else os.path.join(HERE, '..')
    tap = Tap()
    if not os.path.exists(cpu_c):
        print('1..0 # SKIP no QEMU source at %s (scripts/build-qemu.sh'
              ' fetches it)' % cpu_c)
        return 0
    with open(cpu_c) as f:
        qemu = strip_comments(f.read())
    with open(os.path.join(src, 'target/i386/featmask-cpu.c')) as f:
        ours = strip_comments(f.read())
    with open(os.path.join(src, 'target/i386/featmask-cpu-models.c')) as f:
        our_models_text = strip_comments(f.read())

    for ok, what, detail in compare(qemu, ours, our_models_text):
        tap.ok(ok, what, detail)

    # The check sees drift: a renamed feature and a new model in QEMU.
    drifted = qemu.replace('"pcid"', '"pcid-renamed"', 1).replace(
        '.name = "Nehalem"', '.name = "Nehalem-renamed"', 1)
    failed = [what for ok, what, _ in compare(drifted, ours, our_models_text)
              if not ok]
    tap.ok(len(failed) == 2, 'a renamed feature and model are caught',
           'failed checks: %s' % ', '.join(failed))
    return tap.done()


if __name__ == '__main__':
    sys.exit(main())
