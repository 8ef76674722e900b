"""The side-by-side benchmark of issue #6, run by `scripts/banc` (which builds and installs what
it needs first).

For each size, on the same generated files: the native CLI (`repartir --json`), the same core as
wasm under Node when its module is built, pandas, DuckDB on one thread and DuckDB on every core.
Every contender is run once and must agree with the CLI to the cent on the control totals and on
the full cost of every activity: nothing is timed, nothing is printed, if one disagrees. Then
each is run N times, interleaved, as a whole process (interpreter start and imports included,
as a user runs it): best wall time, peak resident memory (the largest of the runs, from
wait4's rusage of that process alone). The 1M region is measured again with its ledger in
Windows-1252, as SAP exports it, and again with every cell of its ledger quoted, as some exports
write them (our contenders only, checked against the UTF-8 figures; the ratio columns compare
with pandas and DuckDB on the UTF-8 files).

    python bench/banc.py --cli target/release/cma-analytique --generer target/release/examples/generer \
        [--node-module target/banc/wasm/cma_analytique.js] [--repetitions 3] 100000 1000000 3000000
"""

import argparse
import csv
import datetime
import gzip
import json
import os
import platform
import subprocess
import sys
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(HERE)
FILES = ("grand-livre.csv", "correspondance.csv", "inducteurs.csv")


# Linux gives a process the peak memory of the one that started it as its own floor (the peak
# is kept across exec): measured from this script, every contender would weigh at least what
# this script weighs. GNU time, small, starts each contender and reports its own peak.
GNU_TIME = "/usr/bin/time" if os.access("/usr/bin/time", os.X_OK) else None


def run(argv):
    """(wall seconds, peak RSS in bytes, stdout) of one process."""
    with tempfile.TemporaryFile() as err, tempfile.NamedTemporaryFile(mode="r") as peak:
        launched = [GNU_TIME, "-f", "%M", "-o", peak.name, *argv] if GNU_TIME else argv
        began = time.perf_counter()
        proc = subprocess.Popen(launched, stdout=subprocess.PIPE, stderr=err)
        # Read the output before reaping (a large one would block the child), then wait4 for the
        # rusage of this process alone.
        out = proc.stdout.read()
        _, status, usage = os.wait4(proc.pid, 0)
        wall = time.perf_counter() - began
        code = os.waitstatus_to_exitcode(status)
        proc.returncode = code  # reaped here: Popen must not wait for it again
        if code != 0:
            err.seek(0)
            sys.exit(f"banc : {' '.join(argv)} a échoué ({code}) :\n{err.read().decode(errors='replace')[-4000:]}")
        kib = peak.read().strip().splitlines()[-1] if GNU_TIME else None
    return wall, (int(kib) if kib else usage.ru_maxrss) * 1024, out


def generate(generer, lines):
    folder = os.path.join(ROOT, "target", "banc", str(lines))
    stamp = os.path.join(folder, ".fait")
    fresh = os.path.exists(stamp) and os.path.getmtime(stamp) >= os.path.getmtime(generer)
    if not fresh:
        print(f"génération de {lines} lignes dans {folder}…", file=sys.stderr)
        subprocess.run([generer, folder, str(lines)], check=True, stdout=subprocess.DEVNULL)
        open(stamp, "w").close()
    return folder


WINDOWS_1252 = ", grand livre en Windows-1252"


def windows_1252(folder):
    """The region of `folder` with its ledger in Windows-1252 (the same text, as SAP exports it)."""
    target = folder + "-windows-1252"
    source = os.path.join(folder, FILES[0])
    stamp = os.path.join(target, ".fait")
    if not (os.path.exists(stamp) and os.path.getmtime(stamp) >= os.path.getmtime(source)):
        os.makedirs(target, exist_ok=True)
        # By blocks: this script stays small (see GNU_TIME).
        with open(source, encoding="utf-8", newline="") as f, open(os.path.join(target, FILES[0]), "wb") as g:
            while block := f.read(1 << 20):
                g.write(block.encode("cp1252"))
        for name in FILES[1:]:
            with open(os.path.join(folder, name), "rb") as f, open(os.path.join(target, name), "wb") as g:
                g.write(f.read())
        open(stamp, "w").close()
    return target


