//! CMA France's review (issue #8): the hand-worked five-region set of `tests/cas-revue/` run
//! through `revue --json` and compared with `attendu.json` (worked out in its `LISEZMOI.md`, never
//! copied from the program's output); the threshold, the reception dates, the region names, the
//! exports read back; then each reading problem on a minimal file, through the core API the page
//! will call (bytes in, document out).

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::Command;

use calamine::{Data, Reader, Xlsx};
use cma_analytique::date::Date;
use cma_analytique::money::Weight;
use cma_analytique::revue::{self, RegionFile, Review, ReviewOptions};
use serde_json::Value;

fn case() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/cas-revue/reseau-cinq-regions")
}

fn arguments() -> Vec<String> {
    std::fs::read_to_string(case().join("arguments.txt")).unwrap().lines().filter(|l| !l.is_empty()).map(str::to_owned).collect()
}

fn run(extra: &[&str]) -> std::process::Output {
    Command::new(env!("CARGO_BIN_EXE_cma-analytique")).current_dir(case()).arg("revue").args(arguments()).args(extra).output().expect("the binary runs")
}

fn run_json(extra: &[&str]) -> Value {
    let out = run(&[extra, &["--json"]].concat());
    assert_eq!(out.status.code(), Some(0), "{}", String::from_utf8_lossy(&out.stderr));
    serde_json::from_slice(&out.stdout).unwrap()
}

/// Rows of a JSON array indexed by one of their fields.
fn by<'v>(rows: &'v Value, field: &str) -> BTreeMap<String, &'v Value> {
    rows.as_array().map(|a| a.iter().map(|r| (r[field].as_str().unwrap_or("").to_owned(), r)).collect()).unwrap_or_default()
}

/// Every field of `expected` equal in `actual`; an object of `expected` keyed by name where
/// `actual` has an array is matched on the array's `region`, `certification` or `code` field.
fn compare(path: &str, expected: &Value, actual: &Value, gaps: &mut Vec<String>) {
    match (expected, actual) {
        (Value::Object(fields), Value::Array(_)) => {
            let key = ["region", "certification", "code"].into_iter().find(|k| actual[0].get(*k).is_some()).unwrap_or("region");
            let rows = by(actual, key);
            for (k, v) in fields {
                match rows.get(k) {
                    Some(row) => compare(&format!("{path}[{k}]"), v, row, gaps),
                    None => gaps.push(format!("{path}[{k}] : ligne absente")),
                }
            }
        }
        (Value::Object(fields), _) => {
            for (k, v) in fields {
                compare(&format!("{path}.{k}"), v, &actual[k.as_str()], gaps);
            }
        }
        _ if expected != actual => gaps.push(format!("{path} : attendu {expected}, obtenu {actual}")),
        _ => {}
    }
}

fn expected() -> Value {
    serde_json::from_str(&std::fs::read_to_string(case().join("attendu.json")).unwrap()).unwrap()
}

/// The outliers, in order, compared field by field with a list of expectations.
fn compare_outliers(name: &str, expected: &Value, actual: &Value, gaps: &mut Vec<String>) {
    let (e, a) = (expected.as_array().unwrap(), actual.as_array().unwrap());
    if e.len() != a.len() {
        gaps.push(format!("{name} : {} régions atypiques attendues, {} obtenues : {actual}", e.len(), a.len()));
    }
    for (i, (e, a)) in e.iter().zip(a).enumerate() {
        compare(&format!("{name}[{i}]"), e, a, gaps);
    }
}

