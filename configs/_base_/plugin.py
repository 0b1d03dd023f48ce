# Load rmpe_mm's components into MMPose's registries. This file sets nothing
# else, so it can be listed beside any MMPose config in `_base_`:
#   _base_ = ['mmpose::body_2d_keypoint/.../some_config.py',
#             'path/to/rmpe_mm/configs/_base_/plugin.py']
custom_imports = dict(imports=['rmpe_mm'], allow_failed_imports=False)
