"""The hot path's kernels: a pure-numpy reference and a compiled twin (``compiled``, numba) that gives the same bits.

numpy does the model's arithmetic badly at this scale (one temporary and one pass over
memory per operation, a Python call each). The twins fuse each part of a turn into a few
passes over the worlds, writing into preallocated arrays: the keyed random draws and the
normal draws made from them; the stand-down from one-off actions; the threat each actor
faces and what it reads of it, of its allies' need and of those it restrains
(``Crisis._situation``); the deciding rules' aims (each rule's ``aim``); each actor's whole
decision (what it owes, its red lines' weights read from their shared rows, candidates,
legality, the costs' weights, scores, the logit draw, an accident) and its move; the war's
day and its bargaining (``Front.advance``, ``bargain``); each red line's day and what its
observers learn; the day's bookkeeping (``Crisis._record``). The references are this
module's and ``numerics``' functions and the model's own code (``Crisis._situation``,
``_perceive``, ``_owed``, ``_cost_inputs``, ``_costs`` and ``_score``, the rules' ``aim``,
``ActorAgent.move``, ``Front.advance`` and ``bargain``, ``RedLineState.update`` and
``learn``, ``Crisis._teach`` and ``_record``), each naming its twin. A rule without a twin
(a user's own) keeps its ``aim`` on both paths. Both paths use only integer arithmetic and
single IEEE operations in the same order (no library transcendental: numpy's vectorised
``exp`` and the C library's differ in the last bit, and numpy's own differ from one
processor to the next; the normal draws' log, sine and cosine are written out as the exp
is), so the compiled path equals the reference bit for bit; the tests compare them on every
shipped scenario, under wild per-world parameters, and in the model's unit tests.

The compiled path serves batches of at least :data:`COMPILED_FROM` worlds; a single
world (the classroom) keeps the reference path, so ``escalation run`` never imports
numba or waits for a compilation. ``ESCALATION_KERNELS=numpy`` (or ``numba``) forces
one path everywhere (at W = 1 an explained decision keeps the reference). Compiled
kernels are cached in the user's cache folder (``$NUMBA_CACHE_DIR``, by default
``~/.cache/escalation/numba``), so only the first batch on a machine compiles them
(about twelve CPU-seconds); later processes load them in well under one.
"""

from __future__ import annotations

import functools
import os
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from escalation.model.numerics import BIG, exp_reference, normals_reference, uniforms_reference

COMPILED_FROM = 64  # worlds from which a batch takes the compiled path (below it, compiling and dispatch cost more than they save)
PATHS = ("auto", "numpy", "numba")



def path(worlds: int, choice: str = "auto") -> str:
    """The kernels' path for a model of ``worlds`` worlds: "numba" or "numpy"."""
    choice = os.environ.get("ESCALATION_KERNELS", choice) if choice == "auto" else choice
    if choice not in PATHS:
        raise ValueError(f"kernels must be one of {', '.join(PATHS)} (got {choice!r})")
    if choice == "auto":
        return "numba" if worlds >= COMPILED_FROM else "numpy"
    return choice


@dataclass
class Costs:
    """The per-world weights (float32, (W,)) of the costs an actor's candidate moves bear this turn (see ``Crisis._score``):
    crossing thresholds, inertia, each red line it watches (its key, the rung it is drawn at, the expected cost), restraint
    (None: no restrainer) and the audience cost of each promise it owes (the rungs that keep it, the bonus)."""

    danger: np.ndarray
    inertia: np.ndarray
    lines: list = field(default_factory=list)
    restraint: np.ndarray | None = None
    audience: list = field(default_factory=list)


@dataclass
class CostInputs:
    """What the costs of an actor's moves this turn are made of (``Crisis._cost_inputs``): its cost sensitivity, risk
    tolerance and the ground its side has lost (W,), the risk-seeking per share lost, the weight of deterrence; each red line
    it watches as (the line, the rung it is drawn at, where it is in force, the actor's belief in it, the response's cost);
    inertia, restraint and the audience costs as in :class:`Costs`. ``Crisis._costs`` makes them into :class:`Costs` (the
    reference); :func:`decide` does so compiled."""

    sensitivity: np.ndarray
    tolerance: np.ndarray
    loss: np.ndarray
    loss_seeking: float
    deterrence: np.ndarray | float
    inertia: np.ndarray
    lines: list = field(default_factory=list)
    restraint: np.ndarray | None = None
    audience: list = field(default_factory=list)


# ---------------------------------------------------------------- reference (numpy)


