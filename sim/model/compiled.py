"""The compiled twins of the hot path's kernels (see ``kernels``, which holds their references and wrappers): numba
functions, imported only when a batch takes the compiled path.

They are module-level functions so that numba's on-disk cache serves every process: a jitted closure that calls
another is compiled afresh each time.
"""

import numba
import numpy as np

from escalation.model.numerics import (
    BIG,
    C0,
    C1,
    C2,
    EXP_FLOOR,
    EXPONENT_BIAS,
    FOUR,
    GAMMA,
    HALF,
    HALF_EXPONENT,
    L0,
    L1,
    L2,
    L3,
    L4,
    L5,
    L6,
    L7,
    L8,
    LN2_HI,
    LN2_LO,
    LOG2E,
    MANTISSA,
    MINUS_TWO,
    MIX1,
    MIX2,
    ONE,
    P0,
    P1,
    P2,
    P3,
    P4,
    P5,
    QUARTER,
    S0,
    S1,
    S2,
    S11,
    S27,
    S30,
    S31,
    SQRT_HALF,
    TO_UNIT,
    TWO_PI,
)

jit = numba.njit(cache=True, nogil=True, error_model="numpy")


@jit
def uniforms(key, ids, out):
    for lane in range(out.shape[0]):
        for w in range(ids.shape[0]):
            z = (ids[w] * np.uint64(4) + np.uint64(lane)) * GAMMA + key
            z ^= z >> S30
            z *= MIX1
            z ^= z >> S27
            z *= MIX2
            z ^= z >> S31
            out[lane, w] = np.float64(z >> S11) * TO_UNIT


@jit
def normals(u1, u2, z1, z2):
    # ``numerics.normals_reference``'s operations in its order, in passes over the worlds (the float's bits read through a view)
    worlds = u1.shape[0]
    v = np.empty(worlds)
    for w in range(worlds):
        v[w] = 1.0 - u1[w]
    bits, mantissa = v.view(np.int64), np.empty(worlds, dtype=np.int64)
    for w in range(worlds):
        mantissa[w] = (bits[w] & MANTISSA) | HALF_EXPONENT
    ms, radius = mantissa.view(np.float64), np.empty(worlds, dtype=np.float32)
    for w in range(worlds):
        m = ms[w]
        small = m < SQRT_HALF
        e = (bits[w] >> np.int64(52)) - EXPONENT_BIAS - np.int64(small)
        x = np.float32(m + m - 1.0 if small else m - 1.0)
        z = x * x
        y = ((((((((L0 * x + L1) * x + L2) * x + L3) * x + L4) * x + L5) * x + L6) * x + L7) * x + L8) * x * z
        fe = np.float32(e)
        y = y + LN2_LO * fe
        y = y - HALF * z
        radius[w] = np.sqrt(MINUS_TWO * ((x + y) + LN2_HI * fe))
    sin, cos = np.empty(worlds, dtype=np.float32), np.empty(worlds, dtype=np.float32)
    for w in range(worlds):
        t = np.float32(u2[w])
        q = np.floor(t * FOUR + HALF)
        x = (t - q * QUARTER) * TWO_PI
        z = x * x
        s = ((S0 * z + S1) * z + S2) * z * x + x
        c = ((C0 * z + C1) * z + C2) * z * z - HALF * z + ONE
        k = np.int32(q)
        odd = (k & np.int32(1)) != 0
        sin[w] = (c if odd else s) * (np.float32(-1.0) if (k & np.int32(2)) != 0 else ONE)
        cos[w] = (s if odd else c) * (np.float32(-1.0) if ((k + np.int32(1)) & np.int32(2)) != 0 else ONE)
    if z1.shape[0]:
        for w in range(worlds):
            z1[w] = radius[w] * cos[w]
    if z2.shape[0]:
        for w in range(worlds):
            z2[w] = radius[w] * sin[w]


