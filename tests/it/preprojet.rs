//! The pre-project (spec §5, §9): the hand-worked cases of `tests/cas-preprojet/` run through
//! `preprojet --json` and through the CSV and XLSX exports read back; then each check of the
//! pre-project on a minimal input, the 2024 calendar and the determinism of the workbook.
//!
//! Each case folder holds the users' files, `arguments.txt` (extra CLI arguments, one per line),
//! `attendu.json` worked out by hand in `LISEZMOI.md` — never copied from the program's output.
//! Compared: `certifications` and `complements` indexed by (certification, site), every field
//! given; `total`, `non_ventile`, `calendrier`, `identite` field by field; every code of
//! `diagnostics_attendus` present, none of `diagnostics_absents`.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::Command;

use calamine::{Data, Reader, Xlsx};
use cma_analytique::calendar::CalendarInput;
use cma_analytique::date::Date;
use cma_analytique::preprojet::{self, Identity, PreProject, PreProjectOptions, export, is_certification_code};
use cma_analytique::revue::{self, RegionFile, ReviewOptions};
use cma_analytique::rulebook::rulebook;
use cma_analytique::{Inputs, Options};
use serde_json::Value;

fn cases() -> Vec<PathBuf> {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/cas-preprojet");
    let mut dirs: Vec<PathBuf> = std::fs::read_dir(&root).unwrap().flatten().map(|e| e.path()).filter(|p| p.is_dir()).collect();
    dirs.sort();
    assert!(!dirs.is_empty(), "no case under {}", root.display());
    dirs
}

