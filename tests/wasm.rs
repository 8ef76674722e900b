//! Essais de fumée de la façade WebAssembly (`src/wasm`), exécutés par wasm-bindgen-test sur la
//! cible wasm32 (`scripts/tester`) : reconnaissance des rôles, modèles, séance nourrie par
//! morceaux (le grand livre lu à mesure quand les paramètres viennent d'abord), résultats
//! compacts (la trace à la demande), diagnostics par page, détail d'un chiffre, ligne d'un fichier, exports, préprojet de
//! l'onglet « Préprojet CFA, ETP et loyer » (et ses exports), calculateur d'ETP, loyer interne,
//! erreurs converties en exceptions JavaScript ; la revue de CMA France (fichiers de région
//! reconnus, revue des cinq régions de tests/cas-revue, seuil, date de réception, exports). Vide
//! hors wasm32.
#![cfg(target_arch = "wasm32")]

use cma_analytique::wasm::preprojet::{JsParametresLoyer, JsParametresPreprojet, etp, loyer};
use cma_analytique::wasm::revue::{JsParametresRevue, Revue, cles_regions, identifier_revue, parametres_revue};
use cma_analytique::wasm::partie::Partie;
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

    // La première page des diagnostics, sans filtre, vient avec le résultat.
    let premiere = rust(s.diagnostics(js::<JsFiltre>(json!({ "debut": 0, "nombre": 50 }))).map_err(JsValue::from).unwrap());
    assert_eq!(resultat["premiere_page"], premiere);
    assert_eq!((premiere["total"].clone(), premiere["nombre"].clone()), (json!(1), json!(50)));
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

    // La trace : l'en-tête de chaque pool dans le résultat, ses partages à la demande (ceux du
    // document JSON).
    let trace = rust(s.trace().map_err(JsValue::from).unwrap());
    assert_eq!(trace, json["trace"]);
    let entetes = resultat["document"]["trace"].as_array().unwrap();
    assert_eq!(entetes.len(), trace.as_array().unwrap().len());
    for (entete, complete) in entetes.iter().zip(trace.as_array().unwrap()) {
        assert!(entete.get("niveau2").is_none(), "{entete}");
        for champ in ["code", "cle", "site", "perimetre", "montant", "repli_etp"] {
            assert_eq!(entete[champ], complete[champ], "{champ}");
        }
    }
    assert!(trace[0]["niveau2"][0]["parts"].as_array().is_some_and(|p| !p.is_empty()));
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

/// Nourrit une séance comme le travailleur de la page : les morceaux du grand livre gardés à
/// côté, redonnés depuis le premier tant que `ajouter` répond `false` ; rend ceux qu'il faudra
/// redonner au module pour le détail (aucun s'il a gardé le grand livre) et le nombre de
/// passes sur le grand livre.
fn nourrir_en_passes(s: &mut Seance, fichiers: &[(&str, &[u8])], morceau: usize) -> (Vec<Vec<u8>>, usize) {
    let mut grand_livre = Vec::new();
    let mut passes = 1;
    for &(role, octets) in fichiers {
        s.preparer(role, octets.len()).unwrap();
        let mut gardes: Vec<Vec<u8>> = Vec::new();
        for m in octets.chunks(morceau) {
            gardes.push(m.to_vec());
            if !s.ajouter(role, m).map_err(JsValue::from).unwrap() {
                // Redonnés depuis le premier, autant de fois que le module le demande.
                let mut i = 0;
                passes += 1;
                while i < gardes.len() {
                    if s.ajouter(role, &gardes[i]).map_err(JsValue::from).unwrap() {
                        i += 1;
                    } else {
                        i = 0;
                        passes += 1;
                        assert!(passes <= 4, "le module redemande le fichier sans fin");
                    }
                }
            }
        }
        if role == "grand-livre" && !s.conserve(role).map_err(JsValue::from).unwrap() {
            grand_livre = gardes;
        }
    }
    (grand_livre, passes)
}

fn nourrir(s: &mut Seance, fichiers: &[(&str, &[u8])], morceau: usize) -> Vec<Vec<u8>> {
    nourrir_en_passes(s, fichiers, morceau).0
}

