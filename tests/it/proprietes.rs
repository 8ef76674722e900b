//! Properties that must hold for any input: every split conserves its amount to the cent, the
//! control identity of spec §4.11 always holds, results do not depend on line order, and the
//! pre-project's rows add up to B01 (what they miss is `non_ventile`).

use cma_analytique::money::{Amount, split};
use cma_analytique::report::Document;
use cma_analytique::{Inputs, Options, run};
use proptest::prelude::*;

const SITES: &[&str] = &["", "Nord", "Sud"];
const CODES: &[&str] = &[
    "A01", "A0301", "A05", "A10", "A11", "B01", "B0101", "B02", "B03", "B04", "B11", "C01", "C05", "C11", "D01", "D02",
    "D03", "D05", "D0609", "D08", "D1001", "D1002", "Z99",
];
const ACCOUNTS: &[&str] = &[
    "641100", "606100", "613200", "615200", "625100", "681100", "661000", "671000", "706000", "741000", "860000",
    "870000", "401000", "512000",
];
const CERTIFICATIONS: &[&str] = &["", "RNCP1", "RNCP2", "CAP3"];
const CLES: &[&str] = &["", "", "", "support", "locaux", "vehicules", "gouvernance"];
const DRIVER_CODES: &[&str] = &["A01", "A05", "A11", "B01", "B02", "B04", "B11", "C01", "C11", "D03"];

fn pick(list: &'static [&'static str]) -> impl Strategy<Value = &'static str> {
    proptest::sample::select(list)
}

prop_compose! {
    fn ledger_line()(account in pick(ACCOUNTS), object in 0..24usize, cents in -5_000_000i64..5_000_000,
                     certification in pick(CERTIFICATIONS)) -> String {
        let amount = Amount::from_cents(cents.abs()).to_string().replace('.', ",");
        let (debit, credit) = if cents >= 0 { (amount, String::new()) } else { (String::new(), amount) };
        format!("{account};O{object};{debit};{credit};{certification}")
    }
}

prop_compose! {
    fn mapping_line()(object in 0..20usize, code in pick(CODES), site in pick(SITES),
                      certification in pick(CERTIFICATIONS), cle in pick(CLES)) -> String {
        format!("O{object};{code};{site};{certification};{cle}")
    }
}

prop_compose! {
    fn driver_line()(kind in 0..4usize, site in pick(SITES), code in pick(DRIVER_CODES),
                     side in pick(&["formation", "cma"]), certification in pick(CERTIFICATIONS),
                     value in 0u32..5000, decimals in 0u32..100) -> String {
        let value = format!("{value},{decimals:02}");
        match kind {
            0 => format!("etp;{site};{code};;;{value}"),
            1 => format!("surface;{site};;{side};;{value}"),
            2 => format!("vehicules;{site};;{side};;{value}"),
            _ => format!("heures_apprenants;{site};{code};;{certification};{value}"),
        }
    }
}

fn files(ledger: &[String], mapping: &[String], drivers: &[String]) -> (String, String, String) {
    (
        format!("compte;objet;debit;credit;certification\n{}\n", ledger.join("\n")),
        format!("objet;code;site;certification;cle\n{}\n", mapping.join("\n")),
        format!("inducteur;site;code;perimetre;certification;valeur\n{}\n", drivers.join("\n")),
    )
}

