"""The pandas contender of the benchmark: the job of `cma-analytique repartir` on the generated
files, written as a pandas user would (read with the C parser, group first, then map), exactly
enough that the control totals and the full cost of every activity agree with the core to the
cent.

    python pandas_repartir.py <dossier>

Prints one JSON object: `controle` and `activites` (full cost per activity) as the core writes
them, and `secondes`, the time of the job after the imports. Spec §4 as the core implements it:
objects mapped, accounts 6/86 charges and 7/87 products, direct charges to their receivers, B01
without certification pooled per heading, pools per (code, key family, site) split in one level
(piloting, B01 commun) or two (D pools: ETP, surface or vehicles with the ETP fallback, then ETP
or apprentice-hours), largest remainder to the cent. What the generated files never exercise
(the period filter, FEC, encodings, invalid rows and their diagnostics) is not written here.
"""

import sys
import time

start = time.perf_counter()
import pandas as pd  # noqa: E402

import regles  # noqa: E402

imported = time.perf_counter()


def main(folder):
    rules = regles.Rules()
    ledger = pd.read_csv(
        f"{folder}/grand-livre.csv",
        sep=";",
        decimal=",",
        usecols=["compte", "objet", "debit", "credit", "certification"],
        dtype={"compte": str, "objet": str, "certification": str, "debit": "float64", "credit": "float64"},
        keep_default_na=False,
        na_values={"debit": [""], "credit": [""]},
    )
    # Amounts have two decimals and |x| < 10^9: x * 100 rounded is the exact number of cents.
    net = ((ledger["debit"].fillna(0.0) - ledger["credit"].fillna(0.0)) * 100).round().astype("int64")
    postings = ledger[["objet", "compte", "certification"]].assign(net=net)
    postings = postings.groupby(["objet", "compte", "certification"], sort=False, as_index=False)["net"].sum()

    first, two = postings["compte"].str[:1], postings["compte"].str[:2]
    charge = (first == "6") | (two == "86")
    product = (first == "7") | (two == "87")
    postings = postings[charge | product].copy()
    postings["charge"] = charge[charge | product]
    postings["amount"] = postings["net"].where(postings["charge"], -postings["net"])

    mapping = pd.read_csv(f"{folder}/correspondance.csv", sep=";", dtype=str, keep_default_na=False)
    mapping = mapping.rename(columns={"certification": "certification_objet"})
    m = postings.merge(mapping, on="objet", how="left")
    mapped = m["code"].notna() & (m["objet"] != "")

    control = {
        "charges": int(m.loc[m["charge"], "amount"].sum()),
        "produits": int(m.loc[~m["charge"], "amount"].sum()),
        "charges_non_rattachees": int(m.loc[~mapped & m["charge"], "amount"].sum()),
        "produits_non_rattaches": int(m.loc[~mapped & ~m["charge"], "amount"].sum()),
    }

    m = m[mapped].copy()
    m["activity"] = m["code"].str[:3]
    operational = m["activity"].map({a: rules.is_operational(a) for a in m["activity"].unique()})
    b01 = m["activity"] == "B01"
    m["certification"] = m["certification"].where(m["certification"] != "", m["certification_objet"]).where(b01, "")
    common = operational & b01 & (m["certification"] == "")

    # Direct charges of the receivers (activity, certification, site).
    receivers = m[operational & ~common & m["charge"]]
    direct = receivers.groupby("activity")["amount"].sum().to_dict()

    # B01 commun: charges per site and France compétences heading.
    c = m[common & m["charge"]]
    account_heading = {a: rules.heading_of_account(a) for a in c["compte"].unique()}
    heading = c["rubrique_fc"].where(c["rubrique_fc"] != "", c["compte"].map(account_heading)).fillna("pedagogie")
    b01_common = c.assign(heading=heading).groupby(["site", "heading"])["amount"].sum()

    # Other pools: (code, family, site).
    p = m[~operational & m["charge"]]
    premises = p["compte"].map({a: rules.is_premises(a) for a in p["compte"].unique()})
    default = p["code"].map({code: rules.default_family(code) or "support" for code in p["code"].unique()})
    family = p["cle"].where(p["cle"] != "", default.where(~((p["activity"].str[:1] == "D") & premises), "locaux"))
    pools = p.assign(family=family).groupby(["activity", "family", "site"])["amount"].sum()

    weights = Weights(rules, pd.read_csv(f"{folder}/inducteurs.csv", sep=";", dtype=str, keep_default_na=False))
    indirect = {}
    unallocated = 0

    def credit(parts):
        for (activity, _, _), amount in parts:
            indirect[activity] = indirect.get(activity, 0) + amount

    for (site, _), amount in b01_common.items():
        parts = weights.split(site, amount, "heures_apprenants", "formation", lambda r: r[0] == "B01")
        if parts is None:
            unallocated += amount
        else:
            credit(parts)
    for (code, family, site), amount in pools.items():
        driver1, fallback = rules.level1(family)
        if driver1 is None:
            side = rules.side(code)
            parts = weights.split(site, amount, rules.level2(family, side), side, lambda r: r[0][:1] == code[:1])
            if parts is None:
                unallocated += amount
            else:
                credit(parts)
            continue
        level1 = weights.level1(site)
        sides = [level1.get((driver1, s), 0) for s in regles.SIDES]
        if sum(sides) == 0 and fallback:
            sides = [level1.get((fallback, s), 0) for s in regles.SIDES]
        shares = regles.split(amount, sides)
        if shares is None:
            unallocated += amount
            continue
        for side, share in zip(regles.SIDES, shares):
            if share == 0:
                continue
            parts = weights.split(site, share, rules.level2(family, side), side, lambda r: True)
            if parts is None:
                unallocated += share
            else:
                credit(parts)

    activities = {a: direct.get(a, 0) + indirect.get(a, 0) for a in set(direct) | set(indirect)}
    control["charges_non_reparties"] = unallocated
    control["charges_reparties"] = sum(activities.values())
    return control, activities


