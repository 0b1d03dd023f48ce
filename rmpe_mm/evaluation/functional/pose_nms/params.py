"""Parameters and presets of the parametric pose NMS (docs/method.md, s. 3).

Every constant of the algorithm is a field of :class:`PoseNMSParams`; a preset
is a named set of field values and any field can be overridden by name.
"""
import dataclasses
import json
import math
import os.path as osp
from dataclasses import asdict, dataclass, fields
from typing import Any, Dict, Optional, Tuple, Union

DISTANCE_FORMS = ('pixel', 'normalized', 'paper')
LAYOUTS = ('body', 'fullbody')
SCORE_THR_MODES = ('max', 'mean')
MERGE_SCORES = ('weighted', 'max')

# The four parameters the paper tunes (sigma1, lambda, sigma2, eta).
PAPER_PARAM_NAMES = ('delta1', 'mu', 'delta2', 'gamma')


@dataclass(frozen=True)
class PoseNMSParams:
    """All constants of the parametric pose NMS.

    The defaults are AlphaPose master's ``pose_nms_body`` constants.

    Args:
        delta1 (float): Score scale of the keypoint-match term
            ``tanh(c_r/delta1) * tanh(c_j/delta1)`` (paper sigma1).
            Defaults to 1.
        mu (float): Weight of the spatial term (paper lambda). Defaults to 1.7.
        delta2 (float): Distance scale of the spatial term (paper sigma2).
            Defaults to 2.65.
        gamma (float): Similarity threshold (paper eta). A candidate is
            eliminated when its similarity to the reference is GREATER than
            gamma, as every released code does (the paper writes ``<=``, but
            the quantity is a similarity). Defaults to 22.48.
        alpha (float): ``ref = alpha * max(box width, box height)`` of the
            reference pose. Defaults to 0.1.
        score_thr (float): A kept pose is dropped when the max (or mean, see
            ``score_thr_mode``) of its own keypoint scores, or of its merged
            keypoint scores, is below it (AlphaPose ``scoreThreds``).
            Defaults to 0.3.
        score_thr_mode (str): ``'max'`` (AlphaPose) or ``'mean'``
            (paper-era code). Defaults to ``'max'``.
        match_thr (float, optional): A candidate with at least this many
            joints within the match radius of the reference's joints is
            eliminated (AlphaPose ``matchThreds``); ``None`` disables the
            criterion (paper). Defaults to 5.
        area_thr (float): A merged pose is dropped when
            ``1.5**2 * (max x - min x) * (max y - min y)`` of its joints is
            below it (AlphaPose ``areaThres``). Defaults to 0.
        merge_radius_cap (float, optional): Merge radius
            ``min(ref, merge_radius_cap)`` in pixels; ``None``: ``ref``.
            Defaults to 15.
        match_radius_cap (float, optional): Match radius
            ``min(ref, match_radius_cap)`` in pixels; ``None``: ``ref``.
            Defaults to 7.
        distance_form (str): ``'pixel'`` (AlphaPose: raw pixel distances,
            gate ``dist <= gate_radius``, spatial ``exp(-dist/delta2)``),
            ``'normalized'`` (paper-era code: ``dist / ref``, gate
            ``<= gate_radius``, spatial ``exp(-(dist/ref)/delta2)``) or
            ``'paper'`` (as the paper writes it: gate = joint inside a box of
            ``gate_box_frac`` times the reference box centered at the
            reference joint, spatial ``exp(-dist**2/delta2)``).
            Defaults to ``'pixel'``.
        gate_radius (float): Gate of the keypoint-match term for the
            ``'pixel'`` (pixels) and ``'normalized'`` (units of ``ref``) forms.
            Defaults to 1.
        gate_box_frac (float): Gate box of the ``'paper'`` form as a fraction
            of the reference box sides. Defaults to 0.1.
        merge_score (str): Merged keypoint score: ``'weighted'`` (AlphaPose,
            ``sum w^2 / sum w``) or ``'max'`` (paper-era code: max score of
            the merged joints). Defaults to ``'weighted'``.
        zero_score (float, optional): Keypoint scores exactly equal to 0 are
            replaced by this value before anything else (AlphaPose: 1e-5);
            ``None`` keeps them. Defaults to 1e-5.
        max_score_weight (float): Final person score
            ``mean(c) + bbox_score + max_score_weight * max(c)`` of the
            merged scores ``c``. Defaults to 1.25.
        layout (str): ``'body'`` (similarity summed over joints) or
            ``'fullbody'`` (AlphaPose ``pose_nms_fullbody``: body/face/hand
            part means with their own weights and distance factors, the
            similarity counting only joints whose candidate score is below
            ``score_thr`` in the keypoint term and only the others in the
            spatial term, and the part-wise match count normalized as
            AlphaPose's ``PCK_match_fullbody``). Defaults to ``'body'``.
        face_factor (float): Fullbody: face distance factor (spatial scale
            and match radius). Defaults to 1.9.
        hand_factor (float): Fullbody: hand distance factor. Defaults to 0.55.
        face_weight_score (float): Fullbody: face weight of the keypoint
            term. Defaults to 1.0.
        hand_weight_score (float): Fullbody: hand weight of the keypoint
            term. Defaults to 0.1.
        face_weight_dist (float): Fullbody: face weight of the spatial term.
            Defaults to 1.0.
        hand_weight_dist (float): Fullbody: hand weight of the spatial term.
            Defaults to 1.5.
        num_face (int): Fullbody similarity: the face joints are the
            ``num_face`` joints before the last ``num_hand``. Defaults to 68.
        num_hand (int): Fullbody similarity: the last ``num_hand`` joints are
            the hands. Defaults to 42.
        match_part_bounds (tuple[int, int]): Fullbody match count: joints
            ``[0, b0)`` use radius 1, ``[b0, b1)`` the face factor, ``[b1, K)``
            the hand factor. AlphaPose hard-codes (26, 94) for both 136 and
            133 keypoints. Defaults to (26, 94).
    """
    delta1: float = 1.0
    mu: float = 1.7
    delta2: float = 2.65
    gamma: float = 22.48
    alpha: float = 0.1
    score_thr: float = 0.3
    score_thr_mode: str = 'max'
    match_thr: Optional[float] = 5.0
    area_thr: float = 0.0
    merge_radius_cap: Optional[float] = 15.0
    match_radius_cap: Optional[float] = 7.0
    distance_form: str = 'pixel'
    gate_radius: float = 1.0
    gate_box_frac: float = 0.1
    merge_score: str = 'weighted'
    zero_score: Optional[float] = 1e-5
    max_score_weight: float = 1.25
    layout: str = 'body'
    face_factor: float = 1.9
    hand_factor: float = 0.55
    face_weight_score: float = 1.0
    hand_weight_score: float = 0.1
    face_weight_dist: float = 1.0
    hand_weight_dist: float = 1.5
    num_face: int = 68
    num_hand: int = 42
    match_part_bounds: Tuple[int, int] = (26, 94)

    def __post_init__(self) -> None:
        _check_choice('distance_form', self.distance_form, DISTANCE_FORMS)
        _check_choice('layout', self.layout, LAYOUTS)
        _check_choice('score_thr_mode', self.score_thr_mode, SCORE_THR_MODES)
        _check_choice('merge_score', self.merge_score, MERGE_SCORES)
        for name in ('delta1', 'delta2'):
            _check_number(name, getattr(self, name), positive=True)
        for name in ('mu', 'alpha', 'gate_radius', 'gate_box_frac',
                     'face_factor', 'hand_factor', 'face_weight_score',
                     'hand_weight_score', 'face_weight_dist',
                     'hand_weight_dist'):
            _check_number(name, getattr(self, name), nonnegative=True)
        for name in ('gamma', 'score_thr', 'area_thr', 'max_score_weight'):
            _check_number(name, getattr(self, name))
        for name in ('match_thr', 'zero_score'):
            if getattr(self, name) is not None:
                _check_number(name, getattr(self, name))
        for name in ('merge_radius_cap', 'match_radius_cap'):
            if getattr(self, name) is not None:
                _check_number(name, getattr(self, name), nonnegative=True)
        for name in ('num_face', 'num_hand'):
            value = getattr(self, name)
            if isinstance(value, bool) or not isinstance(value, int) \
                    or value < 0:
                raise ValueError(
                    f'`{name}` must be a non-negative int, got {value!r}')
        bounds = tuple(self.match_part_bounds)
        if len(bounds) != 2 or not all(
                isinstance(b, int) and not isinstance(b, bool) and b >= 0
                for b in bounds) or bounds[0] > bounds[1]:
            raise ValueError('`match_part_bounds` must be two ints '
                             f'0 <= b0 <= b1, got {self.match_part_bounds!r}')
        object.__setattr__(self, 'match_part_bounds', bounds)

    def to_dict(self) -> Dict[str, Any]:
        """All fields as a JSON-serialisable dict."""
        out = asdict(self)
        out['match_part_bounds'] = list(self.match_part_bounds)
        return out

    def replace(self, **overrides: Any) -> 'PoseNMSParams':
        """A copy with the named fields replaced (names are checked)."""
        if not overrides:
            return self
        _check_names(overrides)
        return dataclasses.replace(self, **overrides)


