"""Targeted mutation testing of the model core: does the suite catch a broken model?

    python -m tests.mutation.run [--only N ...] [--list]

Each mutant changes one thing in ``sim/model/`` (a flipped comparison, min for max, a
dropped guard, a constant off by one, an operand swapped), then the model's tests run
(TESTS); the mutant is *killed* if any of them fails. The source is restored after each
mutant, whatever happens. A hand-written list rather than a general tool (mutmut):
the core is small, a generic tool spends most of its time on mutants in wording and
logging, and each mutant here names the mechanism it breaks. Prints the score; exits 1
below TARGET.
"""

from __future__ import annotations

import argparse
import signal
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
TARGET = 0.85
# the quick tests that see most first: a mutant is killed by the first failure (-x), in one process (no workers to start)
TESTS = ["tests/test_outcomes.py", "tests/test_golden.py", "tests/test_kernels.py", "tests/test_model.py", "tests/test_rules.py", "tests/test_rule_contract.py",
         "tests/test_streams.py", "tests/test_branch.py", "tests/test_scenarios.py", "tests/test_reasons.py", "tests/test_face_validity.py",
         "tests/test_ensemble.py", "tests/test_war.py", "tests/test_deterrence.py", "tests/test_mechanisms.py", "tests/test_classroom.py",
         "tests/test_uncertainty.py", "tests/test_results_data.py", "tests/test_mesa_conventions.py"]

