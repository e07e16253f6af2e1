"""A number written as a distribution: sampled once per world, from its own keyed stream.

Any trait, setting, rule parameter or red line's credibility may be written as one of::

    resolve: {uniform: [0.6, 0.9]}
    noise: {normal: {mean: 0.3, sd: 0.1}, clip: [0, 1]}
    deterrence: {triangular: [1, 2, 4]}          # low, mode, high
    inertia: {choice: [0.5, 1, 2]}                # equally likely
    credibility: {beta: [7, 3]}                   # a share: Beta(a, b) on [0, 1]

``clip: [LO, HI]`` may follow any of them, and ``draw: NAME``: distributions that name the
same draw take the same quantile in a world, so their values move together (comonotonic); two
``choice`` lists of one length with one draw pick the same position, which keeps a joint
sample joint (a calibration's posterior is written so). A batch then explores epistemic
uncertainty (which value the world holds) and aleatory uncertainty (what happens in
it) at once. Each world's value comes from the inverse CDF of one uniform draw keyed
by the parameter's dotted key (:meth:`Distribution.sample`), so it depends on the
seed and the run alone, never on the chunking. The validated scenario holds a
representative value (:meth:`Distribution.nominal`) where the distribution was written.
"""

from __future__ import annotations

import math
import re
import typing
from dataclasses import dataclass, replace
from typing import TYPE_CHECKING

from escalation.scenario.problems import Finding
from escalation.scenario.yamlio import MarkedDict, replaced

if TYPE_CHECKING:
    import numpy as np

KINDS = ("uniform", "normal", "triangular", "choice", "beta")
FORMS = (
    "{uniform: [LO, HI]}, {normal: {mean: M, sd: S}, clip: [LO, HI]}, {triangular: [LO, MODE, HI]}, "
    "{choice: [V1, V2, ...]} or {beta: [A, B]}, each with an optional clip: [LO, HI] and draw: NAME"
)


@dataclass(frozen=True)
class Distribution:
    """One of :data:`KINDS` with its arguments, and an optional clip."""

    kind: str
    args: tuple[float, ...]
    clip: tuple[float, float] | None = None
    draw: str | None = None  # distributions naming the same draw share their quantile in each world

    def sample(self, u) -> np.ndarray:
        """Values at the quantiles ``u`` (uniform draws in [0, 1), an array or a list), as float64."""
        import numpy as np  # here, not at the top: checking a scenario (escalation validate) needs no numpy

        u = np.floor(np.asarray(u, dtype=np.float64) * 2.0**53) * 2.0**-53  # on the streams' grid (theirs are already on it)
        if self.kind == "uniform":
            lo, hi = self.args
            x = lo + u * (hi - lo)
        elif self.kind == "normal":
            from scipy.special import ndtri

            mean, sd = self.args
            x = mean + sd * ndtri(np.clip(u, 2.0**-53, 1.0 - 2.0**-53))
        elif self.kind == "triangular":
            lo, mode, hi = self.args
            cut = (mode - lo) / (hi - lo)
            x = np.where(u < cut, lo + np.sqrt(u * (hi - lo) * (mode - lo)), hi - np.sqrt((1.0 - u) * (hi - lo) * (hi - mode)))
        elif self.kind == "choice":
            options = np.array(self.args, dtype=np.float64)
            x = options[np.minimum((u * len(options)).astype(np.int64), len(options) - 1)]
        else:
            from scipy.special import betaincinv

            x = betaincinv(self.args[0], self.args[1], u)
        return np.clip(x, *self.ends())  # its clip, and its own ends against rounding

    def ends(self) -> tuple[float, float]:
        """The lowest and highest value it can take (infinite for an unclipped normal)."""
        if self.kind == "normal":
            lo, hi = -math.inf, math.inf
        elif self.kind == "beta":
            lo, hi = 0.0, 1.0
        else:
            lo, hi = min(self.args), max(self.args)
        if self.clip:
            lo, hi = max(lo, self.clip[0]), min(hi, self.clip[1])
        return lo, hi

    def nominal(self) -> float:
        """A representative value, inside its ends: the median (the first option of a choice)."""
        if self.kind == "choice":
            return float(self.args[0])
        return float(self.sample([0.5])[0])

    def as_dict(self) -> dict:
        """As written in a scenario (and recorded in a results folder's manifest)."""
        if self.kind == "normal":
            out: dict = {"normal": {"mean": self.args[0], "sd": self.args[1]}}
        else:
            out = {self.kind: list(self.args)}
        if self.clip:
            out["clip"] = list(self.clip)
        if self.draw:
            out["draw"] = self.draw
        return out

    def __str__(self) -> str:
        body = f"normal(mean {self.args[0]:g}, sd {self.args[1]:g})" if self.kind == "normal" else f"{self.kind}({', '.join(f'{a:g}' for a in self.args)})"
        return body + (f" clipped to [{self.clip[0]:g}, {self.clip[1]:g}]" if self.clip else "")


