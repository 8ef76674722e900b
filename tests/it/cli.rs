//! The command-line contract of spec §9: JSON keys exactly as specified, exit 0 when the
//! computation ran (even with diagnostics), 2 when an input cannot be read at all.

use std::path::PathBuf;
use std::process::{Command, Output};

use serde_json::Value;

fn case(name: &str, file: &str) -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/cas").join(name).join(file)
}

fn cli(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_cma-analytique")).args(args).output().expect("the binary runs")
}

fn files(name: &str) -> Vec<String> {
    let f = |n: &str| case(name, n).display().to_string();
    vec![
        "--grand-livre".into(),
        f("grand-livre.csv"),
        "--correspondance".into(),
        f("correspondance.csv"),
        "--inducteurs".into(),
        f("inducteurs.csv"),
    ]
}

fn run(command: &str, name: &str, extra: &[&str]) -> Output {
    let mut args: Vec<String> = vec![command.into()];
    args.extend(files(name));
    args.extend(extra.iter().map(|s| s.to_string()));
    cli(&args.iter().map(String::as_str).collect::<Vec<_>>())
}

fn keys(v: &Value) -> Vec<&str> {
    let mut k: Vec<&str> = v.as_object().unwrap().keys().map(String::as_str).collect();
    k.sort_unstable();
    k
}

#[test]
fn repartir_json_has_exactly_the_specified_fields() {
    let out = run("repartir", "support-deux-niveaux", &["--json"]);
    assert_eq!(out.status.code(), Some(0));
    let doc: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(keys(&doc), ["actions", "activites", "certifications", "controle", "diagnostics", "pools", "trace"]);
    let activity = &doc["activites"][0];
    assert_eq!(keys(activity), ["charges_directes", "charges_indirectes", "code", "cout_complet", "libelle", "produits", "resultat"]);
    let certification = &doc["certifications"][0];
    assert_eq!(
        keys(certification),
        ["certification", "charges_directes", "charges_indirectes", "cout_complet", "heures_apprenants", "produits", "rubriques"]
    );
    assert_eq!(certification["rubriques"].as_object().unwrap().len(), 8);
    assert_eq!(keys(&doc["pools"][0]), ["cle", "cma", "code", "formation", "montant", "non_reparti", "produits", "site"]);
    assert_eq!(
        keys(&doc["controle"]),
        ["charges", "charges_non_rattachees", "charges_non_reparties", "charges_reparties", "produits", "produits_non_rattaches"]
    );
    // Amounts: strings with exactly two decimals and a dot.
    for a in doc["activites"].as_array().unwrap() {
        let text = a["cout_complet"].as_str().unwrap();
        let (_, decimals) = text.split_once('.').unwrap();
        assert_eq!(decimals.len(), 2, "{text}");
    }
    // Activities in code order.
    let codes: Vec<&str> = doc["activites"].as_array().unwrap().iter().map(|a| a["code"].as_str().unwrap()).collect();
    let mut sorted = codes.clone();
    sorted.sort_unstable();
    assert_eq!(codes, sorted);
}

#[test]
fn diagnostics_carry_code_severity_file_line_message_and_hint() {
    let out = run("valider", "anomalies", &["--json"]);
    assert_eq!(out.status.code(), Some(0), "errors in the data are not a failure to run");
    let doc: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(keys(&doc), ["diagnostics"]);
    let f003 = doc["diagnostics"].as_array().unwrap().iter().find(|d| d["code"] == "F003").unwrap();
    assert_eq!(f003["severite"], "erreur");
    assert_eq!(f003["fichier"], "grand-livre");
    assert!(f003["ligne"].as_u64().unwrap() > 1);
    assert!(f003["message"].as_str().unwrap().contains("12,3x4"), "the message quotes what was found");
    assert!(!f003["aide"].as_str().unwrap().is_empty());
}

#[test]
fn same_inputs_give_the_same_bytes() {
    let a = run("repartir", "multi-sites", &["--json"]);
    let b = run("repartir", "multi-sites", &["--json"]);
    assert_eq!(a.stdout, b.stdout);
}

#[test]
fn readable_table_in_french_without_json() {
    let out = run("repartir", "charges-directes", &[]);
    assert_eq!(out.status.code(), Some(0));
    let text = String::from_utf8(out.stdout).unwrap();
    assert!(text.contains("Coûts complets par activité nationale"), "{text}");
    assert!(text.contains("Contrôle"));
}

