# What the CPU smoke configs of tests/configs/ share: a tiny stacked
# hourglass (MMPose's HourglassNet: its stem always gives 256 channels),
# CPM head and ResNet-18 STN, a constant LR, loaders without worker
# processes. A smoke config inherits the config it shrinks and this file
# (through ./sample_coco.py or ./sample_mpii.py); no real config sets these
# names, so the two bases never clash. The smoke config adds the sample's
# codec:
#   head=dict(tiny_cpm_head, out_channels=17, decoder=codec)
cpu_loader = dict(num_workers=0, persistent_workers=False)
tiny_hourglass = dict(
    type='HourglassNet',
    downsample_times=2,
    num_stacks=2,
    stage_channels=(256, 32, 32),
    stage_blocks=(1, 1, 1),
    feat_channel=32)
tiny_cpm_head = dict(
    type='CPMHead',
    in_channels=32,
    num_stages=2,
    deconv_out_channels=None,
    loss=dict(type='KeypointMSELoss', use_target_weight=True))
# input_size=None: the full crop (32x32 would leave 1x1 maps: BN fails at
# batch 1)
tiny_stn = dict(
    backbone=dict(type='ResNet', depth=18, stem_channels=16, base_channels=16),
    feat_channels=128,
    input_size=None)
constant_lr = [dict(type='ConstantLR', factor=1.0, by_epoch=True)]
smoke_optim_wrapper = dict(optimizer=dict(type='Adam', lr=1e-3))
