//! The internal-rent helper (norm §V.e.ii): examples worked by hand, the explanation, and the
//! 86/87 pair booked in a ledger that `repartir` then finds balanced.
//!
//! Hand computations (each step rounded to the cent, half away from zero):
//! - market value 1 200 000,00 € × 0,6 = 720 000,00 € ; at 5 %: 720 000,00 × 0,05 = 36 000,00 €;
//! - gross value 800 000,00 € × 2 111 / 1 386 = 1 218 470,418 470… → 1 218 470,42 € ;
//!   × 0,35 = 426 464,647 → 426 464,65 € ; at 4,5 %: 19 190,909 25 → 19 190,91 € ;
//! - 100,01 € × 0,5 = 50,005 → 50,01 € (a midpoint goes away from zero).

use std::process::Command;

use cma_analytique::money::{Amount, Weight};
use cma_analytique::rent::{Rent, RentInput, Valuation, compute};
use cma_analytique::{Inputs, Options, run};

fn w(text: &str) -> Weight {
    Weight::parse(text).unwrap()
}

fn a(text: &str) -> Amount {
    Amount::parse(text).unwrap()
}

fn input(valuation: Valuation, share: &str, rate: Option<&str>) -> RentInput {
    RentInput {
        valuation,
        share: w(share),
        rate: rate.map(w),
        cfa_object: "EOTP-CFA-LOCAUX".into(),
        chamber_object: "CC-PATRIMOINE".into(),
        account_86: "861000".into(),
        account_87: "871000".into(),
    }
}

fn rent(valuation: Valuation, share: &str, rate: Option<&str>) -> Rent {
    compute(&input(valuation, share, rate)).expect("valid inputs")
}

#[test]
fn from_a_market_value() {
    let r = rent(Valuation::Market { value: a("1 200 000,00") }, "0,6", None);
    assert_eq!((r.valeur_retenue, r.montant), (a("1200000"), a("720000")));
    let r = rent(Valuation::Market { value: a("1 200 000,00") }, "0,6", Some("0,05"));
    assert_eq!(r.montant, a("36000"));
    assert_eq!(r.explication.len(), 4, "{:?}", r.explication);
    // Thousands are separated by a narrow no-break space, as everywhere for people.
    let step = r.explication[2].replace('\u{202f}', " ");
    assert!(step.contains("720 000,00 € × 0,05 = 36 000,00 €"), "{step}");
}

#[test]
fn from_a_gross_value_reindexed_by_the_construction_cost_index() {
    let reindexed = Valuation::Reindexed { gross: a("800000"), index_origin: w("1386"), index_current: w("2111") };
    let r = rent(reindexed, "0,35", None);
    assert_eq!(r.valeur_retenue, a("1218470,42"));
    assert_eq!(r.montant, a("426464,65"));
    let step = r.explication[0].replace('\u{202f}', " ");
    assert!(step.contains("800 000,00 € × indice du coût de la construction actuel 2111 / indice d'origine 1386 = 1 218 470,42 €"), "{step}");
    let r = rent(reindexed, "0,35", Some("0,045"));
    assert_eq!(r.montant, a("19190,91"));
}

#[test]
fn midpoints_go_away_from_zero() {
    assert_eq!(rent(Valuation::Market { value: a("100,01") }, "0,5", None).montant, a("50,01"));
}

#[test]
fn the_pair_is_86_debit_and_87_credit_of_the_same_amount() {
    let r = rent(Valuation::Market { value: a("1 200 000,00") }, "0,6", Some("0,05"));
    let pair: Vec<(String, String, Amount, Amount)> =
        r.ecritures.iter().map(|e| (e.compte.clone(), e.objet.clone(), e.debit, e.credit)).collect();
    assert_eq!(
        pair,
        [
            ("861000".to_owned(), "EOTP-CFA-LOCAUX".to_owned(), a("36000"), Amount::ZERO),
            ("871000".to_owned(), "CC-PATRIMOINE".to_owned(), Amount::ZERO, a("36000")),
        ]
    );
}

#[test]
fn impossible_inputs_are_explained() {
    assert!(compute(&input(Valuation::Market { value: a("1") }, "1,2", None)).is_err());
    assert!(compute(&input(Valuation::Market { value: a("1") }, "0,5", Some("2"))).is_err());
    let zero = Valuation::Reindexed { gross: a("1"), index_origin: w("0"), index_current: w("2") };
    assert!(compute(&input(zero, "0,5", None)).unwrap_err().0.contains("indice"));
    let zero_now = Valuation::Reindexed { gross: a("1"), index_origin: w("2"), index_current: w("0") };
    assert!(compute(&input(zero_now, "0,5", None)).unwrap_err().0.contains("indice"));
}

