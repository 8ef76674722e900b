//! The catalogue of diagnostics, each with a minimal case: every code of `CATALOGUE` has a folder
//! `tests/catalogue/<CODE>/` holding the smallest input files that make the command line report
//! it, and a `cas.toml` saying how to run it and what is expected (file, line) — or, for a code
//! no input can reach, `reproductible = false` with the reason. Each case is run here through
//! the binary with `--json`; all failures are collected and reported at once.
//!
//! `cas.toml` is read by a small reader of its own (no TOML dependency): one `key = value` per
//! line, values being a string, an integer, `true`/`false` or an array of strings.

use std::collections::{BTreeMap, BTreeSet};
use std::fs;
use std::path::{Path, PathBuf};
use std::process::Command;

use cma_analytique::diagnostic::CATALOGUE;
use serde_json::Value;

/// A value of `cas.toml`.
#[derive(Debug, Clone, PartialEq)]
enum TomlValue {
    Text(String),
    Integer(u32),
    Boolean(bool),
    List(Vec<String>),
}

/// Keys `cas.toml` may hold.
const KEYS: [&str; 7] = ["commande", "arguments", "fichier", "ligne", "explication", "reproductible", "raison"];

/// Commands whose diagnostics a case can check (all take `--json`).
const COMMANDS: [&str; 6] = ["repartir", "valider", "preprojet", "etp", "loyer", "revue"];

/// Options of the command line whose value is an input file of the folder.
const FILE_OPTIONS: [&str; 6] = ["--grand-livre", "--correspondance", "--inducteurs", "--personnel", "--certifications", "--region"];

/// The file an option's value names: `revue --region "Région=fichier"` tags it with its region.
fn file_of<'a>(option: &str, value: &'a str) -> &'a str {
    if option == "--region" { value.split_once('=').map_or(value, |(_, file)| file) } else { value }
}

fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/catalogue")
}

/// A double-quoted string at the start of `text` (escapes `\"` and `\\`), and what follows it.
fn string_at(text: &str) -> Result<(String, &str), String> {
    let rest = text.strip_prefix('"').ok_or_else(|| format!("chaîne attendue : {text}"))?;
    let mut out = String::new();
    let mut chars = rest.char_indices();
    while let Some((i, c)) = chars.next() {
        match c {
            '"' => return Ok((out, &rest[i + 1..])),
            '\\' => match chars.next() {
                Some((_, '"')) => out.push('"'),
                Some((_, '\\')) => out.push('\\'),
                other => return Err(format!("échappement inconnu : \\{}", other.map_or(' ', |(_, c)| c))),
            },
            c => out.push(c),
        }
    }
    Err(format!("chaîne non fermée : {text}"))
}

fn value(text: &str) -> Result<TomlValue, String> {
    match text {
        "true" => return Ok(TomlValue::Boolean(true)),
        "false" => return Ok(TomlValue::Boolean(false)),
        _ => {}
    }
    if text.starts_with('"') {
        let (s, rest) = string_at(text)?;
        return if rest.trim().is_empty() { Ok(TomlValue::Text(s)) } else { Err(format!("texte après la chaîne : {rest}")) };
    }
    if let Some(mut rest) = text.strip_prefix('[') {
        let mut items = Vec::new();
        loop {
            rest = rest.trim_start();
            if let Some(after) = rest.strip_prefix(']') {
                return if after.trim().is_empty() { Ok(TomlValue::List(items)) } else { Err(format!("texte après la liste : {after}")) };
            }
            let (item, after) = string_at(rest)?;
            items.push(item);
            rest = after.trim_start();
            if let Some(after) = rest.strip_prefix(',') {
                rest = after;
            } else if !rest.starts_with(']') {
                return Err(format!("« , » ou « ] » attendu : {rest}"));
            }
        }
    }
    text.parse::<u32>().map(TomlValue::Integer).map_err(|_| format!("valeur illisible : {text}"))
}

