# MMPose's default runtime plus rmpe_mm's components. Use this as the runtime
# base of configs written from scratch; configs that inherit a complete MMPose
# config (which already has a runtime) list `./plugin.py` instead, since two
# runtime bases in one `_base_` list clash.
_base_ = ['mmpose::_base_/default_runtime.py', './plugin.py']
