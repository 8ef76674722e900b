//! The CFA pre-project for France compétences (spec §5, norm §V.e.iii and Annexe 3 « Focus
//! apprentissage »): one row per certification and site with the eight headings, the products,
//! the apprentices, hours and apprentice-hours, the ratios; the checks as diagnostics; the
//! calendar; the §VI indicators; the draft explanatory note.
//!
//! Pure: built from a [`Computation`] (the allocation and the inputs it was made from) and the
//! user's parameters. `export` turns the document into CSV and XLSX bytes, `note` into text.

pub mod export;
pub mod note;

use std::collections::{BTreeMap, BTreeSet};
use std::fmt::Write as _;

use rust_decimal::Decimal;
use serde::Serialize;

use crate::calendar::{Calendar, CalendarInput, calendar};
use crate::diagnostic::{Code, Diagnostic, InputFile};
use crate::indicators::{Indicators, indicators};
use crate::input::Ledger;
use crate::input::ledger::LedgerRead;
use crate::input::table::{ColumnDef, Table};
use crate::money::{Amount, euros, french, weight_sum_text};
use crate::ratio::{self, MONEY_DECIMALS, RATIO_DECIMALS};
use crate::report::{DiagnosticRow, diagnostic_rows, diagnostics_text};
use crate::rulebook::{DriverKind, Family, rulebook};
use crate::{Computation, Inputs, Options};

/// Who declares: shown on the identity sheet and the note.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct Identity {
    pub nom: String,
    pub siret: String,
    pub uai: String,
    /// The financial year declared.
    pub exercice: Option<i32>,
}

/// The user's parameters of a pre-project.
#[derive(Debug, Clone)]
pub struct PreProjectOptions<'a> {
    pub calendar: CalendarInput,
    pub identity: Identity,
    /// Optional list of certifications with their titles (`certification;libelle`).
    pub titles: Option<&'a [u8]>,
}

/// One row of `certifications` (spec §9, exactly its fields).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct CertificationRow {
    pub certification: String,
    pub site: Option<String>,
    pub apprentis: String,
    pub heures: String,
    pub heures_apprenants: String,
    /// The eight headings, every one present (zero written `0.00`).
    pub rubriques: BTreeMap<String, Amount>,
    pub cout_complet: Amount,
    pub produits: Amount,
    /// (produits − cout_complet) / produits, four decimals; absent without products.
    #[serde(skip_serializing_if = "Option::is_none", serialize_with = "ratio::serialize_option")]
    pub marge: Option<Decimal>,
}

/// What the export and the page show beside a row (`complements`, same order as the rows).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct CertificationDetail {
    pub certification: String,
    pub site: Option<String>,
    pub libelle: String,
    pub charges_directes: Amount,
    pub charges_indirectes: Amount,
    #[serde(skip_serializing_if = "Option::is_none", serialize_with = "ratio::serialize_option")]
    pub cout_par_apprenti: Option<Decimal>,
    #[serde(skip_serializing_if = "Option::is_none", serialize_with = "ratio::serialize_option")]
    pub cout_par_heure_apprenant: Option<Decimal>,
    /// Products by financing category of Annexe 4 (`non_precise` when the ledger gives none).
    pub produits_par_financeur: BTreeMap<String, Amount>,
}

/// The sum of the rows, with the same ratios.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct TotalRow {
    pub apprentis: String,
    pub heures: String,
    pub heures_apprenants: String,
    pub rubriques: BTreeMap<String, Amount>,
    pub cout_complet: Amount,
    pub produits: Amount,
    #[serde(skip_serializing_if = "Option::is_none", serialize_with = "ratio::serialize_option")]
    pub marge: Option<Decimal>,
    #[serde(skip_serializing_if = "Option::is_none", serialize_with = "ratio::serialize_option")]
    pub cout_par_apprenti: Option<Decimal>,
    #[serde(skip_serializing_if = "Option::is_none", serialize_with = "ratio::serialize_option")]
    pub cout_par_heure_apprenant: Option<Decimal>,
}

