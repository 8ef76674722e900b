//! The ETP calculator (spec §6): every example of the norm's Annexe 3 « ETP », the spread of one
//! person over activities, the driver rows (readable by `repartir`), the findings and the JSON
//! of `etp --json` (spec §9).

use std::process::Command;

use cma_analytique::diagnostic::Code;
use cma_analytique::etp::{Etp, compute, is_staff_header};
use cma_analytique::input::Drivers;
use serde_json::Value;

const HEADER: &str = "matricule;code;site;contrat;quotite;mois;heures\n";

fn etp(rows: &str) -> Etp {
    compute(format!("{HEADER}{rows}").as_bytes()).expect("the staff file is readable")
}

/// ETP of each row, as the JSON writes them.
fn figures(e: &Etp) -> Vec<String> {
    e.personnes.iter().map(|p| p.etp.to_string()).collect()
}

fn codes(e: &Etp) -> Vec<String> {
    e.diagnostics.iter().map(|d| d.code.clone()).collect()
}

#[test]
fn annexe_3_full_time_over_twelve_months_is_one_etp() {
    let e = etp("M1;A03;;titulaire;1;12;\nM2;A03;;cdi;1;12;\n");
    assert_eq!(figures(&e), ["1.0000", "1.0000"]);
    assert!(e.diagnostics.is_empty(), "{:?}", codes(&e));
}

#[test]
fn annexe_3_half_time_or_six_months_is_half_an_etp() {
    let e = etp("M1;A03;;titulaire;0,5;12;\nM2;A03;;cdi;1;6;\n");
    assert_eq!(figures(&e), ["0.5000", "0.5000"]);
}

#[test]
fn annexe_3_fixed_term_for_more_activity_counts_as_worked() {
    let e = etp("M1;B01;;cdd_accroissement;1;12;\nM2;B01;;CDD pour accroissement d'activité;1;3;\n");
    assert_eq!(figures(&e), ["1.0000", "0.2500"]);
}

#[test]
fn annexe_3_replacement_counts_zero_and_the_absent_employee_one() {
    // « 1 salarié en CDD en remplacement d'un salarié absent = 0 ETP » ;
    // « 1 salarié en remplacement + 1 salarié remplacé = 1 ETP ».
    let e = etp("ABSENT;A05;NORD;titulaire;1;12;\nREMPL;A05;NORD;cdd_remplacement;1;8;\n");
    assert_eq!(figures(&e), ["1.0000", "0.0000"]);
    assert_eq!(e.inducteurs.len(), 1);
    assert_eq!((e.inducteurs[0].code.as_str(), e.inducteurs[0].site.as_deref()), ("A05", Some("NORD")));
    assert_eq!(e.inducteurs[0].etp.to_string(), "1.0000");
    assert!(e.personnes[1].motif.contains("remplacé reste compté"), "{}", e.personnes[1].motif);
}

#[test]
fn annexe_3_apprentice_is_zero() {
    let e = etp("APP;B01;;apprenti;1;12;\n");
    assert_eq!(figures(&e), ["0.0000"]);
    assert!(e.personnes[0].motif.contains("0 ETP"));
}

#[test]
fn annexe_3_vacataires_count_hours_over_1820_in_the_cfa() {
    // 910 h = 0,5 ETP ; 1 820 h = 1 ETP ; 100 h = 0,054945… → 0,0549.
    let e = etp("V1;B01;SUD;vacataire;;;910\nV2;B01;SUD;vacataire;;;1820\nV3;B02;SUD;vacataire;;;100\n");
    assert_eq!(figures(&e), ["0.5000", "1.0000", "0.0549"]);
    assert!(e.personnes[0].motif.contains("910 h / 1820 h"), "{}", e.personnes[0].motif);
    // Driver rows: B01 SUD = 1,5 ; B02 SUD = 0,0549.
    let drivers: Vec<(String, String)> = e.inducteurs.iter().map(|d| (d.code.clone(), d.etp.to_string())).collect();
    assert_eq!(drivers, [("B01".to_owned(), "1.5000".to_owned()), ("B02".to_owned(), "0.0549".to_owned())]);
    assert!(e.diagnostics.is_empty(), "{:?}", codes(&e));
}

#[test]
fn a_vacataire_outside_axis_b_is_counted_and_flagged() {
    let e = etp("V1;A03;;vacataire;;;182\n");
    assert_eq!(figures(&e), ["0.1000"]);
    assert_eq!(codes(&e), ["E007"]);
}

#[test]
fn one_person_spread_over_activities_by_shares_of_quotite() {
    // 0,6 on B01 and 0,4 on A03 for 12 months; a third of a year 1/3 is rounded once per
    // driver row: D03 gets 1/3 + 1/3 = 0,6667 (not 0,3333 + 0,3333).
    let e = etp(
        "P1;B0101;NORD;titulaire;0,6;12;\nP1;A0301;NORD;titulaire;0,4;12;\nP2;D03;;cdi;1;4;\nP3;D03;;cdi;1;4;\n",
    );
    assert_eq!(figures(&e), ["0.6000", "0.4000", "0.3333", "0.3333"]);
    let drivers: Vec<String> =
        e.inducteurs.iter().map(|d| format!("{}|{}|{}", d.site.as_deref().unwrap_or(""), d.code, d.etp)).collect();
    assert_eq!(drivers, ["|D03|0.6667", "NORD|A03|0.4000", "NORD|B01|0.6000"]);
}

