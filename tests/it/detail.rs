//! Le détail d'un chiffre (les lignes du grand livre derrière lui, `detail::lines_behind`) relit
//! le grand livre à part : sur chaque cas calculé à la main et sur l'exemple de la page, avec et
//! sans période, les lignes derrière chaque chiffre du document doivent en faire exactement la
//! somme — charges directes des activités et des certifications, produits des activités hors
//! B01, pools, montants non rattachés.

use std::path::{Path, PathBuf};

use cma_analytique::allocate::PoolKey;
use cma_analytique::date::Date;
use cma_analytique::detail::{Detail, Figure, lines_behind};
use cma_analytique::input::ledger::Period;
use cma_analytique::input::{Mappings, Nature};
use cma_analytique::money::Amount;
use cma_analytique::report::Document;
use cma_analytique::rulebook::{Family, NationalCode};
use cma_analytique::{Inputs, Options, run};

fn dossiers() -> Vec<PathBuf> {
    let racine = Path::new(env!("CARGO_MANIFEST_DIR"));
    let mut out: Vec<PathBuf> = std::fs::read_dir(racine.join("tests/cas"))
        .expect("tests/cas")
        .flatten()
        .map(|e| e.path())
        .filter(|p| p.join("grand-livre.csv").exists())
        .collect();
    out.sort();
    out.push(racine.join("www/exemple"));
    out
}

fn verifier(dossier: &Path, period: Period, ecarts: &mut Vec<String>) {
    let lire = |nom: &str| std::fs::read(dossier.join(nom)).expect(nom);
    let (ledger, mapping, drivers) = (lire("grand-livre.csv"), lire("correspondance.csv"), lire("inducteurs.csv"));
    let outcome = run(Inputs { ledger: &ledger, mapping: &mapping, drivers: &drivers }, Options { period });
    let Some(allocation) = &outcome.allocation else { return };
    let document = Document::new(allocation, &outcome.diagnostics);
    let mappings = Mappings::read(&mapping).expect("correspondance").0;
    let detail = |figure: &Figure| -> Detail { lines_behind(&ledger, &mappings, period, figure, None, 5).expect("grand livre") };
    let nom = dossier.file_name().unwrap_or_default().to_string_lossy().into_owned();
    let mut comparer = |quoi: String, lignes: Amount, chiffre: Amount| {
        if lignes != chiffre {
            ecarts.push(format!("{nom} ({period:?}) : {quoi} : lignes {lignes}, chiffre {chiffre}"));
        }
    };
    let b01 = NationalCode::parse("B01").unwrap();
    for a in &document.activites {
        let activity = NationalCode::parse(&a.code).unwrap();
        let d = detail(&Figure::Activity { activity, certification: None });
        comparer(format!("charges directes de {}", a.code), d.charges, a.charges_directes);
        if activity != b01 {
            comparer(format!("produits de {}", a.code), d.produits, a.produits);
        }
    }
    for c in &document.certifications {
        let d = detail(&Figure::Activity { activity: b01, certification: Some(c.certification.clone()) });
        comparer(format!("charges directes de {}", c.certification), d.charges, c.charges_directes);
    }
    for p in &document.pools {
        let family = Family::parse(&p.cle).expect("famille");
        let key = PoolKey { code: NationalCode::parse(&p.code).unwrap(), family, site: p.site.clone() };
        let d = detail(&Figure::Pool(key));
        comparer(format!("pool {} {} {:?}", p.code, p.cle, p.site), d.charges, p.montant);
        if family != Family::B01Commun {
            comparer(format!("produits du pool {} {}", p.code, p.cle), d.produits, p.produits);
        }
    }
    let d = detail(&Figure::Unmapped);
    comparer("charges non rattachées".into(), d.charges, document.controle.charges_non_rattachees);
    comparer("produits non rattachés".into(), d.produits, document.controle.produits_non_rattaches);
    let charges_only = lines_behind(&ledger, &mappings, period, &Figure::Unmapped, Some(Nature::Charge), 5).expect("grand livre");
    comparer("charges non rattachées (charges seules)".into(), charges_only.charges + charges_only.produits, d.charges);
}

#[test]
fn les_lignes_derriere_chaque_chiffre_en_font_la_somme() {
    let mut ecarts = Vec::new();
    let semestre = Period { from: Date::parse("2024-01-01"), to: Date::parse("2024-06-30") };
    for dossier in dossiers() {
        verifier(&dossier, Period::default(), &mut ecarts);
        verifier(&dossier, semestre, &mut ecarts);
    }
    assert!(ecarts.is_empty(), "{} écart(s) :\n{}", ecarts.len(), ecarts.join("\n"));
}