def logit_pick_reference(score: np.ndarray, legal: np.ndarray, temperature: np.ndarray, u: np.ndarray) -> np.ndarray:
    """Row drawn in each column from softmax(score / temperature) over the legal rows (``score``: float32, overwritten).

    ``u`` holds one uniform draw in [0, 1) per column (inverse-CDF sampling, so one number
    per world decides the choice)."""
    score *= (1.0 / temperature).astype(np.float32)
    score -= ~legal * BIG  # arithmetic, not a masked write: much faster
    score -= score.max(axis=0)
    weight = exp_reference(score)  # illegal rows come to exactly 0
    target = (1.0 - u) * weight.sum(axis=0, dtype=np.float64)  # in (0, total]
    acc = np.zeros_like(target)
    pick = np.zeros(score.shape[1], dtype=np.int64)
    for row in weight[:-1]:  # pick = how many cumulative weights fall short of the target
        acc += row
        pick += acc < target
    return pick


# ---------------------------------------------------------------- compiled (numba)


@functools.cache
def _compiled():
    """The numba twins, compiled on first use (and cached on disk): numba is imported only here."""
    os.environ.setdefault("NUMBA_CACHE_DIR", str(Path(os.environ.get("XDG_CACHE_HOME", Path.home() / ".cache")) / "escalation" / "numba"))
    import numba
    import numba.core.config

    numba.core.config.reload_config()  # the folder counts even where numba was imported before it was set
    from escalation.model import compiled

    return compiled


def per_world(x, worlds: int, dtype=np.float64) -> np.ndarray:
    """``x`` (a number or an array over the worlds) as a read-only array of ``dtype`` over ``worlds`` worlds, as a kernel takes
    it: read-only whatever it was given, since numba compiles a kernel afresh for each mix of writable and read-only arrays."""
    if type(x) is np.ndarray and x.dtype == dtype and x.shape == (worlds,) and x.flags.c_contiguous:
        out = x.view()  # the common case, at almost no cost
    elif type(x) is np.ndarray:
        out = np.ascontiguousarray(np.broadcast_to(x.astype(dtype, copy=False), (worlds,)))
    else:
        return filled(x, worlds, dtype)
    out.flags.writeable = False
    return out


@functools.lru_cache(maxsize=64)
def filled(value, worlds: int, dtype) -> np.ndarray:
    """One number in every world, read-only and contiguous: shared by whatever reads it, written by none (kept: a batch
    passes the same few settings every call; a stride-0 view would cost the kernels their SIMD lanes)."""
    out = np.full(worlds, value, dtype=dtype)
    out.flags.writeable = False
    return out


def uniforms(key: np.uint64, ids: np.ndarray, lanes: int, kernels: str) -> np.ndarray:
    """See :func:`uniforms_reference`; ``kernels`` is a :func:`path`."""
    if kernels == "numpy":
        return uniforms_reference(key, ids, lanes)
    out = np.empty((lanes, len(ids)))
    _compiled().uniforms(np.uint64(key), ids, out)
    return out


def normals(u1: np.ndarray, u2: np.ndarray, first: bool, second: bool, kernels: str) -> tuple[np.ndarray | None, np.ndarray | None]:
    """See :func:`normals_reference`; ``kernels`` is a :func:`path`."""
    if kernels == "numpy":
        return normals_reference(u1, u2, first, second)
    worlds, none = len(u1), np.empty(0, dtype=np.float32)
    z1, z2 = (np.empty(worlds, dtype=np.float32) if wanted else none for wanted in (first, second))
    _compiled().normals(u1, u2, z1, z2)
    return z1 if first else None, z2 if second else None


def logit_pick(score: np.ndarray, legal: np.ndarray, temperature: np.ndarray, u: np.ndarray, kernels: str = "numpy") -> np.ndarray:
    """See :func:`logit_pick_reference`; ``kernels`` is a :func:`path`."""
    if kernels == "numpy":
        return logit_pick_reference(score, legal, temperature, u)
    pick = np.empty(score.shape[1], dtype=np.int64)
    temperature = np.broadcast_to(np.asarray(temperature, dtype=np.float64), pick.shape)
    _compiled().logit_pick(score, legal, np.ascontiguousarray(temperature), np.asarray(u, dtype=np.float64), pick)
    return pick


@dataclass(frozen=True)
class LinesOf:
    """An actor's red lines as the compiled decision reads them from the lines' shared rows (see ``redlines.shared_rows``)."""

    watched: np.ndarray  # (lines it watches, 5): the line, its belief row, the holder, the rung, the holder's standing that spends it
    severity: np.ndarray  # each watched line's response's cost
    held: np.ndarray  # (lines it holds, 2): the line, its response
    answers: np.ndarray  # (lines it holds, rungs): the rungs that answer each

    @classmethod
    def of(cls, observer: int, watching: list, holding: list, rungs: int) -> LinesOf:
        never = np.iinfo(np.int64).max  # a one-off response is never spent by a standing posture
        watched = [(rl.index, rl.belief_rows[rl._row[observer]], rl.holder, rl.at, never if rl.response_is_action else rl.response) for rl in watching]
        return cls(np.array(watched, dtype=np.int64).reshape(-1, 5), np.array([rl.severity for rl in watching], dtype=np.float64),
                   np.array([(rl.index, rl.response) for rl in holding], dtype=np.int64).reshape(-1, 2),
                   np.array([rl.answers for rl in holding], dtype=np.bool_).reshape(-1, rungs))