#[test]
fn five_regions_worked_by_hand() {
    let expected = expected();
    let actual = run_json(&[]);
    let mut gaps = Vec::new();
    for section in ["certifications", "national", "actions_cop_pn", "conformite"] {
        let actual_section = if section == "actions_cop_pn" { &actual[section]["codes"] } else { &actual[section] };
        compare(section, &expected[section], actual_section, &mut gaps);
    }
    let compared: Vec<&str> = actual["certifications"].as_array().unwrap().iter().filter_map(|c| c["certification"].as_str()).collect();
    assert_eq!(compared, ["50022137", "50023211", "RNCP34828", "RNCP35316"], "certifications in several regions, by code");
    compare_outliers("atypiques", &expected["atypiques"], &actual["atypiques"], &mut gaps);
    compare("non comparées", &expected["certifications_non_comparees"][0], &actual["certifications_non_comparees"][0], &mut gaps);
    let codes: Vec<&str> = actual["diagnostics"].as_array().unwrap().iter().filter_map(|d| d["code"].as_str()).collect();
    for code in expected["diagnostics_attendus"].as_array().unwrap().iter().filter_map(Value::as_str) {
        if !codes.contains(&code) {
            gaps.push(format!("diagnostic {code} attendu, obtenus {codes:?}"));
        }
    }
    for code in expected["diagnostics_absents"].as_array().unwrap().iter().filter_map(Value::as_str) {
        if codes.contains(&code) {
            gaps.push(format!("diagnostic {code} inattendu"));
        }
    }
    assert_eq!(codes.iter().filter(|c| **c == "V004").count(), 1, "one outlier, one V004");
    assert!(gaps.is_empty(), "{} écart(s) :\n{}", gaps.len(), gaps.join("\n"));
}

#[test]
fn the_threshold_is_adjustable() {
    let expected = expected();
    let mut gaps = Vec::new();
    for (seuil, key) in [("1,3", "seuil_1_3"), ("1", "seuil_1")] {
        let actual = run_json(&["--seuil", seuil]);
        assert_eq!(actual["parametres"]["seuil"], if seuil == "1" { "1" } else { "1.3" });
        compare_outliers(key, &expected[key], &actual["atypiques"], &mut gaps);
    }
    assert!(gaps.is_empty(), "{}", gaps.join("\n"));
    let out = run(&["--seuil", "0"]);
    assert_eq!(out.status.code(), Some(2), "a zero threshold is refused");
}

#[test]
fn reception_dates_decide_the_calendar_and_unknown_regions_are_said() {
    let actual = run_json(&["--recu", "Hauts-de-France=2024-07-08", "--recu", "grand est=2024-07-09", "--recu", "Corse=2024-07-01"]);
    let dashboard = by(&actual["conformite"], "region");
    let hdf = dashboard["Hauts-de-France"];
    assert_eq!((hdf["preprojet_a_l_heure"].as_bool(), hdf["jours_restants"].as_i64()), (Some(true), Some(2)), "{hdf}");
    assert_eq!(hdf["source_calendrier"], "date_de_reception");
    assert_eq!(hdf["date_limite"], "2024-07-10");
    // The date CMA France received it prevails over the date the region states (15/07).
    let ge = dashboard["Grand Est"];
    assert_eq!((ge["preprojet_a_l_heure"].as_bool(), ge["jours_restants"].as_i64()), (Some(true), Some(1)), "{ge}");
    let codes: Vec<&str> = actual["diagnostics"].as_array().unwrap().iter().filter_map(|d| d["code"].as_str()).collect();
    assert!(codes.contains(&"V012"), "Corse names no file: {codes:?}");
    assert!(!codes.contains(&"V008"), "nobody late any more: {codes:?}");
}

/// The exports of the five-region set that `fabriquer.sh` writes, each in its region's folder.
const REGION_FILES: [&str; 9] = [
    "bretagne/preprojet.xlsx",
    "bretagne/resultats.json",
    "grand-est/preprojet.xlsx",
    "grand-est/resultats.json",
    "hauts-de-france/preprojet.csv",
    "normandie/preprojet.json",
    "normandie/resultats.json",
    "occitanie/preprojet.csv",
    "occitanie/resultats.json",
];