fn document(ledger: &str, mapping: &str, drivers: &str) -> (Document, cma_analytique::allocate::Control) {
    let outcome = run(
        Inputs { ledger: ledger.as_bytes(), mapping: mapping.as_bytes(), drivers: drivers.as_bytes() },
        Options::default(),
    );
    let allocation = outcome.allocation.expect("canonical files are always readable");
    (Document::new(&allocation, &outcome.diagnostics), allocation.control)
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 300, ..ProptestConfig::default() })]

    #[test]
    fn any_split_conserves_its_amount(total in -10_000_000_000i64..10_000_000_000,
                                      weights in proptest::collection::vec(0u128..1_000_000_000_000, 1..40)) {
        let total = Amount::from_cents(total);
        match split(total, &weights) {
            Ok(parts) => {
                prop_assert_eq!(parts.iter().copied().sum::<Amount>(), total);
                let sum: u128 = weights.iter().sum();
                for (part, w) in parts.iter().zip(&weights) {
                    // Each part is its exact share rounded down or up by less than one cent.
                    let exact = i128::from(total.cents().abs()) * (*w as i128);
                    let got = i128::from(part.cents().abs()) * (sum as i128);
                    prop_assert!((got - exact).abs() < sum as i128, "part {part} weight {w}");
                    prop_assert!(total.cents() == 0 || part.cents() == 0 || part.cents().signum() == total.cents().signum());
                }
            }
            Err(e) => prop_assert!(e == cma_analytique::money::SplitError::NoWeight && weights.iter().all(|&w| w == 0), "{e:?}"),
        }
    }

    #[test]
    fn the_control_identity_always_holds(ledger in proptest::collection::vec(ledger_line(), 0..60),
                                         mapping in proptest::collection::vec(mapping_line(), 0..30),
                                         drivers in proptest::collection::vec(driver_line(), 0..30)) {
        let (l, m, d) = files(&ledger, &mapping, &drivers);
        let (doc, control) = document(&l, &m, &d);
        prop_assert!(control.balances(), "{control:?}");
        // The same identities read from the published document.
        let sum = |it: &mut dyn Iterator<Item = Amount>| it.sum::<Amount>();
        let full_costs = sum(&mut doc.activites.iter().map(|a| a.cout_complet));
        prop_assert_eq!(full_costs, doc.controle.charges_reparties);
        let unallocated = sum(&mut doc.pools.iter().map(|p| p.non_reparti));
        prop_assert_eq!(unallocated, doc.controle.charges_non_reparties);
        prop_assert_eq!(doc.controle.charges,
            doc.controle.charges_reparties + doc.controle.charges_non_reparties + doc.controle.charges_non_rattachees);
        let products = sum(&mut doc.activites.iter().map(|a| a.produits)) + sum(&mut doc.pools.iter().map(|p| p.produits))
            + doc.controle.produits_non_rattaches;
        prop_assert_eq!(products, doc.controle.produits);
        // Every pool is split exactly: level-1 shares and what stayed unallocated make the pool.
        for p in &doc.pools {
            prop_assert!(p.non_reparti == p.montant || p.formation + p.cma == p.montant, "{p:?}");
        }
        // B01 is the sum of its certifications.
        let b01 = doc.activites.iter().find(|a| a.code == "B01").map_or(Amount::ZERO, |a| a.cout_complet);
        prop_assert_eq!(sum(&mut doc.certifications.iter().map(|c| c.cout_complet)), b01);
    }

    #[test]
    fn the_pre_project_adds_up(ledger in proptest::collection::vec(ledger_line(), 0..60),
                               mapping in proptest::collection::vec(mapping_line(), 0..30),
                               drivers in proptest::collection::vec(driver_line(), 0..30)) {
        let (l, m, d) = files(&ledger, &mapping, &drivers);
        let (doc, _) = document(&l, &m, &d);
        let options = cma_analytique::preprojet::PreProjectOptions {
            calendar: cma_analytique::calendar::CalendarInput {
                transmission: None,
                sending: cma_analytique::date::Date::new(2024, 7, 1).unwrap(),
                financial_year: Some(2023),
            },
            identity: Default::default(),
            titles: None,
        };
        let inputs = Inputs { ledger: l.as_bytes(), mapping: m.as_bytes(), drivers: d.as_bytes() };
        let pre = cma_analytique::preprojet::run(inputs, Options::default(), &options).document.unwrap();
        // Each row: its eight headings make its full cost.
        for r in &pre.certifications {
            prop_assert_eq!(r.rubriques.len(), 8);
            prop_assert_eq!(r.rubriques.values().copied().sum::<Amount>(), r.cout_complet, "{:?}", r);
        }
        // The rows make B01 of `repartir`; what B01 commun could not spread is `non_ventile`.
        let b01 = doc.activites.iter().find(|a| a.code == "B01");
        let rows_cost: Amount = pre.certifications.iter().map(|r| r.cout_complet).sum();
        let rows_products: Amount = pre.certifications.iter().map(|r| r.produits).sum();
        prop_assert_eq!(rows_cost, b01.map_or(Amount::ZERO, |a| a.cout_complet));
        prop_assert_eq!(rows_products, b01.map_or(Amount::ZERO, |a| a.produits));
        prop_assert_eq!(rows_cost, pre.total.cout_complet);
        let commun = doc.pools.iter().filter(|p| p.cle == "b01_commun");
        let (left, left_products) = commun.fold((Amount::ZERO, Amount::ZERO), |(a, b), p| (a + p.non_reparti, b + p.produits));
        prop_assert_eq!(pre.non_ventile.rubriques.values().copied().sum::<Amount>(), left);
        prop_assert_eq!(pre.non_ventile.produits, left_products);
    }

    #[test]
    fn results_do_not_depend_on_line_order(ledger in proptest::collection::vec(ledger_line(), 1..40),
                                           mapping in proptest::collection::vec(mapping_line(), 0..20),
                                           drivers in proptest::collection::vec(driver_line(), 0..20),
                                           seed in any::<u64>()) {
        let (l, m, d) = files(&ledger, &mapping, &drivers);
        let (doc, _) = document(&l, &m, &d);
        let mut shuffled = ledger.clone();
        // A deterministic permutation from the seed (no randomness inside the core).
        let n = shuffled.len();
        let mut state = seed | 1;
        for i in (1..n).rev() {
            state ^= state << 13;
            state ^= state >> 7;
            state ^= state << 17;
            shuffled.swap(i, (state % (i as u64 + 1)) as usize);
        }
        let (l2, _, _) = files(&shuffled, &mapping, &drivers);
        let (doc2, _) = document(&l2, &m, &d);
        let strip = |doc: &Document| {
            let mut v = serde_json::to_value(doc).unwrap();
            // Line numbers in diagnostics move with the lines; everything else must not.
            v.as_object_mut().unwrap().remove("diagnostics");
            v
        };
        prop_assert_eq!(strip(&doc), strip(&doc2));
        let codes = |doc: &Document| doc.diagnostics.iter().map(|d| d.code.clone()).collect::<std::collections::BTreeSet<_>>();
        prop_assert_eq!(codes(&doc), codes(&doc2));
    }
}