QUOTED = ", grand livre aux cellules entre guillemets"


def quoted(folder):
    """The region of `folder` with every cell of its ledger between quotes (the same values), as
    exports that quote every cell write it."""
    target = folder + "-guillemets"
    source = os.path.join(folder, FILES[0])
    stamp = os.path.join(target, ".fait")
    if not (os.path.exists(stamp) and os.path.getmtime(stamp) >= os.path.getmtime(source)):
        os.makedirs(target, exist_ok=True)
        # Line by line: this script stays small (see GNU_TIME).
        with open(source, encoding="utf-8", newline="") as f, open(os.path.join(target, FILES[0]), "w", encoding="utf-8", newline="") as g:
            csv.writer(g, delimiter=";", quoting=csv.QUOTE_ALL, lineterminator="\n").writerows(csv.reader(f, delimiter=";"))
        for name in FILES[1:]:
            with open(os.path.join(folder, name), "rb") as f, open(os.path.join(target, name), "wb") as g:
                g.write(f.read())
        open(stamp, "w").close()
    return target


def ours(args, folder, suffix=""):
    """cma-analytique's contenders on the files of `folder`."""
    paths = [os.path.join(folder, f) for f in FILES]
    cli = [args.cli, "repartir", "--json", "--grand-livre", paths[0], "--correspondance", paths[1], "--inducteurs", paths[2]]
    contenders = [
        (f"cma-analytique, ligne de commande ({os.cpu_count()} fils){suffix}", cli),
        (f"cma-analytique, ligne de commande, 1 fil{suffix}", cli + ["--fils", "1"]),
    ]
    if args.node_module:
        # As the page reads a ledger of 32 Mio or more: two workers on two cores or more, else one.
        wasm = ["node", os.path.join(HERE, "wasm_repartir.mjs"), args.node_module, folder]
        if (os.cpu_count() or 1) >= 2:
            contenders.append((f"cma-analytique, WebAssembly sous Node (2 travailleurs){suffix}", wasm + ["2"]))
        contenders.append((f"cma-analytique, WebAssembly sous Node, 1 travailleur{suffix}", wasm + ["1"]))
    return contenders


def measure(args, lines, folder, contenders, reference, rows):
    """Checks that every contender agrees (with the first, or with `reference`), then times them;
    appends their rows; returns the figures they agree on."""
    size = sum(os.path.getsize(os.path.join(folder, f)) for f in FILES)
    # 1. Agreement, before any timing.
    for name, argv in contenders:
        _, _, out = run(argv)
        figures = core_figures(out) if argv[0] == args.cli else contender_figures(out)[:2]
        if reference is None:
            reference = figures
            continue
        found = disagreements(reference, figures)
        if found:
            sys.exit(f"banc : {name} ne donne pas les mêmes chiffres que la CLI sur {lines} lignes :\n  " + "\n  ".join(found))
    print(f"{lines} lignes ({os.path.basename(folder)}) : les {len(contenders)} concurrents s'accordent au centime "
          f"(contrôle et coût complet des {len(reference[1])} activités)", file=sys.stderr)
    # 2. Timing, interleaved so that a burst of load hits every contender alike.
    walls = {name: [] for name, _ in contenders}
    rss = {name: 0 for name, _ in contenders}
    inner = {name: [] for name, _ in contenders}
    for _ in range(args.repetitions):
        for name, argv in contenders:
            wall, peak, out = run(argv)
            walls[name].append(wall)
            rss[name] = max(rss[name], peak)
            if argv[0] != args.cli:
                seconds = contender_figures(out)[2]
                if seconds is not None:
                    inner[name].append(seconds)
    for name, _ in contenders:
        rows.append({
            "lignes": lines, "octets": size, "concurrent": name, "secondes": min(walls[name]),
            "calcul": min(inner[name]) if inner[name] else None, "rss": rss[name],
        })
    return reference