#[test]
fn the_committed_exports_are_what_the_commands_write() {
    let dir = std::env::temp_dir().join(format!("cma-revue-{}", std::process::id()));
    for region in ["bretagne", "grand-est", "hauts-de-france", "normandie", "occitanie"] {
        std::fs::create_dir_all(dir.join(region)).unwrap();
        for f in ["grand-livre.csv", "correspondance.csv", "inducteurs.csv", "certifications.csv"] {
            std::fs::copy(case().join(region).join(f), dir.join(region).join(f)).unwrap();
        }
    }
    std::fs::copy(case().join("fabriquer.sh"), dir.join("fabriquer.sh")).unwrap();
    let out = Command::new("sh").arg(dir.join("fabriquer.sh")).arg(env!("CARGO_BIN_EXE_cma-analytique")).output().unwrap();
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    for file in REGION_FILES {
        let fresh = std::fs::read(dir.join(file)).unwrap();
        let committed = std::fs::read(case().join(file)).unwrap();
        assert!(fresh == committed, "{file} n'est plus ce que l'outil écrit : relancez tests/cas-revue/reseau-cinq-regions/fabriquer.sh");
    }
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn untagged_files_take_the_identity_name_else_the_file_name() {
    let out = Command::new(env!("CARGO_BIN_EXE_cma-analytique"))
        .current_dir(case())
        .args(["revue", "--region", "bretagne/preprojet.xlsx", "--region", "occitanie/preprojet.csv", "--region", "normandie/preprojet.json", "--json"])
        .output()
        .unwrap();
    let doc: Value = serde_json::from_slice(&out.stdout).unwrap();
    let names: Vec<&str> = doc["regions"].as_array().unwrap().iter().filter_map(|r| r["region"].as_str()).collect();
    // The identity's « CMA de région Bretagne » proposes « Bretagne »; a CSV has no identity, and
    // its name `preprojet.csv` only says what it is: its folder names the region.
    assert_eq!(names, ["Bretagne", "Normandie", "occitanie"]);
    let v010 = doc["diagnostics"].as_array().unwrap().iter().filter(|d| d["code"] == "V010").count();
    assert_eq!(v010, 3);
}

#[test]
fn untagged_files_of_one_region_go_together() {
    // Every file of the five-region set, untagged, as a user drops them: a pre-project named by
    // its identity (« CMA de région Bretagne ») and results named by their folder (`bretagne`)
    // are one region; five regions, not nine.
    let mut cli = Command::new(env!("CARGO_BIN_EXE_cma-analytique"));
    cli.current_dir(case()).arg("revue");
    for f in REGION_FILES {
        cli.args(["--region", f]);
    }
    let doc: Value = serde_json::from_slice(&cli.arg("--json").output().unwrap().stdout).unwrap();
    let regions: Vec<(&str, bool, bool)> = doc["regions"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| (r["region"].as_str().unwrap(), r["preprojet"].as_bool().unwrap(), r["resultats"].as_bool().unwrap()))
        .collect();
    assert_eq!(
        regions,
        [
            ("Bretagne", true, true),
            ("Grand Est", true, true),
            ("hauts-de-france", true, false),
            ("Normandie", true, true),
            ("occitanie", true, true)
        ]
    );
    let v001 = doc["diagnostics"].as_array().unwrap().iter().filter(|d| d["code"] == "V001").count();
    assert_eq!(v001, 0, "no file set aside as a second file of its region");
}

fn cell_text(cell: &Data) -> String {
    match cell {
        Data::String(s) => s.clone(),
        Data::Float(f) => f.to_string(),
        Data::Int(i) => i.to_string(),
        _ => String::new(),
    }
}

#[test]
fn exports_csv_and_xlsx_are_read_back() {
    let dir = std::env::temp_dir().join(format!("cma-revue-exports-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let (csv, xlsx) = (dir.join("revue.csv"), dir.join("revue.xlsx"));
    let out = run(&["--csv", csv.to_str().unwrap(), "--xlsx", xlsx.to_str().unwrap()]);
    assert_eq!(out.status.code(), Some(0), "{}", String::from_utf8_lossy(&out.stderr));
    let text = std::fs::read_to_string(&csv).unwrap();
    assert!(text.starts_with('\u{feff}'), "BOM for Excel");
    let occitanie = text.lines().find(|l| l.starts_with("RNCP34828;") && l.contains(";Occitanie;")).unwrap();
    for cell in [";12000,00;8200,00;3800,00;12,82;oui;Charges de structure et de fonctions support;3600,00;", ";10,00;10,00;0,00;0,00;non;;"] {
        assert!(occitanie.contains(cell), "{occitanie}");
    }
    for name in ["medianes", "rubriques", "atypiques", "non-comparees", "national", "controle", "conformite", "actions-cop-pn"] {
        assert!(dir.join(format!("revue-{name}.csv")).is_file(), "{name}");
    }
    let dashboard = std::fs::read_to_string(dir.join("revue-conformite.csv")).unwrap();
    let hdf = dashboard.lines().find(|l| l.starts_with("Hauts-de-France;")).unwrap();
    assert!(hdf.starts_with("Hauts-de-France;non connu;non connu;non connu;non connu;"), "{hdf}");

    let mut book: Xlsx<_> = calamine::open_workbook(&xlsx).unwrap();
    let names = book.sheet_names();
    assert_eq!(names.first().map(String::as_str), Some("Paramètres"));
    assert!(names.iter().any(|n| n == "Atypiques") && names.iter().any(|n| n == "Diagnostics"), "{names:?}");
    let range = book.worksheet_range("Atypiques").unwrap();
    let rows: Vec<Vec<String>> = range.rows().map(|r| r.iter().map(cell_text).collect()).collect();
    assert_eq!(rows.len(), 2, "{rows:?}");
    assert_eq!(&rows[1][..5], ["RNCP34828", "CAP Boulanger", "coût par apprenti", "Occitanie", "12000"]);
    assert_eq!((rows[1][7].as_str(), rows[1][8].as_str(), rows[1][11].as_str()), ("12.82", "Charges de structure et de fonctions support", "3600"));
    let national = book.worksheet_range("National").unwrap();
    let b01 = national.rows().find(|r| cell_text(&r[1]) == "B01" && cell_text(&r[3]) == "Total national").unwrap().to_vec();
    assert_eq!(cell_text(&b01[6]), "893600");
    let _ = std::fs::remove_dir_all(&dir);
}

/// Every sheet of a workbook: its name and its cells (row by row, trailing empty cells dropped).
fn workbook_cells(bytes: Vec<u8>) -> Vec<(String, Vec<Vec<Data>>)> {
    let mut book = Xlsx::new(std::io::Cursor::new(bytes)).unwrap();
    let names = book.sheet_names();
    names
        .into_iter()
        .map(|name| {
            let range = book.worksheet_range(&name).unwrap();
            let (top, _) = range.start().unwrap_or((0, 0));
            let mut rows: Vec<Vec<Data>> = (0..top).map(|_| Vec::new()).collect();
            for row in range.rows() {
                let mut cells = row.to_vec();
                while cells.last() == Some(&Data::Empty) {
                    cells.pop();
                }
                rows.push(cells);
            }
            (name, rows)
        })
        .collect()
}

#[test]
fn the_workbook_has_every_table_with_its_date() {
    // One workbook for the CLI and the page (crate::xlsx): parameters with the review's date, the
    // files read, the nine tables, the diagnostics; read back by calamine.
    let files: Vec<(String, Vec<u8>)> = arguments()
        .iter()
        .filter(|a| a.contains('='))
        .map(|a| (a.clone(), std::fs::read(case().join(a.split_once('=').unwrap().1)).unwrap()))
        .collect();
    let list: Vec<RegionFile<'_>> = files
        .iter()
        .map(|(tag, bytes)| {
            let (region, name) = tag.split_once('=').unwrap();
            RegionFile { region: Some(region), file_name: name, bytes }
        })
        .collect();
    let doc = revue::review(&list, &ReviewOptions::default());
    let book = workbook_cells(revue::export::xlsx(&doc, Date::new(2024, 7, 20).unwrap()));
    let names: Vec<&str> = book.iter().map(|(n, _)| n.as_str()).collect();
    assert_eq!(
        names,
        ["Paramètres", "Fichiers", "Comparaison", "Médianes", "Rubriques", "Atypiques", "Non comparées", "National", "Contrôle", "Conformité", "Actions COP-PN", "Diagnostics"]
    );
    let parameters = &book[0].1;
    assert_eq!(parameters[0][0], Data::String("Date de la revue".into()));
    // A date cell: 2024-07-20 is day 45 493 of spreadsheets (45 483 for 10 July, see src/xlsx.rs).
    let Data::DateTime(date) = &parameters[0][1] else { panic!("a date cell: {:?}", parameters[0][1]) };
    assert_eq!(date.as_f64(), 45_493.0);
    assert_eq!(book[1].1.len(), 1 + files.len(), "a row per file read");
    let atypiques = &book.iter().find(|(n, _)| n == "Atypiques").unwrap().1;
    assert_eq!((&atypiques[1][3], &atypiques[1][7]), (&Data::String("Occitanie".into()), &Data::Float(12.82)));
}

// ---------------------------------------------------------------------------------------------
// The core API (what the page will call), on minimal files.

fn review(files: &[(&str, &str, &[u8])]) -> Review {
    let files: Vec<RegionFile<'_>> =
        files.iter().map(|(region, name, bytes)| RegionFile { region: (!region.is_empty()).then_some(*region), file_name: name, bytes }).collect();
    revue::review(&files, &ReviewOptions::default())
}

fn codes(doc: &Review) -> Vec<&str> {
    doc.diagnostics.iter().map(|d| d.code.as_str()).collect()
}

const HEADER: &str = "Code certification;Intitulé;Site;Nombre d'apprentis;Heures de formation;Heures apprenants;Charges de pédagogie;Charges d'accompagnement;Charges de structure et de fonctions support;Charges de communication;Frais annexes à la formation;Dotations aux amortissements;Autres charges incorporables;Autres charges non incorporables;Total des charges;Produits\n";

fn table(rows: &str) -> Vec<u8> {
    format!("{HEADER}{rows}").into_bytes()
}

#[test]
fn reading_problems_are_diagnostics_with_their_line() {
    // Total ≠ Σ headings (V002, the sum is kept), a row without code (V011), an unreadable amount (F003).
    let a = table("R1;;S;10;100;1000;1000;0;0;0;0;0;0;0;999;0\n;;S;1;1;1;1;0;0;0;0;0;0;0;1;0\nR1;;T;2;100;200;1O0;0;0;0;0;0;0;0;100;0\n");
    let doc = review(&[("Alpha", "a.csv", &a)]);
    let found: Vec<(&str, Option<u32>)> = doc.diagnostics.iter().map(|d| (d.code.as_str(), d.ligne)).collect();
    for expected in [("V002", Some(2)), ("V011", Some(3)), ("F003", Some(4))] {
        assert!(found.contains(&expected), "{expected:?} in {found:?}");
    }
    let reading = doc.diagnostics.iter().filter(|d| ["V002", "V011", "F003"].contains(&d.code.as_str()));
    assert!(reading.clone().count() == 3 && reading.into_iter().all(|d| d.message.starts_with("région « Alpha » (a.csv) : ")), "{:?}", doc.diagnostics);

    // Not a pre-project at all: a ledger (F002, saying it is a CSV), a JSON of something else (F001).
    let ledger = b"compte;objet;debit\n641;X;1\n";
    let doc = review(&[("Beta", "gl.csv", ledger), ("Gamma", "x.json", b"{\"personnes\": []}")]);
    assert_eq!(codes(&doc), ["F002", "V009", "F001", "V009"], "each unreadable region is still on the dashboard, all « non connu »");
    assert!(doc.diagnostics[0].message.contains("CSV UTF-8"), "{}", doc.diagnostics[0].message);
    assert_eq!(doc.regions[0].fichiers[0].nature, "illisible");

    // Two pre-projects for one region (names compared like headers): V001, the second ignored.
    let one = table("R1;;;10;100;1000;1000;0;0;0;0;0;0;0;1000;0\n");
    let two = table("R1;;;10;100;1000;5000;0;0;0;0;0;0;0;5000;0\n");
    let doc = review(&[("Île-de-France", "1.csv", &one), ("ile de france", "2.csv", &two)]);
    assert_eq!(codes(&doc)[0], "V001");
    assert_eq!(doc.regions.len(), 1);
    assert_eq!(doc.regions[0].region, "Île-de-France");
}

#[test]
fn regions_without_apprentices_leave_the_comparison() {
    let row = |apprentices: &str, cost: &str| table(&format!("R1;;;{apprentices};100;1000;{cost};0;0;0;0;0;0;0;{cost};0\n"));
    let (a, b, c) = (row("10", "1000"), row("10", "2000"), row("0", "3000"));
    let doc = review(&[("A", "a.csv", &a), ("B", "b.csv", &b), ("C", "c.csv", &c)]);
    let cmp = &doc.certifications[0].cout_par_apprenti;
    assert_eq!(cmp.regions_comparees, 2, "C has no apprentice");
    assert_eq!(doc.certifications[0].cout_par_heure_apprenant.regions_comparees, 3);
    assert!(codes(&doc).contains(&"V003"));
    // Two regions: the median is their mean, nothing is flagged.
    assert_eq!(cmp.mediane.map(|m| m.to_string()).as_deref(), Some("150.00"));
    assert!(doc.atypiques.is_empty());
}

#[test]
fn the_order_of_the_files_does_not_matter() {
    let files: Vec<(String, Vec<u8>)> = arguments()
        .iter()
        .filter(|a| a.contains('='))
        .map(|a| (a.clone(), std::fs::read(case().join(a.split_once('=').unwrap().1)).unwrap()))
        .collect();
    let as_files = |order: &[usize]| -> String {
        let list: Vec<RegionFile<'_>> = order
            .iter()
            .map(|&i| {
                let (tag, bytes) = &files[i];
                let (region, name) = tag.split_once('=').unwrap();
                RegionFile { region: Some(region), file_name: name, bytes }
            })
            .collect();
        let options = ReviewOptions { threshold: Some(Weight::parse("3").unwrap()), receptions: vec![("Occitanie".into(), Date::new(2024, 7, 1).unwrap())], transmission: None };
        serde_json::to_string(&revue::review(&list, &options)).unwrap()
    };
    let forward: Vec<usize> = (0..files.len()).collect();
    let backward: Vec<usize> = forward.iter().rev().copied().collect();
    assert_eq!(as_files(&forward), as_files(&backward));
}

#[test]
fn csv_cells_are_never_formulas() {
    let row = |cost: &str| table(&format!("=R1;@titre;-site;10;100;1000;{cost};0;0;0;0;0;0;0;{cost};0\n"));
    let (a, b) = (row("1000"), row("-2000"));
    let doc = review(&[("=HYPERLINK(\"x\")", "a.csv", &a), ("+Région", "b.csv", &b)]);
    let csv = String::from_utf8(revue::export::csv(&revue::export::tables(&doc)[0])).unwrap();
    let lines: Vec<&str> = csv.lines().skip(1).collect();
    assert!(lines.iter().all(|l| l.starts_with("'=R1;'@titre;")), "{csv}");
    assert!(lines.iter().any(|l| l.contains(";\"'=HYPERLINK(\"\"x\"\")\";")), "{csv}");
    assert!(lines.iter().any(|l| l.contains(";'+Région;")), "{csv}");
    assert!(lines.iter().any(|l| l.contains(";-2000,00;")), "numbers are never neutralised: {csv}");
}
