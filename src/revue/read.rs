//! Reading back what the regions send: their pre-project exports (the CSV table, the XLSX/ODS
//! workbook with its identity and indicators sheets, or the `preprojet --json` document) and their
//! full results (the `repartir --json` document, which is also the page's JSON export).
//!
//! The kind of a file is told by its content: a JSON document by its top-level fields, anything
//! else is read as the pre-project's certification table. The table's columns are those of
//! `preprojet::export::certification_table` (the headers are taken from it), plus the names of the
//! JSON fields as aliases, so that a table written by hand in either spelling is read too.

use std::collections::BTreeMap;
use std::sync::OnceLock;

use serde::Deserialize;

use crate::allocate::Allocation;
use crate::date::Date;
use crate::diagnostic::{Code, Diagnostic, InputFile};
use crate::input::source;
use crate::input::table::{ColumnDef, Row, Table};
use crate::money::{Amount, Weight};
use crate::names::normalise;
use crate::preprojet::{Identity, PreProject, TotalRow, Unspread, export};
use crate::rulebook::rulebook;

/// The pre-project of one region as the review needs it.
#[derive(Debug, Clone, Default)]
pub struct PreProjectData {
    /// « classeur XLSX », « CSV », « JSON (preprojet --json) ».
    pub format: String,
    /// The organisation's name of the identity sheet (empty when the file has none).
    pub name: String,
    pub financial_year: Option<i32>,
    pub calendar: Option<DeclaredCalendar>,
    pub indicators: Option<DeclaredIndicators>,
    pub rows: Vec<PreProjectRow>,
}

/// The calendar as the region's file states it.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct DeclaredCalendar {
    pub transmission: Option<Date>,
    pub due: Option<Date>,
    pub sending: Option<Date>,
    pub on_time: Option<bool>,
    pub days_left: Option<i64>,
}

/// The §VI indicators as the region's file states them (counts and amounts; shares are
/// recomputed by the review with the one rounding rule).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct DeclaredIndicators {
    pub objects_mapped: Option<u64>,
    pub objects_total: Option<u64>,
    pub charges_mapped: Option<Amount>,
    pub charges_total: Option<Amount>,
    pub products_mapped: Option<Amount>,
    pub products_total: Option<Amount>,
    pub indirect: Option<Amount>,
    pub indirect_spread: Option<Amount>,
    pub pools: Option<u64>,
    pub pools_spread: Option<u64>,
}

/// One row of a pre-project: a certification at a site.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PreProjectRow {
    pub certification: String,
    pub title: String,
    pub site: Option<String>,
    /// Micro-units.
    pub apprentices: u128,
    pub learner_hours: u128,
    /// The eight headings, in the rulebook's order.
    pub headings: Vec<Amount>,
    pub products: Amount,
    pub line: Option<u32>,
}

