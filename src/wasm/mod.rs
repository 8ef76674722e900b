//! The WebAssembly facade: the only code that knows JavaScript (ARCHITECTURE.md, « Nothing
//! outside a `wasm` module knows JavaScript »).
//!
//! The page's Web Worker holds one [`Seance`]: the files are pushed into it chunk by chunk and
//! stay in wasm memory; JavaScript receives compact results (the document without its
//! diagnostics, totals, flows), then asks for what it shows: a page of diagnostics, the lines
//! behind a figure, a line of a file, an export. Domain types carry no wasm attribute: this
//! module maps them to boundary values, converts every error in one place ([`Erreur`]) and
//! ships the TypeScript definitions of what crosses.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};
use wasm_bindgen::prelude::*;

use crate::allocate::PoolKey;
use crate::date::Date;
use crate::detail::{Figure, lines_behind, raw_line};
use crate::diagnostic::{CATALOGUE, Diagnostic, Severity};
use crate::input::Ledger;
use crate::input::ledger::{LedgerFeed, LedgerRead, PartFeed, Period, Step};
use crate::input::role::{Role, recognise};
use crate::input::{Mappings, Nature};
use crate::report::{ActionRow, ActivityRow, CertificationRow, ControlRow, Document, PoolRow, TraceRow, diagnostic_rows};
use crate::rulebook::{NationalCode, rulebook};
use crate::views::{FlowRow, Indicators, axis_totals, flows, indicators};
use crate::{Computation, Options, compute_read, export, xlsx};

pub mod partie;

pub mod prechauffage;

pub mod preprojet;

pub mod revue;

#[wasm_bindgen(typescript_custom_section)]
const TYPES: &str = r#"
/** Rôle d'un fichier déposé (colonnes reconnues par le cœur). */
export type Role = "grand-livre" | "correspondance" | "inducteurs" | "personnel";
/** Montant exact : texte à deux décimales, point décimal (« -1234.56 »). */
export type Montant = string;
export interface Parametres {
  exercice?: number | null;
  /** Début et fin de période, AAAA-MM-JJ (clôture semestrielle). */
  du?: string | null;
  au?: string | null;
  /** Date de transmission France compétences et date prévue d'envoi du préprojet. */
  date_transmission?: string | null;
  date_envoi?: string | null;
}
export interface Resultat {
  calcule: boolean;
  document: {
    activites: any[]; certifications: any[]; pools: any[]; controle: Record<string, Montant>;
    /** L'en-tête de la trace de chaque pool (code, cle, site, perimetre, montant, repli_etp) ;
     *  ses partages : `Seance.trace`. */
    actions: any[]; trace: any[];
  } | null;
  /** Totaux par axe (code = lettre de l'axe), puis le total de toutes les activités (code vide). */
  axes: { code: string; libelle: string; charges_directes: Montant; charges_indirectes: Montant;
          cout_complet: Montant; produits: Montant; resultat: Montant }[];
  flux: { pool: number; code: string; certification: string | null; montant: Montant }[];
  indicateurs: { objets_rattaches: number; objets: number; controle_equilibre: boolean;
                 pools_repartis: number; pools: number } | null;
  rubriques: { id: string; libelle: string }[];
  libelles: Record<string, string>;
  diagnostics: SyntheseDiagnostics;
  /** La première page des diagnostics, sans filtre (comme `Seance.diagnostics`). */
  premiere_page: PageDiagnostics;
  octets: Record<Role, number>;
}
export interface SyntheseDiagnostics {
  nombre: number;
  par_gravite: { erreur: number; avertissement: number; info: number };
  codes: { code: string; gravite: string; titre: string; nombre: number }[];
  fichiers: { fichier: string; nombre: number }[];
}
export interface FiltreDiagnostics {
  gravite?: string | null; code?: string | null; fichier?: string | null;
  debut?: number; nombre?: number;
}
export interface PageDiagnostics { total: number; lignes: any[]; nombre: number }
/** Chiffre dont on veut les lignes du grand livre. */
export interface Cible {
  type: "activite" | "pool" | "non_rattache";
  code?: string; certification?: string | null; pool?: number;
  nature?: "charge" | "produit" | null; limite?: number;
}
"#;

