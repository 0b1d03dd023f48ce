"""Write small MPII-release-like ``.mat`` files with ``scipy.io.savemat``.

The structure mirrors ``mpii_human_pose_v1_u12_1.mat``: ``RELEASE`` is a
1x1 struct with ``annolist`` (1xN struct array: ``image.name``,
``annorect`` 1xR struct array with ``x1 y1 x2 y2``, ``scale``, ``objpos.x/y``
and ``annopoints.point`` 1xP struct array of ``id, x, y, is_visible``),
``img_train`` (1xN numbers) and ``single_person`` (Nx1 cell of column
vectors). Missing values are MATLAB empties (``zeros(0, 0)``), as in the
release. ``groups_v12.mat`` holds ``groups``, an Nx1 cell of cells of rect
index vectors.
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


def person(joints: Optional[Dict[int, Tuple]] = None,
           head: Optional[Tuple[float, float, float, float]] = None,
           objpos: Optional[Tuple[float, float]] = None,
           scale: Optional[float] = None) -> dict:
    """An ``annorect`` record. ``joints``: id -> (x, y[, is_visible]);
    a 2-tuple leaves ``is_visible`` out."""
    rect = {}
    if head is not None:
        rect.update(zip(('x1', 'y1', 'x2', 'y2'), map(float, head)))
    if scale is not None:
        rect['scale'] = float(scale)
    if objpos is not None:
        rect['objpos'] = struct([dict(x=float(objpos[0]),
                                      y=float(objpos[1]))])
    if joints is not None:
        points = []
        for jid, value in joints.items():
            point = dict(id=float(jid), x=float(value[0]), y=float(value[1]))
            if len(value) > 2:
                point['is_visible'] = value[2]
            points.append(point)
        rect['annopoints'] = struct([dict(point=struct(points))])
    return rect


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
                cell([np.array(g, dtype=np.float64).reshape(-1, 1)
                      for g in img]).reshape(1, -1) if img else EMPTY
                for img in groups
            ])
        })
    return path


def line_pose(x0: float, y0: float, dx: float, dy: float,
              ids: Sequence[int] = tuple(range(16)),
              visible=1) -> Dict[int, Tuple]:
    """Joints ``j`` at ``(x0 + dx*j, y0 + dy*j)`` with ``is_visible``."""
    return {j: (x0 + dx * j, y0 + dy * j, visible) for j in ids}
