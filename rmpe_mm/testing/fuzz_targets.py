"""The fuzz targets: every file reader of the project, fed mutated files.

Each target writes its valid seed files once (from ``tests/data`` where
the repository ships one, else built here as the tests build theirs),
then every case writes one mutated input (:func:`~.fuzz.mutate_tree` of a
seed's content, or :func:`~.fuzz.mutate_bytes` of a seed file, or now and
then the seed unchanged, which must read, or a missing file) and calls the
reader. A documented error must name the file (its base name).

Targets: ``mpii_gt_mat`` (:func:`load_mpii_annotations`, release and
toolkit ground truth), ``mpii_groups_mat`` (:func:`load_mpii_groups`),
``mpii_submission_mat`` (:func:`read_mpii_submission`),
``mpii_file_eval`` (:func:`evaluate_mpii_files`, either file mutated),
``mpii_multi_person_json`` (:func:`load_mpii_multi_person_json`),
``coco_detection_json`` (:func:`load_person_detections`),
``pgpg_model_json`` (:meth:`PGPGModel.load`), ``alphapose_json``
(:func:`load_alphapose_results`) and ``checkpoint``
(:func:`load_submodule_weights`, the parallel SPPE's loader).
"""
import json
import os
import os.path as osp
from collections import OrderedDict
from typing import Any, Callable, List, Tuple

import numpy as np
import torch
from scipy.io import savemat
from torch import nn

from .fuzz import FuzzCase, FuzzTarget, mutate_bytes, mutate_tree

#: The repository's ``tests/data`` (present in a source checkout).
TEST_DATA = osp.join(
    osp.dirname(osp.dirname(osp.dirname(osp.abspath(__file__)))), 'tests',
    'data')
#: Share of cases that mutate the file's bytes instead of its content.
BYTE_SHARE = 0.3
#: Share of cases that read a seed unchanged (must give a result).
SEED_SHARE = 0.03
#: Share of cases that read a missing file.
MISSING_SHARE = 0.01

Seed = Tuple[Any, Callable[[Any, str], None]]

# ------------------------------------------------------------ writers


def to_mat(value: Any) -> Any:
    """A JSON-like tree as ``savemat`` input: dict -> 1x1 struct, list of
    dicts -> 1xN struct array, other list -> Nx1 cell, None or an empty
    container -> ``[]``, number -> double."""
    if isinstance(value, dict) and value:
        arr = np.zeros((1, 1), dtype=[(str(k), object) for k in value])
        arr[0, 0] = tuple(to_mat(v) for v in value.values())
        return arr
    if isinstance(value, list) and value:
        if all(isinstance(v, dict) and v for v in value):
            fields = list(dict.fromkeys(str(k) for v in value for k in v))
            arr = np.zeros((1, len(value)),
                           dtype=[(f, object) for f in fields])
            for i, v in enumerate(value):
                arr[0, i] = tuple(to_mat(v.get(f, None)) for f in fields)
            return arr
        cell = np.empty((len(value), 1), dtype=object)
        for i, v in enumerate(value):
            cell[i, 0] = to_mat(v)
        return cell
    if value is None or isinstance(value, (dict, list)):
        return np.zeros((0, 0))
    if isinstance(value, (bool, int, float)):
        return np.array([[float(value)]])
    return value


def write_mat(tree: dict, path: str) -> None:
    """Write a ``{variable: tree}`` dict as a ``.mat`` file."""
    if not isinstance(tree, dict):
        tree = {'value': tree}
    savemat(path, {str(k): to_mat(v) for k, v in tree.items()})


def write_json(tree: Any, path: str) -> None:
    """Write a tree as JSON (NaN/inf as JSON's ``NaN``/``Infinity``)."""
    with open(path, 'w') as f:
        json.dump(tree, f)


def write_torch(tree: Any, path: str) -> None:
    """Write a tree with ``torch.save``."""
    torch.save(tree, path)


# ------------------------------------------------------------ seeds


def _rect(x: float, y: float, key: str = 'is_visible') -> dict:
    """An MPII ``annorect``: head box, scale, objpos, 16 points."""
    points = [
        dict(id=float(j), x=x + 3. * j, y=y + 5. * j, **{key: 1.})
        for j in range(16)
    ]
    if key == 'is_visible':
        points[0]['is_visible'] = 0.
        points[1]['is_visible'] = ''
        del points[2]['is_visible']
    return dict(
        x1=x,
        y1=y - 40.,
        x2=x + 30.,
        y2=y,
        scale=1.5,
        objpos=dict(x=x + 10., y=y + 50.),
        annopoints=dict(point=points))


def mpii_release_tree() -> dict:
    """``RELEASE``: two images (train, test), three people."""
    return dict(
        RELEASE=dict(
            annolist=[
                dict(
                    image=dict(name='a.jpg'),
                    annorect=[_rect(100., 200.),
                              _rect(300., 210.)]),
                dict(image=dict(name='b.jpg'), annorect=[_rect(50., 90.)])
            ],
            img_train=np.array([[1., 0.]]),
            single_person=[np.zeros((0,
                                     0)), np.array([[1.]])]))