def decide(actor, lines: LinesOf, line_rows: dict, actor_rows: dict, audience_cost, aim: np.ndarray, loss: np.ndarray, loss_seeking: float, deterrence,
           inertia: np.ndarray, restrained: np.ndarray, restraint: np.ndarray | None, u: np.ndarray, accident_u: np.ndarray,
           accident_rate) -> tuple[np.ndarray, np.ndarray]:
    """The compiled twin of an actor's decision in ``Crisis._decide``, from what it owes (``Crisis._owed``) and the costs of its
    moves (``Crisis._cost_inputs``, ``_costs``, ``_score``: its red lines read from their shared ``line_rows``, the audience costs
    where ``audience_cost`` is given) to its candidates, their legality, the logit draw ``u`` and an accident ``accident_u``.
    ``aim`` is the rule's. Returns the chosen level and the new posture, accident included, in every world (the posture where
    the actor takes no part)."""
    a, worlds = actor, len(aim)
    chosen, new = np.empty(worlds, dtype=np.int64), np.empty(worlds, dtype=np.int64)
    audience = per_world(audience_cost, worlds) if audience_cost is not None else filled(0.0, 0, np.float64)  # read-only, as per_world's
    _compiled().decide(a.table, a.down_to_action if a.has_action_below else a.down_to_action[:0], a.posture, a.min_level, a.max_level, a.stock_levels,
                       a.stock_left, line_rows["active"], line_rows["due"], line_rows["meant"], line_rows["credibility"], line_rows["belief"],
                       actor_rows["active"], actor_rows["standing"], lines.watched, lines.severity, lines.held, lines.answers,
                       audience, a.has_action_below, a.stay, per_world(aim, worlds),
                       a.table_danger, a.traits["cost_sensitivity"], a.traits["risk_tolerance"], per_world(loss, worlds), float(loss_seeking),
                       per_world(deterrence, worlds), inertia, restrained if restraint is not None else restrained[:0],
                       per_world(restraint if restraint is not None else 0.0, worlds, np.float32), a.traits["temperature"], u, accident_u,
                       per_world(accident_rate, worlds), a.can_slip, a.active, chosen, new)
    return chosen, new



def advance(live: np.ndarray, resolve: np.ndarray, defence: np.ndarray, cost_sensitivity: np.ndarray, z: np.ndarray, front, aid_burden: float,
            memory: float, active: np.ndarray, resolve_range: tuple[float, float]) -> np.ndarray:
    """The compiled twin of ``Front.advance`` (its state and each ``active`` actor's ``resolve`` updated in place): returns the ground
    each actor's side has lost since the branch, (actors, W), as ``Front.loss`` reads it. ``aid_burden``: a supporter's cost per unit
    of aid; ``memory``: the weight of the past in the trend and the expected cost."""
    sp, loss = front.spec, np.empty(live.shape)
    _compiled().advance(live, resolve, defence, cost_sensitivity, z, front.balance, front.trend, front.talks, front.struck,
                   front.expected, front.cost, front.strike, front.engaged, front.support, front.strength, front.sign, front.supporter, front.a,
                   front.b, sp.momentum, sp.volatility, sp.burden, aid_burden, sp.rally, sp.weariness, memory, 1 - memory, active, *resolve_range,
                   front.reference, loss)
    return loss


def bargain(front, turn: int, traits: dict, active: np.ndarray, u: np.ndarray, leverage_terms: float) -> None:
    """The compiled twin of ``Front.bargain`` (its state updated in place), ``u`` the day's spoiler draws."""
    sp = front.spec
    _compiled().bargain(turn, front.a, front.b, front.sign, front.balance, front.trend, front.expected, traits["leverage"], traits["resolve"],
                        traits["cost_sensitivity"], active, u, leverage_terms, sp.horizon, sp.optimism, sp.cost_weight, sp.spoilers, front.willing,
                        front.talks, front.spoiled, front.first_talks, front.talks_days, front.first_willing, front.last_willing)


