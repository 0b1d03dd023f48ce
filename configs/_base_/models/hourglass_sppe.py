# The SPPE of RMPE: an 8-stack hourglass, as a plain TopdownPoseEstimator.
# MMPose's HourglassNet configured like Newell et al.'s network (256
# channels everywhere, 4 down-samplings per hourglass, one residual block
# per level; MMPose builds it from basic (3x3-3x3) residual blocks where
# Newell used bottlenecks, and down-samples by strided convolution), with a
# CPMHead supervising every stack. The config supplies what depends on the
# data:
#   model = dict(head=dict(out_channels=num_joints, decoder=codec))
# The parallel SPPE is the same network with 4 stacks:
#   model = dict(backbone=dict(num_stacks=4), head=dict(num_stages=4))
model = dict(
    type='TopdownPoseEstimator',
    data_preprocessor=dict(
        type='PoseDataPreprocessor',
        mean=[123.675, 116.28, 103.53],
        std=[58.395, 57.12, 57.375],
        bgr_to_rgb=True),
    backbone=dict(
        type='HourglassNet',
        downsample_times=4,
        num_stacks=8,
        stage_channels=(256, 256, 256, 256, 256),
        stage_blocks=(1, 1, 1, 1, 1),
        feat_channel=256),
    head=dict(
        type='CPMHead',
        in_channels=256,
        num_stages=8,
        deconv_out_channels=None,
        loss=dict(type='KeypointMSELoss', use_target_weight=True)),
    test_cfg=dict(flip_test=True, flip_mode='heatmap', shift_heatmap=True))