/// Reads a `cas.toml`: one `key = value` per line, `#` comments and blank lines allowed.
fn parse_case(text: &str) -> Result<BTreeMap<String, TomlValue>, String> {
    let mut out = BTreeMap::new();
    for (n, line) in text.lines().enumerate() {
        let line = line.trim();
        if line.is_empty() || line.starts_with('#') {
            continue;
        }
        let (key, raw) = line.split_once('=').ok_or_else(|| format!("ligne {} : « clé = valeur » attendu", n + 1))?;
        let key = key.trim();
        if !KEYS.contains(&key) {
            return Err(format!("ligne {} : clé inconnue « {key} » (connues : {})", n + 1, KEYS.join(", ")));
        }
        let v = value(raw.trim()).map_err(|e| format!("ligne {} : {e}", n + 1))?;
        if out.insert(key.to_owned(), v).is_some() {
            return Err(format!("ligne {} : clé « {key} » donnée deux fois", n + 1));
        }
    }
    Ok(out)
}

fn text<'a>(case: &'a BTreeMap<String, TomlValue>, key: &str) -> Option<&'a str> {
    match case.get(key) {
        Some(TomlValue::Text(s)) if !s.trim().is_empty() => Some(s),
        _ => None,
    }
}

/// Checks one folder; returns its failures.
fn check_folder(dir: &Path, code: &str) -> Vec<String> {
    let mut failures = Vec::new();
    let mut fail = |what: String| failures.push(format!("{code} : {what}"));
    let Some(info) = CATALOGUE.iter().find(|c| c.as_str() == code) else {
        fail("le dossier ne nomme aucun code du catalogue (src/diagnostic.rs)".to_owned());
        return failures;
    };
    let case = match fs::read_to_string(dir.join("cas.toml")).map_err(|e| e.to_string()).and_then(|t| parse_case(&t)) {
        Ok(case) => case,
        Err(e) => {
            fail(format!("cas.toml illisible : {e}"));
            return failures;
        }
    };
    match case.get("reproductible") {
        Some(TomlValue::Boolean(false)) => {
            if text(&case, "raison").is_none() {
                fail("reproductible = false sans raison".to_owned());
            }
            return failures;
        }
        Some(TomlValue::Boolean(true)) | None => {}
        Some(other) => {
            fail(format!("reproductible doit valoir true ou false, pas {other:?}"));
            return failures;
        }
    }
    let Some(command) = text(&case, "commande").filter(|c| COMMANDS.contains(c)) else {
        fail(format!("commande absente ou inconnue (attendu : {})", COMMANDS.join(", ")));
        return failures;
    };
    let Some(TomlValue::List(arguments)) = case.get("arguments") else {
        fail("arguments absents (liste de chaînes)".to_owned());
        return failures;
    };
    let Some(file) = text(&case, "fichier") else {
        fail("fichier absent".to_owned());
        return failures;
    };
    if text(&case, "explication").is_none() {
        fail("explication absente".to_owned());
    }
    let line = match case.get("ligne") {
        None => None,
        Some(TomlValue::Integer(n)) => Some(*n),
        Some(other) => {
            fail(format!("ligne doit être un entier, pas {other:?}"));
            return failures;
        }
    };
    // The folder holds the case's inputs and nothing else: each file option names one of its
    // files, and each of its files is named by the arguments.
    for pair in arguments.windows(2).filter(|p| FILE_OPTIONS.contains(&p[0].as_str())) {
        if !dir.join(file_of(&pair[0], &pair[1])).is_file() {
            fail(format!("{} {} : fichier absent du dossier", pair[0], pair[1]));
        }
    }
    let mut files: Vec<String> = fs::read_dir(dir)
        .map(|entries| entries.flatten().map(|e| e.file_name().to_string_lossy().into_owned()).collect())
        .unwrap_or_default();
    files.sort();
    for name in files.iter().filter(|n| *n != "cas.toml") {
        if !arguments.contains(name) && !arguments.windows(2).any(|p| FILE_OPTIONS.contains(&p[0].as_str()) && file_of(&p[0], &p[1]) == name) {
            fail(format!("fichier « {name} » du dossier absent des arguments"));
        }
    }

    let output = Command::new(env!("CARGO_BIN_EXE_cma-analytique"))
        .arg(command)
        .args(arguments)
        .arg("--json")
        .current_dir(dir)
        .output()
        .expect("the binary runs");
    if !matches!(output.status.code(), Some(0 | 2)) {
        fail(format!("code de sortie {:?} (0 ou 2 attendu) ; stderr : {}", output.status.code(), String::from_utf8_lossy(&output.stderr)));
    }
    let doc: Value = match serde_json::from_slice(&output.stdout) {
        Ok(doc) => doc,
        Err(e) => {
            fail(format!(
                "sortie qui n'est pas du JSON ({e}) ; stdout : {} ; stderr : {}",
                String::from_utf8_lossy(&output.stdout),
                String::from_utf8_lossy(&output.stderr)
            ));
            return failures;
        }
    };
    let Some(diagnostics) = doc["diagnostics"].as_array() else {
        fail("la sortie JSON n'a pas de tableau diagnostics".to_owned());
        return failures;
    };
    let expected_line = line.map_or(Value::Null, Value::from);
    let found = diagnostics.iter().any(|d| {
        d["code"] == code
            && d["fichier"] == file
            && d["ligne"] == expected_line
            && d["severite"] == info.severity().label()
            && d["message"].as_str().is_some_and(|m| !m.trim().is_empty())
    });
    if !found {
        let seen: Vec<String> = diagnostics
            .iter()
            .map(|d| {
                let field = |k: &str| d[k].as_str().unwrap_or("?").to_owned();
                let line = d["ligne"].as_u64().map_or("sans ligne".to_owned(), |l| format!("ligne {l}"));
                format!("{} {} {} {line} « {} »", field("code"), field("severite"), field("fichier"), field("message"))
            })
            .collect();
        fail(format!(
            "{code} ({}) attendu dans « {file} »{}, avec un message ; diagnostics reçus : [{}]",
            info.severity().label(),
            line.map_or(" sans ligne".to_owned(), |l| format!(" ligne {l}")),
            seen.join(" ; ")
        ));
    }
    failures
}

