"""Compare two checkpoints tensor by tensor (weights and optimizer state)::

    python tools/compare_checkpoints.py CKPT_A CKPT_B

Prints the largest absolute difference over every weight and over every
optimizer-state tensor, and whether all are equal (``torch.equal``); exits
with 0 when they are, 1 otherwise. Used to check that a resumed run ends
where the uninterrupted one does (docs/exact_resume.md).
"""
import argparse
import sys
from typing import Dict, Iterator, Optional, Sequence, Tuple

import torch

import rmpe_mm  # noqa: F401  (MMEngine checkpoints load weights_only)


def _optimizer_tensors(ckpt: dict) -> Iterator[Tuple[str, torch.Tensor]]:
    state = ckpt.get('optimizer', {}).get('state', {})
    for param, values in state.items():
        for key, value in values.items():
            if torch.is_tensor(value):
                yield f'{param}.{key}', value


def max_abs_diff(a: Dict[str, torch.Tensor],
                 b: Dict[str, torch.Tensor]) -> Tuple[float, bool]:
    """Largest |a - b| over the tensors of two dicts, and whether every
    tensor is ``torch.equal``.

    Raises:
        ValueError: If the dicts have other keys or a tensor another shape.
    """
    if a.keys() != b.keys():
        raise ValueError('the checkpoints hold other tensors: only in A '
                         f'{sorted(a.keys() - b.keys())[:5]}, only in B '
                         f'{sorted(b.keys() - a.keys())[:5]}')
    worst, equal = 0.0, True
    for key, x in a.items():
        y = b[key]
        if x.shape != y.shape:
            raise ValueError(f'tensor {key!r} has shape {tuple(x.shape)} in '
                             f'A and {tuple(y.shape)} in B')
        equal = equal and torch.equal(x, y)
        if x.numel():
            worst = max(worst, (x.double() - y.double()).abs().max().item())
    return worst, equal


def main(argv: Optional[Sequence[str]] = None) -> int:
    """Print the comparison; 0 if equal."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument('checkpoint_a')
    parser.add_argument('checkpoint_b')
    args = parser.parse_args(argv)
    a, b = (
        torch.load(p, map_location='cpu', weights_only=True)
        for p in (args.checkpoint_a, args.checkpoint_b))
    weights, w_equal = max_abs_diff(a['state_dict'], b['state_dict'])
    optim, o_equal = max_abs_diff(
        dict(_optimizer_tensors(a)), dict(_optimizer_tensors(b)))
    print(f'weights: max |diff| {weights:.6g} over {len(a["state_dict"])} '
          f'tensors; optimizer state: max |diff| {optim:.6g}; '
          f'{"identical" if w_equal and o_equal else "DIFFERENT"}')
    return 0 if w_equal and o_equal else 1


if __name__ == '__main__':
    sys.exit(main())