def mpii_annolist_tree() -> dict:
    """``annolist_test_multi``: two groups (named images)."""
    return dict(annolist_test_multi=[
        dict(
            image=dict(name='a.jpg'),
            annorect=[_rect(100., 200.), _rect(300., 210.)]),
        dict(image=dict(name='b.jpg'), annorect=[_rect(50., 90.)])
    ])


def mpii_pred_tree() -> dict:
    """A submission ``pred`` for :func:`mpii_annolist_tree`."""
    return dict(pred=[
        dict(
            image=dict(name='a.jpg'),
            annorect=[
                dict(annopoints=_rect(101., 199., 'score')['annopoints']),
                dict(annopoints=_rect(310., 200., 'score')['annopoints'])
            ]),
        dict(
            image=dict(name='b.jpg'),
            annorect=[dict(annopoints=_rect(50., 90., 'score')['annopoints'])])
    ])


def mpii_groups_tree() -> dict:
    """``groups`` of :func:`mpii_release_tree`: image 1 one group of both,
    image 2 one group of its person."""
    return dict(groups=[[np.array([[1.], [2.]])], [np.array([[1.]])]])


def read_test_data(*parts: str) -> Any:
    """A JSON file of ``tests/data``."""
    path = osp.join(TEST_DATA, *parts)
    if not osp.isfile(path):
        raise FileNotFoundError(f'fuzz seed {path} not found: run from a '
                                'source checkout of rmpe_mm')
    with open(path) as f:
        return json.load(f)


def pgpg_trees() -> List[dict]:
    """A fitted-like PGPG model (2 atoms, COCO's 17 joints) and the
    pose-independent one."""
    from rmpe_mm.datasets.pgpg.mixture import published_mixture
    from rmpe_mm.datasets.pgpg.model import PGPGModel
    rng = np.random.default_rng(0)
    atoms = rng.normal(size=(2, 17, 2))
    fitted = PGPGModel(
        published_mixture(),
        atoms=atoms,
        atom_mixtures=[published_mixture(),
                       published_mixture()],
        atom_counts=[5, 7],
        atom_boxes=rng.normal(size=(2, 4)))
    return [fitted.to_dict(), PGPGModel.published().to_dict()]


def alphapose_tree() -> List[dict]:
    """AlphaPose results of two images (17 joints, with box and idx)."""
    from rmpe_mm.apis.result_formats import to_alphapose_results
    rng = np.random.default_rng(0)
    records = []
    for name in ('1.jpg', '2.jpg'):
        people = [
            dict(
                keypoints=rng.uniform(0, 100, (17, 2)).tolist(),
                keypoint_scores=rng.uniform(0, 1, 17).tolist(),
                bbox=[10., 20., 60., 90.],
                bbox_score=0.9,
                score=2.1,
                idx=[i]) for i in range(2)
        ]
        records += to_alphapose_results(people, name)
    return records


def tiny_module() -> nn.Module:
    """The module the checkpoint target loads into."""
    return nn.Sequential(nn.Conv2d(3, 4, 3), nn.BatchNorm2d(4))


def checkpoint_trees() -> List[dict]:
    """MMEngine-style checkpoints of :func:`tiny_module`: plain keys and
    under ``parallel_sppe.`` beside other weights."""
    torch.manual_seed(0)
    state = tiny_module().state_dict()
    nested = OrderedDict(('parallel_sppe.' + k, v) for k, v in state.items())
    nested['stn.fc.weight'] = torch.zeros(6, 2)
    return [
        dict(meta=dict(epoch=1), state_dict=OrderedDict(state)),
        dict(meta=dict(epoch=2), state_dict=nested)
    ]


# ------------------------------------------------------------ targets


