"""Fit the data set's box convention for ``PoseGuidedLocalizer``::

    python tools/fit_box_convention.py ANN_FILE [--min-joints 4]

ANN_FILE: COCO-format keypoint annotations of a training split. Prints
``extent_scale`` and ``center_offset`` (medians over people; see
``rmpe_mm/datasets/box_convention.py``).
"""
import argparse
import sys
from typing import List, Optional

from rmpe_mm.datasets.box_convention import (fit_box_convention,
                                             load_coco_people)


def main(argv: Optional[List[str]] = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split('\n')[0])
    parser.add_argument('ann_file')
    parser.add_argument('--min-joints', type=int, default=4)
    args = parser.parse_args(argv)
    fit = fit_box_convention(
        *load_coco_people(args.ann_file), min_joints=args.min_joints)
    print(f"extent_scale={fit['extent_scale']}, "
          f"center_offset={fit['center_offset']}  "
          f"({fit['num_people']} people)")
    return 0


if __name__ == '__main__':
    sys.exit(main())