#[wasm_bindgen]
extern "C" {
    #[wasm_bindgen(typescript_type = "Parametres")]
    pub type JsParametres;
    #[wasm_bindgen(typescript_type = "Resultat")]
    pub type JsResultat;
    #[wasm_bindgen(typescript_type = "FiltreDiagnostics")]
    pub type JsFiltre;
    #[wasm_bindgen(typescript_type = "PageDiagnostics")]
    pub type JsPage;
    #[wasm_bindgen(typescript_type = "Cible")]
    pub type JsCible;
}

/// Every error that crosses to JavaScript, as a French message (thrown as a JS `Error`).
#[derive(Debug)]
pub struct Erreur(String);

impl From<Erreur> for JsValue {
    fn from(e: Erreur) -> JsValue {
        JsError::new(&e.0).into()
    }
}

impl From<serde_wasm_bindgen::Error> for Erreur {
    fn from(e: serde_wasm_bindgen::Error) -> Erreur {
        Erreur(format!("échange avec la page impossible : {e}"))
    }
}

impl From<Diagnostic> for Erreur {
    fn from(d: Diagnostic) -> Erreur {
        Erreur(format!("{} {} : {}", d.code, d.file.label(), d.message))
    }
}

#[wasm_bindgen]
extern "C" {
    /// The engine's own `JSON.parse`.
    #[wasm_bindgen(js_namespace = JSON, js_name = parse, catch)]
    fn json_parse(text: &str) -> Result<JsValue, JsValue>;
}

/// A value for JavaScript: its JSON, parsed by the engine. For the large results (a region's
/// trace and flows: tens of thousands of objects) this is several times faster than building
/// each object through the boundary, one call per field.
fn to_js<T: Serialize + ?Sized>(value: &T) -> Result<JsValue, Erreur> {
    let text = serde_json::to_string(value).map_err(|e| Erreur(format!("échange avec la page impossible : {e}")))?;
    json_parse(&text).map_err(|_| Erreur("échange avec la page impossible : JSON refusé".to_owned()))
}

fn from_js<T: for<'de> Deserialize<'de>>(value: JsValue) -> Result<T, Erreur> {
    Ok(serde_wasm_bindgen::from_value(value)?)
}

fn role(label: &str) -> Result<Role, Erreur> {
    Role::ALL.into_iter().find(|r| r.label() == label).ok_or_else(|| Erreur(format!("rôle de fichier inconnu : « {label} »")))
}

/// The role of a file from its first bytes (its header line; an XLSX workbook whole, the page
/// gives it so), or `undefined`.
#[wasm_bindgen]
pub fn reconnaitre(debut: &[u8]) -> Option<String> {
    recognise(debut).map(|r| r.label().to_owned())
}

/// The CSV template of a role, as `cma-analytique modeles` writes it: the reader's own column
/// definitions and the rulebook's example row (the page adds the BOM when it saves the file).
#[wasm_bindgen]
pub fn modele(role_du_fichier: &str) -> Result<String, Erreur> {
    let bytes = crate::templates::csv(role(role_du_fichier)?);
    Ok(String::from_utf8_lossy(&bytes).trim_start_matches('\u{feff}').to_owned())
}

/// Version of the core, shown at the foot of the page.
#[wasm_bindgen]
pub fn version() -> String {
    env!("CARGO_PKG_VERSION").to_owned()
}

#[derive(Deserialize, Default)]
struct Parametres {
    exercice: Option<i32>,
    du: Option<String>,
    au: Option<String>,
    date_transmission: Option<String>,
    date_envoi: Option<String>,
}

fn date(text: Option<&str>, what: &str) -> Result<Option<Date>, Erreur> {
    match text.map(str::trim).filter(|t| !t.is_empty()) {
        None => Ok(None),
        Some(t) => Date::parse(t).map(Some).ok_or_else(|| Erreur(format!("{what} « {t} » invalide : AAAA-MM-JJ attendu"))),
    }
}

