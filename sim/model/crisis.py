"""The crisis: a Mesa model over an ensemble of W independent worlds.

Each turn, in every world at once:

1. every active actor perceives its adversaries (with misperception noise) and
   the threat to those it supports, and its rule names an aim, raised to the
   promised response of any crossed red line of its own that it means to keep;
2. the aim becomes a choice among legal moves (a logit over scores that weigh
   distance from the aim, the cost of crossing thresholds, others' credible red
   lines, restrainers' and veto players' leverage, inertia), then an accident may
   push it one rung higher; all moves are made simultaneously;
3. the scenario's events fire (scripted, conditional, stochastic);
4. red lines are checked: crossed, honoured, or eroded;
5. the day's facts (thresholds crossed after the branch), peaks, intensity and the
   trajectory are recorded.

Before the branch the documented past is history: its events hold in every world and
nobody decides. Outcomes count what happens from the branch on (see ``outcomes``).

At W = 1 every move and event is also written to a narrative with a one-sentence
reason. One rulebook serves both the classroom (W = 1) and batches (W = 10,000).
"""

from __future__ import annotations

import datetime as dt
import functools
import numbers
from collections.abc import Callable
from dataclasses import dataclass, field

import mesa
import numpy as np

from escalation.errors import did_you_mean
from escalation.model import kernels
from escalation.model.actor import TRAIT_RANGE, ActorAgent, number
from escalation.model.events import CompiledEvent, apply_effects, changes_text, effect_state
from escalation.model.kernels import CostInputs, Costs, filled, logit_pick, per_world
from escalation.model.kernels import path as kernel_path
from escalation.model.ladder import CompiledLadder
from escalation.model.outcomes import END_STATES, end_state, entered, entries, intensity, pairs_at_war, settled
from escalation.model.redlines import RedLineState, shared_rows
from escalation.model.rules import Situation
from escalation.model.streams import Streams, normals
from escalation.model.war import Front
from escalation.scenario.parameters import Slot, key_text, slot
from escalation.scenario.schema import Scenario

HumanChooser = Callable[["Crisis", str, list[str]], str]
ROWS = ("posture", "standing", "active", "peak")  # each actor's per-world state held as rows over all actors (see _share_rows)
PARAMETER_DRAW = -1  # the "turn" the per-world parameters are drawn at: before the first


@dataclass
class Entry:
    """One line of the narrative (W = 1)."""

    turn: int
    date: dt.date
    kind: str  # move | event | history (a documented choice not made in this world) | threshold | red_line | war (talks on offer or broken)
    text: str
    actor: str | None = None
    why: str = ""
    rung: str | None = None
    status: str | None = None  # documented | hypothetical, for events
    source: str | None = None
    extra: dict = field(default_factory=dict)


