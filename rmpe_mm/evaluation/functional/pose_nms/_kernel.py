"""Compiled (numba) core of the parametric pose NMS.

Everything here works on validated float64 arrays and one parameter record
(:data:`PARAMS_DTYPE`, filled by :func:`._core.pack_params`); nothing is
allocated per pick. Positions are in "sorted space": candidates ordered by
group (image), then by decreasing human score (ties: input order), so a
candidate can only ever be suppressed by one before it, and a pair
``(a, b)`` has ``a < b`` with ``a`` the reference.

Steps (one call of :func:`run_pose_nms_kernel`):

1. Sort (group, human score descending, input index), replace zero scores,
   gather the joints, scores and boxes in sorted order, with each
   reference's exact pruning radius ``R_a``: beyond it (every joint of ``b``
   farther than ``R_a`` from the same joint of ``a``) neither the similarity
   can exceed ``gamma`` nor a joint match.
2. All pairs of a group at once: a sweep along x over the joints' bounding
   boxes, an exact box-gap test, an exact closest-joint test, then the
   similarity and match count of every pair that survives.
3. The greedy pass over the sorted candidates forms the clusters.
4. Every cluster is merged, filtered and scored.

Names: ``a`` / ``b`` are the reference and the other pose of a pair (sorted
positions), ``n`` a joint, ``ref_dist`` AlphaPose's reference distance
``alpha * max(box width, box height)`` of each pose.

Compiled with ``error_model='numpy'`` (``x / 0`` is inf or NaN, as in
AlphaPose's tensors) and without fast-math, so every comparison and
arithmetic operation is the IEEE float64 one (float32 where AlphaPose's
fullbody match count is reproduced) of the numpy reference; only the order of
sums and the last bit of ``exp``/``tanh`` (libm instead of numpy's own) may
differ.

The parameters are one numpy record rather than a namedtuple: numba reads a
record field like an array element, and passing a (1,) record array costs
what passing an array does, where a namedtuple argument of these ~30 fields
cost about 7 us more per call (numba 0.68.1).

Why this module is one file (over the package's ~400-line guideline): numba
keys each ``cache=True`` entry on the stamp (mtime, size) of the file that
defines the function only. A jitted function that calls a jitted function,
or reads a constant, from another module compiles the callee / constant
into its own cached machine code, and an edit of that other module does not
invalidate it: the next process silently runs the old code. Checked with
numba 0.68.1 (setup.cfg: ``numba>=0.59``): ``entry.run`` calling
``callee.helper`` (``x * SCALE``, ``SCALE`` from ``consts``), both
``cache=True`` in separate modules, loads from the cache in a new process,
but after editing ``callee.py`` or ``consts.py`` the new process still
returns the old result. Split into ``_kernel_*`` modules, an edit of the
pair test or the merge would leave :func:`run_pose_nms_kernel` running the
previous version. In one file any edit recompiles everything (about 20 s,
once), and a warm process loads the kernel in well under a second.
"""
import math

import numpy as np
from numba import njit

# Codes of the ``distance_form`` parameter: positions in
# ``params.DISTANCE_FORMS`` (not imported: see "one file" above).
FORM_PIXEL, FORM_NORMALIZED, FORM_PAPER = 0, 1, 2

#: The kernel's parameters (:class:`~.params.PoseNMSParams` resolved for
#: one keypoint count and score precision), passed as a (1,) array.
PARAMS_DTYPE = np.dtype(
    [
        ('delta1', np.float64),
        ('mu', np.float64),
        ('gamma', np.float64),
        # score thresholds rounded to the precision of the input scores
        ('score_thr', np.float64),
        ('half_score_thr', np.float64),  # score_thr / 2 (fullbody match)
        ('match_thr', np.float64),  # NaN without a match criterion
        ('area_thr', np.float64),
        ('merge_radius_cap', np.float64),  # inf for no cap
        ('match_radius_cap', np.float64),  # inf for no cap
        ('gate_radius', np.float64),
        ('gate_box_frac', np.float64),
        ('max_score_weight', np.float64),
        ('face_weight_score', np.float64),
        ('hand_weight_score', np.float64),
        ('face_weight_dist', np.float64),
        ('hand_weight_dist', np.float64),
        ('alpha', np.float64),
        # terms of the pruning radius, see _pruning_radius
        ('prune_const', np.float64),
        ('prune_per_ref', np.float64),
        ('prune_per_diag', np.float64),
        ('prune_per_match', np.float64),
        ('zero_score', np.float64),  # NaN: keep zero scores
        ('distance_form', np.int64),  # FORM_*
        ('face_start', np.int64),  # fullbody similarity parts
        ('hand_start', np.int64),
        ('fullbody', np.bool_),  # layout == 'fullbody'
        ('merge_max', np.bool_),  # merge_score == 'max'
        ('thr_mean', np.bool_),  # score_thr_mode == 'mean'
        ('has_match', np.bool_),  # match_thr is not None
    ],
    align=True)