impl Parametres {
    fn options(&self) -> Result<Options, Erreur> {
        let period = Period { from: date(self.du.as_deref(), "début de période")?, to: date(self.au.as_deref(), "fin de période")? };
        if let (Some(from), Some(to)) = (period.from, period.to) {
            if from > to {
                return Err(Erreur(format!("période vide : le début ({from}) est après la fin ({to})")));
            }
        }
        if let Some(year) = self.exercice {
            if !(1900..=2999).contains(&year) {
                return Err(Erreur(format!("exercice {year} invalide")));
            }
        }
        // Dates of the préprojet calendar: checked here, used by the préprojet module.
        date(self.date_transmission.as_deref(), "date de transmission France compétences")?;
        date(self.date_envoi.as_deref(), "date d'envoi du préprojet")?;
        // Options will grow (préprojet dates): the update keeps this facade building meanwhile.
        #[allow(clippy::needless_update)]
        Ok(Options { period, ..Options::default() })
    }
}

fn parametres_de(parametres: JsParametres) -> Result<Parametres, Erreur> {
    if parametres.is_undefined() || parametres.is_null() { Ok(Parametres::default()) } else { from_js(parametres.into()) }
}

/// A computation kept for what the page asks next.
struct Calcul {
    period: Period,
    /// The key of each pool, in the order of `Document::pools` (the page names pools by index).
    pools: Vec<PoolKey>,
    /// The mapping read alone, for the drill-down, when the computation could not be made
    /// (else the computation's).
    mappings: Option<Mappings>,
    diagnostics: Vec<Diagnostic>,
    document: Option<Document>,
    /// The inputs and the allocation, for the pre-project (`preprojet.rs`).
    computation: Option<Computation>,
    /// The last pre-project computed from it, for its exports.
    preprojet: Option<crate::preprojet::PreProject>,
}

/// The files of one computation and its results.
///
/// The module keeps the bytes of every file but one: a ledger read as its chunks arrive (the
/// parameters given first) is not copied into wasm memory — the caller, which has its chunks
/// anyway, gives them again ([`Seance::conserver`]) when it needs the ledger's lines (drill-down,
/// a line of the file), and from the first whenever [`Seance::ajouter`] answers `false` (a
/// ledger in Windows-1252 is read in two passes, in another encoding in three; a workbook is
/// kept whole). For a region's million lines this spares copying 100 Mo and growing the
/// module's memory by as much.
#[wasm_bindgen]
#[derive(Default)]
pub struct Seance {
    /// The bytes kept of each file.
    fichiers: BTreeMap<Role, Vec<u8>>,
    /// The bytes received of each file since `preparer` (or `conserver`) and the size announced.
    recus: BTreeMap<Role, (usize, usize)>,
    calcul: Option<Calcul>,
    /// The ledger's rows read as its chunks arrive, for the period given by `parametrer`, until
    /// its announced size is reached.
    au_fil: Option<(Period, LedgerFeed)>,
    /// The ledger read as it arrived, once its last byte was given.
    lu: Option<(Period, LedgerRead)>,
    /// A large ledger read in two parts (`partager`): the first here, as its chunks arrive, up
    /// to the cut; the rest by a helper worker ([`Partie`]), merged by `joindre`.
    partage: Option<(Period, usize, PartFeed)>,
    periode: Option<Period>,
}

impl Seance {
    fn fichier(&self, role: Role) -> &[u8] {
        self.fichiers.get(&role).map_or(&[], Vec::as_slice)
    }

    /// Whether the file is kept whole: every byte received kept, and all those announced given.
    fn garde(&self, role: Role) -> bool {
        let (recus, taille) = self.recus.get(&role).copied().unwrap_or_default();
        self.fichier(role).len() == recus && recus >= taille
    }

    /// The bytes of a file, for what reads its lines again.
    fn octets(&self, role: Role) -> Result<&[u8], Erreur> {
        if self.garde(role) {
            Ok(self.fichier(role))
        } else {
            Err(Erreur(format!(
                "le fichier « {} » a été lu à mesure sans être gardé par le module : redonnez-le (conserver puis ajouter) avant d'en demander les lignes",
                role.label()
            )))
        }
    }

