"""What the pandas and DuckDB contenders of the benchmark share: the norm's tables, read from the
same TSV files as the Rust core (src/rulebook/), and the exact split of an amount to the cent.

Only the standard library: the contenders import it after their own imports.
"""

import csv
import json
import os
import time
from decimal import Decimal

RULEBOOK = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "src", "rulebook")

# The sides of level 1, in the tie order of the core (spec §4.8: cma before formation).
SIDES = ("cma", "formation")


def tsv(name):
    """Rows of a rulebook table as dicts (comment lines start with '#')."""
    with open(os.path.join(RULEBOOK, name), encoding="utf-8") as f:
        lines = [line for line in f if line.strip() and not line.startswith("#")]
    return list(csv.DictReader(lines, delimiter="\t"))


class Rules:
    """The few questions the allocation asks of the rulebook (as `rulebook::Rulebook` does)."""

    def __init__(self):
        self.codes = {r["code"] for r in tsv("nomenclature-v10.tsv")}
        self.axis_side = {r["axe"]: (r["cote"] or None) for r in tsv("axes.tsv")}
        self.families = {r["code"]: r["famille"] for r in tsv("familles.tsv")}
        self.premises = [r["prefixe"] for r in tsv("prefixes-locaux.tsv")]
        self.account_headings = [(r["prefixe"], r["rubrique"]) for r in tsv("rubriques-comptes.tsv")]
        self.pool_headings = {r["code"]: r["rubrique"] for r in tsv("rubriques-pools.tsv")}
        self.headings = [r["rubrique"] for r in tsv("rubriques-fc.tsv")]
        self.keys = {r["famille"]: r for r in tsv("cles.tsv")}

    def side(self, code):
        return self.axis_side.get(code[:1])

    def default_family(self, code):
        return self.families.get(code) or self.families.get(code[:3])

    def is_operational(self, activity):
        return self.side(activity) is not None and self.default_family(activity) is None and activity in self.codes

    def is_premises(self, account):
        return any(account.startswith(p) for p in self.premises)

    def heading_of_account(self, account):
        matches = [(len(p), h) for p, h in self.account_headings if account.startswith(p)]
        return max(matches)[1] if matches else None

    def level1(self, family):
        """(driver of level 1 or None, fallback driver or None)."""
        key = self.keys[family]
        return key["niveau1"] or None, key["repli"] or None

    def level2(self, family, side):
        return self.keys[family]["niveau2_" + side]


def micros(text):
    """A driver value ('12,5', '1 200') in micro-units, exactly."""
    return int(Decimal(text.replace("\u00a0", "").replace(" ", "").replace(",", ".")) * 1_000_000)


def split(total, weights):
    """`money::split` of the core: parts proportional to the weights, rounded to the cent by the
    largest remainder (ties in the order of `weights`); None when every weight is zero."""
    whole = sum(weights)
    if whole == 0:
        return None
    amount = abs(total)
    parts = [amount * w // whole for w in weights]
    left = amount - sum(parts)
    if left:
        order = sorted(range(len(weights)), key=lambda i: (-(amount * weights[i] % whole), i))
        for i in order[:left]:
            parts[i] += 1
    sign = -1 if total < 0 else 1
    return [sign * p for p in parts]


def cents_text(cents):
    """'-1234.56', as the core's JSON writes amounts."""
    sign = "-" if cents < 0 else ""
    cents = abs(cents)
    return f"{sign}{cents // 100}.{cents % 100:02d}"


def print_result(control, activities, start, imported):
    """The contender's answer on stdout, as `bench/banc.py` reads it: the control totals and the
    full cost of every activity as the core writes them, the job's time after the imports."""
    done = time.perf_counter()
    print(
        json.dumps(
            {
                "controle": {k: cents_text(v) for k, v in control.items()},
                "activites": {a: cents_text(v) for a, v in sorted(activities.items())},
                "secondes": done - imported,
                "import_secondes": imported - start,
            }
        )
    )
