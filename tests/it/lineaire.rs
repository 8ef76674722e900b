//! No quadratic step: with twice as many sites, objects, certifications, pools, driver rows and
//! ledger lines, the allocation does twice the work — counted (postings, driver rows and
//! receivers visited, `allocate::Work`), never timed. A step that went over every driver row
//! for every site, or over every receiver for every receiver, would do four times the work.

use std::fmt::Write as _;

use cma_analytique::allocate::Work;
use cma_analytique::{Inputs, Options, compute};

/// A region of `n` sites, each with every kind of pool (support, gouvernance, locaux,
/// vehicules, piloting of the three axes, B01 commun), operational objects, five certifications
/// (two of them without apprentice hours: `I002`), objects missing from the mapping, and two
/// ledger lines per object.
fn region(n: usize) -> (String, String, String) {
    let mut ledger = String::from("compte;objet;debit;credit;certification\n");
    let mut mapping = String::from("objet;code;site;certification;rubrique_fc;cle\n");
    let mut drivers = String::from("inducteur;site;code;perimetre;certification;valeur\n");
    for s in 0..n {
        let site = format!("Site {s}");
        let mut objects = Vec::new();
        for (code, key) in [("A03", ""), ("A05", ""), ("C01", ""), ("B02", ""), ("B03", ""), ("D03", ""), ("D01", ""),
            ("D1002", ""), ("D04", "vehicules"), ("D08", "locaux"), ("A11", ""), ("B11", ""), ("C11", ""), ("B01", "")]
        {
            for k in 0..3 {
                let object = format!("{s}-{code}-{k}");
                let _ = writeln!(mapping, "{object};{code};{site};;;{key}");
                objects.push(object);
            }
        }
        for c in 0..5 {
            let cert = format!("RNCP{s:04}{c}");
            let object = format!("{s}-B0101-{c}");
            let _ = writeln!(mapping, "{object};B0101;{site};{cert};pedagogie;");
            objects.push(object);
            if c < 3 {
                let _ = writeln!(drivers, "heures_apprenants;{site};B01;;{cert};{}", 1_000 + 37 * c);
            }
        }
        for k in 0..4 {
            objects.push(format!("{s}-absent-{k}"));
        }
        for (i, object) in objects.iter().enumerate() {
            let _ = writeln!(ledger, "641100;{object};{},{:02};;", 100 + i, s % 100);
            let _ = writeln!(ledger, "706000;{object};;{},50;", 10 + i);
        }
        for code in ["A03", "A05", "A11", "C01", "C11", "B01", "B02", "B03", "B11"] {
            let _ = writeln!(drivers, "etp;{site};{code};;;{}", 1 + (s + code.len()) % 7);
        }
        for side in ["formation", "cma"] {
            let _ = writeln!(drivers, "surface;{site};;{side};;{}", 100 + s);
            let _ = writeln!(drivers, "vehicules;{site};;{side};;{}", 1 + s % 3);
        }
        for code in ["B02", "B03"] {
            let _ = writeln!(drivers, "heures_apprenants;{site};{code};;;{}", 500 + s);
        }
    }
    // Regional pools too: they see every site's rows.
    for code in ["D02", "D05", "A11"] {
        let _ = writeln!(mapping, "R-{code};{code};;;;");
        let _ = writeln!(ledger, "641100;R-{code};{},00;;", 1_000 + n);
    }
    (ledger, mapping, drivers)
}

fn work(n: usize) -> (Work, usize, usize) {
    let (ledger, mapping, drivers) = region(n);
    let (computation, diagnostics) =
        compute(Inputs { ledger: ledger.as_bytes(), mapping: mapping.as_bytes(), drivers: drivers.as_bytes() }, Options::default());
    let computation = computation.expect("the region is readable");
    assert!(computation.allocation.control.balances());
    (computation.allocation.work, computation.allocation.pools.len(), diagnostics.len())
}

#[test]
fn twice_the_region_is_twice_the_work() {
    let (base, pools, diagnostics) = work(40);
    assert!(pools >= 40 * 8 && diagnostics >= 40 * 2, "{pools} pools, {diagnostics} diagnostics: the region has them all");
    for factor in [2u64, 4] {
        let (scaled, scaled_pools, scaled_diagnostics) = work(40 * factor as usize);
        let counts = [
            ("postings", base.postings, scaled.postings),
            ("driver rows", base.driver_rows, scaled.driver_rows),
            ("receivers", base.receivers, scaled.receivers),
            ("pools", pools as u64, scaled_pools as u64),
            ("diagnostics", diagnostics as u64, scaled_diagnostics as u64),
        ];
        for (what, before, after) in counts {
            // Linear: the count grows by the factor (a little less, for what does not grow); a
            // quadratic step would make it grow by the factor squared.
            assert!(after * 100 <= before * factor * 105, "×{factor} inputs: {what} {before} → {after} ({base:?} → {scaled:?})");
        }
    }
}

// The examples' generator again (`exemple` includes it inside its own example, privately).
#[allow(clippy::duplicate_mod)]
#[path = "../../examples/commun/alea.rs"]
mod alea;
#[path = "../../examples/commun/region.rs"]
#[allow(dead_code)]
mod region;

/// The benchmark's generator (`examples/generer`): the same bytes every time, and a region that
/// has what it claims — unmapped objects, out-of-scope lines, the antenna's premises pools partly
/// unallocated (`R002`), its vehicle pool falling back to ETP (`R003`) — with the control
/// identity holding.
#[test]
fn the_benchmark_region_is_deterministic_and_realistic() {
    let generate = |lines| {
        let region = region::Region::new();
        let mut ledger = Vec::new();
        region.ledger(lines, &mut ledger).unwrap();
        (ledger, region.mapping, region.drivers)
    };
    let (ledger, mapping, drivers) = generate(20_000);
    assert_eq!(generate(20_000), (ledger.clone(), mapping.clone(), drivers.clone()));
    assert!(region::Region::new().objects() > 1_900);
    let (computation, diagnostics) = compute(Inputs { ledger: &ledger, mapping: &mapping, drivers: &drivers }, Options::default());
    let control = computation.expect("readable").allocation.control;
    assert!(control.balances());
    assert!(!control.charges_unallocated.is_zero() && !control.charges_unmapped.is_zero(), "{control:?}");
    let codes: std::collections::BTreeSet<&str> = diagnostics.iter().map(|d| d.code.as_str()).collect();
    for code in ["H001", "M001", "R002", "R003"] {
        assert!(codes.contains(code), "{code} missing: {codes:?}");
    }
}
