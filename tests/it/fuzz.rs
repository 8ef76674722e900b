//! Replays what fuzzing found (`tests/fuzz-regressions/`) and the seeds of its corpus (the test
//! fixtures) through the fuzz targets' own functions: no panic, and the control identity holds.

use std::path::{Path, PathBuf};

use cma_analytique::fuzzing::{read_as_every_input, whole_pipeline};

fn files_under(dir: &Path, out: &mut Vec<PathBuf>) {
    for entry in std::fs::read_dir(dir).into_iter().flatten().flatten() {
        let path = entry.path();
        if path.is_dir() {
            files_under(&path, out);
        } else if path.extension().is_none_or(|e| e != "md") {
            out.push(path);
        }
    }
}

#[test]
fn every_kept_fuzz_input_and_every_seed_is_handled() {
    let root = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests");
    let mut files = Vec::new();
    for dir in ["fuzz-regressions", "formats", "cas", "catalogue"] {
        files_under(&root.join(dir), &mut files);
    }
    assert!(files.len() > 100, "the seeds are there: {}", files.len());
    for file in &files {
        let bytes = std::fs::read(file).unwrap();
        read_as_every_input(&bytes);
        whole_pipeline(&bytes);
    }
    // Whole cases as the pipeline target sees them: ledger, mapping, drivers joined by 0x1E.
    for case in std::fs::read_dir(root.join("cas")).unwrap().flatten() {
        let part = |name: &str| std::fs::read(case.path().join(name)).unwrap();
        let joined = [part("grand-livre.csv"), vec![0x1E], part("correspondance.csv"), vec![0x1E], part("inducteurs.csv")].concat();
        whole_pipeline(&joined);
    }
}
