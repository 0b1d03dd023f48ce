"""Fuzzing of the readers and of the pose NMS: mutators, outcome counts.

A target (:class:`FuzzTarget`) turns a random generator into one
:class:`FuzzCase`: a call (read a mutated file, or run the pose NMS on
random arrays), what the call must do (``'valid'``: return a result,
``'error'``: raise a documented error, ``'either'``) and the names a
documented error's message must contain (the file's name, or the input's
name for the pose NMS). :func:`run_fuzz` runs ``count`` cases per target
and counts, per target:

- ``documented``: a ``ValueError``/``FileNotFoundError`` whose message holds
  every required name (the message must also name the field and value:
  that part is checked by reading the samples it keeps);
- ``valid``: a result, where one is allowed;
- ``other``: anything else (another exception type, an error not naming
  the file/input, an error on valid input, a result on invalid input).
  Every ``other`` is a reader bug; the first tracebacks are kept.

Same seed, same cases: every target draws from its own
``np.random.default_rng([seed, target index])``.

The file mutators work on JSON-like trees (dicts, lists, numbers, strings,
numpy arrays, tensors): :func:`mutate_tree` deletes, replaces, duplicates,
renames or empties random nodes; :func:`mutate_bytes` truncates, flips,
deletes or repeats bytes of the serialized file. The targets are in
:mod:`.fuzz_targets`; ``benchmarks/fuzz_readers.py`` is the command line.
"""
import copy
import math
import os
import pickle
import traceback
from collections import OrderedDict
from dataclasses import dataclass, field
from typing import Any, Callable, Dict, Iterator, List, Optional, Sequence

import numpy as np
import torch

#: What a case's call must do.
EXPECTATIONS = ('valid', 'error', 'either')
#: Exception types a documented error may have.
DOCUMENTED_TYPES = (ValueError, FileNotFoundError)


@dataclass
class FuzzCase:
    """One fuzz input.

    Attributes:
        call (callable): Runs the reader/NMS on the input.
        expect (str): ``'valid'``, ``'error'`` or ``'either'``.
        names (tuple[str]): Strings a documented error's message must hold.
        label (str): Kind of input, for the report of ``other`` outcomes.
        check (callable, optional): Called with the result; raises
            ``AssertionError`` if the result is malformed.
    """
    call: Callable[[], Any]
    expect: str
    names: Sequence[str]
    label: str
    check: Optional[Callable[[Any], None]] = None


@dataclass
class FuzzTarget:
    """A named source of fuzz cases.

    Attributes:
        name (str): Shown in the table.
        make_case (callable): ``(rng, work_dir) -> FuzzCase``.
        setup (callable, optional): ``work_dir -> None``, run once before
            the cases (writes the seed files).
        isolate (bool): Run every case in a forked process, so that a crash
            of native code (seen in ``scipy.io.loadmat``) is counted as
            ``other`` instead of ending the run. POSIX only.
    """
    name: str
    make_case: Callable[[np.random.Generator, str], FuzzCase]
    setup: Optional[Callable[[str], None]] = None
    isolate: bool = False


@dataclass
class FuzzCounts:
    """Outcome counts of one target."""
    target: str
    tried: int = 0
    documented: int = 0
    valid: int = 0
    other: int = 0
    tracebacks: List[str] = field(default_factory=list)
    samples: List[str] = field(default_factory=list)


def classify(case: FuzzCase) -> Dict[str, Optional[str]]:
    """Run one case: ``{'outcome': ..., 'text': message or traceback}``."""
    try:
        result = case.call()
    except DOCUMENTED_TYPES as exc:
        message = str(exc)
        named = all(name in message for name in case.names)
        if named and case.expect != 'valid':
            return dict(outcome='documented', text=message)
        why = ('error on valid input'
               if named else f'message does not name {list(case.names)}')
        return dict(
            outcome='other',
            text=f'[{case.label}] {why}\n{traceback.format_exc()}')
    except Exception:  # noqa: B902 -- counting every other failure is the aim
        return dict(
            outcome='other', text=f'[{case.label}]\n{traceback.format_exc()}')
    if case.expect == 'error':
        return dict(
            outcome='other',
            text=f'[{case.label}] invalid input accepted: {result!r:.300}')
    if case.check is not None:
        try:
            case.check(result)
        except AssertionError:
            return dict(
                outcome='other',
                text=f'[{case.label}] malformed result\n'
                f'{traceback.format_exc()}')
    return dict(outcome='valid', text=None)


def classify_isolated(case: FuzzCase) -> Dict[str, Optional[str]]:
    """:func:`classify` in a forked child; a crash is ``other``."""
    read_end, write_end = os.pipe()
    pid = os.fork()
    if pid == 0:  # the child: classify, send the outcome, exit at once
        os.close(read_end)
        try:
            data = pickle.dumps(classify(case))
        except BaseException:  # noqa: B902 -- reported to the parent
            data = pickle.dumps(
                dict(outcome='other', text=traceback.format_exc()))
        with os.fdopen(write_end, 'wb') as pipe:
            pipe.write(data)
        os._exit(0)
    os.close(write_end)
    with os.fdopen(read_end, 'rb') as pipe:
        data = pipe.read()
    _, status = os.waitpid(pid, 0)
    if os.WIFSIGNALED(status) or not data:
        return dict(
            outcome='other',
            text=f'[{case.label}] the process crashed (status {status}, '
            f'signal {os.WTERMSIG(status) if os.WIFSIGNALED(status) else 0})')
    return pickle.loads(data)


