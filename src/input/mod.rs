//! Reading the three inputs: bytes in, typed rows and findings out.
//!
//! `table` recognises a delimited file's columns by role; `ledger`, `mapping` and `drivers`
//! parse their rows. Only an input that cannot be read at all (no header, a required column
//! missing) is an `Err`; every unreadable value is a diagnostic with its 1-based line.

pub mod bytes;
pub mod cells;
pub mod drivers;
pub mod fec;
pub mod ledger;
pub mod mapping;
pub mod records;
pub mod role;
pub mod sheet;
pub mod source;
pub mod table;

pub use drivers::{DriverRow, Drivers};
pub use ledger::{Ledger, Nature, Posting};
pub use mapping::{MappingRow, Mappings};