def core_figures(output):
    doc = json.loads(output)
    return doc["controle"], {a["code"]: a["cout_complet"] for a in doc["activites"]}


def contender_figures(output):
    doc = json.loads(output)
    return doc["controle"], doc["activites"], doc.get("secondes")


def disagreements(reference, other):
    (control, activities), (control2, activities2) = reference, other
    found = [f"controle.{k} : {control[k]} ≠ {control2.get(k)}" for k in control if control[k] != control2.get(k)]
    for code in sorted(set(activities) | set(activities2)):
        a, b = activities.get(code, "0.00"), activities2.get(code, "0.00")
        if a != b:
            found.append(f"coût complet {code} : {a} ≠ {b}")
    return found


def machine():
    model = ""
    try:
        with open("/proc/cpuinfo") as f:
            model = next((line.split(":", 1)[1].strip() for line in f if line.startswith("model name")), "")
    except OSError:
        pass
    return f"{os.cpu_count()} cœurs ({model or platform.machine()}), {platform.system()} {platform.release()}"


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--cli", required=True)
    parser.add_argument("--generer", required=True)
    parser.add_argument("--node-module")
    parser.add_argument("--navigateur", action="store_true", help="mesure aussi la page dans Chromium (1 000 000 lignes)")
    parser.add_argument("--repetitions", type=int, default=3)
    parser.add_argument("--sortie", default=os.path.join(ROOT, "target", "banc", "resultats.md"))
    parser.add_argument("tailles", nargs="*", type=int, default=[100_000, 1_000_000, 3_000_000])
    args = parser.parse_args()
    python = sys.executable
    load_before = os.getloadavg()
    started = datetime.datetime.now().astimezone()
    rows = []
    references = {}
    for lines in args.tailles:
        folder = generate(os.path.abspath(args.generer), lines)
        contenders = ours(args, folder)
        contenders += [
            ("pandas", [python, os.path.join(HERE, "pandas_repartir.py"), folder]),
            ("DuckDB, 1 fil", [python, os.path.join(HERE, "duckdb_repartir.py"), folder, "--threads", "1"]),
            (f"DuckDB, {os.cpu_count()} fils", [python, os.path.join(HERE, "duckdb_repartir.py"), folder]),
        ]
        references[lines] = measure(args, lines, folder, contenders, None, rows)
    # The 1M region's ledger as SAP exports it, in Windows-1252: our contenders only (pandas and
    # DuckDB are measured on the UTF-8 files, as their scripts read them).
    if 1_000_000 in references:
        folder = windows_1252(generate(os.path.abspath(args.generer), 1_000_000))
        measure(args, 1_000_000, folder, ours(args, folder, WINDOWS_1252), references[1_000_000], rows)
        # And with every cell of its ledger quoted, as some exports write them.
        folder = quoted(generate(os.path.abspath(args.generer), 1_000_000))
        measure(args, 1_000_000, folder, ours(args, folder, QUOTED), references[1_000_000], rows)
    extra = []
    if args.node_module:
        wasm = args.node_module[: -len(".js")] + "_bg.wasm"
        with open(wasm, "rb") as f:
            module = f.read()
        extra.append(f"Module WebAssembly de la page : {french(len(module) / 1e6, 2)} Mo, "
                     f"{french(len(gzip.compress(module, compresslevel=9)) / 1e6, 2)} Mo compressé (gzip -9).")
    if args.navigateur and 1_000_000 in args.tailles:
        folder = generate(os.path.abspath(args.generer), 1_000_000)
        for dossier, quoi in ((folder, ""), (windows_1252(folder), ", grand livre en Windows-1252")):
            _, _, out = run(["node", os.path.join(HERE, "navigateur.mjs"), dossier, str(args.repetitions)])
            page = json.loads(out)
            extra.append(
                f"Page dans Chromium sans tête (Debian), 1 000 000 lignes ({french(page['octets'] / 1e6, 0)} Mo{quoi}) : du dépôt des "
                f"fichiers aux résultats affichés {french(page['meilleur_ms'] / 1000, 2)} s (meilleur de {len(page['passages'])} : "
                f"{', '.join(french(ms / 1000, 2) for ms in page['passages'])} s), dont fichiers reconnus "
                f"{french(page['fichiers_reconnus_ms'] / 1000, 2)} s ; dans la page (marques « User Timing » du meilleur passage) : "
                f"fichiers reconnus en {page['partage']['reconnaissance_ms']} ms après le dépôt, calcul du clic aux résultats reçus "
                f"{page['partage']['calcul_ms']} ms, affichage {page['partage']['affichage_ms']} ms ; "
                f"en-tête des résultats : « {page['entete']} »")
    load_after = os.getloadavg()
    text = table(rows, args.repetitions, started, load_before, load_after, extra)
    print(text)
    os.makedirs(os.path.dirname(args.sortie), exist_ok=True)
    with open(args.sortie, "w", encoding="utf-8") as f:
        f.write(text)
    with open(os.path.splitext(args.sortie)[0] + ".json", "w", encoding="utf-8") as f:
        json.dump({"date": started.isoformat(), "machine": machine(), "charge": [load_before, load_after], "lignes": rows}, f, indent=1)


