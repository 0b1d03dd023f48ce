"""Time one training step (batch 32, CPU) of SPPE candidates for the
synthetic benchmark: how the model of projects/synthetic_benchmark/configs/
was chosen.

Each candidate is a top-down model (backbone + CPMHead, 16 joints) built
with random weights; a step is MMEngine's ``train_step`` (forward,
MSE heatmap loss, backward, Adam update) on random inputs. Printed per
candidate: process CPU seconds per step (robust on a shared CPU) and wall
seconds per step, plus the parameter count. The RMPE stage-2 model (SSTN +
frozen parallel SPPE) is timed too.

    OMP_NUM_THREADS=1 python benchmarks/bench_light_hourglass.py \
        [--steps 3] [--batch-size 32] [--threads 1] [--only NAME ...]

Measured on the project's 2-core CPU shared with other jobs (threads=1,
CPU s / step): MMPose HourglassNet 1 stack at 64x64 (256-channel stem)
~7; LightHourglassNet 2 stacks x 64 ch, 64x64 in: 1.26; 2 x 48 ch, 48x64:
0.56; 2 x 32 ch, 48x64: 0.29; 1 x 64 ch, 64x64: 0.69.
"""
import argparse
import time
from typing import Dict, List, Optional, Sequence, Tuple

import torch
from mmengine.logging import MMLogger
from mmengine.optim import OptimWrapper
from mmengine.registry import init_default_scope
from mmpose.registry import MODELS
from mmpose.testing import get_packed_inputs

import rmpe_mm  # noqa: F401

PREPROCESSOR = dict(
    type='PoseDataPreprocessor',
    mean=[123.675, 116.28, 103.53],
    std=[58.395, 57.12, 57.375],
    bgr_to_rgb=True)


def light_hourglass(stacks: int, channels: int, stem_stride: int = 2) -> dict:
    """LightHourglassNet config (3 max-pool levels)."""
    return dict(
        type='LightHourglassNet',
        num_stacks=stacks,
        downsample_times=3,
        stem_channels=32,
        stem_stride=stem_stride,
        stage_channels=(channels, ) * 4,
        stage_blocks=(1, ) * 4,
        feat_channels=channels)


def mmpose_hourglass(channels: int) -> dict:
    """MMPose's HourglassNet, 1 stack (its stem always gives 256)."""
    return dict(
        type='HourglassNet',
        downsample_times=2,
        num_stacks=1,
        stage_channels=(256, channels, channels),
        stage_blocks=(1, 1, 1),
        feat_channel=channels)


def pose_model(backbone: dict, stages: int, feat: int, input_size: Tuple[int,
                                                                         int],
               heatmap_size: Tuple[int, int], **extra) -> dict:
    """A top-down model config with a CPMHead."""
    codec = dict(
        type='MSRAHeatmap',
        input_size=input_size,
        heatmap_size=heatmap_size,
        sigma=1.5)
    return dict(
        type='TopdownPoseEstimator',
        data_preprocessor=PREPROCESSOR,
        backbone=backbone,
        head=dict(
            type='CPMHead',
            in_channels=feat,
            out_channels=16,
            num_stages=stages,
            deconv_out_channels=None,
            loss=dict(type='KeypointMSELoss', use_target_weight=True),
            decoder=codec),
        **extra)


def rmpe_model() -> dict:
    """The stage-2 model of the synthetic benchmark (SSTN + parallel SPPE)."""
    size, hm = (48, 64), (24, 32)
    parallel = pose_model(light_hourglass(1, 32), 1, 32, size, hm)
    parallel['checkpoint'] = None
    model = pose_model(light_hourglass(2, 48), 2, 48, size, hm)
    model.update(
        type='RMPEPoseEstimator',
        stn=dict(
            type='STNLocalizer',
            backbone=dict(
                type='ResNet', depth=18, stem_channels=16, base_channels=16),
            feat_channels=128),
        parallel_sppe=parallel)
    return model


