"""Make the synthetic data and fit the PGPG model when they are missing."""
import os.path as osp
from typing import Optional, Sequence

from ..generator import split_paths
from ..paths import tool_path
from .steps import StepRunner

#: rmpe_mm's PGPG fit (what the repository's ``tools/fit_pgpg.py`` wraps).
FIT_PGPG_MODULE = 'rmpe_mm.datasets.pgpg.fit_cli'

#: The generator writes this file last: its presence means "finished".
GENERATOR_CONFIG = 'generator_config.json'


def ensure_synthetic_data(
    runner: StepRunner,
    data_root: str,
    log_file: str,
    extra_args: Sequence[str] = ()) -> Optional[float]:
    """Run the project's ``tools/make_synthetic_dataset.py`` unless
    ``data_root`` holds a finished dataset (its ``generator_config.json``
    exists).

    Returns:
        float | None: Wall time, or None when the data was there.
    """
    if osp.isfile(runner.path(osp.join(data_root, GENERATOR_CONFIG))):
        return None
    argv = [
        tool_path('make_synthetic_dataset'), '--out-dir', data_root,
        '--no-progress', *extra_args
    ]
    return runner.run(argv, log_file)


def ensure_pgpg_model(runner: StepRunner, data_root: str, out_file: str,
                      seed: int, log_file: str) -> Optional[float]:
    """Fit PGPG on the TRAIN split (ground truth + simulated detections).

    Runs rmpe_mm's PGPG fit (``tools/fit_pgpg.py``) with its defaults (8
    atomic poses, 3 Gaussian components, IoU > 0.5 Hungarian matching) and
    ``--seed``, unless ``out_file`` exists and is newer than the train
    annotations.

    Returns:
        float | None: Wall time, or None when the model was up to date.

    Raises:
        FileNotFoundError: The train annotations or detections are missing.
    """
    train = split_paths(data_root, 'train')
    ann, det = train['ann_file'], train['bbox_file']
    for path in (ann, det):
        if not osp.isfile(runner.path(path)):
            raise FileNotFoundError(f'PGPG fit needs {path!r}')
    out = runner.path(out_file)
    if osp.isfile(out) and osp.getmtime(out) >= osp.getmtime(runner.path(ann)):
        return None
    argv = [
        '-m', FIT_PGPG_MODULE, ann, det, '--out', out_file, '--seed',
        str(seed), '--quiet'
    ]
    return runner.run(argv, log_file)
