//! Style invariants of ARCHITECTURE.md, checked on the source tree (after rust-analyzer's
//! tidy.rs): every file says what it is, floats and JavaScript stay out of the core, no test is
//! skipped, and the generated documentation is up to date.

use std::fs;
use std::path::{Path, PathBuf};

fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

fn rust_files(dir: &Path) -> Vec<PathBuf> {
    let mut out = Vec::new();
    let Ok(entries) = fs::read_dir(dir) else { return out };
    for entry in entries.flatten() {
        let path = entry.path();
        if path.is_dir() {
            out.extend(rust_files(&path));
        } else if path.extension().is_some_and(|e| e == "rs") {
            out.push(path);
        }
    }
    out.sort();
    out
}

/// The code of a file without its comments (good enough for the words we look for).
fn code_lines(text: &str) -> impl Iterator<Item = (usize, &str)> {
    text.lines().enumerate().map(|(i, l)| (i + 1, l.split("//").next().unwrap_or(""))).filter(|(_, l)| !l.trim().is_empty())
}

#[test]
fn every_source_file_opens_with_a_module_comment() {
    let bad: Vec<String> = rust_files(&root().join("src"))
        .into_iter()
        .chain(rust_files(&root().join("tests")))
        .filter(|p| !fs::read_to_string(p).unwrap().starts_with("//!"))
        .map(|p| p.display().to_string())
        .collect();
    assert!(bad.is_empty(), "files without a leading //! comment: {bad:?}");
}

#[test]
fn no_floats_in_the_core() {
    // The one exception: functions marked `tidy: spreadsheet-number-cell`, where a spreadsheet's
    // binary number becomes decimal text, once.
    let mut found = Vec::new();
    let mut exceptions = 0;
    for path in rust_files(&root().join("src")) {
        let text = fs::read_to_string(&path).unwrap();
        let mut in_exception = false;
        for (n, raw) in text.lines().enumerate() {
            if raw.contains("tidy: spreadsheet-number-cell") {
                assert!(path.ends_with("src/input/sheet.rs"), "float exception outside sheet.rs: {}", path.display());
                in_exception = true;
                exceptions += 1;
            } else if raw.starts_with('}') {
                in_exception = false;
            }
            let line = raw.split("//").next().unwrap_or("");
            let words = line.split(|c: char| !c.is_alphanumeric() && c != '_');
            // `f64` and the float conversions named after it (`as_f64`, `to_f64`…).
            if !in_exception && words.into_iter().any(|w| w.contains("f32") || w.contains("f64")) {
                found.push(format!("{}:{}", path.display(), n + 1));
            }
        }
    }
    assert!(found.is_empty(), "floats near money: {found:?}");
    assert!(exceptions <= 3, "the spreadsheet-number exception must stay in one place (src/input/sheet.rs)");
}

#[test]
fn javascript_crates_only_in_the_wasm_facade() {
    let mut found = Vec::new();
    for path in rust_files(&root().join("src")) {
        if path.components().any(|c| c.as_os_str().to_string_lossy().starts_with("wasm")) {
            continue;
        }
        let text = fs::read_to_string(&path).unwrap();
        for (n, line) in code_lines(&text) {
            if ["wasm_bindgen", "js_sys", "web_sys", "gloo", "serde_wasm_bindgen"].iter().any(|w| line.contains(w)) {
                found.push(format!("{}:{n}", path.display()));
            }
        }
    }
    assert!(found.is_empty(), "JavaScript boundary outside src/wasm: {found:?}");
}

#[test]
fn the_core_never_reads_the_clock_nor_randomness() {
    let mut found = Vec::new();
    for path in rust_files(&root().join("src")) {
        if path.ends_with("main.rs") {
            continue; // the CLI is the host: it may give today's date to the core
        }
        let text = fs::read_to_string(&path).unwrap();
        for (n, line) in code_lines(&text) {
            let line = line.replace("FxHashMap", "");
            if ["SystemTime", "Instant::now", "rand::", "HashMap<", "HashSet<"].iter().any(|w| line.contains(w)) {
                found.push(format!("{}:{n}: {}", path.display(), line.trim()));
            }
        }
    }
    // FxHashMap (deterministic hashing) is used for interning only, never on an output path.
    assert!(found.is_empty(), "clock, randomness or std hash maps in the core: {found:?}");
}