    /// Starts reading the ledger as it arrives again, from its first byte, not in parts.
    fn lire_en_entier(&mut self, period: Period, taille: usize) {
        self.partage = None;
        self.au_fil = Some((period, LedgerFeed::new(period)));
        self.recus.insert(Role::GrandLivre, (0, taille));
    }

    /// Starts keeping the bytes of a file, from its first.
    fn garder(&mut self, role: Role, taille: usize) -> Result<(), Erreur> {
        let mut buffer = Vec::new();
        buffer.try_reserve_exact(taille).map_err(|_| Erreur(format!("mémoire insuffisante pour un fichier de {taille} octets")))?;
        self.fichiers.insert(role, buffer);
        self.recus.insert(role, (0, taille));
        Ok(())
    }

    /// The ledger for `period`: read as it arrived, else from its kept bytes.
    fn grand_livre(&mut self, period: Period) -> Result<LedgerRead, Erreur> {
        if let Some((_, lu)) = self.lu.take_if(|(p, _)| *p == period) {
            return Ok(lu);
        }
        if let Some((_, mut feed)) = self.au_fil.take_if(|(p, _)| *p == period) {
            if let Some(lu) = (feed.end() == Step::Next).then(|| feed.finish()).flatten() {
                return Ok(lu);
            }
        }
        Ok(Ledger::read(self.octets(Role::GrandLivre)?, period))
    }
}

#[derive(Serialize)]
struct DocumentSansDiagnostics<'a> {
    activites: &'a [ActivityRow],
    certifications: &'a [CertificationRow],
    pools: &'a [PoolRow],
    controle: &'a ControlRow,
    actions: &'a [ActionRow],
    trace: Vec<EnteteTrace<'a>>,
}

/// The heading of a pool's trail in the result: its splits (a region's megabyte of them) are
/// asked for when they are shown (`Seance::trace`).
#[derive(Serialize)]
struct EnteteTrace<'a> {
    code: &'a str,
    cle: &'a str,
    site: Option<&'a str>,
    perimetre: &'a str,
    montant: crate::money::Amount,
    repli_etp: bool,
}

impl<'a> From<&'a TraceRow> for EnteteTrace<'a> {
    fn from(t: &'a TraceRow) -> Self {
        EnteteTrace { code: &t.code, cle: &t.cle, site: t.site.as_deref(), perimetre: &t.perimetre, montant: t.montant, repli_etp: t.repli_etp }
    }
}

#[derive(Serialize)]
struct Libelle {
    id: String,
    libelle: String,
}

#[derive(Serialize, Default)]
struct ParGravite {
    erreur: usize,
    avertissement: usize,
    info: usize,
}

#[derive(Serialize)]
struct NombreParCode {
    code: &'static str,
    gravite: &'static str,
    titre: &'static str,
    nombre: usize,
}

#[derive(Serialize)]
struct NombreParFichier {
    fichier: &'static str,
    nombre: usize,
}

#[derive(Serialize)]
struct Synthese {
    nombre: usize,
    par_gravite: ParGravite,
    codes: Vec<NombreParCode>,
    fichiers: Vec<NombreParFichier>,
}

fn synthese(diagnostics: &[Diagnostic]) -> Synthese {
    let mut par_gravite = ParGravite::default();
    let mut fichiers: Vec<NombreParFichier> = Vec::new();
    for d in diagnostics {
        match d.severity() {
            Severity::Erreur => par_gravite.erreur += 1,
            Severity::Avertissement => par_gravite.avertissement += 1,
            Severity::Info => par_gravite.info += 1,
        }
        match fichiers.iter_mut().find(|f| f.fichier == d.file.label()) {
            Some(f) => f.nombre += 1,
            None => fichiers.push(NombreParFichier { fichier: d.file.label(), nombre: 1 }),
        }
    }
    let codes = CATALOGUE
        .iter()
        .map(|&code| NombreParCode {
            code: code.as_str(),
            gravite: code.severity().label(),
            titre: code.info().title,
            nombre: diagnostics.iter().filter(|d| d.code == code).count(),
        })
        .filter(|c| c.nombre > 0)
        .collect();
    Synthese { nombre: diagnostics.len(), par_gravite, codes, fichiers }
}

