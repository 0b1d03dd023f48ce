"""Test a benchmark model in-process on other detections, with STN probes.

The sweep tests every model at every box-error level; one test subprocess
per test would spend most of its time importing. Here a test is a
``Runner`` built from the model's config (the same variables and options
the test subprocess would get), its ``bbox_file`` pointed at a level's
detections and two evaluators (without and with the parametric pose NMS)
sharing one inference pass. For SSTN models a hook records each test
crop's STN map, to measure how well it undoes each box's known error
(:func:`stn_diagnostics`).
"""
import argparse
import json
import logging
import uuid
from typing import Any, Dict, List, Mapping, Optional, Sequence, Tuple

import numpy as np
from mmengine.config import Config, DictAction
from mmengine.hooks import Hook

from rmpe_mm.datasets.transforms.center_target import fix_aspect_ratio
from ..config_variables import load_config


def parse_cfg_options(options: Sequence[str]) -> Dict:
    """``key=value`` strings, parsed as ``--cfg-options`` parses them."""
    parser = argparse.ArgumentParser()
    parser.add_argument('--o', nargs='+', action=DictAction, default={})
    return parser.parse_args(['--o', *options]).o if options else {}


class ThetaProbe(Hook):
    """Record the STN map of every test crop (the first STN call of each
    iteration: the un-flipped crops) with the crop's box and frame."""

    def __init__(self) -> None:
        self.records: List[Dict] = []
        self._batch: List = []
        self._handle = None

    def before_test(self, runner) -> None:
        model = getattr(runner.model, 'module', runner.model)
        self._handle = model.stn.register_forward_hook(
            lambda module, args, out: self._batch.append(out.detach().float().
                                                         cpu().numpy()))

    def after_test_iter(self,
                        runner,
                        batch_idx,
                        data_batch=None,
                        outputs=None) -> None:
        if not self._batch:
            raise RuntimeError('ThetaProbe: the STN was not called in test '
                               f'iteration {batch_idx}')
        theta = self._batch[0]
        self._batch = []
        for sample, th in zip(outputs, theta):
            meta = sample.metainfo
            self.records.append(
                dict(
                    img_id=int(meta['img_id']),
                    bbox=np.asarray(sample.gt_instances.bboxes,
                                    np.float64).reshape(-1)[:4],
                    center=np.asarray(meta['input_center'],
                                      np.float64).reshape(-1)[:2],
                    scale=np.asarray(meta['input_scale'],
                                     np.float64).reshape(-1)[:2],
                    theta=th))

    def after_test(self, runner) -> None:
        if self._handle is not None:
            self._handle.remove()


def build_test_config(config: str,
                      variables: Mapping[str, Any],
                      cfg_options: Sequence[str],
                      checkpoint: str,
                      det_file: str,
                      work_dir: str,
                      ppnms: str = 'paper_mpii') -> Config:
    """The model's test config (with its config ``variables`` and
    ``cfg_options``) on ``det_file`` with two evaluators (``raw/``: no pose
    NMS, ``ppnms/``: the ``ppnms`` preset)."""
    cfg = load_config(config, variables)
    cfg.merge_from_dict(parse_cfg_options(cfg_options))
    cfg.test_dataloader.dataset.bbox_file = det_file
    base = dict(cfg.test_evaluator)
    base.pop('pose_nms', None)
    base.pop('prefix', None)
    cfg.test_evaluator = [
        dict(base, pose_nms=None, prefix='raw'),
        dict(base, pose_nms=ppnms, prefix='ppnms'),
    ]
    cfg.load_from = checkpoint
    cfg.work_dir = work_dir
    # MMEngine keys loggers and visualizers by experiment name: one each
    cfg.experiment_name = f'sweep_test_{uuid.uuid4().hex[:12]}'
    cfg.log_level = 'WARNING'
    cfg.visualizer = dict(type='PoseLocalVisualizer', vis_backends=[])
    cfg.default_hooks.pop('visualization', None)
    return cfg


def evaluate_on_detections(config: str,
                           variables: Mapping[str, Any],
                           cfg_options: Sequence[str],
                           checkpoint: str,
                           det_file: str,
                           work_dir: str,
                           probe_stn: bool = False) -> Dict:
    """Test one model on one detection file (arguments: see
    :func:`build_test_config`).

    Returns:
        dict: ``raw`` and ``ppnms`` metrics (keys as
        :class:`~rmpe_mm.evaluation.metrics.MpiiMultiPersonMAP`'s) and, with
        ``probe_stn``, ``thetas``: the :class:`ThetaProbe` records.
    """
    from mmengine.logging import MMLogger
    from mmengine.runner import Runner
    cfg = build_test_config(config, variables, cfg_options, checkpoint,
                            det_file, work_dir)
    runner = Runner.from_cfg(cfg)
    probe = ThetaProbe() if probe_stn else None
    if probe is not None:
        runner.register_hook(probe)
    metrics = runner.test()
    MMLogger.get_current_instance().setLevel(logging.WARNING)
    out: Dict = {
        part: {
            k.split('/', 1)[1]: float(v)
            for k, v in metrics.items() if k.startswith(part + '/')
        }
        for part in ('raw', 'ppnms')
    }
    if probe is not None:
        out['thetas'] = probe.records
    return out


