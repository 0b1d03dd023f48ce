"""Crop a context window around the box for the SSTN (issue 22)."""
from typing import Dict, Optional, Sequence, Tuple

import cv2
import numpy as np
from mmpose.datasets.transforms import TopdownAffine
from mmpose.registry import TRANSFORMS
from mmpose.structures.bbox import get_udp_warp_matrix, get_warp_matrix


def context_window_size(input_size: Sequence[int],
                        context: float) -> Tuple[int, int]:
    """Size (w, h) of a window ``context`` times the crop, same density.

    ``W + 2 round((context - 1) W / 2)`` per axis: the nearest size that
    puts the box on whole pixels of the window, so sampling the window with
    ``theta_box`` reproduces the crop without interpolation.

    Args:
        input_size (Sequence[int]): Crop size (w, h).
        context (float): Window over box, >= 1.

    Returns:
        tuple[int, int]: Window size (w, h).
    """
    if not np.isfinite(context) or context < 1.0:
        raise ValueError(f'context must be a finite number >= 1, got '
                         f'{context}')
    return tuple(  # type: ignore[return-value]
        int(v) + 2 * int(round((context - 1.0) * int(v) / 2.0))
        for v in input_size)


@TRANSFORMS.register_module()
class TopdownContextAffine(TopdownAffine):
    """``TopdownAffine`` that feeds a context window around the box.

    Everything of ``TopdownAffine`` is kept in the box crop's frame:
    ``transformed_keypoints``, ``input_size`` (the crop size),
    ``input_center``/``input_scale`` and ``bbox_scale`` (aspect-fixed), so
    ``GenerateTarget``, ``GenerateCenterTarget`` and decoding are unchanged.
    Only ``img`` differs: a window ``context`` times the padded box, same
    center and rotation, at the crop's pixel density
    (:func:`context_window_size`: 512x512 for a 256x256 crop at 2.0). Crop
    pixel ``i`` is window pixel ``i + (W_w - W) / 2``, for MMPose's
    ``get_warp_matrix`` and the UDP matrix alike (the window's matrix is the
    crop's, shifted), so ``RMPEPoseEstimator(sppe_input_size=input_size)``
    recovers the crop with ``theta_box`` and lets its STN re-center with
    real pixels instead of zeros. ``context=1.0`` is exactly
    ``TopdownAffine`` (the paper's crop). The image is warped twice (crop,
    then window); the crop is dropped.

    Required Keys:

        - img
        - bbox_center
        - bbox_scale
        - bbox_rotation (optional)
        - keypoints (optional)

    Modified Keys:

        - img (the window)
        - bbox_scale

    Added Keys:

        - input_size (the crop's, not the window's)
        - input_center
        - input_scale
        - transformed_keypoints (in the crop)
        - context_size: (w, h) of the window

    Args:
        input_size (tuple[int, int]): The crop (SPPE input) size (w, h).
        context (float): Window over the padded box, >= 1. Defaults to 1.0.
        use_udp (bool): As ``TopdownAffine``. Defaults to False.
    """

    def __init__(self,
                 input_size: Tuple[int, int],
                 context: float = 1.0,
                 use_udp: bool = False) -> None:
        super().__init__(input_size=input_size, use_udp=use_udp)
        self.context = float(context)
        self.context_size = context_window_size(input_size, self.context)

    def transform(self, results: Dict) -> Optional[dict]:
        """Crop as ``TopdownAffine``, then replace the image by the window.

        Args:
            results (dict): The result dict.

        Returns:
            dict: The result dict.
        """
        image = results['img']
        results = super().transform(results)
        results['context_size'] = self.context_size
        if self.context_size == tuple(self.input_size):
            return results
        w, h = self.input_size
        center = results['bbox_center'][0]
        scale = results['bbox_scale'][0]
        rot = float(results['bbox_rotation'][0]) if ('bbox_rotation'
                                                     in results) else 0.
        matrix = (get_udp_warp_matrix if self.use_udp else get_warp_matrix)(
            center, scale, rot, output_size=(w, h))
        window = np.array(matrix, dtype=np.float32)
        window[0, 2] += (self.context_size[0] - w) / 2.0
        window[1, 2] += (self.context_size[1] - h) / 2.0
        images = image if isinstance(image, list) else [image]
        warped = [
            cv2.warpAffine(
                img, window, self.context_size, flags=cv2.INTER_LINEAR)
            for img in images
        ]
        results['img'] = warped if isinstance(image, list) else warped[0]
        return results

    def __repr__(self) -> str:
        """Readable summary of the transform."""
        return (f'{self.__class__.__name__}(input_size={self.input_size}, '
                f'context={self.context}, use_udp={self.use_udp})')
