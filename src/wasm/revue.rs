//! The review's side of the WebAssembly facade (issue #8, the page's « Revue CMA France » tab):
//! what a dropped region file is (`identifier_revue`), the rulebook's parameters of the rule
//! (`parametres_revue`), and [`Revue`], which holds the files of one review in wasm memory, runs
//! `revue::review` on them with the page's parameters and answers the exports (XLSX workbook, CSV
//! of each table). The page gives every date (reception, transmission): the core never reads the
//! clock: it gives today's date for the workbook too.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};
use wasm_bindgen::prelude::*;

use super::{Erreur, date, from_js, to_js};
use crate::money::Weight;
use crate::revue::compare::{Measure, Method};
use crate::revue::network::{CostMethod, Source};
use crate::revue::{self, RegionFile, Review, ReviewOptions, ReviewParameters, export};
use crate::rulebook::rulebook;

#[wasm_bindgen(typescript_custom_section)]
const TYPES_REVUE: &str = r#"
/** Ce qu'est un fichier de région déposé, d'après son contenu. */
export interface IdentiteRevue {
  /** « preprojet », « resultats » ou « illisible ». */
  nature: "preprojet" | "resultats" | "illisible";
  /** « classeur XLSX », « CSV », « JSON (preprojet --json) », « JSON (repartir --json) », ou vide. */
  format: string;
  /** Région que la revue lui donnerait sans étiquette : organisme de la feuille d'identité, sinon nom du fichier. */
  region: string;
  /** « organisme » ou « fichier » : d'où vient la région proposée. */
  origine_region: "organisme" | "fichier";
  organisme: string;
  exercice: number | null;
  /** Date d'envoi que déclare le préprojet (AAAA-MM-JJ), s'il la déclare. */
  date_envoi: string | null;
  certifications: number;
  /** Pourquoi le fichier ne se lit pas (premier diagnostic), quand il est illisible. */
  probleme: string | null;
}
/** Règle du référentiel : seuil par défaut, facteur de l'écart absolu médian, régions au moins pour un test. */
export interface RegleRevue { seuil: string; facteur_ecart_absolu_median: string; regions_minimum: number }
/** Paramètres d'une revue. */
export interface ParametresRevue {
  /** Seuil d'écart robuste (« 3 », « 1.3 », « 1,3 ») ; celui du référentiel si absent. */
  seuil?: string | null;
  /** Date de transmission à France compétences (AAAA-MM-JJ), pour les dates de réception. */
  date_transmission?: string | null;
  /** Date de réception de chaque préprojet par CMA France. */
  recus?: { region: string; date: string }[];
}
/** Résultat d'une revue : le document de `revue --json`, les libellés et les tables exportables. */
export interface ResultatRevue {
  document: any;
  rubriques: { id: string; libelle: string }[];
  libelles: { mesures: Record<string, string>; methodes: Record<string, string>;
              sources: Record<string, string>; methodes_cout: Record<string, string> };
  /** Tables du classeur, chacune exportable en CSV (nom = identifiant de `csv`). */
  tables: { nom: string; titre: string; lignes: number }[];
}
"#;

#[wasm_bindgen]
extern "C" {
    #[wasm_bindgen(typescript_type = "IdentiteRevue")]
    pub type JsIdentiteRevue;
    #[wasm_bindgen(typescript_type = "ParametresRevue")]
    pub type JsParametresRevue;
    #[wasm_bindgen(typescript_type = "ResultatRevue")]
    pub type JsResultatRevue;
    #[wasm_bindgen(typescript_type = "RegleRevue")]
    pub type JsRegleRevue;
}

#[derive(Serialize)]
struct Identite {
    nature: &'static str,
    format: String,
    region: String,
    origine_region: &'static str,
    organisme: String,
    exercice: Option<i32>,
    date_envoi: Option<String>,
    certifications: usize,
    probleme: Option<String>,
}

