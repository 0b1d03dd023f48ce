"""The fuzzing of benchmarks/fuzz_readers.py at a reduced count: no reader
and not the pose NMS raises anything but a documented error."""
import numpy as np
import pytest

from rmpe_mm.testing.fuzz import (FuzzCase, FuzzTarget, classify, format_table,
                                  mutate_bytes, mutate_tree, run_target)
from rmpe_mm.testing.fuzz_targets import all_targets

#: Reduced counts (the benchmark runs 10,000 and 1,000).
NMS_COUNT, FILE_COUNT = 400, 40


@pytest.mark.parametrize(
    'index,target',
    list(enumerate(all_targets())),
    ids=lambda v: v.name if isinstance(v, FuzzTarget) else str(v))
def test_no_undocumented_errors(tmp_path, index, target):
    count = NMS_COUNT if target.name == 'pose_nms' else FILE_COUNT
    counts = run_target(target, count, 0, index, str(tmp_path))
    assert counts.tried == count
    assert counts.documented + counts.valid == count, '\n'.join(
        counts.tracebacks)
    assert counts.other == 0
    # both outcomes occur: the inputs really are mutated, seeds really read
    assert counts.documented > 0 and counts.valid > 0


def test_same_seed_same_counts(tmp_path):
    target = all_targets()[0]
    runs = [
        run_target(target, 50, seed, 0, str(tmp_path)) for seed in (3, 3, 4)
    ]
    same = [(r.documented, r.valid, r.samples) for r in runs]
    assert same[0] == same[1]
    assert same[0] != same[2]


def _raise(exc):

    def call():
        raise exc

    return call


def test_classify_counts_other():
    named = FuzzCase(
        _raise(ValueError('f.json: x must be 1')), 'either', ('f.json', ), 'l')
    assert classify(named)['outcome'] == 'documented'
    unnamed = FuzzCase(
        _raise(ValueError('x must be 1')), 'either', ('f.json', ), 'l')
    assert classify(unnamed)['outcome'] == 'other'
    key_error = FuzzCase(_raise(KeyError('x')), 'either', (), 'l')
    out = classify(key_error)
    assert out['outcome'] == 'other' and 'KeyError' in out['text']
    accepted = FuzzCase(lambda: 1, 'error', (), 'l')
    assert classify(accepted)['outcome'] == 'other'
    on_valid = FuzzCase(
        _raise(ValueError('f.json')), 'valid', ('f.json', ), 'l')
    assert classify(on_valid)['outcome'] == 'other'


def test_classify_checks_results():

    def bad(result):
        assert result == 2

    case = FuzzCase(lambda: 1, 'valid', (), 'l', check=bad)
    assert classify(case)['outcome'] == 'other'
    case.call = lambda: 2
    assert classify(case)['outcome'] == 'valid'


def test_mutators_do_not_modify_and_are_deterministic():
    tree = dict(a=[1, 2, dict(b='x')], c=3.0)
    first = mutate_tree(tree, np.random.default_rng(0))
    assert tree == dict(a=[1, 2, dict(b='x')], c=3.0)
    assert repr(first) == repr(mutate_tree(tree, np.random.default_rng(0)))
    data = b'0123456789' * 10
    mutated = {mutate_bytes(data, np.random.default_rng(s)) for s in range(20)}
    assert data not in mutated or len(mutated) > 1


def test_format_table(tmp_path):
    rows = [
        run_target(
            FuzzTarget('t', lambda rng, d: FuzzCase(lambda: 1, 'valid',
                                                    (), 'l')), 3, 0, 0,
            str(tmp_path))
    ]
    lines = format_table(rows).splitlines()
    assert lines[0].split() == [
        'target', 'tried', 'documented', 'valid', 'other'
    ]
    assert lines[1].split() == ['t', '3', '0', '3', '0']