#[test]
fn no_skipped_or_panic_expecting_tests_and_no_grab_bag_modules() {
    let mut found = Vec::new();
    for path in rust_files(&root().join("src")).into_iter().chain(rust_files(&root().join("tests"))) {
        let name = path.file_name().unwrap().to_string_lossy().to_string();
        if name == "utils.rs" || name == "helpers.rs" {
            found.push(path.display().to_string());
        }
        let text = fs::read_to_string(&path).unwrap();
        for (n, line) in code_lines(&text) {
            // The words are assembled so that this file does not name them itself.
            let (ignore, panic, unsafe_) = (["#[", "ignore"].concat(), ["should", "_panic"].concat(), ["uns", "afe "].concat());
            if line.contains(&ignore) || line.contains(&panic) || line.contains(&unsafe_) {
                found.push(format!("{}:{n}", path.display()));
            }
        }
    }
    assert!(found.is_empty(), "{found:?}");
}

/// `docs/diagnostics.md`: the catalogue's table, then for each code its minimal reproducing case
/// of `tests/catalogue/` (checked by the `catalogue` test): the explanation and the files.
fn diagnostics_page() -> String {
    let mut out = cma_analytique::diagnostic::catalogue_markdown();
    out.push_str("\n## Un exemple minimal par code\n\nChaque exemple est un test (`tests/catalogue/<code>/`) : ces fichiers, passés à la commande indiquée, produisent le diagnostic.\n");
    for code in cma_analytique::diagnostic::CATALOGUE {
        let dir = root().join("tests/catalogue").join(code.as_str());
        let case = fs::read_to_string(dir.join("cas.toml")).unwrap_or_default();
        let value = |key: &str| {
            case.lines()
                .find_map(|l| l.strip_prefix(key).and_then(|r| r.trim_start().strip_prefix('=')))
                .map(|v| v.trim().trim_matches('"').to_owned())
                .unwrap_or_default()
        };
        out.push_str(&format!("\n### `{}` — {}\n\n", code.as_str(), code.info().title));
        if value("reproductible") == "false" {
            out.push_str(&format!("Pas d'exemple : {}\n", value("raison")));
            continue;
        }
        out.push_str(&format!("{}\n\nCommande : `cma-analytique {} {}`\n", value("explication"), value("commande"), value("arguments").trim_matches(['[', ']']).trim_matches('"').replace("\", \"", " ")));
        let mut files: Vec<_> = fs::read_dir(&dir).map(|d| d.flatten().map(|e| e.path()).collect()).unwrap_or_default();
        files.sort();
        for file in files.iter().filter(|f| !f.ends_with("cas.toml")) {
            let name = file.file_name().unwrap().to_string_lossy();
            let bytes = fs::read(file).unwrap();
            match String::from_utf8(bytes.clone()) {
                Ok(text) if !text.contains('\0') => out.push_str(&format!("\n`{name}` :\n\n```\n{}\n```\n", text.trim_end())),
                _ => out.push_str(&format!("\n`{name}` : {} octets qui ne sont pas de l'UTF-8 (voir le dossier du test).\n", bytes.len())),
            }
        }
    }
    out
}

#[test]
fn the_diagnostics_catalogue_page_is_up_to_date() {
    let path = root().join("docs/diagnostics.md");
    let expected = diagnostics_page();
    let actual = fs::read_to_string(&path).unwrap_or_default();
    if actual != expected {
        fs::write(&path, &expected).unwrap();
        panic!("docs/diagnostics.md was out of date and has been regenerated: review and commit it");
    }
}

#[test]
fn the_columns_page_is_up_to_date() {
    let path = root().join("docs/colonnes.md");
    let expected = cma_analytique::templates::columns_markdown();
    let actual = fs::read_to_string(&path).unwrap_or_default();
    if actual != expected {
        fs::write(&path, &expected).unwrap();
        panic!("docs/colonnes.md was out of date and has been regenerated: review and commit it");
    }
}