class FileTarget:
    """Cases of one file reader: mutated seeds, written, then read.

    Args:
        name (str): The target's name (also its folder).
        seeds (callable): ``() -> list[(tree, writer)]``.
        read (callable): ``path -> result``.
        suffix (str): File name suffix.
    """

    def __init__(self, name: str, seeds: Callable[[], List[Seed]],
                 read: Callable[[str], Any], suffix: str) -> None:
        self.name, self.seeds, self.read = name, seeds, read
        self.suffix = suffix
        self.seed_files: List[str] = []
        self.seed_trees: List[Seed] = []

    def setup(self, work_dir: str) -> None:
        folder = osp.join(work_dir, self.name)
        os.makedirs(folder, exist_ok=True)
        self.seed_trees = self.seeds()
        self.seed_files = []
        for i, (tree, writer) in enumerate(self.seed_trees):
            path = osp.join(folder, f'seed{i}{self.suffix}')
            writer(tree, path)
            self.seed_files.append(path)

    def make_case(self, rng: np.random.Generator, work_dir: str) -> FuzzCase:
        path = osp.join(work_dir, self.name, f'input{self.suffix}')
        which = int(rng.integers(len(self.seed_files)))
        draw = rng.random()
        if draw < MISSING_SHARE:
            path = osp.join(work_dir, self.name, f'missing{self.suffix}')
            return self._case(path, which, 'error', 'missing file')
        if draw < MISSING_SHARE + SEED_SHARE:
            return self._case(self.seed_files[which], which, 'valid', 'seed')
        if draw < MISSING_SHARE + SEED_SHARE + BYTE_SHARE:
            with open(self.seed_files[which], 'rb') as f:
                data = mutate_bytes(f.read(), rng)
            with open(path, 'wb') as f:
                f.write(data)
            return self._case(path, which, 'either', 'bytes')
        tree, writer = self.seed_trees[which]
        writer(mutate_tree(tree, rng), path)
        return self._case(path, which, 'either', 'content')

    def read_case(self, path: str, which: int) -> Any:
        """Read ``path`` (a mutation of seed ``which``)."""
        return self.read(path)

    def _case(self, path: str, which: int, expect: str,
              label: str) -> FuzzCase:
        return FuzzCase(
            call=lambda: self.read_case(path, which),
            expect=expect,
            names=(osp.basename(path), ),
            label=label)

    def target(self) -> FuzzTarget:
        # scipy's .mat reader is native code that can crash the process:
        # its cases run isolated (see FuzzTarget.isolate)
        return FuzzTarget(self.name, self.make_case, self.setup,
                          self.suffix == '.mat')


class GroupsTarget(FileTarget):
    """``load_mpii_groups`` against the images of the release seed."""

    def __init__(self) -> None:
        super().__init__('mpii_groups_mat',
                         lambda: [(mpii_groups_tree(), write_mat)], None,
                         '.mat')

    def setup(self, work_dir: str) -> None:
        from rmpe_mm.datasets.mpii_release import load_mpii_release
        super().setup(work_dir)
        release = osp.join(work_dir, self.name, 'release.mat')
        write_mat(mpii_release_tree(), release)
        self.images = load_mpii_release(release)

    def read_case(self, path: str, which: int) -> Any:
        from rmpe_mm.datasets.mpii_release import load_mpii_groups
        return load_mpii_groups(path, self.images)


class FileEvalTarget(FileTarget):
    """``evaluate_mpii_files`` with the ground truth (seed 0) or the
    submission (seed 1) mutated, the other file valid."""

    def __init__(self) -> None:
        super().__init__(
            'mpii_file_eval', lambda: [(mpii_annolist_tree(), write_mat),
                                       (mpii_pred_tree(), write_mat)], None,
            '.mat')

    def read_case(self, path: str, which: int) -> Any:
        from rmpe_mm.evaluation.functional.mpii_file_eval import \
            evaluate_mpii_files
        gt, pred = self.seed_files
        if which == 0:
            return evaluate_mpii_files(path, pred)
        return evaluate_mpii_files(gt, path)


def file_targets() -> List[FuzzTarget]:
    """Every file-reader target."""
    from rmpe_mm.apis.detection_file import load_person_detections
    from rmpe_mm.apis.result_formats import load_alphapose_results
    from rmpe_mm.datasets.mpii_multi_person_format import \
        load_mpii_multi_person_json
    from rmpe_mm.datasets.mpii_release import load_mpii_annotations
    from rmpe_mm.datasets.pgpg.model import PGPGModel
    from rmpe_mm.evaluation.functional.mpii_submission import \
        read_mpii_submission
    from rmpe_mm.models.utils.checkpoint import load_submodule_weights
    targets = [
        FileTarget(
            'mpii_gt_mat', lambda: [(mpii_release_tree(), write_mat),
                                    (mpii_annolist_tree(), write_mat)],
            load_mpii_annotations, '.mat'),
        GroupsTarget(),
        FileTarget('mpii_submission_mat',
                   lambda: [(mpii_pred_tree(), write_mat)],
                   read_mpii_submission, '.mat'),
        FileEvalTarget(),
        FileTarget(
            'mpii_multi_person_json', lambda: [(read_test_data(
                'mpii', 'test_mpii_multi.json'), write_json)],
            load_mpii_multi_person_json, '.json'),
        FileTarget(
            'coco_detection_json', lambda: [(read_test_data(
                'coco', 'test_coco_det_AP_H_56.json')[:20], write_json)],
            load_person_detections, '.json'),
        FileTarget('pgpg_model_json',
                   lambda: [(t, write_json) for t in pgpg_trees()],
                   PGPGModel.load, '.json'),
        FileTarget('alphapose_json', lambda: [(alphapose_tree(), write_json)],
                   load_alphapose_results, '.json'),
        FileTarget('checkpoint', lambda: [(t, write_torch)
                                          for t in checkpoint_trees()],
                   lambda path: load_submodule_weights(tiny_module(), path),
                   '.pth')
    ]
    return [t.target() for t in targets]


def all_targets() -> List[FuzzTarget]:
    """The pose NMS target, then every file reader."""
    from .fuzz_pose_nms import pose_nms_target
    return [pose_nms_target()] + file_targets()