#[test]
fn findings_of_the_staff_file() {
    let e = etp(concat!(
        ";A03;;cdi;1;12;\n",        // E005 matricule absent
        "X1;Z99;;cdi;1;12;\n",      // E004 code inconnu
        "X2;A03;;cdd;1;12;\n",      // E001 contrat ambigu
        "X3;A03;;cdi;1,5;12;\n",    // E002 quotité > 1
        "X4;A03;;cdi;;12;\n",       // E002 quotité absente
        "X5;A03;;cdi;1;13;\n",      // E003 plus de 12 mois
        "X6;B01;;vacataire;;;\n",   // E003 vacataire sans heures
        "X7;A03;;cdi;1;12;910\n",   // E008 mois et heures : heures retenues (0,5)
        "X8;A03;;cdi;0,8;12;\n",    // X8 : 0,8 + 0,4 = 1,2 ETP → E006
        "X8;B01;;cdi;0,4;12;\n",
    ));
    let mut found = codes(&e);
    found.sort();
    assert_eq!(found, ["E001", "E002", "E002", "E003", "E003", "E004", "E005", "E006", "E008"]);
    let kept: Vec<String> = e.personnes.iter().map(|p| format!("{} {}", p.matricule, p.etp)).collect();
    assert_eq!(kept, ["X7 0.5000", "X8 0.8000", "X8 0.4000"]);
    let e001 = e.diagnostics.iter().find(|d| d.code == Code::E001.as_str()).unwrap();
    assert_eq!(e001.ligne, Some(4));
    assert!(e001.aide.contains("cdd_remplacement"));
}

#[test]
fn a_file_without_the_required_columns_cannot_be_read() {
    let err = compute(b"nom;service\nDupont;RH\n").expect_err("not a staff file");
    assert_eq!(err.code, Code::F002);
}

#[test]
fn the_staff_file_is_recognised_by_its_header() {
    assert!(is_staff_header(HEADER.as_bytes()));
    assert!(is_staff_header("\u{feff}Matricule;Code;Contrat;Quotité;Mois\r\n".as_bytes()));
    assert!(!is_staff_header(b"inducteur;site;code;valeur\n"));
    assert!(!is_staff_header(b"objet;code;site\n"));
    assert!(!is_staff_header(b"compte;objet;debit;credit\n"));
}

#[test]
fn the_driver_rows_are_read_back_as_inducteurs() {
    let e = etp("P1;B01;NORD;titulaire;1;12;\nP2;A03;;cdi;0,5;12;\nV1;B01;NORD;vacataire;;;455\n");
    let csv = e.drivers_csv();
    assert_eq!(csv, "inducteur;site;code;valeur\netp;;A03;0,5000\netp;NORD;B01;1,2500\n");
    let (drivers, diagnostics) = Drivers::read(csv.as_bytes()).expect("readable as inducteurs");
    assert!(diagnostics.is_empty(), "{diagnostics:?}");
    let values: Vec<String> = drivers.rows.iter().map(|r| r.value.to_string()).collect();
    assert_eq!(values, ["0.5", "1.25"]);
}

#[test]
fn cli_etp_json_has_the_fields_of_the_specification() {
    let dir = std::env::temp_dir().join(format!("cma-etp-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let path = dir.join("personnel.csv");
    std::fs::write(&path, format!("{HEADER}M1;B01;NORD;titulaire;0,5;12;\n")).unwrap();
    let out = Command::new(env!("CARGO_BIN_EXE_cma-analytique")).args(["etp", "--personnel"]).arg(&path).arg("--json").output().unwrap();
    assert_eq!(out.status.code(), Some(0));
    let doc: Value = serde_json::from_slice(&out.stdout).unwrap();
    let keys = |v: &Value| {
        let mut k: Vec<String> = v.as_object().unwrap().keys().cloned().collect();
        k.sort();
        k
    };
    assert_eq!(keys(&doc), ["diagnostics", "inducteurs", "personnes"]);
    assert_eq!(keys(&doc["personnes"][0]), ["code", "etp", "matricule", "motif", "site"]);
    assert_eq!(doc["personnes"][0]["etp"], "0.5000");
    assert_eq!(keys(&doc["inducteurs"][0]), ["code", "etp", "site"]);
    assert_eq!(doc["inducteurs"][0]["etp"], "0.5000");
    let csv = Command::new(env!("CARGO_BIN_EXE_cma-analytique")).args(["etp", "--personnel"]).arg(&path).arg("--csv").output().unwrap();
    assert_eq!(String::from_utf8(csv.stdout).unwrap(), "inducteur;site;code;valeur\netp;NORD;B01;0,5000\n");
    std::fs::remove_dir_all(&dir).unwrap();
}
