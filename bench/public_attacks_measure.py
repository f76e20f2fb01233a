"""How often a reader who compares public reports before and after one more approved case
learns where it went, when it uses the amounts too (the README's "What a reader can and
cannot learn"). Uses the attacker of tests/test_public_attacks.py.

    python bench/public_attacks_measure.py [EXAMPLES]
"""

from __future__ import annotations

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "tests"))

import test_public_attacks as attack
from hypothesis import HealthCheck, given, settings


def main(examples: int) -> None:
    stats = {"cases": 0, "two_districts": 0, "district_known": 0, "category_known": 0,
             "grant_known": 0}

    @settings(max_examples=examples, deadline=None, database=None, derandomize=True,
              suppress_health_check=list(HealthCheck))
    @given(case=attack.corrections())
    def run(case: tuple[attack.Facts, attack.Facts, attack.CaseFact]) -> None:
        facts, after, added = case
        model, step = attack._before_and_after(facts, after, added, amounts=True)
        stats["cases"] += 1
        districts = sorted({t.district for t in facts.teams})
        if len(districts) > 1:
            stats["two_districts"] += 1
            possible = [d for d in districts if model.solve({}, [(
                {step[("step", t.index, attack.TOTAL)]: 1.0 for t in facts.teams
                 if t.district == d}, 1, 1)]) is not None]
            stats["district_known"] += len(possible) == 1
        possible = [c for c in attack.CATEGORIES if model.solve({}, [(
            {step[("step", t.index, ("category", c))]: 1.0 for t in facts.teams}, 1, 1)])
            is not None]
        stats["category_known"] += len(possible) == 1
        grant = {step[("grant", t.index, attack.TOTAL)]: 1.0 for t in facts.teams}
        low, high = model.interval(grant)
        stats["grant_known"] += high - low < 1.0

    run()
    print(f"{stats['cases']} municipalities, one approved case added")
    print(f"district certain: {stats['district_known']} of {stats['two_districts']} "
          "with two districts")
    print(f"category certain: {stats['category_known']} of {stats['cases']}")
    print(f"grant known to within a euro: {stats['grant_known']} of {stats['cases']}")


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 150)
