"""RMPE's multi-person pipeline as an MMPose inferencer."""
import logging
import os.path as osp
from typing import (Any, Iterable, Iterator, List, Optional, Sequence, Tuple,
                    Union)

import mmcv
import numpy as np
import torch
from mmengine.config import Config
from mmengine.dataset import Compose, pseudo_collate
from mmengine.logging import print_log
from mmengine.model import revert_sync_batchnorm
from mmpose.apis.inferencers.base_mmpose_inferencer import BaseMMPoseInferencer
from mmpose.registry import INFERENCERS
from mmpose.structures import PoseDataSample

from rmpe_mm.evaluation.functional.pose_nms import PoseNMSType, build_pose_nms
from .detection_file import DetectionFile
from .given_boxes import BoxesType, input_boxes, whole_image_box
from .image_chunks import InputType, load_chunk
from .inference_results import (cat_pose_instances, dump_people,
                                result_records, split_people)
from .inputs import check_video, input_kind, list_images
from .model_names import WHOLE_IMAGE, ModelArg, resolve_model
from .person_detector import PersonBoxes, PersonDetector, filter_person_boxes
from .pose_nms_step import apply_pose_nms
from .pose_samples import run_pose_pipeline
from .pose_tracking_step import track_instances
from .prefetching import prefetch
from .scope import scope_guard
from .stage_timer import StageTimer
from .tracking import build_tracker, draw_tracks

#: One decoded chunk: the original inputs, their BGR images and metas.
Decoded = Tuple[list, List[np.ndarray], List[dict]]


