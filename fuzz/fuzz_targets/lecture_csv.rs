//! Any bytes, read as each input of the tool (ledger, mapping, drivers, staff): never a panic.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    cma_analytique::fuzzing::read_as_every_input(data);
});