/// Une séance dont les paramètres sont donnés avant les fichiers : les lignes du grand livre sont
/// lues à mesure que ses morceaux arrivent, avec les mêmes résultats et les mêmes diagnostics ;
/// ses octets ne restent pas dans le module, qui les demande pour le détail d'un chiffre, la ligne
/// d'un fichier ou un calcul sur une autre période, et répond de même une fois qu'il les a.
#[wasm_bindgen_test]
fn le_grand_livre_lu_a_mesure_donne_les_memes_resultats() {
    let parametres = || js::<JsParametres>(json!({ "exercice": 2024, "du": "2024-01-01", "au": "2024-06-30" }));
    let mut entier = seance();
    let attendu = rust(entier.calculer(parametres()).map_err(JsValue::from).unwrap());
    let mut a_mesure = Seance::new();
    a_mesure.parametrer(parametres()).map_err(JsValue::from).unwrap();
    let fichiers = [("grand-livre", GRAND_LIVRE.as_bytes()), ("correspondance", CORRESPONDANCE.as_bytes()), ("inducteurs", INDUCTEURS.as_bytes())];
    let morceaux = nourrir(&mut a_mesure, &fichiers, 7);
    assert_eq!(morceaux.concat(), GRAND_LIVRE.as_bytes(), "le grand livre lu à mesure n'est pas gardé");
    let cible = || js::<JsCible>(json!({ "type": "activite", "code": "A01", "nature": "charge" }));
    let sans = "a été lu à mesure sans être gardé par le module : redonnez-le";
    // Une autre période que celle de la lecture : il faudrait le relire ; la lecture faite reste
    // pour sa période.
    assert!(erreur(a_mesure.calculer(js::<JsParametres>(json!({})))).contains(sans));
    assert_eq!(rust(a_mesure.calculer(parametres()).map_err(JsValue::from).unwrap()), attendu);

    assert!(erreur(a_mesure.detail(cible())).contains(sans));
    assert!(erreur(a_mesure.ligne("grand-livre", 2)).contains(sans));
    assert!(erreur(a_mesure.calculer(js::<JsParametres>(json!({})))).contains(sans), "une autre période relit le grand livre");
    assert_eq!(rust(a_mesure.ligne("correspondance", 2).map_err(JsValue::from).unwrap()), rust(entier.ligne("correspondance", 2).map_err(JsValue::from).unwrap()));

    // Redonné, le grand livre est gardé : le calcul (gardé) répond, une autre période se calcule.
    let mut a_mesure = Seance::new();
    a_mesure.parametrer(parametres()).map_err(JsValue::from).unwrap();
    let morceaux = nourrir(&mut a_mesure, &fichiers, 7);
    a_mesure.calculer(parametres()).map_err(JsValue::from).unwrap();
    a_mesure.conserver("grand-livre", GRAND_LIVRE.len()).map_err(JsValue::from).unwrap();
    assert!(erreur(a_mesure.detail(cible())).contains(sans), "pas avant qu'il soit redonné en entier");
    for m in &morceaux {
        assert!(a_mesure.ajouter("grand-livre", m).map_err(JsValue::from).unwrap());
    }
    assert!(a_mesure.conserve("grand-livre").map_err(JsValue::from).unwrap());
    assert_eq!(rust(a_mesure.detail(cible()).map_err(JsValue::from).unwrap()), rust(entier.detail(cible()).map_err(JsValue::from).unwrap()));
    assert_eq!(rust(a_mesure.ligne("grand-livre", 2).map_err(JsValue::from).unwrap()), rust(entier.ligne("grand-livre", 2).map_err(JsValue::from).unwrap()));
    let autre = rust(a_mesure.calculer(js::<JsParametres>(json!({}))).map_err(JsValue::from).unwrap());
    assert_eq!(autre, rust(seance().calculer(js::<JsParametres>(json!({}))).map_err(JsValue::from).unwrap()));
    assert_ne!(autre, attendu);

    // Plus d'octets qu'annoncé : une erreur, pas un calcul faux.
    let mut trop = Seance::new();
    trop.parametrer(parametres()).map_err(JsValue::from).unwrap();
    trop.preparer("grand-livre", 3).unwrap();
    assert!(erreur(trop.ajouter("grand-livre", b"compte;")).contains("grand livre plus long qu'annoncé : 7 octets reçus pour 3"));
}

