//! Real-world formats (issue « formats »): the ledger of `tests/cas/multi-sites` exported the
//! ways chambers export it — SAP CSV in Windows-1252, XLSX and ODS workbooks, FEC — must give
//! results identical to the cent to the canonical CSV; and malformed files give the exact
//! diagnostics, never a panic. The exports were written by third-party tools
//! (`tests/formats/fabriquer.py`: openpyxl, odfpy), not by this crate.

use std::path::{Path, PathBuf};

use cma_analytique::report::Document;
use cma_analytique::{Inputs, Options, run};
use serde_json::Value;

fn path(relative: &str) -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests").join(relative)
}

fn bytes(relative: &str) -> Vec<u8> {
    std::fs::read(path(relative)).unwrap_or_else(|e| panic!("{relative}: {e}"))
}

/// The document without what legitimately depends on the format (diagnostics: encodings, line
/// numbers, bank lines out of scope).
fn results(ledger: &[u8], mapping: &[u8], drivers: &[u8]) -> (Value, Vec<String>) {
    let outcome = run(Inputs { ledger, mapping, drivers }, Options::default());
    let codes = outcome.diagnostics.iter().map(|d| d.code.to_string()).collect();
    let allocation = outcome.allocation.unwrap_or_else(|| panic!("unreadable: {:?}", outcome.diagnostics));
    let mut doc = serde_json::to_value(Document::new(&allocation, &outcome.diagnostics)).unwrap();
    doc.as_object_mut().unwrap().remove("diagnostics");
    (doc, codes)
}

fn canonical() -> Value {
    results(&bytes("cas/multi-sites/grand-livre.csv"), &bytes("cas/multi-sites/correspondance.csv"), &bytes("cas/multi-sites/inducteurs.csv")).0
}

fn assert_same(name: &str, got: &Value, expected: &Value) {
    assert!(got == expected, "{name}: results differ from the canonical CSV\n got: {got}\nwant: {expected}");
}

#[test]
fn sap_export_in_windows_1252_gives_the_canonical_results() {
    let (doc, codes) = results(&bytes("formats/sap/grand-livre.csv"), &bytes("formats/sap/correspondance.csv"), &bytes("formats/sap/inducteurs.csv"));
    assert_same("SAP", &doc, &canonical());
    // One F008 per file, naming the encoding.
    assert_eq!(codes.iter().filter(|c| *c == "F008").count(), 3, "{codes:?}");
}

#[test]
fn xlsx_and_ods_workbooks_give_the_canonical_results() {
    let (doc, codes) = results(&bytes("formats/xlsx/grand-livre.xlsx"), &bytes("formats/xlsx/correspondance.xlsx"), &bytes("formats/xlsx/inducteurs.xlsx"));
    assert_same("XLSX", &doc, &canonical());
    assert!(!codes.iter().any(|c| c.starts_with('F')), "{codes:?}");
    let (doc, _) = results(&bytes("formats/xlsx/grand-livre.xlsx"), &bytes("formats/ods/correspondance.ods"), &bytes("cas/multi-sites/inducteurs.csv"));
    assert_same("ODS", &doc, &canonical());
}

#[test]
fn fec_with_an_analytic_column_gives_the_canonical_results() {
    let mapping = bytes("cas/multi-sites/correspondance.csv");
    let drivers = bytes("cas/multi-sites/inducteurs.csv");
    for fec in ["formats/fec/grand-livre.txt", "formats/fec/grand-livre-montant-sens.txt"] {
        let (doc, codes) = results(&bytes(fec), &mapping, &drivers);
        assert_same(fec, &doc, &canonical());
        // The bank lines that balance each entry are outside the analytic scope, counted once.
        assert!(codes.contains(&"H001".to_string()), "{fec}: {codes:?}");
        assert!(!codes.iter().any(|c| c.starts_with('F')), "{fec}: {codes:?}");
    }
}

/// Diagnostics of one input read alone: (code, line, message) of each.
fn ledger_findings(ledger: &[u8]) -> (bool, Vec<(String, Option<u32>, String)>) {
    let outcome = run(
        Inputs { ledger, mapping: &bytes("cas/multi-sites/correspondance.csv"), drivers: &bytes("cas/multi-sites/inducteurs.csv") },
        Options::default(),
    );
    let ran = outcome.ran();
    let found = outcome
        .diagnostics
        .into_iter()
        .filter(|d| d.file == cma_analytique::diagnostic::InputFile::GrandLivre)
        .map(|d| (d.code.to_string(), d.line, d.message))
        .collect();
    (ran, found)
}

fn has(found: &[(String, Option<u32>, String)], code: &str, line: Option<u32>, words: &[&str]) {
    let hit = found.iter().any(|(c, l, m)| c == code && (line.is_none() || *l == line) && words.iter().all(|w| m.contains(w)));
    assert!(hit, "expected {code} at {line:?} with {words:?}, found {found:#?}");
}