# Relative and absolute margins added to the pruning radius so that floating
# point rounding of distances can never prune a pair that interacts.
RADIUS_REL_MARGIN = 1e-9
RADIUS_ABS_MARGIN = 1e-9

# Rows of the (5, K) work array of _merge.
_WEIGHT_SUM, _WEIGHTED_X, _WEIGHTED_Y, _SQUARED_WEIGHT_SUM, _MAX_WEIGHT = (
    range(5))

_JIT = dict(cache=True, error_model='numpy', nogil=True)


@njit(**_JIT)
def first_invalid(bboxes, bbox_scores, keypoints, keypoint_scores):
    """Find the first non-finite value or negative-size box.

    Returns:
        tuple[int, int]: ``(which, flat index)``: ``which`` is 0..3 for a
        non-finite value in the inputs in argument order, 4 for a box with
        ``x2 < x1`` or ``y2 < y1`` (index = row), -1 if all is well.
    """
    arrays = (bboxes.ravel(), bbox_scores.ravel(), keypoints.ravel(),
              keypoint_scores.ravel())
    for which in range(4):
        flat = arrays[which]
        for i in range(flat.shape[0]):
            if not math.isfinite(flat[i]):
                return which, i
    for i in range(bboxes.shape[0]):
        if bboxes[i, 2] < bboxes[i, 0] or bboxes[i, 3] < bboxes[i, 1]:
            return 4, i
    return -1, -1


@njit(**_JIT)
def _person_score(joint_scores, mean_mode):
    """Max (or mean) of a (K,) row."""
    if mean_mode:
        total = 0.0
        for value in joint_scores:
            total += value
        return total / joint_scores.shape[0]
    return joint_scores.max()


@njit(**_JIT)
def _pruning_radius(ref_dist, width, height, params):
    """``R = max(const, c_ref * ref_dist, c_diag * hypot(w, h),
    c_match * min(ref_dist, match_radius_cap))`` plus rounding margins."""
    radius = params.prune_const
    if params.prune_per_ref > 0:
        radius = max(radius, params.prune_per_ref * ref_dist)
    if params.prune_per_diag > 0:
        radius = max(radius, params.prune_per_diag * math.hypot(width, height))
    if params.prune_per_match > 0:
        radius = max(
            radius,
            params.prune_per_match * min(ref_dist, params.match_radius_cap))
    return radius * (1 + RADIUS_REL_MARGIN) + RADIUS_ABS_MARGIN


@njit(**_JIT)
def _score(value, zero_score):
    """A keypoint score after the zero replacement (AlphaPose: 1e-5)."""
    if value == 0 and not math.isnan(zero_score):
        return zero_score
    return value


@njit(**_JIT)
def _sort_order(scores, group_codes, params):
    """Positions in sorted order: group, then human score (mean keypoint
    score after the zero replacement, float64, summed in joint order)
    descending, then input index (stable sorts).

    Returns:
        tuple: ``perm (N,)`` input index of each position and
        ``group_bounds (G + 1,)`` group starts, then N.
    """
    num, num_k = scores.shape
    neg_human_score = np.empty(num)
    for i in range(num):
        total = 0.0
        for n in range(num_k):
            total += _score(scores[i, n], params.zero_score)
        neg_human_score[i] = -(total / num_k)
    perm = np.argsort(neg_human_score, kind='mergesort')
    if num and (group_codes == group_codes[0]).all():
        bounds = np.empty(2, dtype=np.int64)
        bounds[0], bounds[1] = 0, num
        return perm, bounds
    perm = perm[np.argsort(group_codes[perm], kind='mergesort')]
    sorted_codes = group_codes[perm]
    bounds = np.empty(num + 1, dtype=np.int64)
    bounds[0] = 0
    num_groups = 1
    for p in range(1, num):
        if sorted_codes[p] != sorted_codes[p - 1]:
            bounds[num_groups] = p
            num_groups += 1
    bounds[num_groups] = num
    return perm, bounds[:num_groups + 1]


