"""MPII multi-person dataset (the COCO-style JSON of the converter)."""
from typing import Any, Callable, Dict, List, Optional, Sequence, Union

import numpy as np
from mmengine.fileio import get_local_path
from mmpose.datasets.datasets.base import BaseCocoStyleDataset
from mmpose.registry import DATASETS

from ..utils.mmpose_files import mmpose_dataset_metainfo
from .mpii_multi_person_format import MpiiImageGT, load_mpii_multi_person_json

#: MMPose's MPII metainfo (joints, flip pairs, sigmas), by absolute path.
MPII_METAINFO_FILE = mmpose_dataset_metainfo('mpii')


@DATASETS.register_module()
class MpiiMultiPersonDataset(BaseCocoStyleDataset):
    """MPII multi-person people for top-down training and testing.

    Reads the JSON written by ``tools/dataset_converters/mpii_multi_person.py``
    (format: :mod:`rmpe_mm.datasets.mpii_multi_person_format`) with MMPose's
    COCO-style machinery, so ``bbox_file`` (COCO detection results) works in
    test mode.
    Metainfo: MMPose's MPII (16 joints, flip pairs, sigmas).

    Per sample, on top of :class:`BaseCocoStyleDataset`'s keys:

    - ``head_bbox`` ``(1, 4)`` and ``group_id`` (GT-box samples; both also
      stay in ``raw_ann_info``);
    - ``mpii_gt`` (test mode only): the whole image's ground truth for
      :class:`MpiiMultiPersonMAP` as :meth:`MpiiImageGT.to_dict` (groups and
      boxes, every person's joints, visibility, head box and group id). Add
      ``'mpii_gt'`` to ``PackPoseInputs``' ``meta_keys`` to let the metric
      run without an ``ann_file``.

    Args:
        ann_file (str): Annotation file path. Default: ''.
        bbox_file (str, optional): Detection results (COCO format), test
            mode only. Default: None.
        data_mode (str): ``'topdown'`` or ``'bottomup'``. Default:
            ``'topdown'``.
        metainfo (dict, optional): Overrides the MPII metainfo. Default: None.
        data_root (str, optional): Root of ``ann_file`` and ``data_prefix``.
            Default: None.
        data_prefix (dict, optional): Image prefix. Default:
            ``dict(img='')``.
        filter_cfg (dict, optional): e.g. ``dict(bbox_score_thr=0.1)``.
            Default: None.
        indices (int | Sequence[int], optional): Subset. Default: None.
        serialize_data (bool): Default: True.
        pipeline (list, optional): Transforms. Default: None (empty).
        test_mode (bool): Default: False.
        lazy_init (bool): Default: False.
        max_refetch (int): Default: 1000.
        sample_interval (int): Default: 1.
    """

    METAINFO: dict = dict(from_file=MPII_METAINFO_FILE)

    def __init__(self,
                 ann_file: str = '',
                 bbox_file: Optional[str] = None,
                 data_mode: str = 'topdown',
                 metainfo: Optional[dict] = None,
                 data_root: Optional[str] = None,
                 data_prefix: Optional[dict] = None,
                 filter_cfg: Optional[dict] = None,
                 indices: Optional[Union[int, Sequence[int]]] = None,
                 serialize_data: bool = True,
                 pipeline: Optional[List[Union[dict, Callable]]] = None,
                 test_mode: bool = False,
                 lazy_init: bool = False,
                 max_refetch: int = 1000,
                 sample_interval: int = 1) -> None:
        super().__init__(
            ann_file=ann_file,
            bbox_file=bbox_file,
            data_mode=data_mode,
            metainfo=metainfo,
            data_root=data_root,
            data_prefix=dict(img='') if data_prefix is None else data_prefix,
            filter_cfg=filter_cfg,
            indices=indices,
            serialize_data=serialize_data,
            pipeline=[] if pipeline is None else pipeline,
            test_mode=test_mode,
            lazy_init=lazy_init,
            max_refetch=max_refetch,
            sample_interval=sample_interval)

    def parse_data_info(self, raw_data_info: dict) -> Optional[dict]:
        """Parse one person; adds ``head_bbox`` and ``group_id``.

        Raises:
            ValueError: the annotation has no ``head_bbox``/``group_id``.
        """
        ann = raw_data_info['raw_ann_info']
        for key in ('head_bbox', 'group_id'):
            if key not in ann:
                raise ValueError(f'annotation {ann.get("id")!r} in '
                                 f'{self.ann_file} has no {key!r}')
        data_info = super().parse_data_info(raw_data_info)
        if data_info is None:
            return None
        data_info['head_bbox'] = np.asarray(
            ann['head_bbox'], dtype=np.float32).reshape(1, 4)
        data_info['group_id'] = int(ann['group_id'])
        return data_info

    def load_data_list(self) -> List[dict]:
        """Load samples; in test mode attach each image's ``mpii_gt``."""
        data_list = super().load_data_list()
        if not self.test_mode:
            return data_list
        image_gt = self._load_image_gt()
        for data_info in data_list:
            img_id = int(data_info['img_id'])
            if img_id not in image_gt:
                raise ValueError(f'sample image_id {img_id} is not an image '
                                 f'of {self.ann_file}')
            data_info['mpii_gt'] = image_gt[img_id]
        return data_list

    def _load_image_gt(self) -> Dict[int, Dict[str, Any]]:
        """Per-image GT dicts from ``ann_file`` (validated)."""
        with get_local_path(self.ann_file) as local_path:
            parsed = load_mpii_multi_person_json(local_path)
        return {img_id: gt.to_dict() for img_id, gt in parsed.items()}

    @staticmethod
    def image_gt(data_info: dict) -> MpiiImageGT:
        """The :class:`MpiiImageGT` carried by a test sample."""
        return MpiiImageGT.from_dict(data_info['mpii_gt'])
