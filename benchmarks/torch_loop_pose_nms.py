"""The per-pick loop pose NMS on torch tensors, as AlphaPose runs it.

Same algorithm as :mod:`rmpe_mm.testing.pose_nms_reference` for the default
(``alphapose_body``: pixel form, body layout) parameters, but every per-pick
step is a torch operation on CPU tensors, which is how AlphaPose master's
``pose_nms_body`` executes. Written from docs/method.md s. 3 for the
benchmark's "loop (torch)" column; only the default constants are supported.
"""
import numpy as np
import torch

DELTA1, MU, DELTA2, GAMMA = 1.0, 1.7, 2.65, 22.48
ALPHA, SCORE_THR, MATCH_THR = 0.1, 0.3, 5
MERGE_CAP, MATCH_CAP = 15.0, 7.0


def torch_loop_pose_nms(bboxes: torch.Tensor, bbox_scores: torch.Tensor,
                        keypoints: torch.Tensor,
                        keypoint_scores: torch.Tensor) -> dict:
    """Per-pick loop of one image (AlphaPose body constants).

    Returns:
        dict: ``keep`` (list of input indices), merged ``keypoints``,
        ``keypoint_scores`` and final ``scores`` (tensors).
    """
    scores = keypoint_scores.clone()
    scores[scores == 0] = 1e-5
    wh = bboxes[:, 2:] - bboxes[:, :2]
    ref = ALPHA * wh.max(dim=1).values
    human = scores.mean(dim=1)
    alive = torch.ones(len(scores), dtype=torch.bool)
    picks, clusters = [], []
    while bool(alive.any()):
        idx = torch.nonzero(alive).flatten()
        r = int(idx[torch.argmax(human[idx])])
        dist = torch.sqrt(((keypoints[r][None] - keypoints[idx])**2).sum(-1))
        tt = torch.tanh(scores[r] / DELTA1)[None] * torch.tanh(
            scores[idx] / DELTA1)
        simi = torch.where(dist <= 1, tt, torch.zeros_like(tt)).sum(1) + \
            MU * torch.exp(-dist / DELTA2).sum(1)
        match = (dist / min(float(ref[r]), MATCH_CAP) <= 1).sum(1)
        members = idx[(simi > GAMMA) | (match >= MATCH_THR)]
        members = torch.unique(torch.cat([members, torch.tensor([r])]))
        alive[members] = False
        picks.append(r)
        clusters.append(members)
    out = dict(keep=[], keypoints=[], keypoint_scores=[], scores=[])
    for r, members in zip(picks, clusters):
        if float(scores[r].max()) < SCORE_THR:
            continue
        diff = keypoints[r][None] - keypoints[members]
        dist = torch.sqrt((diff**2).sum(-1))
        w = scores[members] * (dist <= min(float(ref[r]), MERGE_CAP))
        total = w.sum(0)
        pose = (keypoints[members] * (w / total)[..., None]).sum(0)
        merged = (w * w / total).sum(0)
        if float(merged.max()) < SCORE_THR:
            continue
        out['keep'].append(r)
        out['keypoints'].append(pose)
        out['keypoint_scores'].append(merged)
        out['scores'].append(merged.mean() + bbox_scores[r] +
                             1.25 * merged.max())
    return out


def as_tensors(*arrays: np.ndarray):
    """Numpy inputs as CPU float64 tensors (float64 so that the picks can
    be compared exactly with the float64 numpy implementations)."""
    return tuple(
        torch.from_numpy(np.asarray(a, dtype=np.float64)) for a in arrays)
