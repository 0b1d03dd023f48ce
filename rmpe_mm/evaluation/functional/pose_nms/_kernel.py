"""Compiled (numba) core of the parametric pose NMS.

Everything here works on validated float64 arrays and packed parameters
(see :func:`._core.pack_params`); nothing is allocated per pick.
Positions are in "sorted space": candidates ordered by group (image), then by
decreasing human score (ties: input order), so a candidate can only ever be
suppressed by one before it, and a pair ``(a, b)`` has ``a < b`` with ``a``
the reference.

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

Compiled with ``error_model='numpy'`` (``x / 0`` is inf or NaN, as in
AlphaPose's tensors) and without fast-math, so every comparison and
arithmetic operation is the IEEE float64 one (float32 where AlphaPose's
fullbody match count is reproduced) of the numpy reference; only the order of
sums and the last bit of ``exp``/``tanh`` (libm instead of numpy's own) may
differ.

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

# Indices into the packed float parameters ``fp``.
F_DELTA1 = 0
F_MU = 1
F_GAMMA = 2
F_SCORE_THR = 3  # rounded to the precision of the input scores
F_HALF_THR = 4  # score_thr / 2, rounded likewise (fullbody)
F_MATCH_THR = 5
F_AREA_THR = 6
F_MERGE_CAP = 7  # inf for no cap
F_MATCH_CAP = 8  # inf for no cap
F_GATE_RADIUS = 9
F_GATE_BOX_FRAC = 10
F_MAX_SCORE_WEIGHT = 11
F_FACE_W_SCORE = 12
F_HAND_W_SCORE = 13
F_FACE_W_DIST = 14
F_HAND_W_DIST = 15
F_ALPHA = 16
F_PRUNE_CONST = 17  # pruning radius terms, see _pruning_radius
F_PRUNE_REF = 18
F_PRUNE_DIAG = 19
F_PRUNE_MATCH = 20
F_ZERO_SCORE = 21  # NaN: keep zero scores
NUM_F = 22

# Indices into the packed int parameters ``ip``.
I_FORM = 0  # FORM_*
I_FULLBODY = 1
I_MERGE_MAX = 2  # merge_score == 'max'
I_THR_MEAN = 3  # score_thr_mode == 'mean'
I_HAS_MATCH = 4  # match_thr is not None
I_FACE_START = 5  # fullbody similarity parts
I_HAND_START = 6
NUM_I = 7

FORM_PIXEL = 0
FORM_NORMALIZED = 1
FORM_PAPER = 2

# Relative and absolute margins added to the pruning radius so that floating
# point rounding of distances can never prune a pair that interacts.
RADIUS_REL_MARGIN = 1e-9
RADIUS_ABS_MARGIN = 1e-9

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
def _person_score(values, mean_mode):
    """Max (or mean) of a (K,) row."""
    if mean_mode:
        total = 0.0
        for v in values:
            total += v
        return total / values.shape[0]
    return values.max()


@njit(**_JIT)
def _pruning_radius(ref, width, height, fp):
    """``R = max(const, c_ref * ref, c_diag * hypot(w, h),
    c_match * min(ref, match_cap))`` plus rounding margins."""
    radius = fp[F_PRUNE_CONST]
    if fp[F_PRUNE_REF] > 0:
        radius = max(radius, fp[F_PRUNE_REF] * ref)
    if fp[F_PRUNE_DIAG] > 0:
        radius = max(radius, fp[F_PRUNE_DIAG] * math.hypot(width, height))
    if fp[F_PRUNE_MATCH] > 0:
        radius = max(radius, fp[F_PRUNE_MATCH] * min(ref, fp[F_MATCH_CAP]))
    return radius * (1 + RADIUS_REL_MARGIN) + RADIUS_ABS_MARGIN


@njit(**_JIT)
def _score(value, zero_score):
    """A keypoint score after the zero replacement (AlphaPose: 1e-5)."""
    if value == 0 and not math.isnan(zero_score):
        return zero_score
    return value


@njit(**_JIT)
def _sort_order(scores, group_codes, fp):
    """Positions in sorted order: group, then human score (mean keypoint
    score after the zero replacement, float64, summed in joint order)
    descending, then input index (stable sorts).

    Returns:
        tuple: ``perm (N,)`` input index of each position and
        ``group_bounds (G + 1,)`` group starts, then N.
    """
    num, num_k = scores.shape
    neg_human = np.empty(num)
    for i in range(num):
        total = 0.0
        for n in range(num_k):
            total += _score(scores[i, n], fp[F_ZERO_SCORE])
        neg_human[i] = -(total / num_k)
    perm = np.argsort(neg_human, kind='mergesort')
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
def _gather(keypoints, scores, bboxes, perm, fp):
    """Sorted copies of the joints and (zero-replaced) scores, box sizes,
    ``ref``, the joints' bounding boxes and the pruning radius of every
    position."""
    num, num_k = scores.shape
    kx = np.empty((num, num_k))
    ky = np.empty((num, num_k))
    sc = np.empty((num, num_k))
    wh = np.empty((num, 2))
    ref = np.empty(num)
    extent = np.empty((num, 4))  # xmin, xmax, ymin, ymax of the joints
    radius = np.empty(num)
    for p in range(num):
        i = perm[p]
        x_min = y_min = np.inf
        x_max = y_max = -np.inf
        for n in range(num_k):
            x, y = keypoints[i, n, 0], keypoints[i, n, 1]
            kx[p, n] = x
            ky[p, n] = y
            sc[p, n] = _score(scores[i, n], fp[F_ZERO_SCORE])
            x_min, x_max = min(x_min, x), max(x_max, x)
            y_min, y_max = min(y_min, y), max(y_max, y)
        extent[p, 0], extent[p, 1] = x_min, x_max
        extent[p, 2], extent[p, 3] = y_min, y_max
        wh[p, 0] = bboxes[i, 2] - bboxes[i, 0]
        wh[p, 1] = bboxes[i, 3] - bboxes[i, 1]
        ref[p] = fp[F_ALPHA] * max(wh[p, 0], wh[p, 1])
        radius[p] = _pruning_radius(ref[p], wh[p, 0], wh[p, 1], fp)
    return kx, ky, sc, wh, ref, extent, radius


@njit(**_JIT)
def _similarity(a, b, kx, ky, d2, sc, wh, ref, fp, ip, spatial_scale):
    """``keypoint term + mu * spatial term`` of the pair (a, b).

    Per joint: gate and spatial distance ``q`` by the distance form
    (pixel: ``dist <= gate_radius``, ``q = dist``; normalized: ``q = dist /
    ref_a`` with 0/0 := 0, gate ``q <= gate_radius``; paper: inside the gate
    box of ``gate_box_frac`` of a's box, ``q = dist**2``); keypoint term
    ``tanh(c_a/delta1) tanh(c_b/delta1)`` where gated, spatial term
    ``exp(-q / spatial_scale)``. Body: sums over joints; fullbody: joints of b
    scored below ``score_thr`` count only in the keypoint term, the others
    only in the spatial term, reduced as weighted means of the body, face
    and hand parts.
    """
    num_k = d2.shape[0]
    form = ip[I_FORM]
    fullbody = ip[I_FULLBODY] == 1
    face_start, hand_start = ip[I_FACE_START], ip[I_HAND_START]
    delta1, gate_radius = fp[F_DELTA1], fp[F_GATE_RADIUS]
    half_w = fp[F_GATE_BOX_FRAC] * wh[a, 0] / 2
    half_h = fp[F_GATE_BOX_FRAC] * wh[a, 1] / 2
    # keypoint (k) and spatial (s) sums of the body, face and hand parts;
    # the body layout uses only the first
    k0 = k1 = k2 = s0 = s1 = s2 = 0.0
    for n in range(num_k):
        dist = math.sqrt(d2[n])
        if form == FORM_PIXEL:
            q = dist
            gate = dist <= gate_radius
        elif form == FORM_NORMALIZED:
            q = 0.0 if dist == 0 else dist / ref[a]
            gate = q <= gate_radius
        else:
            gate = (
                abs(kx[a, n] - kx[b, n]) <= half_w
                and abs(ky[a, n] - ky[b, n]) <= half_h)
            q = dist * dist
        use_k, use_s = gate, True
        if fullbody:
            low = sc[b, n] < fp[F_SCORE_THR]
            use_k, use_s = gate and low, not low
        kv = 0.0
        if use_k:
            kv = math.tanh(sc[a, n] / delta1) * math.tanh(sc[b, n] / delta1)
        sv = math.exp(-q / spatial_scale[n]) if use_s else 0.0
        if not fullbody or n < face_start:
            k0 += kv
            s0 += sv
        elif n < hand_start:
            k1 += kv
            s1 += sv
        else:
            k2 += kv
            s2 += sv
    if not fullbody:
        return k0 + fp[F_MU] * s0
    num_body, num_face = face_start, hand_start - face_start
    num_hand = num_k - hand_start
    k_total = (
        k0 / num_body + k1 / num_face * fp[F_FACE_W_SCORE] +
        k2 / num_hand * fp[F_HAND_W_SCORE])
    s_total = (
        s0 / num_body + s1 / num_face * fp[F_FACE_W_DIST] +
        s2 / num_hand * fp[F_HAND_W_DIST])
    return k_total + fp[F_MU] * s_total


@njit(**_JIT)
def _squared_distances(a, b, kx, ky, d2, limit):
    """Fill ``d2`` with the squared joint distances of the pair; return
    whether any is within ``limit`` (two loops, so the first vectorises)."""
    for n in range(d2.shape[0]):
        dx = kx[a, n] - kx[b, n]
        dy = ky[a, n] - ky[b, n]
        d2[n] = dx * dx + dy * dy
    for n in range(d2.shape[0]):
        if d2[n] <= limit:
            return True
    return False


@njit(**_JIT)
def _match_count(a, d2, ref, fp, match_factor, enough):
    """Joints of b within the match radius of a's joints, counted up to
    ``enough``: AlphaPose's ``dist / radius <= factor`` with
    ``radius = min(ref_a, match_radius_cap)`` (never true for a zero
    radius); ``dist`` is computed only for joints whose squared distance is
    not clearly beyond the radius."""
    rad = min(ref[a], fp[F_MATCH_CAP])
    count = 0
    for n in range(d2.shape[0]):
        reach = match_factor[n] * rad
        if d2[n] <= reach * reach * (1 + RADIUS_REL_MARGIN) and \
                math.sqrt(d2[n]) / rad <= match_factor[n]:
            count += 1
            if count >= enough:
                break
    return count


@njit(**_JIT)
def _group_pairs(start, stop, kx, ky, sc, wh, ref, extent, radius, fp, ip,
                 spatial_scale, match_factor, out, num_out):
    """Evaluate every interacting pair of one group (positions
    ``[start, stop)``) and append it to ``out``.

    ``out`` rows are ``(a, b, flag, count)``: ``flag`` is 1 when the pair's
    static criterion holds (similarity > gamma, or for the body layout a
    match count >= match_thr); body pairs are appended only when flagged,
    fullbody pairs always (their match criterion depends on the number of
    candidates alive at the pick).

    Returns:
        tuple: ``(out, num_out)`` (``out`` grows by doubling).
    """
    size = stop - start
    if size < 2:
        return out, num_out
    fullbody = ip[I_FULLBODY] == 1
    has_match = ip[I_HAS_MATCH] == 1
    num_k = kx.shape[1]
    # the body criterion needs the count only up to match_thr
    enough = num_k if fullbody or not has_match else max(
        1, min(num_k, math.ceil(fp[F_MATCH_THR])))
    d2 = np.empty(num_k)
    order = np.argsort(extent[start:stop, 0]) + start
    reach = radius[start:stop].max()
    for ii in range(size):
        i = order[ii]
        limit = extent[i, 1] + reach
        for jj in range(ii + 1, size):
            j = order[jj]
            if extent[j, 0] > limit:
                break
            a, b = min(i, j), max(i, j)
            rad = radius[a]
            gap = max(extent[b, 0] - extent[a, 1], extent[a, 0] - extent[b, 1],
                      extent[b, 2] - extent[a, 3], extent[a, 2] - extent[b, 3])
            if gap > rad:
                continue
            if not _squared_distances(a, b, kx, ky, d2, rad * rad):
                continue
            count = 0
            if has_match:
                count = _match_count(a, d2, ref, fp, match_factor, enough)
            flag = (not fullbody and has_match and count >= fp[F_MATCH_THR])
            if not flag:
                flag = _similarity(a, b, kx, ky, d2, sc, wh, ref, fp, ip,
                                   spatial_scale) > fp[F_GAMMA]
            if not (flag or fullbody):
                continue
            if num_out == out.shape[0]:
                grown = np.empty((2 * out.shape[0], 4), dtype=np.int64)
                grown[:num_out] = out
                out = grown
            out[num_out, 0] = a
            out[num_out, 1] = b
            out[num_out, 2] = flag
            out[num_out, 3] = count
            num_out += 1
    return out, num_out


@njit(**_JIT)
def _all_pairs(group_bounds, kx, ky, sc, wh, ref, extent, radius, fp, ip,
               spatial_scale, match_factor):
    """Pairs of every group, as CSR by reference position.

    Returns:
        tuple: ``ptr (N + 1,)``, and per pair ``b``, ``flag``, ``count``
        (pairs of reference ``a`` are ``ptr[a]:ptr[a + 1]``).
    """
    num = kx.shape[0]
    out = np.empty((max(16, 4 * num), 4), dtype=np.int64)
    num_out = np.int64(0)  # not a literal: one compiled signature
    for g in range(group_bounds.shape[0] - 1):
        out, num_out = _group_pairs(group_bounds[g], group_bounds[g + 1], kx,
                                    ky, sc, wh, ref, extent, radius, fp, ip,
                                    spatial_scale, match_factor, out, num_out)
    ptr = np.zeros(num + 1, dtype=np.int64)
    for k in range(num_out):
        ptr[out[k, 0] + 1] += 1
    for p in range(num):
        ptr[p + 1] += ptr[p]
    fill = ptr[:-1].copy()
    nb = np.empty(num_out, dtype=np.int64)
    flag = np.empty(num_out, dtype=np.bool_)
    count = np.empty(num_out, dtype=np.int64)
    for k in range(num_out):
        slot = fill[out[k, 0]]
        fill[out[k, 0]] += 1
        nb[slot] = out[k, 1]
        flag[slot] = out[k, 2] != 0
        count[slot] = out[k, 3]
    return ptr, nb, flag, count


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
def _greedy(group_bounds, sc, ptr, nb, flag, count, fp, ip):
    """Pick references in sorted order; each takes the alive candidates it
    suppresses into its cluster.

    Returns:
        tuple: ``picks (C,)``, ``members (N,)`` cluster after cluster, each
        starting with its reference, ``bounds (C + 1,)``.
    """
    num, num_k = sc.shape
    dynamic = ip[I_FULLBODY] == 1 and ip[I_HAS_MATCH] == 1
    alive = np.ones(num, dtype=np.bool_)
    picks = np.empty(num, dtype=np.int64)
    members = np.empty(num, dtype=np.int64)
    bounds = np.zeros(num + 1, dtype=np.int64)
    num_picks = num_members = 0
    for g in range(group_bounds.shape[0] - 1):
        remaining = group_bounds[g + 1] - group_bounds[g]
        for p in range(group_bounds[g], group_bounds[g + 1]):
            if not alive[p]:
                continue
            need = num_k + 1
            if dynamic:
                valid = 0
                for n in range(num_k):
                    valid += sc[p, n] > fp[F_HALF_THR]
                need = fullbody_min_match_count(fp[F_MATCH_THR], remaining,
                                                valid, num_k)
            alive[p] = False
            picks[num_picks] = p
            members[num_members] = p
            num_members += 1
            start = num_members
            for k in range(ptr[p], ptr[p + 1]):
                j = nb[k]
                if alive[j] and (flag[k] or count[k] >= need):
                    alive[j] = False
                    members[num_members] = j
                    num_members += 1
            remaining -= num_members - start + 1
            num_picks += 1
            bounds[num_picks] = num_members
    return picks[:num_picks], members, bounds[:num_picks + 1]


@njit(**_JIT)
def _within(dist2, radius):
    """``sqrt(dist2) <= radius``, with the square root only near the
    boundary."""
    bound = radius * radius
    if dist2 < bound * (1 - RADIUS_REL_MARGIN):
        return True
    if dist2 > bound * (1 + RADIUS_REL_MARGIN):
        return False
    return math.sqrt(dist2) <= radius


@njit(**_JIT)
def _merge(r, cluster, kx, ky, sc, ref, fp, ip, sums, out_xy, out_c):
    """Score-weighted merge of one cluster around its reference ``r``.

    ``w_j = c_j * [dist(k_r, k_j) <= min(ref_r, merge_radius_cap)]`` per
    joint; merged joint ``sum w k / sum w``; merged score ``sum w^2 / sum w``
    (weighted) or the max score of the joints within the radius (max). Where
    ``sum w == 0`` the merged joint is the reference's, with score 0.
    ``sums`` is a (5, K) work array.
    """
    num_k = kx.shape[1]
    radius = min(ref[r], fp[F_MERGE_CAP])
    use_max = ip[I_MERGE_MAX] == 1
    sums[:4] = 0.0  # total, x, y, squared weights
    sums[4] = -np.inf  # max score
    for m in cluster:
        for n in range(num_k):
            dx = kx[m, n] - kx[r, n]
            dy = ky[m, n] - ky[r, n]
            if _within(dx * dx + dy * dy, radius):
                w = sc[m, n]
                sums[0, n] += w
                sums[1, n] += kx[m, n] * w
                sums[2, n] += ky[m, n] * w
                sums[3, n] += w * w
                sums[4, n] = max(sums[4, n], w)
    for n in range(num_k):
        total = sums[0, n]
        if total == 0:
            out_xy[n, 0], out_xy[n, 1], out_c[n] = kx[r, n], ky[r, n], 0.0
        else:
            out_xy[n, 0] = sums[1, n] / total
            out_xy[n, 1] = sums[2, n] / total
            out_c[n] = sums[4, n] if use_max else sums[3, n] / total


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
def _finish(picks, members, bounds, perm, kx, ky, sc, bbox_scores, ref, fp,
            ip):
    """Merge, filter and score every cluster; input indices out."""
    num_c = picks.shape[0]
    num_k = kx.shape[1]
    thr = fp[F_SCORE_THR]
    mean_mode = ip[I_THR_MEAN] == 1
    keep = np.empty(num_c, dtype=np.int64)
    xy = np.empty((num_c, num_k, 2))
    merged_c = np.empty((num_c, num_k))
    scores = np.empty(num_c)
    out_members = np.empty(members.shape[0], dtype=np.int64)
    out_bounds = np.zeros(num_c + 1, dtype=np.int64)
    sums = np.empty((5, num_k))
    num_kept = num_out = 0
    for c in range(num_c):
        r = picks[c]
        if _person_score(sc[r], mean_mode) < thr:
            continue
        cluster = members[bounds[c]:bounds[c + 1]]
        _merge(r, cluster, kx, ky, sc, ref, fp, ip, sums, xy[num_kept],
               merged_c[num_kept])
        row = merged_c[num_kept]
        if _person_score(row, mean_mode) < thr or not _passes_area(
                xy[num_kept], fp[F_AREA_THR]):
            continue
        keep[num_kept] = perm[r]
        scores[num_kept] = (
            row.sum() / num_k + bbox_scores[perm[r]] +
            fp[F_MAX_SCORE_WEIGHT] * row.max())
        size = cluster.shape[0]
        for k in range(size):
            out_members[num_out + k] = perm[cluster[k]]
        _sort_small(out_members[num_out:num_out + size])
        num_out += size
        num_kept += 1
        out_bounds[num_kept] = num_out
    return (keep[:num_kept], xy[:num_kept], merged_c[:num_kept],
            scores[:num_kept], out_members[:num_out],
            out_bounds[:num_kept + 1])


@njit(**_JIT)
def run_pose_nms_kernel(keypoints, scores, bboxes, bbox_scores, group_codes,
                        fp, ip, spatial_scale, match_factor):
    """The whole pose NMS on validated inputs (nothing is written to them).

    Args:
        keypoints (np.ndarray): (N, K, 2) float64.
        scores (np.ndarray): (N, K) float64 keypoint scores.
        bboxes (np.ndarray): (N, 4) float64 x1y1x2y2.
        bbox_scores (np.ndarray): (N,) float64.
        group_codes (np.ndarray): (N,) int64 group (image) of each
            candidate; groups never interact.
        fp (np.ndarray): (NUM_F,) packed float parameters.
        ip (np.ndarray): (NUM_I,) packed int parameters.
        spatial_scale (np.ndarray): (K,) ``delta2 * factor`` per joint.
        match_factor (np.ndarray): (K,) match radius factor per joint.

    Returns:
        tuple: ``keep (M,)`` input indices (groups ascending, pick order
        within a group), merged ``keypoints (M, K, 2)``,
        ``keypoint_scores (M, K)``, final ``scores (M,)``, ``members (Q,)``
        input indices of the kept clusters (each ascending) and their
        ``bounds (M + 1,)``.
    """
    perm, group_bounds = _sort_order(scores, group_codes, fp)
    kx, ky, sc, wh, ref, extent, radius = _gather(keypoints, scores, bboxes,
                                                  perm, fp)
    ptr, nb, flag, count = _all_pairs(group_bounds, kx, ky, sc, wh, ref,
                                      extent, radius, fp, ip, spatial_scale,
                                      match_factor)
    picks, members, bounds = _greedy(group_bounds, sc, ptr, nb, flag, count,
                                     fp, ip)
    return _finish(picks, members, bounds, perm, kx, ky, sc, bbox_scores, ref,
                   fp, ip)
