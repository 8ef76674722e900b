//! Warm-up files: a small region the page's worker computes three times, while the page is idle,
//! before any file is dropped.
//!
//! A browser compiles a WebAssembly function when it is first called, with a quick baseline
//! compiler, and recompiles it optimised only after it has run for a while. Without a warm-up,
//! the user's first computation pays for both and runs its first millions of lines in baseline
//! code (in Chromium, about 0.2 s more on a million lines). The worker therefore reads these
//! files and computes them three times (the allocation, which turns less on a small region,
//! is optimised by the later ones), through the same calls as a real computation, and throws the
//! result away. They are built here, not fetched: nothing is downloaded for them.
//!
//! The mapping and the drivers are those of the built-in example (`www/exemple/`, a test checks
//! that they compute); the ledger is synthesised from the mapping's objects, with charges and
//! products on the usual accounts, so that every hot path of a real ledger runs.

use std::fmt::Write as _;

use wasm_bindgen::prelude::*;

use super::Erreur;

const MAPPING: &str = include_str!("../../www/exemple/correspondance.csv");
const DRIVERS: &str = include_str!("../../www/exemple/inducteurs.csv");

/// Lines of the warm-up ledger: enough for Chromium to optimise the per-line code.
pub const WARM_UP_LINES: usize = 10_000;

/// (account, whether it is a product) cycled over the lines.
const ACCOUNTS: [(&str, bool); 12] = [
    ("606100", false),
    ("613200", false),
    ("615200", false),
    ("622600", false),
    ("625100", false),
    ("641100", false),
    ("645100", false),
    ("681120", false),
    ("706100", true),
    ("741000", true),
    ("754000", true),
    ("401000", false),
];

/// The bytes of the warm-up file of `role` (`grand-livre`, `correspondance` or `inducteurs`).
#[wasm_bindgen]
pub fn prechauffage(role: &str) -> Result<Vec<u8>, Erreur> {
    match role {
        "grand-livre" => Ok(ledger(WARM_UP_LINES).into_bytes()),
        "correspondance" => Ok(MAPPING.as_bytes().to_vec()),
        "inducteurs" => Ok(DRIVERS.as_bytes().to_vec()),
        _ => Err(Erreur(format!("pas de fichier de préchauffage pour le rôle « {role} »"))),
    }
}

/// A ledger of `lines` lines on the example's objects, in the page's CSV dialect (`;`, comma
/// decimals), dated through 2024, charges in the debit column and products in the credit one.
pub fn ledger(lines: usize) -> String {
    let objects: Vec<&str> = MAPPING.lines().skip(1).filter_map(|l| l.split(';').next()).filter(|o| !o.is_empty()).collect();
    let mut out = String::with_capacity(lines * 64);
    out.push_str("compte;objet;debit;credit;date;libelle;piece;journal\n");
    for i in 0..lines {
        let (account, product) = ACCOUNTS[(i * 7) % ACCOUNTS.len()];
        let object = objects[i % objects.len()];
        let cents = (i * 7_919) % 900_000 + 100;
        let amount = format!("{},{:02}", cents / 100, cents % 100);
        let (debit, credit) = if product { ("", amount.as_str()) } else { (amount.as_str(), "") };
        let (month, day) = (i % 12 + 1, i % 28 + 1);
        let _ = writeln!(out, "{account};{object};{debit};{credit};2024-{month:02}-{day:02};Préchauffage {i};P{i};OD");
    }
    out
}
