//! Templates: generated from the readers' own column definitions, they read back — CSV and
//! XLSX — as a valid little computation (1 234,56 € of salaries on A03 at site NORD).

use cma_analytique::input::role::{Role, recognise};
use cma_analytique::templates;
use cma_analytique::{Inputs, Options, run};

fn check(ledger: &[u8], mapping: &[u8], drivers: &[u8], what: &str) {
    let outcome = run(Inputs { ledger, mapping, drivers }, Options::default());
    let errors: Vec<_> = outcome.diagnostics.iter().filter(|d| d.code.as_str() != "R001").map(|d| (d.code, d.message.clone())).collect();
    assert!(errors.is_empty(), "{what}: {errors:?}");
    let allocation = outcome.allocation.expect("templates are readable");
    let a03: i64 = allocation
        .receivers
        .iter()
        .filter(|(r, _)| r.activity.to_string() == "A03" && r.site.as_deref() == Some("NORD"))
        .map(|(_, t)| t.direct.cents())
        .sum();
    assert_eq!(a03, 123_456, "{what}");
    assert!(allocation.control.balances());
}

#[test]
fn csv_templates_read_back_as_a_valid_case() {
    let [l, m, d] = Role::INPUTS.map(templates::csv);
    check(&l, &m, &d, "CSV");
}

#[test]
fn xlsx_templates_read_back_as_a_valid_case() {
    let [l, m, d] = Role::INPUTS.map(templates::xlsx);
    check(&l, &m, &d, "XLSX");
}

#[test]
fn templates_have_every_column_of_their_reader_and_are_recognised() {
    for role in Role::ALL {
        let csv = String::from_utf8(templates::csv(role)).unwrap();
        let header = csv.trim_start_matches('\u{feff}').lines().next().unwrap().to_owned();
        let names: Vec<&str> = role.columns().iter().map(|d| d.name).collect();
        assert_eq!(header, names.join(";"));
        assert_eq!(recognise(csv.as_bytes()), Some(role));
        assert_eq!(recognise(&templates::xlsx(role)), Some(role), "{role:?} XLSX");
    }
    let all = templates::all();
    assert_eq!(all.len(), 8);
}

#[test]
fn modeles_command_writes_the_eight_files() {
    let dir = std::env::temp_dir().join(format!("cma-modeles-{}", std::process::id()));
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_cma-analytique")).arg("modeles").arg(&dir).output().unwrap();
    assert_eq!(out.status.code(), Some(0));
    for name in ["grand-livre", "correspondance", "inducteurs", "personnel"] {
        for ext in ["csv", "xlsx"] {
            assert!(dir.join(format!("{name}.{ext}")).is_file(), "{name}.{ext}");
        }
    }
    std::fs::remove_dir_all(&dir).ok();
}

#[test]
fn the_staff_template_reads_back_in_the_etp_calculator() {
    let csv = templates::csv(Role::Personnel);
    let out = cma_analytique::etp::compute(&csv);
    let doc = out.expect("readable staff template");
    let json = serde_json::to_value(&doc).unwrap();
    assert_eq!(json["personnes"][0]["etp"], "0.5000", "{json}");
}