@njit(**_JIT)
def _gather(keypoints, scores, bboxes, perm, params):
    """The poses in sorted order: joint coordinates and (zero-replaced)
    scores, box sizes, ``ref_dist``, the joints' bounding boxes and the
    pruning radius of every position."""
    num, num_k = scores.shape
    joint_x = np.empty((num, num_k))
    joint_y = np.empty((num, num_k))
    joint_score = np.empty((num, num_k))
    box_size = np.empty((num, 2))  # width, height
    ref_dist = np.empty(num)
    extent = np.empty((num, 4))  # xmin, xmax, ymin, ymax of the joints
    prune_radius = np.empty(num)
    for p in range(num):
        i = perm[p]
        x_min = y_min = np.inf
        x_max = y_max = -np.inf
        for n in range(num_k):
            x, y = keypoints[i, n, 0], keypoints[i, n, 1]
            joint_x[p, n] = x
            joint_y[p, n] = y
            joint_score[p, n] = _score(scores[i, n], params.zero_score)
            x_min, x_max = min(x_min, x), max(x_max, x)
            y_min, y_max = min(y_min, y), max(y_max, y)
        extent[p, 0], extent[p, 1] = x_min, x_max
        extent[p, 2], extent[p, 3] = y_min, y_max
        width = bboxes[i, 2] - bboxes[i, 0]
        height = bboxes[i, 3] - bboxes[i, 1]
        box_size[p, 0], box_size[p, 1] = width, height
        ref_dist[p] = params.alpha * max(width, height)
        prune_radius[p] = _pruning_radius(ref_dist[p], width, height, params)
    return (joint_x, joint_y, joint_score, box_size, ref_dist, extent,
            prune_radius)


@njit(**_JIT)
def _similarity(a, b, joint_x, joint_y, sq_dist, joint_score, box_size,
                ref_dist, params, spatial_scale):
    """``keypoint term + mu * spatial term`` of the pair (a, b).

    Per joint: gate and spatial distance ``q`` by the distance form
    (pixel: ``dist <= gate_radius``, ``q = dist``; normalized: ``q = dist /
    ref_dist_a`` with 0/0 := 0, gate ``q <= gate_radius``; paper: inside the
    gate box of ``gate_box_frac`` of a's box, ``q = dist**2``); keypoint term
    ``tanh(c_a/delta1) tanh(c_b/delta1)`` where gated, spatial term
    ``exp(-q / spatial_scale)``. Body: sums over joints; fullbody: joints of b
    scored below ``score_thr`` count only in the keypoint term, the others
    only in the spatial term, reduced as weighted means of the body, face
    and hand parts.
    """
    num_k = sq_dist.shape[0]
    form = params.distance_form
    fullbody = params.fullbody
    face_start, hand_start = params.face_start, params.hand_start
    delta1, gate_radius = params.delta1, params.gate_radius
    half_gate_w = params.gate_box_frac * box_size[a, 0] / 2
    half_gate_h = params.gate_box_frac * box_size[a, 1] / 2
    # keypoint and spatial sums of the body, face and hand parts; the body
    # layout uses only the first
    kpt_body = kpt_face = kpt_hand = 0.0
    spatial_body = spatial_face = spatial_hand = 0.0
    for n in range(num_k):
        dist = math.sqrt(sq_dist[n])
        if form == FORM_PIXEL:
            q = dist
            gated = dist <= gate_radius
        elif form == FORM_NORMALIZED:
            q = 0.0 if dist == 0 else dist / ref_dist[a]
            gated = q <= gate_radius
        else:
            gated = (
                abs(joint_x[a, n] - joint_x[b, n]) <= half_gate_w
                and abs(joint_y[a, n] - joint_y[b, n]) <= half_gate_h)
            q = dist * dist
        use_kpt, use_spatial = gated, True
        if fullbody:
            low = joint_score[b, n] < params.score_thr
            use_kpt, use_spatial = gated and low, not low
        kpt_term = 0.0
        if use_kpt:
            kpt_term = (
                math.tanh(joint_score[a, n] / delta1) *
                math.tanh(joint_score[b, n] / delta1))
        spatial_term = (
            math.exp(-q / spatial_scale[n]) if use_spatial else 0.0)
        if not fullbody or n < face_start:
            kpt_body += kpt_term
            spatial_body += spatial_term
        elif n < hand_start:
            kpt_face += kpt_term
            spatial_face += spatial_term
        else:
            kpt_hand += kpt_term
            spatial_hand += spatial_term
    if not fullbody:
        return kpt_body + params.mu * spatial_body
    num_body, num_face = face_start, hand_start - face_start
    num_hand = num_k - hand_start
    kpt_total = (
        kpt_body / num_body + kpt_face / num_face * params.face_weight_score +
        kpt_hand / num_hand * params.hand_weight_score)
    spatial_total = (
        spatial_body / num_body +
        spatial_face / num_face * params.face_weight_dist +
        spatial_hand / num_hand * params.hand_weight_dist)
    return kpt_total + params.mu * spatial_total


