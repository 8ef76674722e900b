//! Cas calculés à la main : chaque dossier de `tests/cas/` est passé à `repartir --json` et le
//! résultat est comparé à son `attendu.json`.
//!
//! Les attendus sont établis à la main à partir de la spécification et de
//! `docs/regles-de-calcul.md` ; le calcul complet de chaque cas est dans son `LISEZMOI.md`.
//! Ils ne sont jamais recopiés de la sortie du programme : en cas d'écart, c'est le calcul du
//! `LISEZMOI.md` qu'il faut relire, pas l'attendu qu'il faut « mettre à jour ».
//!
//! Comparaison (chaque section n'est vérifiée que si `attendu.json` la contient) :
//! - `activites` : ensemble indexé par `code` — chaque activité attendue présente, champs égaux,
//!   aucune activité inattendue ;
//! - `certifications` : indexées par `certification` — champs égaux, `rubriques` comparées avec
//!   « absente = `0.00` », `heures_apprenants` comparées comme nombres décimaux (la
//!   spécification ne fixe pas leur nombre de décimales), aucune certification inattendue ;
//! - `pools` : ensemble indexé par (`code`, `cle`, `site`) — même ensemble, champs égaux ;
//! - `controle` : champ par champ ;
//! - `diagnostics` : chaque code attendu présent dans `diagnostics[].code` ; aucun code de
//!   `diagnostics_absents`.
//!
//! Tous les écarts de tous les cas sont rassemblés et le test échoue une seule fois, avec la
//! liste complète.

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};
use std::process::Command;

use serde_json::Value;

/// Les huit rubriques France compétences (spécification §5).
const RUBRIQUES: [&str; 8] = [
    "pedagogie",
    "accompagnement",
    "structure",
    "communication",
    "frais_annexes",
    "amortissements",
    "autres_incorporables",
    "non_incorporables",
];

const CHAMPS_POOL: [&str; 5] = ["montant", "formation", "cma", "non_reparti", "produits"];

const CHAMPS_CONTROLE: [&str; 6] = [
    "charges",
    "produits",
    "charges_reparties",
    "charges_non_reparties",
    "charges_non_rattachees",
    "produits_non_rattaches",
];

#[test]
fn cas_calcules_a_la_main() {
    let racine = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests")
        .join("cas");
    let dossiers = lister_cas(&racine);
    assert!(
        !dossiers.is_empty(),
        "aucun cas trouvé sous {}",
        racine.display()
    );

    let mut ecarts = Vec::new();
    for dossier in &dossiers {
        let nom = dossier
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_default();
        let mut ecarts_du_cas = Ecarts {
            cas: nom,
            liste: &mut ecarts,
        };
        verifier_cas(dossier, &mut ecarts_du_cas);
    }

    assert!(
        ecarts.is_empty(),
        "{} écart(s) entre les attendus calculés à la main et le programme :\n{}",
        ecarts.len(),
        ecarts.join("\n")
    );
}

/// Les écarts d'un cas, préfixés par son nom.
struct Ecarts<'a> {
    cas: String,
    liste: &'a mut Vec<String>,
}

impl Ecarts<'_> {
    fn ajouter(&mut self, message: impl std::fmt::Display) {
        self.liste.push(format!("[{}] {}", self.cas, message));
    }
}

fn lister_cas(racine: &Path) -> Vec<PathBuf> {
    let entrees = std::fs::read_dir(racine)
        .unwrap_or_else(|e| panic!("lecture de {} impossible : {e}", racine.display()));
    let mut dossiers: Vec<PathBuf> = entrees
        .filter_map(Result::ok)
        .map(|e| e.path())
        .filter(|p| p.is_dir())
        .collect();
    dossiers.sort();
    dossiers
}