/// Apprenticeship amounts that no certification received (B01 commun not spread: `R001`,
/// `R004`): the gap between the apprenticeship total and the sum of the rows.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Unspread {
    pub rubriques: BTreeMap<String, Amount>,
    pub produits: Amount,
}

/// The document of `preprojet --json`: the three objects of spec §9, then additions at the top
/// level only (docs/regles-de-calcul.md §8).
#[derive(Debug, Serialize)]
pub struct PreProject {
    pub certifications: Vec<CertificationRow>,
    pub calendrier: Option<Calendar>,
    pub diagnostics: Vec<DiagnosticRow>,
    pub identite: Identity,
    pub total: TotalRow,
    pub non_ventile: Unspread,
    pub complements: Vec<CertificationDetail>,
    pub indicateurs: Indicators,
    /// The draft explanatory note, in Markdown.
    pub note: String,
}

/// What `preprojet` gives: the document when every input could be read, and all findings.
#[derive(Debug)]
pub struct PreProjectOutcome {
    pub document: Option<PreProject>,
    pub diagnostics: Vec<Diagnostic>,
}

/// Exact figures of one row before formatting.
#[derive(Debug, Default, Clone)]
struct Figures {
    direct: Amount,
    indirect: Amount,
    products: Amount,
    headings: Vec<Amount>,
    products_by_financer: BTreeMap<String, Amount>,
    /// Micro-units.
    apprentices: u128,
    hours: u128,
    learner_hours: u128,
}

impl Figures {
    fn full_cost(&self) -> Amount {
        self.direct + self.indirect
    }

    fn add(&mut self, other: &Figures) {
        self.direct += other.direct;
        self.indirect += other.indirect;
        self.products += other.products;
        for (i, h) in other.headings.iter().enumerate() {
            self.headings[i] += *h;
        }
        self.apprentices += other.apprentices;
        self.hours += other.hours;
        self.learner_hours += other.learner_hours;
    }

    /// (produits − coût) / produits.
    fn margin(&self) -> Option<Decimal> {
        let p = i128::from(self.products.cents());
        ratio::quotient(p - i128::from(self.full_cost().cents()), p, RATIO_DECIMALS)
    }

    /// Euros per unit of a quantity in micro-units: cents × 10⁴ / micros = euros.
    fn cost_per(&self, micros: u128) -> Option<Decimal> {
        let cents = i128::from(self.full_cost().cents());
        ratio::quotient(cents.checked_mul(10_000)?, i128::try_from(micros).ok()?, MONEY_DECIMALS)
    }

    fn headings_map(&self) -> BTreeMap<String, Amount> {
        rulebook().headings.iter().zip(&self.headings).map(|((id, _), a)| (id.clone(), *a)).collect()
    }
}

/// Reads, allocates and builds the pre-project.
pub fn run(inputs: Inputs<'_>, options: Options, pre: &PreProjectOptions<'_>) -> PreProjectOutcome {
    run_read(Ledger::read(inputs.ledger, options.period), inputs.mapping, inputs.drivers, pre)
}

/// [`run`] with the ledger already read ([`crate::run_read`]).
pub fn run_read(ledger: LedgerRead, mapping: &[u8], drivers: &[u8], pre: &PreProjectOptions<'_>) -> PreProjectOutcome {
    let (computation, mut diagnostics) = crate::compute_read(ledger, mapping, drivers);
    let document = match &computation {
        Some(c) => {
            let (document, own) = of_computation(c, &diagnostics, pre);
            diagnostics.extend(own);
            Some(document)
        }
        None => {
            if let Some(bytes) = pre.titles {
                read_titles(bytes, &mut diagnostics);
            }
            None
        }
    };
    crate::diagnostic::sort(&mut diagnostics);
    PreProjectOutcome { document, diagnostics }
}

/// The pre-project of a computation already made (the page keeps its computation and asks for
/// the pre-project afterwards, with other parameters each time). `computed` are the findings of
/// the computation: the document lists them with the pre-project's own (checks, calendar,
/// identity, titles file), which are also returned alone, sorted.
pub fn of_computation(c: &Computation, computed: &[Diagnostic], pre: &PreProjectOptions<'_>) -> (PreProject, Vec<Diagnostic>) {
    let mut own = Vec::new();
    let titles = pre.titles.map(|bytes| read_titles(bytes, &mut own)).unwrap_or_default();
    let mut document = build(c, pre, &titles, &mut own);
    let mut all: Vec<Diagnostic> = computed.iter().chain(&own).cloned().collect();
    document.note = note::note(&document, c, &all);
    crate::diagnostic::sort(&mut all);
    document.diagnostics = diagnostic_rows(&all);
    crate::diagnostic::sort(&mut own);
    (document, own)
}