@njit(**_JIT)
def _squared_distances(a, b, joint_x, joint_y, sq_dist, limit):
    """Fill ``sq_dist`` with the squared joint distances of the pair; return
    whether any is within ``limit`` (two loops, so the first vectorises)."""
    for n in range(sq_dist.shape[0]):
        dx = joint_x[a, n] - joint_x[b, n]
        dy = joint_y[a, n] - joint_y[b, n]
        sq_dist[n] = dx * dx + dy * dy
    for n in range(sq_dist.shape[0]):
        if sq_dist[n] <= limit:
            return True
    return False


@njit(**_JIT)
def _match_count(a, sq_dist, ref_dist, params, match_factor, enough):
    """Joints of b within the match radius of a's joints, counted up to
    ``enough``: AlphaPose's ``dist / radius <= factor`` with
    ``radius = min(ref_dist_a, match_radius_cap)`` (never true for a zero
    radius); ``dist`` is computed only for joints whose squared distance is
    not clearly beyond the radius."""
    radius = min(ref_dist[a], params.match_radius_cap)
    count = 0
    for n in range(sq_dist.shape[0]):
        reach = match_factor[n] * radius
        if sq_dist[n] <= reach * reach * (1 + RADIUS_REL_MARGIN) and \
                math.sqrt(sq_dist[n]) / radius <= match_factor[n]:
            count += 1
            if count >= enough:
                break
    return count


@njit(**_JIT)
def _group_pairs(start, stop, joint_x, joint_y, joint_score, box_size,
                 ref_dist, extent, prune_radius, params, spatial_scale,
                 match_factor, out, num_out):
    """Evaluate every interacting pair of one group (positions
    ``[start, stop)``) and append it to ``out``.

    ``out`` rows are ``(a, b, suppresses, match count)``: ``suppresses`` is
    1 when the pair's static criterion holds (similarity > gamma, or for the
    body layout a match count >= match_thr); body pairs are appended only
    when it holds, fullbody pairs always (their match criterion depends on
    the number of candidates alive at the pick).

    Returns:
        tuple: ``(out, num_out)`` (``out`` grows by doubling).
    """
    size = stop - start
    if size < 2:
        return out, num_out
    fullbody = params.fullbody
    has_match = params.has_match
    num_k = joint_x.shape[1]
    # the body criterion needs the count only up to match_thr
    enough = num_k if fullbody or not has_match else max(
        1, min(num_k, math.ceil(params.match_thr)))
    sq_dist = np.empty(num_k)
    by_x_min = np.argsort(extent[start:stop, 0]) + start
    max_radius = prune_radius[start:stop].max()
    for ii in range(size):
        i = by_x_min[ii]
        x_limit = extent[i, 1] + max_radius
        for jj in range(ii + 1, size):
            j = by_x_min[jj]
            if extent[j, 0] > x_limit:
                break
            a, b = min(i, j), max(i, j)
            radius = prune_radius[a]
            box_gap = max(extent[b, 0] - extent[a, 1],
                          extent[a, 0] - extent[b, 1],
                          extent[b, 2] - extent[a, 3],
                          extent[a, 2] - extent[b, 3])
            if box_gap > radius:
                continue
            if not _squared_distances(a, b, joint_x, joint_y, sq_dist,
                                      radius * radius):
                continue
            count = 0
            if has_match:
                count = _match_count(a, sq_dist, ref_dist, params,
                                     match_factor, enough)
            suppresses = (not fullbody and has_match
                          and count >= params.match_thr)
            if not suppresses:
                suppresses = _similarity(a, b, joint_x, joint_y, sq_dist,
                                         joint_score, box_size, ref_dist,
                                         params, spatial_scale) > params.gamma
            if not (suppresses or fullbody):
                continue
            if num_out == out.shape[0]:
                grown = np.empty((2 * out.shape[0], 4), dtype=np.int64)
                grown[:num_out] = out
                out = grown
            out[num_out, 0] = a
            out[num_out, 1] = b
            out[num_out, 2] = suppresses
            out[num_out, 3] = count
            num_out += 1
    return out, num_out


