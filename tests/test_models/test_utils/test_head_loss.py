"""The heatmap head loss on given outputs equals the head's own loss."""
import pytest
import torch
from mmengine.structures import InstanceData, PixelData
from mmpose.models.heads import AssociativeEmbeddingHead, CPMHead, HeatmapHead
from mmpose.structures import PoseDataSample

from rmpe_mm.models.utils import check_heatmap_head_loss, heatmap_head_loss

NUM_K, SIZE = 5, (8, 6)


def samples(num: int = 3, seed: int = 0) -> list:
    gen = torch.Generator().manual_seed(seed)
    out = []
    for _ in range(num):
        sample = PoseDataSample()
        sample.gt_fields = PixelData(
            heatmaps=torch.rand((NUM_K, *SIZE), generator=gen))
        weights = (torch.rand((1, NUM_K), generator=gen) > 0.3).float()
        sample.gt_instance_labels = InstanceData(keypoint_weights=weights)
        out.append(sample)
    return out


def feats(channels: int, num: int = 3) -> tuple:
    return (torch.randn(num, channels, *SIZE), )


@pytest.mark.parametrize('train_cfg', [{}, dict(compute_acc=False)])
def test_heatmap_head(train_cfg):
    torch.manual_seed(0)
    head = HeatmapHead(
        in_channels=4,
        out_channels=NUM_K,
        deconv_out_channels=None,
        deconv_kernel_sizes=None)
    x, data = feats(4), samples()
    ours = heatmap_head_loss(head, head.forward(x), data, train_cfg)
    theirs = head.loss(x, data, train_cfg=train_cfg)
    assert set(ours) == set(theirs)
    for key in theirs:
        assert torch.equal(ours[key], theirs[key]), key


def test_cpm_head_with_one_loss_per_stage():
    torch.manual_seed(0)
    losses = [
        dict(type='KeypointMSELoss', use_target_weight=True),
        dict(type='KeypointMSELoss', use_target_weight=True, loss_weight=3.),
    ]
    head = CPMHead(
        in_channels=4, out_channels=NUM_K, num_stages=2, loss=losses)
    x = [torch.randn(3, 4, *SIZE) for _ in range(2)]
    data = samples()
    stages = head.forward(x)
    ours = heatmap_head_loss(head, stages, data, {})
    theirs = head.loss(x, data, train_cfg={})
    assert set(ours) == {'loss_kpt', 'acc_pose'} == set(theirs)
    for key in theirs:
        assert torch.equal(ours[key], theirs[key]), key
    # the given outputs are used, not the head's forward
    shifted = heatmap_head_loss(head, [s + 1 for s in stages], data, {})
    assert not torch.equal(shifted['loss_kpt'], theirs['loss_kpt'])


def test_heads_overriding_loss_are_refused():
    head = AssociativeEmbeddingHead(
        in_channels=4,
        num_keypoints=NUM_K,
        deconv_out_channels=None,
        deconv_kernel_sizes=None)
    with pytest.raises(NotImplementedError, match='AssociativeEmbeddingHead'):
        check_heatmap_head_loss(head)
    with pytest.raises(NotImplementedError, match='Linear'):
        heatmap_head_loss(torch.nn.Linear(2, 2), torch.zeros(1), samples(), {})
