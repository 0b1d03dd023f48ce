"""Write small MPII-like ``.mat`` files with ``scipy.io.savemat``.

The structure mirrors ``mpii_human_pose_v1_u12_1.mat``: ``RELEASE`` is a
1x1 struct with ``annolist`` (1xN struct array: ``image.name``,
``annorect`` 1xR struct array with ``x1 y1 x2 y2``, ``scale``, ``objpos.x/y``
and ``annopoints.point`` 1xP struct array of ``id, x, y, is_visible``),
``img_train`` (1xN numbers) and ``single_person`` (Nx1 cell of column
vectors). Missing values are MATLAB empties (``zeros(0, 0)``), as in the
release. ``groups_v12.mat`` holds ``groups``, an Nx1 cell of cells of rect
index vectors. The toolkit's ground truth holds ``annolist_test_multi``, a
1xN struct array of ``annorect`` (the group's people, as above) and
optionally ``image.name``; a submission holds ``pred``, the same with
``annopoints.point`` of ``id, x, y, score``. ``reverse=True`` writes a
struct's fields in the opposite order (files from other programs differ).
"""
from typing import Dict, List, Optional, Sequence, Tuple

import numpy as np
from scipy.io import savemat

EMPTY = np.zeros((0, 0))


def struct(records: Sequence[dict]) -> np.ndarray:
    """A 1xN MATLAB struct array; fields absent from a record are empty."""
    fields: List[str] = []
    for record in records:
        fields += [k for k in record if k not in fields]
    arr = np.zeros((1, len(records)), dtype=[(f, object) for f in fields])
    for i, record in enumerate(records):
        arr[0, i] = tuple(record.get(f, EMPTY) for f in fields)
    return arr


def cell(items: Sequence) -> np.ndarray:
    """An Nx1 MATLAB cell array."""
    arr = np.empty((len(items), 1), dtype=object)
    for i, item in enumerate(items):
        arr[i, 0] = item
    return arr


def _ordered(record: dict, reverse: bool) -> dict:
    """``record`` with its keys in reverse order if ``reverse``."""
    return dict(reversed(list(record.items()))) if reverse else record


def person(joints: Optional[Dict[int, Tuple]] = None,
           head: Optional[Tuple[float, float, float, float]] = None,
           objpos: Optional[Tuple[float, float]] = None,
           scale: Optional[float] = None,
           reverse: bool = False) -> dict:
    """An ``annorect`` record. ``joints``: id -> (x, y[, is_visible]);
    a 2-tuple leaves ``is_visible`` out."""
    rect = {}
    if head is not None:
        rect.update(zip(('x1', 'y1', 'x2', 'y2'), map(float, head)))
    if scale is not None:
        rect['scale'] = float(scale)
    if objpos is not None:
        rect['objpos'] = struct([dict(x=float(objpos[0]), y=float(objpos[1]))])
    if joints is not None:
        points = []
        for jid, value in joints.items():
            point = dict(id=float(jid), x=float(value[0]), y=float(value[1]))
            if len(value) > 2:
                point['is_visible'] = value[2]
            points.append(_ordered(point, reverse))
        rect['annopoints'] = struct([dict(point=struct(points))])
    return _ordered(rect, reverse)


def write_annolist(path: str,
                   groups: Sequence[Sequence[dict]],
                   names: Optional[Sequence[str]] = None) -> str:
    """Write ``annolist_test_multi``: one entry per group of
    :func:`person` records; ``names`` adds ``image.name`` (else the entries
    have no ``image``)."""
    entries = []
    for k, rects in enumerate(groups):
        entry = dict(annorect=struct(rects) if rects else EMPTY)
        if names is not None:
            entry['image'] = struct([dict(name=names[k])])
        entries.append(entry)
    savemat(path, {'annolist_test_multi': struct(entries)})
    return path


def write_pred(path: str,
               groups: Sequence[Sequence[Dict[int, Tuple]]],
               names: Optional[Sequence[str]] = None,
               reverse: bool = False) -> str:
    """Write a submission ``pred`` as another program might: per group a
    list of poses ``{id: (x, y, score)}``, no person score, ``image.name``
    only with ``names``."""
    entries = []
    for k, poses in enumerate(groups):
        rects = [
            dict(
                annopoints=struct([
                    dict(
                        point=struct([
                            _ordered(
                                dict(
                                    id=float(j),
                                    x=float(v[0]),
                                    y=float(v[1]),
                                    score=float(v[2])), reverse)
                            for j, v in pose.items()
                        ]) if pose else EMPTY)
                ])) for pose in poses
        ]
        entry = dict(annorect=struct(rects) if rects else EMPTY)
        if names is not None:
            entry['image'] = struct([dict(name=names[k])])
        entries.append(_ordered(entry, reverse))
    savemat(path, {'pred': struct(entries)})
    return path


def write_release(path: str, images: Sequence[dict]) -> str:
    """Write ``RELEASE``; ``images``: dicts with ``name``, ``train`` (bool),
    ``rects`` (list of :func:`person` records) and ``single`` (1-based
    indices)."""
    annolist = struct([
        dict(
            image=struct([dict(name=img['name'])]),
            annorect=struct(img['rects']) if img['rects'] else EMPTY)
        for img in images
    ])
    release = struct([
        dict(
            annolist=annolist,
            img_train=np.array([[float(img['train']) for img in images]]),
            single_person=cell([
                np.array(img['single'], dtype=np.float64).reshape(-1, 1)
                if img['single'] else EMPTY for img in images
            ]))
    ])
    savemat(path, {'RELEASE': release})
    return path


def write_groups(path: str, groups: Sequence[Sequence[Sequence[int]]]) -> str:
    """Write ``groups_v12.mat``: ``groups{i}{g}`` = rect index vector."""
    savemat(
        path, {
            'groups':
            cell([
                cell([
                    np.array(g, dtype=np.float64).reshape(-1, 1) for g in img
                ]).reshape(1, -1) if img else EMPTY for img in groups
            ])
        })
    return path


def line_pose(x0: float,
              y0: float,
              dx: float,
              dy: float,
              ids: Sequence[int] = tuple(range(16)),
              visible=1) -> Dict[int, Tuple]:
    """Joints ``j`` at ``(x0 + dx*j, y0 + dy*j)`` with ``is_visible``."""
    return {j: (x0 + dx * j, y0 + dy * j, visible) for j in ids}