@njit(**_JIT)
def _all_pairs(group_bounds, joint_x, joint_y, joint_score, box_size, ref_dist,
               extent, prune_radius, params, spatial_scale, match_factor):
    """Pairs of every group, as CSR by reference position.

    Returns:
        tuple: ``pair_start (N + 1,)``, and per pair ``other`` (position
        ``b``), ``suppresses``, ``match_count`` (pairs of reference ``a``
        are ``pair_start[a]:pair_start[a + 1]``).
    """
    num = joint_x.shape[0]
    out = np.empty((max(16, 4 * num), 4), dtype=np.int64)
    num_out = np.int64(0)  # not a literal: one compiled signature
    for g in range(group_bounds.shape[0] - 1):
        out, num_out = _group_pairs(group_bounds[g], group_bounds[g + 1],
                                    joint_x, joint_y, joint_score, box_size,
                                    ref_dist, extent, prune_radius, params,
                                    spatial_scale, match_factor, out, num_out)
    pair_start = np.zeros(num + 1, dtype=np.int64)
    for k in range(num_out):
        pair_start[out[k, 0] + 1] += 1
    for p in range(num):
        pair_start[p + 1] += pair_start[p]
    fill = pair_start[:-1].copy()
    other = np.empty(num_out, dtype=np.int64)
    suppresses = np.empty(num_out, dtype=np.bool_)
    match_count = np.empty(num_out, dtype=np.int64)
    for k in range(num_out):
        slot = fill[out[k, 0]]
        fill[out[k, 0]] += 1
        other[slot] = out[k, 1]
        suppresses[slot] = out[k, 2] != 0
        match_count[slot] = out[k, 3]
    return pair_start, other, suppresses, match_count


@njit(**_JIT)
def fullbody_min_match_count(match_thr, num_alive, num_valid, num_keypoints):
    """Smallest joint count AlphaPose's fullbody match accepts.

    AlphaPose's ``PCK_match_fullbody`` returns
    ``count / (2 * num_alive * num_valid) / 2 * K`` in float32 (zero when the
    reference has no joint scored above ``score_thr / 2``), compared with
    ``>= match_thr``; the float32 arithmetic is reproduced exactly.

    Returns:
        int: The threshold on the count (``K + 1`` if none is enough).
    """
    thr = np.float32(match_thr)
    if num_valid == 0:
        return 0 if np.float32(0) >= thr else num_keypoints + 1
    denom = np.float32(2 * num_alive * num_valid)
    for count in range(num_keypoints + 1):
        value = np.float32(count) / denom / np.float32(2)
        if value * np.float32(num_keypoints) >= thr:
            return count
    return num_keypoints + 1