#[derive(Serialize)]
struct Resultat<'a> {
    calcule: bool,
    document: Option<DocumentSansDiagnostics<'a>>,
    axes: Vec<ActivityRow>,
    flux: Vec<FlowRow>,
    indicateurs: Option<Indicators>,
    rubriques: Vec<Libelle>,
    /// Labels of the nomenclature codes the results name (pools, axes, activities).
    libelles: BTreeMap<String, String>,
    diagnostics: Synthese,
    /// The first page of the diagnostics, without filter: the page shows it with the results,
    /// without asking for it.
    premiere_page: PageDiagnostics,
    octets: BTreeMap<&'static str, usize>,
}

/// Lines in the first page of diagnostics, which comes with the result (`Resultat::premiere_page`):
/// the page's own page size (`PAR_PAGE` in www/app/application.js), which uses it when they agree.
const PREMIERE_PAGE: usize = 50;

/// A page of diagnostics (`Seance::diagnostics`).
#[derive(Serialize)]
struct PageDiagnostics {
    total: usize,
    lignes: Vec<crate::report::DiagnosticRow>,
    /// The most lines the page could hold.
    nombre: usize,
}

/// The diagnostics that pass the filter (severity, code, file), the page it asks for.
fn page_of(all: &[Diagnostic], f: &Filtre) -> PageDiagnostics {
    let keep = |d: &&Diagnostic| {
        f.gravite.as_deref().is_none_or(|g| d.severity().label() == g)
            && f.code.as_deref().is_none_or(|c| d.code.as_str() == c)
            && f.fichier.as_deref().is_none_or(|x| d.file.label() == x)
    };
    let total = all.iter().filter(keep).count();
    let nombre = f.nombre.unwrap_or(100);
    let page: Vec<Diagnostic> = all.iter().filter(keep).skip(f.debut.unwrap_or(0)).take(nombre).cloned().collect();
    PageDiagnostics { total, lignes: diagnostic_rows(&page), nombre }
}

#[derive(Deserialize, Default)]
struct Filtre {
    gravite: Option<String>,
    code: Option<String>,
    fichier: Option<String>,
    debut: Option<usize>,
    nombre: Option<usize>,
}

#[derive(Deserialize)]
struct Cible {
    #[serde(rename = "type")]
    genre: String,
    code: Option<String>,
    certification: Option<String>,
    pool: Option<usize>,
    nature: Option<String>,
    limite: Option<usize>,
}

/// Lines listed at most by one drill-down (all are counted and summed).
const DETAIL_LIMIT: usize = 2_000;

#[wasm_bindgen]
impl Seance {
    #[wasm_bindgen(constructor)]
    pub fn new() -> Seance {
        Seance::default()
    }

    /// Gives the parameters of the next computation before its files: the ledger's rows are
    /// then read as its chunks arrive (`ajouter`), while the next chunk is being read from the
    /// disk, instead of all at `calculer`. Same results either way.
    pub fn parametrer(&mut self, parametres: JsParametres) -> Result<(), Erreur> {
        self.periode = Some(parametres_de(parametres)?.options()?.period);
        Ok(())
    }

    /// Starts a file of `taille` bytes, given next by `ajouter`. The module keeps its bytes (one
    /// allocation for the whole file, whatever the number of chunks), but for a ledger when the
    /// parameters were given: its rows are then read as its chunks arrive and its bytes are not
    /// kept (see [`Seance`]).
    pub fn preparer(&mut self, role_du_fichier: &str, taille: usize) -> Result<(), Erreur> {
        let role = role(role_du_fichier)?;
        self.calcul = None;
        if role == Role::GrandLivre {
            (self.au_fil, self.lu, self.partage) = (None, None, None);
        }
        match self.periode.filter(|_| role == Role::GrandLivre) {
            Some(period) => {
                self.fichiers.remove(&role);
                self.recus.insert(role, (0, taille));
                self.au_fil = Some((period, LedgerFeed::new(period)));
            }
            None => self.garder(role, taille)?,
        }
        Ok(())
    }