/// The full results of one region (`repartir --json`).
#[derive(Debug, Clone, Default)]
pub struct ResultsData {
    pub activities: Vec<ActivityData>,
    pub actions: Vec<ActionData>,
    pub control: ControlData,
    /// (amount, not allocated) of every pool.
    pub pools: Vec<(Amount, Amount)>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ActivityData {
    pub code: String,
    pub direct: Amount,
    pub indirect: Amount,
    pub full_cost: Amount,
    pub products: Amount,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ActionData {
    pub code: String,
    pub charges: Amount,
    pub products: Amount,
}

#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct ControlData {
    pub charges: Amount,
    pub products: Amount,
    pub unallocated: Amount,
    pub unmapped_charges: Amount,
    pub unmapped_products: Amount,
}

/// What a file turned out to be.
#[derive(Debug, Clone)]
pub enum RegionData {
    PreProject(PreProjectData),
    Results(ResultsData),
}

/// Reads one region's file; `None` when it cannot be read at all (the reason is in `diagnostics`).
pub fn read(bytes: &[u8], diagnostics: &mut Vec<Diagnostic>) -> Option<RegionData> {
    let body = bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(bytes).trim_ascii_start();
    if body.starts_with(b"{") {
        return read_json(body, diagnostics);
    }
    read_table(bytes, diagnostics).map(RegionData::PreProject)
}

// ---------------------------------------------------------------------------------------------
// The certification table (CSV, XLSX, ODS).

/// Roles of the table, in the order of the export's columns.
const CODE: usize = 0;
const TITLE: usize = 1;
const SITE: usize = 2;
const APPRENTICES: usize = 3;
const LEARNER_HOURS: usize = 5;
const FIRST_HEADING: usize = 6;

/// The headers of the export, taken from its own table definition (an empty pre-project).
fn export_headers() -> Vec<String> {
    let book = rulebook();
    let zero: BTreeMap<String, Amount> = book.headings.iter().map(|(id, _)| (id.clone(), Amount::ZERO)).collect();
    let empty = PreProject {
        certifications: Vec::new(),
        calendrier: None,
        diagnostics: Vec::new(),
        identite: Identity::default(),
        total: TotalRow {
            apprentis: String::new(),
            heures: String::new(),
            heures_apprenants: String::new(),
            rubriques: zero.clone(),
            cout_complet: Amount::ZERO,
            produits: Amount::ZERO,
            marge: None,
            cout_par_apprenti: None,
            cout_par_heure_apprenant: None,
        },
        non_ventile: Unspread { rubriques: zero, produits: Amount::ZERO },
        complements: Vec::new(),
        indicateurs: crate::indicators::indicators(&Allocation::default(), None),
        note: String::new(),
    };
    export::certification_table(&empty).columns
}

/// The column definitions: the export's headers, with the JSON field names as aliases. The
/// eight headings, the total and the products are required (a missing heading is not zero).
pub fn columns() -> &'static [ColumnDef] {
    static HEADERS: OnceLock<Vec<String>> = OnceLock::new();
    static HEADING_IDS: OnceLock<Vec<[&'static str; 1]>> = OnceLock::new();
    static DEFS: OnceLock<Vec<ColumnDef>> = OnceLock::new();
    DEFS.get_or_init(|| {
        let headers = HEADERS.get_or_init(export_headers);
        let ids = HEADING_IDS.get_or_init(|| rulebook().headings.iter().map(|(id, _)| [id.as_str()]).collect());
        let n = ids.len();
        headers
            .iter()
            .enumerate()
            .map(|(i, name)| {
                let (aliases, required): (&'static [&'static str], bool) = match i {
                    CODE => (&["certification", "code", "code certification", "rncp"], true),
                    TITLE => (&["libelle", "intitule"], false),
                    SITE => (&[], false),
                    APPRENTICES => (&["apprentis"], true),
                    4 => (&["heures"], false),
                    LEARNER_HOURS => (&["heures_apprenants"], true),
                    h if (FIRST_HEADING..FIRST_HEADING + n).contains(&h) => (&ids[h - FIRST_HEADING][..], true),
                    t if t == FIRST_HEADING + n => (&["cout_complet", "total"], true),
                    p if p == FIRST_HEADING + n + 1 => (&["produits"], true),
                    _ => (&[], false),
                };
                ColumnDef { name: name.as_str(), aliases, required }
            })
            .collect()
    })
}

fn read_table(bytes: &[u8], diagnostics: &mut Vec<Diagnostic>) -> Option<PreProjectData> {
    let file = InputFile::Preprojet;
    // The workbook's « Certifications » sheet (a CSV is itself): decoded once here, so that the
    // table reader, which prefers a sheet named like its file, reads the right one.
    let decoded = match source::decode(bytes, file, "Certifications") {
        Ok(d) => d,
        Err(d) => {
            diagnostics.push(d);
            return None;
        }
    };
    diagnostics.extend(decoded.findings);
    let recognised = decoded.recognised;
    let workbook = recognised.sheet.is_some();
    let mut table = match Table::open(&decoded.text, file, columns()) {
        Ok(t) => t,
        Err(mut d) => {
            // Say what the user's file is, not what its decoded text looks like.
            if let Ok(inner) = source::decode(&decoded.text, file, "") {
                d.message = d.message.replace(&inner.recognised.describe(), &recognised.describe());
            }
            diagnostics.push(d);
            return None;
        }
    };
    let headings = rulebook().heading_count();
    let total_role = FIRST_HEADING + headings;
    let mut rows = Vec::new();
    table.for_each_row(diagnostics, |row, diags| {
        let code = row.get(CODE);
        let site = row.get(SITE);
        if code.is_empty() {
            diags.push(
                Diagnostic::new(Code::V011, file, "ligne sans code de certification : ignorée")
                    .at_line(row.line())
                    .in_column(columns()[CODE].name)
                    .hint("Chaque ligne du préprojet porte le code RNCP ou le code diplôme de sa certification."),
            );
            return;
        }
        if code.eq_ignore_ascii_case("total") && site.is_empty() {
            return; // the export's total row
        }
        let amount = |role: usize, diags: &mut Vec<Diagnostic>| cell_amount(&row, role, diags);
        let count = |role: usize, diags: &mut Vec<Diagnostic>| cell_count(&row, role, diags);
        let (Some(apprentices), Some(learner_hours)) = (count(APPRENTICES, diags), count(LEARNER_HOURS, diags)) else { return };
        let parsed: Vec<Option<Amount>> = (FIRST_HEADING..total_role).map(|r| amount(r, diags)).collect();
        let (Some(total), Some(products)) = (amount(total_role, diags), amount(total_role + 1, diags)) else { return };
        let Some(headings) = parsed.into_iter().collect::<Option<Vec<Amount>>>() else { return };
        check_total(&headings, total, code, Some(row.line()), diags);
        rows.push(PreProjectRow {
            certification: code.to_owned(),
            title: row.get(TITLE).to_owned(),
            site: (!site.is_empty()).then(|| site.to_owned()),
            apprentices,
            learner_hours,
            headings,
            products,
            line: Some(row.line()),
        });
    });
    let mut data = PreProjectData { format: recognised.format.clone(), rows, ..PreProjectData::default() };
    if workbook {
        read_identity_sheet(bytes, &mut data);
        read_indicators_sheet(bytes, &mut data);
    }
    Some(data)
}