#[test]
fn fec_structural_checks_of_the_dgfip_validator() {
    let header = "JournalCode\tJournalLib\tEcritureNum\tEcritureDate\tCompteNum\tCompteLib\tCompAuxNum\tCompAuxLib\tPieceRef\tPieceDate\tEcritureLib\tDebit\tCredit\tEcritureLet\tDateLet\tValidDate\tMontantdevise\tIdevise\tEOTP\n";
    let line = |num: &str, date: &str, compte: &str, debit: &str, credit: &str, valid: &str| {
        format!("BQ\tBanque\t{num}\t{date}\t{compte}\tx\t\t\tP\t{date}\tlib\t{debit}\t{credit}\t\t\t{valid}\t\t\tEOTP-SI\n")
    };
    let fec = [
        header.to_owned(),
        line("1", "20240105", "615600", "100,00", "0,00", "20240105"),
        line("1", "20240105", "512000", "0,00", "100,00", "20240105"),
        // Entry 2 does not balance: 50,00 of debit only.
        line("2", "20240106", "615600", "50,00", "0,00", "20240106"),
        // Both debit and credit on one line.
        line("3", "20240107", "615600", "10,00", "10,00", "20240107"),
        // Invalid validation date.
        line("4", "20240108", "615600", "5,00", "0,00", "20241340"),
        line("4", "20240108", "512000", "0,00", "5,00", "20240108"),
        // Too few fields.
        "BQ\tBanque\t5\t20240109\t615600\n".to_owned(),
    ]
    .concat();
    let (ran, found) = ledger_findings(fec.as_bytes());
    assert!(ran);
    has(&found, "F004", Some(4), &["écriture 2", "BQ", "50,00"]);
    has(&found, "F004", Some(5), &["débit 10,00 et crédit 10,00"]);
    has(&found, "F005", Some(6), &["ValidDate", "20241340"]);
    has(&found, "F004", Some(8), &["5 champs trouvés, 19 attendus"]);
}

#[test]
fn a_fec_without_analytic_column_explains_how_to_export_one() {
    let fec = "JournalCode|JournalLib|EcritureNum|EcritureDate|CompteNum|CompteLib|CompAuxNum|CompAuxLib|PieceRef|PieceDate|EcritureLib|Debit|Credit|EcritureLet|DateLet|ValidDate|Montantdevise|Idevise\n\
               BQ|Banque|1|20240105|615600|x|||P|20240105|lib|100,00|0,00|||20240105||\n";
    let (ran, found) = ledger_findings(fec.as_bytes());
    assert!(!ran, "without objects nothing can be allocated");
    has(&found, "F002", Some(1), &["FEC sans colonne analytique", "JournalCode"]);
}

#[test]
fn malformed_files_give_exact_diagnostics_never_a_panic() {
    // Empty file.
    let (ran, found) = ledger_findings(b"");
    assert!(!ran);
    has(&found, "F001", None, &["vide"]);
    // Binary garbage.
    let (ran, found) = ledger_findings(&[0u8, 159, 146, 150, 0, 1, 2, 255, 0]);
    assert!(!ran);
    has(&found, "F001", None, &["binaire"]);
    // A ZIP that is not a workbook.
    let (ran, found) = ledger_findings(b"PK\x03\x04\x14\x00\x00\x00garbage");
    assert!(!ran);
    has(&found, "F001", None, &["ZIP"]);
    // A truncated XLSX.
    let xlsx = bytes("formats/xlsx/grand-livre.xlsx");
    let (ran, found) = ledger_findings(&xlsx[..xlsx.len() / 2]);
    assert!(!ran);
    has(&found, "F001", None, &["tronqué"]);
    // Wrong separator: the header is one column, nothing is recognised.
    let (ran, found) = ledger_findings(b"compte,objet,debit,credit\n641100,EOTP-SI,\"100,00\",\n");
    assert!(ran, "a comma-separated file is read");
    let (ran2, found2) = ledger_findings(b"compte objet debit credit\n641100 EOTP-SI 100 0\n");
    assert!(!ran2);
    has(&found2, "F002", Some(1), &["compte objet debit credit", "colonnes obligatoires : compte, objet"]);
    assert!(found.iter().all(|(c, _, _)| c != "F002"), "{found:?}");
    // Missing columns: the message lists the columns found and the expected ones.
    let (ran, found) = ledger_findings("Compte général;Libellé;Débit\n641100;x;1\n".as_bytes());
    assert!(!ran);
    has(&found, "F002", Some(1), &["objet", "Compte général, Libellé, Débit"]);
    // Text in amount cells, a truncated last line, an unbalanced quote.
    let csv = "compte;objet;debit;credit\n641100;EOTP-SI;cent euros;\n641100;EOTP-SI;12,5;\n641100;EOTP-SI\n641100;\"EOTP-SI;3;\n";
    let (ran, found) = ledger_findings(csv.as_bytes());
    assert!(ran);
    has(&found, "F003", Some(2), &["cent euros"]);
    // A short row has its missing trailing cells empty: here, no amount.
    has(&found, "F003", Some(4), &["aucun montant"]);
    has(&found, "F004", Some(5), &["guillemet ouvert ligne 5"]);
    // Mixed encodings.
    let mixed: Vec<u8> = "compte;objet;debit;libelle\n641100;EOTP-SI;1;Réunion\n".bytes().chain(*b"641100;EOTP-SI;2;R\xe9union\n").collect();
    let (ran, found) = ledger_findings(&mixed);
    assert!(ran);
    has(&found, "F009", Some(3), &["encodages mêlés", "ligne 2", "Windows-1252"]);
    // Duplicate headers.
    let (ran, found) = ledger_findings(b"compte;objet;debit;debit\n641100;EOTP-SI;1;2\n");
    assert!(ran);
    has(&found, "F010", Some(1), &["debit"]);
}