class Weights:
    """The driver rows' weights per scope (a site's rows, or every row for the region)."""

    def __init__(self, rules, drivers):
        self.rules = rules
        self.rows = []
        for r in drivers.itertuples(index=False):
            value = r.valeur
            if value:
                value = regles.micros(value)
            else:
                value = regles.micros(r.heures) * regles.micros(r.apprenants) // 1_000_000
            activity = r.code[:3]
            per_side = r.inducteur in ("surface", "vehicules")
            side = r.perimetre if per_side else rules.side(activity)
            receiver = None
            if not per_side and rules.is_operational(activity):
                if r.inducteur == "etp":
                    receiver = (activity, "", r.site)
                elif r.inducteur == "heures_apprenants" and side == "formation":
                    if activity != "B01":
                        receiver = (activity, "", r.site)
                    elif r.certification:
                        receiver = (activity, r.certification, r.site)
            self.rows.append((r.inducteur, r.site, side, receiver, value))
        self.cache = {}

    def scope(self, site):
        if site not in self.cache:
            level1, level2 = {}, {}
            for kind, row_site, side, receiver, value in self.rows:
                if site and row_site != site:
                    continue
                if side:
                    level1[(kind, side)] = level1.get((kind, side), 0) + value
                if receiver:
                    per_kind = level2.setdefault(kind, {})
                    per_kind[receiver] = per_kind.get(receiver, 0) + value
            self.cache[site] = (level1, level2)
        return self.cache[site]

    def level1(self, site):
        return self.scope(site)[0]

    def split(self, site, amount, driver, side, keep):
        """[(receiver, amount)] over the level-2 receivers of `side`, or None without weight."""
        candidates = sorted(
            (r, w) for r, w in self.scope(site)[1].get(driver, {}).items() if self.rules.side(r[0]) == side and keep(r)
        )
        parts = regles.split(amount, [w for _, w in candidates])
        return None if parts is None else [(r, a) for (r, _), a in zip(candidates, parts)]


if __name__ == "__main__":
    control, activities = main(sys.argv[1])
    regles.print_result(control, activities, start, imported)
