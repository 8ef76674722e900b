//! The facade of the page's second tab, « Préprojet CFA, ETP et loyer »: the France compétences
//! pre-project of the computation the [`Seance`] keeps (issue #5), its exports, the ETP
//! calculator and the internal-rent helper.
//!
//! Nothing is computed here: the core's `preprojet::of_computation`, `etp::compute` and
//! `rent::compute` do it, as for the CLI's `preprojet`, `etp` and `loyer`; this module parses
//! what the page typed, maps the documents to the compact values the tab shows (amounts and
//! ratios as exact decimal text) and keeps the last pre-project for its exports.

use std::collections::BTreeMap;

use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};
use wasm_bindgen::prelude::*;

use super::{Erreur, Libelle, Seance, date, from_js, to_js};
use crate::calendar::{Calendar, CalendarInput};
use crate::diagnostic::{Code, Diagnostic};
use crate::etp::{EtpDriver, PersonRow};
use crate::indicators::Indicators;
use crate::money::{Amount, Weight};
use crate::preprojet::{Identity, PreProject, PreProjectOptions, TotalRow, Unspread, export, of_computation};
use crate::ratio;
use crate::rent::{Rent, RentInput, Valuation};
use crate::report::{DiagnosticRow, diagnostic_rows};
use crate::rulebook::rulebook;

#[wasm_bindgen(typescript_custom_section)]
const TYPES: &str = r#"
/** Paramètres du préprojet, saisis dans l'onglet. */
export interface ParametresPreprojet {
  nom?: string | null; siret?: string | null; uai?: string | null;
  /** Exercice déclaré (celui du calcul) : sa campagne est celle de l'année suivante. */
  exercice?: number | null;
  /** AAAA-MM-JJ ; sans elle, la date limite de la campagne (calendrier de l'outil). */
  date_transmission?: string | null;
  /** AAAA-MM-JJ, obligatoire : la page propose la date du jour. */
  date_envoi: string;
}
/** Ratio exact en texte, quatre décimales pour une marge (« 0.4941 »), deux pour un coût unitaire. */
export type Ratio = string;
export interface LignePreprojet {
  certification: string; site: string | null; libelle: string;
  apprentis: string; heures: string; heures_apprenants: string;
  rubriques: Record<string, Montant>;
  charges_directes: Montant; charges_indirectes: Montant; cout_complet: Montant; produits: Montant;
  marge: Ratio | null; cout_par_apprenti: Ratio | null; cout_par_heure_apprenant: Ratio | null;
  produits_par_financeur: Record<string, Montant>;
}
export interface Preprojet {
  identite: { nom: string; siret: string; uai: string; exercice: number | null };
  calendrier: { date_transmission: string; date_limite_preprojet: string; date_envoi: string;
                statut: "a_l_heure" | "en_retard"; jours_restants: number } | null;
  /** Étapes de la campagne France compétences du calendrier de l'outil (vide s'il ne la connaît pas). */
  campagne: { annee: number; etapes: { etape: string; date: string }[]; delai_jours: number | null };
  rubriques: { id: string; libelle: string }[];
  certifications: LignePreprojet[];
  total: { apprentis: string; heures: string; heures_apprenants: string; rubriques: Record<string, Montant>;
           cout_complet: Montant; produits: Montant; marge?: Ratio; cout_par_apprenti?: Ratio;
           cout_par_heure_apprenant?: Ratio };
  /** Charges et produits de l'apprentissage qu'aucune certification n'a reçus (null : aucun). */
  non_ventile: { rubriques: Record<string, Montant>; produits: Montant } | null;
  /** Libellé de chaque catégorie de financement citée (annexe 4). */
  financeurs: Record<string, string>;
  indicateurs: Record<string, any>;
  /** Les contrôles du préprojet (P001 à P010, fichier des intitulés). */
  diagnostics: any[];
  /** Diagnostics du calcul, repris dans le classeur et la note. */
  diagnostics_calcul: number;
  /** Chaque contrôle fait pour le préprojet (C001, C002, M004, H004 au calcul ; P001 à P010), avec
   *  le nombre de ses signalements (0 : rien à signaler). */
  controles: { code: string; gravite: string; titre: string; origine: "calcul" | "preprojet"; nombre: number }[];
}
export interface Etp {
  personnes: { ligne: number; matricule: string; code: string; site: string | null; etp: Ratio; motif: string }[];
  inducteurs: { site: string | null; code: string; etp: Ratio }[];
  diagnostics: any[];
  /** Les lignes « etp » au format du fichier inducteurs (en-tête compris). */
  csv: string;
}
/** Loyer interne : valeur vénale, ou valeur brute et deux indices du coût de la construction. */
export interface ParametresLoyer {
  valeur_venale?: string | null; valeur_brute?: string | null;
  indice_origine?: string | null; indice_actuel?: string | null;
  part: string; taux?: string | null;
  objet_cfa: string; objet_chambre: string; compte_86: string; compte_87: string;
}
export interface Loyer {
  valeur_retenue: Montant; part_apprentissage: string; taux?: string; montant: Montant;
  explication: string[];
  ecritures: { compte: string; objet: string; debit: Montant; credit: Montant; libelle: string }[];
  /** Les deux lignes au format du grand livre (en-tête compris). */
  csv: string;
}
"#;