const TITLE_COLUMNS: &[ColumnDef] = &[
    ColumnDef { name: "certification", aliases: &["code certification", "rncp", "code diplome", "code"], required: true },
    ColumnDef { name: "libelle", aliases: &["intitule", "titre", "intitule de la certification"], required: true },
];

/// Reads the titles of the certifications; an unreadable file is reported and gives no title.
fn read_titles(bytes: &[u8], diagnostics: &mut Vec<Diagnostic>) -> BTreeMap<String, String> {
    let mut titles: BTreeMap<String, String> = BTreeMap::new();
    let mut table = match Table::open(bytes, InputFile::Certifications, TITLE_COLUMNS) {
        Ok(t) => t,
        Err(d) => {
            diagnostics.push(d);
            return titles;
        }
    };
    table.for_each_row(diagnostics, |row, diags| {
        let (code, title) = (row.get(0), row.get(1));
        if code.is_empty() {
            return;
        }
        match titles.get(code) {
            Some(known) if known != title => diags.push(
                Diagnostic::new(
                    Code::P010,
                    InputFile::Certifications,
                    format!("certification « {code} » déjà nommée « {known} », ici « {title} » : le premier intitulé est gardé"),
                )
                .at_line(row.line())
                .hint("Gardez une seule ligne par certification."),
            ),
            Some(_) => {}
            None => {
                titles.insert(code.to_owned(), title.to_owned());
            }
        }
    });
    titles
}

/// Whether a certification code has a shape France compétences knows: `RNCP` followed by digits
/// (any case), or a diploma code of exactly 8 letters or digits.
pub fn is_certification_code(code: &str) -> bool {
    let rncp = code.len() > 4
        && code.is_char_boundary(4)
        && code[..4].eq_ignore_ascii_case("RNCP")
        && code[4..].bytes().all(|b| b.is_ascii_digit());
    let diploma = code.len() == 8 && code.bytes().all(|b| b.is_ascii_alphanumeric());
    rncp || diploma
}

/// SIRET: 14 digits whose Luhn sum is a multiple of 10.
fn is_siret(text: &str) -> bool {
    let digits: Vec<u32> = text.chars().filter(|c| !c.is_whitespace()).map(|c| c.to_digit(10).unwrap_or(99)).collect();
    digits.len() == 14
        && digits.iter().all(|&d| d < 10)
        && digits.iter().rev().enumerate().map(|(i, &d)| if i % 2 == 1 { (d * 2) % 10 + (d * 2) / 10 } else { d }).sum::<u32>() % 10 == 0
}

/// UAI (code of the establishment): 7 digits and a letter.
fn is_uai(text: &str) -> bool {
    let b = text.trim().as_bytes();
    b.len() == 8 && b[..7].iter().all(u8::is_ascii_digit) && b[7].is_ascii_alphabetic()
}

fn site_text(site: Option<&str>) -> String {
    site.map_or_else(|| "régional".to_owned(), |s| format!("site « {s} »"))
}