fn scratch(name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("cma-preprojet-{}-{name}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

/// Runs `preprojet` on a case with its arguments and the given extra ones.
fn run_case(dir: &Path, extra: &[&str]) -> std::process::Output {
    run_files(dir, true, extra)
}

/// Runs `preprojet` on a case's files, with or without its `arguments.txt`.
fn run_files(dir: &Path, with_arguments: bool, extra: &[&str]) -> std::process::Output {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_cma-analytique"));
    cmd.arg("preprojet");
    for (option, file) in
        [("--grand-livre", "grand-livre.csv"), ("--correspondance", "correspondance.csv"), ("--inducteurs", "inducteurs.csv")]
    {
        cmd.arg(option).arg(dir.join(file));
    }
    if dir.join("certifications.csv").is_file() {
        cmd.arg("--certifications").arg(dir.join("certifications.csv"));
    }
    if with_arguments {
        let arguments = std::fs::read_to_string(dir.join("arguments.txt")).unwrap_or_default();
        cmd.args(arguments.lines().filter(|l| !l.is_empty()));
    }
    cmd.args(extra).output().expect("the binary runs")
}

fn key(row: &Value) -> (String, String) {
    (row["certification"].as_str().unwrap_or("").to_owned(), row["site"].as_str().unwrap_or("").to_owned())
}

fn index(rows: &Value) -> BTreeMap<(String, String), &Value> {
    rows.as_array().map(|a| a.iter().map(|r| (key(r), r)).collect()).unwrap_or_default()
}

/// Every field of `expected` equal in `actual` (objects compared field by field, recursively).
fn compare(path: &str, expected: &Value, actual: &Value, gaps: &mut Vec<String>) {
    match expected {
        Value::Object(fields) => {
            for (k, v) in fields {
                compare(&format!("{path}.{k}"), v, &actual[k.as_str()], gaps);
            }
        }
        _ if expected != actual => gaps.push(format!("{path}: attendu {expected}, obtenu {actual}")),
        _ => {}
    }
}

#[test]
fn hand_worked_cases_of_the_pre_project() {
    let mut gaps = Vec::new();
    for dir in cases() {
        let name = dir.file_name().unwrap().to_string_lossy().into_owned();
        let expected: Value = serde_json::from_str(&std::fs::read_to_string(dir.join("attendu.json")).unwrap()).unwrap();
        assert!(dir.join("LISEZMOI.md").is_file(), "{name}: LISEZMOI.md");
        let out = run_case(&dir, &["--json"]);
        assert_eq!(out.status.code(), Some(0), "{name}: {}", String::from_utf8_lossy(&out.stderr));
        let actual: Value = serde_json::from_slice(&out.stdout).unwrap();
        for section in ["certifications", "complements"] {
            let (e, a) = (index(&expected[section]), index(&actual[section]));
            if e.keys().ne(a.keys()) {
                gaps.push(format!("[{name}] {section}: lignes attendues {:?}, obtenues {:?}", e.keys(), a.keys()));
            }
            for (k, row) in &e {
                let got = a.get(k).copied().unwrap_or(&Value::Null);
                compare(&format!("[{name}] {section}{k:?}"), row, got, &mut gaps);
                if section == "certifications" && row.get("marge").is_none() && got.get("marge").is_some() {
                    gaps.push(format!("[{name}] {k:?}: marge absente attendue (aucun produit)"));
                }
            }
        }
        for section in ["total", "non_ventile", "calendrier", "identite"] {
            if let Some(e) = expected.get(section) {
                compare(&format!("[{name}] {section}"), e, &actual[section], &mut gaps);
            }
        }
        let codes: Vec<&str> = actual["diagnostics"].as_array().unwrap().iter().filter_map(|d| d["code"].as_str()).collect();
        for code in expected["diagnostics_attendus"].as_array().into_iter().flatten().filter_map(Value::as_str) {
            if !codes.contains(&code) {
                gaps.push(format!("[{name}] diagnostic {code} attendu, obtenus {codes:?}"));
            }
        }
        for code in expected["diagnostics_absents"].as_array().into_iter().flatten().filter_map(Value::as_str) {
            if codes.contains(&code) {
                gaps.push(format!("[{name}] diagnostic {code} inattendu"));
            }
        }
    }
    assert!(gaps.is_empty(), "{} écart(s) :\n{}", gaps.len(), gaps.join("\n"));
}

/// The expected figures of one row in the order of the export's columns from « Nombre
/// d'apprentis » to « Coût par heure apprenant », as `.`-decimal strings (empty when absent).
fn expected_cells(row: &Value, complement: &Value) -> Vec<String> {
    let text = |v: &Value| v.as_str().unwrap_or("").to_owned();
    let mut cells = vec![text(&row["apprentis"]), text(&row["heures"]), text(&row["heures_apprenants"])];
    // The columns follow the declaration order of the rulebook (a layout, not a figure).
    cells.extend(rulebook().headings.iter().map(|(h, _)| text(&row["rubriques"][h.as_str()])));
    cells.extend([
        text(&row["cout_complet"]),
        text(&row["produits"]),
        text(&row["marge"]),
        text(&complement["cout_par_apprenti"]),
        text(&complement["cout_par_heure_apprenant"]),
    ]);
    cells
}

/// A number cell of the workbook written with as many decimals as `like` has.
fn xlsx_text(cell: &Data, like: &str) -> String {
    let decimals = like.split_once('.').map_or(0, |(_, d)| d.len());
    match cell {
        Data::Float(v) => format!("{v:.decimals$}"),
        Data::Int(v) => format!("{v}"),
        Data::String(s) => s.clone(),
        Data::Empty => String::new(),
        other => format!("{other:?}"),
    }
}

#[test]
fn exports_are_read_back_with_the_hand_worked_figures() {
    for dir in cases() {
        let name = dir.file_name().unwrap().to_string_lossy().into_owned();
        let expected: Value = serde_json::from_str(&std::fs::read_to_string(dir.join("attendu.json")).unwrap()).unwrap();
        let out_dir = scratch(&name);
        let (xlsx, csv) = (out_dir.join("preprojet.xlsx"), out_dir.join("preprojet.csv"));
        let out = run_case(
            &dir,
            &["--xlsx", xlsx.to_str().unwrap(), "--csv", csv.to_str().unwrap(), "--note", out_dir.join("note.md").to_str().unwrap()],
        );
        assert_eq!(out.status.code(), Some(0), "{name}: {}", String::from_utf8_lossy(&out.stderr));
        let rows = expected["certifications"].as_array().unwrap();
        let complements = index(&expected["complements"]);
        let total = &expected["total"];

        // CSV: BOM, `;`, comma decimals, one row per certification and site, then the total.
        let bytes = std::fs::read(&csv).unwrap();
        assert!(bytes.starts_with(b"\xEF\xBB\xBF"), "{name}: BOM");
        let mut reader = csv::ReaderBuilder::new().delimiter(b';').from_reader(&bytes[3..]);
        let header: Vec<String> = reader.headers().unwrap().iter().map(str::to_owned).collect();
        assert_eq!(header[..3], ["Code certification", "Intitulé", "Site"]);
        assert_eq!(header[6], "Charges de pédagogie");
        assert_eq!(header.len(), 6 + 8 + 5);
        let records: Vec<Vec<String>> = reader.records().map(|r| r.unwrap().iter().map(str::to_owned).collect()).collect();
        assert_eq!(records.len(), rows.len() + 1, "{name}: rows and total");
        let mut csv_rows: BTreeMap<(String, String), Vec<String>> = BTreeMap::new();
        for r in &records[..rows.len()] {
            csv_rows.insert((r[0].clone(), r[2].clone()), r.clone());
        }
        for row in rows {
            let k = key(row);
            let got = &csv_rows[&k];
            assert_eq!(got[1], complements[&k]["libelle"].as_str().unwrap(), "{name} {k:?} intitulé");
            let want: Vec<String> = expected_cells(row, complements[&k]).iter().map(|c| c.replace('.', ",")).collect();
            assert_eq!(got[3..], want[..], "{name} {k:?} (CSV)");
        }
        let last = records.last().unwrap();
        assert_eq!(last[0], "Total");
        assert_eq!(last[14], total["cout_complet"].as_str().unwrap().replace('.', ","));

        // XLSX: the same figures as numbers, plus the identity sheet and the note.
        let mut book: Xlsx<_> = calamine::open_workbook(&xlsx).unwrap();
        assert_eq!(
            book.sheet_names(),
            ["Identité", "Certifications", "Produits par financeur", "Indicateurs", "Note explicative", "Diagnostics"]
        );
        let sheet = book.worksheet_range("Certifications").unwrap();
        let table: Vec<Vec<Data>> = sheet.rows().map(<[Data]>::to_vec).collect();
        assert_eq!(table.len(), rows.len() + 2, "{name}: header, rows, total");
        for row in rows {
            let k = key(row);
            let line = table
                .iter()
                .find(|r| r[0] == Data::String(k.0.clone()) && xlsx_text(&r[2], "") == k.1)
                .unwrap_or_else(|| panic!("{name}: {k:?} in the workbook"));
            let want = expected_cells(row, complements[&k]);
            let got: Vec<String> = line[3..].iter().zip(&want).map(|(c, w)| xlsx_text(c, w)).collect();
            assert_eq!(got, want, "{name} {k:?} (XLSX)");
        }
        let identity = book.worksheet_range("Identité").unwrap();
        let pairs: BTreeMap<String, String> = identity.rows().map(|r| (xlsx_text(&r[0], ""), xlsx_text(&r[1], ""))).collect();
        let id = &expected["identite"];
        assert_eq!(pairs["Nom de l'organisme"], id["nom"].as_str().unwrap());
        assert_eq!(pairs["SIRET"], id["siret"].as_str().unwrap());
        assert_eq!(pairs["UAI"], id["uai"].as_str().unwrap());
        assert_eq!(pairs["Exercice"], id["exercice"].to_string());
        let note = book.worksheet_range("Note explicative").unwrap();
        let text: Vec<String> = note.rows().map(|r| xlsx_text(&r[0], "")).collect();
        assert!(text.iter().any(|l| l.contains("Clés de répartition appliquées")), "{name}: note in the workbook");
        let note_file = std::fs::read_to_string(out_dir.join("note.md")).unwrap();
        assert_eq!(note_file.lines().collect::<Vec<_>>(), text, "{name}: same note in the file and the workbook");
        std::fs::remove_dir_all(&out_dir).unwrap();
    }
}

// ---- each check on a minimal input --------------------------------------------------------

const LEDGER: &str = "compte;objet;debit;credit;certification;financeur\n";
const MAPPING: &str = "objet;code;site;certification;rubrique_fc\n";
const DRIVERS: &str = "inducteur;site;code;certification;valeur;heures;apprenants\n";

fn options(sending: &str) -> PreProjectOptions<'static> {
    PreProjectOptions {
        calendar: CalendarInput { transmission: None, sending: Date::parse(sending).unwrap(), financial_year: Some(2023) },
        identity: Identity::default(),
        titles: None,
    }
}

fn preproject(ledger: &str, mapping: &str, drivers: &str, options: &PreProjectOptions<'_>) -> PreProject {
    let (l, m, d) = (format!("{LEDGER}{ledger}"), format!("{MAPPING}{mapping}"), format!("{DRIVERS}{drivers}"));
    let inputs = Inputs { ledger: l.as_bytes(), mapping: m.as_bytes(), drivers: d.as_bytes() };
    preprojet::run(inputs, Options::default(), options).document.expect("inputs readable")
}

fn codes(doc: &PreProject) -> Vec<&str> {
    doc.diagnostics.iter().map(|d| d.code.as_str()).collect()
}

#[test]
fn margin_above_twenty_percent_is_flagged_not_at_twenty() {
    let drivers = "heures_apprenants;;B01;RNCP1;;100;2\nheures_apprenants;;B01;RNCP2;;100;2\n";
    // RNCP1: 1 000,00 of products for 800,00 of cost: margin 0,2000 exactly → no P002.
    // RNCP2: 1 000,00 for 799,99: margin 0,200 01 → 0,2000 shown, but above: P002.
    let ledger = "641100;O1;800,00;;;\n706100;O1;;1000,00;;contrats_apprentissage\n641100;O2;799,99;;;\n706100;O2;;1000,00;;contrats_apprentissage\n";
    let mapping = "O1;B01;;RNCP1;pedagogie\nO2;B01;;RNCP2;pedagogie\n";
    let doc = preproject(ledger, mapping, drivers, &options("2024-07-01"));
    let margins: Vec<String> = doc.certifications.iter().map(|r| r.marge.unwrap().to_string()).collect();
    assert_eq!(margins, ["0.2000", "0.2000"]);
    let p002: Vec<&str> = doc.diagnostics.iter().filter(|d| d.code == "P002").map(|d| d.message.as_str()).collect();
    assert_eq!(p002.len(), 1, "{p002:?}");
    assert!(p002[0].contains("RNCP2"));
}

#[test]
fn apprenticeship_charges_left_without_certification_break_the_sum() {
    // B01 charges without certification at site EST, where no certification has apprentice-hours:
    // the B01 commun pool cannot be spread (R001) and the rows miss 300,00 of « accompagnement ».
    let ledger = "641100;O1;1000,00;;;\n641100;SUIVI;300,00;;;\n744000;SUIVI;;50,00;;region\n";
    let mapping = "O1;B01;NORD;RNCP1;pedagogie\nSUIVI;B01;EST;;accompagnement\n";
    let drivers = "heures_apprenants;NORD;B01;RNCP1;;100;2\n";
    let doc = preproject(ledger, mapping, drivers, &options("2024-07-01"));
    assert!(codes(&doc).contains(&"R001") && codes(&doc).contains(&"R004"), "{:?}", codes(&doc));
    assert_eq!(codes(&doc).iter().filter(|c| **c == "P006").count(), 2, "one for the heading, one for the products");
    assert_eq!(doc.non_ventile.rubriques["accompagnement"].to_string(), "300.00");
    assert_eq!(doc.non_ventile.produits.to_string(), "50.00");
    assert_eq!(doc.total.cout_complet.to_string(), "1000.00");
}

#[test]
fn negative_heading_and_bad_codes_are_flagged() {
    let ledger = "641100;O1;100,00;;;\n606300;O1;;250,00;;\n641100;O2;10,00;;;\n641100;O3;10,00;;rncp123;\n";
    let mapping = "O1;B01;;RNCP1;\nO2;B01;;CAP 2024;pedagogie\nO3;B01;;50022137;pedagogie\n";
    let drivers = "heures_apprenants;;B01;RNCP1;;10;1\nheures_apprenants;;B01;CAP 2024;;10;1\nheures_apprenants;;B01;rncp123;;10;1\n";
    let doc = preproject(ledger, mapping, drivers, &options("2024-07-01"));
    let found = codes(&doc);
    assert_eq!(found.iter().filter(|c| **c == "P005").count(), 1, "{found:?}");
    let p004: Vec<&str> = doc.diagnostics.iter().filter(|d| d.code == "P004").map(|d| d.message.as_str()).collect();
    assert_eq!(p004.len(), 1, "{p004:?}");
    assert!(p004[0].contains("CAP 2024"));
    assert!(is_certification_code("RNCP34828") && is_certification_code("rncp123") && is_certification_code("50022137"));
    assert!(!is_certification_code("RNCP") && !is_certification_code("5002213") && !is_certification_code("RNCP12A"));
}

#[test]
fn every_heading_is_written_even_when_zero() {
    let doc = preproject("641100;O1;100,00;;;\n", "O1;B01;;RNCP1;\n", "heures_apprenants;;B01;RNCP1;;10;1\n", &options("2024-07-01"));
    let row = &doc.certifications[0];
    assert_eq!(row.rubriques.keys().map(String::as_str).collect::<Vec<_>>().len(), 8);
    assert_eq!(row.rubriques["communication"].to_string(), "0.00");
    assert!(row.marge.is_none(), "no products, no margin");
    let json = serde_json::to_value(&doc).unwrap();
    assert!(json["certifications"][0].get("marge").is_none());
    let table = export::certification_table(&doc).rows;
    assert!(table[0][6..14].iter().all(|c| *c != export::Cell::Empty), "{:?}", table[0]);
}

#[test]
fn titles_are_read_and_a_second_title_is_flagged() {
    let mut o = options("2024-07-01");
    let titles = "Certification;Intitulé\nRNCP1;CAP Boulanger\nRNCP1;CAP Boulangerie\n".as_bytes().to_vec();
    o.titles = Some(&titles);
    let doc = preproject("641100;O1;100,00;;;\n", "O1;B01;;RNCP1;\n", "heures_apprenants;;B01;RNCP1;;10;1\n", &o);
    assert_eq!(doc.complements[0].libelle, "CAP Boulanger");
    let p010 = doc.diagnostics.iter().find(|d| d.code == "P010").expect("P010");
    assert_eq!((p010.fichier.as_str(), p010.ligne), ("certifications", Some(3)));
}

#[test]
fn compliance_indicators_of_section_vi() {
    // Objects: O1 (A03, mapped), POOL (D03, mapped), X (absent from the mapping): 2 / 3.
    // Charges 300,00 + 50,00 + 100,00 = 450,00, of which 350,00 mapped: 0,777… → 0,7778.
    // The D03 pool (50,00) has no ETP in scope: nothing spread by the keys (R001): 0,0000.
    let ledger = "641100;O1;300,00;;;\n641100;POOL;50,00;;;\n641100;X;100,00;;;\n706000;O1;;40,00;;\n";
    let doc = preproject(ledger, "O1;A03;;;\nPOOL;D03;;;\n", "", &options("2024-07-01"));
    let i = serde_json::to_value(&doc.indicateurs).unwrap();
    assert_eq!((&i["objets_rattaches"], &i["objets_total"]), (&Value::from(2), &Value::from(3)));
    assert_eq!(i["part_objets_rattaches"], "0.6667");
    assert_eq!((&i["charges_rattachees"], &i["charges_total"]), (&Value::from("350.00"), &Value::from("450.00")));
    assert_eq!(i["part_charges_rattachees"], "0.7778");
    assert_eq!(i["part_produits_rattaches"], "1.0000");
    assert_eq!((&i["pools"], &i["pools_entierement_repartis"]), (&Value::from(1), &Value::from(0)));
    assert_eq!(i["part_charges_indirectes_reparties"], "0.0000");
    assert_eq!(i["preprojet_a_l_heure"], true);
}

#[test]
fn identity_is_checked() {
    let mut o = options("2024-07-01");
    o.identity = Identity { nom: "CMA".into(), siret: "13002526500014".into(), uai: "075567A".into(), exercice: Some(2023) };
    let doc = preproject("", "", "", &o);
    assert_eq!(codes(&doc).iter().filter(|c| **c == "P008").count(), 2);
}

#[test]
fn calendar_2024_on_time_late_and_other_years() {
    let doc = preproject("", "", "", &options("2024-06-28"));
    let c = doc.calendrier.as_ref().unwrap();
    assert_eq!((c.date_transmission.to_string(), c.date_limite_preprojet.to_string()), ("2024-07-31".into(), "2024-07-10".into()));
    assert_eq!(c.jours_restants, 12);
    assert!(!codes(&doc).contains(&"P001"));
    assert_eq!(doc.indicateurs.preprojet_a_l_heure, Some(true));
    let doc = preproject("", "", "", &options("2024-07-11"));
    assert!(codes(&doc).contains(&"P001"));
    assert_eq!(doc.indicateurs.preprojet_a_l_heure, Some(false));
    let json = serde_json::to_value(&doc).unwrap();
    assert_eq!(json["calendrier"]["statut"], "en_retard");
    assert_eq!(json["calendrier"]["jours_restants"], -1);
    let mut later = options("2025-05-01");
    later.calendar.financial_year = Some(2024);
    let doc = preproject("", "", "", &later);
    assert_eq!(doc.calendrier.as_ref().unwrap().date_limite_preprojet.to_string(), "2025-07-10");
    assert!(codes(&doc).contains(&"P009"));
}

#[test]
fn cli_date_transmission_and_date_envoi() {
    let dir = cases().into_iter().next().unwrap();
    let out = run_files(&dir, false, &["--date-transmission", "2025-06-30", "--date-envoi", "2025-06-01", "--json"]);
    let doc: Value = serde_json::from_slice(&out.stdout).unwrap();
    let c = &doc["calendrier"];
    assert_eq!(c["date_limite_preprojet"], "2025-06-09");
    assert_eq!(c["statut"], "a_l_heure");
    assert_eq!(c["jours_restants"], 8);
    let mut keys: Vec<&str> = c.as_object().unwrap().keys().map(String::as_str).collect();
    keys.sort_unstable();
    assert_eq!(keys, ["date_envoi", "date_limite_preprojet", "date_transmission", "jours_restants", "statut"]);
    let mut top: Vec<&str> = doc.as_object().unwrap().keys().map(String::as_str).collect();
    top.sort_unstable();
    assert_eq!(
        top,
        ["calendrier", "certifications", "complements", "diagnostics", "identite", "indicateurs", "non_ventile", "note", "total"]
    );
    let mut row: Vec<&str> = doc["certifications"][0].as_object().unwrap().keys().map(String::as_str).collect();
    row.sort_unstable();
    assert_eq!(
        row,
        ["apprentis", "certification", "cout_complet", "heures", "heures_apprenants", "marge", "produits", "rubriques", "site"]
    );
}

#[test]
fn csv_cells_are_never_formulas_and_the_workbook_is_deterministic() {
    let ledger = "641100;O1;100,00;;;\n706100;O1;;50,00;;\n";
    let doc =
        preproject(ledger, "O1;B01;=SITE;=HYPERLINK(1);\n", "heures_apprenants;=SITE;B01;=HYPERLINK(1);;10;1\n", &options("2024-07-01"));
    let csv = String::from_utf8(export::csv(&doc)).unwrap();
    let row = csv.lines().nth(1).unwrap();
    assert!(row.starts_with("'=HYPERLINK(1);;'=SITE;"), "{row}");
    assert!(row.contains(";-1,0000;"), "a negative number stays a number: {row}");
    assert_eq!(export::neutralise("+33 1"), "'+33 1");
    assert_eq!(export::neutralise("@SUM"), "'@SUM");
    assert_eq!(export::neutralise("RNCP1"), "RNCP1");
    let (a, b) = (export::xlsx(&doc), export::xlsx(&doc));
    assert_eq!(a, b, "same document, same bytes");
}

/// Every cell of every sheet of a workbook, as text (numbers as the shortest decimal).
fn workbook_cells(bytes: &[u8]) -> Vec<(String, Vec<Vec<String>>)> {
    let mut book: Xlsx<_> = calamine::open_workbook_from_rs(std::io::Cursor::new(bytes.to_vec())).expect("a workbook");
    let names = book.sheet_names();
    names
        .into_iter()
        .map(|name| {
            let range = book.worksheet_range(&name).unwrap();
            let start = range.start().unwrap_or((0, 0));
            assert_eq!(start, (0, 0), "{name} starts at A1");
            let rows = range
                .rows()
                .map(|r| {
                    let mut cells: Vec<String> = r
                        .iter()
                        .map(|c| match c {
                            Data::Float(v) => format!("{v}"),
                            Data::Int(v) => format!("{v}"),
                            Data::String(s) => s.clone(),
                            Data::Empty => String::new(),
                            other => format!("{other:?}"),
                        })
                        .collect();
                    while cells.last().is_some_and(String::is_empty) {
                        cells.pop();
                    }
                    cells
                })
                .collect();
            (name, rows)
        })
        .collect()
}

/// The workbook the CLI and the page write (`export::xlsx`): six sheets, the certification rows
/// at their places, and CMA France's review reads it as it reads the same pre-project's JSON.
#[test]
fn the_workbook_reads_back_in_the_review() {
    for dir in cases() {
        let name = dir.file_name().unwrap().to_string_lossy().into_owned();
        let read = |file: &str| std::fs::read(dir.join(file)).unwrap();
        let (ledger, mapping, drivers, titles) = (read("grand-livre.csv"), read("correspondance.csv"), read("inducteurs.csv"), read("certifications.csv"));
        let options = PreProjectOptions {
            calendar: CalendarInput { transmission: None, sending: Date::parse("2024-07-12").unwrap(), financial_year: Some(2023) },
            identity: Identity { nom: "CMA de région Exemple".into(), siret: "13002526500013".into(), uai: "0755678A".into(), exercice: Some(2023) },
            titles: Some(&titles),
        };
        let inputs = Inputs { ledger: &ledger, mapping: &mapping, drivers: &drivers };
        let doc = preprojet::run(inputs, Options::default(), &options).document.expect("readable");
        let book = export::xlsx(&doc);
        let page_cells = workbook_cells(&book);
        assert_eq!(page_cells.len(), 6, "{name}");
        let certifications = &page_cells[1].1;
        assert!(certifications.iter().any(|r| r[..3] == ["RNCP34828", "CAP Boulanger", "NORD"] && r[14] == "18935.83"), "{name}");
        let review = |file_name: &str, bytes: &[u8]| {
            let files = [RegionFile { region: Some("Exemple"), file_name, bytes }];
            let mut v = serde_json::to_value(revue::review(&files, &ReviewOptions::default())).unwrap();
            v["regions"][0]["fichiers"] = serde_json::Value::Null;
            v
        };
        let json = serde_json::to_vec(&doc).unwrap();
        assert_eq!(review("preprojet.xlsx", &book), review("preprojet.json", &json), "{name}: the review reads the workbook as the JSON");
    }
}

#[test]
fn the_note_tells_the_b01_commun_charges_apart_from_its_products() {
    // The B01 commun pool of NORD: 700,00 of charges and 1 000,00 of products without
    // certification, both spread by heures apprenants to RNCP1 (the only certification). The
    // note's line of that pool says 700,00 for the charges (not 1 700,00), then the products.
    let dir = scratch("note-b01");
    std::fs::write(
        dir.join("grand-livre.csv"),
        "compte;objet;debit;credit;financeur\n641100;O1;1000,00;;\n606300;CFA-COM;700,00;;\n706100;CFA-COM;;1000,00;contrats_apprentissage\n",
    )
    .unwrap();
    std::fs::write(dir.join("correspondance.csv"), "objet;code;site;certification;rubrique_fc\nO1;B01;NORD;RNCP1;pedagogie\nCFA-COM;B01;NORD;;\n").unwrap();
    std::fs::write(dir.join("inducteurs.csv"), "inducteur;site;code;certification;valeur;heures;apprenants\nheures_apprenants;NORD;B01;RNCP1;;1000;20\n")
        .unwrap();
    let note = dir.join("note.md");
    let out = run_files(&dir, false, &["--exercice", "2023", "--date-envoi", "2024-07-01", "--note", note.to_str().unwrap()]);
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let text = std::fs::read_to_string(&note).unwrap().replace('\u{202f}', " ");
    let line = text.lines().find(|l| l.contains("B01 commun")).expect("the pool's line");
    assert!(line.contains(": 700,00 € ; formation : 700,00 € par heures_apprenants (total 20 000,00)"), "{line}");
    assert!(line.contains("reçu par les certifications : 700,00 €"), "{line}");
    assert!(line.contains("produits sans certification : 1 000,00 €, répartis de même, reçus par les certifications : 1 000,00 €"), "{line}");
    let _ = std::fs::remove_dir_all(&dir);
}
