//! Hostile inputs (issue « fiabilité »): what finance teams may drop into the tool, and what it
//! must do — a clear refusal or a bounded, complete answer; never a panic, never a silent loss.
//! Other hostile cases live where their reader is tested: `formats` (empty, binary, ZIP that is
//! not a workbook, truncated files, wrong separator, mixed encodings, duplicate headers, NUL
//! bytes) and `regressions` (unbalanced quotes).

use cma_analytique::diagnostic::{Diagnostic, MAX_PER_CODE};
use cma_analytique::{Inputs, Options, run};

const MAP: &[u8] = b"objet;code\nOA;A01\n";
const DRIVERS: &[u8] = b"inducteur;code;valeur\netp;A01;1\n";

fn codes(diags: &[Diagnostic], code: &str) -> usize {
    diags.iter().filter(|d| d.code.as_str() == code).count()
}

/// A ZIP whose only part declares 4 GB once inflated (a decompression bomb's signature), built
/// byte by byte: local header, 16 bytes of data, central directory, end record.
fn zip_bomb() -> Vec<u8> {
    let name = b"xl/worksheets/sheet1.xml";
    let data = [0u8; 16];
    let declared: u32 = 0xFFFF_0000;
    let mut z = Vec::new();
    let u16le = |z: &mut Vec<u8>, v: u16| z.extend_from_slice(&v.to_le_bytes());
    let u32le = |z: &mut Vec<u8>, v: u32| z.extend_from_slice(&v.to_le_bytes());
    u32le(&mut z, 0x0403_4b50);
    for v in [20u16, 0, 8, 0, 0] {
        u16le(&mut z, v);
    }
    for v in [0u32, data.len() as u32, declared] {
        u32le(&mut z, v);
    }
    u16le(&mut z, name.len() as u16);
    u16le(&mut z, 0);
    z.extend_from_slice(name);
    z.extend_from_slice(&data);
    let directory = z.len() as u32;
    u32le(&mut z, 0x0201_4b50);
    for v in [20u16, 20, 0, 8, 0, 0] {
        u16le(&mut z, v);
    }
    for v in [0u32, data.len() as u32, declared] {
        u32le(&mut z, v);
    }
    for v in [name.len() as u16, 0, 0, 0, 0] {
        u16le(&mut z, v);
    }
    u32le(&mut z, 0);
    u32le(&mut z, 0);
    z.extend_from_slice(name);
    let size = z.len() as u32 - directory;
    u32le(&mut z, 0x0605_4b50);
    for v in [0u16, 0, 1, 1] {
        u16le(&mut z, v);
    }
    u32le(&mut z, size);
    u32le(&mut z, directory);
    u16le(&mut z, 0);
    z
}

#[test]
fn a_workbook_that_would_inflate_to_gigabytes_is_refused_before_inflating() {
    let outcome = run(Inputs { ledger: &zip_bomb(), mapping: MAP, drivers: DRIVERS }, Options::default());
    assert!(!outcome.ran());
    let f001 = outcome.diagnostics.iter().find(|d| d.code.as_str() == "F001").expect("F001");
    assert!(f001.message.contains("ferait 4095 Mo une fois décompressé") && f001.message.contains("limite de 512 Mo"), "{}", f001.message);
}

#[test]
fn a_file_beyond_the_size_limit_is_refused_early_with_the_limit_stated() {
    // Zeroed pages are not touched: the refusal comes before any reading.
    let huge = vec![0u8; 2 * 1024 * 1024 * 1024 + 1];
    let outcome = run(Inputs { ledger: &huge, mapping: MAP, drivers: DRIVERS }, Options::default());
    assert!(!outcome.ran());
    let f001 = outcome.diagnostics.iter().find(|d| d.code.as_str() == "F001").expect("F001");
    assert!(f001.message.contains("limite de 2048 Mo"), "{}", f001.message);
}

#[test]
fn a_very_long_line_is_read() {
    let label = "x".repeat(20 * 1024 * 1024);
    let ledger = format!("compte;objet;debit;libelle\n641;OA;12,34;{label}\n641;OA;1,00;court\n");
    let outcome = run(Inputs { ledger: ledger.as_bytes(), mapping: MAP, drivers: DRIVERS }, Options::default());
    let allocation = outcome.allocation.expect("readable");
    assert_eq!(allocation.control.charges.to_string(), "13.34");
}

#[test]
fn a_million_distinct_objects_give_a_bounded_list_and_balanced_totals() {
    let mut ledger = String::from("compte;objet;debit\n");
    for i in 0..1_000_000 {
        ledger.push_str(&format!("641;O{i};1\n"));
    }
    let outcome = run(Inputs { ledger: ledger.as_bytes(), mapping: MAP, drivers: DRIVERS }, Options::default());
    let allocation = outcome.allocation.expect("readable");
    assert!(allocation.control.balances());
    assert_eq!(allocation.control.charges_unmapped.to_string(), "1000000.00", "nothing lost");
    // The first 1 000 unmapped objects are detailed, one more diagnostic counts the others.
    assert_eq!(codes(&outcome.diagnostics, "M001"), MAX_PER_CODE + 1);
    assert!(outcome.diagnostics.iter().any(|d| d.code.as_str() == "M001" && d.message.contains("999000 diagnostics M001 de plus")));
}

#[test]
fn labels_with_formulas_or_html_stay_text_in_every_output() {
    let ledger = "compte;objet;debit;libelle\n641;=HYPERLINK(\"http://x\");1,00;<script>alert(1)</script>\n";
    let outcome = run(Inputs { ledger: ledger.as_bytes(), mapping: MAP, drivers: DRIVERS }, Options::default());
    let m001 = outcome.diagnostics.iter().find(|d| d.code.as_str() == "M001").expect("M001");
    // The object is quoted as found, as text: the page sets it with textContent, exports
    // neutralise formulas (tested with the exports).
    assert!(m001.message.contains("=HYPERLINK(\"http://x\")"), "{}", m001.message);
}