/// Un grand livre qui n'est pas en UTF-8 (export SAP en Windows-1252) : `ajouter` répond `false`
/// au premier octet qui n'est pas de l'UTF-8 ; la deuxième passe cherche son encodage en le
/// lisant comme du Windows-1252, qu'il est : deux passes, sans qu'il soit gardé. Un classeur XLSX
/// ne se lit pas à mesure : le module le garde en entier. Un texte illisible, un fichier vide :
/// les diagnostics de la lecture en entier. Les résultats sont ceux de la lecture en entier,
/// quelle que soit la taille des morceaux.
#[wasm_bindgen_test]
fn le_grand_livre_redemande_est_redonne_depuis_son_debut() {
    let cas: [(&str, [&[u8]; 3]); 5] = [
        ("SAP en Windows-1252", [
            include_bytes!("formats/sap/grand-livre.csv"),
            include_bytes!("formats/sap/correspondance.csv"),
            include_bytes!("formats/sap/inducteurs.csv"),
        ]),
        ("classeurs XLSX", [
            include_bytes!("formats/xlsx/grand-livre.xlsx"),
            include_bytes!("formats/xlsx/correspondance.xlsx"),
            include_bytes!("formats/xlsx/inducteurs.xlsx"),
        ]),
        ("UTF-8", [GRAND_LIVRE.as_bytes(), CORRESPONDANCE.as_bytes(), INDUCTEURS.as_bytes()]),
        ("texte illisible", [b"abc", CORRESPONDANCE.as_bytes(), INDUCTEURS.as_bytes()]),
        ("fichier vide", [b"", CORRESPONDANCE.as_bytes(), INDUCTEURS.as_bytes()]),
    ];
    for (nom, [gl, correspondance, inducteurs]) in cas {
        let fichiers = [("grand-livre", gl), ("correspondance", correspondance), ("inducteurs", inducteurs)];
        let mut entiere = Seance::new();
        nourrir(&mut entiere, &fichiers, usize::MAX);
        let attendu = rust(entiere.calculer(js::<JsParametres>(json!({}))).map_err(JsValue::from).unwrap());
        for morceau in [1, 7, 4096, usize::MAX] {
            let mut s = Seance::new();
            s.parametrer(js::<JsParametres>(json!({}))).map_err(JsValue::from).unwrap();
            let (rendus, passes) = nourrir_en_passes(&mut s, &fichiers, morceau);
            match nom {
                "SAP en Windows-1252" => assert_eq!((rendus.concat(), passes), (gl.to_vec(), 2), "{nom}, morceaux de {morceau}"),
                "UTF-8" => assert_eq!((rendus.concat(), passes), (gl.to_vec(), 1), "{nom}, morceaux de {morceau}"),
                "classeurs XLSX" => assert!(rendus.is_empty(), "{nom}, morceaux de {morceau} : le module le garde"),
                _ => {} // l'un ou l'autre : les diagnostics de la lecture en entier
            }
            assert_eq!(rust(s.calculer(js::<JsParametres>(json!({}))).map_err(JsValue::from).unwrap()), attendu, "{nom}, morceaux de {morceau}");
        }
        if nom != "fichier vide" && nom != "texte illisible" {
            assert_eq!(attendu["calcule"], true, "{nom} : {}", attendu["diagnostics"]);
        }
    }
}

/// Donne une partie comme le fait le travailleur de la page : son premier morceau de `premier`
/// octets, les suivants de `morceau` ; `ajouter` répond `Some(true)` pour le morceau suivant,
/// `Some(false)` pour redonner la partie depuis son premier, `None` quand elle ne se lit plus en
/// parties (alors `false`).
fn donner_partie(octets: &[u8], premier: usize, morceau: usize, mut ajouter: impl FnMut(&[u8]) -> Option<bool>) -> bool {
    let premier = premier.min(octets.len());
    let morceaux: Vec<&[u8]> = std::iter::once(&octets[..premier]).chain(octets[premier..].chunks(morceau)).collect();
    let mut i = 0;
    while i < morceaux.len() {
        match ajouter(morceaux[i]) {
            Some(true) => i += 1,
            Some(false) => i = 0,
            None => return false,
        }
    }
    true
}