fn cell_amount(row: &Row<'_>, role: usize, diagnostics: &mut Vec<Diagnostic>) -> Option<Amount> {
    let text = row.get(role);
    if text.is_empty() {
        return Some(Amount::ZERO);
    }
    Amount::parse(text)
        .map_err(|e| {
            diagnostics.push(
                Diagnostic::new(Code::F003, InputFile::Preprojet, format!("montant « {text} » illisible ({}) : ligne ignorée", e.explain()))
                    .at_line(row.line())
                    .in_column(columns()[role].name)
                    .hint("Un montant en euros, deux décimales au plus (1234,56)."),
            );
        })
        .ok()
}

fn cell_count(row: &Row<'_>, role: usize, diagnostics: &mut Vec<Diagnostic>) -> Option<u128> {
    let text = row.get(role);
    if text.is_empty() {
        return Some(0);
    }
    Weight::parse(text)
        .map(|w| u128::from(w.micros()))
        .map_err(|_| {
            diagnostics.push(
                Diagnostic::new(Code::F003, InputFile::Preprojet, format!("nombre « {text} » illisible : un nombre positif ou nul est attendu ; ligne ignorée"))
                    .at_line(row.line())
                    .in_column(columns()[role].name)
                    .hint("Recopiez le nombre tel que le préprojet l'a exporté (22,00)."),
            );
        })
        .ok()
}

fn check_total(headings: &[Amount], total: Amount, code: &str, line: Option<u32>, diagnostics: &mut Vec<Diagnostic>) {
    let sum: Amount = headings.iter().copied().sum();
    if sum != total {
        let mut d = Diagnostic::new(
                Code::V002,
                InputFile::Preprojet,
                format!("certification « {code} » : total des charges {} mais somme des huit rubriques {} ; la somme des rubriques est retenue", crate::money::euros(total), crate::money::euros(sum)),
        )
        .hint("Le total d'une ligne du préprojet est la somme de ses rubriques : le fichier a-t-il été modifié à la main ?");
        d.line = line;
        diagnostics.push(d);
    }
}

/// A sheet of a workbook as (label, value) pairs of its first two columns; `None` when the
/// workbook has no sheet of that name.
fn label_sheet(bytes: &[u8], sheet: &str) -> Option<Vec<(String, String)>> {
    let decoded = source::decode(bytes, InputFile::Preprojet, sheet).ok()?;
    if decoded.recognised.sheet.as_deref().map(normalise) != Some(normalise(sheet)) {
        return None;
    }
    let mut reader = csv::ReaderBuilder::new().delimiter(b';').has_headers(false).flexible(true).from_reader(&decoded.text[..]);
    Some(
        reader
            .records()
            .flatten()
            .filter_map(|r| Some((normalise(r.get(0)?), r.get(1).unwrap_or("").trim().to_owned())))
            .collect(),
    )
}

/// The value of the first label of `pairs` starting with `label` (normalised).
fn value<'p>(pairs: &'p [(String, String)], label: &str) -> Option<&'p str> {
    let wanted = normalise(label);
    pairs.iter().find(|(l, _)| l.starts_with(&wanted)).map(|(_, v)| v.as_str()).filter(|v| !v.is_empty())
}

