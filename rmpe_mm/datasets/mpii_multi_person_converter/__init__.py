"""Convert the MPII release into the MPII multi-person COCO-style JSON.

Conversion choices (all arguments of :func:`convert_mpii_release`, listed
here because the paper and the toolkit leave them open):

- **Coordinates**: MATLAB's 1-based pixels are shifted by ``coord_offset``
  (default -1) to MMPose's 0-based pixels; the submission writer shifts
  back.
- **Groups**: with the toolkit's ``groups_v12.mat``, its groups, keeping (as
  ``getMultiPersonGroups.m`` does) only groups with no "single person";
  without it, one group per image made of all its non-single people. People
  outside every group get ``group_id = -1``. Group ids are unique over the
  whole file, numbered in image order.
- **Group box**: the union of squares of half-side
  ``group_margin * 200 * scale`` centered at each member's ``objpos``
  (the toolkit localises a group by its members' ``objpos`` and scales);
  a member without ``objpos``/``scale`` contributes its person box instead
  (counted in the statistics).
- **Person box**: the box around the annotated joints and the head box,
  grown by ``bbox_margin`` of its width/height on every side, clipped to the
  image. People with no annotated joint or no head box are left out
  (counted).
- **Image size**: read from the image header under ``img_root``; without
  ``img_root`` (or, with ``allow_missing_images``, for a missing file), the
  extent of the image's annotations (counted).
- **Split**: validation = ``val_names`` if given, else a seeded random
  ``val_ratio`` (default 10 %) of the multi-person training images (the
  paper's split). Training = every other training image with an annotated
  person (``train_multi_only=True``: only multi-person ones). Test = test
  images with a multi-person group (needs ``groups_v12.mat``; no people).

Modules: :mod:`.options` (:class:`ConvertOptions`), :mod:`.selection`
(groups, train/val split), :mod:`.geometry` (person and group boxes,
coordinate shift), :mod:`.json_builder` (one output file) and
:mod:`.convert` (:func:`convert_mpii_release`).
"""
from .convert import convert_mpii_release
from .geometry import group_bbox, person_bbox, shift_rect
from .options import MPII_PIXEL_STD, ConvertOptions
from .selection import form_groups, split_train_val

__all__ = [
    'ConvertOptions', 'convert_mpii_release', 'form_groups', 'group_bbox',
    'person_bbox', 'shift_rect', 'split_train_val', 'MPII_PIXEL_STD'
]