class Crisis(mesa.Model):
    """An escalation crisis between state actors, in ``worlds`` independent worlds.

    ``scenario`` is a loaded :class:`~sim.schema.Scenario`, a shipped scenario's
    name or a path. ``rng`` seeds everything (Mesa's ``rng=`` argument).
    ``human`` is called as ``human(model, actor_id, legal_rung_ids)`` for actors
    on the ``human`` rule. ``trajectories`` keeps every actor's posture per turn
    in ``path`` (turns, actors, W), -1 where it takes no part (always on at W = 1).

    As Mesa's examples are parameterised: a setting may be given by its name (``noise=0.5``),
    a trait as ``<actor>_<trait>`` (``russia_resolve=0.8``) and any dotted key in
    ``overrides={"actors.russia.red_lines.0.credibility": 0.9}``, so ``mesa.batch_run`` can vary
    them; ``seed=`` is taken for ``rng=``. ``parameters`` gives per-world numbers (dotted key ->
    one value per world). ``kernels`` ("auto", "numpy", "numba") picks the hot path's kernels (see ``kernels``): the
    same results either way. Mesa's DataCollector is on up to :data:`COLLECT_UP_TO` worlds (or
    ``collect=True``): numbers of world 0 at W = 1, means and end-state shares over the worlds otherwise.
    Agents read ``rung``, ``peak_level`` and ``resolve_value`` as numbers, for a user's own agent reporters.
    """

    def __init__(
        self, scenario="nov-2024", worlds: int = 1, rng=None, *, first_run: int = 0, human: HumanChooser | None = None, trajectories: bool | None = None,
        parameters=None, replicates=None, seed=None, overrides=None, collect: bool | None = None, kernels: str = "auto", **kwargs,
    ):
        if seed is not None and rng is not None:
            raise ValueError("give rng or seed, not both (seed is Mesa's older name for rng)")
        rng = seed if rng is None else rng
        super().__init__(rng=rng)
        # keyword arguments named "kwargs", as Mesa's SolaraViz requires of a model it drives
        scenario, given = _with_overrides(scenario, {**(overrides or {}), **_headline_keys(kwargs)})
        parameters = {**given, **(parameters or {})}
        if worlds < 1:
            raise ValueError("worlds must be at least 1")
        self.scenario = scenario
        # a Generator (or nothing) names the run's streams by one draw from it
        self.seed = int(rng) if isinstance(rng, numbers.Integral) else int(self.rng.integers(2**63))
        self.worlds = int(worlds)
        self.kernels = kernel_path(self.worlds, kernels)  # the hot path compiled or in numpy: the same results
        self.streams = Streams(self.seed, self.worlds, first_run, replicates, self.kernels)
        self.ladder = CompiledLadder.build(scenario.resolved_ladder)
        self.parameters = self._parameter_values(parameters)
        self.settings = scenario.settings.model_copy(update=self._in_slots("setting"))
        # settings hold for the whole run: whether there is any fog, or any audience cost, in any world is asked once
        self._foggy, self._audience = (bool(np.any(np.asarray(x) > 0)) for x in (self.settings.noise, self.settings.audience_cost))
        self.human = human
        self.explain = self.worlds == 1
        self.turn = 0
        self.turns = scenario.turns
        self.branch = scenario.branch_turn  # before it the documented past holds and nobody decides

        self.actors: dict[str, ActorAgent] = {}
        for i, (key, spec) in enumerate(scenario.actors.items()):
            self.actors[key] = ActorAgent(self, key, spec, i, ladder=self.ladder, worlds=self.worlds, max_down=scenario.settings.max_down)
        self.order = list(self.actors.values())
        self.keys = list(self.actors)
        self.names = [a.label for a in self.order]
        self._share_rows()
        for (key, trait), values in self._in_slots("trait", by_actor=True).items():
            self.actors[key].traits[trait][:] = values
        for (key, name), values in self._in_slots("param", by_actor=True).items():
            rule = self.actors[key].rule
            rule.params = rule.params.model_copy(update={name: values})
        self._link_relations()
        self._build_red_lines()
        for (key, line), values in self._in_slots("credibility", by_actor=True).items():
            self.red_lines[(key, line)].declared_at(values)
        self.front = Front(scenario.war, self) if scenario.war is not None else None
        self._loss_seeking = self.front.spec.loss_seeking if self.front is not None else 0.0
        self.events = [CompiledEvent(e, self) for e in scenario.events]
        self.queued: list = []  # inject cards played for the next turn (see play_inject)
        self.restraint_level = self.ladder.threshold_level(self.settings.restraint_threshold)
        # per level: the danger (summed threshold weights) at or above the restraint threshold, which restrainers weigh on
        below = self.ladder.danger[self.restraint_level - 1] if self.restraint_level > 0 else 0.0
        self.restrained_danger = np.maximum(self.ladder.danger - below, 0.0).astype(np.float32)
        self._columns = np.arange(self.worlds)
        self._inertia = per_world(self.settings.inertia, self.worlds, np.float32)  # read by every decision
        self._fights = np.append(self.ladder.fighting, False)  # per level (index -1: taking no part): fighting there
        lad = self.ladder  # for kernels.record: per level (index -1: taking no part) its band, a one-off action, its intensity score
        starts = np.cumsum([0, *(len(t) for t in lad.band_thresholds)])
        flat = np.array([t for ts in lad.band_thresholds for t in ts], dtype=np.int64)
        self._band_index = (np.append(lad.band, -1), np.append(lad.action, False), starts.astype(np.int64), flat)
        self._scores = np.append(lad.intensity, 0)

        n, w, t = len(self.order), self.worlds, self.turns
        self.system_rung = self.system_now()
        self.system_peak = np.full(w, -1, dtype=np.int64)
        self.first_crossing = np.full((len(self.ladder.threshold_ids), w), -1, dtype=np.int64)  # facts after the branch
        self.actor_first = np.full((n, len(self.ladder.threshold_ids), w), -1, dtype=np.int16)  # each actor's own, after the branch
        self.system_path = np.zeros((t, w), dtype=np.int8)
        self.intensity_path = np.zeros((t, w), dtype=np.int16)
        self.days = np.zeros((n, len(self.ladder.ids), w), dtype=np.int16)  # closed runs of days on each rung
        self._was = self._standing()  # the standing postures at the last record, to see who enters a band
        self._branch_state()
        self.record = self.explain if trajectories is None else bool(trajectories)
        self.path = np.zeros((t, n, w), dtype=np.int8) if self.record else None
        self.narrative: list[Entry] = []
        self.decisions: list[dict] = []
        # Mesa's DataCollector, by default on for small ensembles (it reads every world each turn): per world at W = 1,
        # the mean over the worlds (and the share of each end state) otherwise
        collect = self.worlds <= COLLECT_UP_TO if collect is None else collect
        self._shares_at, self._shares = -1, np.zeros(len(END_STATES))
        self.datacollector = mesa.DataCollector(model_reporters=self._reporters()) if collect else None

    # ------------------------------------------------------------------ set-up

    def _parameter_values(self, given: dict) -> dict[str, np.ndarray]:
        """Each per-world number's value in every world: the scenario's distributions sampled, then ``given``
        (dotted key -> a value or one per world) over them. Each distribution draws from a stream keyed by its
        key alone (or by the draw it names, shared with the others that name it), so a world's value depends on
        the seed and its run id only."""
        sc, w = self.scenario, self.worlds
        values: dict[str, np.ndarray] = {}
        self._slots: dict[str, Slot] = {}
        for path, dist in sc.distributions.items():
            key = key_text(sc, path)
            values[key] = dist.sample(self.streams.uniform(PARAMETER_DRAW, "parameter", *((("draw", dist.draw),) if dist.draw else (key,))))
        for key, value in given.items():
            key = key_text(sc, key)
            array = np.broadcast_to(np.asarray(value, dtype=np.float64), (w,)).copy()
            values[key] = array
        for key in values:
            found = slot(sc, key)
            if found is None:
                raise ValueError(f"{key} cannot differ from world to world (a structural key): give it in the scenario or with --set")
            self._slots[key] = found
        return values

    def _in_slots(self, kind: str, by_actor: bool = False) -> dict:
        """The per-world values of one kind of slot: by name, or by (actor, name)."""
        return {((s.actor, s.name) if by_actor else s.name): self.parameters[k] for k, s in self._slots.items() if s.kind == kind}

    def _link_relations(self) -> None:
        idx = {k: i for i, k in enumerate(self.keys)}
        n = len(self.order)
        self.adversary = np.zeros((n, n), dtype=bool)
        for a in self.order:
            rel = a.spec.relations
            a.adversaries = np.array([idx[k] for k in rel.adversaries], dtype=np.int64)
            self.adversary[a.index, a.adversaries] = True
            a.restrainers = [self.actors[k] for k in rel.restrainers]
            a.veto_players = [self.actors[k] for k in rel.veto_players]
        for a in self.order:
            clients = [b.index for b in self.order if a.key in b.spec.relations.patrons]
            a.supported = np.array(sorted({idx[k] for k in a.spec.relations.allies} | set(clients)), dtype=np.int64)
        for a in self.order:  # the adversaries of those it supports: where one of them fights, its allies are fought
            a.their_foes = np.array(sorted({int(f) for b in a.supported for f in self.order[b].adversaries} - {a.index}), dtype=np.int64)
            # those it can hold back: as their restrainer or as a veto player among them
            a.restrained = np.array([b.index for b in self.order if a.key in b.spec.relations.restrainers + b.spec.relations.veto_players], dtype=np.int64)

    def _build_red_lines(self) -> None:
        idx = {k: i for i, k in enumerate(self.keys)}
        declared = [(a.key, spec, True) for a in self.order for spec in a.spec.red_lines]
        later = [  # lines declared by events or injects start inactive
            (fx.add_red_line.actor, fx.add_red_line.red_line, False)
            for ev in [*self.scenario.events, *self.scenario.injects]
            for fx in ev.effects
            if fx.add_red_line
        ]
        lines: dict[tuple[str, str], RedLineState] = {}
        for key, spec, active in declared + later:
            if (key, spec.id) not in lines:
                lines[(key, spec.id)] = RedLineState(idx[key], spec, [idx[k] for k in spec.watch], self.ladder, self.worlds, active)
        # in one order whatever the order of the actors: their weights are summed in it
        self.red_lines = dict(sorted(lines.items()))
        self._line_rows = shared_rows(list(self.red_lines.values()), self.worlds)  # which the compiled decision reads whole
        self.watching = {a.index: [r for r in self.red_lines.values() if a.index in r.watch] for a in self.order}
        self.holding = {a.index: [r for r in self.red_lines.values() if r.holder == a.index] for a in self.order}
        self._lines_of = {a.index: kernels.LinesOf.of(a.index, self.watching[a.index], self.holding[a.index], self.ladder.n) for a in self.order}
        # for each line, the holder's other lines and which of their observers also watch it (they learn from it)
        self.kin = {
            id(rl): [(o, np.flatnonzero(np.isin(o.watch, rl.watch))) for o in self.holding[rl.holder] if o is not rl and np.isin(o.watch, rl.watch).any()]
            for rl in self.red_lines.values()
        }
        # the same as rows of the shared beliefs, as the compiled line's day teaches them
        self._kin_rows = {key: np.concatenate([o.belief_rows[rows] for o, rows in kin] or [np.zeros(0, dtype=np.int64)]) for key, kin in self.kin.items()}

    def red_line(self, actor: str, red_line_id: str) -> RedLineState:
        return self.red_lines[(actor, red_line_id)]

    # ------------------------------------------------------------------ state

    @property
    def date(self) -> dt.date:
        return self.scenario.date_of(self.turn)

    def _share_rows(self) -> None:
        """Every actor's posture, standing posture, activity, peak and traits become rows of arrays over all actors,
        (actors, W) each, that the actors write in place: the model reads them whole, with no stacking each turn."""
        self._rows = {name: np.stack([getattr(a, name) for a in self.order]) for name in ROWS}
        self._trait_rows = {t: np.stack([a.traits[t] for a in self.order]) for t in self.order[0].traits} if self.order else {}
        for i, a in enumerate(self.order):
            a.posture, a.standing, a.active, a.peak = (self._rows[name][i] for name in ROWS)
            a.traits = {t: rows[i] for t, rows in self._trait_rows.items()}

    def postures(self) -> np.ndarray:
        """Current postures, shape (actors, W) (a copy)."""
        return self._rows["posture"].copy()

    def _active(self) -> np.ndarray:
        return self._rows["active"]

    def _live(self) -> np.ndarray:
        """Postures of the actors taking part, -1 for the others: (actors, W), int8."""
        return (self._rows["posture"] + np.int8(1)) * self._rows["active"] - np.int8(1)  # arithmetic, not a select: three times faster

    def _standing(self) -> np.ndarray:
        """Standing postures (one-off actions aside) of the actors taking part, -1 for the others: (actors, W)."""
        return np.where(self._rows["active"], self._rows["standing"], -1)

    def _branch_state(self) -> None:
        """What the branch inherits: the standing postures, their intensity, the pairs at war."""
        self.branch_standing = self._standing()
        self.branch_intensity = intensity(self.ladder, self.branch_standing)
        self.branch_pairs = pairs_at_war(self.ladder, self.adversary, self.branch_standing)
        for a in self.order:  # outcomes count the one-off actions taken from the branch on
            a.episodes[:] = 0
        if self.front is not None:
            self.front.mark_branch()
        # days on each kind of rung run from the branch: each actor's kind now (-1: not taking part), since
        # when, and the postures it was read from
        self._kind = self.branch_standing.copy()  # the rung each actor stands on (-1: not taking part)
        self._since = np.full(self._kind.shape, self.branch, dtype=np.int64)
        self._last = self.branch_standing.copy()

    def system_now(self) -> np.ndarray:
        """The system rung: the highest posture of any actor taking part (0 if none)."""
        return self._live().max(axis=0).clip(min=0).astype(np.int64)

    # ------------------------------------------------------------------ turn

    def step(self) -> None:
        """Play one turn in every world."""
        if self.turn >= self.turns:
            self.running = False
            return
        turn = self.turn
        live = self._live()
        # highest posture among each actor's adversaries, as truly held: (actors, W)
        if self.kernels == "numba":
            threat = kernels.threat(live, self.adversary)
        else:
            threat = np.where(self.adversary[:, :, None], live[None, :, :], np.int8(-1)).max(axis=1)
        self.decisions = []
        # yesterday's one-off actions are over (others saw them above): every actor back on its standing posture
        postures = self._rows["posture"]
        if self.kernels == "numba":
            kernels.stand_down(postures, self._rows["standing"], self.ladder.action)
        else:
            np.copyto(postures, self._rows["standing"], where=self.ladder.action[postures])
        if turn == self.branch and turn > 0:
            self._branch_state()
        if not self.in_history(turn):  # in history every actor holds, unless an event moves it
            moves = [self._decide(a, live, threat) for a in self.order]
            for a, new in zip(self.order, moves):
                a.move(new)
        if self.explain:
            self._tell_moves()
        self._fire_events(turn)
        self._check_red_lines()
        if self.front is not None and not self.in_history(turn):
            self._wage_war(turn)
        self._record(turn)
        self.turn += 1
        if self.datacollector is not None:
            self.datacollector.collect(self)
        if self.turn >= self.turns:
            self.running = False

    def run(self) -> Crisis:
        """Play every remaining turn."""
        while self.running:
            self.step()
        return self

    def _perceive(self, values: np.ndarray, z: np.ndarray | None) -> np.ndarray:
        """Rung levels as read through the fog of war: ``z`` is one normal draw per world (None: no fog).
        Under the fog actors read the worst a little more often than the best (``suspicion`` noise widths
        higher): Jervis's spiral model, the security dilemma of reading defence as threat."""
        if z is not None:
            st = self.settings
            if self.kernels == "numba" and values.dtype == np.int8:  # the same, compiled (this is the reference)
                return kernels.perceive(values, z, st.noise, st.suspicion)
            # in single precision, as the draw is (a per-world setting rounds as a single number does)
            values = np.where(values >= 0, values + np.float32(st.noise) * (z + np.float32(st.suspicion)), values)
        return values.astype(float)

    def _wage_war(self, turn: int) -> None:
        """The war's day after the moves: the front moves, costs wear resolve down, strikes rally; then the
        sides weigh fighting on against the settlement on offer (see ``war``)."""
        front = self.front
        assert front is not None
        u = self.streams.uniforms(turn, "war", "front")
        z, _ = normals(u[0], u[1], second=False, path=self.kernels)
        assert z is not None
        traits = self._trait_rows  # as the actors hold them: (actors, W) each
        front.advance(self._live(), traits, z, self._active(), TRAIT_RANGE["resolve"])
        was = front.talks.copy()
        talks = front.bargain(turn, traits, self._active(), functools.partial(self.streams.uniform, turn, "war", "spoilers"))
        if self.explain and talks[0] != was[0]:
            a, b = (self.order[i].label for i in (front.a, front.b))
            if talks[0]:
                self._say("war", f"{a} and {b} would each now rather settle than fight on: talks are on offer (balance {front.balance[0]:+.2f})")
            else:
                why = "a spoiler wrecks the talks" if front.spoiled[0] else "one side again expects more from fighting on"
                self._say("war", f"Talks between {a} and {b} break down: {why} (balance {front.balance[0]:+.2f})")

    def _situation(self, a: ActorAgent, live: np.ndarray, threat: np.ndarray, u1: np.ndarray, u2: np.ndarray) -> Situation:
        """What ``a`` knows; ``u1``, ``u2`` are its fog draws, turned into normals only where a reading needs them."""
        none, no_one = filled(-1.0, self.worlds, np.float64), filled(-1, self.worlds, np.int64)  # what no reading fills
        reads = bool(self._foggy and a.rule.decides and (len(a.adversaries) or len(a.supported)))  # rules that never read keep no fog
        loss = self.front.loss()[a.index] if self.front is not None else filled(0.0, self.worlds, np.float64)
        if self.kernels == "numba" and not self.explain:  # the same readings, the fog's normals too, compiled (the reference is below)
            posture, seen, need, watched, fought = kernels.situation(live, threat, a, self._fights, u1, u2, reads, self.settings.noise,
                                                                     self.settings.suspicion)
            by, needs = no_one, None
        else:
            fog = normals(u1, u2, first=len(a.adversaries) > 0, second=len(a.supported) > 0) if reads else (None, None)
            posture = a.posture.astype(float)
            if len(a.adversaries):
                seen = self._perceive(threat[a.index], fog[0])
                by = np.where(threat[a.index] >= 0, a.adversaries[live[a.adversaries].argmax(axis=0)], -1) if self.explain else no_one
            else:
                seen, by = none, no_one
            needs = np.where(live[a.supported] >= 0, threat[a.supported], -1) if len(a.supported) else None
            need = self._perceive(needs.max(axis=0), fog[1]) if needs is not None else none
            watched = live[a.restrained].max(axis=0).astype(float) if len(a.restrained) else none
            fought = self._fights[live[a.their_foes]].any(axis=0) if len(a.their_foes) else filled(False, self.worlds, np.bool_)
        s = Situation(
            name=a.label, posture=posture, threat=seen, threat_by=by, last_threat=a.last_threat,
            need=need, watched=watched, resolve=a.traits["resolve"], ladder=self.ladder, actor_names=self.names, turn=self.turn,
            loss=loss, fought=fought,
        )
        if self.explain:  # what truly stands, and who is behind it, for the reason given in words
            s.true_threat = threat[a.index].astype(float)
            s.true_need = needs.max(axis=0).astype(float) if needs is not None else none
            if needs is not None and needs[:, 0].max() >= 0:
                ally = int(a.supported[needs[:, 0].argmax()])
                foes = self.order[ally].adversaries
                s.need_of = np.array([ally])
                s.need_by = np.array([int(foes[live[foes, 0].argmax()])]) if len(foes) else np.array([-1])
        return s

    def _decide(self, a: ActorAgent, live: np.ndarray, threat: np.ndarray) -> np.ndarray:
        """The actor's new posture in every world (its old one where inactive)."""
        # the actor's four draws this turn: its choice, an accident, and two for the fog of war
        choice_u, accident_u, u1, u2 = self.streams.uniforms(self.turn, "decide", a.key)
        s = self._situation(a, live, threat, u1, u2)
        a.last_threat = s.threat
        if not a.rule.decides:
            if a.rule.name == "human" and self.human is not None and a.active[0]:
                return self._ask_human(a)
            if self.explain and a.active[0]:
                self.decisions.append({"actor": a.key, "from": int(a.posture[0]), "to": int(a.posture[0]), "why": a.rule.explain(s), "rule": a.rule.name})
            return a.posture
        st = self.settings
        fast = self.kernels == "numba" and not self.explain
        aim = a.rule.compiled_aim(s) if fast else None
        aim = a.rule.aim(s) if aim is None else aim
        talks = self._at_table(a)
        if talks is not None and self.front is not None:
            aim = np.where(talks, float(self.front.talks_level), aim)
        if fast:  # the same operations fused in one compiled pass, from what it owes to its move
            chosen, new = kernels.decide(a, self._lines_of[a.index], self._line_rows, self._rows, st.audience_cost if self._audience else None, aim, s.loss,
                                         self._loss_seeking, st.deterrence, self._inertia, self.restrained_danger, self._restraint(a), choice_u,
                                         accident_u, st.accident_rate)
            # where the actor takes no part ``new`` is its posture already: no step to hold up
            return np.where(self._held_up(a, new), a.posture, new) if a.veto_players else new
        owed = self._owed(a)
        costs, temperature = self._cost_inputs(a, s.loss), a.traits["temperature"]
        use_owed = a.has_action_below and bool((owed >= 0).any())  # a promised one-off answer may lie below the posture: legal while owed
        aim = np.maximum(aim, owed)
        terms: dict | None = {} if self.explain else None
        levels, legal = a.candidates()  # (K, W): reductions run across contiguous rows
        if use_owed:
            legal |= (levels == owed.astype(np.int8)) & (owed >= 0) & (levels >= 0)
            a.exclude_spent(levels, legal)
        score = self._score(a, aim, levels, self._costs(costs), terms)
        if terms is not None:
            terms["score"] = score.astype(float)  # before the logit draw overwrites it
        pick = logit_pick(score, legal, temperature, choice_u)
        chosen = np.take(levels, pick * self.worlds + self._columns).astype(np.int64)
        # an accident: a step the actor chose slips to the rung above it, where it can stand there (holding still is no step)
        slip = (accident_u < st.accident_rate) & (chosen != a.posture)
        accident = slip & a.can_slip[chosen] & (chosen < a.max_level)
        new = np.where(accident, chosen + 1, chosen)
        held = self._held_up(a, new)
        new = np.where(a.active & ~held, new, a.posture)
        if self.explain and a.active[0]:
            why, target = self._why(a, s, aim, owed, levels[:, 0].astype(int), legal[:, 0], terms or {}, int(chosen[0]), bool(accident[0]))
            if talks is not None and talks[0]:
                why = "bargaining: it expects less from fighting on than from the settlement on offer; " + why
            if held[0]:
                why += f"; {possessive(' and '.join(v.label for v in a.veto_players))} veto held up the step to '{self.ladder.names[int(chosen[0])]}'"
            self.decisions.append(
                {"actor": a.key, "from": int(a.posture[0]), "to": int(new[0]), "why": why, "rule": a.rule.name, "aim": float(aim[0]), "target": target}
            )
        return new

    def _cost_inputs(self, a: ActorAgent, loss: np.ndarray) -> CostInputs:
        """What the costs of ``a``'s moves this turn are made of (see :meth:`_costs`): the red lines it watches that are in
        force somewhere, its restrainers' leverage, the promises it owes. This is the reference: ``kernels.decide`` reads the
        same from the lines' shared rows."""
        st, f32 = self.settings, np.float32
        inputs = CostInputs(sensitivity=a.traits["cost_sensitivity"], tolerance=a.traits["risk_tolerance"], loss=loss, loss_seeking=self._loss_seeking,
                            deterrence=st.deterrence, inertia=self._inertia, restraint=self._restraint(a))
        for rl in self.watching[a.index]:
            holder = self.order[rl.holder]
            in_force = rl.active & holder.active & ~rl.spent(holder.standing)  # a response already given deters no one
            if in_force.any():
                inputs.lines.append((rl, rl.at, in_force, rl.belief_of(a.index), rl.severity))
        if self._audience:
            for rl in self.holding[a.index]:
                owed = rl.owed()
                if owed.any():
                    inputs.audience.append((rl.answers, (st.audience_cost * np.where(owed, rl.credibility, 0.0)).astype(f32)))
        return inputs

    def _restraint(self, a: ActorAgent) -> np.ndarray | None:
        """Its restrainers' leverage on its moves, times the weight of restraint (None: no restrainers)."""
        return (self.settings.restraint * _leverage(a.restrainers)).astype(np.float32) if a.restrainers else None

    def _costs(self, inputs: CostInputs) -> Costs:
        """The per-world weights of the costs of a move (see :meth:`_score`): risk aversion (one less the risk tolerance,
        which losses raise) times the cost sensitivity, for crossing thresholds; times deterrence and the expected cost of
        each line in force (belief times the response's cost). This is the reference: ``kernels.decide`` does the same compiled."""
        f32 = np.float32
        risk = 1.0 - np.clip(inputs.tolerance + inputs.loss_seeking * inputs.loss, 0.0, 1.0)
        costs = Costs(danger=(inputs.sensitivity * risk).astype(f32), inertia=inputs.inertia, restraint=inputs.restraint, audience=inputs.audience)
        for rl, at, in_force, belief, severity in inputs.lines:
            expected = np.where(in_force, belief, 0.0) * severity
            costs.lines.append((rl, at, (inputs.deterrence * risk * expected).astype(f32)))
        return costs

    def _score(self, a: ActorAgent, aim: np.ndarray, levels: np.ndarray, costs: Costs, terms: dict | None = None) -> np.ndarray:
        """Score of each candidate (K, W): nearness to the aim, less the costs of the move.

        Costs, the first two times risk aversion (one less the risk tolerance, which losses
        raise by ``war.loss_seeking`` per share of the stake lost): crossing thresholds (times
        cost sensitivity); each red line it watches, on every candidate at or over it, its
        belief that the holder will answer times what the answer would cost it (the danger
        of the response's rung: expected-cost deterrence). Restrainers' leverage times the
        weight of each threshold from the restraint threshold up that the move crosses
        (Crawford 2003: the pivot makes every step of its client's escalation dearer).
        Inertia counts against any change; the audience cost of backing down from a public
        promise (Fearon 1994) makes keeping an owed one cheaper.
        Given ``terms`` (at W = 1, to explain a move), each cost's share of the score
        is kept there by name, so that a reason can say which one moved the choice.
        This is the reference: ``kernels.decide`` fuses the same operations, in this order, with the candidates and the choice.
        """
        score = levels.astype(np.float32)
        score -= aim.astype(np.float32)
        np.square(score, out=score)
        np.negative(score, out=score)

        def charge(name, cost, rows=slice(None)):
            """Take ``cost`` off the candidates in ``rows`` (in place: this is the hot path)."""
            score[rows] -= cost
            if terms is not None:
                share = np.zeros(score.shape)
                share[rows] = -np.broadcast_to(cost, score[rows].shape)
                terms[name] = share

        danger = np.take(a.table_danger, a.posture, axis=1)
        danger *= costs.danger
        charge("thresholds", danger)
        charge("inertia", -costs.inertia, a.stay)  # a bonus for staying: the same as charging inertia to every change
        for rl, at, cost in costs.lines:
            charge(rl, (levels >= at) * cost)
        if costs.restraint is not None:
            # each threshold at or above the restraint threshold that the move crosses costs it the restrainers' leverage
            added = np.maximum(self.restrained_danger[np.clip(levels, 0, None)] - self.restrained_danger[a.posture], 0.0)
            charge("restraint", added * costs.restraint)
        for answers, bonus in costs.audience:  # backing down from a public promise costs its holder: a bonus for keeping it
            keeps = answers[np.clip(levels, 0, None)] & (levels >= 0)
            charge("audience", -(keeps * bonus))
        return score

    def _at_table(self, a: ActorAgent) -> np.ndarray | None:
        """For a side of the war, the worlds where both sides would settle (None: not a side, or no war)."""
        front = self.front
        if front is None or a.index not in (front.a, front.b):
            return None
        return front.talks

    def _held_up(self, a: ActorAgent, new: np.ndarray) -> np.ndarray:
        """Worlds where its veto players hold up a step up today: a delay, not a cost (Tsebelis 2002). Each day
        the step is held up with chance ``veto`` times the players' summed leverage."""
        if not a.veto_players:
            return filled(False, self.worlds, np.bool_)
        up = new > a.posture
        if not up.any():
            return filled(False, self.worlds, np.bool_)
        return up & (self.streams.uniform(self.turn, "veto", a.key) < self.settings.veto * _leverage(a.veto_players))

    def _owed(self, a: ActorAgent) -> np.ndarray:
        """Highest response the actor owes, and means to give, for crossed red lines (-1: none). This is the reference:
        ``kernels.decide`` reads the same from the lines' shared rows."""
        if not self.holding[a.index]:
            return filled(-1.0, self.worlds, np.float64)
        owed = np.full(self.worlds, -1.0)
        for rl in self.holding[a.index]:
            owed = np.where(rl.owed() & (rl.response > owed), rl.response, owed)
        return owed

    def _ask_human(self, a: ActorAgent) -> np.ndarray:
        legal = [self.ladder.ids[lv] for lv in a.legal_levels(0)]
        if self.human is None:
            raise ValueError(f"{a.label} is a human seat, but the model was given no human= callback")
        choice = self.human(self, a.key, legal)
        if choice not in legal:
            raise ValueError(f"{a.label} cannot move to '{choice}' now; legal moves: {', '.join(legal)}")
        why = "chosen by the players holding this seat"
        self.decisions.append({"actor": a.key, "from": int(a.posture[0]), "to": self.ladder.level[choice], "why": why, "rule": "human"})
        return np.full(self.worlds, self.ladder.level[choice], dtype=np.int64)

    def _why(self, a: ActorAgent, s: Situation, aim, owed, levels, legal, terms: dict, chosen: int, accident: bool) -> tuple[str, int]:
        """What drove a move in world 0, and the aim's rung: the aim and its inputs, then whatever made the move differ from it.

        The aim's rung is the candidate nearest the aim. A move away from it is put down to
        a capability bound (the nearest rung is out of bounds now), to a cost that outweighed
        it (a red line, restraint, a veto, the cost of crossing thresholds, inertia: each named),
        to chance (the logit draw, with the chosen move's probability) or to an accident.
        """
        lad, parts = self.ladder, [a.rule.explain(s)]
        if owed[0] >= 0:
            rl = next(rl for rl in self.holding[a.index] if rl.owed()[0] and rl.response == owed[0])
            parts.append(f"its red line '{rl.id}' was crossed and it means to answer with '{lad.names[rl.response]}' as promised")
        goal, exists = float(aim[0]), levels >= 0
        nearest = _nearest(levels, exists, goal)
        target = _nearest(levels, legal, goal)
        if levels[target] != levels[nearest]:
            side = "higher" if levels[nearest] > levels[target] else "lower"
            parts.append(f"its capabilities reach no {side} than '{lad.names[levels[target]]}' now (a capability bound)")
        score = terms["score"][:, 0]
        best = int(np.flatnonzero(legal)[np.argmax(score[legal])])
        if levels[best] != levels[target]:
            named = [self._cost_name(a, key, levels[target], levels[best]) for key, part in terms.items()
                     if key != "score" and part[best, 0] - part[target, 0] > 1e-9]
            parts.append(f"{' and '.join(named)} favoured '{lad.names[levels[best]]}' over '{lad.names[levels[target]]}'")
        pick = int(np.flatnonzero(levels == chosen)[0])
        if pick != best:
            weights = np.exp((score - score[legal].max()) / float(a.traits["temperature"][0])) * legal
            parts.append(f"by chance it chose '{lad.names[chosen]}' (a {chance(weights[pick] / weights.sum())} chance) rather than '{lad.names[levels[best]]}'")
        if accident:
            parts.append(f"by accident the step went one rung past the intended '{lad.names[chosen]}'")
        return "; ".join(parts), int(levels[target])

    def _cost_name(self, a: ActorAgent, key, target: int, best: int) -> str:
        """A cost that favoured one candidate over another, in words."""
        if isinstance(key, RedLineState):
            return f"{possessive(self.order[key.holder].label)} red line '{key.id}' (believed at {key.belief_of(a.index)[0]:.2f})"
        if key == "restraint":
            return possessive(" and ".join(r.label for r in a.restrainers)) + " restraint"
        if key == "audience":
            return "the audience cost of backing down from its own promise"
        if key == "inertia":
            return "reluctance to change course (inertia)"
        lo, hi = sorted((int(a.posture[0]), max(target, best)))
        crossed = [n for n, lv in zip(self.ladder.threshold_names, self.ladder.threshold_levels) if lo < lv <= hi]
        return "the cost of crossing " + (" and ".join(f"the '{n}' threshold" for n in crossed) if crossed else "thresholds")

    def in_history(self, turn: int) -> bool:
        return turn < self.branch

    def _fire_events(self, turn: int) -> None:
        history = self.in_history(turn)
        for ev in self.events:
            mask = ev.due(self, turn)
            if mask is None:
                continue
            ev.fired |= mask
            if not history and self._a_choice(ev.spec):  # its actor decides now: it happened only where it chose so
                happened = self._happened(ev.spec)
                apply_effects(self, ev.spec.effects, mask & happened)
                self._tell(ev.spec, history=not happened[0])
                continue
            apply_effects(self, ev.spec.effects, mask, enact=history)
            self._tell(ev.spec, aside="" if history else self._decides_itself(ev.spec))
        everywhere = np.ones(self.worlds, dtype=bool)
        for card in self.queued:  # injects played since the last turn, after the scheduled events
            before = [effect_state(self, fx) for fx in card.effects] if self.explain else []
            apply_effects(self, card.effects, everywhere)
            # the news says what the card changed, and what it did not
            changed = changes_text(before, [effect_state(self, fx) for fx in card.effects]) if before else ""
            self._tell(card, inject=True, aside=self._decides_itself(card), changed=changed)
        self.queued = []

    def play_inject(self, inject_id: str) -> None:
        """Play a card of the scenario's inject deck (a tabletop facilitator's move):
        it takes effect in every world in the event phase of the next turn played."""
        card = next((c for c in self.scenario.injects if c.id == inject_id), None)
        if card is None:
            deck = [c.id for c in self.scenario.injects]
            raise KeyError(f"no inject '{inject_id}' in the deck of scenario {self.scenario.name}{did_you_mean(inject_id, deck)}")
        self.queued.append(card)

    def _own_moves(self, spec) -> list:
        """The postures an event or inject sets but does not make: non-binding, for actors that decide for themselves."""
        return [
            fx.set_posture
            for fx in spec.effects
            if fx.set_posture is not None and not fx.set_posture.binding and self.actors[fx.set_posture.actor].rule.name != "scripted"
        ]

    def _a_choice(self, spec) -> bool:
        """Whether a documented event records the choice of an actor that now decides for itself (a posture it took)."""
        return spec.status == "documented" and bool(self._own_moves(spec))

    def _happened(self, spec) -> np.ndarray:
        """Worlds where the actors a documented choice names made it this turn: each on its rung or above
        (on the very rung, for a one-off action taken that day)."""
        happened = np.ones(self.worlds, dtype=bool)
        for sp in self._own_moves(spec):
            actor, level = self.actors[sp.actor], self.ladder.level[sp.rung]
            there = actor.posture == level if self.ladder.action[level] else actor.posture >= level
            happened &= actor.active & there
        return happened

    def _decides_itself(self, spec) -> str:
        """For the narrative: the actors a posture effect names but does not move, since they decide for themselves."""
        if not self.explain:
            return ""
        return "; ".join(
            f"{self.actors[sp.actor].label} decides for itself and stands on '{self.ladder.names[int(self.actors[sp.actor].posture[0])]}'"
            for sp in self._own_moves(spec)
        )

    def _tell(self, spec, inject: bool = False, history: bool = False, aside: str = "", changed: str = "") -> None:
        if self.explain:
            src = spec.source
            cite = ", ".join(x for x in (src.seed, f'"{src.title}"', src.date) if x)
            said = spec.title + (f": {spec.text}" if spec.text else "") + (f" ({aside})" if aside else "") + (f" (what changed: {changed})" if changed else "")
            self._say(
                "history" if history else "event",
                f"In history on {self.date:%d %b %Y}: {said}" if history else said,
                actor=spec.actor,
                status=spec.status,
                source=cite,
                extra={"id": spec.id, "inject": inject},
            )

    def _check_red_lines(self) -> None:
        st = self.settings
        live = self._live()
        for (holder_key, _), rl in self.red_lines.items():
            holder = self.actors[holder_key]
            draw = functools.partial(self.streams.uniform, self.turn, "red_line", holder_key, rl.id)
            if self.kernels == "numba":  # the line's day and what its observers learn, in one compiled pass (the keyed draw made either way)
                crossed, honoured, eroded = kernels.red_line(rl, live, holder, draw(), st.obligation, st.credibility_gain, st.credibility_erosion,
                                                             self._line_rows["belief"], self._kin_rows[id(rl)], st.reputation)
            else:
                crossed, honoured, eroded = rl.update(live, holder, draw, st.obligation, st.credibility_gain, st.credibility_erosion)
                self._teach(rl, honoured, st.credibility_gain)
                self._teach(rl, eroded, -st.credibility_erosion)
            if self.explain:
                who = holder.label
                if crossed[0] and not eroded[0]:
                    self._say(
                        "red_line",
                        f"{possessive(who)} red line '{rl.id}' is crossed; it promised '{self.ladder.names[rl.response]}' within {rl.spec.grace} turns",
                        actor=holder_key,
                    )
                if honoured[0]:
                    self._say("red_line", f"{who} answers as promised on '{rl.id}'; credibility rises to {rl.credibility[0]:.2f}", actor=holder_key)
                if eroded[0]:
                    still = f"; it is still crossed, a new debt of {rl.spec.grace} turns" if crossed[0] else ""
                    self._say("red_line", f"{who} let '{rl.id}' pass unanswered; credibility falls to {rl.credibility[0]:.2f}{still}", actor=holder_key)

    def _teach(self, rl: RedLineState, seen: np.ndarray, rate: float) -> None:
        """What those watching ``rl`` learn where a crossing was answered (rate > 0) or let pass (rate < 0): their
        belief in it moves by ``rate``, and in the holder's other lines they watch by ``reputation`` times that."""
        if not seen.any():
            return
        rl.learn(seen, rate)
        for other, shared in self.kin[id(rl)]:
            other.learn(seen, rate * self.settings.reputation, observers=shared)

    def _record(self, turn: int) -> None:
        """The day's bookkeeping: the system rung and its peak, each actor's peak, the facts first crossed after the branch
        (by anyone, and by each actor), the runs of days on each rung, the paths. This is the reference: ``kernels.record``
        does the same in one compiled pass."""
        counting = turn >= self.branch
        if self.kernels == "numba":
            new_first = kernels.record(self, turn, counting)
        else:
            active, peak = self._rows["active"], self._rows["peak"]
            live = np.where(active, self._rows["posture"], -1)
            system = live.max(axis=0).clip(min=0)
            self.system_rung = system
            np.copyto(peak, np.maximum(peak, live), where=active)
            if counting:
                found = entries(self.ladder, self._was, live)
                new_first = (self.first_crossing < 0) & entered(self.ladder, self._was, live, found)
                self.first_crossing = np.where(new_first, turn, self.first_crossing)
                self._note_actor_firsts(turn, found)
                self._count_days(turn, live)
            else:
                new_first = np.zeros_like(self.first_crossing, dtype=bool)
            self._was = self._standing()
            self.system_peak = np.maximum(self.system_peak, system)
            self.system_path[turn] = system
            self.intensity_path[turn] = intensity(self.ladder, live)
            if self.path is not None:
                self.path[turn] = live
        if self.explain:
            for i in np.flatnonzero(new_first[:, 0]):
                self._say("threshold", f"Threshold crossed: {self.ladder.threshold_names[i]}", extra={"id": self.ladder.threshold_ids[i]})

    def _note_actor_firsts(self, turn: int, found: tuple) -> None:
        """Each actor's own first day past each threshold: the day it entered the threshold's band itself."""
        actors, bands, worlds = found
        for b, thresholds in enumerate(self.ladder.band_thresholds):
            at = bands == b
            if at.any():
                for t in thresholds:
                    seen = self.actor_first[actors[at], t, worlds[at]]
                    self.actor_first[actors[at], t, worlds[at]] = np.where(seen < 0, turn, seen)

    def _count_days(self, turn: int, live: np.ndarray) -> None:
        """Days on each rung, kept as runs: a run is added up when the actor moves (rarely), the
        open ones when outcomes are read (see ``_days``)."""
        actors, worlds = np.nonzero(live != self._last)  # only a move can change the rung
        self._last = live
        kind = live[actors, worlds].astype(self._kind.dtype)  # -1: not taking part
        changed = kind != self._kind[actors, worlds]
        actors, worlds, kind = actors[changed], worlds[changed], kind[changed]
        if len(actors):
            self._close_runs(self.days, actors, worlds, turn)
            self._kind[actors, worlds], self._since[actors, worlds] = kind, turn

    def _close_runs(self, days: np.ndarray, actors: np.ndarray, worlds: np.ndarray, turn: int) -> None:
        old = self._kind[actors, worlds]
        counted = old >= 0
        # each (actor, world) comes once, so a plain fancy-index add is exact (no np.add.at needed)
        days[actors[counted], old[counted], worlds[counted]] += (turn - self._since[actors, worlds])[counted].astype(days.dtype)

    def _days(self) -> np.ndarray:
        """Days on each rung from the branch to the last turn played: (actors, rungs, W)."""
        days = self.days.copy()
        if self.turn > self.branch:
            actors, worlds = np.indices(self._kind.shape).reshape(2, -1)
            self._close_runs(days, actors, worlds, self.turn)
        return days

    def _tell_moves(self) -> None:
        """Narrate this turn's decisions that changed a posture, before what follows from them."""
        for d in self.decisions:
            if d["to"] != d["from"]:
                verb = "carries out" if self.ladder.action[d["to"]] else "climbs to" if d["to"] > d["from"] else "steps down to"
                label = self.actors[d["actor"]].label
                once = " (a one-off action)" if self.ladder.action[d["to"]] else ""
                self._say("move", f"{label} {verb} '{self.ladder.names[d['to']]}'{once}", actor=d["actor"], why=d["why"], rung=self.ladder.ids[d["to"]])

    def _say(self, kind: str, text: str, **kw) -> None:
        self.narrative.append(Entry(self.turn, self.date, kind, text, **kw))

    # ------------------------------------------------------------------ outcomes

    def end_state(self, end: np.ndarray | None = None) -> np.ndarray:
        """End-state code per world (index into END_STATES), judged against the branch; ``end``: the standing
        postures at the end, if already at hand."""
        end = self._standing() if end is None else end
        return end_state(
            self.ladder,
            facts=self.first_crossing,
            settled=settled(self.ladder, self.branch_pairs, end),
            at_branch=self.branch_intensity,
            at_end=intensity(self.ladder, end),
            band=self.settings.contained_band,
        )

    def outcomes(self) -> dict[str, np.ndarray]:
        """Per-world outcomes: the end state; the first turn of each threshold's fact after the branch (-1: never);
        the escalation intensity at the branch, at the end (standing postures), its peak and mean over the days
        played from the branch; the peak rung (the highest anyone stood on) and the final one; each actor's peak,
        final standing posture (-1: not taking part) and days on each rung and each kind of rung from the branch on
        (``days_<actor>_on_<rung>``, ``days_<actor>_<category>``) and its own first turn past each threshold
        (``day_<actor>_past_<threshold>``, -1: never); how many one-off actions of each kind were taken (``episodes_<rung>``)."""
        played = self.intensity_path[self.branch : max(self.turn, self.branch + 1)]
        end, days = self._standing(), self._days()
        out = {
            "end_state": self.end_state(end),
            "peak_rung": self.system_peak.copy(),
            "final_rung": self.system_rung.copy(),
            "intensity_branch": self.branch_intensity.copy(),
            "intensity_end": intensity(self.ladder, end),
            "intensity_peak": played.max(axis=0).astype(np.int64),
            "intensity_mean": played.mean(axis=0, dtype=np.float64),
        }
        for i, tid in enumerate(self.ladder.threshold_ids):
            out[f"first_{tid}"] = self.first_crossing[i].copy()
        if self.front is not None:
            out.update(self.front.outcomes())
        for a in self.order:
            out[f"peak_{a.key}"] = a.peak.copy()
            out[f"final_{a.key}"] = end[a.index].copy()
            for level, rung in enumerate(self.ladder.ids):
                out[f"days_{a.key}_on_{rung}"] = days[a.index, level].astype(np.int64)
            for c, category in enumerate(self.ladder.categories):
                out[f"days_{a.key}_{category}"] = days[a.index, self.ladder.category_index == c].sum(axis=0, dtype=np.int64)
            for i, tid in enumerate(self.ladder.threshold_ids):
                out[f"day_{a.key}_past_{tid}"] = self.actor_first[a.index, i].astype(np.int64)
        for i, level in enumerate(self.ladder.action_levels):  # one-off actions taken, by any actor
            out[f"episodes_{self.ladder.ids[level]}"] = sum((a.episodes[i] for a in self.order), np.zeros(self.worlds, dtype=np.int64))
        return out

    def _end_shares(self) -> np.ndarray:
        """For the reporters: the share of worlds in each end state after the turn just played, judged once for all of them."""
        if self._shares_at != self.turn:
            self._shares_at, self._shares = self.turn, np.bincount(self.end_state(), minlength=len(END_STATES)) / self.worlds
        return self._shares

    def _reporters(self) -> dict[str, Callable[[Crisis], object]]:
        rep: dict[str, Callable[[Crisis], object]] = {
            "peak_rung": lambda m: number(m.system_peak),
            "peak_rung_name": lambda m: m.ladder.names[max(int(round(number(m.system_peak))), 0)],
            "end_state": lambda m: END_STATES[int(m._end_shares().argmax())],
            "system_rung": lambda m: number(m.system_rung),
            "intensity": lambda m: number(m.intensity_path[max(m.turn - 1, 0)]),
        }
        if self.worlds > 1:
            for i, state in enumerate(END_STATES):
                rep[f"share_{state}"] = functools.partial(_end_share, i=i)
        for i, tid in enumerate(self.ladder.threshold_ids):
            rep[f"first_{tid}"] = functools.partial(_first_crossing, i=i)
        for key in self.keys:
            rep[f"peak_{key}"] = functools.partial(_actor_peak, key=key)
        return rep