#[test]
fn a_negative_value_is_refused() {
    let e = compute(&input(Valuation::Market { value: a("-1200000") }, "0,6", None)).unwrap_err();
    assert!(e.0.contains("négative"), "{e}");
    let reindexed = Valuation::Reindexed { gross: a("-800000"), index_origin: w("1386"), index_current: w("2111") };
    assert!(compute(&input(reindexed, "0,35", None)).unwrap_err().0.contains("négative"));
}

#[test]
fn the_pair_must_be_booked_in_classes_86_and_87_on_named_objects() {
    let market = Valuation::Market { value: a("1000") };
    let with = |f: &dyn Fn(&mut RentInput)| {
        let mut i = input(market, "0,5", None);
        f(&mut i);
        compute(&i)
    };
    let e = with(&|i| i.account_86 = "613200".into()).unwrap_err();
    assert!(e.0.contains("classe 86") && e.0.contains("« 613200 »"), "{e}");
    let e = with(&|i| i.account_87 = "706000".into()).unwrap_err();
    assert!(e.0.contains("classe 87") && e.0.contains("« 706000 »"), "{e}");
    // The classes swapped: the charge in 87 and the product in 86.
    assert!(with(&|i| std::mem::swap(&mut i.account_86, &mut i.account_87)).is_err());
    assert!(with(&|i| i.account_86 = "86A".into()).is_err());
    assert!(with(&|i| i.cfa_object = " ".into()).unwrap_err().0.contains("objet"));
    assert!(with(&|i| i.account_86 = "86".into()).is_ok(), "the class account itself is a valid account");
}

#[test]
fn the_booked_pair_balances_class_8_in_the_allocation() {
    let r = rent(Valuation::Market { value: a("1 200 000,00") }, "0,6", Some("0,05"));
    let ledger = format!("{}641100;EOTP-CFA-LOCAUX;1000,00;;Formateurs\n", r.ledger_csv());
    let mapping = "objet;code;certification\nEOTP-CFA-LOCAUX;B01;RNCP1\nCC-PATRIMOINE;D1002;\n";
    let drivers = "inducteur;code;certification;valeur\nheures_apprenants;B01;RNCP1;100\n";
    let outcome = run(Inputs { ledger: ledger.as_bytes(), mapping: mapping.as_bytes(), drivers: drivers.as_bytes() }, Options::default());
    let codes: Vec<&str> = outcome.diagnostics.iter().map(|d| d.code.as_str()).collect();
    assert!(!codes.contains(&"C001") && !codes.contains(&"C002"), "{codes:?}");
    let allocation = outcome.allocation.unwrap();
    let (_, cfa) = allocation.receivers.iter().find(|(r, _)| r.certification.as_deref() == Some("RNCP1")).unwrap();
    // 86 → structure (spec §5); the formateurs → pédagogie by default.
    assert_eq!(cfa.headings[2], a("36000"));
    assert_eq!(cfa.direct, a("37000"));
}

#[test]
fn cli_loyer_prints_the_ledger_lines() {
    let out = Command::new(env!("CARGO_BIN_EXE_cma-analytique"))
        .args(["loyer", "--valeur-brute", "800000", "--indice-origine", "1386", "--indice-actuel", "2111", "--part", "0,35"])
        .args(["--objet-cfa", "CFA", "--objet-chambre", "CMA", "--csv"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0), "{}", String::from_utf8_lossy(&out.stderr));
    let text = String::from_utf8(out.stdout).unwrap();
    let lines: Vec<&str> = text.lines().collect();
    assert_eq!(lines[0], "compte;objet;debit;credit;libelle");
    assert!(lines[1].starts_with("86;CFA;426464,65;;"), "{}", lines[1]);
    assert!(lines[2].starts_with("87;CMA;;426464,65;"), "{}", lines[2]);
    let json = Command::new(env!("CARGO_BIN_EXE_cma-analytique"))
        .args(["loyer", "--valeur-venale", "1200000", "--part", "0,6", "--taux", "0,05", "--json"])
        .output()
        .unwrap();
    let doc: serde_json::Value = serde_json::from_slice(&json.stdout).unwrap();
    assert_eq!(doc["montant"], "36000.00");
    assert_eq!(doc["valeur_retenue"], "1200000.00");
    let bad = Command::new(env!("CARGO_BIN_EXE_cma-analytique")).args(["loyer", "--valeur-venale", "1", "--part", "1,5"]).output().unwrap();
    assert_eq!(bad.status.code(), Some(2));
    for args in [["--valeur-venale=-1200000", "--compte-86=861000"], ["--valeur-venale=1200000", "--compte-86=613200"]] {
        let bad = Command::new(env!("CARGO_BIN_EXE_cma-analytique")).arg("loyer").args(args).args(["--part", "0,6"]).output().unwrap();
        assert_eq!(bad.status.code(), Some(2), "{args:?}");
        assert!(String::from_utf8_lossy(&bad.stderr).contains("cma-analytique : "), "{args:?}");
    }
}