@njit(**_JIT)
def _greedy(group_bounds, joint_score, pair_start, other, suppresses,
            match_count, params):
    """Pick references in sorted order; each takes the alive candidates it
    suppresses into its cluster.

    Returns:
        tuple: ``picks (C,)``, ``members (N,)`` cluster after cluster, each
        starting with its reference, ``bounds (C + 1,)``.
    """
    num, num_k = joint_score.shape
    dynamic_match = params.fullbody and params.has_match
    alive = np.ones(num, dtype=np.bool_)
    picks = np.empty(num, dtype=np.int64)
    members = np.empty(num, dtype=np.int64)
    bounds = np.zeros(num + 1, dtype=np.int64)
    num_picks = num_members = 0
    for g in range(group_bounds.shape[0] - 1):
        num_alive = group_bounds[g + 1] - group_bounds[g]
        for a in range(group_bounds[g], group_bounds[g + 1]):
            if not alive[a]:
                continue
            min_count = num_k + 1
            if dynamic_match:
                num_valid = 0
                for n in range(num_k):
                    num_valid += joint_score[a, n] > params.half_score_thr
                min_count = fullbody_min_match_count(params.match_thr,
                                                     num_alive, num_valid,
                                                     num_k)
            alive[a] = False
            picks[num_picks] = a
            members[num_members] = a
            num_members += 1
            first_member = num_members
            for k in range(pair_start[a], pair_start[a + 1]):
                b = other[k]
                if alive[b] and (suppresses[k] or match_count[k] >= min_count):
                    alive[b] = False
                    members[num_members] = b
                    num_members += 1
            num_alive -= num_members - first_member + 1
            num_picks += 1
            bounds[num_picks] = num_members
    return picks[:num_picks], members, bounds[:num_picks + 1]


@njit(**_JIT)
def _within(sq_dist, radius):
    """``sqrt(sq_dist) <= radius``, with the square root only near the
    boundary."""
    bound = radius * radius
    if sq_dist < bound * (1 - RADIUS_REL_MARGIN):
        return True
    if sq_dist > bound * (1 + RADIUS_REL_MARGIN):
        return False
    return math.sqrt(sq_dist) <= radius


@njit(**_JIT)
def _merge(ref, cluster, joint_x, joint_y, joint_score, ref_dist, params, sums,
           out_xy, out_score):
    """Score-weighted merge of one cluster around its reference ``ref``.

    ``w_j = c_j * [dist(k_ref, k_j) <= min(ref_dist_ref, merge_radius_cap)]``
    per joint; merged joint ``sum w k / sum w``; merged score
    ``sum w^2 / sum w`` (weighted) or the max score of the joints within the
    radius (max). Where ``sum w == 0`` the merged joint is the reference's,
    with score 0. ``sums`` is a (5, K) work array (rows ``_WEIGHT_SUM`` ...
    ``_MAX_WEIGHT``).
    """
    num_k = joint_x.shape[1]
    radius = min(ref_dist[ref], params.merge_radius_cap)
    sums[:_MAX_WEIGHT] = 0.0
    sums[_MAX_WEIGHT] = -np.inf
    for m in cluster:
        for n in range(num_k):
            dx = joint_x[m, n] - joint_x[ref, n]
            dy = joint_y[m, n] - joint_y[ref, n]
            if _within(dx * dx + dy * dy, radius):
                w = joint_score[m, n]
                sums[_WEIGHT_SUM, n] += w
                sums[_WEIGHTED_X, n] += joint_x[m, n] * w
                sums[_WEIGHTED_Y, n] += joint_y[m, n] * w
                sums[_SQUARED_WEIGHT_SUM, n] += w * w
                sums[_MAX_WEIGHT, n] = max(sums[_MAX_WEIGHT, n], w)
    for n in range(num_k):
        total = sums[_WEIGHT_SUM, n]
        if total == 0:
            out_xy[n, 0], out_xy[n, 1] = joint_x[ref, n], joint_y[ref, n]
            out_score[n] = 0.0
        else:
            out_xy[n, 0] = sums[_WEIGHTED_X, n] / total
            out_xy[n, 1] = sums[_WEIGHTED_Y, n] / total
            out_score[n] = (
                sums[_MAX_WEIGHT,
                     n] if params.merge_max else sums[_SQUARED_WEIGHT_SUM, n] /
                total)


@njit(**_JIT)
def _sort_small(values):
    """Sort in place: insertion sort for the usual few cluster members."""
    if values.shape[0] > 32:
        values.sort()
        return
    for i in range(1, values.shape[0]):
        v = values[i]
        j = i - 1
        while j >= 0 and values[j] > v:
            values[j + 1] = values[j]
            j -= 1
        values[j + 1] = v