@INFERENCERS.register_module(name='rmpe')
@INFERENCERS.register_module()
class RMPEInferencer(BaseMMPoseInferencer):
    """Detector -> top-down pose model -> parametric pose NMS.

    Follows MMPose's inferencer conventions (``Pose2DInferencer``): called
    with an image path, an array, a list of them, a folder or a video, it
    yields one result dict per batch with ``predictions`` (one list of
    person dicts per image) and ``visualization``; ``out_dir``,
    ``vis_out_dir`` and ``pred_out_dir`` save rendered images / video and
    per-image JSON like MMPose's. Unlike MMPose's inferencer, a batch holds
    ``batch_size`` images: the detector runs once on all of them and all
    their boxes go through the pose model together, ``pose_batch_size``
    crops at a time; the pose NMS then runs per image.

    A person dict holds ``keypoints`` (K x [x, y]), ``keypoint_scores``,
    ``bbox`` (x1y1x2y2), ``bbox_score``, ``score`` (person score:
    ``mean + bbox_score + 1.25 * max`` of the merged joint scores, also
    without pose NMS) and ``idx`` (indices of the boxes merged into it, in
    the image's box list sorted by descending score). People are listed in
    the pose NMS's pick order (without pose NMS: descending box score). A
    result dict also
    holds ``img_paths`` and ``image_ids``; :meth:`to_records` turns it into
    COCO keypoint results or AlphaPose's JSON records.

    Boxes come from, per call: ``bboxes=[...]`` (one (N, 4|5) array per
    input), else the detector, else the detection file, else (with
    ``det_model='whole_image'``) one whole-image box per image.

    Models are named as in MMPose: ``model`` and ``det_model`` may be config
    paths, ``'mmpose::...'`` / ``'mmdet::...'`` config names or model-zoo
    names and aliases (``'human'``, ``'rtmdet-m'``), resolved from the
    installed packages' metafiles (:mod:`rmpe_mm.apis.model_names`).
    Weights are never implied: ``weights=None`` means random weights and
    the log names a model-zoo name's published weights.

    Call options besides MMPose's: ``whole_image_fallback=True`` gives an
    image whose boxes are all filtered out one whole-image box (score 1),
    as MMPose's inferencer always does (default False: such an image has
    no people); ``overlap=True`` runs decoding, detection (with the pose
    crops) and the pose model in three overlapping stages, threads joined
    by queues of ``queue_size`` batches (:func:`~rmpe_mm.apis.prefetching.
    prefetch`, AlphaPose's design), with the same results as the default
    sequential loop.

    Tracking (``tracker=...``, AlphaPose's ``--pose_track``): after the
    pose NMS, each frame's people get a track id (``track_id`` in the
    person dicts, ``pred_instances.track_ids``; -1 until a track is
    confirmed) from :class:`~rmpe_mm.apis.tracking.PoseTracker`, frame by
    frame in input order with no added latency; AlphaPose's JSON then
    holds the track id in ``idx``, and rendered frames draw each track in
    its own color with its id (docs/tracking.md). Each call is one
    sequence: the tracker is reset when a call starts, unless the call
    passes ``reset_tracker=False`` (feeding a stream frame by frame).

    Scope safety: the pose model is built and run in its scope (``scope``)
    and the detector in its own (:class:`PersonDetector`), both through
    :func:`~rmpe_mm.apis.scope.scope_guard`, so construction order and
    other code switching the default scope do not matter; the inferencer
    leaves the global default scope as it found it.

    Documented defaults: ``bbox_thr=0.0`` (keep every box the detector
    outputs; the detector configs already apply score 0.05 and NMS IoU
    0.6), ``nms_thr=None`` (no extra box NMS; MMPose's inferencer uses
    0.3/0.3), ``pose_nms='alphapose_body'``, ``whole_image_fallback=False``,
    ``overlap=False``, ``queue_size=2``, ``tracker=None`` (no tracking),
    ``reset_tracker=True``;
    ``image_ids`` are integer file stems (COCO naming) or, failing that,
    the input's index (array inputs, video frames), or come from
    ``det_ann_file``.

    Args:
        model (str | Config): Pose model (top-down): config path,
            ``'mmpose::...'`` name, model-zoo name / alias or config.
        weights (str, optional): Pose checkpoint (path or URL); None:
            random weights.
        device (str, optional): Device; None: MMEngine's default.
        scope (str): Registry scope of the pose model. Defaults to
            ``'mmpose'``.
        det_model (str | Config | PersonDetector, optional): Detector:
            config path, ``'mmdet::...'`` name, model-zoo name / alias,
            config, a built detector, or ``'whole_image'`` (no detector,
            one whole-image box per image, as in MMPose). Defaults to None.
        det_weights (str, optional): Detector checkpoint; None or
            ``'none'``: random weights.
        det_cat_ids (Sequence[int]): Detector labels kept as people.
            Defaults to ``(0,)`` (COCO person).
        det_file (str, optional): COCO detection results to take boxes
            from instead of a detector. Defaults to None.
        det_ann_file (str, optional): COCO annotation file mapping image
            file names to the ids used in ``det_file``. Defaults to None.
        pose_nms (None | str | dict | callable): See
            :func:`~rmpe_mm.evaluation.functional.build_pose_nms`. Defaults to
            ``'alphapose_body'``; None disables it.
        tracker (None | bool | dict | object): Track people across frames:
            None (default) or False: no tracking; True or a dict of
            :class:`~rmpe_mm.apis.tracking.PoseTracker` options (``sigmas``
            default to the pose model's ``dataset_meta['sigmas']``); or a
            built tracker (:func:`~rmpe_mm.apis.tracking.build_tracker`).
        pose_batch_size (int): Crops per pose forward pass. Defaults to 8:
            on CPU, larger batches were 10-40 % slower per crop
            (``benchmarks/bench_pipeline.py``); raise it on a GPU.
        show_progress (bool): Rich progress over batches. Defaults to False.

    Raises:
        ValueError: On a non-top-down model, both ``det_model`` and
            ``det_file``, invalid sizes, or an unknown model name (the
            message lists the close matches).
        FileNotFoundError: A missing config or checkpoint file.
    """

    preprocess_kwargs: set = {
        'bbox_thr', 'nms_thr', 'bboxes', 'whole_image_fallback', 'overlap',
        'queue_size', 'reset_tracker'
    }
    forward_kwargs: set = set()
    visualize_kwargs: set = {
        'return_vis', 'show', 'wait_time', 'draw_bbox', 'radius', 'thickness',
        'kpt_thr', 'vis_out_dir', 'skeleton_style', 'black_background'
    }
    postprocess_kwargs: set = {'pred_out_dir', 'return_datasample'}

    def __init__(self,
                 model: ModelArg,
                 weights: Optional[str] = None,
                 device: Optional[str] = None,
                 scope: str = 'mmpose',
                 det_model: Union[None, ModelArg, PersonDetector] = None,
                 det_weights: Optional[str] = None,
                 det_cat_ids: Sequence[int] = (0, ),
                 det_file: Optional[str] = None,
                 det_ann_file: Optional[str] = None,
                 pose_nms: PoseNMSType = 'alphapose_body',
                 pose_batch_size: int = 8,
                 show_progress: bool = False,
                 tracker: Any = None) -> None:
        if det_model is not None and det_file is not None:
            raise ValueError(
                'give det_model or det_file, not both '
                f'(det_model={det_model!r}, det_file={det_file!r})')
        if pose_batch_size < 1:
            raise ValueError(
                f'pose_batch_size must be >= 1, got {pose_batch_size}')
        self.pose_scope = scope
        resolved = resolve_model(model, scope, 'pose model')
        if weights is None and resolved.published_weights is not None:
            print_log(
                f'RMPEInferencer: {resolved.source} gets random weights; '
                f'its published weights: {resolved.published_weights}',
                logger='current',
                level=logging.WARNING)
        with scope_guard(scope):
            super().__init__(
                model=resolved.config,
                weights=weights,
                device=device,
                scope=scope,
                show_progress=show_progress)
            self.model = revert_sync_batchnorm(self.model)
            self.visualizer.set_dataset_meta(self.model.dataset_meta)
        if self.cfg.get('data_mode', 'topdown') != 'topdown':
            raise ValueError('RMPEInferencer needs a top-down model, got '
                             f'data_mode={self.cfg.get("data_mode")!r}')
        self.whole_image = isinstance(det_model,
                                      str) and det_model in WHOLE_IMAGE
        self.detector = None if self.whole_image else self._build_detector(
            det_model, det_weights, det_cat_ids)
        self.det_file = None if det_file is None else DetectionFile(
            det_file, det_ann_file)
        self.pose_nms = build_pose_nms(pose_nms)
        self.tracker = self._build_tracker(tracker)
        self.pose_batch_size = int(pose_batch_size)
        self.timer = StageTimer()
        self._video_input = False

    def _build_detector(self, det_model, det_weights,
                        det_cat_ids) -> Optional[PersonDetector]:
        """The person detector (None without ``det_model``)."""
        if det_model is None or isinstance(det_model, PersonDetector):
            return det_model
        return PersonDetector(
            det_model,
            det_weights,
            device=str(next(self.model.parameters()).device),
            person_labels=det_cat_ids)

    def _build_tracker(self, tracker: Any) -> Any:
        """The tracker (None without tracking), checked against K."""
        meta = self.model.dataset_meta
        sigmas = meta.get('sigmas', None)
        built = build_tracker(tracker, sigmas=sigmas)
        expected = int(meta['num_keypoints'])
        k = getattr(built, 'num_keypoints', expected)
        if k != expected:
            raise ValueError(f'the tracker has {k} keypoint sigmas but the '
                             f'pose model predicts {expected} keypoints')
        return built

    def _init_collate(self, cfg: Config):
        """``pseudo_collate`` unless the config names a ``collate_fn``."""
        if 'collate_fn' not in cfg.get('test_dataloader', {}):
            return pseudo_collate
        return super()._init_collate(cfg)

    def _init_pipeline(self, cfg: Config):
        """The pose model's test pipeline, built in its scope."""
        with scope_guard(cfg.get('default_scope', None) or self.pose_scope):
            return Compose(cfg.test_dataloader.dataset.pipeline)

    # ------------------------------------------------------------------
    # preprocess: images -> boxes -> pose crops
    # ------------------------------------------------------------------
    def _inputs_to_list(self, inputs: Any) -> Iterable:
        """MMPose's input handling, with clear errors for bad paths.

        A folder lists its images (other files skipped with a warning); a
        missing path, a file that is neither an image nor a video, a folder
        without images and a video without frames raise, naming the path.
        """
        if isinstance(inputs, str) and input_kind(inputs) == 'folder':
            self._video_input = False
            return list_images(inputs)
        items = super()._inputs_to_list(inputs)
        if self._video_input:
            check_video(items, inputs)
        return items

    def preprocess(self,
                   inputs: Iterable[InputType],
                   batch_size: int = 1,
                   bbox_thr: float = 0.0,
                   nms_thr: Optional[float] = None,
                   bboxes: Optional[Sequence[BoxesType]] = None,
                   whole_image_fallback: bool = False,
                   overlap: bool = False,
                   queue_size: int = 2,
                   reset_tracker: bool = True,
                   **kwargs) -> Iterator[Tuple[dict, list]]:
        """Yield ``(batch, original inputs)`` for ``batch_size`` images.

        ``batch`` holds the pose pipeline's outputs for all boxes of the
        images (``samples``), the image of each (``owners``), the images'
        meta information (``metas``) and their boxes (``boxes``). Two
        stages: decoding (:meth:`_decode`) and boxes + pose crops
        (:meth:`_prepare`); with ``overlap`` each runs in its own thread,
        ``queue_size`` batches ahead of the next stage. Called once per
        call of the inferencer: it resets the tracker (a new sequence)
        unless ``reset_tracker=False``.
        """
        if batch_size < 1:
            raise ValueError(f'batch_size must be >= 1, got {batch_size}')
        if self.tracker is not None and reset_tracker:
            self.tracker.reset()
        decoded = self._decode(inputs, batch_size)
        if overlap:
            decoded = prefetch(decoded, queue_size, 'rmpe-decode')
        prepared = self._prepare(
            decoded,
            bboxes=bboxes,
            bbox_thr=bbox_thr,
            nms_thr=nms_thr,
            whole_image_fallback=whole_image_fallback)
        if overlap:
            prepared = prefetch(prepared, queue_size, 'rmpe-detect')
        return prepared

    def _decode(self, inputs: Iterable[InputType],
                batch_size: int) -> Iterator[Decoded]:
        """Read (decode) ``batch_size`` inputs at a time."""
        chunks = self._get_chunk_data(inputs, batch_size)
        start = 0
        while True:
            with self.timer('load'):
                chunk = next(chunks, None)
                if chunk is None:
                    break
                images, metas = load_chunk(chunk, start, self.det_file)
            start += len(chunk)
            yield chunk, images, metas
        if hasattr(inputs, '__len__') and start < len(inputs):
            print_log(
                f'only {start} of the {len(inputs)} frames the video '
                'header announces could be read',
                logger='current',
                level=logging.WARNING)

    def _prepare(self, decoded: Iterable[Decoded],
                 **box_options) -> Iterator[Tuple[dict, list]]:
        """Boxes and pose-pipeline samples of each decoded chunk."""
        for chunk, images, metas in decoded:
            boxes = self._chunk_boxes(images, metas, **box_options)
            with self.timer('pose_preprocess'), scope_guard(self.pose_scope):
                samples, owners = run_pose_pipeline(self.pipeline,
                                                    self.model.dataset_meta,
                                                    images, metas, boxes)
            yield dict(
                samples=samples, owners=owners, metas=metas,
                boxes=boxes), chunk

    def _chunk_boxes(self, images: List[np.ndarray], metas: List[dict],
                     bboxes: Optional[Sequence[BoxesType]], bbox_thr: float,
                     nms_thr: Optional[float],
                     whole_image_fallback: bool) -> List[PersonBoxes]:
        """Person boxes of each image of a chunk, thresholded."""
        with self.timer('detector'):
            if bboxes is not None:
                raw = [input_boxes(bboxes, m['input_index']) for m in metas]
            elif self.detector is not None:
                raw = self.detector(images)
            elif self.det_file is not None:
                raw = [self.det_file(m['img_id']) for m in metas]
            elif self.whole_image:
                raw = [whole_image_box(image) for image in images]
            else:
                raise ValueError(
                    'no boxes: build the inferencer with det_model (a '
                    'detector or "whole_image") or det_file, or pass '
                    'bboxes=[...] to the call')
            kept = [filter_person_boxes(b, bbox_thr, nms_thr) for b in raw]
        if whole_image_fallback:
            kept = [
                boxes if len(boxes) else whole_image_box(image)
                for boxes, image in zip(kept, images)
            ]
        return kept

    # ------------------------------------------------------------------
    # forward: pose model in batches -> pose NMS per image
    # ------------------------------------------------------------------
    @torch.no_grad()
    def forward(self, inputs: dict, **kwargs) -> List[PoseDataSample]:
        """Pose model over all crops of the batch, then pose NMS per image
        (and the tracker, frame by frame).

        Returns:
            list[PoseDataSample]: One per image; ``pred_instances`` as
            :func:`~rmpe_mm.apis.pose_nms_step.apply_pose_nms` returns,
            with ``track_ids`` when tracking
            (:func:`~rmpe_mm.apis.pose_tracking_step.track_instances`).
        """
        samples = inputs['samples']
        outputs: List[PoseDataSample] = []
        with self.timer('pose'), scope_guard(self.pose_scope):
            for start in range(0, len(samples), self.pose_batch_size):
                batch = self.collate_fn(samples[start:start +
                                                self.pose_batch_size])
                outputs.extend(self.model.test_step(batch))
        results = []
        num_keypoints = int(self.model.dataset_meta['num_keypoints'])
        with self.timer('pose_nms'):
            for i, meta in enumerate(inputs['metas']):
                mine = [
                    outputs[j].pred_instances
                    for j in np.flatnonzero(inputs['owners'] == i)
                ]
                data_sample = PoseDataSample(metainfo=meta)
                data_sample.pred_instances = apply_pose_nms(
                    cat_pose_instances(mine, num_keypoints), self.pose_nms)
                results.append(data_sample)
        if self.tracker is not None:
            with self.timer('tracking'):
                for data_sample in results:  # frames in input order
                    data_sample.pred_instances = track_instances(
                        data_sample.pred_instances, self.tracker)
        return results

    # ------------------------------------------------------------------
    # visualize / postprocess
    # ------------------------------------------------------------------
    def visualize(self, inputs: list, preds: List[PoseDataSample],
                  **kwargs) -> List[np.ndarray]:
        """MMPose's visualisation, in the pose model's scope; with
        tracking, :meth:`_visualize_tracks`."""
        with self.timer('visualize'), scope_guard(self.pose_scope):
            if self.tracker is not None:
                return self._visualize_tracks(inputs, preds, **kwargs)
            return super().visualize(inputs, preds, **kwargs)

    def _visualize_tracks(self,
                          inputs: list,
                          preds: List[PoseDataSample],
                          return_vis: bool = False,
                          show: bool = False,
                          wait_time: float = 0,
                          draw_bbox: bool = False,
                          radius: int = 3,
                          thickness: int = 1,
                          kpt_thr: float = 0.3,
                          vis_out_dir: str = '',
                          black_background: bool = False,
                          **kwargs) -> List[np.ndarray]:
        """Each track in its own color with its id
        (:func:`~rmpe_mm.apis.tracking.draw_tracks`), saved and shown as
        MMPose's visualisation is (``skeleton_style`` is not used)."""
        if not (return_vis or show or vis_out_dir):
            return []
        skeleton = self.model.dataset_meta.get('skeleton_links', None)
        results = []
        for single_input, pred in zip(inputs, preds):
            image = _rgb_image(single_input)
            if black_background:
                image = np.zeros_like(image)
            people = pred.pred_instances
            drawn = draw_tracks(image, people.keypoints,
                                people.keypoint_scores, people.bboxes,
                                people.track_ids, skeleton, kpt_thr, radius,
                                thickness, draw_bbox)
            results.append(drawn)
            name = osp.basename(pred.metainfo['img_path'])
            if show:
                self.visualizer.show(
                    drawn,
                    win_name=name,
                    wait_time=1e-5 if self._video_input else wait_time)
            if vis_out_dir:
                self.save_visualization(drawn, vis_out_dir, img_name=name)
        return results if return_vis else []

    def postprocess(self,
                    preds: List[PoseDataSample],
                    visualization: List[np.ndarray],
                    return_datasample: Optional[bool] = None,
                    return_datasamples: bool = False,
                    pred_out_dir: str = '') -> dict:
        """Pack the batch's predictions (and save per-image JSON).

        Returns:
            dict: ``predictions`` (per image: list of person dicts, or the
            data samples with ``return_datasamples``), ``visualization``,
            ``img_paths`` and ``image_ids``.
        """
        if return_datasample is not None:
            return_datasamples = return_datasample
        people = [split_people(p.pred_instances) for p in preds]
        result = dict(
            visualization=visualization,
            predictions=preds if return_datasamples else people,
            img_paths=[p.metainfo['img_path'] for p in preds],
            image_ids=[p.metainfo['img_id'] for p in preds])
        if pred_out_dir:
            for persons, data_sample in zip(people, preds):
                if self._video_input:
                    self.video_info['predictions'].append(persons)
                    continue
                dump_people(persons, data_sample.metainfo['img_path'],
                            pred_out_dir)
        return result

    #: JSON records (``'alphapose'`` or ``'coco'``) of one result dict
    #: (:func:`~rmpe_mm.apis.inference_results.result_records`).
    to_records = staticmethod(result_records)


def _rgb_image(single_input: Union[str, np.ndarray]) -> np.ndarray:
    """An input (path or BGR array) as an RGB image, as MMPose's
    visualisation reads it."""
    if isinstance(single_input, str):
        return mmcv.imread(single_input, channel_order='rgb')
    if isinstance(single_input, np.ndarray):
        return mmcv.bgr2rgb(single_input)
    raise ValueError(f'unsupported input type: {type(single_input)}')