/// The identity sheet of the export: the organisation's name, the year, the calendar.
fn read_identity_sheet(bytes: &[u8], data: &mut PreProjectData) {
    let Some(pairs) = label_sheet(bytes, "Identité") else { return };
    data.name = value(&pairs, "Nom de l'organisme").unwrap_or("").to_owned();
    data.financial_year = value(&pairs, "Exercice").and_then(|y| y.parse().ok());
    let date = |label| value(&pairs, label).and_then(Date::parse);
    let calendar = DeclaredCalendar {
        transmission: date("Date de transmission"),
        due: date("Date limite du préprojet"),
        sending: date("Date d'envoi"),
        on_time: value(&pairs, "Statut").map(|s| normalise(s) == normalise("à l'heure")),
        days_left: value(&pairs, "Jours restants").and_then(|d| d.parse().ok()),
    };
    if calendar != DeclaredCalendar::default() {
        data.calendar = Some(calendar);
    }
}

/// The indicators sheet of the export: counts and amounts (the shares are recomputed).
fn read_indicators_sheet(bytes: &[u8], data: &mut PreProjectData) {
    let Some(pairs) = label_sheet(bytes, "Indicateurs") else { return };
    // Exact labels here: « Charges rattachées » must not take « Charges indirectes … ».
    let exact = |label: &str| {
        let wanted = normalise(label);
        pairs.iter().find(|(l, _)| *l == wanted).map(|(_, v)| v.as_str())
    };
    let amount = |label| exact(label).and_then(|v| Amount::parse(v).ok());
    let count = |label| exact(label).and_then(|v| v.parse::<u64>().ok());
    let indicators = DeclaredIndicators {
        objects_mapped: count("Objets analytiques rattachés"),
        objects_total: count("Objets analytiques du grand livre"),
        charges_mapped: amount("Charges rattachées"),
        charges_total: amount("Charges du grand livre"),
        products_mapped: amount("Produits rattachés"),
        products_total: amount("Produits du grand livre"),
        indirect: amount("Charges indirectes (pools)"),
        indirect_spread: amount("Charges indirectes réparties par les clés harmonisées"),
        pools: count("Pools de charges indirectes"),
        pools_spread: count("Pools entièrement répartis"),
    };
    if indicators != DeclaredIndicators::default() {
        data.indicators = Some(indicators);
    }
    if let Some(on_time) = exact("Préprojet à l'heure").filter(|v| !v.is_empty()) {
        let calendar = data.calendar.get_or_insert_with(DeclaredCalendar::default);
        calendar.on_time = calendar.on_time.or(Some(normalise(on_time) == "oui"));
    }
}

// ---------------------------------------------------------------------------------------------
// JSON documents.

#[derive(Deserialize)]
struct PreProjectJson {
    certifications: Vec<RowJson>,
    #[serde(default)]
    complements: Vec<ComplementJson>,
    #[serde(default)]
    identite: Option<IdentityJson>,
    #[serde(default)]
    calendrier: Option<CalendarJson>,
    #[serde(default)]
    indicateurs: Option<IndicatorsJson>,
}

#[derive(Deserialize)]
struct RowJson {
    certification: String,
    #[serde(default)]
    site: Option<String>,
    apprentis: String,
    heures_apprenants: String,
    rubriques: BTreeMap<String, String>,
    cout_complet: String,
    produits: String,
}

#[derive(Deserialize)]
struct ComplementJson {
    certification: String,
    #[serde(default)]
    site: Option<String>,
    #[serde(default)]
    libelle: String,
}

#[derive(Deserialize)]
struct IdentityJson {
    #[serde(default)]
    nom: String,
    #[serde(default)]
    exercice: Option<i32>,
}

#[derive(Deserialize)]
struct CalendarJson {
    date_transmission: String,
    date_limite_preprojet: String,
    date_envoi: String,
    statut: String,
    jours_restants: i64,
}

#[derive(Deserialize)]
struct IndicatorsJson {
    objets_rattaches: u64,
    objets_total: u64,
    charges_rattachees: String,
    charges_total: String,
    produits_rattaches: String,
    produits_total: String,
    pools: u64,
    pools_entierement_repartis: u64,
    charges_indirectes: String,
    charges_indirectes_reparties: String,
    #[serde(default)]
    preprojet_a_l_heure: Option<bool>,
}

#[derive(Deserialize)]
struct ResultsJson {
    activites: Vec<ActivityJson>,
    #[serde(default)]
    actions: Vec<ActionJson>,
    controle: ControlJson,
    #[serde(default)]
    pools: Vec<PoolJson>,
}