@jit
def logit_pick(score, legal, temperature, u, pick):
    # row by row, each pass over contiguous memory (the worlds): the order of the reference's operations
    rows, worlds = score.shape
    inv, top = np.empty(worlds, dtype=np.float32), np.full(worlds, -np.inf, dtype=np.float32)
    for w in range(worlds):
        inv[w] = np.float32(1.0 / temperature[w])
    for k in range(rows):
        for w in range(worlds):
            s = score[k, w] * inv[w]
            if not legal[k, w]:
                s = s - BIG
            score[k, w] = s
            top[w] = max(top[w], s)
    # exp in two vectorisable passes: the polynomial and the exponent's bits, then their product
    bits = np.empty((rows, worlds), dtype=np.int32)
    for k in range(rows):
        for w in range(worlds):
            x = score[k, w] - top[w]
            kept = x >= EXP_FLOOR
            x = max(x, EXP_FLOOR)
            n = np.floor(x * LOG2E + HALF)
            r = x - n * LN2_HI
            r = r - n * LN2_LO
            p = ((((P0 * r + P1) * r + P2) * r + P3) * r + P4) * r + P5
            p = p * (r * r) + r + ONE
            score[k, w] = p if kept else np.float32(0.0)
            bits[k, w] = (np.int32(n) + np.int32(127)) << np.int32(23)
    scale = bits.view(np.float32)
    total = np.zeros(worlds)
    for k in range(rows):
        for w in range(worlds):
            e = score[k, w] * scale[k, w]
            score[k, w] = e
            total[w] += np.float64(e)
    acc = np.zeros(worlds)
    for w in range(worlds):
        total[w] = (1.0 - u[w]) * total[w]  # the target, in (0, total]
        pick[w] = 0
    for k in range(rows - 1):
        for w in range(worlds):
            acc[w] += np.float64(score[k, w])
            pick[w] += acc[w] < total[w]


@jit
def packed(values, offset, width):
    # a table over the rungs as ``width`` bits a rung of one integer (each value plus ``offset``), to be read by a shift
    # (which runs in SIMD lanes) instead of a gather; -1 where the ladder is too long for one integer
    if values.shape[0] * width > 63:
        return np.int64(-1)
    out = np.int64(0)
    for i in range(values.shape[0]):
        out |= np.int64(values[i] + offset) << np.int64(width * i)
    return out


@jit
def as_bits(member):
    # a set of rungs, one bit a rung (up to 63 rungs)
    return packed(member, 0, 1)


@jit
def as_nibbles(row):
    # a row of rungs (-1: none), four bits a rung (up to 15 rungs)
    return packed(row, 1, 4)


@jit
def choose(levels, legal, posture, aim, table_danger, danger, inertia, stay, line_at, line_cost, restrained, restraint, keeps, bonus, temperature, u, pick):
    # the reference's operations in its order, candidate row by row, each step a pass over the worlds: gathers
    # (a table read at each world's posture or level) apart from the arithmetic, which then runs in SIMD lanes
    rows, worlds = levels.shape
    score = np.empty((rows, worlds), dtype=np.float32)
    zero = np.float32(0.0)
    gathered = np.empty(worlds, dtype=np.float32)
    base = np.empty(worlds, dtype=np.float32)
    if restrained.shape[0]:
        for w in range(worlds):
            base[w] = restrained[posture[w]]
    for k in range(rows):
        level, s, danger_row = levels[k], score[k], table_danger[k]
        for w in range(worlds):
            gathered[w] = danger_row[posture[w]]
        for w in range(worlds):
            x = np.float32(level[w]) - aim[w]
            x = -(x * x)
            s[w] = x - gathered[w] * danger[w]
        if k == stay:
            for w in range(worlds):
                s[w] = s[w] - (-inertia[w])
        for r in range(line_at.shape[0]):
            at = line_at[r]
            for w in range(worlds):
                s[w] = s[w] - (line_cost[r, w] if level[w] >= at else zero)
        if restrained.shape[0]:
            for w in range(worlds):
                gathered[w] = restrained[max(level[w], 0)]
            for w in range(worlds):
                s[w] = s[w] - max(gathered[w] - base[w], zero) * restraint[w]
        for r in range(keeps.shape[0]):
            kept, bits = keeps[r], as_bits(keeps[r])
            for w in range(worlds):
                lv = np.int64(max(level[w], 0))
                keep = ((bits >> lv) & np.int64(1)) != 0 if bits >= 0 else kept[lv]
                s[w] = s[w] - (-(bonus[r, w] if keep and level[w] >= 0 else zero))
    logit_pick(score, legal, temperature, u, pick)