/// What a region's file is, as the review would read it alone and untagged: its nature, its
/// format, the region it would be given (the identity's organisation, else the file's name), the
/// sending date its pre-project declares, or why it cannot be read.
#[wasm_bindgen]
pub fn identifier_revue(nom: &str, octets: &[u8]) -> Result<JsIdentiteRevue, Erreur> {
    let doc = revue::review(&[RegionFile { region: None, file_name: nom, bytes: octets }], &ReviewOptions::default());
    let region = doc.regions.first();
    let fichier = region.and_then(|r| r.fichiers.first());
    let nature = fichier.map_or("illisible", |f| f.nature);
    let organisme = region.map(|r| r.nom_organisme.clone()).unwrap_or_default();
    let declared = doc.conformite.first().filter(|c| c.source_calendrier == Some(Source::CalendrierDeclare)).and_then(|c| c.date_envoi);
    // The reason a file cannot be read is the first error of its own reading (F001, F002…).
    let probleme = (nature == "illisible").then(|| {
        doc.diagnostics.iter().find(|d| d.code.starts_with('F')).map(|d| d.message.clone()).unwrap_or_else(|| "fichier illisible".to_owned())
    });
    let identite = Identite {
        nature,
        format: fichier.map(|f| f.format.clone()).unwrap_or_default(),
        region: region.map(|r| r.region.clone()).unwrap_or_default(),
        origine_region: if organisme.trim().is_empty() { "fichier" } else { "organisme" },
        organisme,
        exercice: region.and_then(|r| r.exercice),
        date_envoi: declared.map(|d| d.to_string()),
        certifications: region.map_or(0, |r| r.certifications),
        probleme,
    };
    Ok(to_js(&identite)?.unchecked_into())
}

/// The key by which the review gathers each name's files into one region (`revue::region_key`):
/// the page shows the regions a review will have before it is run, by the core's own rule.
#[wasm_bindgen]
pub fn cles_regions(noms: Vec<String>) -> Vec<String> {
    noms.iter().map(|n| revue::region_key(n)).collect()
}

/// The rule's parameters of the rulebook (default threshold, factor of the median absolute
/// deviation, minimum of regions), for the page's threshold field.
#[wasm_bindgen]
pub fn parametres_revue() -> Result<JsRegleRevue, Erreur> {
    let defaults: ReviewParameters = revue::review(&[], &ReviewOptions::default()).parametres;
    Ok(to_js(&defaults)?.unchecked_into())
}

#[derive(Deserialize, Default)]
struct Recu {
    region: String,
    date: String,
}

#[derive(Deserialize, Default)]
struct Parametres {
    seuil: Option<String>,
    date_transmission: Option<String>,
    #[serde(default)]
    recus: Vec<Recu>,
}

impl Parametres {
    fn options(&self) -> Result<ReviewOptions, Erreur> {
        let threshold = match self.seuil.as_deref().map(str::trim).filter(|t| !t.is_empty()) {
            None => None,
            Some(t) => match Weight::parse(t) {
                Ok(w) if !w.is_zero() => Some(w),
                _ => return Err(Erreur(format!("seuil « {t} » invalide : un nombre strictement positif est attendu (au plus 6 décimales)"))),
            },
        };
        let mut receptions = Vec::new();
        for r in &self.recus {
            let region = r.region.trim();
            if region.is_empty() {
                return Err(Erreur(format!("date de réception « {} » sans région", r.date)));
            }
            if let Some(d) = date(Some(&r.date), &format!("date de réception (région « {region} »)"))? {
                receptions.push((region.to_owned(), d));
            }
        }
        Ok(ReviewOptions { threshold, receptions, transmission: date(self.date_transmission.as_deref(), "date de transmission à France compétences")? })
    }
}

#[derive(Serialize)]
struct Libelle {
    id: String,
    libelle: String,
}

/// Labels of the values of the document, keyed as serialised (`{"cout_par_apprenti": "coût par apprenti"}`).
#[derive(Serialize)]
struct Libelles {
    mesures: BTreeMap<String, &'static str>,
    methodes: BTreeMap<String, &'static str>,
    sources: BTreeMap<String, &'static str>,
    methodes_cout: BTreeMap<String, &'static str>,
}

#[derive(Serialize)]
struct Table {
    nom: &'static str,
    titre: &'static str,
    lignes: usize,
}

#[derive(Serialize)]
struct Resultat<'a> {
    document: &'a Review,
    rubriques: Vec<Libelle>,
    libelles: Libelles,
    tables: Vec<Table>,
}

