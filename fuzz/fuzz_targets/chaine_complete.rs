//! Bytes → the three inputs → allocation → documents: never a panic, and the control identity
//! always holds to the cent.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    cma_analytique::fuzzing::whole_pipeline(data);
});