@jit
def decide(table, down, posture, min_level, max_level, stock_level, stock_left, line_active, line_due, line_meant, line_credibility, belief,
           actors_active, actors_standing, watched, severity, held, answers, audience_cost, action_below, stay, aim, table_danger, sensitivity,
           tolerance, loss, loss_seeking, deterrence, inertia, restrained, restraint, temperature, u, accident_u, accident_rate, can_slip, active,
           chosen, new):  # fmt: skip
    # what it owes, the red lines' weights and the audience costs, read from the lines' shared rows (``Crisis._owed`` and
    # ``_cost_inputs``: ``watched`` rows are (line, belief row, holder, rung, the holder's standing that spends it), ``held``
    # rows (line, response)); the candidates and their legality (ActorAgent.candidates, then the owed answer below the
    # posture), each (candidate, world) through the reference's operations in its order; then the choice; then an accident;
    # the posture held where the actor takes no part. ``aim`` is the rule's, raised to what is owed (np.maximum's NaN kept)
    rows, worlds = table.shape[0], posture.shape[0]
    owed = np.full(worlds, -1.0)
    for h in range(held.shape[0]):
        due, meant, response = line_due[held[h, 0]], line_meant[held[h, 0]], held[h, 1]
        for w in range(worlds):
            if meant[w] and due[w] > 0 and response > owed[w]:
                owed[w] = response
    use_owed = False
    if action_below:
        for w in range(worlds):
            use_owed |= owed[w] >= 0
    aimed = np.empty(worlds, dtype=np.float32)
    for w in range(worlds):
        x, o = aim[w], owed[w]
        aimed[w] = np.float32(x if x >= o or x != x else o)
    levels = np.empty((rows, worlds), dtype=np.int8)
    legal = np.empty((rows, worlds), dtype=np.bool_)
    at = np.empty(worlds, dtype=np.int32)  # the posture as a 32-bit index: gathers then run in SIMD lanes
    for w in range(worlds):
        at[w] = posture[w]
    left = np.empty((stock_level.shape[0], worlds), dtype=np.bool_)
    for s in range(stock_level.shape[0]):
        for w in range(worlds):
            left[s, w] = stock_left[s, w] > 0
    owed8 = np.empty(worlds, dtype=np.int8)
    owing = np.empty(worlds, dtype=np.bool_)
    if use_owed:
        for w in range(worlds):
            owed8[w] = np.int8(owed[w])
            owing[w] = owed[w] >= 0
    for k in range(rows):  # row by row, in branch-free passes over the worlds
        level, ok = levels[k], legal[k]
        row = table[k]
        nibbles = as_nibbles(row)
        if nibbles >= 0:
            for w in range(worlds):
                level[w] = np.int8(((nibbles >> (np.int64(at[w]) << np.int64(2))) & np.int64(15)) - np.int64(1))
        else:
            for w in range(worlds):
                level[w] = row[at[w]]
        for w in range(worlds):
            ok[w] = (level[w] >= min_level[w]) & (level[w] <= max_level[w])
        if down.shape[0]:
            below = down[k]
            bits = as_bits(below)
            if bits >= 0:
                for w in range(worlds):
                    ok[w] = ok[w] & (((bits >> np.int64(at[w])) & np.int64(1)) == 0)
            else:
                for w in range(worlds):
                    ok[w] = ok[w] & (not below[at[w]])
        for s in range(stock_level.shape[0]):  # a spent stock's action
            sl, has = np.int8(stock_level[s]), left[s]
            for w in range(worlds):
                ok[w] = ok[w] & ((level[w] != sl) | has[w])
        if k == stay:
            ok[:] = True
        if use_owed:
            for w in range(worlds):
                ok[w] = ok[w] | ((level[w] == owed8[w]) & owing[w] & (level[w] >= 0))
            for s in range(stock_level.shape[0]):
                sl, has = np.int8(stock_level[s]), left[s]
                for w in range(worlds):
                    ok[w] = ok[w] & ((level[w] != sl) | has[w])
    # the costs' weights (``Crisis._costs``): risk aversion, the danger of crossing thresholds, each line's expected cost
    danger = np.empty(worlds, dtype=np.float32)
    risk = np.empty(worlds)
    for w in range(worlds):
        risk[w] = 1.0 - min(max(tolerance[w] + loss_seeking * loss[w], 0.0), 1.0)
        danger[w] = np.float32(sensitivity[w] * risk[w])
    # each watched line in force somewhere (a response already given deters no one), in order
    line_at = np.empty(watched.shape[0], dtype=np.int64)
    line_cost = np.empty((watched.shape[0], worlds), dtype=np.float32)
    lines = 0
    for r in range(watched.shape[0]):
        on, beliefs, holder_on, standing = line_active[watched[r, 0]], belief[watched[r, 1]], actors_active[watched[r, 2]], actors_standing[watched[r, 2]]
        spends, cost, somewhere = watched[r, 4], line_cost[lines], False
        for w in range(worlds):
            in_force = on[w] & holder_on[w] & (standing[w] < spends)
            somewhere |= in_force
            cost[w] = np.float32(deterrence[w] * risk[w] * ((beliefs[w] if in_force else 0.0) * severity[r]))
        if somewhere:
            line_at[lines] = watched[r, 3]
            lines += 1
    # the audience cost of backing down from each promise it owes somewhere, in order
    keeps = np.empty((held.shape[0], answers.shape[1]), dtype=np.bool_)
    bonus = np.empty((held.shape[0], worlds), dtype=np.float32)
    promises = 0
    if audience_cost.shape[0]:
        for h in range(held.shape[0]):
            due, meant, credibility, kept, somewhere = line_due[held[h, 0]], line_meant[held[h, 0]], line_credibility[held[h, 0]], bonus[promises], False
            for w in range(worlds):
                owes = meant[w] & (due[w] > 0)
                somewhere |= owes
                kept[w] = np.float32(audience_cost[w] * (credibility[w] if owes else 0.0))
            if somewhere:
                keeps[promises] = answers[h]
                promises += 1
    pick = np.empty(worlds, dtype=np.int64)
    choose(levels, legal, posture, aimed, table_danger, danger, inertia, stay, line_at[:lines], line_cost[:lines], restrained, restraint, keeps[:promises],
           bonus[:promises], temperature, u, pick)
    for w in range(worlds):
        c = np.int64(levels[pick[w], w])
        chosen[w] = c
        slip = accident_u[w] < accident_rate[w] and c != posture[w]
        n = c + 1 if slip and can_slip[c] and c < max_level[w] else c
        new[w] = n if active[w] else posture[w]