def _check_choice(name: str, value: Any, choices: Tuple[str, ...]) -> None:
    if value not in choices:
        raise ValueError(f'`{name}` must be one of {choices}, got {value!r}')


def _check_number(name: str,
                  value: Any,
                  positive: bool = False,
                  nonnegative: bool = False) -> None:
    if isinstance(value, bool) or not isinstance(value, (int, float)) \
            or not math.isfinite(value):
        raise ValueError(f'`{name}` must be a finite number, got {value!r}')
    if positive and value <= 0:
        raise ValueError(f'`{name}` must be > 0, got {value!r}')
    if nonnegative and value < 0:
        raise ValueError(f'`{name}` must be >= 0, got {value!r}')


PARAM_NAMES = tuple(f.name for f in fields(PoseNMSParams))


def _check_names(values: Dict[str, Any]) -> None:
    unknown = sorted(set(values) - set(PARAM_NAMES))
    if unknown:
        raise ValueError(f'unknown pose NMS parameter(s) {unknown}; '
                         f'valid names: {list(PARAM_NAMES)}')


POSE_NMS_PRESETS: Dict[str, Dict[str, Any]] = {
    # AlphaPose master `pose_nms_body` (17/26 joints, COCO / Halpe-26).
    'alphapose_body': {},
    # Paper-era MPII code: normalized distances, no match count, max merge.
    'paper_mpii':
    dict(
        delta1=0.01,
        mu=2.08,
        delta2=2.08,
        gamma=22.48,
        alpha=0.1,
        score_thr=0.0,
        score_thr_mode='mean',
        match_thr=None,
        distance_form='normalized',
        merge_score='max',
        merge_radius_cap=None,
        match_radius_cap=None),
    # AlphaPose master `pose_nms_fullbody` with its regression constants
    # (133/136 joints).
    'alphapose_fullbody':
    dict(
        delta1=1.0,
        mu=1.65,
        delta2=8.0,
        gamma=3.6,
        alpha=0.15,
        score_thr=0.01,
        match_thr=3.0,
        layout='fullbody'),
}