# (file under sim/model/, the exact text, its mutation, what breaks)
MUTANTS = [
    ('redlines.py', 'else np.arange(ladder.n) >= self.response', 'else np.arange(ladder.n) > self.response', 'an answer at the promised rung no longer honours a line'),
    ('redlines.py', 'ladder.action & (np.arange(ladder.n) >= self.response) if', '(np.arange(ladder.n) >= self.response) if', 'standing above a promised one-off action answers it without acting'),
    ('redlines.py', 'over = in_force & (watched_max >= self.at)', 'over = in_force & (watched_max > self.at)', "standing on a red line's rung no longer crosses it"),
    ('redlines.py', 'crossed = over & (due == 0) & ~self.answered & ~self.spent(holder_standing)', 'crossed = over & (due == 0) & ~self.spent(holder_standing)', 'an answered violation held over is owed again'),
    ('redlines.py', 'crossed = over & (due == 0) & ~self.answered & ~self.spent(holder_standing)', 'crossed = over & ~self.answered & ~self.spent(holder_standing)', 'a new crossing while a debt is outstanding resets it'),
    ('redlines.py', 'self.credibility[:] = np.where(eroded, self.credibility * (1.0 - erosion), self.credibility)', 'self.credibility[:] = np.where(eroded, self.credibility * (1.0 + erosion), self.credibility)', 'an unanswered line gains credibility'),
    ('redlines.py', 'self.credibility + gain * (1.0 - self.credibility)', 'self.credibility - gain * (1.0 - self.credibility)', 'an answered line loses credibility'),
    ('redlines.py', 'draw() < obligation * holder_resolve * self.credibility', 'draw() > obligation * holder_resolve * self.credibility', 'resolve and credibility make an answer less likely'),
    ('redlines.py', 'eroded = still & (due == 0)', 'eroded = still & (due == 1)', 'erosion one turn early'),
    ('redlines.py', '        self.active &= ~mask\n', '        self.active &= mask\n', 'withdrawing a line keeps it only where withdrawn'),
    ('redlines.py', '        self.active |= mask\n', '        self.active &= mask\n', 'declaring a line switches it off elsewhere'),
    ('events.py', '            mask &= ~self.fired', '            pass', 'a once-only event fires again'),
    ('events.py', 'mask &= model.streams.uniform(turn, "event", self.id) < spec.chance', 'mask &= model.streams.uniform(turn, "event", self.id) > spec.chance', 'a chance event fires with one minus its chance'),
    ('events.py', '        if not self.first <= turn <= self.last:', '        if not self.first <= turn < self.last:', "an event's window loses its last turn"),
    ('events.py', 'current = np.where(agent.active, agent.posture, -1)', 'current = agent.posture', "an absent actor's posture still counts in conditions"),
    ('events.py', 'current = now if cond.metric == "posture" else np.maximum(model.system_peak, now)', 'current = now if cond.metric == "posture" else np.minimum(model.system_peak, now)', "the system's peak read as a minimum"),
    ('events.py', '            model.actors[body].active |= mask', '            model.actors[body].active &= mask', 'add_actor removes the actor elsewhere'),
    ('events.py', '            model.actors[body].active &= ~mask', '            pass', 'remove_actor does nothing'),
    ('events.py', 'if enact or body.binding or agent.rule.name == "scripted":', 'if enact or body.binding:', 'a scripted actor ignores its timeline'),
    ('events.py', 'if enact or body.binding or agent.rule.name == "scripted":', 'if body.binding or agent.rule.name == "scripted":', 'history is not enacted for actors that decide'),
    ('crisis.py', 'return turn < self.branch', 'return turn <= self.branch', 'history lasts one turn into the branch'),
    ('crisis.py', 'changed = kind != self._kind[actors, worlds]', 'changed = kind > self._kind[actors, worlds]', 'a step down leaves the days counted on the rung above'),
    ('crisis.py', 'days[a.index, self.ladder.category_index == c].sum(axis=0, dtype=np.int64)', 'days[a.index, self.ladder.category_index != c].sum(axis=0, dtype=np.int64)', "a kind of rung's days are the other kinds'"),
    ('crisis.py', 'if not history and self._a_choice(ev.spec):', 'if False:', 'after the branch a documented choice is made for the actor and told as news'),
    ('crisis.py', 'there = actor.posture == level if self.ladder.action[level] else actor.posture >= level', 'there = actor.posture >= level', 'a documented one-off action counts as made by standing higher'),
    ('crisis.py', 'apply_effects(self, ev.spec.effects, mask & happened)', 'apply_effects(self, ev.spec.effects, mask)', "a documented choice's effects apply where it did not happen"),
    ('crisis.py', 'self._tell(ev.spec, history=not happened[0])', 'self._tell(ev.spec, history=False)', 'a documented choice not made is told as news'),
    ('crisis.py', 'if fx.set_posture is not None and not fx.set_posture.binding and self.actors[fx.set_posture.actor].rule.name != "scripted"', 'if fx.set_posture is not None and not fx.set_posture.binding', 'scripted actors no longer follow the documented timeline after the branch'),
    ('events.py', '            current = np.where(rl.active, rl.credibility, 0.0)', '            current = rl.credibility', "a withdrawn line's credibility still counts"),
    ('outcomes.py', 'fresh = (band > bands[was]) |', 'fresh = (band != bands[was]) |', 'stepping down into a band counts as a fact'),
    ('outcomes.py', 'fresh = (band > bands[was]) | np.append(ladder.action, False)[moved]', 'fresh = band > bands[was]', 'a one-off action taken from a higher posture is no fact'),
    ('outcomes.py', 'state = np.where(change < -band, 1, np.where(change > band, 3, 2))', 'state = np.where(change < -band, 1, np.where(change >= band, 3, 2))', 'the contained band loses its upper edge'),
    ('outcomes.py', 'state = np.where(change < -band, 1, np.where(change > band, 3, 2))', 'state = np.where(change <= -band, 1, np.where(change > band, 3, 2))', 'the contained band loses its lower edge'),
    ('outcomes.py', '    state = np.where(settled, 0, state)\n', '\n', 'no world is ever settled'),
    ('outcomes.py', 'for code, name in ((4, "direct_nato_russia_war"), (5, "nuclear_use")):', 'for code, name in ((5, "nuclear_use"), (4, "direct_nato_russia_war")):', 'a NATO-Russia war outranks nuclear use'),
    ('outcomes.py', 'quiet = (talks[end[i]] | talks[end[j]]) & ~fighting[end[i]] & ~fighting[end[j]]', 'quiet = (talks[end[i]] | talks[end[j]]) & ~fighting[end[i]]', 'a pair settles while one of them fights on'),
    ('outcomes.py', 'return matter.any(axis=0) & (quiet | ~matter).all(axis=0)', 'return (quiet | ~matter).all(axis=0)', 'a crisis without adversaries counts as settled'),
    ('outcomes.py', 'return i, j, np.where(war.any(axis=0), war, both)', 'return i, j, war', 'with no pair at war at the branch nothing can settle'),
    ('outcomes.py', 'war = both & (fighting[standing[i]] | fighting[standing[j]])', 'war = both & (fighting[standing[i]] & fighting[standing[j]])', 'a pair is at war only when both sides fight'),
    ('outcomes.py', 'scores = np.append(ladder.intensity, 0)', 'scores = np.append(ladder.intensity, -2)', 'an absent actor scores as one at talks'),
    ('crisis.py', 'aim = np.maximum(aim, owed)', 'aim = np.minimum(aim, owed)', 'an owed response lowers the aim'),
    ('crisis.py', 'owed = np.where(rl.owed() & (rl.response > owed), rl.response, owed)', 'owed = np.where(rl.owed() & (rl.response < owed), rl.response, owed)', 'the lowest owed response is kept'),
    ('crisis.py', 'new = np.where(a.active & ~held, new, a.posture)', 'new = np.where(~held, new, a.posture)', 'inactive actors move'),
    ('crisis.py', 'accident = slip & a.can_slip[chosen] & (chosen < a.max_level)', 'accident = slip & a.can_slip[chosen]', 'an accident slips past the capability bound'),
    ('crisis.py', 'slip = (accident_u < st.accident_rate) & (chosen != a.posture)', 'slip = (accident_u > st.accident_rate) & (chosen != a.posture)', 'accidents happen with one minus their rate'),
    ('crisis.py', 'np.copyto(peak, np.maximum(peak, live), where=active)', 'np.copyto(peak, np.maximum(peak, self._rows["posture"]))', "an absent actor's peak updates"),
    ('crisis.py', 'new_first = (self.first_crossing < 0) & entered(', 'new_first = entered(', "a threshold's first turn is overwritten"),
    ('crisis.py', '        counting = turn >= self.branch\n', '        counting = True\n', "the history's moves count as facts"),
    ('crisis.py', '            self._was = self._standing()\n            self.system_peak', '            self._was = live\n            self.system_peak', 'the day after a one-off action a climb is measured from the action, and a clash above the standing posture is missed'),
    ('crisis.py', '        if turn == self.branch and turn > 0:\n            self._branch_state()\n', '\n', 'the branch is judged from the start, not from where the history left it'),
    ('crisis.py', '            a.episodes[:] = 0\n', '            pass\n', 'episodes in the history are counted'),
    ('crisis.py', '            legal |= (levels == owed.astype(np.int8)) & (owed >= 0) & (levels >= 0)', '            pass', 'a promised strike below the standing posture cannot be taken'),
    ('crisis.py', 'charge(rl, (levels >= at) * cost)', 'charge(rl, (levels > at) * cost)', 'deterrence starts one rung late'),
    ('compiled.py', '(line_cost[r, w] if level[w] >= at else zero)', '(line_cost[r, w] if level[w] > at else zero)', 'compiled deterrence starts one rung late'),
    ('crisis.py', 'expected = np.where(in_force, belief, 0.0) * severity', 'expected = belief * severity', 'a line out of force still deters'),
    ('crisis.py', 'added = np.maximum(self.restrained_danger[np.clip(levels, 0, None)] - self.restrained_danger[a.posture], 0.0)', 'added = self.restrained_danger[np.clip(levels, 0, None)]', 'restraint charges standing still where the client already is'),
    ('crisis.py', 'return sum(np.where(q.active, q.traits["leverage"], 0.0) for q in actors)', 'return sum(q.traits["leverage"] for q in actors)', 'an absent restrainer or veto player still weighs'),
    ('crisis.py', 'up = new > a.posture', 'up = new >= a.posture', 'the veto also holds up staying put'),
    ('crisis.py', 'charge("inertia", -costs.inertia, a.stay)', 'charge("inertia", costs.inertia, a.stay)', 'inertia pushes actors to move'),
    ('compiled.py', 's[w] = s[w] - (-inertia[w])', 's[w] = s[w] - inertia[w]', 'compiled inertia pushes actors to move'),
    ('crisis.py', 'values = np.where(values >= 0, values + np.float32(st.noise) * (z + np.float32(st.suspicion)), values)', 'values = values + np.float32(st.noise) * (z + np.float32(st.suspicion))', 'fog makes a missing adversary appear'),
    ('crisis.py', 'np.negative(score, out=score)', 'pass', 'the choice runs away from the aim'),
    ('kernels.py', '        pick += acc < target', '        pick += acc <= target', 'the logit draw is off by one at the edges'),
    ('compiled.py', 'pick[w] += acc[w] < total[w]', 'pick[w] += acc[w] <= total[w]', 'the compiled logit draw is off by one at the edges'),
    ('compiled.py', '            if not legal[k, w]:', '            if legal[k, w]:', 'the compiled choice weighs only illegal moves'),
    ('compiled.py', '            kept = x >= EXP_FLOOR', '            kept = x > -1.0', 'the compiled logit drops all but the likeliest moves'),
    ('numerics.py', 'LN2_HI\n    r = r - n * LN2_LO', 'LN2_HI\n    r = r + n * LN2_LO', 'the exponential is a little off'),
    ('compiled.py', 'LN2_HI\n            r = r - n * LN2_LO', 'LN2_HI\n            r = r + n * LN2_LO', 'the compiled exponential is a little off'),
    ('compiled.py', '            out[lane, w] = np.float64(z >> S11) * TO_UNIT', '            out[lane, w] = np.float64(z >> np.uint64(12)) * TO_UNIT', 'compiled draws fill only half of [0, 1)'),
    ('actor.py', 'new = np.full_like(current, value) if value is not None else current + by', 'new = np.full_like(current, value) if value is not None else current - by', 'a trait change by an amount goes the other way'),
    ('actor.py', 'current[:] = np.where(mask, np.clip(new, lo, hi), current)', 'current[:] = np.where(mask, new, current)', 'traits leave their range'),
    ('actor.py', 'legal = (levels >= self.min_level) & (levels <= self.max_level)', 'legal = (levels >= self.min_level) & (levels < self.max_level)', "the top of an actor's capabilities is out of reach"),
    ('actor.py', '        legal[self.stay] = True\n', '\n', 'staying put can be illegal'),
    ('actor.py', 'snapped = np.where(self.posture > self.max_level, np.where(highest >= 0, highest, self.max_level), self.posture)', 'snapped = self.posture', 'a withdrawn permission leaves the posture it allowed'),
    ('actor.py', 'self.standing[:] = np.where(is_action, self.standing, new)', 'self.standing[:] = new', 'an action becomes the posture to return to'),
    ('actor.py', 'acting = is_action & (new != self.posture)', 'acting = is_action', 'the same action twice a day counts twice'),
    ('rules/brinkmanship.py', 'np.maximum(above, s.posture - 1)', 'np.maximum(above, s.posture - 2)', 'brinkmanship backs down two rungs a turn'),
    ('rules/brinkmanship.py', 'margin = self.params.margin * s.resolve + LOSS_PUSH * s.loss', 'margin = self.params.margin + LOSS_PUSH * s.loss', 'brinkmanship ignores resolve'),
    ('rules/reciprocal.py', 's.threat + self.params.offset', 's.threat - self.params.offset', "reciprocity's offset goes the other way"),
    ('rules/graduated.py', 'escalated = s.threat > s.last_threat + self.tolerance(s)', 'escalated = s.threat >= s.last_threat', 'GRIT reads any standstill as an escalation'),
    ('rules/graduated.py', 'conciliate = np.where(s.loss > LOSING, s.posture, np.maximum(s.posture - self.params.step, floor))', 'conciliate = np.where(s.loss > LOSING, s.posture, np.minimum(s.posture - self.params.step, floor))', 'GRIT falls through its floor'),
    ('rules/alliance.py', 'return self.params.softening * np.maximum(0.5 - s.resolve, 0.0)', 'return self.params.softening * np.minimum(0.5 - s.resolve, 0.0)', 'low resolve raises support'),
    ('rules/alliance.py', 'support = np.clip(np.maximum(aid, s.need + self.params.offset) + LOSS_PUSH * s.loss, floor, ceiling) - self.wavering(s)', 'support = np.clip(np.maximum(aid, s.need + self.params.offset) + LOSS_PUSH * s.loss, floor, ceiling)', 'support never wavers'),
    ('rules/restraint.py', 'return np.where(s.watched >= self.alarm(s, alarm), float(signal), float(calm))', 'return np.where(s.watched > self.alarm(s, alarm), float(signal), float(calm))', 'restraint signals one rung late'),
    ('streams.py', 'np.arange(first_run, first_run + self.worlds, dtype=np.uint64)', 'np.arange(0, self.worlds, dtype=np.uint64)', 'every chunk draws as if it began at run 0'),
    ('streams.py', 'return self.uniforms(turn, *purpose, lanes=1)[0]', 'return self.uniforms(turn, *purpose, lanes=2)[1]', 'a uniform draw shares a lane with another purpose'),
    ('streams.py', 'return kernels.uniforms(_hash("escalation", self.seed, turn, *purpose)', 'return kernels.uniforms(_hash("escalation", self.seed, *purpose)', 'every turn draws the same numbers'),
    ('ladder.py', 'danger = np.array([weights[t_levels <= lv].sum() for lv in range(len(spec.rungs))])', 'danger = np.array([weights[t_levels < lv].sum() for lv in range(len(spec.rungs))])', "a threshold's cost is charged one rung late"),
    ('ladder.py', 'band = np.array([sum(s <= lv for s in starts) - 1', 'band = np.array([sum(s < lv for s in starts) - 1', "a threshold's band starts one rung late"),
    ('ladder.py', 'intensity=np.maximum.accumulate([RIVERA_SCORE[r.rivera] for r in spec.rungs])', 'intensity=np.array([RIVERA_SCORE[r.rivera] for r in spec.rungs])', 'the intensity falls as an actor climbs onto nuclear signalling'),
    ('actor.py', '            legal &= ~np.take(self.down_to_action, posture, axis=1)\n', '            pass\n', 'a one-off action is taken by stepping down to it'),
    ('war.py', 'war_on = engaged[a] | engaged[b]', 'war_on = engaged[a] & engaged[b]', 'a side that stops fighting stops the war'),
    ('war.py', 'force = engaged[me] + strike[me] * (1.0 - defence[foe])', 'force = engaged[me] + strike[me]', 'air defence blunts nothing'),
    ('war.py', 'step = sp.momentum * (effort[0] - effort[1]) * war_on', 'step = sp.momentum * (effort[1] - effort[0]) * war_on', 'the front moves towards the weaker side'),
    ('war.py', 'effort[k] = self.strength[me] * force * (0.5 + 0.5 * resolve[me])', 'effort[k] = self.strength[me] * force', "resolve adds nothing to a side's effort"),
    ('war.py', 'change = sp.rally * harder * (1.0 - defence) - sp.weariness * traits["cost_sensitivity"] * cost', 'change = sp.rally * harder * (1.0 - defence) + sp.weariness * traits["cost_sensitivity"] * cost', 'war costs raise resolve'),
    ('war.py', 'harder = took > self.struck + 1e-9', 'harder = took >= self.struck', 'every day of war rallies'),
    ("war.py", "self._loss = np.maximum(self.sign[:, None] * (self.reference - self.balance)[None, :], 0.0) / 2.0", "self._loss = np.maximum(self.sign[:, None] * (self.balance - self.reference)[None, :], 0.0) / 2.0", "gaining ground counts as a loss"),
    ('war.py', 'settle = share + LEVERAGE_TERMS * (traits["leverage"][me] - traits["leverage"][foe])', 'settle = share', 'leverage buys no terms at the table'),
    ('war.py', 'willing.append(fight < settle)', 'willing.append(fight > settle)', 'sides settle when fighting on is worth more'),
    ('war.py', 'talks = willing[0] & willing[1] & active[self.a] & active[self.b]', 'talks = (willing[0] | willing[1]) & active[self.a] & active[self.b]', 'one willing side opens talks'),
    ('war.py', 'self.spoiled = talks & (spoiler() < sp.spoilers)', 'self.spoiled = talks & (spoiler() > sp.spoilers)', 'spoilers strike with one minus their chance'),
    ('war.py', 'self.trend = np.where(self.talks, self.trend,', 'self.trend = np.where(False, self.trend,', 'talks read the front as it moves, and break at once'),
    ('war.py', 'cost[self.supporter] = AID_COST * sp.burden', 'cost[self.supporter] = 0 * sp.burden', 'supporters bear no cost of their aid'),
    ('redlines.py', 'return np.zeros(holder_standing.shape, dtype=bool) if self.response_is_action else holder_standing >= self.response', 'return np.zeros(holder_standing.shape, dtype=bool)', 'a threat already carried out is owed and deters again'),
    ('redlines.py', 'self.answered &= over  # once the violation ends, the next crossing is a new one', 'pass', 'an answered line stays answered after the violation ends'),
    ('redlines.py', 'moved = np.where(rate > 0, b + rate * (1.0 - b), b * (1.0 + rate))', 'moved = np.where(rate > 0, b + rate * (1.0 - b), b * (1.0 - rate))', 'an unanswered crossing raises beliefs'),
    ('redlines.py', 'self.belief[:] = np.where(mask, self.declared, self.belief)', 'pass', 'a line declared again keeps its old beliefs'),
    ('crisis.py', 'other.learn(seen, rate * self.settings.reputation, observers=shared)', 'other.learn(seen, rate, observers=shared)', "a lesson carries over whole to the holder's other lines"),
    ('crisis.py', 'self._teach(rl, eroded, -st.credibility_erosion)', 'self._teach(rl, eroded, st.credibility_erosion)', 'watchers believe a line more when it is ignored'),
    ('crisis.py', 'self._loss_seeking = self.front.spec.loss_seeking if self.front is not None else 0.0', 'self._loss_seeking = 0.0', 'losses make no one risk-seeking'),
    ('crisis.py', 'keeps = answers[np.clip(levels, 0, None)] & (levels >= 0)', 'keeps = ~answers[np.clip(levels, 0, None)] & (levels >= 0)', 'the audience cost rewards backing down'),
    ('compiled.py', 'keep = ((bits >> lv) & np.int64(1)) != 0 if', 'keep = ((bits >> lv) & np.int64(1)) == 0 if', 'the compiled audience cost rewards backing down'),
    ('crisis.py', 'aim = np.where(talks, float(self.front.talks_level), aim)', 'aim = aim', 'the sides never go to the table'),
    ("crisis.py", 'return up & (self.streams.uniform(self.turn, "veto", a.key) < self.settings.veto * _leverage(a.veto_players))', 'return up & (self.streams.uniform(self.turn, "veto", a.key) > self.settings.veto * _leverage(a.veto_players))', "the veto holds up steps with one minus its chance"),
    ('actor.py', 'legal &= ~((levels == level) & (left <= 0))', 'pass', 'a spent stock can still be used'),
    ('actor.py', 'left -= acting & (new == level)', 'pass', 'actions spend no stock'),
    ('outcomes.py', 'graver = ladder.threshold_levels >= ladder.threshold_level(FACT_END_STATES[name])', 'graver = ladder.threshold_levels == ladder.threshold_level(FACT_END_STATES[name])', 'a jump straight to theatre nuclear war is no nuclear use'),
    ('rules/alliance.py', 'aid = np.where(s.fought, float(aid_level), 0.0)', 'aid = np.where(s.need >= 0, float(aid_level), 0.0)', 'aid flows while no ally is fought'),
    ('rules/reciprocal.py', 'reply = s.threat + self.params.offset + self.firmness(s)', 'reply = s.threat + self.params.offset', 'reciprocity ignores resolve and losses'),
    ('rules/base.py', 'return (s.resolve - 0.5) + LOSS_PUSH * s.loss', 'return (s.resolve - 0.5) - LOSS_PUSH * s.loss', 'a losing side climbs down instead of gambling'),
    ('events.py', 'if old != new else f"{what} stays {new}"', 'if old == new else f"{what} stays {new}"', "an inject's news says it changed what it left, and the reverse"),
    ('crisis.py', 'before = [effect_state(self, fx) for fx in card.effects] if self.explain else []', 'before = []', "the news no longer says what an inject changed"),
    ('events.py', 'return f"{agent.label}\'s posture", f"\'{model.ladder.names[int(agent.posture[0])]}\'"',
     'return f"{agent.label}\'s posture", f"\'{model.ladder.names[int(agent.standing[0])]}\'"', "an inject's news reads the standing posture, not the one it set"),
    # per-world parameters: distributions, packed sweeps (a world's value must play as the scenario's would)
    ('streams.py', 'self.ids = ids.astype(np.uint64)', 'self.ids = np.sort(ids).astype(np.uint64)', 'the worlds of packed points draw in the wrong order'),
    ('crisis.py', '            self.actors[key].traits[trait][:] = values\n', '            pass\n', 'a trait given per world is ignored'),
    ('crisis.py', '            rule.params = rule.params.model_copy(update={name: values})', '            pass', 'a rule parameter given per world is ignored'),
    ('crisis.py', '            self.red_lines[(key, line)].declared_at(values)', '            pass', "a red line's credibility given per world is ignored"),
    ('crisis.py', 'values + np.float32(st.noise) * (z + np.float32(st.suspicion))', 'values + np.float32(st.noise) * (z - np.float32(st.suspicion))', 'suspicion reads adversaries lower, not higher'),
    ('crisis.py', '*((("draw", dist.draw),) if dist.draw else (key,))', '*(("draw", dist.draw),)', 'every distribution draws the same quantile in a world'),
    ('redlines.py', 'moved = np.where(rate > 0, b + rate * (1.0 - b), b * (1.0 + rate))', 'moved = np.where(rate < 0, b + rate * (1.0 - b), b * (1.0 + rate))', 'observers learn the wrong lesson from an answer'),
    ('crisis.py', 'self.actor_first[actors[at], t, worlds[at]] = np.where(seen < 0, turn, seen)', 'self.actor_first[actors[at], t, worlds[at]] = turn', "an actor's first day past a threshold becomes its last"),
    # the compiled twins of the decision, the war, the red lines and the day's bookkeeping (the reference's own mutants above)
    ('compiled.py', 'ok[w] = (level[w] >= min_level[w]) & (level[w] <= max_level[w])', 'ok[w] = (level[w] >= min_level[w]) & (level[w] < max_level[w])', 'compiled: the top rung within bounds is out of reach'),
    ('compiled.py', "# a spent stock's action\n            sl, has = np.int8(stock_level[s]), left[s]\n            for w in range(worlds):\n                ok[w] = ok[w] & ((level[w] != sl) | has[w])",
     "# a spent stock's action\n            sl, has = np.int8(stock_level[s]), left[s]\n            for w in range(worlds):\n                ok[w] = ok[w]", 'compiled: a spent stock can still be used'),
    ('compiled.py', 'n = c + 1 if slip and can_slip[c] and c < max_level[w] else c', 'n = c + 1 if slip and c < max_level[w] else c', 'compiled: an accident slips onto a rung out of reach'),
    ('compiled.py', 'harder = 1.0 if took[w] > struck[i, w] + 1e-9 else 0.0', 'harder = 1.0 if took[w] >= struck[i, w] else 0.0', "compiled: a strike no harder than yesterday's rallies"),
    ('compiled.py', 'if war_on[w] != 0.0 and not talks[w] else expected[i, w]', 'if war_on[w] != 0.0 else expected[i, w]', 'compiled: the costs of fighting on are learnt while talks are open'),
    ('compiled.py', 'over = in_force & (top[w] >= at)', 'over = in_force & (top[w] > at)', "compiled: standing on a red line's rung no longer crosses it"),
    ('compiled.py', 'cross = over & (left == 0) & (not done) & (not spent)', 'cross = over & (left == 0) & (not spent)', 'compiled: an answered violation held over is owed again'),
    ('compiled.py', 'meaning = u[w] < obligation[w] * resolve[w] * c', 'meaning = u[w] > obligation[w] * resolve[w] * c', 'compiled: resolve and credibility make an answer less likely'),
    ('compiled.py', 'c = c * (1.0 - erosion[w]) if ero else c', 'c = c * (1.0 + erosion[w]) if ero else c', 'compiled: an unanswered line gains credibility'),
    ('compiled.py', 'if rate[w] > 0 else b[w] * (1.0 + rate[w])', 'if rate[w] > 0 else b[w] * (1.0 - rate[w])', 'compiled: an unanswered crossing raises beliefs'),
    ('compiled.py', 'high[w] = max(high[w], lv[w]) if on[w] else high[w]', 'high[w] = max(high[w], at[w])', "compiled: an absent actor's peak updates"),
    ('compiled.py', 'if v != before[w] and (bands[v] > bands[before[w]] or acts[v]):', 'if v != before[w] and (bands[v] >= bands[before[w]] or acts[v]):', 'compiled: a move within a band is a new fact'),
    ('compiled.py', 'if actor_first[i, t, w] < 0:', 'if True:', "compiled: an actor's first day past a threshold becomes its last"),
    ('compiled.py', 'days[i, run[w], w] += turn - since[i, w]', 'days[i, run[w], w] += turn - since[i, w] + 1', 'compiled: each run of days on a rung counts one day too many'),
    ('compiled.py', 'then[w] = stand[w] if on[w] else -1', 'then[w] = lv[w]', 'compiled: the day after a one-off action a climb is measured from the action'),
    ('compiled.py', '((beliefs[w] if in_force else 0.0) * severity[r])', '(beliefs[w] * severity[r])', 'compiled: a line out of force still deters'),
    ('compiled.py', 'tolerance[w] + loss_seeking * loss[w]', 'tolerance[w]', 'compiled: losses make no one risk-seeking'),
    ('compiled.py', '            if adversary[i, j]:', '            if not adversary[i, j]:', "compiled: each actor reads those who are not its adversaries as the threat"),
    ('compiled.py', '            stock_left[s, w] -= n == stock_levels[s]', '            pass', 'compiled: actions spend no stock'),
    ('compiled.py', 'standing[w] = standing[w] * on + n * (np.int64(1) - on)', 'standing[w] = standing[w]', 'compiled: a new standing posture is not the one to return to'),
    ('compiled.py', 'if is_in(acts, action, n) and n != posture[w]:', 'if is_in(acts, action, n):', 'compiled: a one-off action held over is counted and spent again'),
    ('compiled.py', 'at[w] = stand[w] * on + p * (np.int8(1) - on)', 'at[w] = p', 'compiled: a one-off action lasts past its day'),
    ('compiled.py', 'return packed(row, 1, 4)', 'return packed(row, 0, 4)', "compiled: every candidate read a rung off"),
    ('compiled.py', '& np.int64(15)) - np.int64(1))', '& np.int64(7)) - np.int64(1))', "compiled: the candidates above the eighth rung are read wrong"),
    ('compiled.py', 'if values.shape[0] * width > 63:', 'if values.shape[0] * width > 64:', "compiled: a 16-rung ladder's candidates overflow their four bits"),
    ('compiled.py', 'np.float64(np.float32(v) + noise[w] * (z[w] + suspicion[w]))', 'np.float64(np.float32(v) + noise[w] * (z[w] - suspicion[w]))',
     'compiled: suspicion reads adversaries lower, not higher'),
    ('compiled.py', 'cost[w] = np.float32(deterrence[w] * risk[w] * ((beliefs', 'cost[w] = np.float32(deterrence[w] * ((beliefs', 'compiled: deterrence ignores risk tolerance'),
    ('compiled.py', 'aimed[w] = np.float32(x if x >= o or x != x else o)', 'aimed[w] = np.float32(x)', 'compiled: a promised answer no longer raises the aim'),
    ('compiled.py', 'new[w] = n if active[w] else posture[w]', 'new[w] = n', 'compiled: an actor taking no part moves'),
    ('compiled.py', 'top[w] = max(top[w], theirs[w] if mine[w] >= 0 else np.int8(-1))', 'top[w] = max(top[w], theirs[w])', 'compiled: an ally taking no part is still defended'),
    ('compiled.py', 'fought[w] = fought[w] | fights[row[w]]', 'fought[w] = fought[w]', "compiled: an ally's foes are never seen fighting"),
    ('compiled.py', 'read(top, z2, noise, suspicion, need)', 'need[:] = top', "compiled: an ally's need is read without the fog"),
    ('war.py', 'np.copyto(resolve, np.clip(resolve + change, *resolve_range), where=active)', 'np.copyto(resolve, resolve + change, where=active)',
     'the war wears resolve past its range'),
    ('compiled.py', 'resolve[i, w] = _clip(resolve[i, w] + change, low, high)', 'resolve[i, w] = resolve[i, w] + change', 'compiled: the war wears resolve past its range'),
    ('compiled.py', 'loss[i, w] = max(sign[i] * (reference[w] - balance[w]), 0.0) / 2.0', 'loss[i, w] = max(sign[i] * (balance[w] - reference[w]), 0.0) / 2.0',
     'compiled: a side counts the ground it gained as lost'),
    ('crisis.py', 'return np.where(self._held_up(a, new), a.posture, new) if a.veto_players else new', 'return new', 'compiled: a veto holds up nothing'),
    ('compiled.py', 'out[w] = _clip(reply, 0.0, top) if threat[w] >= 0 else posture[w]', 'out[w] = _clip(reply, 0.0, top) if threat[w] > 0 else posture[w]',
     'compiled reciprocal: an adversary on the lowest rung is no threat'),
    ('compiled.py', 'out[w] = _max(above, posture[w] - 1) if threat[w] >= 0', 'out[w] = _max(above, posture[w]) if threat[w] >= 0',
     'compiled brinkmanship never comes down'),
    ('compiled.py', 'conciliate = posture[w] if loss[w] > losing else', 'conciliate = posture[w] if loss[w] < losing else', 'compiled GRIT concedes only while losing'),
    ('compiled.py', 'watched[w] >= alarm - 3.0 * (resolve[w] - 0.5)', 'watched[w] >= alarm + 3.0 * (resolve[w] - 0.5)', 'compiled restraint: resolve makes it press later'),
    ('compiled.py', 'given = aid if fought[w] else 0.0', 'given = 0.0', 'compiled alliance gives no aid to an ally being fought'),
    ('compiled.py', 'softening[w] * _max(0.5 - resolve[w], 0.0)', 'softening[w] * (0.5 - resolve[w])', 'compiled alliance: high resolve raises support'),
    ('compiled.py', 'willing[k, w] = fight < settle', 'willing[k, w] = fight > settle', 'compiled: a side would settle where fighting on pays more'),
    ('compiled.py', 'broken = open_ & (u[w] < spoilers)', 'broken = open_ & (u[w] > spoilers)', 'compiled: spoilers wreck talks most where they are fewest'),
    ('compiled.py', 'if meant[w] and due[w] > 0 and response > owed[w]:', 'if meant[w] and due[w] > 0:', 'compiled: a milder owed answer replaces a graver one'),
    ('compiled.py', 'in_force = on[w] & holder_on[w] & (standing[w] < spends)', 'in_force = on[w] & holder_on[w]', 'compiled: a response already given still deters'),
    ('compiled.py', 'owes = meant[w] & (due[w] > 0)', 'owes = due[w] > 0', 'compiled: an audience cost for a promise not meant'),
    ('compiled.py', 'ok[w] = ok[w] & (((bits >> np.int64(at[w])) & np.int64(1)) == 0)', 'ok[w] = ok[w] & (((bits >> np.int64(at[w])) & np.int64(1)) != 0)', 'compiled: one-off actions below reversed'),
    ('compiled.py', '        small = m < SQRT_HALF\n        e = (bits[w]', '        small = m > SQRT_HALF\n        e = (bits[w]', "compiled: the normals' log reduced the wrong way"),
    ('numerics.py', 'sin = np.where(odd, c, s) * np.where((k & np.int32(2)) != 0, minus, ONE)', 'sin = np.where(odd, s, c) * np.where((k & np.int32(2)) != 0, minus, ONE)', "the normals' sine swapped with the cosine"),
    ('compiled.py', '            resolve[i, w] = _clip(resolve[i, w] + change, low, high) if active[i, w] else resolve[i, w]', '            resolve[i, w] = _clip(resolve[i, w] + change, low, high)', 'compiled: the resolve of an actor taking no part still moves'),
    ('compiled.py', '                moved[w] = (lv[w] != before[w]) | (lv[w] != seen[w])', '                moved[w] = lv[w] != before[w]', 'compiled: a run of days ends only on a move past the last record'),
    ('compiled.py', '    teach(belief, own, kin, eroded, erosion, reputation, -1.0)', '    teach(belief, own, kin, eroded, erosion, reputation, 1.0)', 'compiled: a crossing let pass raises belief in the line'),
    ('compiled.py', '        signed[w] = signed[w] * reputation[w]', '        signed[w] = signed[w]', "compiled: a lesson carries over whole to the holder's other lines"),
]


