"""Read the official MPII Human Pose annotation files (``.mat``).

The release file (``mpii_human_pose_v1_u12_1.mat``) holds one MATLAB struct
``RELEASE`` with (among others):

- ``annolist(i).image.name``: image file name;
- ``annolist(i).annorect(r)``: people, with ``objpos.x/y`` (rough position),
  ``scale`` (person height / 200 px), head box ``x1 y1 x2 y2`` and
  ``annopoints.point(p)`` with ``id`` (0..15), ``x``, ``y`` and
  ``is_visible`` (1 visible, 0 occluded; sometimes missing);
- ``img_train(i)``: 1 for training images, 0 for test images;
- ``single_person{i}``: 1-based indices of the "sufficiently separated"
  people of image ``i``.

The evaluation toolkit's ``groups_v12.mat`` holds ``groups{i}{g}``: the
1-based ``annorect`` indices of group ``g`` of image ``i``. Its ground truth
``annolist_test_multi`` (what ``evaluateAP.m`` evaluates against) holds one
``annolist`` entry per evaluated group: ``annorect`` = the group's people
(fields as above), ``image.name`` present or not.
:func:`load_mpii_annotations` reads either kind of file.

Everything here is read with ``scipy.io.loadmat(squeeze_me=False,
struct_as_record=False)`` and walked with ``.flat``, so struct arrays, cell
arrays and 1x1 values are handled alike. Coordinates are returned as stored
(MATLAB, 1-based); the converter shifts them.

Modules: :mod:`.records` (the dataclasses and flags), :mod:`.people`
(``annorect`` parsing), :mod:`.release` (``RELEASE``, ``groups_v12.mat``),
:mod:`.annolist` (``annolist_test_multi``) and :mod:`.annotations` (either
kind of ground-truth file).
"""
from .annolist import iter_mpii_annolist, load_mpii_annolist
from .annotations import load_mpii_annotations
from .people import iter_mpii_points
from .records import (ANNOLIST_VAR, OCCLUDED, RELEASE_VAR, VISIBLE,
                      MpiiAnnolistEntry, MpiiAnnotations, MpiiRect,
                      MpiiReleaseImage)
from .release import load_mpii_groups, load_mpii_release

__all__ = [
    'ANNOLIST_VAR', 'OCCLUDED', 'RELEASE_VAR', 'VISIBLE', 'MpiiAnnolistEntry',
    'MpiiAnnotations', 'MpiiRect', 'MpiiReleaseImage', 'iter_mpii_points',
    'iter_mpii_annolist', 'load_mpii_annolist', 'load_mpii_annotations',
    'load_mpii_groups', 'load_mpii_release'
]
