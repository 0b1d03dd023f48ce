"""RMPE's symmetric STN and parallel SPPE around an MMPose top-down model."""
import copy
from typing import List, Optional, Sequence, Tuple, Union

import torch
from mmengine.structures import PixelData
from mmpose.models.pose_estimators import TopdownPoseEstimator
from mmpose.models.utils.tta import flip_heatmaps
from mmpose.registry import MODELS
from mmpose.utils.typing import (ConfigType, InstanceList, OptConfigType,
                                 OptMultiConfig, PixelDataList, SampleList)
from torch import Tensor

from ..utils.affine import (HEATMAP_MAPPINGS, affine_inverse,
                            box_in_window_theta, compose_affine, mirror_theta,
                            theta_in_heatmap_frame, unwarp_heatmap_stages,
                            unwarp_heatmaps, warp_images)
from ..utils.head_loss import HEATMAP_HEAD_TYPES, heatmap_head_loss
from .keypoint_mapping import average_flipped_keypoints, keypoints_to_crop
from .parallel_sppe import (build_parallel_sppe, load_parallel_sppe,
                            parallel_sppe_loss)

#: A head's forward output: a tensor, or one tensor per stage.
HeadOutputs = Union[Tensor, List[Tensor], Tuple[Tensor, ...]]


@MODELS.register_module()
class RMPEPoseEstimator(TopdownPoseEstimator):
    """Top-down estimator with RMPE's SSTN and parallel SPPE.

    ``inputs -> STN warp -> SPPE (backbone, neck, head) -> SDTN un-warp``;
    during training a frozen parallel SPPE on the warped crop supervises the
    STN (``loss_parallel``). Training and prediction paths, supported heads,
    when the parallel SPPE's weights are loaded and why not through
    ``init_cfg``, and the context window / pose-guided localiser
    (``sppe_input_size``, issue 22): docs/sstn.md.

    Args:
        backbone, neck, head, train_cfg, test_cfg, data_preprocessor,
        init_cfg, metainfo: As :class:`TopdownPoseEstimator`; ``head`` is
            required.
        stn (dict, optional): Localisation-net config. Defaults to None:
            ``dict(type='STNLocalizer')`` (ResNet-18, affine, identity
            initialised).
        parallel_sppe (dict, optional): Parallel SPPE: a full
            pose-estimator config (heatmap head, the main model's input
            size and normalization) plus ``checkpoint`` (path or URL of a
            full pose-estimator checkpoint) and ``checkpoint_prefix`` (key
            prefix of its weights in that file; default None: detected).
            Frozen; loaded by :meth:`init_weights`. Defaults to None: no
            parallel branch.
        parallel_loss_weight (float): Weight of the parallel loss. Defaults
            to 1.0 (the reference's weight).
        heatmap_mapping (str): How the head's codec maps crop pixels to
            heatmap pixels, so that the SDTN is exact at the heatmap
            resolution (:func:`~rmpe_mm.models.utils.affine.
            theta_in_heatmap_frame`): ``'scale'`` (``MSRAHeatmap``),
            ``'udp'`` (``UDPHeatmap``), ``'normalized'`` (one ``theta`` at
            both sizes, docs/method.md's literal reading) or ``'auto'``
            (default): ``'udp'`` if the head's decoder is a ``UDPHeatmap``,
            else ``'scale'``.
        sppe_input_size (Sequence[int], optional): The SPPE's input size
            (w, h) when the pipeline feeds a context window larger than the
            crop (``TopdownContextAffine(context > 1)``, issue 22): the
            warp then samples the window on this grid. Defaults to None:
            the inputs are the crops (the paper).
        parallel_position_loss_weight (float): Weight of the parallel
            SPPE's position loss (:func:`~rmpe_mm.models.pose_estimators.
            parallel_sppe.parallel_position_loss`: its soft-argmax joints
            on the STN output vs the center-located joints), added as
            ``loss_parallel_position``. Defaults to 0.0: off (the paper's
            heatmap MSE alone).
    """

    def __init__(self,
                 backbone: ConfigType,
                 neck: OptConfigType = None,
                 head: OptConfigType = None,
                 train_cfg: OptConfigType = None,
                 test_cfg: OptConfigType = None,
                 data_preprocessor: OptConfigType = None,
                 init_cfg: OptMultiConfig = None,
                 metainfo: Optional[dict] = None,
                 stn: OptConfigType = None,
                 parallel_sppe: OptConfigType = None,
                 parallel_loss_weight: float = 1.0,
                 heatmap_mapping: str = 'auto',
                 sppe_input_size: Optional[Sequence[int]] = None,
                 parallel_position_loss_weight: float = 0.0) -> None:
        if head is None:
            raise ValueError('RMPEPoseEstimator needs a head (head=None): the '
                             'SDTN acts on its outputs')
        if heatmap_mapping not in HEATMAP_MAPPINGS + ('auto', ):
            raise ValueError('heatmap_mapping must be one of '
                             f"{HEATMAP_MAPPINGS + ('auto', )}, got "
                             f'{heatmap_mapping!r}')
        if parallel_loss_weight < 0 or parallel_position_loss_weight < 0:
            raise ValueError(
                'parallel_loss_weight and parallel_position_loss_weight must '
                f'be >= 0, got {parallel_loss_weight} and '
                f'{parallel_position_loss_weight}')
        if sppe_input_size is not None and (len(sppe_input_size) != 2 or min(
                int(v) for v in sppe_input_size) <= 0):
            raise ValueError('sppe_input_size must be (w, h) > 0 or None, got '
                             f'{sppe_input_size}')
        super().__init__(
            backbone=backbone,
            neck=neck,
            head=head,
            train_cfg=train_cfg,
            test_cfg=test_cfg,
            data_preprocessor=data_preprocessor,
            init_cfg=init_cfg,
            metainfo=metainfo)
        self.stn = MODELS.build(
            copy.deepcopy(stn) if stn is not None else dict(
                type='STNLocalizer'))
        self.parallel_loss_weight = float(parallel_loss_weight)
        self.parallel_position_loss_weight = float(
            parallel_position_loss_weight)
        self.sppe_input_size: Optional[Tuple[int, int]] = (
            None if sppe_input_size is None else
            (int(sppe_input_size[0]), int(sppe_input_size[1])))
        self.heatmap_mapping = self._resolve_mapping(heatmap_mapping)
        self.parallel_checkpoint: Optional[str] = None
        self.parallel_checkpoint_prefix: Optional[str] = None
        self.parallel_sppe: Optional[TopdownPoseEstimator] = None
        if parallel_sppe is not None:
            (self.parallel_sppe, self.parallel_checkpoint,
             self.parallel_checkpoint_prefix
             ) = build_parallel_sppe(parallel_sppe)

    # ------------------------------------------------------------------
    # construction, initialisation, modes
    # ------------------------------------------------------------------
    def _resolve_mapping(self, mapping: str) -> str:
        """The ``heatmap_mapping`` that ``'auto'`` stands for."""
        if mapping != 'auto':
            return mapping
        decoder = getattr(self.head, 'decoder', None)
        return 'udp' if type(decoder).__name__ == 'UDPHeatmap' else 'scale'

    def init_weights(self) -> None:
        """Initialise as MMEngine does, then load the parallel SPPE.

        With a parallel checkpoint the parallel SPPE skips its own
        initialisation (no pretrained download) and all its weights come
        from the checkpoint; without one it keeps its random initialisation
        and a warning is logged.
        """
        parallel = self.parallel_sppe
        if parallel is not None and self.parallel_checkpoint:
            parallel.is_init = True
        super().init_weights()
        if parallel is not None:
            load_parallel_sppe(parallel, self.parallel_checkpoint,
                               self.parallel_checkpoint_prefix)

    def train(self, mode: bool = True) -> 'RMPEPoseEstimator':
        """Set the mode; the parallel SPPE always stays in eval mode."""
        super().train(mode)
        if self.parallel_sppe is not None:
            self.parallel_sppe.eval()
        return self

    @property
    def with_heatmap_head(self) -> bool:
        """bool: whether the SPPE head outputs heatmaps (SDTN applies)."""
        return isinstance(self.head, HEATMAP_HEAD_TYPES)

    def _require_heatmap_head(self, action: str) -> None:
        """Raise a clear error for coordinate heads where unsupported."""
        if not self.with_heatmap_head:
            raise NotImplementedError(
                f'RMPEPoseEstimator: {action} is not supported with head '
                f'{type(self.head).__name__}: the SDTN un-warps heatmaps '
                f'({[t.__name__ for t in HEATMAP_HEAD_TYPES]}); coordinate '
                'heads are supported for keypoint prediction only')

    # ------------------------------------------------------------------
    # SSTN forward pieces
    # ------------------------------------------------------------------
    def sdtn_gamma(self, theta: Tensor, input_size: Tuple[int, int],
                   heatmap_size: Tuple[int, int]) -> Tensor:
        """The SDTN's map at the heatmap resolution.

        Args:
            theta (Tensor): (N, 2, 3) STN maps (crop normalized coords).
            input_size (tuple[int, int]): Crop size (w, h).
            heatmap_size (tuple[int, int]): Heatmap size (w, h).

        Returns:
            Tensor: (N, 2, 3) ``theta^-1`` in heatmap normalized
            coordinates (``heatmap_mapping``).
        """
        return theta_in_heatmap_frame(
            affine_inverse(theta), input_size, heatmap_size,
            self.heatmap_mapping)

    def _unwarp_outputs(self, outputs: HeadOutputs, theta: Tensor,
                        warped: Tensor) -> HeadOutputs:
        """Un-warp a heatmap tensor or every stage of a list of them
        (``warped``: the SPPE's input, for its size)."""
        stages = [outputs] if isinstance(outputs, Tensor) else outputs
        if not isinstance(stages, (list, tuple)) or not stages or not all(
                isinstance(o, Tensor) for o in stages):
            raise ValueError('heatmap head outputs must be a tensor or a '
                             'list of tensors, got '
                             f'{type(outputs).__name__}')
        gamma = self.sdtn_gamma(theta, (warped.shape[-1], warped.shape[-2]),
                                (stages[0].shape[-1], stages[0].shape[-2]))
        if isinstance(outputs, Tensor):
            return unwarp_heatmaps(outputs, gamma)
        return type(outputs)(unwarp_heatmap_stages(outputs, gamma))

    def crop_size(self, inputs: Tensor) -> Tuple[int, int]:
        """The SPPE's input size (w, h): ``sppe_input_size`` or the inputs'."""
        if self.sppe_input_size is not None:
            return self.sppe_input_size
        return (int(inputs.shape[-1]), int(inputs.shape[-2]))

    def theta_box(self, inputs: Tensor) -> Tensor:
        """``theta_box``: the box's crop in each input (context) window.

        The identity when the inputs are the crops themselves
        (:func:`~rmpe_mm.models.utils.affine.box_in_window_theta`).

        Args:
            inputs (Tensor): (N, C, H_w, W_w) preprocessed windows.

        Returns:
            Tensor: (N, 2, 3) ``theta_box``.
        """
        return box_in_window_theta(inputs.shape[0],
                                   (inputs.shape[-1], inputs.shape[-2]),
                                   self.crop_size(inputs), inputs.dtype,
                                   inputs.device)

    def _first_look(self, inputs: Tensor, theta_box: Tensor) -> Tensor:
        """Last-stage heatmaps of the SPPE on the box crop."""
        size = self.crop_size(inputs)
        with torch.set_grad_enabled(torch.is_grad_enabled()
                                    and not self.stn.detach_first_look):
            outputs = self.head.forward(
                self.extract_feat(warp_images(inputs, theta_box, size)))
        return outputs if isinstance(outputs, Tensor) else outputs[-1]

    def _localise(self, inputs: Tensor, theta_box: Tensor) -> Tensor:
        """The localiser's ``theta`` (relative to the box crop)."""
        if not getattr(self.stn, 'uses_first_look', False):
            return self.stn(inputs)
        if not self.with_heatmap_head:
            self._require_heatmap_head(type(self.stn).__name__)
        heatmaps = self._first_look(inputs, theta_box)
        return self.stn(heatmaps, self.crop_size(inputs), self.heatmap_mapping)

    def _warp(self,
              inputs: Tensor,
              theta: Optional[Tensor] = None) -> Tuple[Tensor, Tensor]:
        """Predict theta and warp the inputs to the SPPE's input size.

        The localiser's ``theta`` is relative to the box crop; the warp
        samples the input window with ``theta_box o theta``, so the SDTN
        (``theta^-1``) returns heatmaps to the box crop's frame, where the
        targets are, and an identity ``theta`` is today's crop.

        Args:
            inputs (Tensor): (N, C, H, W) preprocessed windows (or crops).
            theta (Tensor, optional): A given ``theta`` instead of the
                localiser's. Defaults to None.

        Returns:
            tuple[Tensor, Tensor]: The (N, C, h, w) warped crops and the
            (N, 2, 3) ``theta`` in the box crop's frame.
        """
        theta_box = self.theta_box(inputs)
        if theta is None:
            theta = self._localise(inputs, theta_box)
        warped = warp_images(inputs, compose_affine(theta_box, theta),
                             self.crop_size(inputs))
        return warped, theta

    def _forward(self,
                 inputs: Tensor,
                 data_samples: Optional[SampleList] = None) -> HeadOutputs:
        """Tensor mode: un-warped heatmaps of every stage (heatmap heads) or
        the head's raw outputs in the warped frame (other heads)."""
        warped, theta = self._warp(inputs)
        outputs = self.head.forward(self.extract_feat(warped))
        if not self.with_heatmap_head:
            return outputs
        return self._unwarp_outputs(outputs, theta, warped)

    # ------------------------------------------------------------------
    # training
    # ------------------------------------------------------------------
    def loss(self, inputs: Tensor, data_samples: SampleList) -> dict:
        """Losses of the SSTN branch and, if configured, the parallel one.

        Args:
            inputs (Tensor): (N, C, H, W) preprocessed crops.
            data_samples (list[PoseDataSample]): Batch samples with the
                ordinary targets (and the center-located ones when a
                parallel SPPE is configured).

        Returns:
            dict: The head's losses (``loss_kpt``, ``acc_pose``, ...),
            ``loss_parallel`` and ``parallel_*`` (if configured) and
            ``stn_guarded``.
        """
        self._require_heatmap_head('training')
        warped, theta = self._warp(inputs)
        heatmaps = self._unwarp_outputs(
            self.head.forward(self.extract_feat(warped)), theta, warped)
        losses = heatmap_head_loss(self.head, heatmaps, data_samples,
                                   self.train_cfg)
        if self.parallel_sppe is not None:
            losses.update(
                parallel_sppe_loss(self.parallel_sppe, warped, data_samples,
                                   self.train_cfg, self.parallel_loss_weight,
                                   self.parallel_position_loss_weight,
                                   self.heatmap_mapping))
        losses['stn_guarded'] = inputs.new_tensor(
            float(getattr(self.stn, 'last_num_guarded', 0)))
        if hasattr(self.stn, 'last_num_fallback'):
            losses['stn_fallback'] = inputs.new_tensor(
                float(self.stn.last_num_fallback))
        return losses

    # ------------------------------------------------------------------
    # prediction
    # ------------------------------------------------------------------
    def predict(self, inputs: Tensor, data_samples: SampleList) -> SampleList:
        """Predict keypoints through STN, SPPE and SDTN (see class doc).

        Args:
            inputs (Tensor): (N, C, H, W) preprocessed crops.
            data_samples (list[PoseDataSample]): Batch samples.

        Returns:
            list[PoseDataSample]: Samples with ``pred_instances`` (and
            ``pred_fields`` with ``test_cfg.output_heatmaps``), as
            :meth:`TopdownPoseEstimator.predict` returns them.
        """
        if self.with_heatmap_head:
            preds, fields = self._predict_heatmaps(inputs, data_samples)
        else:
            preds, fields = self._predict_coordinates(inputs,
                                                      data_samples), None
        return self.add_pred_to_datasample(preds, fields, data_samples)

    def _sstn_heatmaps(
            self,
            inputs: Tensor,
            theta: Optional[Tensor] = None) -> Tuple[Tensor, Tensor]:
        """Un-warped heatmaps of the head's last stage and the ``theta``
        used (the localiser's unless given)."""
        warped, theta = self._warp(inputs, theta)
        outputs = self.head.forward(self.extract_feat(warped))
        if isinstance(outputs, (list, tuple)):
            outputs = outputs[-1]
        return self._unwarp_outputs(outputs, theta, warped), theta

    def _predict_heatmaps(
        self, inputs: Tensor, data_samples: SampleList
    ) -> Tuple[InstanceList, Optional[PixelDataList]]:
        """Heatmap-head prediction with per-branch un-warping.

        A localiser with ``uses_first_look`` gives the flipped branch the
        mirror of the unflipped ``theta`` (:func:`~rmpe_mm.models.utils.
        affine.mirror_theta`): the same re-centered crop, mirrored, and one
        first look instead of two (three SPPE passes instead of four).
        """
        cfg = self.test_cfg
        heatmaps, theta = self._sstn_heatmaps(inputs)
        if cfg.get('flip_test', False):
            flip_theta = (
                mirror_theta(theta)
                if getattr(self.stn, 'uses_first_look', False) else None)
            flipped = flip_heatmaps(
                self._sstn_heatmaps(inputs.flip(-1), flip_theta)[0],
                flip_mode=cfg.get('flip_mode', 'heatmap'),
                flip_indices=data_samples[0].metainfo['flip_indices'],
                shift_heatmap=cfg.get('shift_heatmap', False))
            heatmaps = (heatmaps + flipped) * 0.5
        preds = self.head.decode(heatmaps)
        fields = None
        if cfg.get('output_heatmaps', False):
            fields = [PixelData(heatmaps=hm) for hm in heatmaps.detach()]
        return preds, fields

    def _predict_coordinates(self, inputs: Tensor,
                             data_samples: SampleList) -> InstanceList:
        """Coordinate-head prediction, points mapped back through theta."""
        if self.test_cfg.get('output_heatmaps', False):
            self._require_heatmap_head('output_heatmaps')
        preds = self._coordinate_branch(inputs, data_samples)
        if not self.test_cfg.get('flip_test', False):
            return preds
        flipped = self._coordinate_branch(inputs.flip(-1), data_samples)
        metainfo = data_samples[0].metainfo
        return average_flipped_keypoints(preds, flipped,
                                         float(metainfo['input_size'][0]),
                                         metainfo['flip_indices'])

    def _coordinate_branch(self, inputs: Tensor,
                           data_samples: SampleList) -> InstanceList:
        """One (un-flipped) coordinate-head pass, mapped to the crop."""
        warped, theta = self._warp(inputs)
        no_flip = dict(self.test_cfg, flip_test=False, output_heatmaps=False)
        preds = self.head.predict(
            self.extract_feat(warped), data_samples, test_cfg=no_flip)
        if isinstance(preds, tuple):
            preds = preds[0]
        return keypoints_to_crop(preds, theta,
                                 data_samples[0].metainfo['input_size'])
