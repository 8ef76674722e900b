//! Regressions found by review, each named after what it reproduces, with its minimal input.

use cma_analytique::diagnostic::Diagnostic;
use cma_analytique::input::ledger::Period;
use cma_analytique::report::Document;
use cma_analytique::{Inputs, Options, date::Date, run};

const MAP: &str = "objet;code\nOA;A01\n";
const DRIVERS: &str = "inducteur;code;valeur\netp;A01;1\n";

fn compute(ledger: &str, mapping: &str, drivers: &str, period: Period) -> (Document, Vec<Diagnostic>) {
    let outcome = run(
        Inputs { ledger: ledger.as_bytes(), mapping: mapping.as_bytes(), drivers: drivers.as_bytes() },
        Options { period },
    );
    let allocation = outcome.allocation.expect("readable");
    (Document::new(&allocation, &outcome.diagnostics), outcome.diagnostics)
}

fn simple(ledger: &str) -> (Document, Vec<Diagnostic>) {
    compute(ledger, MAP, DRIVERS, Period::default())
}

fn codes(diags: &[Diagnostic]) -> Vec<&str> {
    diags.iter().map(|d| d.code.as_str()).collect()
}

fn activity(doc: &Document, code: &str) -> String {
    doc.activites.iter().find(|a| a.code == code).map_or("absente".into(), |a| a.cout_complet.to_string())
}

#[test]
fn an_unclosed_quote_never_swallows_lines_in_silence() {
    let (doc, diags) = simple("compte;objet;debit;credit;libelle\n641;OA;100,00;;\"Achat\n641;OA;200,00;;x\n641;OA;300,00;;y\n");
    let f004 = diags.iter().find(|d| d.code.as_str() == "F004").expect("F004");
    assert_eq!(f004.line, Some(2));
    assert!(f004.message.contains("lignes 2 à 4"), "{}", f004.message);
    assert_eq!(doc.controle.charges.to_string(), "0.00", "the swallowed lines are set aside, and said");
}

#[test]
fn objects_padded_with_no_break_spaces_match_across_files() {
    let (doc, diags) = compute("compte;objet;debit\n641;OA\u{a0};100,00\n", "objet;code\n\u{a0}OA;A01\n", DRIVERS, Period::default());
    assert_eq!(activity(&doc, "A01"), "100.00", "{diags:?}");
    assert!(!codes(&diags).contains(&"M001"));
}

#[test]
fn a_trailing_separator_in_the_header_is_no_column() {
    let (doc, diags) = simple("compte;objet;debit;credit;\n641;OA;100,00;\n");
    assert_eq!(activity(&doc, "A01"), "100.00", "{diags:?}");
    let (doc, _) = simple("compte;objet;debit;credit;libelle\n641;OA;100,00;\n");
    assert_eq!(activity(&doc, "A01"), "100.00", "a row without its trailing empty cells is read");
}

#[test]
fn lines_without_object_point_at_their_first_line() {
    let (_, diags) = simple("compte;objet;debit\n641;OA;1\n641;;40,00\n");
    let m005 = diags.iter().find(|d| d.code.as_str() == "M005").expect("M005");
    assert_eq!(m005.line, Some(3));
}

#[test]
fn sens_is_read_as_people_and_sap_write_it() {
    let ledger = "compte;objet;montant;sens\n641;OA;100;Débit\n641;OA;30;crédit\n641;OA;5;S\n641;OA;2;H\n";
    let (doc, diags) = simple(ledger);
    assert_eq!(activity(&doc, "A01"), "73.00", "{diags:?}");
    let (_, diags) = simple("compte;objet;montant;sens\n641;OA;100;X\n");
    assert!(diags.iter().any(|d| d.code.as_str() == "F003" && d.message.contains("« X »")), "{diags:?}");
}

#[test]
fn a_year_alone_is_not_a_spreadsheet_serial_date() {
    let (_, diags) = simple("compte;objet;debit;date\n641;OA;100,00;2024\n");
    assert!(codes(&diags).contains(&"F005"), "{diags:?}");
}

#[test]
fn values_naming_the_norm_ignore_case_and_accents() {
    let mapping = "objet;code;site;certification;rubrique_fc;cle\nOB;B01;;C1;Pédagogie;\nOV;D1001;;;;Véhicules\n";
    let drivers = "inducteur;code;perimetre;certification;valeur\nheures apprenants;B01;;C1;10\nEtp;B01;;;1\nÉTP;A01;;;1\nVéhicules;;Formation;;1\n";
    let (doc, diags) = compute("compte;objet;debit\n641;OB;30,00\n606;OV;10,00\n", mapping, drivers, Period::default());
    let c1 = doc.certifications.iter().find(|c| c.certification == "C1").expect("C1");
    assert_eq!(c1.rubriques["pedagogie"].to_string(), "30.00", "{diags:?}");
    let pool = doc.pools.iter().find(|p| p.cle == "vehicules").expect("vehicules pool");
    assert_eq!(pool.formation.to_string(), "10.00", "{diags:?}");
    assert!(!codes(&diags).iter().any(|c| ["M010", "M011", "I003", "I005"].contains(c)), "{diags:?}");
}

#[test]
fn pilotage_named_on_a_piloting_activity_is_its_default() {
    let (doc, diags) = compute(
        "compte;objet;debit\n641;OP;10,00\n",
        "objet;code;cle\nOP;A11;pilotage\n",
        "inducteur;code;valeur\netp;A01;1\n",
        Period::default(),
    );
    assert_eq!(activity(&doc, "A01"), "10.00", "{diags:?}");
    let (_, diags) = compute("compte;objet;debit\n641;OP;10,00\n", "objet;code;cle\nOP;D03;pilotage\n", DRIVERS, Period::default());
    assert!(codes(&diags).contains(&"M010"), "pilotage on D03 is not applicable: {diags:?}");
}

#[test]
fn vehicles_all_zero_fall_back_to_etp() {
    let (doc, diags) = compute(
        "compte;objet;debit\n606;OV;7,00\n",
        "objet;code;cle\nOV;D10;vehicules\n",
        "inducteur;code;perimetre;valeur\nvehicules;;cma;0\netp;A01;;1\n",
        Period::default(),
    );
    assert_eq!(activity(&doc, "A01"), "7.00");
    assert!(codes(&diags).contains(&"R003") && !codes(&diags).contains(&"R001"), "{diags:?}");
}

#[test]
fn a_negative_debit_is_said() {
    let (doc, diags) = simple("compte;objet;debit;credit\n641;OA;-5;\n");
    assert_eq!(activity(&doc, "A01"), "-5.00");
    assert!(codes(&diags).contains(&"F011"), "{diags:?}");
}

#[test]
fn an_inverted_period_is_an_error() {
    let period = Period { from: Date::parse("2024-07-01"), to: Date::parse("2024-01-01") };
    let (_, diags) = compute("compte;objet;debit;date\n641;OA;1;2024-03-01\n", MAP, DRIVERS, period);
    assert!(codes(&diags).contains(&"H005"), "{diags:?}");
}