COLLECT_UP_TO = 1000  # worlds up to which a model collects Mesa data by default


def _end_share(m: Crisis, i: int) -> float:
    return float(m._end_shares()[i])


def _first_crossing(m: Crisis, i: int) -> float | int:
    """The first turn past a threshold (-1: never) at W = 1; the share of worlds past it otherwise."""
    first = m.first_crossing[i]
    return int(first[0]) if m.worlds == 1 else float((first >= 0).mean())


def _actor_peak(m: Crisis, key: str) -> float | int:
    return number(m.actors[key].peak)


def _headline_keys(headline: dict) -> dict:
    """Keyword arguments as dotted keys: a setting by its name (``noise=0.5``), a trait as ``<actor>_<trait>``
    (``russia_resolve=0.8``), so that ``mesa.batch_run`` can vary them."""
    from escalation.scenario.schema import TRAITS, Settings

    keys = {}
    for name, value in headline.items():
        trait = next((t for t in TRAITS if name.endswith(f"_{t}")), None)
        if name in Settings.model_fields:
            keys[f"settings.{name}"] = value
        elif trait is not None:
            keys[f"actors.{name[: -len(trait) - 1]}.{trait}"] = value
        else:
            raise TypeError(f"Crisis() got an unexpected keyword argument '{name}': give a setting by its name (noise=0.5), a trait as "
                            f"ACTOR_TRAIT (russia_resolve=0.8), or any dotted key in overrides={{...}}{did_you_mean(name, list(Settings.model_fields))}")
    return keys


