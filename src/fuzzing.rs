//! Entry points of the fuzz targets (`fuzz/`), here in the library so that the tests replay
//! every input the fuzzer ever kept (`tests/fuzz-regressions/`) without the fuzzing toolchain.
//!
//! Each function must never panic on any bytes; `whole_pipeline` also asserts the control
//! identity, so a broken conservation is a crash the fuzzer reports.

use crate::calendar::CalendarInput;
use crate::date::Date;
use crate::input::ledger::Period;
use crate::input::{Drivers, Ledger, Mappings, role};
use crate::preprojet::{Identity, PreProjectOptions};
use crate::report::Document;
use crate::{Inputs, Options};

/// The bytes read as every input the tool knows (ledger, mapping, drivers, staff file); the
/// ledger also in pieces (of a size drawn from the bytes themselves) and in two parts as the
/// page's two workers read it, which must give exactly what the whole reading gives.
pub fn read_as_every_input(data: &[u8]) {
    let _ = role::recognise(data);
    let whole = Ledger::read(data, Period::default());
    let chunk = 1 + data.iter().map(|&b| usize::from(b)).sum::<usize>() % 97;
    match Ledger::read_in_pieces(std::io::Cursor::new(data), Period::default(), chunk) {
        Ok(pieces) => assert_eq!(format!("{pieces:?}"), format!("{whole:?}"), "read in pieces of {chunk} bytes"),
        Err(e) => unreachable!("reading from memory: {e}"),
    }
    // In two parts as the page's two workers read it, cut at a line end drawn from the bytes:
    // the same, or left to one reader.
    let at = data.iter().map(|&b| usize::from(b)).sum::<usize>() % (data.len() + 1);
    if let Some(two) = Ledger::read_in_two_parts(data, Period::default(), at, 4096, chunk) {
        assert_eq!(format!("{two:?}"), format!("{whole:?}"), "read in two parts cut after {at}");
    }
    let _ = Mappings::read(data);
    let _ = Drivers::read(data);
    let _ = crate::etp::compute(data);
}

/// The bytes split into ledger, mapping and drivers at the first two 0x1E bytes (ASCII record
/// separator), then the whole computation, the documents and the pre-project with its exports.
pub fn whole_pipeline(data: &[u8]) {
    let mut parts = data.splitn(3, |&b| b == 0x1E);
    let inputs = Inputs {
        ledger: parts.next().unwrap_or_default(),
        mapping: parts.next().unwrap_or_default(),
        drivers: parts.next().unwrap_or_default(),
    };
    let outcome = crate::run(inputs, Options::default());
    if let Some(allocation) = &outcome.allocation {
        assert!(allocation.control.balances(), "control identity broken: {:?}", allocation.control);
        let document = Document::new(allocation, &outcome.diagnostics);
        let _ = serde_json::to_vec(&document);
        let _ = document.to_text();
    }
    let pre = PreProjectOptions {
        calendar: CalendarInput {
            transmission: None,
            sending: Date::new(2025, 7, 1).unwrap_or_else(|| unreachable!("a valid date")),
            financial_year: Some(2024),
        },
        identity: Identity::default(),
        titles: None,
    };
    let pre_project = crate::preprojet::run(inputs, Options::default(), &pre);
    if let Some(document) = &pre_project.document {
        let _ = crate::preprojet::export::csv(document);
        let _ = crate::preprojet::export::xlsx(document);
    }
}
