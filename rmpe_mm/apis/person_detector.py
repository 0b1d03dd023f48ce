"""Person detection with any MMDetection detector, batched over images."""
import copy
import logging
from typing import List, NamedTuple, Optional, Sequence, Tuple

import numpy as np
import torch
from mmengine.config import Config
from mmengine.dataset import Compose, pseudo_collate
from mmengine.logging import print_log
from mmengine.model.utils import revert_sync_batchnorm
from mmengine.runner import load_checkpoint

from .model_names import ModelArg, resolve_model
from .scope import scope_guard
from .weights import WeightsOption, choose_weights, is_no_weights


class PersonBoxes(NamedTuple):
    """Person boxes of one image.

    Attributes:
        bboxes: (N, 4) float32 boxes ``x1, y1, x2, y2`` in image pixels.
        scores: (N,) float32 detection scores, in descending order.
    """
    bboxes: np.ndarray
    scores: np.ndarray

    def __len__(self) -> int:
        return len(self.scores)

    @classmethod
    def empty(cls) -> 'PersonBoxes':
        """No boxes."""
        return cls(np.zeros((0, 4), np.float32), np.zeros((0, ), np.float32))


def _test_pipeline_cfg(cfg: Config) -> List[dict]:
    """The detector's test pipeline for in-memory BGR images.

    The loader becomes ``mmdet.LoadImageFromNDArray`` (images are read once
    and shared with the pose model) and annotation loading is dropped.
    """
    dataset = cfg.test_dataloader.dataset
    while 'pipeline' not in dataset:
        if 'dataset' in dataset:
            dataset = dataset.dataset
        elif 'datasets' in dataset:
            dataset = dataset.datasets[0]
        else:
            raise ValueError('det config: test_dataloader.dataset has no '
                             '"pipeline"')
    pipeline = [
        copy.deepcopy(dict(t)) for t in dataset.pipeline
        if str(t['type']).split('.')[-1] != 'LoadAnnotations'
    ]
    if not pipeline or not str(
            pipeline[0]['type']).endswith('LoadImageFromFile'):
        raise ValueError('det config: the test pipeline must start with '
                         f'LoadImageFromFile, got {pipeline[:1]}')
    pipeline[0] = dict(type='mmdet.LoadImageFromNDArray')
    pack = pipeline[-1]
    if 'meta_keys' in pack:
        pack['meta_keys'] = tuple(k for k in pack['meta_keys']
                                  if k != 'img_id')
    return pipeline


def _fix_ssd_head(model: torch.nn.Module) -> None:
    """Work around an MMDetection 3.3.0 bug that breaks SSD inference.

    ``BaseDenseHead._predict_by_feat_single`` reads ``self.loss_cls``, which
    ``SSDHead`` never sets (open-mmlab/mmdetection issues #11063, #11305,
    #11780; unmerged PR #11524), so every SSD model fails with
    ``'SSDHead' object has no attribute 'loss_cls'``. A head without the
    attribute gets ``loss_cls = None``, which makes that check false, as
    the upstream fix does. Nothing else changes (no weights, no outputs).
    """
    head = getattr(model, 'bbox_head', None)
    if head is not None and not hasattr(head, 'loss_cls'):
        head.loss_cls = None