def written_as(node) -> bool:
    """Whether a document node is written as a distribution (a mapping naming one of :data:`KINDS`)."""
    return isinstance(node, dict) and any(k in node for k in KINDS)


def parse(node) -> Distribution:
    """A distribution from its document node; ValueError with a message for people."""
    kinds = [k for k in KINDS if k in node]
    extra = sorted(str(k) for k in node if k not in (*KINDS, "clip", "draw"))
    if len(kinds) != 1 or extra:
        found = "found " + ", ".join(kinds) if len(kinds) > 1 else "unknown key " + ", ".join(extra)
        raise ValueError(f"a distribution names one kind, and optionally a clip and a draw; {found}")
    kind, body = kinds[0], node[kinds[0]]
    draw = node.get("draw")
    if draw is not None and not (isinstance(draw, str) and re.fullmatch(r"[a-z][a-z0-9_]*", draw)):
        raise ValueError(f"draw: {draw!r}: a draw is named in lower-case letters, digits and '_'")
    return replace(_parse(kind, body, node), draw=draw)


def _parse(kind: str, body, node) -> Distribution:
    ends = _numbers(node["clip"], "clip", 2) if "clip" in node else None
    clip = (ends[0], ends[1]) if ends else None
    if clip is not None and not clip[0] < clip[1]:
        raise ValueError(f"clip: [{clip[0]:g}, {clip[1]:g}]: LO must be below HI")
    if kind == "normal":
        if not isinstance(body, dict) or set(body) != {"mean", "sd"}:
            raise ValueError("normal takes {mean: M, sd: S}")
        mean, sd = _numbers([body["mean"], body["sd"]], "normal", 2)
        if not sd > 0:
            raise ValueError(f"normal: sd must be above 0 (got {sd:g})")
        return Distribution(kind, (mean, sd), clip)
    if kind == "uniform":
        lo, hi = args = _numbers(body, kind, 2)
        if not lo < hi:
            raise ValueError(f"uniform: [{lo:g}, {hi:g}]: LO must be below HI")
    elif kind == "triangular":
        lo, mode, hi = args = _numbers(body, kind, 3)
        if not (lo <= mode <= hi and lo < hi):
            raise ValueError(f"triangular: [{lo:g}, {mode:g}, {hi:g}]: need LO <= MODE <= HI and LO < HI")
    elif kind == "choice":
        args = _numbers(body, kind, None)
        if len(args) < 2:
            raise ValueError("choice: give at least two values")
    else:
        args = _numbers(body, kind, 2)
        if not min(args) > 0:
            raise ValueError(f"beta: [{args[0]:g}, {args[1]:g}]: A and B must be above 0")
    return Distribution(kind, args, clip)


def _numbers(value, what: str, count: int | None) -> tuple[float, ...]:
    if not isinstance(value, list) or (count is not None and len(value) != count):
        raise ValueError(f"{what} takes a list of {count or 'several'} numbers, such as {_EXAMPLES[what]}")
    if any(isinstance(v, bool) or not isinstance(v, (int, float)) or not math.isfinite(v) for v in value):
        raise ValueError(f"{what}: every value must be a finite number, such as {_EXAMPLES[what]}")
    return tuple(float(v) for v in value)


_EXAMPLES = {"uniform": "[0.6, 0.9]", "normal": "{mean: 0.3, sd: 0.1}", "triangular": "[1, 2, 4]", "choice": "[0.5, 1, 2]", "beta": "[7, 3]",
             "clip": "[0, 1]"}


def extract(doc: MarkedDict) -> tuple[MarkedDict, dict[tuple, Distribution], list[Finding]]:
    """The document with each distribution replaced by its nominal value (marks kept), the distributions by
    path, and findings for any written wrongly. Slots are checked later, against the validated scenario."""
    found: dict[tuple, Distribution] = {}
    findings: list[Finding] = []

    def walk(node, path):
        if written_as(node):
            try:
                found[path] = parse(node)
            except ValueError as exc:
                findings.append(Finding(path, f"{'.'.join(map(str, path))}: {exc}", help=f"a distribution is written {FORMS}"))
            return
        items = node.items() if isinstance(node, dict) else enumerate(node) if isinstance(node, list) else ()
        for key, child in items:
            walk(child, (*path, key))

    walk(doc, ())
    for path, dist in found.items():
        doc = typing.cast(MarkedDict, replaced(doc, path, dist.nominal()))
    return doc, found, findings