@jit
def advance(live, resolve, defence, cost_sensitivity, z, balance, trend, talks, struck, expected, cost, strike, engaged, support, strength, sign,
            supporter, a, b, momentum, volatility, burden, aid_burden, rally, weariness, memory, learning, active, low, high, reference, loss):  # fmt: skip
    # ``Front.advance``'s operations in its order, in passes over the worlds (a sum over backers as numpy adds rows:
    # the first, then each next one); then, as ``Crisis._wage_war`` and ``Front.loss`` take them, each active actor's resolve
    # moved by the day's change (within its range) and the ground each side has lost
    actors, worlds = live.shape
    war_on = np.empty(worlds)
    for w in range(worlds):
        war_on[w] = 1.0 if engaged[live[a, w]] or engaged[live[b, w]] else 0.0
    effort = np.empty((2, worlds))
    backed = np.zeros(worlds)
    for k in range(2):
        me = a if k == 0 else b
        foe = b if k == 0 else a
        for w in range(worlds):
            force = (1.0 if engaged[live[me, w]] else 0.0) + strike[live[me, w]] * (1.0 - defence[foe, w])
            effort[k, w] = strength[me] * force * (0.5 + 0.5 * resolve[me, w])
        backed[:] = 0.0
        first = True
        for i in range(actors):
            if supporter[i] and sign[i] == sign[me]:
                for w in range(worlds):
                    x = strength[i] * support[live[i, w]]
                    backed[w] = x if first else backed[w] + x
                first = False
        for w in range(worlds):
            effort[k, w] += backed[w]
    for w in range(worlds):
        # the noise in the draw's single precision, as numpy multiplies a float32 array by a Python number
        step = momentum * (effort[0, w] - effort[1, w]) * war_on[w] + np.float32(volatility) * z[w] * np.float32(war_on[w])
        new = min(max(balance[w] + step, -1.0), 1.0)
        if not talks[w]:
            trend[w] = memory * trend[w] + learning * (new - balance[w])
        balance[w] = new
    took, c = np.empty(worlds), np.empty(worlds)
    for i in range(actors):
        side = i in (a, b)
        other = b if i == a else a
        # what it took from the other side's strikes and what the war cost it today, each a pass of its own (unswitched)
        if side:
            for w in range(worlds):
                took[w] = strike[live[other, w]] * (1.0 - defence[i, w]) * war_on[w]
            for w in range(worlds):
                c[w] = burden * war_on[w] * (1.0 + took[w])
        else:
            took[:] = 0.0
            if supporter[i]:
                for w in range(worlds):
                    c[w] = aid_burden * strength[i] * support[live[i, w]]
            else:
                c[:] = 0.0
        for w in range(worlds):
            harder = 1.0 if took[w] > struck[i, w] + 1e-9 else 0.0
            change = rally * harder * (1.0 - defence[i, w]) - weariness * cost_sensitivity[i, w] * c[w]
            struck[i, w] = took[w]
            expected[i, w] = memory * expected[i, w] + learning * c[w] if war_on[w] != 0.0 and not talks[w] else expected[i, w]
            cost[i, w] += c[w]
            resolve[i, w] = _clip(resolve[i, w] + change, low, high) if active[i, w] else resolve[i, w]
    for i in range(actors):
        for w in range(worlds):
            loss[i, w] = max(sign[i] * (reference[w] - balance[w]), 0.0) / 2.0