#[test]
fn exit_2_when_an_input_cannot_be_read_at_all() {
    let missing = cli(&["repartir", "--grand-livre", "/nonexistent/gl.csv", "--correspondance", "x", "--inducteurs", "y", "--json"]);
    assert_eq!(missing.status.code(), Some(2));
    let doc: Value = serde_json::from_slice(&missing.stdout).unwrap();
    assert_eq!(doc["diagnostics"][0]["code"], "F001");

    let dir = std::env::temp_dir().join(format!("cma-cli-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let bad = dir.join("gl.csv");
    std::fs::write(&bad, "numero;libelle\n1;x\n").unwrap();
    let mut args = files("charges-directes");
    args[1] = bad.display().to_string();
    let mut all = vec!["repartir".to_string()];
    all.extend(args);
    all.push("--json".into());
    let out = cli(&all.iter().map(String::as_str).collect::<Vec<_>>());
    assert_eq!(out.status.code(), Some(2));
    let doc: Value = serde_json::from_slice(&out.stdout).unwrap();
    let f002 = &doc["diagnostics"][0];
    assert_eq!(f002["code"], "F002");
    assert!(f002["message"].as_str().unwrap().contains("numero, libelle"), "lists the columns found: {f002}");
    std::fs::remove_dir_all(&dir).ok();
}

#[test]
fn period_filter_sets_aside_lines_outside_the_period() {
    let out = run("repartir", "anomalies", &["--json", "--du", "2024-01-01", "--au", "2024-01-31"]);
    assert_eq!(out.status.code(), Some(0));
    let doc: Value = serde_json::from_slice(&out.stdout).unwrap();
    let codes: Vec<&str> = doc["diagnostics"].as_array().unwrap().iter().map(|d| d["code"].as_str().unwrap()).collect();
    assert!(codes.contains(&"H002"), "{codes:?}");
    // January only: 1000,00 + 400,00 + 700,00 of charges and 900,00 of products (the 401000
    // line is out of scope); every February line, readable or not, is set aside.
    assert_eq!(doc["controle"]["charges"], "2100.00");
    assert_eq!(doc["controle"]["produits"], "900.00");
}

#[test]
fn a_reader_that_stops_reading_ends_the_command_quietly() {
    // `cma-analytique repartir --json … | head -1`: the pipe closes before the document is
    // written (the example's is far larger than a pipe's buffer); no panic, no message.
    let example = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("www/exemple");
    let f = |n: &str| example.join(n).display().to_string();
    let mut child = Command::new(env!("CARGO_BIN_EXE_cma-analytique"))
        .args(["repartir", "--json", "--grand-livre", &f("grand-livre.csv"), "--correspondance", &f("correspondance.csv")])
        .args(["--inducteurs", &f("inducteurs.csv")])
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .expect("the binary runs");
    drop(child.stdout.take());
    let out = child.wait_with_output().unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(!stderr.contains("panicked"), "{stderr}");
    assert_eq!(out.status.code(), Some(0), "{stderr}");
}

#[test]
fn command_line_errors_are_said_in_french() {
    for (args, said) in [
        (&["preprojet", "--date-envoi", "2024-02-30"][..], "cma-analytique : --date-envoi <DATE> : date « 2024-02-30 » invalide"),
        (&["revue", "--inconnu"][..], "cma-analytique : option inconnue : --inconnu"),
        (&["valider"][..], "cma-analytique : il manque : --grand-livre <FICHIER>"),
        (&["calculer"][..], "cma-analytique : commande inconnue : calculer"),
    ] {
        let out = cli(args);
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert_eq!(out.status.code(), Some(2), "{args:?}");
        assert!(stderr.starts_with(said), "{args:?}: {stderr}");
        assert!(!stderr.contains("error:") && !stderr.contains("Usage:"), "{args:?}: {stderr}");
    }
    let missing = cli(&["valider", "--grand-livre", "/absent/gl.csv", "--correspondance", "/absent/c.csv", "--inducteurs", "/absent/i.csv"]);
    let text = String::from_utf8_lossy(&missing.stdout);
    assert_eq!(missing.status.code(), Some(2));
    assert!(text.contains("impossible de lire « /absent/gl.csv » : fichier ou dossier introuvable"), "{text}");
    assert!(!text.contains("os error"), "{text}");
}

/// A ledger of more than 8 Mo is read by one thread per part of the file (`--fils`, by default
/// one per core): the same bytes out with one thread, two or three; `--fils 0` is refused.
#[test]
fn a_large_ledger_read_by_several_threads_gives_the_same_output() {
    let example = |f: &str| PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("www/exemple").join(f);
    let lines = std::fs::read_to_string(example("grand-livre.csv")).unwrap();
    let (header, body) = lines.split_once('\n').unwrap();
    let mut big = format!("{header}\n");
    while big.len() < 9 * 1024 * 1024 {
        big.push_str(body);
    }
    let dir = std::env::temp_dir().join(format!("cma-cli-fils-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let ledger = dir.join("grand-livre.csv");
    std::fs::write(&ledger, &big).unwrap();
    let (mapping, drivers) = (example("correspondance.csv"), example("inducteurs.csv"));
    let outputs: Vec<Output> = ["1", "2", "3"]
        .iter()
        .map(|threads| {
            cli(&[
                "repartir",
                "--json",
                "--fils",
                threads,
                "--grand-livre",
                &ledger.display().to_string(),
                "--correspondance",
                &mapping.display().to_string(),
                "--inducteurs",
                &drivers.display().to_string(),
            ])
        })
        .collect();
    std::fs::remove_dir_all(&dir).ok();
    assert_eq!(outputs[0].status.code(), Some(0));
    let doc: Value = serde_json::from_slice(&outputs[0].stdout).unwrap();
    assert!(doc["activites"].as_array().unwrap().len() > 5, "{doc}");
    for out in &outputs[1..] {
        assert_eq!(out.stdout, outputs[0].stdout);
    }
    let zero = cli(&["valider", "--fils", "0", "--grand-livre", "a", "--correspondance", "b", "--inducteurs", "c"]);
    let stderr = String::from_utf8_lossy(&zero.stderr);
    assert_eq!(zero.status.code(), Some(2));
    assert!(stderr.starts_with("cma-analytique : --fils <N> : « 0 » : un nombre de fils de 1 à 65535 est attendu"), "{stderr}");
}
