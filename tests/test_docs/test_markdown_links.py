"""Every relative link in the repository's Markdown files resolves.

Checks each ``[text](target)`` and ``![alt](target)`` outside code blocks
in every ``*.md`` file of the repository (README, ``docs/``, config and
project READMEs): the target file or folder exists and, for ``#anchor``
links, the target Markdown file has a heading with that GitHub anchor. It
also checks that the method sections the code cites exist, and that the
README stays a short entry page.
"""
import re
from pathlib import Path
from typing import Dict, Iterator, List, Set, Tuple

import pytest

ROOT = Path(__file__).resolve().parents[2]
#: Folders that hold no documentation of ours.
SKIPPED_DIRS = {
    '.git', '.venv', 'work_dirs', 'data', 'node_modules', '.pytest_cache',
    '.hypothesis'
}
LINK = re.compile(r'!?\[[^\]]*\]\(([^)\s]+)(?:\s+"[^"]*")?\)')
FENCE = re.compile(r'^\s*(```|~~~)')
#: README budget (issue 13: "README under ~10 KB, the rest in docs/").
README_MAX_BYTES = 10 * 1024


def markdown_files() -> List[Path]:
    """The repository's Markdown files, outside generated/data folders."""
    files = []
    for path in sorted(ROOT.rglob('*.md')):
        parts = path.relative_to(ROOT).parts
        if not any(part in SKIPPED_DIRS for part in parts[:-1]):
            files.append(path)
    return files


def prose_lines(text: str) -> Iterator[Tuple[int, str]]:
    """(line number, line) of the lines outside fenced code blocks."""
    in_fence = False
    for number, line in enumerate(text.splitlines(), start=1):
        if FENCE.match(line):
            in_fence = not in_fence
            continue
        if not in_fence:
            yield number, line


def github_anchors(text: str) -> Set[str]:
    """GitHub's heading anchors of a Markdown text (with -1, -2 for
    repeated headings)."""
    anchors: Set[str] = set()
    seen: Dict[str, int] = {}
    for _, line in prose_lines(text):
        match = re.match(r'^#{1,6}\s+(.*?)\s*#*\s*$', line)
        if not match:
            continue
        title = re.sub(r'`', '', match.group(1)).strip().lower()
        slug = re.sub(r'[^\w\- ]', '', title).replace(' ', '-')
        count = seen.get(slug, 0)
        anchors.add(slug if count == 0 else f'{slug}-{count}')
        seen[slug] = count + 1
    return anchors


def broken_links(path: Path, root: Path = ROOT) -> List[str]:
    """Descriptions of the links of ``path`` (a file under ``root``) that
    do not resolve."""
    text = path.read_text(encoding='utf-8')
    problems = []
    for number, line in prose_lines(text):
        # inline code may show link syntax as an example: drop it
        for target in LINK.findall(re.sub(r'`[^`]*`', '', line)):
            if re.match(r'^[a-z][a-z0-9+.-]*:', target):  # http:, mailto:
                continue
            file_part, _, anchor = target.partition('#')
            resolved = (path.parent / file_part).resolve() if file_part \
                else path
            where = f'{path.relative_to(root)}:{number}: {target}'
            if not resolved.exists():
                problems.append(f'{where} (no such file)')
            elif anchor and resolved.suffix == '.md' and anchor not in \
                    github_anchors(resolved.read_text(encoding='utf-8')):
                problems.append(f'{where} (no heading #{anchor})')
    return problems


#: Backticked repository paths in prose: `rmpe_mm/...`, `configs/...`, ...
REPO_PATH = re.compile(
    r'`((?:rmpe_mm|configs|tools|tests|benchmarks|projects|docs|requirements)'
    r'/[^`\s]*)')