fn build(c: &Computation, pre: &PreProjectOptions<'_>, titles: &BTreeMap<String, String>, diagnostics: &mut Vec<Diagnostic>) -> PreProject {
    let book = rulebook();
    let b01 = book.apprenticeship();
    let n = book.heading_count();
    let blank = || Figures { headings: vec![Amount::ZERO; n], ..Figures::default() };

    // 1. Figures per (certification, site): the allocation's receivers, the drivers' counts.
    let mut rows: BTreeMap<(String, Option<String>), Figures> = BTreeMap::new();
    for (receiver, totals) in &c.allocation.receivers {
        let (true, Some(cert)) = (receiver.activity == b01, &receiver.certification) else { continue };
        let f = rows.entry((cert.clone(), receiver.site.clone())).or_insert_with(blank);
        f.direct += totals.direct;
        f.indirect += totals.indirect;
        f.products += totals.products;
        for (i, h) in totals.headings.iter().enumerate() {
            f.headings[i] += *h;
        }
        for (financer, amount) in &totals.products_by_financer {
            let key = if financer.is_empty() { "non_precise".to_owned() } else { financer.clone() };
            *f.products_by_financer.entry(key).or_default() += *amount;
        }
    }
    for row in &c.drivers.rows {
        let (DriverKind::HeuresApprenants, Some(true), Some(cert)) = (row.kind, row.activity.map(|a| a == b01), &row.certification) else {
            continue;
        };
        let f = rows.entry((cert.clone(), row.site.clone())).or_insert_with(blank);
        f.learner_hours += u128::from(row.value.micros());
        f.apprentices += row.learners.map_or(0, |w| u128::from(w.micros()));
        f.hours += row.hours.map_or(0, |w| u128::from(w.micros()));
        let missing: Vec<&str> = [(row.hours.is_none(), "heures"), (row.learners.is_none(), "apprenants")]
            .into_iter()
            .filter_map(|(m, what)| m.then_some(what))
            .collect();
        if !missing.is_empty() {
            diagnostics.push(
                Diagnostic::new(
                    Code::P007,
                    InputFile::Inducteurs,
                    format!(
                        "heures apprenants {} de « {cert} » sans {} : les apprentis et les heures de la certification au préprojet sont incomplets",
                        row.value,
                        missing.join(" ni ")
                    ),
                )
                .at_line(row.line)
                .hint("Donnez les heures de formation et le nombre d'apprentis de la ligne : la valeur est alors calculée (heures × apprenants)."),
            );
        }
    }

    // 2. What stayed on the B01 commun pools (not received by any certification).
    let mut unspread = blank();
    for pool in c.allocation.pools.iter().filter(|p| p.key.family == Family::B01Commun) {
        for split in &pool.level2 {
            if let Some(h) = split.heading {
                unspread.headings[h.index()] += split.split.unallocated;
            }
        }
        unspread.products += pool.products;
    }

    // 3. Checks.
    check_rows(&rows, diagnostics);
    check_codes(c, rows.keys().map(|(cert, _)| cert.as_str()).collect(), diagnostics);
    for (i, amount) in unspread.headings.iter().enumerate().filter(|(_, a)| !a.is_zero()) {
        diagnostics.push(
            Diagnostic::new(
                Code::P006,
                InputFile::Calcul,
                format!(
                    "rubrique « {} » : {} de charges de l'apprentissage (B01 sans certification) ne sont portées par aucune certification ; la somme des certifications est inférieure au total de l'apprentissage",
                    book.headings[i].1,
                    euros(*amount)
                ),
            )
            .hint("Ajoutez les heures apprenants des certifications du site concerné pour que le pool B01 commun soit réparti (voir R001)."),
        );
    }
    if !unspread.products.is_zero() {
        diagnostics.push(
            Diagnostic::new(
                Code::P006,
                InputFile::Calcul,
                format!("produits : {} de produits de l'apprentissage sans certification ne sont portés par aucune certification (voir R004)", euros(unspread.products)),
            )
            .hint("Ajoutez les heures apprenants des certifications du site concerné."),
        );
    }
    check_identity(&pre.identity, diagnostics);
    let calendrier = calendar(pre.calendar, diagnostics);

    // 4. The document.
    let mut total = blank();
    for f in rows.values() {
        total.add(f);
    }
    let certifications = rows
        .iter()
        .map(|((cert, site), f)| CertificationRow {
            certification: cert.clone(),
            site: site.clone(),
            apprentis: weight_sum_text(f.apprentices),
            heures: weight_sum_text(f.hours),
            heures_apprenants: weight_sum_text(f.learner_hours),
            rubriques: f.headings_map(),
            cout_complet: f.full_cost(),
            produits: f.products,
            marge: f.margin(),
        })
        .collect();
    let complements = rows
        .iter()
        .map(|((cert, site), f)| CertificationDetail {
            certification: cert.clone(),
            site: site.clone(),
            libelle: titles.get(cert).cloned().unwrap_or_default(),
            charges_directes: f.direct,
            charges_indirectes: f.indirect,
            cout_par_apprenti: f.cost_per(f.apprentices),
            cout_par_heure_apprenant: f.cost_per(f.learner_hours),
            produits_par_financeur: f.products_by_financer.clone(),
        })
        .collect();
    let total_row = TotalRow {
        apprentis: weight_sum_text(total.apprentices),
        heures: weight_sum_text(total.hours),
        heures_apprenants: weight_sum_text(total.learner_hours),
        rubriques: total.headings_map(),
        cout_complet: total.full_cost(),
        produits: total.products,
        marge: total.margin(),
        cout_par_apprenti: total.cost_per(total.apprentices),
        cout_par_heure_apprenant: total.cost_per(total.learner_hours),
    };
    let indicateurs = indicators(&c.allocation, calendrier.as_ref());
    PreProject {
        certifications,
        calendrier,
        identite: pre.identity.clone(),
        total: total_row,
        non_ventile: Unspread { rubriques: unspread.headings_map(), produits: unspread.products },
        complements,
        indicateurs,
        // Written by the caller, from every finding (the computation's too).
        note: String::new(),
        diagnostics: Vec::new(),
    }
}