#[derive(Deserialize)]
struct ActivityJson {
    code: String,
    charges_directes: String,
    charges_indirectes: String,
    cout_complet: String,
    produits: String,
}

#[derive(Deserialize)]
struct ActionJson {
    code: String,
    charges: String,
    produits: String,
}

#[derive(Deserialize)]
struct ControlJson {
    charges: String,
    produits: String,
    charges_non_reparties: String,
    charges_non_rattachees: String,
    produits_non_rattaches: String,
}

#[derive(Deserialize)]
struct PoolJson {
    montant: String,
    non_reparti: String,
}

/// Amounts of a JSON document: a string with two decimals; an unreadable one is `F003`.
struct JsonAmounts<'d> {
    file: InputFile,
    diagnostics: &'d mut Vec<Diagnostic>,
    failed: bool,
}

impl JsonAmounts<'_> {
    fn amount(&mut self, text: &str, what: &str) -> Amount {
        Amount::parse(text).unwrap_or_else(|e| {
            self.failed = true;
            self.diagnostics.push(
                Diagnostic::new(Code::F003, self.file, format!("{what} : montant « {text} » illisible ({})", e.explain()))
                    .hint("Les montants du document JSON sont des textes à deux décimales (« 1234.56 ») : redonnez le fichier tel que l'outil l'a écrit."),
            );
            Amount::ZERO
        })
    }

    fn count(&mut self, text: &str, what: &str) -> u128 {
        Weight::parse(text).map(|w| u128::from(w.micros())).unwrap_or_else(|_| {
            self.failed = true;
            self.diagnostics.push(
                Diagnostic::new(Code::F003, self.file, format!("{what} : nombre « {text} » illisible"))
                    .hint("Redonnez le document tel que l'outil l'a écrit."),
            );
            0
        })
    }
}

fn read_json(body: &[u8], diagnostics: &mut Vec<Diagnostic>) -> Option<RegionData> {
    let value: serde_json::Value = match serde_json::from_slice(body) {
        Ok(v) => v,
        Err(e) => {
            diagnostics.push(
                Diagnostic::new(Code::F001, InputFile::Preprojet, format!("document JSON illisible : {e}"))
                    .hint("Donnez le document tel que l'outil l'a écrit (preprojet --json, repartir --json, ou l'export JSON de la page)."),
            );
            return None;
        }
    };
    let has = |field: &str| value.get(field).is_some();
    let (file, parsed) = if has("activites") && has("controle") {
        (InputFile::Resultats, serde_json::from_value::<ResultsJson>(value).map(|r| read_results(r, diagnostics)))
    } else if has("certifications") && (has("total") || has("calendrier") || has("complements")) {
        (InputFile::Preprojet, serde_json::from_value::<PreProjectJson>(value).map(|p| read_preproject_json(p, diagnostics)))
    } else {
        diagnostics.push(
            Diagnostic::new(
                Code::F001,
                InputFile::Preprojet,
                "document JSON qui n'est ni un préprojet (champs certifications, total, calendrier) ni des résultats (champs activites, controle)",
            )
            .hint("Donnez le JSON de « preprojet --json » ou de « repartir --json » (c'est aussi l'export JSON de la page)."),
        );
        return None;
    };
    match parsed {
        Ok(data) => data,
        Err(e) => {
            diagnostics.push(
                Diagnostic::new(Code::F001, file, format!("document JSON incomplet : {e}"))
                    .hint("Redonnez le document tel que l'outil l'a écrit, sans le modifier."),
            );
            None
        }
    }
}

