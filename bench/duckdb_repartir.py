"""The DuckDB contender of the benchmark: the job of `cma-analytique repartir` on the generated
files, in SQL: read the three CSVs, map the objects, classify the accounts, aggregate, and the
allocation of spec §4 (pools in one or two levels, largest remainder to the cent with window
functions), exactly enough that the control totals and the full cost of every activity agree
with the core to the cent.

    python duckdb_repartir.py <dossier> [--threads N]

Without `--threads`, DuckDB uses every core (its default). Prints one JSON object like
`pandas_repartir.py`. The norm's tables are read from the core's own TSV files (src/rulebook/).
"""

import sys
import time

start = time.perf_counter()
import duckdb  # noqa: E402

import regles  # noqa: E402

imported = time.perf_counter()

LEDGER_COLUMNS = (
    "{'compte': 'VARCHAR', 'objet': 'VARCHAR', 'debit': 'DECIMAL(18,2)', 'credit': 'DECIMAL(18,2)', 'date': 'VARCHAR', "
    "'certification': 'VARCHAR', 'financeur': 'VARCHAR', 'libelle': 'VARCHAR', 'piece': 'VARCHAR', 'journal': 'VARCHAR'}"
)


def split_sql(source, order):
    """The core's `money::split` over the rows of `source` (split_id, w, amount, order columns):
    each row's share, largest remainder first, ties in `order`."""
    return f"""
        WITH s AS (SELECT *, sum(w) OVER (PARTITION BY split_id) AS total_w FROM {source}),
        p AS (SELECT *, (abs(amount)::HUGEINT * w) // total_w AS base, (abs(amount)::HUGEINT * w) % total_w AS rem
              FROM s WHERE total_w > 0),
        r AS (SELECT *, abs(amount) - sum(base) OVER (PARTITION BY split_id) AS left_over,
                     row_number() OVER (PARTITION BY split_id ORDER BY rem DESC, {order}) AS place FROM p)
        SELECT *, sign(amount) * (base + CASE WHEN place <= left_over THEN 1 ELSE 0 END) AS share FROM r"""


def unallocated_sql(source):
    return f"""SELECT coalesce(sum(amount), 0) FROM (
        SELECT split_id, any_value(amount) AS amount FROM {source} GROUP BY split_id HAVING sum(w) = 0)"""