/// Un grand livre lu par les deux travailleurs de la page (`Seance.partager`, `Partie`,
/// `Seance.joindre`), coupé après la fin de ligne qui suit son milieu : les mêmes résultats que
/// lu par un seul, en UTF-8 comme en Windows-1252 (chaque partie relue décodée) ; un classeur, ou
/// une partie qui dit que le fichier ne se lit pas ainsi, et le travailleur du calcul lit le
/// fichier en entier, avec les mêmes résultats encore. La séance refuse un partage impossible.
#[wasm_bindgen_test]
fn le_grand_livre_lu_par_deux_travailleurs_donne_les_memes_resultats() {
    let exemple: [&[u8]; 3] = [
        include_bytes!("../www/exemple/grand-livre.csv"),
        include_bytes!("../www/exemple/correspondance.csv"),
        include_bytes!("../www/exemple/inducteurs.csv"),
    ];
    let sap: [&[u8]; 3] = [
        include_bytes!("formats/sap/grand-livre.csv"),
        include_bytes!("formats/sap/correspondance.csv"),
        include_bytes!("formats/sap/inducteurs.csv"),
    ];
    let xlsx: [&[u8]; 3] = [
        include_bytes!("formats/xlsx/grand-livre.xlsx"),
        include_bytes!("formats/xlsx/correspondance.xlsx"),
        include_bytes!("formats/xlsx/inducteurs.xlsx"),
    ];
    let parametres = || js::<JsParametres>(json!({ "exercice": 2024 }));
    for (nom, [gl, correspondance, inducteurs], en_deux) in [("exemple", exemple, true), ("SAP en Windows-1252", sap, true), ("classeur XLSX", xlsx, false)] {
        let fichiers = [("grand-livre", gl), ("correspondance", correspondance), ("inducteurs", inducteurs)];
        let mut un = Seance::new();
        un.parametrer(parametres()).map_err(JsValue::from).unwrap();
        nourrir(&mut un, &fichiers, 4096);
        let attendu = rust(un.calculer(parametres()).map_err(JsValue::from).unwrap());
        assert_eq!(attendu["calcule"], true, "{nom}");
        let coupure = gl.len() / 2 + gl[gl.len() / 2..].iter().position(|&b| b == b'\n').unwrap() + 1;
        for morceau in [7, 4096, usize::MAX] {
            let mut s = Seance::new();
            s.parametrer(parametres()).map_err(JsValue::from).unwrap();
            s.preparer("grand-livre", gl.len()).unwrap();
            s.partager(coupure).map_err(JsValue::from).unwrap();
            // Le premier morceau tient l'en-tête, comme les morceaux de 4 Mio de la page.
            let partagee = donner_partie(&gl[..coupure], morceau.max(4096), morceau, |m| {
                let suite = s.ajouter("grand-livre", m).unwrap();
                (suite || s.partagee()).then_some(suite)
            });
            let mut partie = Partie::new(&gl[..gl.len().min(1 << 20)], gl.len() - coupure, parametres()).map_err(JsValue::from).unwrap();
            let lue = if donner_partie(&gl[coupure..], morceau, morceau, |m| {
                let suite = partie.ajouter(m).unwrap();
                (suite || !partie.abandonnee()).then_some(suite)
            }) { partie.terminer() } else { None };
            assert_eq!(lue.is_some(), en_deux, "{nom}, morceaux de {morceau}");
            let jointe = partagee && lue.is_some_and(|l| s.joindre(&l));
            assert_eq!(jointe, en_deux, "{nom}, morceaux de {morceau}");
            if !jointe {
                s.preparer("grand-livre", gl.len()).unwrap();
                assert!(donner_partie(gl, morceau, morceau, |m| Some(s.ajouter("grand-livre", m).unwrap())));
            }
            for (role, octets) in &fichiers[1..] {
                s.preparer(role, octets.len()).unwrap();
                s.ajouter(role, octets).unwrap();
            }
            assert_eq!(rust(s.calculer(parametres()).map_err(JsValue::from).unwrap()), attendu, "{nom}, morceaux de {morceau}");
        }
    }
    // Les octets d'une partie qui n'en est pas une : le fichier se lit en entier.
    let mut s = Seance::new();
    s.parametrer(parametres()).map_err(JsValue::from).unwrap();
    s.preparer("grand-livre", GRAND_LIVRE.len()).unwrap();
    let coupure = GRAND_LIVRE.find('\n').unwrap() + 1;
    s.partager(coupure).map_err(JsValue::from).unwrap();
    assert!(s.ajouter("grand-livre", &GRAND_LIVRE.as_bytes()[..coupure]).unwrap());
    assert!(!s.joindre(b"CMA-PRT1 autre chose"));
    assert!(!s.partagee());
    // Un partage impossible : avant `preparer`, ou au premier ou au dernier octet.
    let mut s = Seance::new();
    s.parametrer(parametres()).map_err(JsValue::from).unwrap();
    assert!(erreur(s.partager(10)).contains("partage du grand livre impossible"));
    s.preparer("grand-livre", 100).unwrap();
    assert!(erreur(s.partager(0)).contains("partage du grand livre impossible"));
    assert!(erreur(s.partager(100)).contains("partage du grand livre impossible"));
}

const CFA: [(&str, &str); 3] = [
    ("grand-livre", include_str!("cas-preprojet/cfa-deux-sites/grand-livre.csv")),
    ("correspondance", include_str!("cas-preprojet/cfa-deux-sites/correspondance.csv")),
    ("inducteurs", include_str!("cas-preprojet/cfa-deux-sites/inducteurs.csv")),
];
const INTITULES: &str = include_str!("cas-preprojet/cfa-deux-sites/certifications.csv");