def run_target(target: FuzzTarget,
               count: int,
               seed: int,
               index: int,
               work_dir: str,
               max_tracebacks: int = 3,
               progress: Optional[Callable[[int], None]] = None) -> FuzzCounts:
    """``count`` cases of one target (its rng: ``[seed, index]``)."""
    if target.setup is not None:
        target.setup(work_dir)
    rng = np.random.default_rng([seed, index])
    counts = FuzzCounts(target.name)
    for _ in range(count):
        case = target.make_case(rng, work_dir)
        outcome = (
            classify_isolated(case) if target.isolate else classify(case))
        counts.tried += 1
        kind, text = outcome['outcome'], outcome['text']
        setattr(counts, kind, getattr(counts, kind) + 1)
        if kind == 'other' and len(counts.tracebacks) < max_tracebacks:
            counts.tracebacks.append(text)
        if (kind == 'documented' and len(counts.samples) < 3
                and text not in counts.samples):
            counts.samples.append(text)
        if progress is not None:
            progress(1)
    return counts


def format_table(rows: Sequence[FuzzCounts]) -> str:
    """The counts table the CLI prints."""
    width = max([len('target')] + [len(r.target) for r in rows])
    lines = [
        f'{"target":{width}s} {"tried":>7s} {"documented":>10s} '
        f'{"valid":>7s} {"other":>6s}'
    ]
    for r in rows:
        lines.append(f'{r.target:{width}s} {r.tried:7d} {r.documented:10d} '
                     f'{r.valid:7d} {r.other:6d}')
    return '\n'.join(lines)


# ---------------------------------------------------------------- mutators

#: Replacement values for tree nodes (besides random arrays/lists/strings).
_ODD_VALUES = (None, '', 'x', True, False, 0, -1, 1, 0.5, -1e9, 1e308, 2**40,
               math.nan, math.inf, -math.inf, [], {}, [math.nan] * 4, [1, 2],
               'NaN', '12')


def _children(node: Any) -> Iterator[Any]:
    """Keys (dicts) or indices (lists) of a container node."""
    if isinstance(node, dict):
        return iter(list(node.keys()))
    if isinstance(node, list):
        return iter(range(len(node)))
    return iter(())


def _locations(tree: Any) -> List[tuple]:
    """``(parent, key)`` of every node below the root."""
    found, stack = [], [tree]
    while stack:
        node = stack.pop()
        for key in _children(node):
            found.append((node, key))
            stack.append(node[key])
    return found


def odd_value(rng: np.random.Generator, like: Any = None) -> Any:
    """A random replacement value, often of a kind a reader must reject."""
    kind = int(rng.integers(6))
    if isinstance(like, torch.Tensor) and kind < 3:
        shape = tuple(int(s) for s in rng.integers(0, 4, rng.integers(0, 4)))
        values = torch.from_numpy(rng.normal(size=shape))
        return [values, values.int(), values * math.nan][kind]
    if isinstance(like, np.ndarray) and kind < 3:
        shape = tuple(int(s) for s in rng.integers(0, 4, rng.integers(0, 3)))
        values = rng.normal(scale=100, size=shape)
        return [values, values.round(), values * math.nan][kind]
    if kind == 3:
        return [
            float(v) if rng.random() < 0.9 else math.nan
            for v in rng.normal(scale=100, size=rng.integers(0, 7))
        ]
    if kind == 4:
        return ''.join(rng.choice(list('ab1.-_ /é'), rng.integers(1, 6)))
    return copy.deepcopy(_ODD_VALUES[rng.integers(len(_ODD_VALUES))])


def mutate_tree(tree: Any,
                rng: np.random.Generator,
                max_mutations: int = 3) -> Any:
    """A mutated deep copy of a JSON-like tree.

    Operations on random nodes: delete, replace by :func:`odd_value`,
    duplicate a list element, empty a container, rename a dict key
    (prefix ``'module.'`` or drop its last character), replace the root.
    """
    tree = copy.deepcopy(tree)
    for _ in range(int(rng.integers(1, max_mutations + 1))):
        places = _locations(tree)
        if not places or rng.random() < 0.02:
            return odd_value(rng, tree)
        parent, key = places[rng.integers(len(places))]
        node = parent[key]
        op = int(rng.integers(5))
        if op == 0:
            del parent[key]
        elif op == 1:
            parent[key] = odd_value(rng, node)
        elif op == 2 and isinstance(node, list) and node:
            node.insert(
                int(rng.integers(len(node) + 1)),
                copy.deepcopy(node[rng.integers(len(node))]))
        elif op == 3 and isinstance(node, (list, dict)):
            node.clear()
        elif op == 4 and isinstance(parent, dict):
            new_key = (f'module.{key}'
                       if rng.random() < 0.5 else str(key)[:-1] or 'k')
            items = [(new_key if k == key else k, v)
                     for k, v in parent.items()]
            parent.clear()
            parent.update(OrderedDict(items))
        else:
            parent[key] = odd_value(rng, node)
    return tree


def mutate_bytes(data: bytes, rng: np.random.Generator) -> bytes:
    """Truncate, flip, delete or repeat random bytes of ``data``."""
    data = bytearray(data)
    op = int(rng.integers(4))
    if op == 0 or not data:
        return bytes(data[:rng.integers(len(data) + 1)])
    if op == 1:
        for pos in rng.integers(0, len(data), rng.integers(1, 9)):
            data[pos] = int(rng.integers(256))
        return bytes(data)
    start = int(rng.integers(len(data)))
    stop = int(min(len(data), start + rng.integers(1, 64)))
    if op == 2:
        return bytes(data[:start] + data[stop:])
    return bytes(data[:stop] + data[start:stop] + data[stop:])