@njit(**_JIT)
def _passes_area(xy, area_thr):
    """``not (1.5**2 * (max x - min x) * (max y - min y) < area_thr)``."""
    if area_thr <= 0:
        return True
    area = 2.25 * (xy[:, 0].max() - xy[:, 0].min()) * (
        xy[:, 1].max() - xy[:, 1].min())
    return not area < area_thr


@njit(**_JIT)
def _finish(picks, members, bounds, perm, joint_x, joint_y, joint_score,
            bbox_scores, ref_dist, params):
    """Merge, filter and score every cluster; input indices out."""
    num_clusters = picks.shape[0]
    num_k = joint_x.shape[1]
    score_thr = params.score_thr
    mean_mode = params.thr_mean
    keep = np.empty(num_clusters, dtype=np.int64)
    xy = np.empty((num_clusters, num_k, 2))
    merged_score = np.empty((num_clusters, num_k))
    scores = np.empty(num_clusters)
    out_members = np.empty(members.shape[0], dtype=np.int64)
    out_bounds = np.zeros(num_clusters + 1, dtype=np.int64)
    sums = np.empty((5, num_k))
    num_kept = num_out = 0
    for c in range(num_clusters):
        ref = picks[c]
        if _person_score(joint_score[ref], mean_mode) < score_thr:
            continue
        cluster = members[bounds[c]:bounds[c + 1]]
        _merge(ref, cluster, joint_x, joint_y, joint_score, ref_dist, params,
               sums, xy[num_kept], merged_score[num_kept])
        row = merged_score[num_kept]
        if _person_score(row, mean_mode) < score_thr or not _passes_area(
                xy[num_kept], params.area_thr):
            continue
        keep[num_kept] = perm[ref]
        scores[num_kept] = (
            row.sum() / num_k + bbox_scores[perm[ref]] +
            params.max_score_weight * row.max())
        size = cluster.shape[0]
        for k in range(size):
            out_members[num_out + k] = perm[cluster[k]]
        _sort_small(out_members[num_out:num_out + size])
        num_out += size
        num_kept += 1
        out_bounds[num_kept] = num_out
    return (keep[:num_kept], xy[:num_kept], merged_score[:num_kept],
            scores[:num_kept], out_members[:num_out],
            out_bounds[:num_kept + 1])


@njit(**_JIT)
def run_pose_nms_kernel(keypoints, scores, bboxes, bbox_scores, group_codes,
                        param_record, spatial_scale, match_factor):
    """The whole pose NMS on validated inputs (nothing is written to them).

    Args:
        keypoints (np.ndarray): (N, K, 2) float64.
        scores (np.ndarray): (N, K) float64 keypoint scores.
        bboxes (np.ndarray): (N, 4) float64 x1y1x2y2.
        bbox_scores (np.ndarray): (N,) float64.
        group_codes (np.ndarray): (N,) int64 group (image) of each
            candidate; groups never interact.
        param_record (np.ndarray): (1,) :data:`PARAMS_DTYPE` parameters.
        spatial_scale (np.ndarray): (K,) ``delta2 * factor`` per joint.
        match_factor (np.ndarray): (K,) match radius factor per joint.

    Returns:
        tuple: ``keep (M,)`` input indices (groups ascending, pick order
        within a group), merged ``keypoints (M, K, 2)``,
        ``keypoint_scores (M, K)``, final ``scores (M,)``, ``members (Q,)``
        input indices of the kept clusters (each ascending) and their
        ``bounds (M + 1,)``.
    """
    params = param_record[0]
    perm, group_bounds = _sort_order(scores, group_codes, params)
    (joint_x, joint_y, joint_score, box_size, ref_dist, extent,
     prune_radius) = _gather(keypoints, scores, bboxes, perm, params)
    pair_start, other, suppresses, match_count = _all_pairs(
        group_bounds, joint_x, joint_y, joint_score, box_size, ref_dist,
        extent, prune_radius, params, spatial_scale, match_factor)
    picks, members, bounds = _greedy(group_bounds, joint_score, pair_start,
                                     other, suppresses, match_count, params)
    return _finish(picks, members, bounds, perm, joint_x, joint_y, joint_score,
                   bbox_scores, ref_dist, params)
