//! Any bytes, read as a ledger — seeded with FEC files: never a panic.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    cma_analytique::fuzzing::read_as_every_input(data);
});
