"""Random-jitter training proposals: the paper's ablation baseline for PGPG."""
from typing import Dict, Optional, Tuple

import numpy as np
from mmcv.transforms import BaseTransform
from mmcv.transforms.utils import cache_randomness
from mmpose.registry import TRANSFORMS

from .proposal_utils import (check_positive, check_probability, clip_boxes,
                             first_valid, image_shape, tight_boxes,
                             write_proposals)


@TRANSFORMS.register_module()
class RandomJitterProposals(BaseTransform):
    """Replace each training box by a randomly jittered box with IoU > 0.5.

    The paper's "random jittering" baseline (ablation: 77.9 vs 80.8 mAP with
    PGPG) gives no formula; this documented default jitters location and
    aspect ratio independently of the pose: the tight GT box's center moves
    by ``U(-shift_factor, shift_factor)`` times its width / height, and its
    width and height are multiplied by independent ``U(scale_range)``
    factors. Of up to ``max_tries`` draws the first with IoU > ``min_iou``
    (0.5, as in the paper) to the tight GT box is used; if none passes the GT
    box is kept. Tight/enlarged box handling and the kept GT keys are those
    of :class:`PoseGuidedProposals` (``proposal_is_patch`` is all False).

    Required Keys:

        - bbox_center
        - bbox_scale
        - img_shape (only if ``clip_to_image``)

    Modified Keys:

        - bbox_center
        - bbox_scale
        - bbox (tight xyxy proposal)

    Added Keys:

        - gt_bbox_center (copy of the incoming ``bbox_center``)
        - gt_bbox_scale (copy of the incoming ``bbox_scale``)
        - proposal_is_patch ((N,) bool, all False)

    Args:
        padding (float): ``GetBBoxCenterScale`` padding. Defaults to 1.25.
        prob (float): Probability of replacing an instance's box. Defaults
            to 1.0.
        shift_factor (float): Maximum center shift as a fraction of the GT
            width / height. Defaults to 0.2.
        scale_range (Tuple[float, float]): Range of the independent width
            and height factors. Defaults to (0.7, 1.3).
        min_iou (float): Keep only boxes with IoU > it. Defaults to 0.5.
        clip_to_image (bool): Clip proposals to the image. Defaults to True.
        max_tries (int): Draws per instance. Defaults to 10.
    """

    def __init__(self,
                 padding: float = 1.25,
                 prob: float = 1.0,
                 shift_factor: float = 0.2,
                 scale_range: Tuple[float, float] = (0.7, 1.3),
                 min_iou: Optional[float] = 0.5,
                 clip_to_image: bool = True,
                 max_tries: int = 10) -> None:
        super().__init__()
        check_positive('padding', padding)
        check_probability('prob', prob)
        if shift_factor < 0:
            raise ValueError(f'shift_factor must be >= 0, got {shift_factor}')
        lo, hi = scale_range
        if not 0 < lo <= hi:
            raise ValueError('scale_range must satisfy 0 < low <= high, got '
                             f'{scale_range}')
        if min_iou is not None and not 0 <= min_iou < 1:
            raise ValueError(f'min_iou must be in [0, 1), got {min_iou}')
        if int(max_tries) < 1:
            raise ValueError(f'max_tries must be >= 1, got {max_tries}')
        self.padding = float(padding)
        self.prob = float(prob)
        self.shift_factor = float(shift_factor)
        self.scale_range = (float(lo), float(hi))
        self.min_iou = min_iou
        self.clip_to_image = clip_to_image
        self.max_tries = int(max_tries)

    @cache_randomness
    def _draw(self, num: int) -> Dict[str, np.ndarray]:
        """All random numbers of one call (N instances)."""
        lo, hi = self.scale_range
        shape = (num, self.max_tries, 2)
        return dict(
            apply=np.random.rand(num) < self.prob,
            shift=np.random.uniform(-self.shift_factor, self.shift_factor,
                                    shape),
            scale=np.random.uniform(lo, hi, shape))

    def transform(self, results: Dict) -> Optional[dict]:
        """Replace ``bbox_center``/``bbox_scale``/``bbox`` by jittered boxes.

        Args:
            results (dict): The result dict.

        Returns:
            dict: The result dict.
        """
        gt = tight_boxes(results['bbox_center'], results['bbox_scale'],
                         self.padding)
        draw = self._draw(gt.shape[0])
        size = (gt[:, 2:] - gt[:, :2])[:, None]
        center = 0.5 * (gt[:, :2] + gt[:, 2:])[:, None] + draw['shift'] * size
        half = 0.5 * draw['scale'] * size
        candidates = np.concatenate([center - half, center + half], axis=-1)
        if self.clip_to_image:
            candidates = clip_boxes(candidates,
                                    image_shape(results,
                                                type(self).__name__))
        proposals, _ = first_valid(candidates, gt, self.min_iou)
        is_patch = np.zeros(gt.shape[0], dtype=bool)
        return write_proposals(results, gt, proposals, draw['apply'], is_patch,
                               self.padding)

    def __repr__(self) -> str:
        """Print the options."""
        return (f'{type(self).__name__}(padding={self.padding}, '
                f'prob={self.prob}, shift_factor={self.shift_factor}, '
                f'scale_range={self.scale_range}, min_iou={self.min_iou}, '
                f'clip_to_image={self.clip_to_image}, '
                f'max_tries={self.max_tries})')