/// Le préprojet du cas `cfa-deux-sites` (chiffres de son LISEZMOI.md), calculé depuis le calcul
/// gardé par la séance, puis ses exports.
#[wasm_bindgen_test]
fn le_preprojet_se_calcule_depuis_le_calcul_de_la_seance() {
    let mut s = Seance::new();
    let parametres = || js::<JsParametresPreprojet>(json!({
        "nom": " CMA de région Exemple ", "siret": "13002526500013", "uai": "0755678A", "exercice": 2023,
        "date_transmission": null, "date_envoi": "2024-07-12"
    }));
    assert!(erreur(s.preprojet(parametres(), None)).contains("aucun calcul"));
    for (role, texte) in CFA {
        s.preparer(role, texte.len()).unwrap();
        s.ajouter(role, texte.as_bytes()).unwrap();
    }
    rust(s.calculer(js(json!({ "exercice": 2023 }))).map_err(JsValue::from).unwrap());
    assert!(erreur(s.preprojet_classeur()).contains("aucun préprojet"));
    let p = rust(s.preprojet(parametres(), Some(INTITULES.as_bytes().to_vec())).map_err(JsValue::from).expect("préprojet"));
    assert_eq!(p["identite"]["nom"], "CMA de région Exemple");
    let lignes = p["certifications"].as_array().unwrap();
    assert_eq!(lignes.len(), 4);
    let nord = lignes.iter().find(|l| l["certification"] == "RNCP34828" && l["site"] == "NORD").unwrap();
    assert_eq!(nord["libelle"], "CAP Boulanger");
    assert_eq!((nord["cout_complet"].clone(), nord["marge"].clone(), nord["cout_par_apprenti"].clone()), (json!("18935.83"), json!("-0.8034"), json!("860.72")));
    assert_eq!(nord["rubriques"]["structure"], "3097.02");
    assert_eq!(nord["produits_par_financeur"]["region"], "1500.00");
    assert_eq!(p["financeurs"]["region"].as_str().map(|l| !l.is_empty()), Some(true));
    assert_eq!(p["total"]["cout_complet"], "36594.03");
    assert_eq!(p["non_ventile"], Value::Null);
    assert_eq!(p["calendrier"], json!({ "date_transmission": "2024-07-31", "date_limite_preprojet": "2024-07-10",
        "date_envoi": "2024-07-12", "statut": "en_retard", "jours_restants": -2 }));
    assert_eq!(p["campagne"]["annee"], 2024);
    assert_eq!(p["campagne"]["etapes"].as_array().unwrap().len(), 4);
    assert_eq!(p["indicateurs"]["preprojet_a_l_heure"], false);
    // Les contrôles du préprojet seuls ; ceux du calcul restent dans le premier onglet.
    let codes: Vec<&str> = p["diagnostics"].as_array().unwrap().iter().map(|d| d["code"].as_str().unwrap()).collect();
    for code in ["P001", "P002", "P003", "P004", "P007"] {
        assert!(codes.contains(&code), "{code} : {codes:?}");
    }
    assert!(!codes.contains(&"H004") && !codes.contains(&"I002"), "{codes:?}");
    assert!(p["diagnostics_calcul"].as_u64().unwrap() >= 3);

    assert_eq!(&s.preprojet_classeur().map_err(JsValue::from).unwrap()[..2], b"PK");
    let csv = String::from_utf8(s.preprojet_csv().map_err(JsValue::from).unwrap()).unwrap();
    assert!(csv.starts_with("\u{feff}Code certification;Intitulé;Site;"), "{csv}");
    assert!(csv.contains("\nRNCP34828;CAP Boulanger;NORD;22,00;820,00;9000,00;13000,00;600,00;3097,02;238,81;"), "{csv}");
    let note = s.preprojet_note().map_err(JsValue::from).unwrap();
    assert!(note.starts_with("# Note explicative du préprojet France compétences — exercice 2023"), "{note}");
    // À l'heure avec un envoi le 28 juin : 12 jours d'avance.
    let p = rust(s.preprojet(js::<JsParametresPreprojet>(json!({ "exercice": 2023, "date_envoi": "2024-06-28" })), None).map_err(JsValue::from).unwrap());
    assert_eq!((p["calendrier"]["statut"].clone(), p["calendrier"]["jours_restants"].clone()), (json!("a_l_heure"), json!(12)));
    assert!(erreur(s.preprojet(js::<JsParametresPreprojet>(json!({ "exercice": 2023 })), None)).contains("date d'envoi"));
    // Un nouveau calcul efface le préprojet : ses exports le disent.
    rust(s.calculer(js(json!({ "exercice": 2023 }))).map_err(JsValue::from).unwrap());
    assert!(erreur(s.preprojet_csv()).contains("aucun préprojet"));
}