class PersonDetector:
    """An MMDetection detector that returns person boxes only.

    Built and called inside the detector's registry scope
    (:func:`~rmpe_mm.apis.scope.scope_guard`), so it never changes the
    default scope seen by other code (e.g. an MMPose pose model), whatever
    the order of construction.

    Documented defaults:

    - ``person_labels=(0,)``: label 0 is ``person`` in COCO order, which
      every COCO-trained MMDetection model uses.
    - ``score_thr=0``: keep every box the detector outputs (its own
      ``test_cfg.score_thr`` already applies; see
      ``configs/_base_/detectors/``).
    - ``nms_thr=None``: no extra NMS over the person boxes (the detector's
      own class-wise NMS already ran). A float applies IoU NMS at that
      threshold, as MMPose's inferencer does (0.3 there).
    - Boxes with zero or negative width or height are dropped: they cannot
      be cropped.
    - SSD heads get ``loss_cls = None`` to work around an MMDetection 3.3.0
      inference bug (see :func:`_fix_ssd_head`).

    Args:
        config (str | Config): MMDetection config: a path, a config object,
            an ``'mmdet::path'`` config name or a model-zoo name / alias of
            MMDetection's metafiles (e.g. ``'rtmdet-m'``); see
            :mod:`rmpe_mm.apis.model_names`.
        checkpoint (str, optional): Weights (:mod:`rmpe_mm.apis.weights`):
            a path or URL (downloaded into, or read from, the torch hub
            cache); ``'none'`` for random weights (PyTorch's default
            initialisation; ``init_weights`` is not run, so nothing is
            downloaded); None (default): the published checkpoint of a
            model-zoo name, as MMDetection's inferencer loads it, else
            random weights with a warning.
        device (str): Torch device. Defaults to ``'cpu'``.
        person_labels (Sequence[int]): Labels kept. Defaults to ``(0,)``.
        score_thr (float): Keep boxes with ``score >= score_thr``.
            Defaults to 0.0.
        nms_thr (float, optional): Extra IoU NMS threshold. Defaults to
            None (no extra NMS).
        checkpoint_names (tuple[str, str]): How the caller's users pass
            ``checkpoint`` (argument, tool option), for error messages.
            Defaults to ``('checkpoint', '--det-weights')``.

    Raises:
        ValueError: On an invalid argument or config, or an unknown name
            (the message lists the close matches).
        FileNotFoundError: If the config or a local checkpoint is missing.
        WeightsUnavailableError: A checkpoint URL (given or published)
            that can neither be downloaded nor found in the cache.
    """

    def __init__(
        self,
        config: ModelArg,
        checkpoint: Optional[str] = None,
        device: str = 'cpu',
        person_labels: Sequence[int] = (0, ),
        score_thr: float = 0.0,
        nms_thr: Optional[float] = None,
        checkpoint_names: Tuple[str, str] = ('checkpoint', '--det-weights')
    ) -> None:
        resolved = resolve_model(config, 'mmdet', 'det config')
        self.cfg = resolved.config
        self.published_weights = resolved.published_weights
        self._random_asked = is_no_weights(checkpoint)
        checkpoint = choose_weights(
            checkpoint, self.published_weights,
            WeightsOption(f'detector ({resolved.source})', *checkpoint_names))
        self.scope = self.cfg.get('default_scope', None) or 'mmdet'
        self.person_labels = tuple(int(label) for label in person_labels)
        if not self.person_labels:
            raise ValueError('person_labels must not be empty')
        self.score_thr = float(score_thr)
        self.nms_thr = None if nms_thr is None else float(nms_thr)
        if self.nms_thr is not None and not 0 < self.nms_thr <= 1:
            raise ValueError(f'nms_thr must be in (0, 1], got {nms_thr}')
        self.device = device
        with scope_guard(self.scope):
            self.model = self._build_model(checkpoint)
            self.pipeline = Compose(_test_pipeline_cfg(self.cfg))

    def _build_model(self, checkpoint: Optional[str]) -> torch.nn.Module:
        """Build the detector, load its weights, move it to the device."""
        from mmdet.registry import MODELS
        model = MODELS.build(copy.deepcopy(self.cfg.model))
        model = revert_sync_batchnorm(model)
        _fix_ssd_head(model)
        if checkpoint is None:
            # random weights asked for ('none') are no surprise: no warning
            print_log(
                'PersonDetector: no checkpoint, the detector keeps its '
                'random (PyTorch default) initialisation',
                logger='current',
                level=logging.INFO if self._random_asked else logging.WARNING)
        else:
            load_checkpoint(model, checkpoint, map_location='cpu')
        model.cfg = self.cfg
        return model.to(self.device).eval()

    @torch.no_grad()
    def __call__(self, images: Sequence[np.ndarray]) -> List[PersonBoxes]:
        """Detect the people in a batch of images (one forward pass).

        Args:
            images (Sequence[np.ndarray]): BGR ``uint8`` images (H, W, 3).

        Returns:
            list[PersonBoxes]: One entry per image.
        """
        if len(images) == 0:
            return []
        with scope_guard(self.scope):
            batch = pseudo_collate(
                [self.pipeline(dict(img=img)) for img in images])
            samples = self.model.test_step(batch)
        return [self._person_boxes(s.pred_instances) for s in samples]

    def _person_boxes(self, instances) -> PersonBoxes:
        """Filter one image's detections to people above the threshold."""
        bboxes = instances.bboxes.cpu().numpy().astype(np.float32)
        scores = instances.scores.cpu().numpy().astype(np.float32)
        labels = instances.labels.cpu().numpy()
        keep = np.isin(labels, self.person_labels)
        return filter_person_boxes(
            PersonBoxes(bboxes[keep], scores[keep]), self.score_thr,
            self.nms_thr)


def filter_person_boxes(boxes: PersonBoxes,
                        score_thr: float = 0.0,
                        nms_thr: Optional[float] = None) -> PersonBoxes:
    """Threshold, sort and optionally NMS one image's person boxes.

    Drops boxes with ``score < score_thr`` and boxes with zero or negative
    width or height (they cannot be cropped), sorts by descending score
    (stable), then applies MMPose's IoU NMS at ``nms_thr`` if given.

    Args:
        boxes (PersonBoxes): Boxes of one image.
        score_thr (float): Score threshold. Defaults to 0.0.
        nms_thr (float, optional): IoU threshold. Defaults to None (none).

    Returns:
        PersonBoxes: The kept boxes (new arrays).
    """
    bboxes = np.asarray(boxes.bboxes, np.float32).reshape(-1, 4)
    scores = np.asarray(boxes.scores, np.float32).reshape(-1)
    keep = (scores >= score_thr) & (bboxes[:, 2] > bboxes[:, 0]) & (
        bboxes[:, 3] > bboxes[:, 1])
    bboxes, scores = bboxes[keep], scores[keep]
    order = np.argsort(-scores, kind='stable')
    bboxes, scores = bboxes[order], scores[order]
    if nms_thr is not None and len(scores):
        from mmpose.evaluation.functional import nms
        kept = nms(np.concatenate([bboxes, scores[:, None]], 1), nms_thr)
        bboxes, scores = bboxes[kept], scores[kept]
    return PersonBoxes(bboxes, scores)