def _match(records: Sequence[Dict],
           dets: Sequence[Dict],
           tol: float = 0.1) -> List[Optional[int]]:
    """Index in ``dets`` (COCO results, xywh) of each probed crop's box."""
    by_image: Dict[int, List[int]] = {}
    for i, d in enumerate(dets):
        by_image.setdefault(int(d['image_id']), []).append(i)
    found: List[Optional[int]] = []
    for rec in records:
        best, best_err = None, tol
        for i in by_image.get(rec['img_id'], []):
            x, y, w, h = dets[i]['bbox']
            err = np.abs(rec['bbox'] - [x, y, x + w, y + h]).max()
            if err <= best_err:
                best, best_err = i, err
        found.append(best)
    return found


def _corr(a: np.ndarray, b: np.ndarray) -> float:
    if a.size < 2 or a.std() < 1e-12 or b.std() < 1e-12:
        return float('nan')
    return float(np.corrcoef(a, b)[0, 1])


def stn_diagnostics(records: Sequence[Dict], dets: Sequence[Dict],
                    det_meta: Sequence[Dict], gt_boxes: Dict[int, Sequence],
                    padding: float, input_size: Sequence[int]) -> Dict:
    """How well the STN undoes each simulated box's known error.

    For a crop of detection ``d`` (center ``c``, crop size ``S``) of person
    ``g`` (tight box), the map that shows the center-located crop is
    ``A* = diag(S_g / S)``, ``t* = 2 (c_g - c) / S`` (normalized
    coordinates; ``S_g``: ``g`` enlarged by ``padding`` and brought to the
    input aspect ratio, as the pipeline does). Over the true and duplicate
    detections it reports the statistics of the STN's ``theta`` and how
    its translation and scale follow ``t*`` and ``A*``.

    Returns:
        dict: ``num``, ``t_mean_abs``, ``det_mean``, ``det_std``,
        ``scale_mean`` (x, y), ``corr_tx``, ``corr_ty``, ``corr_sx``,
        ``corr_sy``, ``center_err_identity`` (rms ``|t*|``),
        ``center_err_stn`` (rms ``|t - t*|``) and ``center_err_reduction``
        (``1 - stn / identity``; negative: the STN moves away).
    """
    index = _match(records, dets)
    t, t_star, a, a_star, dets_a = [], [], [], [], []
    for rec, i in zip(records, index):
        if i is None or det_meta[i]['gt_ann_id'] is None:
            continue
        ideal = ideal_theta(rec['center'], rec['scale'],
                            gt_boxes[det_meta[i]['gt_ann_id']], padding,
                            input_size)
        theta = rec['theta']
        t.append(theta[:, 2])
        t_star.append(ideal[:, 2])
        a.append(np.diag(theta[:, :2]))
        a_star.append(np.diag(ideal[:, :2]))
        dets_a.append(np.linalg.det(theta[:, :2]))
    if not t:
        return dict(num=0)
    t, t_star = np.array(t), np.array(t_star)
    a, a_star, dets_a = np.array(a), np.array(a_star), np.array(dets_a)
    err_id = float(np.sqrt((t_star**2).sum(1).mean()))
    err_stn = float(np.sqrt(((t - t_star)**2).sum(1).mean()))
    return dict(
        num=int(len(t)),
        t_mean_abs=np.abs(t).mean(0).round(4).tolist(),
        det_mean=float(dets_a.mean()),
        det_std=float(dets_a.std()),
        scale_mean=a.mean(0).round(4).tolist(),
        corr_tx=_corr(t[:, 0], t_star[:, 0]),
        corr_ty=_corr(t[:, 1], t_star[:, 1]),
        corr_sx=_corr(a[:, 0], a_star[:, 0]),
        corr_sy=_corr(a[:, 1], a_star[:, 1]),
        center_err_identity=err_id,
        center_err_stn=err_stn,
        center_err_reduction=1 -
        err_stn / err_id if err_id > 0 else float('nan'))


def center_crop(gt_box: Sequence, padding: float,
                input_size: Sequence[int]) -> Tuple[np.ndarray, np.ndarray]:
    """Center and size of the center-located crop of ``gt_box`` (xywh):
    the box enlarged by ``padding`` and brought to the input aspect ratio,
    as the pipeline crops it."""
    x, y, w, h = gt_box
    aspect = float(input_size[0]) / float(input_size[1])
    size = fix_aspect_ratio(
        np.array([[w * padding, h * padding]], np.float32), aspect)[0]
    return np.array([x + w / 2, y + h / 2]), size


def ideal_theta(center: np.ndarray, scale: np.ndarray, gt_box: Sequence,
                padding: float, input_size: Sequence[int]) -> np.ndarray:
    """The STN map ``[diag(S_g / S) | 2 (c_g - c) / S]`` that shows the
    center-located crop of ``gt_box`` (xywh) inside the crop ``(c, S)``
    (normalized coordinates; see :func:`stn_diagnostics`)."""
    gt_center, gt_size = center_crop(gt_box, padding, input_size)
    t = 2 * (gt_center - center) / scale
    a = gt_size / scale
    return np.array([[a[0], 0., t[0]], [0., a[1], t[1]]])


