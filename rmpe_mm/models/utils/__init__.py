"""rmpe_mm.models.utils."""
# yapf: disable
from .affine import (affine_det, affine_inverse, box_in_window_theta,
                     compose_affine, guard_singular_theta,
                     heatmap_to_input_pixels, identity_theta,
                     input_to_heatmap_pixels, mirror_theta,
                     normalized_to_pixel, pixel_to_normalized,
                     theta_in_heatmap_frame, transform_points,
                     unwarp_heatmap_stages, unwarp_heatmaps, warp_images,
                     warped_to_crop_pixels)
# yapf: enable
from .checkpoint import find_prefix, load_submodule_weights
from .head_loss import check_heatmap_head_loss, heatmap_head_loss
from .soft_argmax import soft_argmax

__all__ = [
    'affine_det', 'affine_inverse', 'box_in_window_theta', 'compose_affine',
    'guard_singular_theta', 'heatmap_to_input_pixels', 'identity_theta',
    'input_to_heatmap_pixels', 'mirror_theta', 'soft_argmax',
    'normalized_to_pixel', 'pixel_to_normalized', 'theta_in_heatmap_frame',
    'transform_points', 'unwarp_heatmap_stages', 'unwarp_heatmaps',
    'warp_images', 'warped_to_crop_pixels', 'find_prefix',
    'load_submodule_weights', 'check_heatmap_head_loss', 'heatmap_head_loss'
]
