//! Essais de fumée de la façade WebAssembly (`src/wasm`), exécutés par wasm-bindgen-test sur la
//! cible wasm32 (`scripts/tester`) : reconnaissance des rôles, modèles, séance nourrie par
//! morceaux (le grand livre lu à mesure quand les paramètres viennent d'abord), résultats
//! compacts, diagnostics par page, détail d'un chiffre, ligne d'un fichier, exports, et erreurs
//! converties en exceptions JavaScript. Vide hors wasm32.
#![cfg(target_arch = "wasm32")]

use cma_analytique::wasm::{Erreur, JsCible, JsFiltre, JsParametres, Seance, modele, reconnaitre};
use serde::Serialize;
use serde_json::{Value, json};
use wasm_bindgen::{JsCast, JsValue};
use wasm_bindgen_test::wasm_bindgen_test;

const GRAND_LIVRE: &str = include_str!("cas/support-deux-niveaux/grand-livre.csv");
const CORRESPONDANCE: &str = include_str!("cas/support-deux-niveaux/correspondance.csv");
const INDUCTEURS: &str = include_str!("cas/support-deux-niveaux/inducteurs.csv");

fn js<T: JsCast>(valeur: Value) -> T {
    valeur.serialize(&serde_wasm_bindgen::Serializer::json_compatible()).expect("valeur JS").unchecked_into()
}

fn rust(valeur: impl Into<JsValue>) -> Value {
    serde_wasm_bindgen::from_value(valeur.into()).expect("valeur JSON")
}

/// Le message de l'exception JavaScript qu'une erreur de la façade devient.
fn erreur<T>(resultat: Result<T, Erreur>) -> String {
    match resultat {
        Ok(_) => panic!("une erreur était attendue"),
        Err(e) => JsValue::from(e).dyn_into::<js_sys::Error>().map(|e| String::from(e.message())).unwrap_or_default(),
    }
}

/// Une séance nourrie par morceaux de 7 octets (les morceaux coupent les lignes et les caractères).
fn seance() -> Seance {
    let mut s = Seance::new();
    for (role, texte) in [("grand-livre", GRAND_LIVRE), ("correspondance", CORRESPONDANCE), ("inducteurs", INDUCTEURS)] {
        s.preparer(role, texte.len()).expect("rôle connu");
        for morceau in texte.as_bytes().chunks(7) {
            s.ajouter(role, morceau).expect("ajout");
        }
    }
    s
}

#[wasm_bindgen_test]
fn chaque_fichier_est_reconnu_a_ses_colonnes() {
    assert_eq!(reconnaitre(GRAND_LIVRE.as_bytes()).as_deref(), Some("grand-livre"));
    assert_eq!(reconnaitre(CORRESPONDANCE.as_bytes()).as_deref(), Some("correspondance"));
    assert_eq!(reconnaitre(INDUCTEURS.as_bytes()).as_deref(), Some("inducteurs"));
    assert_eq!(reconnaitre(b"nom;prenom\n"), None);
    for role in ["grand-livre", "correspondance", "inducteurs"] {
        let entete = modele(role).map_err(JsValue::from).expect("modèle");
        assert_eq!(reconnaitre(entete.as_bytes()).as_deref(), Some(role), "{entete}");
    }
    assert!(erreur(modele("inconnu")).contains("rôle de fichier inconnu"));
}