@jit
def bargain(turn, a, b, sign, balance, trend, expected, leverage, resolve, sensitivity, active, u, leverage_terms, horizon, optimism, cost_weight,
            spoilers, willing, talks, spoiled, first_talks, talks_days, first_willing, last_willing):  # fmt: skip
    # ``Front.bargain``'s operations in its order, in passes over the worlds (the spoilers' draw made whether needed or not: it is keyed)
    worlds = balance.shape[0]
    for k in range(2):
        me = a if k == 0 else b
        foe = b if k == 0 else a
        s = sign[me]
        for w in range(worlds):
            share = (1.0 + s * balance[w]) / 2.0
            settle = share + leverage_terms * (leverage[me, w] - leverage[foe, w])
            fight = share + s * trend[w] * horizon / 2.0 + optimism * (resolve[me, w] - 0.5) - cost_weight * sensitivity[me, w] * expected[me, w] * horizon
            willing[k, w] = fight < settle
    for w in range(worlds):
        open_ = willing[0, w] & willing[1, w] & active[a, w] & active[b, w]
        broken = open_ & (u[w] < spoilers)
        on = open_ & (not broken)
        spoiled[w], talks[w] = broken, on
        if on and first_talks[w] < 0:
            first_talks[w] = turn
        talks_days[w] += on
        for k in range(2):
            if willing[k, w]:
                last_willing[k, w] = turn
                if first_willing[k, w] < 0:
                    first_willing[k, w] = turn


