"""The mutation list stays applicable: each mutant's text is in the model's source exactly once."""

from __future__ import annotations

import pytest

from tests.mutation.run import MUTANTS, ROOT


@pytest.mark.parametrize("number", range(1, len(MUTANTS) + 1))
def test_each_mutant_still_applies(number):
    file, old, new, what = MUTANTS[number - 1]
    source = (ROOT / "sim" / "model" / file).read_text(encoding="utf-8")
    assert source.count(old) == 1, f"mutant {number} ({what}): its text is not in {file} exactly once"
    assert old != new