def record(model, turn: int, counting: bool) -> np.ndarray:
    """The compiled twin of ``Crisis._record``'s bookkeeping (the model's arrays updated in place); returns the thresholds first
    crossed this turn, (thresholds, W)."""
    rows = model._rows
    new_first = np.zeros(model.first_crossing.shape, dtype=bool)
    path = model.path[turn] if model.path is not None else np.zeros((0, 0), dtype=np.int8)
    bands, acts, band_start, band_thresholds = model._band_index
    _compiled().record(turn, counting, rows["posture"], rows["active"], rows["standing"], rows["peak"], model._was, model._last, model._kind,
                   model._since, model.days, model.first_crossing, model.actor_first, bands, acts, band_start, band_thresholds,
                   model._scores, model.system_rung, model.system_peak, model.system_path[turn], model.intensity_path[turn], path, new_first)
    return new_first


def red_line(rl, live: np.ndarray, holder, u: np.ndarray, obligation, gain, erosion, belief: np.ndarray, kin: np.ndarray, reputation) -> tuple[np.ndarray, ...]:
    """The compiled twin of ``RedLineState.update`` and of what its observers learn from it (``Crisis._teach``), its state and
    the shared ``belief`` rows updated in place, given the postures ``live`` (actors, W) and the holder (an actor); ``u``: the
    day's draws for the line; ``kin``: the rows of ``belief`` of the holder's other lines that its observers also watch.
    Returns (crossed, honoured, eroded)."""
    worlds = live.shape[1]
    crossed, honoured, eroded = (np.empty(worlds, dtype=bool) for _ in range(3))
    _compiled().red_line(live, rl.watch, rl.at, rl.response, rl.response_is_action, rl.spec.grace, rl.answers, holder.posture, holder.standing,
                         holder.active, holder.traits["resolve"], rl.active, rl.credibility, rl.due, rl.answered, rl.meant, u,
                         per_world(obligation, worlds), per_world(gain, worlds), per_world(erosion, worlds), belief, rl.belief_rows, kin,
                         per_world(reputation, worlds), crossed, honoured, eroded)
    return crossed, honoured, eroded


def threat(live: np.ndarray, adversary: np.ndarray) -> np.ndarray:
    """The compiled twin of ``Crisis.step``'s threat: the highest posture ``live`` (actors, W) among each actor's adversaries."""
    out = np.empty(live.shape, dtype=live.dtype)
    _compiled().threat(live, adversary, out)
    return out


def stand_down(posture: np.ndarray, standing: np.ndarray, action: np.ndarray) -> None:
    """The compiled twin of ``Crisis.step``'s stand-down: ``posture`` (actors, W) back to ``standing`` wherever it is an ``action``."""
    _compiled().stand_down(posture, standing, action)


def move(new: np.ndarray, actor) -> None:
    """The compiled twin of ``ActorAgent.move`` (the actor's rows written in place), ``new`` the postures (int64)."""
    _compiled().move(new, actor.posture, actor.standing, actor.ladder.action, actor.action_levels, actor.episodes, actor.stock_levels,
                   actor.stock_left)


def perceive(values: np.ndarray, z: np.ndarray, noise, suspicion) -> np.ndarray:
    """The compiled twin of ``Crisis._perceive`` under the fog, for rungs ``values`` (int8) and draws ``z`` (float32)."""
    worlds = len(values)
    out = np.empty(worlds)
    _compiled().perceive(values, z, per_world(noise, worlds, np.float32), per_world(suspicion, worlds, np.float32), out)
    return out


def situation(live: np.ndarray, threat: np.ndarray, actor, fights: np.ndarray, u1: np.ndarray, u2: np.ndarray, fog: bool, noise,
              suspicion) -> tuple[np.ndarray, ...]:
    """The compiled twin of ``Crisis._situation``'s readings for ``actor`` from the postures ``live`` and the ``threat`` (actors, W),
    through its fog where ``fog`` (its normals made from the draws ``u1``, ``u2`` as :func:`normals` makes them): (posture, seen
    threat, need, watched, fought), as the model reads them."""
    worlds = live.shape[1]
    posture, seen, need, watched = (np.empty(worlds) for _ in range(4))
    fought = np.empty(worlds, dtype=bool)
    _compiled().situation(live, threat, actor.index if len(actor.adversaries) else -1, actor.supported, actor.restrained, actor.their_foes, fights,
                          u1, u2, fog, per_world(noise, worlds, np.float32), per_world(suspicion, worlds, np.float32), actor.posture, seen, need,
                          watched, fought, posture)
    return posture, seen, need, watched, fought


def aim(rule: str, worlds: int, *inputs) -> np.ndarray:
    """The compiled twin of rule ``rule``'s aim over ``worlds`` worlds (see ``Rule.compiled_aim``), ``inputs`` as its kernel
    takes them."""
    out = np.empty(worlds)
    getattr(_compiled(), rule)(*inputs, out)
    return out