def _with_overrides(scenario, overrides: dict) -> tuple[Scenario, dict]:
    """The scenario loaded, with the overrides that shape it set in it (validated, as --set would), and the per-world
    ones apart (set in every world's arrays; they may also be one value per world)."""
    from escalation.scenario.loading import load_scenario
    from escalation.scenario.overrides import load_with_sets

    loaded = scenario if isinstance(scenario, Scenario) else load_scenario(scenario)
    if not overrides:
        return loaded, {}
    per_world = {k: v for k, v in overrides.items() if slot(loaded, k) is not None and not isinstance(v, dict)}
    fixed = {k: v for k, v in overrides.items() if k not in per_world}
    if fixed:
        loaded = load_with_sets(scenario, fixed)[0]
    return loaded, per_world


def _nearest(levels: np.ndarray, allowed: np.ndarray, goal: float) -> int:
    """Row of the allowed candidate nearest ``goal`` (the lower one on a tie)."""
    rows = np.flatnonzero(allowed)
    distance = np.abs(levels[rows] - goal)
    return int(rows[np.lexsort((levels[rows], distance))[0]])


def _leverage(actors: list[ActorAgent]) -> np.ndarray | float:
    """The summed leverage of the restrainers or veto players taking part, per world."""
    return sum(np.where(q.active, q.traits["leverage"], 0.0) for q in actors)


def chance(p: float) -> str:
    """A probability in words that never rounds a real chance to nothing: '27%', '0.4%', 'under 0.1%'."""
    return f"{p:.0%}" if p >= 0.01 else f"{p:.1%}" if p >= 0.001 else "under 0.1%"


def possessive(name: str) -> str:
    """ "Russia's", but "the United States'"."""
    return f"{name}'" if name.endswith("s") else f"{name}'s"