#: name -> (model config, input (w, h), heatmap (w, h))
CANDIDATES: Dict[str, Tuple[dict, Tuple[int, int], Tuple[int, int]]] = {
    'mmpose_hg1_c64_64px':
    (pose_model(mmpose_hourglass(64), 1, 64, (64, 64),
                (16, 16)), (64, 64), (16, 16)),
    'light_hg2_c64_64px':
    (pose_model(light_hourglass(2, 64), 2, 64, (64, 64),
                (32, 32)), (64, 64), (32, 32)),
    'light_hg1_c64_64px':
    (pose_model(light_hourglass(1, 64), 1, 64, (64, 64),
                (32, 32)), (64, 64), (32, 32)),
    'light_hg2_c48_48x64 (SPPE)':
    (pose_model(light_hourglass(2, 48), 2, 48, (48, 64),
                (24, 32)), (48, 64), (24, 32)),
    'light_hg2_c32_48x64':
    (pose_model(light_hourglass(2, 32), 2, 32, (48, 64),
                (24, 32)), (48, 64), (24, 32)),
    'light_hg1_c32_48x64 (parallel)':
    (pose_model(light_hourglass(1, 32), 1, 32, (48, 64),
                (24, 32)), (48, 64), (24, 32)),
    'rmpe_stage2 (SSTN + parallel)': (rmpe_model(), (48, 64), (24, 32)),
}


def time_step(cfg: dict, input_size: Tuple[int, int], heatmap_size: Tuple[int,
                                                                          int],
              batch_size: int, steps: int) -> Tuple[float, float, float]:
    """(CPU s / step, wall s / step, parameters in millions)."""
    model = MODELS.build(cfg)
    model.init_weights()
    model.train()
    optim = OptimWrapper(
        torch.optim.Adam([p for p in model.parameters() if p.requires_grad],
                         lr=1e-3))
    data = get_packed_inputs(
        batch_size=batch_size,
        num_keypoints=16,
        img_shape=(input_size[1], input_size[0]),
        input_size=input_size,
        heatmap_size=heatmap_size,
        with_reg_label=False,
        with_simcc_label=False)
    if cfg['type'] == 'RMPEPoseEstimator':  # center targets = ordinary
        for sample in data['data_samples']:
            sample.gt_fields.set_field(sample.gt_fields.heatmaps,
                                       'center_heatmaps')
            sample.gt_instance_labels.set_field(
                sample.gt_instance_labels.keypoint_weights,
                'center_keypoint_weights')
    model.train_step(data, optim)  # warm-up
    cpu, wall = time.process_time(), time.perf_counter()
    for _ in range(steps):
        model.train_step(data, optim)
    params = sum(p.numel() for p in model.parameters()) / 1e6
    return ((time.process_time() - cpu) / steps,
            (time.perf_counter() - wall) / steps, params)


def main(argv: Optional[Sequence[str]] = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument('--steps', type=int, default=3)
    parser.add_argument('--batch-size', type=int, default=32)
    parser.add_argument('--threads', type=int, default=1)
    parser.add_argument(
        '--only',
        nargs='+',
        metavar='NAME',
        help='candidates whose name starts with NAME')
    args = parser.parse_args(argv)
    torch.set_num_threads(args.threads)
    init_default_scope('mmpose')
    # no per-parameter initialisation report
    MMLogger.get_instance('bench_light_hourglass', log_level='WARNING')
    names: List[str] = [
        n for n in CANDIDATES
        if not args.only or any(n.startswith(o) for o in args.only)
    ]
    print(f'batch {args.batch_size}, {args.threads} thread(s), '
          f'{args.steps} timed steps each')
    print(f'{"candidate":34s} {"CPU s/step":>10s} {"wall s/step":>11s} '
          f'{"params (M)":>10s}')
    for name in names:
        cfg, size, hm = CANDIDATES[name]
        cpu, wall, params = time_step(cfg, size, hm, args.batch_size,
                                      args.steps)
        print(
            f'{name:34s} {cpu:10.2f} {wall:11.2f} {params:10.2f}', flush=True)


if __name__ == '__main__':
    main()