    /// Gives the next chunk of a file. `false` when the caller must give the ledger again from
    /// its first byte (this chunk included), and every chunk after: a ledger that is not UTF-8
    /// is read in two or three passes (the second scans it for its decoding), and one that
    /// cannot be read as it arrives at all (a workbook…) is then kept whole. A ledger read in two
    /// parts (`partager`): `false` asks for the first part again from its first byte while
    /// `partagee()` (it is not UTF-8: read again, decoded); otherwise for the whole file from
    /// its first byte, once the caller has it (it cannot be read in parts).
    pub fn ajouter(&mut self, role_du_fichier: &str, morceau: &[u8]) -> Result<bool, Erreur> {
        let role = role(role_du_fichier)?;
        let (recus, taille) = self.recus.entry(role).or_default();
        *recus += morceau.len();
        let (recus, taille) = (*recus, *taille);
        if let Some((period, coupure, feed)) = self.partage.as_mut().filter(|_| role == Role::GrandLivre) {
            if recus > *coupure {
                return Err(Erreur(format!("première partie du grand livre plus longue qu'annoncé : {recus} octets reçus pour {coupure}")));
            }
            let mut step = feed.feed(morceau);
            if step == Step::Next && recus == *coupure {
                step = feed.end(false);
            }
            let period = *period;
            match step {
                Step::Next => return Ok(true),
                // Not UTF-8: the part again, decoded.
                Step::Again => {
                    self.recus.insert(role, (0, taille));
                    return Ok(false);
                }
                // Not to be read in parts: the whole file again, read here.
                Step::Whole => {
                    self.lire_en_entier(period, taille);
                    return Ok(false);
                }
            }
        }
        if let Some((period, feed)) = self.au_fil.as_mut().filter(|_| role == Role::GrandLivre) {
            if recus > taille {
                return Err(Erreur(format!("grand livre plus long qu'annoncé : {recus} octets reçus pour {taille}")));
            }
            let period = *period;
            let mut step = feed.feed(morceau);
            if step == Step::Next && recus == taille {
                step = feed.end();
            }
            match step {
                Step::Next if recus < taille => return Ok(true),
                Step::Next => {
                    if let Some(lu) = self.au_fil.take().and_then(|(_, feed)| feed.finish()) {
                        self.lu = Some((period, lu));
                        return Ok(true);
                    }
                }
                // Not UTF-8: the file again, scanned for its decoding, then decoded and read.
                Step::Again => {
                    self.recus.insert(role, (0, taille));
                    return Ok(false);
                }
                Step::Whole => {}
            }
            self.au_fil = None;
            self.garder(role, taille)?;
            return Ok(false);
        }
        let buffer = self.fichiers.entry(role).or_default();
        buffer.try_reserve(morceau.len()).map_err(|_| Erreur("mémoire insuffisante pour lire le fichier".to_owned()))?;
        buffer.extend_from_slice(morceau);
        Ok(true)
    }

    /// Starts keeping a file of `taille` bytes given again by `ajouter` from its first byte —
    /// a ledger read as it arrived, before asking for its lines —, the computation kept.
    pub fn conserver(&mut self, role_du_fichier: &str, taille: usize) -> Result<(), Erreur> {
        let role = role(role_du_fichier)?;
        if role == Role::GrandLivre {
            (self.au_fil, self.partage) = (None, None);
        }
        self.garder(role, taille)
    }

    /// Whether the module holds the whole file (else `conserver` it before `detail` or `ligne`).
    pub fn conserve(&self, role_du_fichier: &str) -> Result<bool, Erreur> {
        Ok(self.garde(role(role_du_fichier)?))
    }