@jit
def record(turn, counting, posture, active, standing, peak, was, last, kind, since, days, first_crossing, actor_first, bands, acts, band_start,
           band_thresholds, scores, system_rung, system_peak, system_path, intensity_path, path, new_first):  # fmt: skip
    # ``Crisis._record``, actor by actor in passes over the worlds: integers only, so the order changes nothing
    actors, worlds = posture.shape
    top = np.full(worlds, -1, dtype=np.int64)
    total = np.zeros(worlds, dtype=scores.dtype)
    lv = np.empty(worlds, dtype=np.int64)
    moved, where = np.empty(worlds, dtype=np.bool_), np.empty(worlds, dtype=np.int64)
    for i in range(actors):
        on, at, high = active[i], posture[i], peak[i]
        for w in range(worlds):  # branch-free, in SIMD lanes
            lv[w] = at[w] if on[w] else -1
            top[w] = max(top[w], lv[w])
            high[w] = max(high[w], lv[w]) if on[w] else high[w]
        for w in range(worlds):
            total[w] += scores[lv[w]]
        if path.shape[0]:
            path[i] = lv
        if counting:
            before, seen, run = was[i], last[i], kind[i]
            for w in range(worlds):  # the worlds where it moved (few, most days), found in SIMD lanes
                moved[w] = (lv[w] != before[w]) | (lv[w] != seen[w])
            count = 0
            for w in range(worlds):
                if moved[w]:
                    where[count] = w
                    count += 1
            for m in range(count):
                w = where[m]
                v = lv[w]
                if v != before[w] and (bands[v] > bands[before[w]] or acts[v]):  # a climb into a band, or a one-off action
                    b = bands[v]
                    for j in range(band_start[b], band_start[b + 1]):
                        t = band_thresholds[j]
                        if first_crossing[t, w] < 0:
                            first_crossing[t, w], new_first[t, w] = turn, True
                        if actor_first[i, t, w] < 0:
                            actor_first[i, t, w] = turn
                if v != seen[w] and v != run[w]:  # a run of days on a rung ends
                    if run[w] >= 0:
                        days[i, run[w], w] += turn - since[i, w]
                    run[w], since[i, w] = v, turn
                seen[w] = v
        stand, then = standing[i], was[i]
        for w in range(worlds):
            then[w] = stand[w] if on[w] else -1
    for w in range(worlds):
        system = max(top[w], 0)
        system_rung[w], system_path[w], intensity_path[w] = system, system, total[w]
        system_peak[w] = max(system_peak[w], system)


@jit
def red_line(live, watch, at, response, response_is_action, grace, answers, holder_posture, holder_standing, holder_active, resolve, active,
             credibility, due, answered, meant, u, obligation, gain, erosion, belief, own, kin, reputation, crossed, honoured, eroded):  # fmt: skip
    # ``RedLineState.update``, its operations in its order (the draw ``u`` made whether needed or not: it is keyed), in
    # branch-free passes over the worlds, gathers apart, so that they run in SIMD lanes; then what its observers learn
    # (``Crisis._teach``): their ``own`` rows of ``belief`` from an answer, then from a crossing let pass, each followed by
    # the rows of the holder's other lines that they also watch (``kin``), by ``reputation`` times as much
    worlds = live.shape[1]
    top = np.full(worlds, -1, dtype=live.dtype)
    for i in watch:
        row = live[i]
        for w in range(worlds):
            top[w] = max(top[w], row[w])
    answering = np.empty(worlds, dtype=np.bool_)
    for w in range(worlds):
        answering[w] = answers[holder_posture[w]]
    for w in range(worlds):
        in_force = active[w] & holder_active[w]
        owed = (due[w] > 0) & in_force
        hon = owed & answering[w]
        c = credibility[w]
        c = c + gain[w] * (1.0 - c) if hon else c
        still = owed & (not hon)
        left = due[w] - 1 if still else 0
        ero = still & (left == 0)
        c = c * (1.0 - erosion[w]) if ero else c
        credibility[w], honoured[w], eroded[w] = c, hon, ero
        over = in_force & (top[w] >= at)
        done = (answered[w] | hon) & over
        spent = (not response_is_action) & (holder_standing[w] >= response)
        cross = over & (left == 0) & (not done) & (not spent)
        answered[w], crossed[w] = done, cross
        due[w] = grace if cross else left
        meaning = u[w] < obligation[w] * resolve[w] * c
        meant[w] = meaning if cross else meant[w] & (due[w] > 0)
    teach(belief, own, kin, honoured, gain, reputation, 1.0)
    teach(belief, own, kin, eroded, erosion, reputation, -1.0)


