//! cma-analytique: the calculator and validator of the CMA network's analytical-accounting norm
//! (CMA France, délibération n°102, norme d'intervention of March 2024).
//!
//! A pure core: bytes and parameters in, results and findings out. The pipeline is
//! read → recognise columns → parse rows → validate → allocate → report; each stage returns
//! its output *and* its findings. The same core serves the CLI (`src/main.rs`), the tests and,
//! later, the WebAssembly facade. See ARCHITECTURE.md for the map.

pub mod allocate;
pub mod calendar;
pub mod date;
pub mod detail;
pub mod diagnostic;
pub mod etp;
pub mod export;
pub mod fuzzing;
pub mod indicators;
pub mod input;
pub mod money;
pub mod names;
pub mod preprojet;
pub mod ratio;
pub mod rent;
pub mod report;
pub mod revue;
pub mod rulebook;
pub mod templates;
pub mod views;
pub mod xlsx;
#[cfg(target_arch = "wasm32")]
pub mod wasm;

use crate::allocate::Allocation;
use crate::diagnostic::Diagnostic;
use crate::input::ledger::{LedgerRead, Period};
use crate::input::{Drivers, Ledger, Mappings};

/// The three inputs of a computation, as bytes (CLI: files; page: dropped files).
#[derive(Debug, Clone, Copy)]
pub struct Inputs<'a> {
    pub ledger: &'a [u8],
    pub mapping: &'a [u8],
    pub drivers: &'a [u8],
}

/// Parameters of a computation.
#[derive(Debug, Clone, Copy, Default)]
pub struct Options {
    /// Optional period of a half-year close.
    pub period: Period,
}

/// What a computation gives: the allocation when every input could be read, and all findings,
/// sorted.
#[derive(Debug)]
pub struct Outcome {
    pub allocation: Option<Allocation>,
    pub diagnostics: Vec<Diagnostic>,
}

impl Outcome {
    /// False when an input could not be read at all (no allocation was made).
    pub fn ran(&self) -> bool {
        self.allocation.is_some()
    }
}

/// Reads, validates and allocates.
pub fn run(inputs: Inputs<'_>, options: Options) -> Outcome {
    run_read(Ledger::read(inputs.ledger, options.period), inputs.mapping, inputs.drivers)
}

/// [`run`] with the ledger already read: by [`Ledger::read_from`], in pieces, for a host that
/// reads it from a file (the CLI).
pub fn run_read(ledger: LedgerRead, mapping: &[u8], drivers: &[u8]) -> Outcome {
    let (computation, diagnostics) = compute_read(ledger, mapping, drivers);
    Outcome { allocation: computation.map(|c| c.allocation), diagnostics }
}

/// Everything read and computed, for the commands that need the inputs beside the allocation
/// (the pre-project reads the drivers' apprentices and hours, the ledger's class 8).
#[derive(Debug)]
pub struct Computation {
    pub ledger: Ledger,
    pub mappings: Mappings,
    pub drivers: Drivers,
    pub allocation: Allocation,
}

/// Reads, validates and allocates, keeping the inputs; the findings sorted.
pub fn compute(inputs: Inputs<'_>, options: Options) -> (Option<Computation>, Vec<Diagnostic>) {
    compute_read(Ledger::read(inputs.ledger, options.period), inputs.mapping, inputs.drivers)
}

/// [`compute`] with the ledger already read (see [`run_read`]).
pub fn compute_read(ledger: LedgerRead, mapping: &[u8], drivers: &[u8]) -> (Option<Computation>, Vec<Diagnostic>) {
    let mut diagnostics = Vec::new();
    let ledger: Option<Ledger> = keep(ledger, &mut diagnostics);
    let mappings: Option<Mappings> = keep(Mappings::read(mapping), &mut diagnostics);
    let drivers: Option<Drivers> = keep(Drivers::read(drivers), &mut diagnostics);
    let computation = match (ledger, mappings, drivers) {
        (Some(ledger), Some(mappings), Some(drivers)) => {
            let allocation = allocate::allocate(&ledger, &mappings, &drivers, &mut diagnostics);
            Some(Computation { ledger, mappings, drivers, allocation })
        }
        _ => None,
    };
    diagnostic::sort(&mut diagnostics);
    (computation, diagnostics)
}

/// A stage's value, its findings moved into `diagnostics`; an unreadable input's finding too.
fn keep<T>(read: Result<(T, Vec<Diagnostic>), Diagnostic>, diagnostics: &mut Vec<Diagnostic>) -> Option<T> {
    match read {
        Ok((value, found)) => {
            diagnostics.extend(found);
            Some(value)
        }
        Err(d) => {
            diagnostics.push(d);
            None
        }
    }
}