/// The same ledger written in a random dialect of real exports: separator, SAP-like headers,
/// Windows-1252, CRLF, no-break-space thousands, SAP's trailing minus or S/H sens.
#[derive(Debug, Clone)]
struct Dialect {
    separator: char,
    sap_headers: bool,
    windows_1252: bool,
    crlf: bool,
    signed: bool,
}

prop_compose! {
    fn dialect()(separator in proptest::sample::select(vec![';', ',', '\t', '|']), sap_headers in any::<bool>(),
                 windows_1252 in any::<bool>(), crlf in any::<bool>(), signed in any::<bool>()) -> Dialect {
        Dialect { separator, sap_headers, windows_1252, crlf, signed }
    }
}

prop_compose! {
    fn ledger_row()(account in pick(ACCOUNTS), object in 0..24usize, cents in -50_000_000i64..50_000_000,
                    label in pick(&["Achat", "Réparation – local", "Frais « divers »", "Œuvre d'art"])) -> (String, String, i64, String) {
        (account.to_owned(), format!("O{object}"), cents, label.to_owned())
    }
}

/// French amount with no-break-space thousands: `1 234,56`.
fn french_amount(cents: i64) -> String {
    let text = Amount::from_cents(cents.abs()).to_string().replace('.', ",");
    let (int, frac) = text.split_once(',').unwrap();
    let mut grouped = String::new();
    for (i, c) in int.chars().enumerate() {
        if i > 0 && (int.len() - i) % 3 == 0 {
            grouped.push('\u{a0}');
        }
        grouped.push(c);
    }
    format!("{grouped},{frac}")
}