#[wasm_bindgen_test]
fn le_calculateur_d_etp_donne_chaque_ligne_avec_son_motif() {
    let personnel = "matricule;code;site;contrat;quotite;mois;heures\nM1;A03;;titulaire;1;12;\nM2;A03;;cdi;0,5;12;\nV1;B01;SUD;vacataire;;;910\n";
    assert_eq!(reconnaitre(personnel.as_bytes()).as_deref(), Some("personnel"));
    let e = rust(etp(personnel.as_bytes()).map_err(JsValue::from).expect("ETP"));
    let figures: Vec<(&str, u64, &str)> = e["personnes"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| (p["matricule"].as_str().unwrap(), p["ligne"].as_u64().unwrap(), p["etp"].as_str().unwrap()))
        .collect();
    assert_eq!(figures, [("M1", 2, "1.0000"), ("M2", 3, "0.5000"), ("V1", 4, "0.5000")]);
    assert!(e["personnes"][2]["motif"].as_str().unwrap().contains("910 h / 1820 h"));
    assert_eq!(e["csv"], "inducteur;site;code;valeur\netp;;A03;1,5000\netp;SUD;B01;0,5000\n");
    assert!(erreur(etp(b"nom;service\nDupont;RH\n")).starts_with("F002"));
}

#[wasm_bindgen_test]
fn le_loyer_interne_donne_la_paire_86_87() {
    let p = |v: Value| js::<JsParametresLoyer>(v);
    let objets = json!({ "part": "0,35", "objet_cfa": "EOTP-CFA", "objet_chambre": "CC-PATRIMOINE", "compte_86": "861000", "compte_87": "871000" });
    let mut brute = objets.clone();
    brute["valeur_brute"] = json!("800 000,00");
    brute["indice_origine"] = json!("1386");
    brute["indice_actuel"] = json!("2111");
    let l = rust(loyer(p(brute.clone())).map_err(JsValue::from).expect("loyer"));
    assert_eq!((l["valeur_retenue"].clone(), l["montant"].clone()), (json!("1218470.42"), json!("426464.65")));
    assert_eq!(l["ecritures"][0]["compte"], "861000");
    assert_eq!(l["ecritures"][1]["credit"], "426464.65");
    assert!(l["csv"].as_str().unwrap().contains("\n871000;CC-PATRIMOINE;;426464,65;"));
    brute["indice_actuel"] = json!("");
    assert!(erreur(loyer(p(brute))).contains("indice"));
    let mut venale = objets;
    venale["valeur_venale"] = json!("1200000");
    venale["part"] = json!("1,5");
    assert!(erreur(loyer(p(venale))).contains("entre 0 et 1"));
}

// — Revue de CMA France (onglet « Revue CMA France ») ————————————————————————————————————

/// Les neuf fichiers du jeu de cinq régions (tests/cas-revue), avec leur région.
fn fichiers_de_la_revue() -> Vec<(&'static str, &'static str, &'static [u8])> {
    vec![
        ("Bretagne", "preprojet.xlsx", include_bytes!("cas-revue/reseau-cinq-regions/bretagne/preprojet.xlsx")),
        ("Bretagne", "resultats.json", include_bytes!("cas-revue/reseau-cinq-regions/bretagne/resultats.json")),
        ("Grand Est", "preprojet.xlsx", include_bytes!("cas-revue/reseau-cinq-regions/grand-est/preprojet.xlsx")),
        ("Grand Est", "resultats.json", include_bytes!("cas-revue/reseau-cinq-regions/grand-est/resultats.json")),
        ("Hauts-de-France", "preprojet.csv", include_bytes!("cas-revue/reseau-cinq-regions/hauts-de-france/preprojet.csv")),
        ("Normandie", "preprojet.json", include_bytes!("cas-revue/reseau-cinq-regions/normandie/preprojet.json")),
        ("Normandie", "resultats.json", include_bytes!("cas-revue/reseau-cinq-regions/normandie/resultats.json")),
        ("Occitanie", "preprojet.csv", include_bytes!("cas-revue/reseau-cinq-regions/occitanie/preprojet.csv")),
        ("Occitanie", "resultats.json", include_bytes!("cas-revue/reseau-cinq-regions/occitanie/resultats.json")),
    ]
}