fn read_preproject_json(doc: PreProjectJson, diagnostics: &mut Vec<Diagnostic>) -> Option<RegionData> {
    let book = rulebook();
    let mut j = JsonAmounts { file: InputFile::Preprojet, diagnostics, failed: false };
    let titles: BTreeMap<(String, Option<String>), String> =
        doc.complements.into_iter().map(|c| ((c.certification, c.site), c.libelle)).collect();
    let mut rows = Vec::new();
    for r in doc.certifications {
        let at = format!("certification « {} »", r.certification);
        let headings: Vec<Amount> =
            book.headings.iter().map(|(id, _)| r.rubriques.get(id).map_or(Amount::ZERO, |t| j.amount(t, &at))).collect();
        let total = j.amount(&r.cout_complet, &at);
        let row = PreProjectRow {
            title: titles.get(&(r.certification.clone(), r.site.clone())).cloned().unwrap_or_default(),
            apprentices: j.count(&r.apprentis, &at),
            learner_hours: j.count(&r.heures_apprenants, &at),
            products: j.amount(&r.produits, &at),
            certification: r.certification,
            site: r.site,
            headings,
            line: None,
        };
        if row.certification.is_empty() {
            j.diagnostics.push(Diagnostic::new(Code::V011, InputFile::Preprojet, "ligne sans code de certification : ignorée"));
            continue;
        }
        check_total(&row.headings, total, &row.certification, None, j.diagnostics);
        rows.push(row);
    }
    let calendar = doc.calendrier.map(|c| DeclaredCalendar {
        transmission: Date::parse(&c.date_transmission),
        due: Date::parse(&c.date_limite_preprojet),
        sending: Date::parse(&c.date_envoi),
        on_time: Some(c.statut == "a_l_heure"),
        days_left: Some(c.jours_restants),
    });
    let indicators = doc.indicateurs.map(|i| {
        let calendar_on_time = i.preprojet_a_l_heure;
        (
            DeclaredIndicators {
                objects_mapped: Some(i.objets_rattaches),
                objects_total: Some(i.objets_total),
                charges_mapped: Some(j.amount(&i.charges_rattachees, "indicateurs")),
                charges_total: Some(j.amount(&i.charges_total, "indicateurs")),
                products_mapped: Some(j.amount(&i.produits_rattaches, "indicateurs")),
                products_total: Some(j.amount(&i.produits_total, "indicateurs")),
                indirect: Some(j.amount(&i.charges_indirectes, "indicateurs")),
                indirect_spread: Some(j.amount(&i.charges_indirectes_reparties, "indicateurs")),
                pools: Some(i.pools),
                pools_spread: Some(i.pools_entierement_repartis),
            },
            calendar_on_time,
        )
    });
    if j.failed {
        return None;
    }
    let identity = doc.identite.unwrap_or(IdentityJson { nom: String::new(), exercice: None });
    let calendar = match (calendar, indicators.as_ref().and_then(|(_, t)| *t)) {
        (None, Some(on_time)) => Some(DeclaredCalendar { on_time: Some(on_time), ..DeclaredCalendar::default() }),
        (c, _) => c,
    };
    Some(RegionData::PreProject(PreProjectData {
        format: "JSON (preprojet --json)".to_owned(),
        name: identity.nom,
        financial_year: identity.exercice,
        calendar,
        indicators: indicators.map(|(i, _)| i),
        rows,
    }))
}

fn read_results(doc: ResultsJson, diagnostics: &mut Vec<Diagnostic>) -> Option<RegionData> {
    let mut j = JsonAmounts { file: InputFile::Resultats, diagnostics, failed: false };
    let activities = doc
        .activites
        .iter()
        .map(|a| {
            let at = format!("activité {}", a.code);
            ActivityData {
                code: a.code.clone(),
                direct: j.amount(&a.charges_directes, &at),
                indirect: j.amount(&a.charges_indirectes, &at),
                full_cost: j.amount(&a.cout_complet, &at),
                products: j.amount(&a.produits, &at),
            }
        })
        .collect();
    let actions = doc
        .actions
        .iter()
        .map(|a| {
            let at = format!("action {}", a.code);
            ActionData { code: a.code.clone(), charges: j.amount(&a.charges, &at), products: j.amount(&a.produits, &at) }
        })
        .collect();
    let c = &doc.controle;
    let control = ControlData {
        charges: j.amount(&c.charges, "controle"),
        products: j.amount(&c.produits, "controle"),
        unallocated: j.amount(&c.charges_non_reparties, "controle"),
        unmapped_charges: j.amount(&c.charges_non_rattachees, "controle"),
        unmapped_products: j.amount(&c.produits_non_rattaches, "controle"),
    };
    let pools = doc.pools.iter().map(|p| (j.amount(&p.montant, "pools"), j.amount(&p.non_reparti, "pools"))).collect();
    if j.failed {
        return None;
    }
    Some(RegionData::Results(ResultsData { activities, actions, control, pools }))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_columns_are_the_exports_in_its_order() {
        let defs = columns();
        let n = rulebook().heading_count();
        assert_eq!(defs.len(), FIRST_HEADING + n + 5);
        assert_eq!(defs[CODE].name, "Code certification");
        assert_eq!(defs[LEARNER_HOURS].name, "Heures apprenants");
        assert_eq!(defs[FIRST_HEADING].aliases, ["pedagogie"]);
        assert!(defs[FIRST_HEADING + n].required && defs[FIRST_HEADING + n + 1].required);
    }
}