def parallel_sppe_probe(config: str, variables: Mapping[str, Any],
                        cfg_options: Sequence[str], checkpoint: str,
                        det_file: str, det_meta: Sequence[Dict],
                        annotations: Dict[int, Dict], padding: float) -> Dict:
    """Does the frozen parallel SPPE's loss point the STN the right way?

    For every true or duplicate detection of ``det_file``, the parallel
    SPPE of an SSTN + parallel checkpoint is run on the crop as fed
    (identity STN) and on the crop warped by :func:`ideal_theta` (the STN
    that would fix the box), and its loss against the center-located target
    (the person's pose in its enlarged ground-truth crop, the training
    target) is compared. If the ideal warp does not lower that loss, the
    parallel SPPE cannot teach the STN to center people.

    Returns:
        dict: ``num``, ``loss_identity`` and ``loss_ideal`` (mean MSE over
        annotated joints), ``ideal_better`` (fraction of crops whose loss
        the ideal warp lowers).
    """
    import torch
    from mmengine.registry import init_default_scope
    from mmengine.runner import Runner, load_checkpoint
    from mmpose.registry import KEYPOINT_CODECS, MODELS
    from mmpose.structures.bbox import get_warp_matrix

    from rmpe_mm.models.utils.affine import warp_images

    cfg = build_test_config(
        config,
        variables,
        cfg_options,
        checkpoint,
        det_file,
        work_dir='unused')
    init_default_scope(cfg.get('default_scope', 'mmpose'))
    model = MODELS.build(cfg.model)
    load_checkpoint(model, checkpoint, map_location='cpu', logger='silent')
    model.eval()
    parallel = model.parallel_sppe
    if parallel is None:
        raise ValueError(f'{config} has no parallel SPPE to probe')
    codec_cfg = cfg.model.head.decoder
    codec = KEYPOINT_CODECS.build(codec_cfg)
    input_size = codec_cfg['input_size']
    loader = Runner.build_dataloader(cfg.test_dataloader)
    with open(det_file) as f:
        det_records = json.load(f)
    losses = {'identity': [], 'ideal': []}

    def loss(heatmaps, target, weight):
        err = ((heatmaps - target)**2).mean(dim=(-1, -2))
        return float((err * weight).sum() / weight.sum().clamp(min=1))

    for batch in loader:
        data = model.data_preprocessor(batch, False)
        samples = data['data_samples']
        records = [
            dict(
                img_id=int(s.metainfo['img_id']),
                bbox=np.asarray(s.gt_instances.bboxes,
                                np.float64).reshape(-1)[:4]) for s in samples
        ]
        keep, thetas, targets = [], [], []
        for i, (s,
                idx) in enumerate(zip(samples, _match(records, det_records))):
            if idx is None or det_meta[idx]['gt_ann_id'] is None:
                continue
            ann = annotations[det_meta[idx]['gt_ann_id']]
            center = np.asarray(s.metainfo['input_center'],
                                np.float64).reshape(-1)[:2]
            scale = np.asarray(s.metainfo['input_scale'],
                               np.float64).reshape(-1)[:2]
            theta = ideal_theta(center, scale, ann['bbox'], padding,
                                input_size)
            gt_center, gt_size = center_crop(ann['bbox'], padding, input_size)
            warp = get_warp_matrix(
                gt_center.astype(np.float32), gt_size, 0., tuple(input_size))
            kpts = np.asarray(ann['keypoints'], np.float32).reshape(-1, 3)
            pts = kpts[:, :2] @ warp[:, :2].T + warp[:, 2]
            enc = codec.encode(pts[None],
                               (kpts[None, :, 2] > 0).astype(np.float32))
            keep.append(i)
            thetas.append(theta)
            targets.append(enc)
        if not keep:
            continue
        inputs = data['inputs'][keep]
        theta = torch.as_tensor(np.stack(thetas), dtype=torch.float32)
        target = torch.as_tensor(np.stack([t['heatmaps'] for t in targets]))
        weight = torch.as_tensor(
            np.stack([t['keypoint_weights'][0] for t in targets]))
        with torch.no_grad():
            for name, crops in (('identity', inputs),
                                ('ideal', warp_images(inputs, theta))):
                out = parallel.head.forward(parallel.extract_feat(crops))
                out = out[-1] if isinstance(out, (list, tuple)) else out
                losses[name] += [
                    loss(out[j], target[j], weight[j])
                    for j in range(len(keep))
                ]
    ident = np.array(losses['identity'])
    ideal = np.array(losses['ideal'])
    return dict(
        num=int(ident.size),
        loss_identity=float(ident.mean()) if ident.size else None,
        loss_ideal=float(ideal.mean()) if ideal.size else None,
        ideal_better=float((ideal < ident).mean()) if ident.size else None)