#[wasm_bindgen_test]
fn une_seance_calcule_et_repond_aux_questions_de_la_page() {
    let mut s = seance();
    let resultat = rust(s.calculer(js(json!({ "exercice": 2024 }))).map_err(JsValue::from).expect("calcul"));
    assert_eq!(resultat["calcule"], true);
    let a01 = resultat["document"]["activites"].as_array().unwrap().iter().find(|a| a["code"] == "A01").unwrap().clone();
    assert_eq!(a01["cout_complet"], "4961.41");
    assert!(resultat["document"].get("diagnostics").is_none(), "les diagnostics restent dans la séance");
    assert_eq!(resultat["diagnostics"]["par_gravite"], json!({ "erreur": 0, "avertissement": 0, "info": 1 }));
    assert_eq!(resultat["axes"].as_array().unwrap().last().unwrap()["cout_complet"], "22851.10");
    assert_eq!(resultat["octets"]["grand-livre"], GRAND_LIVRE.len());

    let page = rust(s.diagnostics(js::<JsFiltre>(json!({ "gravite": "info", "debut": 0, "nombre": 10 }))).map_err(JsValue::from).unwrap());
    assert_eq!(page["total"], 1);
    assert_eq!(page["lignes"][0]["code"], "H004");

    let detail = rust(s.detail(js::<JsCible>(json!({ "type": "activite", "code": "A01", "nature": "charge" }))).map_err(JsValue::from).unwrap());
    assert_eq!((detail["nombre"].clone(), detail["charges"].clone()), (json!(1), json!("1850.00")));
    assert_eq!(detail["lignes"][0]["libelle"], "Salaires conseillers");
    let d03 = resultat["document"]["pools"].as_array().unwrap().iter().position(|p| p["code"] == "D03").unwrap();
    let pool = rust(s.detail(js::<JsCible>(json!({ "type": "pool", "pool": d03 }))).map_err(JsValue::from).unwrap());
    assert_eq!(pool["charges"], "6543.28");

    let ligne = rust(s.ligne("grand-livre", 2).map_err(JsValue::from).unwrap());
    assert_eq!(ligne["cellules"][1], "EOTP-CONSEIL");
    assert_eq!(ligne["entete"][0], "compte");

    assert_eq!(&s.classeur().map_err(JsValue::from).unwrap()[..2], b"PK");
    let csv = String::from_utf8(s.csv("activites").map_err(JsValue::from).unwrap()).unwrap();
    assert!(csv.contains("\r\nA01;Information"), "{csv}");
    let json: Value = serde_json::from_str(&s.json().map_err(JsValue::from).unwrap()).unwrap();
    assert_eq!(json["controle"]["charges"], "22851.10");
}

#[wasm_bindgen_test]
fn les_erreurs_deviennent_des_exceptions_en_francais() {
    let mut s = seance();
    assert!(erreur(s.diagnostics(js::<JsFiltre>(json!({})))).contains("aucun calcul"));
    assert!(erreur(s.calculer(js::<JsParametres>(json!({ "du": "2024-07-01", "au": "2024-06-30" })))).contains("période vide"));
    assert!(erreur(s.calculer(js::<JsParametres>(json!({ "du": "2024-02-30" })))).contains("début de période « 2024-02-30 » invalide"));
    assert!(erreur(s.ajouter("inconnu", b"x")).contains("rôle de fichier inconnu"));
    // Un fichier illisible n'est pas une exception : le calcul rend ses diagnostics.
    s.preparer("correspondance", 0).unwrap();
    let resultat = rust(s.calculer(js(json!({}))).map_err(JsValue::from).unwrap());
    assert_eq!(resultat["calcule"], false);
    assert_eq!(resultat["diagnostics"]["codes"][0]["code"], "F001");
    assert!(erreur(s.classeur()).contains("n'a pas pu se faire"));
}

/// Une séance dont les paramètres sont donnés avant les fichiers : les lignes du grand livre sont
/// lues à mesure que ses morceaux arrivent, avec les mêmes résultats et les mêmes diagnostics.
#[wasm_bindgen_test]
fn le_grand_livre_lu_a_mesure_donne_les_memes_resultats() {
    let parametres = || js::<JsParametres>(json!({ "exercice": 2024, "du": "2024-01-01", "au": "2024-06-30" }));
    let mut entier = seance();
    let attendu = rust(entier.calculer(parametres()).map_err(JsValue::from).unwrap());
    let mut a_mesure = Seance::new();
    a_mesure.parametrer(parametres()).map_err(JsValue::from).unwrap();
    for (role, texte) in [("grand-livre", GRAND_LIVRE), ("correspondance", CORRESPONDANCE), ("inducteurs", INDUCTEURS)] {
        a_mesure.preparer(role, texte.len()).unwrap();
        for morceau in texte.as_bytes().chunks(7) {
            a_mesure.ajouter(role, morceau).unwrap();
        }
    }
    assert_eq!(rust(a_mesure.calculer(parametres()).map_err(JsValue::from).unwrap()), attendu);
    // Une autre période au moment du calcul : le grand livre est relu pour elle.
    let autre = rust(a_mesure.calculer(js::<JsParametres>(json!({}))).map_err(JsValue::from).unwrap());
    assert_eq!(autre, rust(seance().calculer(js::<JsParametres>(json!({}))).map_err(JsValue::from).unwrap()));
    assert_ne!(autre, attendu);
}