def missing_paths(path: Path, root: Path = ROOT) -> List[str]:
    """Backticked repository paths named in ``path`` that match no file or
    folder (``{a,b}`` alternatives and ``*`` globs allowed; a path inside a
    project may be named relative to that project's folder)."""
    text = path.read_text(encoding='utf-8')
    problems = []
    for number, line in prose_lines(text):
        for name in REPO_PATH.findall(line):
            name = name.rstrip('.,:;)')
            options = [name]
            brace = re.search(r'\{([^}]*)\}', name)
            if brace:
                options = [
                    name[:brace.start()] + alt + name[brace.end():]
                    for alt in brace.group(1).split(',')
                ]
            bases = [root, path.parent]
            if not any(
                    list(base.glob(option)) or (base / option).exists()
                    for option in options for base in bases):
                problems.append(f'{path.relative_to(root)}:{number}: `{name}`')
    return problems


@pytest.mark.parametrize(
    'path', markdown_files(), ids=lambda p: p.relative_to(ROOT).as_posix())
def test_named_repository_paths_exist(path: Path):
    assert missing_paths(path) == []


def test_path_checker_reports_a_stale_path(tmp_path):
    (tmp_path / 'configs' / 'rmpe' / 'mpii').mkdir(parents=True)
    (tmp_path / 'configs' / 'rmpe' / 'coco').mkdir()
    (tmp_path / 'tools').mkdir()
    (tmp_path / 'tools' / 'train.py').write_text('')
    page = tmp_path / 'page.md'
    page.write_text('`configs/rmpe/{mpii,coco}/` `tools/train.py`, '
                    '`tools/*.py` `tools/main_job.py`\n')
    problems = missing_paths(page, root=tmp_path)
    assert problems == ['page.md:1: `tools/main_job.py`']


def test_markdown_files_are_found():
    names = {p.relative_to(ROOT).as_posix() for p in markdown_files()}
    assert 'README.md' in names
    assert 'docs/method.md' in names


@pytest.mark.parametrize(
    'path', markdown_files(), ids=lambda p: p.relative_to(ROOT).as_posix())
def test_relative_links_resolve(path: Path):
    assert broken_links(path) == []


def test_link_checker_reports_missing_file_and_anchor(tmp_path):
    (tmp_path / 'other.md').write_text('# Some Title: `code` here\n')
    page = tmp_path / 'page.md'
    page.write_text('[ok](other.md#some-title-code-here) [gone](missing.md)\n'
                    '[bad](other.md#nope) [web](https://example.org/x)\n'
                    '```\n[in code](missing2.md)\n```\n')
    problems = broken_links(page, root=tmp_path)
    assert len(problems) == 2
    assert github_anchors('# A\n## A\n# A b\n# A\n') == {
        'a', 'a-1', 'a-b', 'a-2'
    }
    assert 'missing.md (no such file)' in problems[0]
    assert '#nope' in problems[1]


def test_cited_method_sections_exist():
    """Code citing ``docs/method.md`` section N: that section exists."""
    method = (ROOT / 'docs' / 'method.md').read_text(encoding='utf-8')
    sections = set(re.findall(r'(?m)^## (\d+)\.', method))
    cited = []
    for folder in ('rmpe_mm', 'tools', 'configs', 'benchmarks', 'projects'):
        for source in (ROOT / folder).rglob('*.py'):
            text = source.read_text(encoding='utf-8')
            for first, last in re.findall(
                    r'docs/method\.md,?\s+(?:sections?|sec\.|s\.)\s*'
                    r'(\d+)(?:-(\d+))?', text):
                for number in filter(None, (first, last)):
                    cited.append((source.relative_to(ROOT).as_posix(), number))
    assert cited, 'no citation of docs/method.md found'
    missing = [c for c in cited if c[1] not in sections]
    assert missing == []


def test_readme_is_a_short_entry_page():
    size = len((ROOT / 'README.md').read_bytes())
    assert size < README_MAX_BYTES, (
        f'README.md is {size} bytes; keep it under {README_MAX_BYTES} and '
        'move reference material to docs/')
