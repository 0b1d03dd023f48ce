# MMPose's default runtime plus rmpe_mm's components. Use this as the runtime
# base of configs written from scratch; configs that inherit a complete MMPose
# config (which already has a runtime) list `./plugin.py` instead, since two
# runtime bases in one `_base_` list clash (they then add the two hooks below
# themselves).
_base_ = ['mmpose::_base_/default_runtime.py', './plugin.py']

# checkpoints and the `last_checkpoint` pointer written whole or not at all;
# a resumed run bit-identical to the uninterrupted one (docs/exact_resume.md)
default_hooks = dict(checkpoint=dict(type='AtomicCheckpointHook'))
custom_hooks = _base_.custom_hooks + [dict(type='ExactResumeHook')]