fn verifier_cas(dossier: &Path, ecarts: &mut Ecarts<'_>) {
    for fichier in [
        "grand-livre.csv",
        "correspondance.csv",
        "inducteurs.csv",
        "attendu.json",
        "LISEZMOI.md",
    ] {
        if !dossier.join(fichier).is_file() {
            ecarts.ajouter(format!("fichier {fichier} absent du cas"));
        }
    }

    let attendu = match std::fs::read_to_string(dossier.join("attendu.json")) {
        Ok(texte) => match serde_json::from_str::<Value>(&texte) {
            Ok(valeur) => valeur,
            Err(e) => {
                ecarts.ajouter(format!("attendu.json n'est pas du JSON valide : {e}"));
                return;
            }
        },
        Err(e) => {
            ecarts.ajouter(format!("attendu.json illisible : {e}"));
            return;
        }
    };

    let Some(obtenu) = executer(dossier, ecarts) else {
        return;
    };

    if let Some(activites) = attendu.get("activites") {
        comparer_activites(activites, obtenu.get("activites"), ecarts);
    }
    if let Some(certifications) = attendu.get("certifications") {
        comparer_certifications(certifications, obtenu.get("certifications"), ecarts);
    }
    if let Some(pools) = attendu.get("pools") {
        comparer_pools(pools, obtenu.get("pools"), ecarts);
    }
    if let Some(controle) = attendu.get("controle") {
        comparer_controle(controle, obtenu.get("controle"), ecarts);
    }
    comparer_diagnostics(&attendu, obtenu.get("diagnostics"), ecarts);
}

/// Lance `cma-analytique repartir … --json` sur les trois fichiers du cas ; `None` si la sortie
/// n'est pas exploitable (l'écart est alors noté).
fn executer(dossier: &Path, ecarts: &mut Ecarts<'_>) -> Option<Value> {
    let sortie = Command::new(env!("CARGO_BIN_EXE_cma-analytique"))
        .arg("repartir")
        .arg("--grand-livre")
        .arg(dossier.join("grand-livre.csv"))
        .arg("--correspondance")
        .arg(dossier.join("correspondance.csv"))
        .arg("--inducteurs")
        .arg(dossier.join("inducteurs.csv"))
        .arg("--json")
        .output();
    let sortie = match sortie {
        Ok(sortie) => sortie,
        Err(e) => {
            ecarts.ajouter(format!("lancement du programme impossible : {e}"));
            return None;
        }
    };
    if sortie.status.code() != Some(0) {
        ecarts.ajouter(format!(
            "code de sortie : attendu 0, obtenu {:?} ; stderr : {}",
            sortie.status.code(),
            String::from_utf8_lossy(&sortie.stderr).trim()
        ));
    }
    match serde_json::from_slice::<Value>(&sortie.stdout) {
        Ok(valeur) => Some(valeur),
        Err(e) => {
            ecarts.ajouter(format!(
                "la sortie standard n'est pas du JSON valide ({e}) : {}",
                String::from_utf8_lossy(&sortie.stdout).trim()
            ));
            None
        }
    }
}

/// Indexe un tableau JSON d'objets par une clé calculée ; les doublons sont des écarts.
fn indexer<K: Ord + Clone + std::fmt::Display>(
    tableau: Option<&Value>,
    section: &str,
    origine: &str,
    cle: impl Fn(&Value) -> K,
    ecarts: &mut Ecarts<'_>,
) -> BTreeMap<K, Value> {
    let mut index = BTreeMap::new();
    let Some(tableau) = tableau else {
        ecarts.ajouter(format!("{section} : section absente ({origine})"));
        return index;
    };
    let Some(elements) = tableau.as_array() else {
        ecarts.ajouter(format!(
            "{section} : pas un tableau ({origine}) : {tableau}"
        ));
        return index;
    };
    for element in elements {
        let k = cle(element);
        if index.insert(k.clone(), element.clone()).is_some() {
            ecarts.ajouter(format!(
                "{section} {k} : présent plusieurs fois ({origine})"
            ));
        }
    }
    index
}

fn texte(valeur: Option<&Value>) -> String {
    match valeur {
        None => "(absent)".to_owned(),
        Some(Value::String(s)) => format!("\"{s}\""),
        Some(autre) => autre.to_string(),
    }
}

/// Compare un champ montant : chaîne exacte (deux décimales, point).
fn comparer_champ(
    contexte: &str,
    champ: &str,
    attendu: Option<&Value>,
    obtenu: Option<&Value>,
    ecarts: &mut Ecarts<'_>,
) {
    if attendu != obtenu {
        ecarts.ajouter(format!(
            "{contexte}, champ {champ} : attendu {}, obtenu {}",
            texte(attendu),
            texte(obtenu)
        ));
    }
}