def run_tests(timeout: int) -> bool:
    """True if the model's tests pass (the mutant survives)."""
    try:
        done = subprocess.run([sys.executable, "-m", "pytest", "-x", "-q", "-p", "no:cacheprovider", "--numprocesses=0", *TESTS], cwd=ROOT, capture_output=True, timeout=timeout)
    except subprocess.TimeoutExpired:
        return False  # a mutant that hangs the tests is caught
    return done.returncode == 0


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--only", type=int, nargs="*", help="mutant numbers to run (default all)")
    parser.add_argument("--list", action="store_true", help="list the mutants and stop")
    parser.add_argument("--timeout", type=int, default=600)
    args = parser.parse_args(argv)
    chosen = args.only if args.only else range(len(MUTANTS))
    if args.list:
        for i in chosen:
            print(f"{i:3} {MUTANTS[i][0]}: {MUTANTS[i][3]}")
        return 0
    # stopped from outside, it still puts the source back (SystemExit runs the finally below)
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(1))
    killed, survived = 0, []
    for i in chosen:
        file, old, new, what = MUTANTS[i]
        path = ROOT / "sim" / "model" / file
        original = path.read_text(encoding="utf-8")
        if original.count(old) != 1:
            print(f"{i:3} {file}: the text to mutate is not there exactly once; fix the list", file=sys.stderr)
            return 2
        start = time.perf_counter()
        try:
            path.write_text(original.replace(old, new), encoding="utf-8")
            alive = run_tests(args.timeout)
        finally:
            path.write_text(original, encoding="utf-8")
        killed += not alive
        if alive:
            survived.append(i)
        print(f"{i:3} {'SURVIVED' if alive else 'killed  '} {time.perf_counter() - start:5.0f} s  {file}: {what}", flush=True)
    total = len(list(chosen))
    print(f"\n{killed} of {total} mutants killed ({killed / total:.1%}); target {TARGET:.0%}")
    if survived:
        print("survivors: " + ", ".join(map(str, survived)))
    return 0 if killed / total >= TARGET else 1


if __name__ == "__main__":
    sys.exit(main())