@jit
def teach(belief, own, kin, seen, rate, reputation, sign):
    # ``Crisis._teach`` with ``sign`` times ``rate``: nothing where nothing was seen
    somewhere = False
    for w in range(seen.shape[0]):
        somewhere |= seen[w]
    if not somewhere:
        return
    signed = np.empty(seen.shape[0])
    for w in range(seen.shape[0]):
        signed[w] = sign * rate[w]
    learn(belief, own, seen, signed)
    for w in range(seen.shape[0]):
        signed[w] = signed[w] * reputation[w]
    learn(belief, kin, seen, signed)


@jit
def learn(belief, rows, seen, rate):
    # ``RedLineState.learn``: towards 1 by ``rate`` of the gap, or towards 0 by ``-rate`` of the belief, where seen
    for r in rows:
        b = belief[r]
        for w in range(seen.shape[0]):
            if seen[w]:
                b[w] = b[w] + rate[w] * (1.0 - b[w]) if rate[w] > 0 else b[w] * (1.0 + rate[w])


@jit
def threat(live, adversary, out):
    # ``Crisis.step``'s highest posture among each actor's adversaries, row by row (integers: the order changes nothing)
    for i in range(adversary.shape[0]):
        top = out[i]
        top[:] = -1
        for j in range(adversary.shape[1]):
            if adversary[i, j]:
                row = live[j]
                for w in range(top.shape[0]):
                    top[w] = max(top[w], row[w])


@jit
def is_in(bits, member, i):
    # ``member[i]``, read from ``bits`` (``as_bits(member)``) by a shift where the set fits one integer
    return ((bits >> np.int64(i)) & np.int64(1)) != 0 if bits >= 0 else member[i]


@jit
def stand_down(posture, standing, action):
    # ``Crisis.step``: every actor on a one-off action back on its standing posture
    acts = as_bits(action)
    for i in range(posture.shape[0]):
        at, stand = posture[i], standing[i]
        if acts >= 0:
            for w in range(posture.shape[1]):  # a blend, not a select: it runs in SIMD lanes
                p = at[w]
                on = np.int8((acts >> np.int64(p)) & np.int64(1))
                at[w] = stand[w] * on + p * (np.int8(1) - on)
        else:
            for w in range(posture.shape[1]):
                at[w] = stand[w] if action[at[w]] else at[w]


@jit
def move(new, posture, standing, action, action_levels, episodes, stock_levels, stock_left):
    # ``ActorAgent.move``: a fresh one-off action is counted and spends its stock; a standing posture becomes the one to return to
    acts, worlds = as_bits(action), new.shape[0]
    fresh, count = np.empty(worlds, dtype=np.int64), 0
    for w in range(worlds):  # the worlds that take a fresh one-off action (few, most days)
        n = new[w]
        if is_in(acts, action, n) and n != posture[w]:
            fresh[count] = w
            count += 1
    for w in range(worlds):
        n = new[w]
        on = np.int64(is_in(acts, action, n))
        standing[w] = standing[w] * on + n * (np.int64(1) - on)  # a blend, not a select: it runs in SIMD lanes
        posture[w] = n
    for f in range(count):
        w = fresh[f]
        n = new[w]
        for i in range(action_levels.shape[0]):
            episodes[i, w] += n == action_levels[i]
        for s in range(stock_levels.shape[0]):
            stock_left[s, w] -= n == stock_levels[s]


@jit
def perceive(values, z, noise, suspicion, out):
    # ``Crisis._perceive`` under the fog: a rung read in single precision, as the draw is
    for w in range(values.shape[0]):
        v = values[w]
        out[w] = np.float64(np.float32(v) + noise[w] * (z[w] + suspicion[w])) if v >= 0 else np.float64(v)


@jit
def read(values, z, noise, suspicion, out):
    # rungs as ``Crisis._perceive`` reads them: through the fog where there are draws ``z``, as they stand where there are none
    if z.shape[0]:
        perceive(values, z, noise, suspicion, out)
    else:
        for w in range(values.shape[0]):
            out[w] = np.float64(values[w])


