//! Benchmark of the native core: a realistic canonical ledger of N lines (default 1 000 000),
//! generated deterministically, read, validated and allocated in process; best of several runs.
//!
//! `cargo run --release --example banc -- [lignes] [répétitions]`
//!
//! The generated files are also written to `target/banc/` so that the CLI can be timed on them
//! (`time target/release/cma-analytique repartir --grand-livre target/banc/grand-livre.csv …`).

// Floats measure time and throughput here, never money.
#![allow(clippy::float_arithmetic, clippy::cast_precision_loss, clippy::disallowed_types)]

use std::fmt::Write as _;
use std::time::Instant;

use cma_analytique::{Inputs, Options, run};

#[path = "commun/alea.rs"]
mod alea;
use alea::Rng;

const SITES: [&str; 4] = ["", "Nord", "Centre", "Sud"];
const OPERATIONAL: [&str; 15] =
    ["A01", "A02", "A03", "A04", "A05", "A07", "A08", "A10", "B02", "B03", "B04", "C01", "C02", "C03", "C04"];
const POOLS: [&str; 12] = ["A11", "B11", "C11", "D01", "D02", "D03", "D04", "D05", "D08", "D09", "D1001", "D1002"];
const CHARGE_ACCOUNTS: [&str; 10] = ["641100", "645100", "606100", "613200", "615200", "623100", "625100", "626100", "681100", "661100"];
const PRODUCT_ACCOUNTS: [&str; 4] = ["706000", "741000", "756000", "708000"];

/// Ledger, mapping and drivers of a region with 4 sites, ~2 000 objects and 60 certifications.
fn generate(lines: usize) -> (String, String, String) {
    let mut rng = Rng(0x9E37_79B9_7F4A_7C15);
    let objects = 2000;
    let certifications = 60;
    let mut mapping = String::from("objet;code;site;certification;rubrique_fc;cle\n");
    for i in 0..objects {
        let site = SITES[i % SITES.len()];
        let _ = match i % 10 {
            0..=3 => writeln!(mapping, "EOTP-{i:05};{};{site};;;", OPERATIONAL[rng.below(15) as usize]),
            4..=6 => writeln!(mapping, "EOTP-{i:05};B0101;{site};RNCP{:05};;", rng.below(certifications)),
            7 => writeln!(mapping, "EOTP-{i:05};B01;{site};;;"),
            _ => writeln!(mapping, "EOTP-{i:05};{};{site};;;", POOLS[rng.below(12) as usize]),
        };
    }
    let mut drivers = String::from("inducteur;site;code;perimetre;certification;valeur;heures;apprenants\n");
    for site in SITES {
        for code in OPERATIONAL.iter().chain(&["A11", "B11", "C11", "B01"]) {
            let _ = writeln!(drivers, "etp;{site};{code};;;{},{:02};;", rng.below(20), rng.below(100));
        }
        for side in ["formation", "cma"] {
            let _ = writeln!(drivers, "surface;{site};;{side};;{};;", 100 + rng.below(3000));
            let _ = writeln!(drivers, "vehicules;{site};;{side};;{};;", rng.below(5));
        }
        for c in 0..certifications {
            let _ = writeln!(drivers, "heures_apprenants;{site};B01;;RNCP{c:05};;{};{}", 400 + rng.below(800), 1 + rng.below(30));
        }
        for code in ["B02", "B03", "B04"] {
            let _ = writeln!(drivers, "heures_apprenants;{site};{code};;;{};;", 1000 + rng.below(50_000));
        }
    }
    let mut ledger = String::with_capacity(lines * 80);
    ledger.push_str("compte;objet;debit;credit;date;libelle;piece;journal\n");
    for n in 0..lines {
        let object = rng.below(objects as u64);
        let day = 1 + rng.below(28);
        let month = 1 + rng.below(12);
        let cents = 100 + rng.below(500_000);
        let amount = format!("{},{:02}", cents / 100, cents % 100);
        let _ = if rng.below(10) < 8 {
            let account = CHARGE_ACCOUNTS[rng.below(10) as usize];
            writeln!(ledger, "{account};EOTP-{object:05};{amount};;2024{month:02}{day:02};Ligne de charge {n};P{n};ACH")
        } else {
            let account = PRODUCT_ACCOUNTS[rng.below(4) as usize];
            writeln!(ledger, "{account};EOTP-{object:05};;{amount};2024{month:02}{day:02};Ligne de produit {n};P{n};VTE")
        };
    }
    (ledger, mapping, drivers)
}

fn main() {
    let mut args = std::env::args().skip(1);
    let lines: usize = args.next().and_then(|a| a.parse().ok()).unwrap_or(1_000_000);
    let repeats: usize = args.next().and_then(|a| a.parse().ok()).unwrap_or(5);
    let (ledger, mapping, drivers) = generate(lines);
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("target/banc");
    if std::fs::create_dir_all(&dir).is_ok() {
        let _ = std::fs::write(dir.join("grand-livre.csv"), &ledger);
        let _ = std::fs::write(dir.join("correspondance.csv"), &mapping);
        let _ = std::fs::write(dir.join("inducteurs.csv"), &drivers);
    }
    let bytes = ledger.len() + mapping.len() + drivers.len();
    let inputs = Inputs { ledger: ledger.as_bytes(), mapping: mapping.as_bytes(), drivers: drivers.as_bytes() };
    let mut best = std::time::Duration::MAX;
    let mut control = None;
    for _ in 0..repeats.max(1) {
        let start = Instant::now();
        let outcome = run(inputs, Options::default());
        best = best.min(start.elapsed());
        control = outcome.allocation.map(|a| a.control);
    }
    let control = control.expect("generated files are readable");
    assert!(control.balances(), "control identity: {control:?}");
    let seconds = best.as_secs_f64();
    println!("lignes du grand livre : {lines}");
    println!("octets lus            : {:.1} Mo", bytes as f64 / 1e6);
    println!("meilleur temps        : {:.3} s (sur {repeats})", seconds);
    println!("débit                 : {:.0} Mo/s, {:.2} M lignes/s", bytes as f64 / 1e6 / seconds, lines as f64 / 1e6 / seconds);
    println!("contrôle              : charges {} = réparties {} + non réparties {} + non rattachées {}",
        control.charges, control.charges_allocated, control.charges_unallocated, control.charges_unmapped);
}
