"""Cost of RMPE's SSTN (and parallel SPPE) over the SPPE alone, on CPU.

For a config (default: the paper's
``configs/rmpe/mpii/rmpe_sstn-hourglass52-8stack_8xb32-60e_mpii-256x256.py``
and the small
``tests/configs/rmpe_sstn-hourglass52-2stack_1xb2-3e_mpii-sample-64x64.py``)
it builds, with random weights:

- ``sppe``: the plain ``TopdownPoseEstimator`` (backbone, neck, head and
  test_cfg of the config);
- ``sstn``: the ``RMPEPoseEstimator`` without parallel SPPE;
- ``sstn+parallel``: with the frozen parallel SPPE (training only: it is
  not used at inference).

and times, at a fixed batch size (default 8):

- inference: ``model(..., mode='predict')`` under ``torch.no_grad`` (the
  config's test_cfg, i.e. flip test when configured, decoding included);
- training step: ``model.train_step`` (forward, backward, SGD step).

Timing runs in one fresh (spawned) process per config and phase that
builds every variant and interleaves them iteration by iteration, so load
changes on a shared machine hit all variants alike; it reports medians and
the median of the paired per-iteration ratios. Memory: each variant and
phase runs one more iteration in its own fresh process, which reports its
peak resident set size (``ru_maxrss``) and its RSS once model and batch
were built. With ``--flops`` it also counts the multiply-adds of the SPPE
and of the STN for one crop (MMEngine's FlopAnalyzer, tensor mode, no
flip).

Usage::

    python benchmarks/bench_sstn.py                      # both configs
    python benchmarks/bench_sstn.py --configs \\
        configs/rmpe/mpii/rmpe_sstn-hourglass52-8stack_8xb32-60e_mpii-256x256.py \\  # noqa: E501
        --iters 3 --warmup 1 --batch 8 --flops
    python benchmarks/bench_sstn.py --stn-input-size 128 128  # cheaper STN
"""
import argparse
import copy
import multiprocessing as mp
import os
import os.path as osp
import resource
import statistics
import sys
import time
from typing import Dict, List, Optional

REPO = osp.dirname(osp.dirname(osp.abspath(__file__)))
DEFAULT_CONFIGS = (
    osp.join('configs', 'rmpe', 'mpii',
             'rmpe_sstn-hourglass52-8stack_8xb32-60e_mpii-256x256.py'),
    osp.join('tests', 'configs',
             'rmpe_sstn-hourglass52-2stack_1xb2-3e_mpii-sample-64x64.py'))
VARIANTS = ('sppe', 'sstn', 'sstn+parallel')


def parse_args(argv: Optional[List[str]] = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split('\n')[0])
    parser.add_argument('--configs', nargs='+', default=list(DEFAULT_CONFIGS))
    parser.add_argument('--batch', type=int, default=8)
    parser.add_argument(
        '--iters',
        type=int,
        default=None,
        help='timed iterations (default: 2 for configs whose SPPE has more '
        'than 4 stacks or stages, else 10)')
    parser.add_argument('--warmup', type=int, default=1)
    parser.add_argument(
        '--threads',
        type=int,
        default=1,
        help='torch threads per process (default 1: steadier figures on a '
        'shared machine)')
    parser.add_argument(
        '--no-memory',
        action='store_true',
        help='skip the per-variant peak-RSS runs (one iteration each)')
    parser.add_argument(
        '--phases',
        nargs='+',
        default=['infer', 'train'],
        choices=['infer', 'train'])
    parser.add_argument(
        '--stn-input-size',
        type=int,
        nargs=2,
        default=None,
        metavar=('W', 'H'),
        help='override the STN input resolution (STNLocalizer.input_size)')
    parser.add_argument('--flops', action='store_true')
    args = parser.parse_args(argv)
    if args.batch < 1 or args.warmup < 0 or (args.iters is not None
                                             and args.iters < 1):
        parser.error('need --batch >= 1, --warmup >= 0, --iters >= 1')
    return args


# --------------------------------------------------------------------------
# model and data construction (run inside the worker processes)
# --------------------------------------------------------------------------
def model_cfgs(config: str, stn_input_size=None) -> Dict[str, dict]:
    """Model configs of the three variants, random init, no checkpoints."""
    from mmengine.config import Config
    cfg = Config.fromfile(osp.join(REPO, config)).model.to_dict()
    if cfg.get('type') != 'RMPEPoseEstimator':
        raise ValueError(f'{config}: model.type must be RMPEPoseEstimator, '
                         f'got {cfg.get("type")}')
    if stn_input_size is not None:
        cfg['stn']['input_size'] = tuple(stn_input_size)
    sppe = {
        k: v
        for k, v in cfg.items()
        if k not in ('stn', 'parallel_sppe', 'parallel_loss_weight')
    }
    sppe['type'] = 'TopdownPoseEstimator'
    full = copy.deepcopy(cfg)
    if full.get('parallel_sppe') is not None:
        full['parallel_sppe']['checkpoint'] = None
    sstn = copy.deepcopy(cfg)
    sstn['parallel_sppe'] = None
    return {'sppe': sppe, 'sstn': sstn, 'sstn+parallel': full}