/// Each value as the document serialises it, with its label.
fn keyed<K: Serialize>(list: impl IntoIterator<Item = (K, &'static str)>) -> BTreeMap<String, &'static str> {
    list.into_iter().filter_map(|(k, label)| Some((serde_json::to_value(k).ok()?.as_str()?.to_owned(), label))).collect()
}

fn libelles() -> Libelles {
    let methods = [Method::EcartAbsoluMedian, Method::EcartAbsoluMedianNul, Method::MoinsDeTroisRegions];
    let sources = [Source::Preprojet, Source::Resultats, Source::CalendrierDeclare, Source::DateDeReception];
    let costs = [CostMethod::RepartitionNorme, CostMethod::EstimationChargesDirectes, CostMethod::NonCalculable];
    Libelles {
        mesures: keyed(Measure::BOTH.map(|m| (m, m.label()))),
        methodes: keyed(methods.map(|m| (m, m.label()))),
        sources: keyed(sources.map(|s| (s, s.label()))),
        methodes_cout: keyed(costs.map(|c| (c, c.label()))),
    }
}

/// One file given to a review: its region tag as typed in the page (empty: none), its name, its
/// bytes.
struct Fichier {
    region: Option<String>,
    nom: String,
    octets: Vec<u8>,
}

/// The files of one review in wasm memory, and the last review made of them (for the exports).
#[wasm_bindgen]
#[derive(Default)]
pub struct Revue {
    fichiers: Vec<Fichier>,
    revue: Option<Review>,
}

#[wasm_bindgen]
impl Revue {
    #[wasm_bindgen(constructor)]
    pub fn new() -> Revue {
        Revue::default()
    }

    /// Adds a region's file (copied once into wasm memory), tagged with its region (`undefined` or
    /// empty: the identity's organisation, else the file's name, as the CLI without `Région=`).
    pub fn ajouter(&mut self, region: Option<String>, nom: String, octets: Vec<u8>) {
        let region = region.map(|r| r.trim().to_owned()).filter(|r| !r.is_empty());
        self.fichiers.push(Fichier { region, nom, octets });
        self.revue = None;
    }

    /// Number of files given.
    pub fn nombre(&self) -> usize {
        self.fichiers.len()
    }

    /// Runs the review of the files with the page's parameters; keeps it for the exports.
    pub fn lancer(&mut self, parametres: JsParametresRevue) -> Result<JsResultatRevue, Erreur> {
        let p: Parametres = if parametres.is_undefined() || parametres.is_null() { Parametres::default() } else { from_js(parametres.into())? };
        let options = p.options()?;
        let files: Vec<RegionFile<'_>> =
            self.fichiers.iter().map(|f| RegionFile { region: f.region.as_deref(), file_name: &f.nom, bytes: &f.octets }).collect();
        let doc = revue::review(&files, &options);
        let resultat = Resultat {
            document: &doc,
            rubriques: rulebook().headings.iter().map(|(id, libelle)| Libelle { id: id.clone(), libelle: libelle.clone() }).collect(),
            libelles: libelles(),
            tables: export::tables(&doc).iter().map(|t| Table { nom: t.id, titre: t.title, lignes: t.rows.len() }).collect(),
        };
        let value = to_js(&resultat)?;
        self.revue = Some(doc);
        Ok(value.unchecked_into())
    }

    fn revue(&self) -> Result<&Review, Erreur> {
        self.revue.as_ref().ok_or_else(|| Erreur("aucune revue : déposez les fichiers des régions puis lancez la revue".to_owned()))
    }

    /// The review's XLSX workbook, the one `revue --xlsx` writes, made on `date` (AAAA-MM-JJ,
    /// today for the page: the core never reads the clock).
    pub fn classeur(&self, day_text: &str) -> Result<Vec<u8>, Erreur> {
        let day = date(Some(day_text), "date de la revue")?.ok_or_else(|| Erreur("date de la revue manquante".to_owned()))?;
        Ok(export::xlsx(self.revue()?, day))
    }

    /// One table of the review as the users' CSV (`comparaison`, `atypiques`, `national`…).
    pub fn csv(&self, table: &str) -> Result<Vec<u8>, Erreur> {
        export::tables(self.revue()?)
            .iter()
            .find(|t| t.id == table)
            .map(export::csv)
            .ok_or_else(|| Erreur(format!("table de la revue « {table} » inconnue")))
    }
}
