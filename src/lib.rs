//! cma-analytique: the calculator and validator of the CMA network's analytical-accounting norm
//! (CMA France, délibération n°102, norme d'intervention of March 2024).
//!
//! A pure core: bytes and parameters in, results and findings out. The pipeline is
//! read → recognise columns → parse rows → validate → allocate → report; each stage returns
//! its output *and* its findings. The same core serves the CLI (`src/main.rs`), the tests and,
//! later, the WebAssembly facade. See ARCHITECTURE.md for the map.

pub mod allocate;
pub mod date;
pub mod detail;
pub mod diagnostic;
pub mod export;
pub mod input;
pub mod money;
pub mod report;
pub mod rulebook;
pub mod views;
#[cfg(target_arch = "wasm32")]
pub mod wasm;
pub mod xlsx;

use crate::allocate::Allocation;
use crate::diagnostic::Diagnostic;
use crate::input::ledger::Period;
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
    let mut diagnostics = Vec::new();
    let ledger: Option<Ledger> = keep(Ledger::read(inputs.ledger, options.period), &mut diagnostics);
    let mappings: Option<Mappings> = keep(Mappings::read(inputs.mapping), &mut diagnostics);
    let drivers: Option<Drivers> = keep(Drivers::read(inputs.drivers), &mut diagnostics);
    let allocation = match (ledger, mappings, drivers) {
        (Some(l), Some(m), Some(d)) => Some(allocate::allocate(&l, &m, &d, &mut diagnostics)),
        _ => None,
    };
    diagnostic::sort(&mut diagnostics);
    Outcome { allocation, diagnostics }
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