/// Margin above the threshold, charges without apprentices or hours, negative headings.
fn check_rows(rows: &BTreeMap<(String, Option<String>), Figures>, diagnostics: &mut Vec<Diagnostic>) {
    let book = rulebook();
    let threshold = book.parameter_number("seuil_marge_preprojet").map_or(200_000, |w| i128::from(w.micros()));
    for ((cert, site), f) in rows {
        let at = format!("certification « {cert} » ({})", site_text(site.as_deref()));
        let (products, cost) = (i128::from(f.products.cents()), i128::from(f.full_cost().cents()));
        // (p − c) / p > seuil ⇔ (p − c) × 10⁶ > seuil_micro × p, for p > 0: exact.
        if products > 0 && (products - cost) * 1_000_000 > threshold * products {
            let margin = f.margin().map(ratio::french).unwrap_or_default();
            diagnostics.push(
                Diagnostic::new(
                    Code::P002,
                    InputFile::Calcul,
                    format!(
                        "{at} : marge {margin} (produits {}, coût complet {}) au-dessus de {} : France compétences a interrogé des CFA à ce niveau",
                        euros(f.products),
                        euros(f.full_cost()),
                        book.parameter("seuil_marge_preprojet").unwrap_or("0,20")
                    ),
                )
                .hint("Vérifiez que toutes les charges de la certification sont imputées (pédagogie, structure, loyers internes) et que les produits sont les siens."),
            );
        }
        if !f.full_cost().is_zero() && (f.apprentices == 0 || f.hours == 0) {
            let missing = match (f.apprentices == 0, f.hours == 0) {
                (true, true) => "ni apprentis ni heures",
                (true, false) => "aucun apprenti",
                _ => "aucune heure de formation",
            };
            diagnostics.push(
                Diagnostic::new(Code::P003, InputFile::Calcul, format!("{at} : {} de charges mais {missing} au préprojet", euros(f.full_cost())))
                    .hint("Ajoutez une ligne heures_apprenants avec heures et apprenants pour cette certification et ce site, ou rattachez ses charges au bon site."),
            );
        }
        for (i, amount) in f.headings.iter().enumerate().filter(|(_, a)| a.cents() < 0) {
            diagnostics.push(
                Diagnostic::new(Code::P005, InputFile::Calcul, format!("{at} : rubrique « {} » négative ({})", book.headings[i].1, euros(*amount)))
                    .hint("Une rubrique négative vient d'avoirs ou d'écritures de correction plus grands que les charges : vérifiez l'imputation."),
            );
        }
    }
}