#[wasm_bindgen]
extern "C" {
    #[wasm_bindgen(typescript_type = "ParametresPreprojet")]
    pub type JsParametresPreprojet;
    #[wasm_bindgen(typescript_type = "Preprojet")]
    pub type JsPreprojet;
    #[wasm_bindgen(typescript_type = "Etp")]
    pub type JsEtp;
    #[wasm_bindgen(typescript_type = "ParametresLoyer")]
    pub type JsParametresLoyer;
    #[wasm_bindgen(typescript_type = "Loyer")]
    pub type JsLoyer;
}

#[derive(Deserialize)]
struct ParametresPreprojet {
    nom: Option<String>,
    siret: Option<String>,
    uai: Option<String>,
    exercice: Option<i32>,
    date_transmission: Option<String>,
    date_envoi: Option<String>,
}

fn texte(value: Option<String>) -> String {
    value.map(|v| v.trim().to_owned()).unwrap_or_default()
}

/// One row of the tab's table: the figures of `certifications` and their `complements`.
#[derive(Serialize)]
struct Ligne<'a> {
    certification: &'a str,
    site: Option<&'a str>,
    libelle: &'a str,
    apprentis: &'a str,
    heures: &'a str,
    heures_apprenants: &'a str,
    rubriques: &'a BTreeMap<String, Amount>,
    charges_directes: Amount,
    charges_indirectes: Amount,
    cout_complet: Amount,
    produits: Amount,
    #[serde(serialize_with = "ratio::serialize_option")]
    marge: Option<Decimal>,
    #[serde(serialize_with = "ratio::serialize_option")]
    cout_par_apprenti: Option<Decimal>,
    #[serde(serialize_with = "ratio::serialize_option")]
    cout_par_heure_apprenant: Option<Decimal>,
    produits_par_financeur: &'a BTreeMap<String, Amount>,
}

#[derive(Serialize)]
struct Etape {
    etape: String,
    date: String,
}

#[derive(Serialize)]
struct Campagne {
    annee: i32,
    etapes: Vec<Etape>,
    /// Days between the préprojet's due date and the transmission (rulebook).
    delai_jours: Option<u64>,
}

#[derive(Serialize)]
struct VuePreprojet<'a> {
    identite: &'a Identity,
    calendrier: Option<&'a Calendar>,
    campagne: Campagne,
    rubriques: Vec<Libelle>,
    certifications: Vec<Ligne<'a>>,
    total: &'a TotalRow,
    non_ventile: Option<&'a Unspread>,
    financeurs: BTreeMap<&'a str, String>,
    indicateurs: &'a Indicators,
    diagnostics: Vec<DiagnosticRow>,
    diagnostics_calcul: usize,
    controles: Vec<Controle>,
}