def french(x, decimals):
    return f"{x:,.{decimals}f}".replace(",", "\u202f").replace(".", ",")


def table(rows, repetitions, started, load_before, load_after, extra):
    out = [
        f"Banc du {started:%Y-%m-%d %H:%M %Z} — {machine()} ; charge moyenne {french(load_before[0], 2)} au début, "
        f"{french(load_after[0], 2)} à la fin ; meilleur de {repetitions} passage{'s' if repetitions > 1 else ''} par processus entier.",
        "",
        "| lignes | Mo | concurrent | temps (s) | dont calcul (s) | Mo/s | M lignes/s | mémoire max (Mo) | mémoire / entrée "
        "| plus rapide que pandas | plus rapide que DuckDB, 1 fil |",
        "|---:|---:|---|---:|---:|---:|---:|---:|---:|---:|---:|",
    ]
    for row in rows:
        same = {r["concurrent"]: r for r in rows if r["lignes"] == row["lignes"]}
        mb = row["octets"] / 1e6
        calcul = "—" if row["calcul"] is None else french(row["calcul"], 3)
        ratios = " | ".join(
            f"× {french(same[other]['secondes'] / row['secondes'], 1)}" if other in same else "—" for other in ("pandas", "DuckDB, 1 fil"))
        out.append(
            f"| {french(row['lignes'], 0)} | {french(mb, 0)} | {row['concurrent']} | {french(row['secondes'], 3)} | {calcul} "
            f"| {french(mb / row['secondes'], 0)} | {french(row['lignes'] / 1e6 / row['secondes'], 2)} "
            f"| {french(row['rss'] / 1e6, 0)} | {french(row['rss'] / row['octets'], 2)} | {ratios} |"
        )
    out.append("")
    out.extend(line + "\n" for line in extra)
    memory = ("pic de mémoire résidente du processus, mesuré par GNU time" if GNU_TIME else
              "pic de mémoire résidente du processus (sans GNU time : au moins celle du banc, que Linux lui compte)")
    out.append("« temps » : processus entier (démarrage de l'interpréteur et imports compris) ; « dont calcul » : le "
               f"travail mesuré dans le script, après les imports. Mémoire : {memory}. « plus rapide "
               "que » : temps de pandas (de DuckDB sur un fil) sur les fichiers UTF-8 de la même taille divisé par celui de la "
               "ligne ; au-dessous de 1, plus lent.")
    return "\n".join(out) + "\n"


if __name__ == "__main__":
    main()