#[test]
fn every_fixture_file_is_read_without_panic_whatever_role_it_is_given() {
    let mut files: Vec<PathBuf> = Vec::new();
    for dir in ["formats/sap", "formats/xlsx", "formats/ods", "formats/fec", "cas/multi-sites"] {
        for entry in std::fs::read_dir(path(dir)).unwrap().flatten() {
            files.push(entry.path());
        }
    }
    for file in &files {
        let content = std::fs::read(file).unwrap();
        for role in 0..3 {
            let empty = b"x\n".to_vec();
            let (l, m, d) = match role {
                0 => (&content, &empty, &empty),
                1 => (&empty, &content, &empty),
                _ => (&empty, &empty, &content),
            };
            let outcome = run(Inputs { ledger: l, mapping: m, drivers: d }, Options::default());
            assert!(!outcome.diagnostics.is_empty(), "{}", Path::new(file).display());
        }
    }
}

/// A one-sheet workbook written by rust_xlsxwriter (a different crate from calamine, the reader).
fn workbook(sheet: &str, rows: &[&[&str]]) -> Vec<u8> {
    let mut wb = rust_xlsxwriter::Workbook::new();
    let ws = wb.add_worksheet();
    ws.set_name(sheet).unwrap();
    for (r, row) in rows.iter().enumerate() {
        for (c, cell) in row.iter().enumerate() {
            ws.write_string(r as u32, c as u16, *cell).unwrap();
        }
    }
    wb.save_to_buffer().unwrap()
}

#[test]
fn malformed_workbooks_give_exact_diagnostics() {
    // Missing column: F002 names the sheet read and lists the columns found.
    let (ran, found) = ledger_findings(&workbook("Export", &[&["Compte", "Libellé", "Débit"], &["641100", "x", "1"]]));
    assert!(!ran);
    has(&found, "F002", Some(1), &["classeur XLSX, feuille « Export »", "Compte, Libellé, Débit"]);
    // Text in an amount cell: F003 at the sheet's row number.
    let (ran, found) = ledger_findings(&workbook(
        "grand-livre",
        &[&["compte", "objet", "debit"], &["641100", "EOTP-SI", "100,00"], &["641100", "EOTP-SI", "douze euros"]],
    ));
    assert!(ran);
    has(&found, "F003", Some(3), &["douze euros"]);
    // An empty sheet.
    let (ran, found) = ledger_findings(&workbook("grand-livre", &[]));
    assert!(!ran);
    has(&found, "F001", None, &["vide", "XLSX"]);
    // A truncated ODS.
    let ods = bytes("formats/ods/correspondance.ods");
    let (ran, found) = ledger_findings(&ods[..ods.len() - 200]);
    assert!(!ran);
    has(&found, "F001", None, &["tronqué"]);
}

#[test]
fn malformed_fec_files_give_exact_diagnostics() {
    let fec = bytes("formats/fec/grand-livre.txt");
    // Truncated in the middle of a line: that line has too few fields.
    let cut = &fec[..fec.len() * 2 / 3];
    let (ran, found) = ledger_findings(cut);
    assert!(ran);
    let last_line = cut.split(|&b| b == b'\n').count() as u32;
    has(&found, "F004", Some(last_line), &["champs trouvés, 19 attendus"]);
    // Truncated after the charge line of entry BQ00013 (line 26), before its bank line: the
    // entry does not balance.
    let end_of_line_26 = fec.iter().enumerate().filter(|(_, b)| **b == b'\n').nth(25).unwrap().0 + 1;
    let (ran, found) = ledger_findings(&fec[..end_of_line_26]);
    assert!(ran);
    has(&found, "F004", Some(26), &["écriture BQ00013 du journal BQ déséquilibrée", "excédent au débit de 2\u{202f}718,28 €"]);
    // An amount with text.
    let text = String::from_utf8(fec.clone()).unwrap().replacen("1200,00", "1200,OO", 1);
    let (ran, found) = ledger_findings(text.as_bytes());
    assert!(ran);
    has(&found, "F003", Some(2), &["1200,OO"]);
}

