"""Make the multi-person MPII samples from MMPose's single-person samples.

Run from the repository root (rewrites the two files deterministically)::

    python tests/data/mpii/make_test_mpii_multi.py

Inputs: ``tests/data/mpii/test_mpii.json`` (MMPose's MPII layout: 5 images,
one person each) and the 5 images. Outputs:

- ``test_mpii_multi.json``: the MPII multi-person JSON, made by the real
  converter (:func:`convert_mpii_release`, default options, every image
  held out as validation) from release-like records built here:

  * image id = the number in the file name (as MMPose's ``MpiiDataset``);
  * joints and ``center``/``scale`` are taken as the release's 1-based
    MATLAB values (the converter shifts them by -1); ``joints_vis = 1``
    becomes "visible" (v = 2; the samples carry no occlusion flags),
    ``joints_vis = 0`` "not annotated";
  * the samples have no head boxes: each is a square centered on the
    midpoint of head top and upper neck whose side is their distance
    (a stand-in, so PCKh is only approximately the real one here);
  * every person is "multi-person", so each image has one group of one
    person, with the converter's group box.
- ``test_mpii_det.json``: COCO-style detections, per person (numpy seed 0):
  a good box (the person box, each side jittered by up to 5 % of the box
  size, score 0.9-1.0), a duplicate (shifted by 10-20 % of the box size,
  score 0.6-0.8) and a false positive (a box of half the person's size in
  the image corner farthest from the person, score 0.1-0.3).
"""
import json
import os.path as osp

import numpy as np

from rmpe_mm.datasets.mpii_multi_person_converter import (ConvertOptions,
                                                          convert_mpii_release)
from rmpe_mm.datasets.mpii_release import (VISIBLE, MpiiRect, MpiiReleaseImage)

HERE = osp.dirname(osp.abspath(__file__))


def release_image(record: dict) -> MpiiReleaseImage:
    """A release-like image record from one MMPose single-person entry."""
    joints = np.asarray(record['joints'], dtype=np.float64)
    vis = np.where(np.asarray(record['joints_vis']) > 0, VISIBLE, 0)
    joints = np.where(vis[:, None] > 0, joints, 0.0)
    head_mid = (joints[8] + joints[9]) / 2
    half = np.linalg.norm(joints[9] - joints[8]) / 2
    rect = MpiiRect(
        index=1,
        objpos=np.asarray(record['center'], dtype=np.float64),
        scale=float(record['scale']),
        head_bbox=np.concatenate([head_mid - half, head_mid + half]),
        joints=joints,
        visibility=vis.astype(np.int64))
    return MpiiReleaseImage(
        index=int(record['image'].split('.')[0]),
        name=record['image'],
        is_train=True,
        rects=[rect])


def detections(data: dict, seed: int = 0) -> list:
    """Good boxes, duplicates and false positives (see module docstring)."""
    rng = np.random.default_rng(seed)
    sizes = {i['id']: (i['width'], i['height']) for i in data['images']}
    dets = []
    for ann in data['annotations']:
        x, y, w, h = ann['bbox']
        wh = np.array([w, h, w, h])
        good = np.array([x, y, x + w, y + h]) + rng.uniform(-.05, .05, 4) * wh
        shift = rng.uniform(.1, .2, 2) * rng.choice([-1, 1], 2) * wh[:2]
        dup = good + np.tile(shift, 2)
        img_w, img_h = sizes[ann['image_id']]
        far_x = 0.0 if x + w / 2 > img_w / 2 else img_w - w / 2
        far_y = 0.0 if y + h / 2 > img_h / 2 else img_h - h / 2
        fp = np.array([far_x, far_y, far_x + w / 2, far_y + h / 2])
        for box, lo, hi in ((good, .9, 1.), (dup, .6, .8), (fp, .1, .3)):
            box = np.clip(box, 0, [img_w - 1, img_h - 1] * 2)
            dets.append(
                dict(
                    image_id=ann['image_id'],
                    category_id=1,
                    bbox=[
                        round(float(v), 1)
                        for v in (box[0], box[1], box[2] - box[0],
                                  box[3] - box[1])
                    ],
                    score=round(float(rng.uniform(lo, hi)), 3)))
    return dets


def main() -> None:
    with open(osp.join(HERE, 'test_mpii.json')) as f:
        records = json.load(f)
    images = sorted((release_image(r) for r in records),
                    key=lambda img: img.index)
    outputs, _ = convert_mpii_release(
        images, options=ConvertOptions(img_root=HERE, val_ratio=1.0))
    data = outputs['val']
    data['info']['description'] = (
        'MPII samples in the multi-person layout, made by '
        'tests/data/mpii/make_test_mpii_multi.py (synthetic head boxes)')
    with open(osp.join(HERE, 'test_mpii_multi.json'), 'w') as f:
        json.dump(data, f, indent=1)
    with open(osp.join(HERE, 'test_mpii_det.json'), 'w') as f:
        json.dump(detections(data), f, indent=1)
    print(f"{len(data['images'])} images, {len(data['annotations'])} people")


if __name__ == '__main__':
    main()