fn comparer_activites(attendu: &Value, obtenu: Option<&Value>, ecarts: &mut Ecarts<'_>) {
    let par_code = |v: &Value| {
        v.get("code")
            .and_then(Value::as_str)
            .unwrap_or("?")
            .to_owned()
    };
    let attendues = indexer(Some(attendu), "activite", "attendu", par_code, ecarts);
    let obtenues = indexer(obtenu, "activite", "programme", par_code, ecarts);
    for (code, a) in &attendues {
        let contexte = format!("activite {code}");
        let Some(o) = obtenues.get(code) else {
            ecarts.ajouter(format!("{contexte} : attendue, absente de la sortie"));
            continue;
        };
        for (champ, valeur) in a.as_object().into_iter().flatten() {
            if champ != "code" {
                comparer_champ(&contexte, champ, Some(valeur), o.get(champ), ecarts);
            }
        }
    }
    for (code, o) in &obtenues {
        if !attendues.contains_key(code) {
            ecarts.ajouter(format!("activite {code} : inattendue dans la sortie : {o}"));
        }
    }
}

fn comparer_certifications(attendu: &Value, obtenu: Option<&Value>, ecarts: &mut Ecarts<'_>) {
    let par_certification = |v: &Value| {
        v.get("certification")
            .and_then(Value::as_str)
            .unwrap_or("?")
            .to_owned()
    };
    let attendues = indexer(
        Some(attendu),
        "certification",
        "attendu",
        par_certification,
        ecarts,
    );
    let obtenues = indexer(
        obtenu,
        "certification",
        "programme",
        par_certification,
        ecarts,
    );
    for (certification, a) in &attendues {
        let contexte = format!("certification {certification}");
        let Some(o) = obtenues.get(certification) else {
            ecarts.ajouter(format!("{contexte} : attendue, absente de la sortie"));
            continue;
        };
        for (champ, valeur) in a.as_object().into_iter().flatten() {
            match champ.as_str() {
                "certification" => {}
                "rubriques" => comparer_rubriques(&contexte, valeur, o.get("rubriques"), ecarts),
                "heures_apprenants" => {
                    let attendues = decimal_normalise(valeur);
                    let egales = attendues.is_some()
                        && o.get(champ).and_then(decimal_normalise) == attendues;
                    if !egales {
                        ecarts.ajouter(format!(
                            "{contexte}, champ {champ} : attendu {}, obtenu {}",
                            texte(Some(valeur)),
                            texte(o.get(champ))
                        ));
                    }
                }
                _ => comparer_champ(&contexte, champ, Some(valeur), o.get(champ), ecarts),
            }
        }
    }
    for (certification, o) in &obtenues {
        if !attendues.contains_key(certification) {
            ecarts.ajouter(format!(
                "certification {certification} : inattendue dans la sortie : {o}"
            ));
        }
    }
}

/// Rubriques : les huit de §5 plus toute autre clé présente d'un côté ; absente = `0.00`.
fn comparer_rubriques(
    contexte: &str,
    attendu: &Value,
    obtenu: Option<&Value>,
    ecarts: &mut Ecarts<'_>,
) {
    let zero = Value::String("0.00".to_owned());
    let vide = serde_json::Map::new();
    let attendues = attendu.as_object().unwrap_or(&vide);
    let obtenues = match obtenu {
        Some(Value::Object(o)) => o,
        Some(autre) => {
            ecarts.ajouter(format!(
                "{contexte}, rubriques : pas un objet dans la sortie : {autre}"
            ));
            return;
        }
        None => &vide,
    };
    let mut noms: BTreeSet<&str> = RUBRIQUES.into_iter().collect();
    noms.extend(attendues.keys().map(String::as_str));
    noms.extend(obtenues.keys().map(String::as_str));
    for nom in noms {
        let a = attendues.get(nom).unwrap_or(&zero);
        let o = obtenues.get(nom).unwrap_or(&zero);
        if a != o {
            ecarts.ajouter(format!(
                "{contexte}, rubrique {nom} : attendu {}, obtenu {}",
                texte(Some(a)),
                texte(Some(o))
            ));
        }
    }
}

