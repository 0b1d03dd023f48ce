"""MMEngine's checkpoint hook, writing every file whole or not at all."""
import os.path as osp
from typing import Optional

from mmengine.dist import is_main_process
from mmengine.fileio import LocalBackend, register_backend
from mmengine.hooks import CheckpointHook
from mmpose.registry import HOOKS

from ...utils.atomic_io import atomic_write_bytes, atomic_write_text

#: Name of :class:`AtomicLocalBackend` in MMEngine's file backends.
ATOMIC_LOCAL_BACKEND = 'atomic_local'


class AtomicLocalBackend(LocalBackend):
    """MMEngine's local file backend whose ``put``/``put_text`` write
    atomically (:mod:`rmpe_mm.utils.atomic_io`). Select it with
    ``backend_args=dict(backend='atomic_local')``."""

    def put(self, obj: bytes, filepath) -> None:
        atomic_write_bytes(str(filepath), obj)

    def put_text(self, obj: str, filepath, encoding: str = 'utf-8') -> None:
        atomic_write_text(str(filepath), obj, encoding=encoding)


register_backend(ATOMIC_LOCAL_BACKEND, AtomicLocalBackend, force=True)


@HOOKS.register_module()
class AtomicCheckpointHook(CheckpointHook):
    """``CheckpointHook`` (same arguments) that never leaves a partial file.

    MMEngine 0.10.7 writes ``epoch_N.pth`` in place and then the
    ``last_checkpoint`` pointer in place, and deletes the oldest kept
    checkpoint (``max_keep_ckpts``) *before* saving the new one: a run
    killed meanwhile leaves a truncated checkpoint, an empty pointer (which
    ``--resume`` then fails to load) or a pointer to a deleted file. This
    hook writes checkpoints through :class:`AtomicLocalBackend` (temporary
    file, fsync, rename), then the pointer atomically, and only then removes
    the checkpoint that fell out of ``max_keep_ckpts``. So at every instant
    ``last_checkpoint`` names a complete checkpoint.

    Atomic writing applies to local ``out_dir`` s (the default: the work
    directory) without ``backend_args``/``file_client_args``; other storage
    is written as MMEngine does. rmpe_mm's configs use this hook as
    ``default_hooks.checkpoint``; in any MMPose config::

        default_hooks = dict(checkpoint=dict(type='AtomicCheckpointHook'))
    """

    def __init__(self,
                 *args,
                 out_dir: Optional[str] = None,
                 file_client_args: Optional[dict] = None,
                 backend_args: Optional[dict] = None,
                 **kwargs) -> None:
        local = out_dir is None or '://' not in str(out_dir)
        if local and backend_args is None and file_client_args is None:
            backend_args = dict(backend=ATOMIC_LOCAL_BACKEND)
        super().__init__(
            *args,
            out_dir=out_dir,
            file_client_args=file_client_args,
            backend_args=backend_args,
            **kwargs)

    def _retire_step(self, runner, step: int) -> Optional[int]:
        """Record ``step`` among the kept checkpoints; returns the step
        whose checkpoint is to be removed once ``step``'s is saved."""
        if self.max_keep_ckpts <= 0:
            return None
        if self.keep_ckpt_ids and self.keep_ckpt_ids[-1] == step:
            return None  # saved twice in one step (best + regular)
        retired = None
        if len(self.keep_ckpt_ids) == self.max_keep_ckpts:
            retired = self.keep_ckpt_ids.popleft()
        self.keep_ckpt_ids.append(step)
        runner.message_hub.update_info('keep_ckpt_ids',
                                       list(self.keep_ckpt_ids))
        return retired

    def _remove_checkpoint(self, step: int) -> None:
        path = self.file_backend.join_path(self.out_dir,
                                           self.filename_tmpl.format(step))
        if self.file_backend.isfile(path):
            self.file_backend.remove(path)
        elif self.file_backend.isdir(path):  # DeepSpeed saves folders
            self.file_backend.rmtree(path)

    def _save_checkpoint_with_step(self, runner, step, meta):
        retired = self._retire_step(runner, step)
        filename = self.filename_tmpl.format(step)
        self.last_ckpt = self.file_backend.join_path(self.out_dir, filename)
        runner.message_hub.update_info('last_ckpt', self.last_ckpt)
        runner.save_checkpoint(
            self.out_dir,
            filename,
            self.file_client_args,
            save_optimizer=self.save_optimizer,
            save_param_scheduler=self.save_param_scheduler,
            meta=meta,
            by_epoch=self.by_epoch,
            backend_args=self.backend_args,
            **self.args)
        if not is_main_process():
            return
        atomic_write_text(
            osp.join(runner.work_dir, 'last_checkpoint'), self.last_ckpt)
        if retired is not None:
            self._remove_checkpoint(retired)