/// The checks the pre-project depends on: those of the computation that bear on the
/// apprenticeship's figures (rent 86/87, B01 without certification, default heading), then the
/// pre-project's own. The tab lists each with its count, so that a user sees what was checked.
const CONTROLES_CALCUL: [Code; 4] = [Code::C001, Code::C002, Code::M004, Code::H004];
const CONTROLES_PREPROJET: [Code; 10] =
    [Code::P001, Code::P002, Code::P003, Code::P004, Code::P005, Code::P006, Code::P007, Code::P008, Code::P009, Code::P010];

#[derive(Serialize)]
struct Controle {
    code: &'static str,
    gravite: &'static str,
    titre: &'static str,
    origine: &'static str,
    nombre: usize,
}

fn controles(own: &[Diagnostic], computed: &[Diagnostic]) -> Vec<Controle> {
    let ligne = |code: Code, origine, diagnostics: &[Diagnostic]| Controle {
        code: code.as_str(),
        gravite: code.severity().label(),
        titre: code.info().title,
        origine,
        nombre: diagnostics.iter().filter(|d| d.code == code).count(),
    };
    CONTROLES_CALCUL
        .into_iter()
        .map(|code| ligne(code, "calcul", computed))
        .chain(CONTROLES_PREPROJET.into_iter().map(|code| ligne(code, "preprojet", own)))
        .collect()
}

fn vue<'a>(doc: &'a PreProject, own: &[Diagnostic], computed: &[Diagnostic]) -> VuePreprojet<'a> {
    let book = rulebook();
    let certifications = doc
        .certifications
        .iter()
        .zip(&doc.complements)
        .map(|(r, d)| Ligne {
            certification: &r.certification,
            site: r.site.as_deref(),
            libelle: &d.libelle,
            apprentis: &r.apprentis,
            heures: &r.heures,
            heures_apprenants: &r.heures_apprenants,
            rubriques: &r.rubriques,
            charges_directes: d.charges_directes,
            charges_indirectes: d.charges_indirectes,
            cout_complet: r.cout_complet,
            produits: r.produits,
            marge: r.marge,
            cout_par_apprenti: d.cout_par_apprenti,
            cout_par_heure_apprenant: d.cout_par_heure_apprenant,
            produits_par_financeur: &d.produits_par_financeur,
        })
        .collect();
    let financeurs = doc
        .complements
        .iter()
        .flat_map(|d| d.produits_par_financeur.keys())
        .map(|code| (code.as_str(), book.financer(code).map_or_else(|| "non précisé".to_owned(), |f| f.label.clone())))
        .collect();
    // The campaign whose transmission the calendar counts from: the year after the financial
    // year declared, else the year of the transmission date.
    let annee = doc.identite.exercice.map(|y| y + 1).or(doc.calendrier.as_ref().map(|c| c.date_transmission.year())).unwrap_or_default();
    let etapes = book.calendar.iter().filter(|s| s.campaign == annee).map(|s| Etape { etape: s.step.clone(), date: s.date.to_string() }).collect();
    let unspread = &doc.non_ventile;
    VuePreprojet {
        identite: &doc.identite,
        calendrier: doc.calendrier.as_ref(),
        campagne: Campagne { annee, etapes, delai_jours: book.parameter_number("delai_preprojet_jours").map(|w| w.micros() / 1_000_000) },
        rubriques: book.headings.iter().map(|(id, libelle)| Libelle { id: id.clone(), libelle: libelle.clone() }).collect(),
        certifications,
        total: &doc.total,
        non_ventile: (!unspread.produits.is_zero() || unspread.rubriques.values().any(|a| !a.is_zero())).then_some(unspread),
        financeurs,
        indicateurs: &doc.indicateurs,
        diagnostics: diagnostic_rows(own),
        diagnostics_calcul: computed.len(),
        controles: controles(own, computed),
    }
}

