"""A hook that kills its own training process, for resume tests.

Not imported by ``import rmpe_mm``; a config that uses it imports it::

    custom_imports = dict(
        imports=['rmpe_mm', 'rmpe_mm.testing.fault_hooks'],
        allow_failed_imports=False)
    custom_hooks = [..., dict(type='SigkillHook', epoch=1, iter_in_epoch=1)]
"""
import os
import signal

from mmengine.hooks import Hook
from mmpose.registry import HOOKS


@HOOKS.register_module()
class SigkillHook(Hook):
    """Send SIGKILL to this process after training iteration
    ``iter_in_epoch`` (0-based) of epoch ``epoch`` (0-based): the process
    dies at once, as when a cluster pre-empts a job (no ``finally``, no
    hook, no flush runs).

    Args:
        epoch (int): The epoch to die in.
        iter_in_epoch (int): The iteration of that epoch after which to die.
    """

    def __init__(self, epoch: int, iter_in_epoch: int = 0) -> None:
        if epoch < 0 or iter_in_epoch < 0:
            raise ValueError('epoch and iter_in_epoch must be >= 0, got '
                             f'epoch={epoch}, iter_in_epoch={iter_in_epoch}')
        self.epoch = epoch
        self.iter_in_epoch = iter_in_epoch

    def after_train_iter(self,
                         runner,
                         batch_idx: int,
                         data_batch=None,
                         outputs=None) -> None:
        if runner.epoch == self.epoch and batch_idx == self.iter_in_epoch:
            os.kill(os.getpid(), signal.SIGKILL)