@jit
def situation(live, threat, me, supported, restrained, foes, fights, u1, u2, fog, noise, suspicion, posture, seen, need, watched, fought, posture_f):
    # ``Crisis._situation``'s readings for one actor (``me``: its row of ``threat``, -1 if it has no adversaries; ``u1``,
    # ``u2``: its fog's draws, made into normals where ``fog``), each a pass over the worlds; the rungs read as ``perceive`` reads them
    worlds = live.shape[1]
    z1 = np.empty(worlds if fog and me >= 0 else 0, dtype=np.float32)
    z2 = np.empty(worlds if fog and supported.shape[0] else 0, dtype=np.float32)
    if fog:
        normals(u1, u2, z1, z2)
    for w in range(worlds):
        posture_f[w] = np.float64(posture[w])
    seen[:] = -1.0
    if me >= 0:
        read(threat[me], z1, noise, suspicion, seen)
    need[:] = -1.0
    if supported.shape[0]:
        top = np.full(worlds, -1, dtype=np.int8)
        for i in supported:
            mine, theirs = live[i], threat[i]
            for w in range(worlds):
                top[w] = max(top[w], theirs[w] if mine[w] >= 0 else np.int8(-1))
        read(top, z2, noise, suspicion, need)
    watched[:] = -1.0
    if restrained.shape[0]:
        top = np.full(worlds, -128, dtype=np.int8)
        for i in restrained:
            row = live[i]
            for w in range(worlds):
                top[w] = max(top[w], row[w])
        for w in range(worlds):
            watched[w] = np.float64(top[w])
    fought[:] = False
    for j in foes:
        row = live[j]
        for w in range(worlds):
            fought[w] = fought[w] | fights[row[w]]


# ------------------------------------------------------------------ the rules' aims (each rule's ``aim`` is the reference)


@numba.njit(inline="always")
def _max(a, b):  # np.maximum: a NaN in ``a`` propagates
    return a if a > b or a != a else b


@numba.njit(inline="always")
def _min(a, b):  # np.minimum
    return a if a < b or a != a else b


@numba.njit(inline="always")
def _clip(x, lo, hi):  # np.clip: the lower bound, then the upper, as numpy takes them
    return _min(_max(x, lo), hi)


@jit
def reciprocal(threat, posture, resolve, loss, push, offset, top, out):
    for w in range(threat.shape[0]):
        reply = (threat[w] + offset[w]) + ((resolve[w] - 0.5) + push * loss[w])
        out[w] = _clip(reply, 0.0, top) if threat[w] >= 0 else posture[w]


@jit
def brinkmanship(threat, posture, resolve, loss, push, margin, top, out):
    for w in range(threat.shape[0]):
        above = _min(threat[w] + (margin[w] * resolve[w] + push * loss[w]), top)
        out[w] = _max(above, posture[w] - 1) if threat[w] >= 0 else posture[w]


@jit
def graduated(threat, last_threat, posture, resolve, loss, step, tolerance, floor, losing, out):
    for w in range(threat.shape[0]):
        escalated = threat[w] > last_threat[w] + tolerance[w] * (2.0 - resolve[w])
        conciliate = posture[w] if loss[w] > losing else _max(posture[w] - step[w], floor)
        out[w] = _max(threat[w], posture[w]) if escalated else conciliate


@jit
def restraint(watched, resolve, calm, signal, alarm, out):
    for w in range(watched.shape[0]):
        out[w] = signal if watched[w] >= alarm - 3.0 * (resolve[w] - 0.5) else calm


@jit
def alliance(need, fought, posture, resolve, loss, push, offset, softening, aid, floor, ceiling, out):
    for w in range(need.shape[0]):
        given = aid if fought[w] else 0.0
        support = _clip(_max(given, need[w] + offset[w]) + push * loss[w], floor, ceiling) - softening[w] * _max(0.5 - resolve[w], 0.0)
        out[w] = _max(support, floor) if need[w] >= 0 else _max(posture[w], floor)