fn revue() -> Revue {
    let mut r = Revue::new();
    for (region, nom, octets) in fichiers_de_la_revue() {
        r.ajouter(Some(region.to_owned()), nom.to_owned(), octets.to_vec());
    }
    r
}

#[wasm_bindgen_test]
fn un_fichier_de_region_est_reconnu_a_son_contenu() {
    let fichiers = fichiers_de_la_revue();
    let bretagne = rust(identifier_revue("preprojet.xlsx", fichiers[0].2).map_err(JsValue::from).unwrap());
    assert_eq!(bretagne["nature"], "preprojet");
    assert_eq!(bretagne["format"], "classeur XLSX");
    assert_eq!((bretagne["region"].clone(), bretagne["origine_region"].clone()), (json!("Bretagne"), json!("organisme")));
    assert_eq!((bretagne["exercice"].clone(), bretagne["date_envoi"].clone()), (json!(2023), json!("2024-06-28")));
    assert_eq!(bretagne["certifications"], 4);
    assert_eq!(bretagne["probleme"], Value::Null);
    let resultats = rust(identifier_revue("dossier/bretagne-resultats.json", fichiers[1].2).map_err(JsValue::from).unwrap());
    assert_eq!((resultats["nature"].clone(), resultats["region"].clone()), (json!("resultats"), json!("bretagne")));
    assert_eq!(resultats["origine_region"], "fichier");
    let csv = rust(identifier_revue("hauts-de-france.csv", fichiers[4].2).map_err(JsValue::from).unwrap());
    assert_eq!((csv["format"].clone(), csv["region"].clone(), csv["date_envoi"].clone()), (json!("CSV"), json!("hauts-de-france"), Value::Null));
    let illisible = rust(identifier_revue("gl.csv", b"compte;objet;debit\n641;X;1\n").map_err(JsValue::from).unwrap());
    assert_eq!(illisible["nature"], "illisible");
    assert!(illisible["probleme"].as_str().unwrap().contains("CSV UTF-8"), "{illisible}");
    // The page groups the files as the review will: by the core's key of each region's name.
    let cles = cles_regions(vec!["CMA de région Bretagne".into(), "bretagne".into(), "Grand_Est-resultats".into(), "Grand Est".into()]);
    assert_eq!(cles, ["bretagne", "bretagne", "grandest", "grandest"]);
    let defauts = rust(parametres_revue().map_err(JsValue::from).unwrap());
    assert_eq!(defauts, json!({ "seuil": "3", "facteur_ecart_absolu_median": "1.4826", "regions_minimum": 3 }));
}

#[wasm_bindgen_test]
fn une_revue_signale_les_regions_atypiques_et_exporte_ses_tables() {
    let mut r = revue();
    assert_eq!(r.nombre(), 9);
    assert!(erreur(r.classeur("2024-07-20")).contains("aucune revue"));
    let resultat = rust(r.lancer(js::<JsParametresRevue>(json!({}))).map_err(JsValue::from).unwrap());
    let doc = &resultat["document"];
    assert_eq!(doc["parametres"]["seuil"], "3");
    let atypiques = doc["atypiques"].as_array().unwrap();
    assert_eq!(atypiques.len(), 1, "{atypiques:?}");
    assert_eq!((atypiques[0]["region"].clone(), atypiques[0]["ecart_robuste"].clone()), (json!("Occitanie"), json!("12.82")));
    assert_eq!(atypiques[0]["explication"]["rubrique"], "structure");
    let b01 = doc["national"]["activites"].as_array().unwrap().iter().find(|a| a["code"] == "B01").unwrap().clone();
    assert_eq!(b01["cout_complet"], "893600.00");
    assert_eq!(resultat["libelles"]["mesures"]["cout_par_apprenti"], "coût par apprenti");
    assert_eq!(resultat["libelles"]["sources"]["date_de_reception"], "date de réception");
    assert_eq!(resultat["rubriques"].as_array().unwrap().len(), 8);
    let tables: Vec<&str> = resultat["tables"].as_array().unwrap().iter().filter_map(|t| t["nom"].as_str()).collect();
    assert_eq!(tables, ["comparaison", "medianes", "rubriques", "atypiques", "non-comparees", "national", "controle", "conformite", "actions-cop-pn"]);

    assert_eq!(&r.classeur("2024-07-20").map_err(JsValue::from).unwrap()[..2], b"PK");
    let csv = String::from_utf8(r.csv("atypiques").map_err(JsValue::from).unwrap()).unwrap();
    assert!(csv.contains("RNCP34828;CAP Boulanger;coût par apprenti;Occitanie;12000,00;8200,00;3800,00;12,82;"), "{csv}");
    assert!(erreur(r.csv("inconnue")).contains("table de la revue « inconnue » inconnue"));

    // Seuil abaissé à 1,3 et date de réception de Hauts-de-France (LISEZMOI du cas).
    let parametres = json!({ "seuil": "1.3", "recus": [{ "region": "hauts-de-france", "date": "2024-07-08" }] });
    let resultat = rust(r.lancer(js::<JsParametresRevue>(parametres)).map_err(JsValue::from).unwrap());
    let regions: Vec<&str> = resultat["document"]["atypiques"].as_array().unwrap().iter().filter_map(|a| a["region"].as_str()).collect();
    assert_eq!(regions, ["Hauts-de-France", "Occitanie"]);
    let hdf = resultat["document"]["conformite"].as_array().unwrap().iter().find(|c| c["region"] == "Hauts-de-France").unwrap().clone();
    assert_eq!((hdf["preprojet_a_l_heure"].clone(), hdf["jours_restants"].clone()), (json!(true), json!(2)));
}