fn write_ledger(rows: &[(String, String, i64, String)], d: &Dialect) -> Vec<u8> {
    let sep = d.separator.to_string();
    let quote = |s: &str| if s.contains(d.separator) || s.contains('"') { format!("\"{}\"", s.replace('"', "\"\"")) } else { s.to_owned() };
    let header: Vec<&str> = match (d.sap_headers, d.signed) {
        (true, true) => vec!["Compte général", "Élément d'OTP", "Montant en devise interne", "Code D/C", "Désignation"],
        (true, false) => vec!["Compte général", "Élément d'OTP", "Montant débit", "Montant crédit", "Désignation"],
        (false, true) => vec!["compte", "objet", "montant", "sens", "libelle"],
        (false, false) => vec!["compte", "objet", "debit", "credit", "libelle"],
    };
    let eol = if d.crlf { "\r\n" } else { "\n" };
    let mut text = header.join(&sep) + eol;
    for (account, object, cents, label) in rows {
        let amount = quote(&french_amount(*cents));
        let cells = if d.signed {
            // SAP's S (Soll) / H (Haben) with the sign in the trailing minus on some lines.
            let sens = if *cents >= 0 { "S" } else { "H" };
            vec![account.clone(), object.clone(), amount, sens.to_owned(), quote(label)]
        } else if *cents >= 0 {
            vec![account.clone(), object.clone(), amount, String::new(), quote(label)]
        } else {
            vec![account.clone(), object.clone(), String::new(), amount, quote(label)]
        };
        text.push_str(&cells.join(&sep));
        text.push_str(eol);
    }
    if d.windows_1252 { encoding_rs::WINDOWS_1252.encode(&text).0.into_owned() } else { text.into_bytes() }
}

fn results_without_diagnostics(ledger: &[u8], mapping: &str, drivers: &str) -> serde_json::Value {
    let outcome = run(Inputs { ledger, mapping: mapping.as_bytes(), drivers: drivers.as_bytes() }, Options::default());
    let allocation = outcome.allocation.expect("readable");
    let mut v = serde_json::to_value(Document::new(&allocation, &outcome.diagnostics)).unwrap();
    v.as_object_mut().unwrap().remove("diagnostics");
    v
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 200, ..ProptestConfig::default() })]

    #[test]
    fn any_dialect_and_its_template_rewrite_give_the_same_results(rows in proptest::collection::vec(ledger_row(), 1..40),
                                                                  mapping in proptest::collection::vec(mapping_line(), 0..25),
                                                                  drivers in proptest::collection::vec(driver_line(), 0..25),
                                                                  d in dialect()) {
        let plain = Dialect { separator: ';', sap_headers: false, windows_1252: false, crlf: false, signed: false };
        let (_, m, dr) = files(&[], &mapping, &drivers);
        let reference = results_without_diagnostics(&write_ledger(&rows, &plain), &m, &dr);
        let exported = write_ledger(&rows, &d);
        prop_assert_eq!(&results_without_diagnostics(&exported, &m, &dr), &reference, "dialect {:?}", d);
        let rewritten = cma_analytique::templates::canonical_csv(cma_analytique::input::role::Role::GrandLivre, &exported).unwrap();
        prop_assert_eq!(&results_without_diagnostics(&rewritten, &m, &dr), &reference, "rewritten from {:?}", d);
    }
}