/// One `P004` per certification code of the wrong shape, at the first place it is written.
fn check_codes(c: &Computation, certifications: BTreeSet<&str>, diagnostics: &mut Vec<Diagnostic>) {
    let wrong: BTreeSet<&str> = certifications.into_iter().filter(|c| !is_certification_code(c)).collect();
    if wrong.is_empty() {
        return;
    }
    // Where each wrong code is first written, in one pass over each input (not one per code).
    let mut in_mapping: BTreeMap<&str, u32> = BTreeMap::new();
    for r in c.mappings.objects.values() {
        if let Some(cert) = r.certification.as_deref().filter(|c| wrong.contains(c)) {
            let line = in_mapping.entry(cert).or_insert(r.line);
            *line = (*line).min(r.line);
        }
    }
    let mut in_drivers: BTreeMap<&str, u32> = BTreeMap::new();
    for r in &c.drivers.rows {
        if let Some(cert) = r.certification.as_deref().filter(|c| wrong.contains(c)) {
            in_drivers.entry(cert).or_insert(r.line);
        }
    }
    let mut in_ledger: BTreeMap<&str, u32> = BTreeMap::new();
    for p in c.ledger.postings.iter().filter(|p| p.certification != 0) {
        let cert = c.ledger.certifications.name(p.certification);
        if wrong.contains(cert) {
            let line = in_ledger.entry(cert).or_insert(p.first_line);
            *line = (*line).min(p.first_line);
        }
    }
    for cert in wrong {
        let (in_mapping, in_drivers, in_ledger) =
            (in_mapping.get(cert).copied(), in_drivers.get(cert).copied(), in_ledger.get(cert).copied());
        let (file, line) = match (in_mapping, in_drivers, in_ledger) {
            (Some(l), _, _) => (InputFile::Correspondance, Some(l)),
            (None, Some(l), _) => (InputFile::Inducteurs, Some(l)),
            (None, None, l) => (InputFile::GrandLivre, l),
        };
        let mut d = Diagnostic::new(
            Code::P004,
            file,
            format!("certification « {cert} » : ni un numéro RNCP (RNCP suivi de chiffres), ni un code diplôme de 8 caractères"),
        )
        .in_column("certification")
        .hint("France compétences identifie chaque certification par son code RNCP (RNCP12345) ou son code diplôme (8 caractères).");
        if let Some(line) = line {
            d = d.at_line(line);
        }
        diagnostics.push(d);
    }
}

fn check_identity(identity: &Identity, diagnostics: &mut Vec<Diagnostic>) {
    if !identity.siret.is_empty() && !is_siret(&identity.siret) {
        diagnostics.push(
            Diagnostic::new(Code::P008, InputFile::Parametres, format!("SIRET « {} » : 14 chiffres dont la clé de Luhn est juste sont attendus", identity.siret))
                .in_column("siret")
                .hint("Recopiez le SIRET de l'établissement qui déclare (SIREN + NIC)."),
        );
    }
    if !identity.uai.is_empty() && !is_uai(&identity.uai) {
        diagnostics.push(
            Diagnostic::new(Code::P008, InputFile::Parametres, format!("UAI « {} » : 7 chiffres et une lettre sont attendus", identity.uai))
                .in_column("uai")
                .hint("Recopiez le code UAI du CFA (ex. 0755678A)."),
        );
    }
}