def main(folder, threads):
    con = duckdb.connect()
    if threads:
        con.execute(f"SET threads = {int(threads)}")
    q = con.execute

    def rulebook(table, name):
        q(f"""CREATE TEMP TABLE {table} AS SELECT * FROM read_csv('{regles.RULEBOOK}/{name}', delim='\t', header=true,
              comment='#', quote='', all_varchar=true)""")

    rulebook("nomenclature", "nomenclature-v10.tsv")
    rulebook("axes", "axes.tsv")
    rulebook("familles", "familles.tsv")
    rulebook("locaux", "prefixes-locaux.tsv")
    rulebook("rubriques_comptes", "rubriques-comptes.tsv")
    rulebook("cles", "cles.tsv")
    q("""CREATE TEMP TABLE operationnelles AS SELECT n.code AS activite FROM nomenclature n
         JOIN axes a ON a.axe = substr(n.code, 1, 1)
         WHERE length(n.code) = 3 AND coalesce(a.cote, '') <> '' AND n.code NOT IN (SELECT code FROM familles)""")

    # Postings: lines grouped by (object, account, certification), amounts exact in cents.
    q(f"""CREATE TEMP TABLE postes AS
          SELECT coalesce(objet, '') AS objet, compte, coalesce(certification, '') AS certification,
                 CAST(sum(coalesce(debit, 0) - coalesce(credit, 0)) * 100 AS BIGINT) AS net
          FROM read_csv('{folder}/grand-livre.csv', delim=';', header=true, decimal_separator=',', quote='"',
                        columns={LEDGER_COLUMNS})
          GROUP BY ALL""")
    q("""CREATE TEMP TABLE p AS
         SELECT objet, compte, certification, (compte LIKE '6%' OR compte LIKE '86%') AS charge,
                CASE WHEN compte LIKE '6%' OR compte LIKE '86%' THEN net ELSE -net END AS amount
         FROM postes WHERE compte LIKE '6%' OR compte LIKE '86%' OR compte LIKE '7%' OR compte LIKE '87%'""")
    q(f"""CREATE TEMP TABLE corr AS SELECT * FROM read_csv('{folder}/correspondance.csv', delim=';', header=true,
          all_varchar=true)""")
    q("""CREATE TEMP TABLE m AS
         SELECT p.*, c.code, coalesce(c.site, '') AS site, coalesce(c.rubrique_fc, '') AS rubrique,
                coalesce(c.cle, '') AS cle, substr(c.code, 1, 3) AS activite,
                c.code IS NOT NULL AND p.objet <> '' AS rattache,
                substr(c.code, 1, 3) IN (SELECT activite FROM operationnelles) AS operationnelle,
                CASE WHEN substr(c.code, 1, 3) <> 'B01' THEN ''
                     WHEN p.certification <> '' THEN p.certification ELSE coalesce(c.certification, '') END AS cert
         FROM p LEFT JOIN corr c ON c.objet = p.objet""")
    control = dict(
        zip(
            ("charges", "produits", "charges_non_rattachees", "produits_non_rattaches"),
            q("""SELECT coalesce(sum(amount) FILTER (WHERE charge), 0), coalesce(sum(amount) FILTER (WHERE NOT charge), 0),
                        coalesce(sum(amount) FILTER (WHERE charge AND NOT rattache), 0),
                        coalesce(sum(amount) FILTER (WHERE NOT charge AND NOT rattache), 0) FROM m""").fetchone(),
        )
    )

    # Pools: B01 without certification per (site, heading); the others per (code, family, site).
    q("""CREATE TEMP TABLE pools AS
         SELECT row_number() OVER () AS pool_id, * FROM (
           SELECT 'B01' AS code, 'b01_commun' AS famille, site, amount FROM (
             SELECT site, CASE WHEN rubrique <> '' THEN rubrique ELSE coalesce(
                      (SELECT r.rubrique FROM rubriques_comptes r WHERE starts_with(m.compte, r.prefixe)
                       ORDER BY length(r.prefixe) DESC LIMIT 1), 'pedagogie') END AS heading, sum(amount) AS amount
             FROM m WHERE rattache AND charge AND operationnelle AND activite = 'B01' AND cert = '' GROUP BY ALL)
           UNION ALL
           SELECT activite, famille, site, sum(amount) FROM (
             SELECT activite, site, amount, CASE
               WHEN cle <> '' THEN cle
               WHEN substr(activite, 1, 1) = 'D' AND EXISTS (SELECT 1 FROM locaux l WHERE starts_with(m.compte, l.prefixe))
                 THEN 'locaux'
               ELSE coalesce((SELECT f.famille FROM familles f WHERE f.code = m.code),
                             (SELECT f.famille FROM familles f WHERE f.code = m.activite), 'support') END AS famille
             FROM m WHERE rattache AND charge AND NOT operationnelle)
           GROUP BY ALL)""")

    # Driver weights in micro-units, per scope (a pool's site, or every row for the region).
    q(f"""CREATE TEMP TABLE ind AS
          SELECT i.*, CASE WHEN kind IN ('surface', 'vehicules') THEN perimetre ELSE a.cote END AS side
          FROM (SELECT inducteur AS kind, coalesce(site, '') AS site, substr(coalesce(code, ''), 1, 3) AS activite,
                       coalesce(perimetre, '') AS perimetre, coalesce(certification, '') AS cert,
                       CASE WHEN valeur IS NOT NULL
                            THEN CAST(CAST(replace(valeur, ',', '.') AS DECIMAL(38, 6)) * 1000000 AS HUGEINT)
                            ELSE CAST(CAST(replace(heures, ',', '.') AS DECIMAL(38, 6)) * 1000000 AS HUGEINT)
                                 * CAST(CAST(replace(apprenants, ',', '.') AS DECIMAL(38, 6)) * 1000000 AS HUGEINT)
                                 // 1000000 END AS w
                FROM read_csv('{folder}/inducteurs.csv', delim=';', header=true, all_varchar=true)) i
          LEFT JOIN axes a ON a.axe = substr(i.activite, 1, 1)""")
    q("""CREATE TEMP TABLE scoped AS SELECT s.scope, ind.* FROM (SELECT DISTINCT site AS scope FROM pools) s
         JOIN ind ON s.scope = '' OR ind.site = s.scope""")
    q("""CREATE TEMP TABLE l1 AS SELECT scope, kind, side, sum(w) AS w FROM scoped WHERE coalesce(side, '') <> ''
         GROUP BY ALL""")
    q("""CREATE TEMP TABLE l2 AS
         SELECT scope, kind, side, activite, CASE WHEN activite = 'B01' THEN cert ELSE '' END AS cert, site, sum(w) AS w
         FROM scoped WHERE activite IN (SELECT activite FROM operationnelles)
           AND (kind = 'etp' OR (kind = 'heures_apprenants' AND side = 'formation' AND (activite <> 'B01' OR cert <> '')))
         GROUP BY ALL""")

    # Level 1 (two-level pools): the sides, by the key's driver or its fallback.
    q("""CREATE TEMP TABLE n1_parts AS
         WITH two AS (SELECT p.*, k.niveau1, k.repli FROM pools p JOIN cles k ON k.famille = p.famille
                      WHERE coalesce(k.niveau1, '') <> ''),
              tot AS (SELECT two.pool_id, coalesce(sum(l1.w), 0) AS s FROM two
                      LEFT JOIN l1 ON l1.scope = two.site AND l1.kind = two.niveau1 GROUP BY two.pool_id),
              drv AS (SELECT two.*, CASE WHEN tot.s = 0 AND coalesce(two.repli, '') <> '' THEN two.repli
                                         ELSE two.niveau1 END AS driver FROM two JOIN tot USING (pool_id))
         SELECT drv.pool_id AS split_id, drv.pool_id, drv.site AS scope, drv.famille, sides.side, sides.ordre,
                coalesce(l1.w, 0) AS w, drv.amount
         FROM drv CROSS JOIN (VALUES ('cma', 0), ('formation', 1)) sides(side, ordre)
         LEFT JOIN l1 ON l1.scope = drv.site AND l1.kind = drv.driver AND l1.side = sides.side""")
    q(f"CREATE TEMP TABLE n1 AS {split_sql('n1_parts', 'ordre')}")

    # Level 2: each nonzero side share, and the one-level pools inside their axis or over B01.
    q("""CREATE TEMP TABLE n2_splits AS
         SELECT n1.pool_id || '-' || n1.side AS split_id, n1.scope, n1.side,
                CASE n1.side WHEN 'cma' THEN k.niveau2_cma ELSE k.niveau2_formation END AS driver,
                '' AS keep_activite, '' AS keep_axe, n1.share AS amount
         FROM n1 JOIN cles k ON k.famille = n1.famille WHERE n1.share <> 0
         UNION ALL
         SELECT CAST(p.pool_id AS VARCHAR), p.site, a.cote,
                CASE a.cote WHEN 'cma' THEN k.niveau2_cma ELSE k.niveau2_formation END,
                CASE WHEN p.famille = 'b01_commun' THEN 'B01' ELSE '' END,
                CASE WHEN p.famille = 'b01_commun' THEN '' ELSE substr(p.code, 1, 1) END, p.amount
         FROM pools p JOIN cles k ON k.famille = p.famille JOIN axes a ON a.axe = substr(p.code, 1, 1)
         WHERE coalesce(k.niveau1, '') = ''""")
    q("""CREATE TEMP TABLE n2_parts AS
         SELECT s.split_id, s.amount, l2.activite, coalesce(l2.cert, '') AS cert, coalesce(l2.site, '') AS rsite,
                coalesce(l2.w, 0) AS w
         FROM n2_splits s LEFT JOIN l2 ON l2.scope = s.scope AND l2.kind = s.driver AND l2.side = s.side
           AND (s.keep_activite = '' OR l2.activite = s.keep_activite)
           AND (s.keep_axe = '' OR substr(l2.activite, 1, 1) = s.keep_axe)""")
    q(f"CREATE TEMP TABLE n2 AS {split_sql('n2_parts', 'activite, cert, rsite')}")

    unallocated = q(unallocated_sql("n1_parts")).fetchone()[0] + q(unallocated_sql("n2_parts")).fetchone()[0]
    activities = dict(
        q("""SELECT activite, sum(amount) FROM (
               SELECT activite, amount FROM m WHERE rattache AND charge AND operationnelle AND NOT (activite = 'B01' AND cert = '')
               UNION ALL SELECT activite, share FROM n2) GROUP BY activite""").fetchall()
    )
    control["charges_non_reparties"] = int(unallocated)
    control["charges_reparties"] = int(sum(activities.values()))
    return {k: int(v) for k, v in control.items()}, {a: int(v) for a, v in activities.items()}


if __name__ == "__main__":
    args = sys.argv[1:]
    threads = None
    if "--threads" in args:
        i = args.index("--threads")
        threads = args[i + 1]
        del args[i : i + 2]
    control, activities = main(args[0], threads)
    regles.print_result(control, activities, start, imported)
