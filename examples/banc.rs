//! Benchmark of the native core in process: the realistic region of `commun/region.rs` with N
//! ledger lines (default 1 000 000), read, validated and allocated; best of several runs. The
//! side-by-side benchmark (CLI, wasm, pandas, DuckDB) is `scripts/banc`.
//!
//! `cargo run --release --example banc -- [lignes] [répétitions]`

// Floats measure time and throughput here, never money.
#![allow(clippy::float_arithmetic, clippy::cast_precision_loss, clippy::disallowed_types)]

use std::time::Instant;

use cma_analytique::{Inputs, Options, run};

#[path = "commun/alea.rs"]
mod alea;
#[path = "commun/region.rs"]
mod region;

fn main() {
    let mut args = std::env::args().skip(1);
    let lines: usize = args.next().and_then(|a| a.replace('_', "").parse().ok()).unwrap_or(1_000_000);
    let repeats: usize = args.next().and_then(|a| a.parse().ok()).unwrap_or(5);
    let region = region::Region::new();
    let mut ledger = Vec::with_capacity(lines * 110);
    region.ledger(lines, &mut ledger).expect("writing to memory");
    let bytes = ledger.len() + region.mapping.len() + region.drivers.len();
    let inputs = Inputs { ledger: &ledger, mapping: &region.mapping, drivers: &region.drivers };
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
    println!("lignes du grand livre : {lines} ({} objets)", region.objects());
    println!("octets lus            : {:.1} Mo", bytes as f64 / 1e6);
    println!("meilleur temps        : {seconds:.3} s (sur {repeats})");
    println!("débit                 : {:.0} Mo/s, {:.2} M lignes/s", bytes as f64 / 1e6 / seconds, lines as f64 / 1e6 / seconds);
    println!(
        "contrôle              : charges {} = réparties {} + non réparties {} + non rattachées {}",
        control.charges, control.charges_allocated, control.charges_unallocated, control.charges_unmapped
    );
}