#[test]
fn every_code_has_a_minimal_case_that_reproduces_it() {
    let mut failures = Vec::new();
    let mut folders: Vec<(String, PathBuf)> = fs::read_dir(root())
        .expect("tests/catalogue exists")
        .flatten()
        .filter(|e| e.path().is_dir())
        .map(|e| (e.file_name().to_string_lossy().into_owned(), e.path()))
        .collect();
    folders.sort();
    let names: BTreeSet<&str> = folders.iter().map(|(n, _)| n.as_str()).collect();
    for code in CATALOGUE {
        if !names.contains(code.as_str()) {
            failures.push(format!("{} : aucun dossier tests/catalogue/{} (cas minimal à écrire)", code.as_str(), code.as_str()));
        }
    }
    for (name, dir) in &folders {
        failures.extend(check_folder(dir, name));
    }
    assert!(failures.is_empty(), "{} échec(s) du catalogue des diagnostics :\n{}", failures.len(), failures.join("\n"));
}

#[test]
fn the_case_reader_reads_the_simple_form() {
    let case = parse_case(
        "# commentaire\ncommande = \"valider\"\narguments = [\"--du\", \"a \\\"b\\\"\"]\nligne = 3\nreproductible = false\n",
    )
    .unwrap();
    assert_eq!(case["commande"], TomlValue::Text("valider".into()));
    assert_eq!(case["arguments"], TomlValue::List(vec!["--du".into(), "a \"b\"".into()]));
    assert_eq!(case["ligne"], TomlValue::Integer(3));
    assert_eq!(case["reproductible"], TomlValue::Boolean(false));
    assert!(parse_case("inconnue = 1\n").is_err());
    assert!(parse_case("ligne = 1\nligne = 2\n").is_err());
    assert!(parse_case("arguments = [\"a\" \"b\"]\n").is_err());
}
