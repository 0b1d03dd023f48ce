"""Tests of TopdownContextAffine (the SSTN's context window, issue 22)."""
import copy

import numpy as np
import pytest
import torch
from mmpose.datasets.transforms import (GetBBoxCenterScale, PackPoseInputs,
                                        TopdownAffine)
from mmpose.testing import get_coco_sample

from rmpe_mm.datasets.transforms import TopdownContextAffine
from rmpe_mm.datasets.transforms.context_window import context_window_size
from rmpe_mm.models.utils.affine import box_in_window_theta, warp_images

INPUT_SIZE = (48, 64)


def sample(rotation: float = 0.) -> dict:
    results = get_coco_sample(img_shape=(120, 160), num_instances=1)
    results = GetBBoxCenterScale(padding=1.25)(results)
    results['bbox_rotation'] = np.array([rotation], np.float32)
    return results


def test_window_size_keeps_the_box_on_whole_pixels():
    assert context_window_size((256, 256), 2.0) == (512, 512)
    assert context_window_size((192, 256), 1.5) == (288, 384)
    assert context_window_size((48, 64), 1.3) == (62, 84)  # even margins
    assert context_window_size((48, 64), 1.0) == (48, 64)
    with pytest.raises(ValueError, match='context'):
        context_window_size((48, 64), 0.9)


@pytest.mark.parametrize('rotation', [0., 30.])
@pytest.mark.parametrize('use_udp', [False, True])
@pytest.mark.parametrize('context', [1.5, 2.0])
def test_theta_box_of_the_window_is_todays_crop(rotation, use_udp, context):
    base = sample(rotation)
    crop = TopdownAffine(INPUT_SIZE, use_udp=use_udp)(copy.deepcopy(base))
    window = TopdownContextAffine(
        INPUT_SIZE, context=context, use_udp=use_udp)(
            copy.deepcopy(base))
    size = context_window_size(INPUT_SIZE, context)
    assert window['img'].shape[:2] == (size[1], size[0])
    assert window['context_size'] == size
    # everything but the image is TopdownAffine's (the crop's frame)
    for key in ('transformed_keypoints', 'bbox_scale', 'input_center',
                'input_scale'):
        np.testing.assert_allclose(window[key], crop[key], rtol=1e-6)
    assert window['input_size'] == crop['input_size'] == INPUT_SIZE
    # theta_box samples the window on the crop grid: today's crop
    tensor = torch.from_numpy(window['img']).permute(2, 0, 1)[None].float()
    theta = box_in_window_theta(1, size, INPUT_SIZE)
    recut = warp_images(tensor, theta, INPUT_SIZE)[0].permute(1, 2, 0)
    diff = np.abs(recut.numpy() - crop['img'].astype(np.float32))
    # cv2 quantizes sample positions to 1/32 px: the shifted matrix rounds
    # a few positions the other way (a few grey levels on this noise image)
    assert diff.mean() < 0.1 and (diff > 1).mean() < 0.03, (diff.mean(),
                                                            (diff > 1).mean())
    # ... and the window holds image pixels the crop does not have
    outside = window['img'].astype(np.float32).copy()
    dx, dy = (size[0] - INPUT_SIZE[0]) // 2, (size[1] - INPUT_SIZE[1]) // 2
    outside[dy:dy + INPUT_SIZE[1], dx:dx + INPUT_SIZE[0]] = 0
    assert outside.sum() > 0.05 * crop['img'].sum()


def test_context_one_is_topdown_affine():
    base = sample(10.)
    crop = TopdownAffine(INPUT_SIZE)(copy.deepcopy(base))
    same = TopdownContextAffine(INPUT_SIZE, context=1.0)(copy.deepcopy(base))
    np.testing.assert_array_equal(same['img'], crop['img'])
    np.testing.assert_array_equal(same['transformed_keypoints'],
                                  crop['transformed_keypoints'])


def test_packed_inputs_are_the_window_and_meta_the_crop():
    results = TopdownContextAffine(INPUT_SIZE, context=2.0)(sample())
    packed = PackPoseInputs()(results)
    assert tuple(packed['inputs'].shape) == (3, 128, 96)
    assert packed['data_samples'].metainfo['input_size'] == INPUT_SIZE