#[wasm_bindgen]
impl Seance {
    /// The pre-project of the last computation (`calculer`), with the identity, the financial
    /// year and the two dates typed in the tab, and the optional list of certification titles
    /// (`certification;libelle`). Kept for the exports until the next computation.
    pub fn preprojet(&mut self, parametres: JsParametresPreprojet, certifications: Option<Vec<u8>>) -> Result<JsPreprojet, Erreur> {
        let p: ParametresPreprojet = from_js(parametres.into())?;
        if let Some(year) = p.exercice {
            if !(1900..=2999).contains(&year) {
                return Err(Erreur(format!("exercice {year} invalide")));
            }
        }
        let transmission = date(p.date_transmission.as_deref(), "date de transmission France compétences")?;
        let sending = date(p.date_envoi.as_deref(), "date d'envoi du préprojet")?
            .ok_or_else(|| Erreur("indiquez la date d'envoi du préprojet à CMA France (AAAA-MM-JJ)".to_owned()))?;
        let calcul = self.calcul.as_mut().ok_or_else(|| {
            Erreur("aucun calcul : déposez les fichiers dans l'onglet « Comptabilité analytique » et lancez le calcul".to_owned())
        })?;
        let computation = calcul
            .computation
            .as_ref()
            .ok_or_else(|| Erreur("le calcul n'a pas pu se faire : voir les diagnostics de l'onglet « Comptabilité analytique »".to_owned()))?;
        let options = PreProjectOptions {
            calendar: CalendarInput { transmission, sending, financial_year: p.exercice },
            identity: Identity { nom: texte(p.nom), siret: texte(p.siret), uai: texte(p.uai), exercice: p.exercice },
            titles: certifications.as_deref(),
        };
        let (document, own) = of_computation(computation, &calcul.diagnostics, &options);
        let value = to_js(&vue(&document, &own, &calcul.diagnostics))?;
        calcul.preprojet = Some(document);
        Ok(value.unchecked_into())
    }

    fn preprojet_calcule(&self) -> Result<&PreProject, Erreur> {
        self.calcul
            .as_ref()
            .and_then(|c| c.preprojet.as_ref())
            .ok_or_else(|| Erreur("aucun préprojet : calculez-le d'abord (« Calculer le préprojet »)".to_owned()))
    }

    /// The pre-project's workbook (identity, certifications, products by financer, indicators,
    /// explanatory note, diagnostics), as `preprojet --xlsx` writes it.
    pub fn preprojet_classeur(&self) -> Result<Vec<u8>, Erreur> {
        Ok(export::xlsx(self.preprojet_calcule()?))
    }

    /// The certification table as `preprojet --csv` writes it (UTF-8 with BOM, `;`, comma decimals).
    pub fn preprojet_csv(&self) -> Result<Vec<u8>, Erreur> {
        Ok(export::csv(self.preprojet_calcule()?))
    }

    /// The draft explanatory note (Markdown), as `preprojet --note` writes it.
    pub fn preprojet_note(&self) -> Result<String, Erreur> {
        Ok(self.preprojet_calcule()?.note.clone())
    }
}

#[derive(Serialize)]
struct Personne<'a> {
    ligne: u32,
    #[serde(flatten)]
    personne: &'a PersonRow,
}

#[derive(Serialize)]
struct VueEtp<'a> {
    personnes: Vec<Personne<'a>>,
    inducteurs: &'a [EtpDriver],
    diagnostics: &'a [DiagnosticRow],
    csv: String,
}

/// The ETP of each row of a staff file with its reason, the `etp` driver rows per activity and
/// site, and those rows as an `inducteurs` CSV — `etp --json` and `etp --csv` in one answer.
#[wasm_bindgen]
pub fn etp(personnel: &[u8]) -> Result<JsEtp, Erreur> {
    let e = crate::etp::compute(personnel)?;
    let vue = VueEtp {
        personnes: e.personnes.iter().map(|p| Personne { ligne: p.line, personne: p }).collect(),
        inducteurs: &e.inducteurs,
        diagnostics: &e.diagnostics,
        csv: e.drivers_csv(),
    };
    Ok(to_js(&vue)?.unchecked_into())
}

