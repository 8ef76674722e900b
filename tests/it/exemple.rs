//! L'exemple de la page (« CMA de région Exemple », `www/exemple/`) : les fichiers livrés sont
//! exactement ceux que le générateur `examples/exemple.rs` écrit, et chacune de ses anomalies
//! voulues donne son diagnostic.

#[path = "../../examples/exemple.rs"]
mod generateur;

use std::collections::BTreeSet;
use std::path::Path;

use cma_analytique::{Inputs, Options, run};

fn livre(nom: &str) -> String {
    let chemin = Path::new(env!("CARGO_MANIFEST_DIR")).join("www/exemple").join(nom);
    std::fs::read_to_string(&chemin).unwrap_or_else(|e| panic!("{} : {e}", chemin.display()))
}

#[test]
fn les_fichiers_livres_sont_ceux_du_generateur() {
    let fichiers = generateur::generate();
    for (nom, attendu) in [
        ("grand-livre.csv", &fichiers.ledger),
        ("correspondance.csv", &fichiers.mapping),
        ("inducteurs.csv", &fichiers.drivers),
        ("certifications.csv", &fichiers.titles),
    ] {
        assert!(livre(nom) == *attendu, "www/exemple/{nom} diffère du générateur : relancez `cargo run --example exemple`");
    }
    let lignes = fichiers.ledger.lines().count();
    assert!((4_500..=5_500).contains(&lignes), "environ 5 000 lignes attendues, {lignes} écrites");
}

#[test]
fn chaque_anomalie_voulue_donne_son_diagnostic() {
    let fichiers = generateur::generate();
    let resultat = run(
        Inputs { ledger: fichiers.ledger.as_bytes(), mapping: fichiers.mapping.as_bytes(), drivers: fichiers.drivers.as_bytes() },
        Options::default(),
    );
    let allocation = resultat.allocation.expect("l'exemple se calcule");
    assert!(allocation.control.balances());
    let codes: BTreeSet<&str> = resultat.diagnostics.iter().map(|d| d.code.as_str()).collect();
    let attendus: BTreeSet<&str> = ["F003", "F005", "F007", "H001", "H004", "I002", "M001", "M004"].into();
    assert_eq!(codes, attendus);
    let certifications: BTreeSet<&str> =
        allocation.receivers.keys().filter_map(|r| r.certification.as_deref()).collect();
    assert_eq!(certifications.len(), 10);
    let sites: BTreeSet<&str> = allocation.receivers.keys().filter_map(|r| r.site.as_deref()).collect();
    assert_eq!(sites, ["Centre", "Nord", "Sud"].into());
}