def sizes_of(model) -> Dict[str, object]:
    """Input size (w, h), heatmap size (w, h) and joints of the SPPE."""
    decoder = model.head.decoder
    return dict(
        input_size=tuple(decoder.input_size),
        heatmap_size=tuple(decoder.heatmap_size),
        num_keypoints=model.head.out_channels)


def make_batch(model, batch: int) -> dict:
    """A packed batch (crops + targets, center targets included)."""
    from mmpose.testing import get_packed_inputs
    s = sizes_of(model)
    (w, h), (hw, hh) = s['input_size'], s['heatmap_size']
    data = get_packed_inputs(
        batch_size=batch,
        img_shape=(h, w),
        input_size=(w, h),
        heatmap_size=(hw, hh),
        num_keypoints=s['num_keypoints'],
        with_reg_label=False,
        with_simcc_label=False)
    for sample in data['data_samples']:
        sample.gt_fields.set_field(sample.gt_fields.heatmaps.clone(),
                                   'center_heatmaps')
        sample.gt_instance_labels.set_field(
            sample.gt_instance_labels.keypoint_weights.clone(),
            'center_keypoint_weights')
    return data


def rss_mb() -> float:
    """Current resident set size of this process (Linux /proc)."""
    with open('/proc/self/statm') as f:
        pages = int(f.read().split()[1])
    return pages * os.sysconf('SC_PAGE_SIZE') / 2**20


def peak_rss_mb() -> float:
    """Peak resident set size of this process (ru_maxrss is in KiB)."""
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def make_step(model, data: dict, phase: str):
    """A closure running one iteration of ``phase`` on ``model``."""
    import torch
    from mmengine.optim import OptimWrapper
    if phase == 'infer':
        model.eval()

        def step():
            with torch.no_grad():
                model.test_step(copy.deepcopy(data))

        return step
    model.train()
    params = [p for p in model.parameters() if p.requires_grad]
    optim = OptimWrapper(torch.optim.SGD(params, lr=1e-6))
    return lambda: model.train_step(copy.deepcopy(data), optim)


def setup_worker(threads: Optional[int]):
    """Imports and registry scope of a worker process; returns MODELS."""
    import torch
    if threads:
        torch.set_num_threads(threads)
    from mmengine.registry import init_default_scope
    from mmpose.registry import MODELS

    import rmpe_mm  # noqa: F401
    init_default_scope('mmpose')
    torch.manual_seed(0)
    return MODELS


def time_worker(job: dict, queue) -> None:
    """Time all variants of one phase, interleaved iteration by iteration
    (A, B, C, A, B, C, ...) so that load changes on a shared machine hit
    every variant alike."""
    try:
        from tqdm import tqdm
        models = setup_worker(job['threads'])
        cfgs = model_cfgs(job['config'], job['stn_input_size'])
        steps = {}
        for variant in job['variants']:
            model = models.build(cfgs[variant])
            steps[variant] = make_step(model, make_batch(model, job['batch']),
                                       job['phase'])
        times = {variant: [] for variant in steps}
        total = job['warmup'] + job['iters']
        for i in tqdm(
                range(total),
                desc=f"{job['phase']} (interleaved)",
                leave=False,
                file=sys.stderr):
            for variant, step in steps.items():
                start = time.perf_counter()
                step()
                if i >= job['warmup']:
                    times[variant].append(time.perf_counter() - start)
        queue.put(dict(times=times))
    except BaseException as exc:  # report, then let the parent raise
        queue.put(dict(error=f'{type(exc).__name__}: {exc}'))
        raise


def memory_worker(job: dict, queue) -> None:
    """Peak RSS of one variant over one iteration of one phase."""
    try:
        models = setup_worker(job['threads'])
        model = models.build(
            model_cfgs(job['config'], job['stn_input_size'])[job['variant']])
        step = make_step(model, make_batch(model, job['batch']), job['phase'])
        built = rss_mb()
        step()
        queue.put(
            dict(
                rss_built=built,
                peak=peak_rss_mb(),
                params=sum(p.numel() for p in model.parameters())))
    except BaseException as exc:
        queue.put(dict(error=f'{type(exc).__name__}: {exc}'))
        raise