#[test]
fn date_columns_with_serial_numbers_are_read() {
    let (ran, found) = ledger_findings(&workbook(
        "grand-livre",
        &[&["compte", "objet", "debit", "date"], &["641100", "EOTP-SI", "100,00", "45306"]],
    ));
    assert!(ran);
    assert!(found.iter().all(|(c, _, _)| c != "F005"), "{found:?}");
}

/// A workbook of several sheets written by rust_xlsxwriter; `None` rows are left empty.
fn workbook_of(sheets: &[(&str, Vec<Option<Vec<String>>>)]) -> Vec<u8> {
    let mut wb = rust_xlsxwriter::Workbook::new();
    for (name, rows) in sheets {
        let ws = wb.add_worksheet();
        ws.set_name(*name).unwrap();
        for (r, row) in rows.iter().enumerate() {
            for (c, cell) in row.iter().flatten().enumerate() {
                ws.write_string(r as u32, c as u16, cell).unwrap();
            }
        }
    }
    wb.save_to_buffer().unwrap()
}

fn row(cells: &[&str]) -> Option<Vec<String>> {
    Some(cells.iter().map(|c| (*c).to_owned()).collect())
}

#[test]
fn workbooks_are_recognised_from_the_sheet_their_reader_reads() {
    use cma_analytique::input::role::{Role, recognise};
    // Third-party exports: the ledger's workbook opens on a sheet of notes, its data is in a
    // second sheet named « Grand livre ».
    assert_eq!(recognise(&bytes("formats/xlsx/grand-livre.xlsx")), Some(Role::GrandLivre));
    assert_eq!(recognise(&bytes("formats/xlsx/correspondance.xlsx")), Some(Role::Correspondance));
    assert_eq!(recognise(&bytes("formats/xlsx/inducteurs.xlsx")), Some(Role::Inducteurs));
    assert_eq!(recognise(&bytes("formats/ods/correspondance.ods")), Some(Role::Correspondance));

    // A header below empty rows, in a sheet of any name when it is the first.
    let header = row(&["objet", "code", "site"]);
    let lower = workbook_of(&[("Table", vec![None, None, header.clone(), row(&["EOTP-1", "A01", ""])])]);
    assert_eq!(recognise(&lower), Some(Role::Correspondance));
    // Data in a second sheet not named like a role: a reader would read the first one, the notes,
    // so no role is given (the page asks the user to choose one).
    let hidden = workbook_of(&[("Notes", vec![row(&["Exporté le 2 janvier"])]), ("Export", vec![header])]);
    assert_eq!(recognise(&hidden), None);

    // A first row of empty texts (which SheetJS, among others, writes): the reader takes it for
    // the header, finds no column and says so (F002); recognition must not promise a ledger.
    use cma_analytique::export::{Cell, Layout, Sheet};
    let mut sheet = Sheet::new("grand-livre", "grand-livre", &[]);
    sheet.layout = Layout::Pairs;
    sheet.rows.push(vec![Cell::from(""), Cell::from("")]);
    sheet.rows.push(["compte", "objet", "debit"].map(Cell::from).to_vec());
    sheet.rows.push(["641100", "EOTP-SI", "100,00"].map(Cell::from).to_vec());
    let blank_first = cma_analytique::xlsx::workbook(&[sheet]);
    assert_eq!(recognise(&blank_first), None);
    let (ran, found) = ledger_findings(&blank_first);
    assert!(!ran);
    has(&found, "F002", Some(1), &[]);

    // A ledger of 20 000 rows, far beyond the page's first 64 KiB: recognised from its first
    // row, and a truncated copy is not a workbook that can be opened.
    let mut rows = vec![row(&["Compte", "Élément d'OTP", "Débit", "Crédit", "Date"])];
    rows.extend((0..20_000).map(|i| Some(vec!["641100".to_owned(), format!("EOTP-{i:05}"), format!("{i},25"), String::new(), "2024-03-31".to_owned()])));
    let large = workbook_of(&[("Notes", vec![row(&["Grand livre 2024"])]), ("grand_livre", rows)]);
    assert!(large.len() > 64 * 1024, "{} bytes", large.len());
    assert_eq!(recognise(&large), Some(Role::GrandLivre));
    assert_eq!(recognise(&large[..64 * 1024]), None);
}