impl PreProject {
    /// The readable French report of `preprojet` without `--json`.
    pub fn to_text(&self) -> String {
        let book = rulebook();
        let mut out = String::new();
        let w = &mut out;
        let id = &self.identite;
        let _ = writeln!(w, "Préprojet France compétences{}{}\n", if id.nom.is_empty() { String::new() } else { format!(" — {}", id.nom) }, id.exercice.map_or_else(String::new, |y| format!(", exercice {y}")));
        let _ = writeln!(
            w,
            "{:<14} {:<10} {:>10} {:>10} {:>14} {:>16} {:>16} {:>9}",
            "certification", "site", "apprentis", "heures", "h. apprenants", "coût complet", "produits", "marge"
        );
        let line = |w: &mut String, cert: &str, site: &str, a: &str, h: &str, ha: &str, cost: Amount, prod: Amount, marge: Option<Decimal>| {
            let _ = writeln!(
                w,
                "{:<14} {:<10} {:>10} {:>10} {:>14} {:>16} {:>16} {:>9}",
                cert,
                site,
                a.replace('.', ","),
                h.replace('.', ","),
                ha.replace('.', ","),
                french(cost),
                french(prod),
                marge.map_or_else(|| "—".to_owned(), ratio::french)
            );
        };
        for r in &self.certifications {
            line(w, &r.certification, r.site.as_deref().unwrap_or("(régional)"), &r.apprentis, &r.heures, &r.heures_apprenants, r.cout_complet, r.produits, r.marge);
        }
        let t = &self.total;
        line(w, "Total", "", &t.apprentis, &t.heures, &t.heures_apprenants, t.cout_complet, t.produits, t.marge);
        let _ = writeln!(w, "\nRubriques France compétences (€)\n");
        let _ = write!(w, "{:<14} {:<10}", "certification", "site");
        for (id, _) in &book.headings {
            let _ = write!(w, " {:>14}", id.chars().take(14).collect::<String>());
        }
        let _ = writeln!(w);
        let headings = |w: &mut String, cert: &str, site: &str, r: &BTreeMap<String, Amount>| {
            let _ = write!(w, "{cert:<14} {site:<10}");
            for (id, _) in &book.headings {
                let _ = write!(w, " {:>14}", french(r.get(id).copied().unwrap_or_default()));
            }
            let _ = writeln!(w);
        };
        for r in &self.certifications {
            headings(w, &r.certification, r.site.as_deref().unwrap_or("(régional)"), &r.rubriques);
        }
        headings(w, "Total", "", &t.rubriques);
        let _ = writeln!(w, "\nCoûts unitaires et produits par financeur (€)\n");
        let _ = writeln!(w, "{:<14} {:<10} {:>14} {:>14}  {:<30} produits par financeur", "certification", "site", "par apprenti", "par h. appr.", "intitulé");
        let unit = |d: Option<Decimal>| d.map_or_else(|| "—".to_owned(), ratio::french_decimal);
        for d in &self.complements {
            let financers: Vec<String> = d.produits_par_financeur.iter().map(|(f, a)| format!("{f} {}", french(*a))).collect();
            let _ = writeln!(
                w,
                "{:<14} {:<10} {:>14} {:>14}  {:<30} {}",
                d.certification,
                d.site.as_deref().unwrap_or("(régional)"),
                unit(d.cout_par_apprenti),
                unit(d.cout_par_heure_apprenant),
                d.libelle,
                if financers.is_empty() { "—".to_owned() } else { financers.join(" ; ") }
            );
        }
        if let Some(c) = &self.calendrier {
            let _ = writeln!(
                w,
                "\nCalendrier : transmission à France compétences le {} ; préprojet dû à CMA France le {} ; envoi le {} : {} ({} jour(s) {})",
                c.date_transmission.french(),
                c.date_limite_preprojet.french(),
                c.date_envoi.french(),
                c.statut.label(),
                c.jours_restants.abs(),
                if c.jours_restants >= 0 { "restant(s)" } else { "de retard" }
            );
        }
        let i = &self.indicateurs;
        let pct = |d: Option<Decimal>| d.map_or_else(|| "—".to_owned(), ratio::french);
        let _ = writeln!(w, "\nIndicateurs (norme §VI)\n");
        let _ = writeln!(w, "objets rattachés à la nomenclature     {} / {} ({})", i.objets_rattaches, i.objets_total, pct(i.part_objets_rattaches));
        let _ = writeln!(w, "charges rattachées                     {} / {} ({})", french(i.charges_rattachees), french(i.charges_total), pct(i.part_charges_rattachees));
        let _ = writeln!(w, "produits rattachés                     {} / {} ({})", french(i.produits_rattaches), french(i.produits_total), pct(i.part_produits_rattaches));
        let _ = writeln!(w, "charges indirectes réparties par clé   {} / {} ({})", french(i.charges_indirectes_reparties), french(i.charges_indirectes), pct(i.part_charges_indirectes_reparties));
        let _ = writeln!(
            w,
            "préprojet à l'heure                    {}",
            match i.preprojet_a_l_heure {
                Some(true) => "oui",
                Some(false) => "non",
                None => "—",
            }
        );
        out.push_str(&diagnostics_text(&self.diagnostics));
        out
    }
}