#[wasm_bindgen_test]
fn les_parametres_faux_de_la_revue_sont_des_exceptions() {
    let mut r = revue();
    assert!(erreur(r.lancer(js::<JsParametresRevue>(json!({ "seuil": "0" })))).contains("seuil « 0 » invalide"));
    assert!(erreur(r.lancer(js::<JsParametresRevue>(json!({ "seuil": "trois" })))).contains("seuil « trois » invalide"));
    let recu = json!({ "recus": [{ "region": "Bretagne", "date": "2024-02-30" }] });
    assert!(erreur(r.lancer(js::<JsParametresRevue>(recu))).contains("date de réception (région « Bretagne ») « 2024-02-30 » invalide"));
    assert!(erreur(r.lancer(js::<JsParametresRevue>(json!({ "date_transmission": "31/07/2024x" })))).contains("date de transmission"));
    // Un fichier illisible n'est pas une exception : la revue le signale et se fait avec les autres.
    r.ajouter(None, "gl.csv".to_owned(), b"compte;objet;debit\n641;X;1\n".to_vec());
    let resultat = rust(r.lancer(js::<JsParametresRevue>(json!({}))).map_err(JsValue::from).unwrap());
    let f002 = resultat["document"]["diagnostics"].as_array().unwrap().iter().find(|d| d["code"] == "F002").unwrap().clone();
    assert!(f002["message"].as_str().unwrap().starts_with("région « gl » (gl.csv) : "), "{f002}");
    assert_eq!(resultat["document"]["atypiques"].as_array().unwrap().len(), 1);
}

/// Les fichiers de préchauffage du travailleur (calculés une fois, page au repos) se lisent et se
/// calculent sans erreur, par les mêmes appels qu'un vrai calcul : leurs lignes passent par la
/// lecture du grand livre et leurs pools par la répartition.
#[wasm_bindgen_test]
fn le_prechauffage_calcule_sans_erreur() {
    use cma_analytique::wasm::prechauffage::{WARM_UP_LINES, prechauffage};
    let mut s = Seance::new();
    s.parametrer(js(json!({}))).map_err(JsValue::from).unwrap();
    for role in ["grand-livre", "correspondance", "inducteurs"] {
        let octets = prechauffage(role).map_err(JsValue::from).expect("fichier de préchauffage");
        s.preparer(role, octets.len()).unwrap();
        s.ajouter(role, &octets).unwrap();
    }
    let resultat = rust(s.calculer(js(json!({}))).map_err(JsValue::from).unwrap());
    assert_eq!(resultat["calcule"], true, "{resultat}");
    assert_eq!(resultat["diagnostics"]["par_gravite"]["erreur"], 0, "{}", resultat["diagnostics"]);
    assert!(resultat["document"]["pools"].as_array().unwrap().len() > 5, "des pools sont répartis");
    assert!(resultat["flux"].as_array().unwrap().len() > 20);
    let lignes = resultat["indicateurs"]["objets_rattaches"].as_u64().unwrap();
    assert!(lignes > 20, "{lignes} objets rattachés");
    assert_eq!(prechauffage("grand-livre").map_err(JsValue::from).unwrap().iter().filter(|&&o| o == b'\n').count(), WARM_UP_LINES + 1);
    assert!(erreur(prechauffage("personnel")).contains("pas de fichier de préchauffage"));
}