    /// Reads only the first `coupure` bytes of the ledger prepared (`preparer`, the parameters
    /// given first), up to a line end near its middle: a helper worker reads the rest
    /// ([`Partie`]), which `joindre` then merges. The page does so for a large ledger when the
    /// machine has a core for the helper; the result is the same as one reading.
    pub fn partager(&mut self, coupure: usize) -> Result<(), Erreur> {
        let (recus, taille) = self.recus.get(&Role::GrandLivre).copied().unwrap_or_default();
        let Some((period, _)) = self.au_fil.take_if(|_| recus == 0 && 0 < coupure && coupure < taille) else {
            return Err(Erreur("partage du grand livre impossible : préparez-le (les paramètres donnés d'abord) avant d'en donner un morceau, et coupez-le entre son premier et son dernier octet".to_owned()));
        };
        self.partage = Some((period, coupure, PartFeed::first(period)));
        Ok(())
    }

    /// Whether the ledger is still read in two parts: after `ajouter` answered `false`, the
    /// caller gives the first part again from its first byte when it is (a ledger that is not
    /// UTF-8), and else the whole file from its first byte once it has all of it (the
    /// ledger cannot be read in parts).
    pub fn partagee(&self) -> bool {
        self.partage.is_some()
    }

    /// Merges the rest of the ledger, read by the helper (`Partie.terminer`), into the first
    /// part, read here. `false` when it cannot be merged (no part read here, or the parts
    /// show that the file must be read whole: mixed encodings, ISO-8859-15…): the caller then
    /// gives the whole ledger from its first byte (`ajouter`).
    pub fn joindre(&mut self, partie: &[u8]) -> bool {
        let (recus, taille) = self.recus.get(&Role::GrandLivre).copied().unwrap_or_default();
        let Some((period, coupure, feed)) = self.partage.take() else {
            return false;
        };
        match feed.join(partie).filter(|_| recus == coupure) {
            Some(lu) => {
                self.recus.insert(Role::GrandLivre, (taille, taille));
                self.lu = Some((period, lu));
                true
            }
            None => {
                self.lire_en_entier(period, taille);
                false
            }
        }
    }

    /// Reads, validates and allocates the three files; keeps everything for the next questions.
    /// A ledger read as it arrived serves one computation, for the period given first; another
    /// needs its bytes (`conserver`, then `ajouter` from its first byte).
    pub fn calculer(&mut self, parametres: JsParametres) -> Result<JsResultat, Erreur> {
        let options = parametres_de(parametres)?.options()?;
        let ledger = self.grand_livre(options.period)?;
        let (computation, diagnostics) = compute_read(ledger, self.fichier(Role::Correspondance), self.fichier(Role::Inducteurs));
        let allocation = computation.as_ref().map(|c| &c.allocation);
        let document = allocation.map(|a| Document::new(a, &diagnostics));
        let book = rulebook();
        let mut libelles = BTreeMap::new();
        if let Some(doc) = &document {
            let codes = doc.pools.iter().map(|p| p.code.as_str()).chain(doc.activites.iter().map(|a| a.code.as_str()));
            for code in codes {
                if let Some(c) = NationalCode::parse(code) {
                    libelles.insert(code.to_owned(), book.label(c).to_owned());
                }
            }
        }
        let resultat = Resultat {
            calcule: document.is_some(),
            document: document.as_ref().map(|d| DocumentSansDiagnostics {
                activites: &d.activites,
                certifications: &d.certifications,
                pools: &d.pools,
                controle: &d.controle,
                actions: &d.actions,
                trace: d.trace.iter().map(EnteteTrace::from).collect(),
            }),
            axes: document.as_ref().map(axis_totals).unwrap_or_default(),
            flux: allocation.map(flows).unwrap_or_default(),
            indicateurs: allocation.map(indicators),
            rubriques: book.headings.iter().map(|(id, libelle)| Libelle { id: id.clone(), libelle: libelle.clone() }).collect(),
            libelles,
            diagnostics: synthese(&diagnostics),
            premiere_page: page_of(&diagnostics, &Filtre { nombre: Some(PREMIERE_PAGE), ..Filtre::default() }),
            octets: Role::ALL.iter().map(|&r| (r.label(), self.recus.get(&r).map_or(0, |x| x.0))).collect(),
        };
        let value = to_js(&resultat)?;
        let pools = allocation.iter().flat_map(|a| a.pools.iter().map(|p| p.key.clone())).collect();
        let mappings = match &computation {
            Some(_) => None,
            None => Mappings::read(self.fichier(Role::Correspondance)).ok().map(|(m, _)| m),
        };
        self.calcul = Some(Calcul { period: options.period, pools, mappings, diagnostics, document, computation, preprojet: None });
        Ok(value.unchecked_into())
    }

