"""PGPG training-proposal transform (docs/method.md section 4)."""
from typing import Dict, Optional, Tuple

import numpy as np
from mmcv.transforms import BaseTransform
from mmcv.transforms.utils import cache_randomness
from mmpose.registry import TRANSFORMS

from ..pgpg.boxes import apply_offsets
from ..pgpg.model import PGPGModel
from .proposal_utils import (check_positive, check_probability, clip_boxes,
                             first_valid, image_shape, tight_boxes,
                             write_proposals)


@TRANSFORMS.register_module()
class PoseGuidedProposals(BaseTransform):
    """Replace each training box by a pose-guided proposal (PGPG).

    For each instance: find its atomic pose (nearest atom of a fitted
    :class:`~rmpe_mm.datasets.pgpg.PGPGModel`, from ``tools/fit_pgpg.py``),
    draw a normalized offset ``(dx1, dy1, dx2, dy2)`` from that atom's
    Gaussian mixture and move the tight GT box's corners by
    ``(dx1 w, dy1 h, dx2 w, dy2 h)``. Poses without an atom (missing torso
    joints) and models without atoms use the global mixture. Without
    ``model_file`` the reference code's pose-independent Gaussian is used
    (means (-0.0142, 0.0043, 0.0154, -0.0013), stds (0.1158, 0.0680, 0.1337,
    0.0711) for (x1, y1, x2, y2)).

    With probability ``patch_prob`` a "patch" replaces the offset draw: a
    sub-box of the tight GT box with the GT aspect ratio, sides ``u`` times
    the GT's (``u ~ U(patch_scale_range)``), placed uniformly inside it.

    Box handling: offsets are defined on *tight* boxes, while
    ``GetBBoxCenterScale`` has enlarged ``bbox_scale`` by ``padding``; the
    tight GT box is ``bbox_center +- bbox_scale / (2 padding)``, the proposal
    is drawn around it (optionally clipped to the image, as AlphaPose does),
    and the new ``bbox_scale`` is ``padding`` times the proposal's size.
    ``padding`` must equal the pipeline's ``GetBBoxCenterScale`` padding.
    Up to ``max_tries`` offset draws are made per instance; the first whose
    box has positive size (and IoU > ``min_iou`` if set) is used; if none
    qualifies the GT box is kept.

    Place it after ``GetBBoxCenterScale``/``RandomFlip``/``RandomHalfBody``
    and before ``RandomBBoxTransform``/``TopdownAffine``. To switch it on
    late in training (AlphaPose: epoch 140 of 200), reuse MMDetection's
    pipeline switch hook with a second pipeline that contains it (see
    ``tests/configs/sppe-pgpg-switch_hourglass52_1xb2-2e_coco-sample-64x48.py``)::

        custom_hooks = [dict(type='mmdet.PipelineSwitchHook',
                             switch_epoch=140,
                             switch_pipeline=pipeline_with_pgpg)]

    Required Keys:

        - bbox_center
        - bbox_scale
        - keypoints (only with a fitted model that has atomic poses)
        - keypoints_visible (same)
        - img_shape (only if ``clip_to_image``)

    Modified Keys:

        - bbox_center
        - bbox_scale
        - bbox (tight xyxy proposal)

    Added Keys:

        - gt_bbox_center (copy of the incoming ``bbox_center``)
        - gt_bbox_scale (copy of the incoming ``bbox_scale``)
        - proposal_is_patch ((N,) bool)

    Args:
        model_file (str, optional): Fitted PGPG model (JSON). ``None`` uses
            the published pose-independent Gaussian. Defaults to None.
        padding (float): ``GetBBoxCenterScale`` padding. Defaults to 1.25
            (MMPose's default; the paper uses 1.3).
        prob (float): Probability of replacing an instance's box at all.
            Defaults to 1.0.
        patch_prob (float): Probability of the patch branch (per replaced
            instance). Defaults to 0.15 (AlphaPose; the paper-era code used
            0.3).
        patch_scale_range (Tuple[float, float]): Range of ``u``. Defaults to
            (0.85, 1.0) (AlphaPose).
        min_iou (float, optional): Reject drawn boxes with IoU <= it to the
            GT box. Defaults to None (no floor, as in the reference code).
        clip_to_image (bool): Clip proposals to the image (as AlphaPose
            does; detector boxes lie inside the image). Defaults to True.
        max_tries (int): Offset draws per instance. Defaults to 10.
    """

    def __init__(self,
                 model_file: Optional[str] = None,
                 padding: float = 1.25,
                 prob: float = 1.0,
                 patch_prob: float = 0.15,
                 patch_scale_range: Tuple[float, float] = (0.85, 1.0),
                 min_iou: Optional[float] = None,
                 clip_to_image: bool = True,
                 max_tries: int = 10) -> None:
        super().__init__()
        check_positive('padding', padding)
        check_probability('prob', prob)
        check_probability('patch_prob', patch_prob)
        lo, hi = patch_scale_range
        if not 0 < lo <= hi <= 1:
            raise ValueError('patch_scale_range must satisfy 0 < low <= high '
                             f'<= 1, got {patch_scale_range}')
        if min_iou is not None and not 0 <= min_iou < 1:
            raise ValueError(f'min_iou must be in [0, 1), got {min_iou}')
        if int(max_tries) < 1:
            raise ValueError(f'max_tries must be >= 1, got {max_tries}')
        self.model_file = model_file
        self.model = (
            PGPGModel.published()
            if model_file is None else PGPGModel.load(model_file))
        self.padding = float(padding)
        self.prob = float(prob)
        self.patch_prob = float(patch_prob)
        self.patch_scale_range = (float(lo), float(hi))
        self.min_iou = min_iou
        self.clip_to_image = clip_to_image
        self.max_tries = int(max_tries)

    @cache_randomness
    def _draw(self, num: int) -> Dict[str, np.ndarray]:
        """All random numbers of one call (N instances)."""
        lo, hi = self.patch_scale_range
        return dict(
            apply=np.random.rand(num) < self.prob,
            patch=np.random.rand(num) < self.patch_prob,
            patch_scale=np.random.uniform(lo, hi, num),
            patch_pos=np.random.rand(num, 2),
            component=np.random.rand(num, self.max_tries),
            normals=np.random.standard_normal((num, self.max_tries, 4)))

    def _offset_candidates(self, atom_ids: np.ndarray,
                           draw: Dict[str, np.ndarray]) -> np.ndarray:
        """(N, T, 4) offsets from each instance's mixture."""
        return np.stack([
            self.model.mixture_for(int(a)).transform_normals(
                draw['component'][i], draw['normals'][i])
            for i, a in enumerate(atom_ids)
        ])

    @staticmethod
    def _patches(gt: np.ndarray, scale: np.ndarray,
                 pos: np.ndarray) -> np.ndarray:
        """(N, 4) sub-boxes of ``gt`` with sides ``scale`` times its own."""
        size = gt[:, 2:] - gt[:, :2]
        patch = size * scale[:, None]
        x1y1 = gt[:, :2] + pos * (size - patch)
        return np.concatenate([x1y1, x1y1 + patch], axis=1)

    def transform(self, results: Dict) -> Optional[dict]:
        """Replace ``bbox_center``/``bbox_scale``/``bbox`` by proposals.

        Args:
            results (dict): The result dict.

        Returns:
            dict: The result dict.
        """
        gt = tight_boxes(results['bbox_center'], results['bbox_scale'],
                         self.padding)
        num = gt.shape[0]
        atom_ids = self.model.assign_atoms(
            results.get('keypoints'),
            results.get('keypoints_visible'),
            num_instances=num)
        draw = self._draw(num)
        candidates = apply_offsets(gt[:, None],
                                   self._offset_candidates(atom_ids, draw))
        patch = self._patches(gt, draw['patch_scale'], draw['patch_pos'])
        is_patch = draw['patch']
        candidates = np.where(is_patch[:, None, None], patch[:, None],
                              candidates)
        if self.clip_to_image:
            candidates = clip_boxes(candidates,
                                    image_shape(results,
                                                type(self).__name__))
        proposals, found = first_valid(candidates, gt, self.min_iou)
        return write_proposals(results, gt, proposals, draw['apply'],
                               is_patch & found, self.padding)

    def __repr__(self) -> str:
        """Print the options."""
        return (f'{type(self).__name__}(model_file={self.model_file!r}, '
                f'padding={self.padding}, prob={self.prob}, '
                f'patch_prob={self.patch_prob}, '
                f'patch_scale_range={self.patch_scale_range}, '
                f'min_iou={self.min_iou}, '
                f'clip_to_image={self.clip_to_image}, '
                f'max_tries={self.max_tries})')