/// Écriture canonique d'un nombre décimal (chaîne ou nombre JSON) : sans zéros finals après la
/// virgule, sans point final. `None` si ce n'est pas un décimal.
fn decimal_normalise(valeur: &Value) -> Option<String> {
    let brut = match valeur {
        Value::String(s) => s.trim().to_owned(),
        Value::Number(n) => n.to_string(),
        _ => return None,
    };
    let (signe, chiffres) = match brut.strip_prefix('-') {
        Some(reste) => ("-", reste),
        None => ("", brut.as_str()),
    };
    let (entier, fraction) = chiffres.split_once('.').unwrap_or((chiffres, ""));
    if entier.is_empty()
        || !entier.bytes().all(|b| b.is_ascii_digit())
        || !fraction.bytes().all(|b| b.is_ascii_digit())
    {
        return None;
    }
    let entier = entier.trim_start_matches('0');
    let entier = if entier.is_empty() { "0" } else { entier };
    let fraction = fraction.trim_end_matches('0');
    let signe = if entier == "0" && fraction.is_empty() {
        ""
    } else {
        signe
    };
    Some(if fraction.is_empty() {
        format!("{signe}{entier}")
    } else {
        format!("{signe}{entier}.{fraction}")
    })
}

/// Clé d'un pool : (code, clé, site) ; site `null` = régional.
#[derive(Clone, PartialEq, Eq, PartialOrd, Ord)]
struct ClePool {
    code: String,
    cle: String,
    site: Option<String>,
}

impl std::fmt::Display for ClePool {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "({}, {}, {})",
            self.code,
            self.cle,
            self.site.as_deref().unwrap_or("régional")
        )
    }
}

fn comparer_pools(attendu: &Value, obtenu: Option<&Value>, ecarts: &mut Ecarts<'_>) {
    let par_cle = |v: &Value| ClePool {
        code: v
            .get("code")
            .and_then(Value::as_str)
            .unwrap_or("?")
            .to_owned(),
        cle: v
            .get("cle")
            .and_then(Value::as_str)
            .unwrap_or("?")
            .to_owned(),
        site: v.get("site").and_then(Value::as_str).map(str::to_owned),
    };
    let attendus = indexer(Some(attendu), "pool", "attendu", par_cle, ecarts);
    let obtenus = indexer(obtenu, "pool", "programme", par_cle, ecarts);
    for (cle, a) in &attendus {
        let contexte = format!("pool {cle}");
        let Some(o) = obtenus.get(cle) else {
            ecarts.ajouter(format!("{contexte} : attendu, absent de la sortie"));
            continue;
        };
        for champ in CHAMPS_POOL {
            comparer_champ(&contexte, champ, a.get(champ), o.get(champ), ecarts);
        }
    }
    for (cle, o) in &obtenus {
        if !attendus.contains_key(cle) {
            ecarts.ajouter(format!("pool {cle} : inattendu dans la sortie : {o}"));
        }
    }
}

fn comparer_controle(attendu: &Value, obtenu: Option<&Value>, ecarts: &mut Ecarts<'_>) {
    let Some(obtenu) = obtenu else {
        ecarts.ajouter("controle : section absente de la sortie");
        return;
    };
    for champ in CHAMPS_CONTROLE {
        comparer_champ(
            "controle",
            champ,
            attendu.get(champ),
            obtenu.get(champ),
            ecarts,
        );
    }
}

fn comparer_diagnostics(attendu: &Value, obtenu: Option<&Value>, ecarts: &mut Ecarts<'_>) {
    let codes = |v: Option<&Value>| -> BTreeSet<String> {
        v.and_then(Value::as_array)
            .into_iter()
            .flatten()
            .filter_map(|d| match d {
                Value::String(code) => Some(code.clone()),
                objet => objet.get("code").and_then(Value::as_str).map(str::to_owned),
            })
            .collect()
    };
    let presents = codes(obtenu);
    for code in codes(attendu.get("diagnostics")) {
        if !presents.contains(&code) {
            ecarts.ajouter(format!(
                "diagnostic {code} : attendu, absent de la sortie (codes obtenus : {})",
                liste(&presents)
            ));
        }
    }
    for code in codes(attendu.get("diagnostics_absents")) {
        if presents.contains(&code) {
            ecarts.ajouter(format!(
                "diagnostic {code} : ne doit pas apparaître, présent dans la sortie"
            ));
        }
    }
}

fn liste(codes: &BTreeSet<String>) -> String {
    if codes.is_empty() {
        "aucun".to_owned()
    } else {
        codes.iter().cloned().collect::<Vec<_>>().join(", ")
    }
}