    fn calcul(&self) -> Result<&Calcul, Erreur> {
        self.calcul.as_ref().ok_or_else(|| Erreur("aucun calcul : déposez les fichiers puis lancez le calcul".to_owned()))
    }

    fn document(&self) -> Result<&Document, Erreur> {
        self.calcul()?.document.as_ref().ok_or_else(|| Erreur("le calcul n'a pas pu se faire : voir les diagnostics".to_owned()))
    }

    /// A page of the diagnostics that pass the filter (severity, code, file), in their order.
    pub fn diagnostics(&self, filtre: JsFiltre) -> Result<JsPage, Erreur> {
        let f: Filtre = from_js(filtre.into())?;
        Ok(to_js(&page_of(&self.calcul()?.diagnostics, &f))?.unchecked_into())
    }

    /// Line `numero` of a file, cut into cells beside its header (`null` if there is none).
    pub fn ligne(&self, fichier: &str, numero: u32) -> Result<JsValue, Erreur> {
        to_js(&raw_line(self.octets(role(fichier)?)?, numero))
    }

    /// The ledger lines behind a figure of the results.
    pub fn detail(&self, cible: JsCible) -> Result<JsValue, Erreur> {
        let c: Cible = from_js(cible.into())?;
        let calcul = self.calcul()?;
        let figure = match c.genre.as_str() {
            "activite" => {
                let code = c.code.as_deref().unwrap_or_default();
                let activity = NationalCode::parse(code).ok_or_else(|| Erreur(format!("activité « {code} » inconnue")))?;
                Figure::Activity { activity, certification: c.certification }
            }
            "pool" => {
                let key = c.pool.and_then(|i| calcul.pools.get(i)).ok_or_else(|| Erreur("pool inconnu".to_owned()))?;
                Figure::Pool(key.clone())
            }
            "non_rattache" => Figure::Unmapped,
            other => return Err(Erreur(format!("chiffre inconnu : « {other} »"))),
        };
        let nature = match c.nature.as_deref() {
            None => None,
            Some("charge") => Some(Nature::Charge),
            Some("produit") => Some(Nature::Product),
            Some(other) => return Err(Erreur(format!("nature inconnue : « {other} »"))),
        };
        let empty = Mappings::default();
        let mappings = calcul.computation.as_ref().map(|c| &c.mappings).or(calcul.mappings.as_ref()).unwrap_or(&empty);
        let ledger = self.octets(Role::GrandLivre)?;
        let detail =
            lines_behind(ledger, mappings, calcul.period, &figure, nature, c.limite.unwrap_or(DETAIL_LIMIT).min(DETAIL_LIMIT))?;
        to_js(&detail)
    }

    /// The XLSX workbook: activities, certifications, pools, allocation trail, control,
    /// diagnostics.
    pub fn classeur(&self) -> Result<Vec<u8>, Erreur> {
        Ok(xlsx::workbook(&export::sheets(self.document()?)))
    }

    /// One table as CSV (`activites`, `certifications`, `pools`, `repartition`, `controle`,
    /// `diagnostics`).
    pub fn csv(&self, table: &str) -> Result<Vec<u8>, Erreur> {
        export::sheets(self.document()?)
            .iter()
            .find(|s| s.id == table)
            .map(export::csv)
            .ok_or_else(|| Erreur(format!("table « {table} » inconnue")))
    }

    /// The whole trail of the allocation, pool by pool (the result gives only each pool's
    /// heading): the page asks for it when it first shows a pool's splits, or prints them.
    pub fn trace(&self) -> Result<JsValue, Erreur> {
        to_js(&self.document()?.trace)
    }

    /// The JSON document of `repartir --json` (spec §9).
    pub fn json(&self) -> Result<String, Erreur> {
        serde_json::to_string_pretty(self.document()?).map_err(|e| Erreur(format!("JSON impossible : {e}")))
    }
}