#[derive(Deserialize)]
struct ParametresLoyer {
    valeur_venale: Option<String>,
    valeur_brute: Option<String>,
    indice_origine: Option<String>,
    indice_actuel: Option<String>,
    part: Option<String>,
    taux: Option<String>,
    objet_cfa: Option<String>,
    objet_chambre: Option<String>,
    compte_86: Option<String>,
    compte_87: Option<String>,
}

/// A field the user left empty is `None`.
fn rempli(value: &Option<String>) -> Option<&str> {
    value.as_deref().map(str::trim).filter(|t| !t.is_empty())
}

fn montant(value: &Option<String>, what: &str) -> Result<Option<Amount>, Erreur> {
    rempli(value).map(|t| Amount::parse(t).map_err(|e| Erreur(format!("{what} : montant « {t} » : {}", e.explain())))).transpose()
}

fn nombre(value: &Option<String>, what: &str) -> Result<Option<Weight>, Erreur> {
    rempli(value)
        .map(|t| {
            Weight::parse(t).map_err(|_| Erreur(format!("{what} : nombre « {t} » invalide : un nombre positif ou nul est attendu (au plus 6 décimales)")))
        })
        .transpose()
}

fn obligatoire(value: &Option<String>, what: &str) -> Result<String, Erreur> {
    rempli(value).map(str::to_owned).ok_or_else(|| Erreur(format!("indiquez {what}")))
}

#[derive(Serialize)]
struct VueLoyer<'a> {
    #[serde(flatten)]
    loyer: &'a Rent,
    csv: String,
}

/// The internal rent (norm §V.e.ii) and the 86/87 pair to book, as `loyer` computes them.
#[wasm_bindgen]
pub fn loyer(parametres: JsParametresLoyer) -> Result<JsLoyer, Erreur> {
    let p: ParametresLoyer = from_js(parametres.into())?;
    let market = montant(&p.valeur_venale, "valeur vénale")?;
    let gross = montant(&p.valeur_brute, "valeur brute")?;
    let index_origin = nombre(&p.indice_origine, "indice d'origine")?;
    let index_current = nombre(&p.indice_actuel, "indice actuel")?;
    let valuation = match (market, gross, index_origin, index_current) {
        (Some(_), Some(_), _, _) => return Err(Erreur("donnez la valeur vénale ou la valeur brute, pas les deux".to_owned())),
        (Some(value), None, _, _) => Valuation::Market { value },
        (None, Some(gross), Some(index_origin), Some(index_current)) => Valuation::Reindexed { gross, index_origin, index_current },
        (None, Some(_), _, _) => {
            return Err(Erreur("la valeur brute se réactualise avec deux indices du coût de la construction : indiquez l'indice d'origine et l'indice actuel".to_owned()));
        }
        (None, None, _, _) => {
            return Err(Erreur("indiquez la valeur vénale, ou la valeur brute avec les deux indices du coût de la construction".to_owned()));
        }
    };
    let share = nombre(&p.part, "part utilisée pour l'apprentissage")?
        .ok_or_else(|| Erreur("indiquez la part des locaux utilisée pour l'apprentissage (0,6 pour 60 %)".to_owned()))?;
    let input = RentInput {
        valuation,
        share,
        rate: nombre(&p.taux, "taux annuel")?,
        cfa_object: obligatoire(&p.objet_cfa, "l'objet analytique du CFA (compte 86)")?,
        chamber_object: obligatoire(&p.objet_chambre, "l'objet analytique de la chambre (compte 87)")?,
        account_86: obligatoire(&p.compte_86, "le compte de charge (86)")?,
        account_87: obligatoire(&p.compte_87, "le compte de produit (87)")?,
    };
    let rent = crate::rent::compute(&input).map_err(|e| Erreur(e.0))?;
    Ok(to_js(&VueLoyer { loyer: &rent, csv: rent.ledger_csv() })?.unchecked_into())
}