def spawn(target, job: dict) -> dict:
    """Run ``target(job, queue)`` in a fresh spawned process."""
    ctx = mp.get_context('spawn')
    queue = ctx.Queue()
    proc = ctx.Process(target=target, args=(job, queue))
    proc.start()
    result = queue.get()
    proc.join()
    if 'error' in result:
        raise RuntimeError(f"{target.__name__} {job} failed: "
                           f"{result['error']}")
    return result


def count_flops(config: str, stn_input_size=None) -> Dict[str, float]:
    """Multiply-adds (G) of the SPPE and of the STN for one crop."""
    import torch
    from mmengine.analysis import FlopAnalyzer
    from mmengine.registry import init_default_scope
    from mmpose.registry import MODELS

    import rmpe_mm  # noqa: F401
    init_default_scope('mmpose')
    cfgs = model_cfgs(config, stn_input_size)
    sppe = MODELS.build(cfgs['sppe']).eval()
    sstn = MODELS.build(cfgs['sstn']).eval()
    w, h = sizes_of(sppe)['input_size']
    x = torch.randn(1, 3, h, w)

    class TensorMode(torch.nn.Module):
        """Traceable wrapper: the estimator's tensor-mode forward."""

        def __init__(self, model):
            super().__init__()
            self.model = model

        def forward(self, inputs):
            return self.model._forward(inputs)

    def gmacs(module) -> float:
        with torch.no_grad():
            analyzer = FlopAnalyzer(module, (x, ))
            analyzer.unsupported_ops_warnings(False)
            analyzer.uncalled_modules_warnings(False)
            return analyzer.total() / 1e9

    return dict(sppe=gmacs(TensorMode(sppe)), stn=gmacs(sstn.stn))


def default_iters(config: str) -> int:
    """Few iterations for big models (paper config), more for small."""
    from mmengine.config import Config
    backbone = Config.fromfile(osp.join(REPO, config)).model.backbone
    return 2 if backbone.get('num_stacks', 1) > 4 else 10


def summarise(config: str, phase: str, times: Dict[str, List[float]],
              memory: Dict[str, dict]) -> List[str]:
    """Table lines of one config and phase, with overheads vs the SPPE."""
    lines = []
    for variant, t in times.items():
        mem = memory.get(variant, {})
        mem_str = (f'peak RSS {mem["peak"]:7.0f} MB (model+batch built '
                   f'{mem["rss_built"]:6.0f} MB) params '
                   f'{mem["params"] / 1e6:6.2f} M' if mem else '')
        lines.append(f'{config:34s} {phase:5s} {variant:14s} median '
                     f'{1e3 * statistics.median(t):9.1f} ms (min '
                     f'{1e3 * min(t):9.1f}, n={len(t)})  {mem_str}')
    base = times.get('sppe')
    for variant, t in times.items():
        if variant == 'sppe' or base is None:
            continue
        paired = statistics.median(a / b for a, b in zip(t, base)) - 1
        by_min = min(t) / min(base) - 1
        line = (f'  {phase}: {variant} vs sppe: time {100 * paired:+.1f} % '
                f'(median of paired ratios), {100 * by_min:+.1f} % '
                '(min vs min)')
        if variant in memory and 'sppe' in memory:
            line += (f', peak RSS '
                     f'{memory[variant]["peak"] - memory["sppe"]["peak"]:+.0f}'
                     ' MB')
        lines.append(line)
    return lines


def main(argv: Optional[List[str]] = None) -> None:
    args = parse_args(argv)
    report = [f'batch {args.batch}, CPU, torch threads {args.threads}']
    for config in args.configs:
        iters = args.iters or default_iters(config)
        for phase in args.phases:
            variants = VARIANTS if phase == 'train' else VARIANTS[:2]
            job = dict(
                config=config,
                phase=phase,
                batch=args.batch,
                threads=args.threads,
                stn_input_size=args.stn_input_size)
            times = spawn(
                time_worker,
                dict(job, variants=variants, iters=iters,
                     warmup=args.warmup))['times']
            memory = {}
            if not args.no_memory:
                memory = {
                    v: spawn(memory_worker, dict(job, variant=v))
                    for v in variants
                }
            lines = summarise(config, phase, times, memory)
            print('\n'.join(lines), flush=True)
            report += lines
        if args.flops:
            flops = count_flops(config, args.stn_input_size)
            report.append(f'  GMACs per crop (no flip): SPPE '
                          f'{flops["sppe"]:.2f}, STN {flops["stn"]:.2f} '
                          f'({100 * flops["stn"] / flops["sppe"]:.1f} %)')
    print('\n==== summary ====\n' + '\n'.join(report))


if __name__ == '__main__':
    main()