def resolve_pose_nms_params(preset: Union[str,
                                          PoseNMSParams] = 'alphapose_body',
                            **overrides: Any) -> PoseNMSParams:
    """The parameters of a preset with some fields overridden.

    Args:
        preset (str | PoseNMSParams): One of :data:`POSE_NMS_PRESETS`, or
            ready parameters. Defaults to ``'alphapose_body'``.
        **overrides: Field values of :class:`PoseNMSParams` by name.

    Returns:
        PoseNMSParams: The resolved (validated) parameters.
    """
    if isinstance(preset, PoseNMSParams):
        return preset.replace(**overrides)
    if not isinstance(preset, str) or preset not in POSE_NMS_PRESETS:
        raise ValueError(f'`preset` must be one of '
                         f'{sorted(POSE_NMS_PRESETS)}, got {preset!r}')
    if preset not in _PRESET_PARAMS:
        _PRESET_PARAMS[preset] = PoseNMSParams(**POSE_NMS_PRESETS[preset])
    return _PRESET_PARAMS[preset].replace(**overrides)


# Resolved presets (PoseNMSParams is immutable).
_PRESET_PARAMS: Dict[str, PoseNMSParams] = {}


def load_pose_nms_params_file(path: str) -> Tuple[Optional[str], dict]:
    """Read tuned parameters written by ``tools/tune_ppnms.py``.

    The file is a JSON object, either ``{"preset": ..., "params": {...}}``
    (``preset`` optional) or a flat ``{name: value}`` object.

    Args:
        path (str): The JSON file.

    Returns:
        tuple: ``(preset or None, params dict)``; the names are checked.
    """
    if not osp.isfile(path):
        raise FileNotFoundError(f'`params_file` {path!r} does not exist')
    with open(path, encoding='utf-8') as f:
        data = json.load(f)
    if not isinstance(data, dict):
        raise ValueError(f'`params_file` {path!r} must hold a JSON object, '
                         f'got {type(data).__name__}')
    if 'params' in data:
        preset, params = data.get('preset'), data['params']
    else:
        preset, params = None, data
    if not isinstance(params, dict):
        raise ValueError(f'"params" of `params_file` {path!r} must be an '
                         f'object, got {params!r}')
    if 'match_part_bounds' in params:
        params = dict(params)
        params['match_part_bounds'] = tuple(params['match_part_bounds'])
    _check_names(params)
    return preset, params
