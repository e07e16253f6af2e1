"""Property test: any sequence of legal moves, injects and rewinds keeps the session's
invariants, and a session saved at any point and loaded again continues identically."""

from __future__ import annotations

import numpy as np
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from escalation.tabletop.session import Session

TURNS = 7
HUMANS = ["ukraine", "russia"]

# one step of a game: (kind, a number that picks the move, card or turn)
step = st.one_of(
    st.tuples(st.just("move"), st.sampled_from(HUMANS), st.integers(0, 20)),
    st.tuples(st.just("inject"), st.integers(0, 20)),
    st.tuples(st.just("advance")),
    st.tuples(st.just("rewind"), st.integers(0, 20)),
)


def apply(s: Session, op) -> None:
    """Carry out one step, choosing only among what is legal now."""
    kind = op[0]
    if s.finished and kind != "rewind":
        return
    if kind == "move":
        _, seat, pick = op
        legal = s.legal_moves(seat)
        s.choose(seat, legal[pick % len(legal)])
    elif kind == "inject":
        cards = [c.id for c in s.deck() if s.playable(c) and c.id not in s.pending.injects]
        if cards:
            s.inject(cards[op[1] % len(cards)])
    elif kind == "advance":
        s.advance()
    else:
        s.rewind(s.start + op[1] % (len(s.played) - s.start + 1))


def check_invariants(s: Session) -> None:
    m, lad = s.model, s.model.ladder
    assert s.start <= m.turn == len(s.played) == len(s.log) <= s.end_turn
    assert not any(s.log[: s.start]) and not any(inputs.moves or inputs.injects for inputs in s.played[: s.start])  # history
    postures = m.postures()[:, 0]
    assert ((postures >= 0) & (postures < lad.n)).all()
    for a in m.order:
        if a.active[0]:
            assert a.peak[0] >= a.posture[0]
    # every human decision is the move chosen, or the posture held
    for inputs, decisions in zip(s.played, s.log):
        for d in decisions:
            if d["human"]:
                chosen = inputs.moves.get(d["actor"])
                assert d["to"] == (lad.level[chosen] if chosen else d["from"])
    # no threshold is recorded before the branch, and each one recorded is told on its turn
    path = m.system_path[: m.turn, 0]
    told = {e.extra["id"]: e.turn for e in m.narrative if e.kind == "threshold"}
    for i, tid in enumerate(lad.threshold_ids):
        assert m.first_crossing[i, 0] == told.get(tid, -1) and (m.first_crossing[i, 0] == -1 or m.first_crossing[i, 0] >= s.start)
    assert m.system_peak[0] == (path.max() if m.turn else -1)
    # the narrative only tells of turns played, in order
    turns = [e.turn for e in m.narrative]
    assert turns == sorted(turns) and all(t < m.turn for t in turns)
    # the state is exactly the replay of the inputs kept
    replay = s.replay_line(s.played)
    assert np.array_equal(replay.path, m.path) and [e.text for e in replay.narrative] == [e.text for e in m.narrative]
    # injects played are narrated in their turn
    for turn, inputs in enumerate(s.played):
        told = [e.extra["id"] for e in m.narrative if e.turn == turn and e.extra.get("inject")]
        assert told == inputs.injects


@settings(max_examples=50, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(ops=st.lists(step, max_size=30), cut=st.integers(0, 30), seed=st.integers(0, 2**16))
def test_any_legal_play_keeps_the_invariants_and_survives_save_and_load(ops, cut, seed):
    s = Session("nov-2024", HUMANS, seed, length=TURNS)
    cut = min(cut, len(ops))
    for op in ops[:cut]:
        apply(s, op)
        check_invariants(s)
    loaded = Session.from_json(s.to_json(), "<saved>")
    assert loaded.to_json() == s.to_json()
    for op in ops[cut:]:
        apply(s, op)
        apply(loaded, op)
    check_invariants(loaded)
    assert loaded.to_json() == s.to_json()
    assert np.array_equal(loaded.model.path, s.model.path)
    assert [(e.turn, e.text, e.why) for e in loaded.model.narrative] == [(e.turn, e.text, e.why) for e in s.model.narrative]
    assert loaded.log == s.log
