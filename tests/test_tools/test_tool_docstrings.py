"""Every tool's docstring matches its parser: each ``--flag`` a docstring
names is one the tool takes (or, named with it, another program's), and the
tools that say they take all of MMPose's arguments list every flag of their
parser, which holds every flag of MMPose 1.3.2's own tool."""
import argparse
import ast
import importlib
import importlib.util
import os.path as osp
import re
from typing import Callable, List, Set
from unittest import mock

import pytest

REPO = osp.dirname(osp.dirname(osp.dirname(osp.abspath(__file__))))
FLAG = re.compile(r'(?<![\w-])--[a-z][\w-]*')

#: tool script -> implementing module (thin wrappers), or None.
TOOLS = {
    'tools/train.py': 'rmpe_mm.engine.train_cli',
    'tools/test.py': 'rmpe_mm.engine.test_cli',
    'tools/fit_pgpg.py': 'rmpe_mm.datasets.pgpg.fit_cli',
    'tools/detect.py': None,
    'tools/demo.py': None,
    'tools/eval_mpii.py': None,
    'tools/tune_ppnms.py': None,
    'tools/dataset_converters/mpii_multi_person.py': None,
}
#: Flags a docstring names that belong to another program (named there).
OTHER_PROGRAMS = {
    # tools/demo.py's, MMPose's demo's, torchrun's
    'tools/detect.py': {'--det-file', '--det-model', '--nproc_per_node'},
    # tools/test.py's (the dump it reads)
    'tools/tune_ppnms.py': {'--dump'},
}
#: Tools that take all of MMPose's arguments: their docstrings list all.
COMPLETE = {
    'tools/train.py': 'train.py',
    'tools/test.py': 'test.py',
}


class _Parser(Exception):
    """Carries the parser out of ``parse_args``."""


def _load_script(path: str):
    spec = importlib.util.spec_from_file_location(
        'rmpe_doc_' + re.sub(r'\W', '_', path), osp.join(REPO, path))
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def _options_of(parse_args: Callable) -> List[Set[str]]:
    """The long options of the parser ``parse_args`` builds, one set of
    aliases (e.g. ``--local_rank``/``--local-rank``) per argument."""

    def capture(parser, *args, **kwargs):
        raise _Parser(parser)

    with mock.patch.object(argparse.ArgumentParser, 'parse_args', capture):
        with pytest.raises(_Parser) as caught:
            parse_args([])
    parser = caught.value.args[0]
    options = [{o
                for o in action.option_strings if o.startswith('--')}
               for action in parser._actions]
    return [o for o in options if o and o != {'--help'}]


def _flags_of(parse_args: Callable) -> Set[str]:
    return set().union(*_options_of(parse_args))


def _doc_flags(path: str) -> Set[str]:
    docs = [_load_script(path).__doc__ or '']
    if TOOLS[path]:
        docs.append(importlib.import_module(TOOLS[path]).__doc__ or '')
    return set(FLAG.findall('\n'.join(docs))) - {'--help'}


def _mmpose_flags(tool: str) -> Set[str]:
    """The flags of MMPose's own ``tools/<tool>`` (installed with it)."""
    import mmpose
    path = osp.join(osp.dirname(mmpose.__file__), '.mim', 'tools', tool)
    flags = set()
    for node in ast.walk(ast.parse(open(path).read())):
        if (isinstance(node, ast.Call)
                and getattr(node.func, 'attr', None) == 'add_argument'):
            flags |= {
                a.value
                for a in node.args if isinstance(a, ast.Constant)
                and str(a.value).startswith('--')
            }
    assert flags, path
    return flags


@pytest.mark.parametrize('path', sorted(TOOLS))
def test_docstring_names_only_flags_of_the_tool(path):
    flags = _flags_of(_load_script(path).parse_args)
    unknown = _doc_flags(path) - flags - OTHER_PROGRAMS.get(path, set())
    assert not unknown, f'{path} names flags it does not take: {unknown}'


@pytest.mark.parametrize('path', sorted(COMPLETE))
def test_train_and_test_take_and_list_all_of_mmposes_flags(path):
    options = _options_of(_load_script(path).parse_args)
    missing = _mmpose_flags(COMPLETE[path]) - set().union(*options)
    assert not missing, f'{path} lacks MMPose flags {missing}'
    documented = _doc_flags(path)
    unlisted = [sorted(o) for o in options if not o & documented]
    assert not unlisted, f'{path} docstrings do not list {unlisted}'
