//! CMA France's review of the regions (issue #8, norm §IV, §V.e.iii, §VI): several regions'
//! pre-projects and full results read at once, each tagged with its region, and compared.
//!
//! - `compare`: per certification present in several regions, cost per apprentice and per heure
//!   apprenant, heading mix, margin; regions far from the median flagged by a robust rule
//!   (`stats`), with the heading that explains most of the gap.
//! - `network`: the national aggregate by activity and axis with each region's share, the cost
//!   of the codes flagged (COP) and (PN), and the compliance dashboard of norm §VI.
//! - `export`: the tables of the document as the users' CSV and as an XLSX workbook; `text`: the
//!   readable French report.
//!
//! Pure: (region, file name, bytes) in, one serialisable document out — the CLI reads files, the
//! page will hand over dropped files the same way.

pub mod compare;
pub mod export;
pub mod network;
pub mod read;
pub mod stats;
pub mod text;

use std::collections::BTreeMap;

use rust_decimal::Decimal;
use serde::Serialize;

use crate::date::Date;
use crate::diagnostic::{Code, Diagnostic, InputFile};
use crate::money::Weight;
use crate::names::normalise;
use crate::ratio;
use crate::report::{DiagnosticRow, diagnostic_rows};
use crate::rulebook::rulebook;

use read::{PreProjectData, RegionData, ResultsData};

/// One file given to the review.
#[derive(Debug, Clone, Copy)]
pub struct RegionFile<'a> {
    /// The region's tag (`--region "Bretagne=…"`); without it, the identity sheet's name, else
    /// the file's name.
    pub region: Option<&'a str>,
    /// The file's name, for messages and for the region's name when nothing else gives one.
    pub file_name: &'a str,
    pub bytes: &'a [u8],
}

/// The user's parameters of a review.
#[derive(Debug, Clone, Default)]
pub struct ReviewOptions {
    /// Robust z beyond which a region is flagged; the rulebook's `seuil_ecart_robuste` when
    /// `None`.
    pub threshold: Option<Weight>,
    /// Dates at which CMA France received each region's préprojet (region, date).
    pub receptions: Vec<(String, Date)>,
    /// Date of transmission to France compétences, for the received dates when a region's file
    /// does not state it.
    pub transmission: Option<Date>,
}

/// The parameters the figures were computed with, shown with them.
#[derive(Debug, Clone, Serialize)]
pub struct ReviewParameters {
    #[serde(serialize_with = "ratio::serialize")]
    pub seuil: Decimal,
    #[serde(serialize_with = "ratio::serialize")]
    pub facteur_ecart_absolu_median: Decimal,
    pub regions_minimum: u32,
}

/// A file as read.
#[derive(Debug, Clone, Serialize)]
pub struct FileSummary {
    pub fichier: String,
    /// `preprojet`, `resultats`, or `illisible`.
    pub nature: &'static str,
    pub format: String,
}

/// A region of the review and what it gave.
#[derive(Debug, Clone, Serialize)]
pub struct RegionSummary {
    pub region: String,
    pub fichiers: Vec<FileSummary>,
    /// The organisation's name of the pre-project's identity (empty when unknown).
    pub nom_organisme: String,
    pub exercice: Option<i32>,
    /// Distinct certifications of its pre-project.
    pub certifications: usize,
    pub preprojet: bool,
    pub resultats: bool,
}

/// The document of `revue --json`.
#[derive(Debug, Serialize)]
pub struct Review {
    pub parametres: ReviewParameters,
    pub regions: Vec<RegionSummary>,
    pub certifications: Vec<compare::CertificationReview>,
    pub certifications_non_comparees: Vec<compare::SingleCertification>,
    pub atypiques: Vec<compare::Outlier>,
    pub national: network::National,
    pub conformite: Vec<network::Compliance>,
    pub actions_cop_pn: network::FlaggedCodes,
    pub diagnostics: Vec<DiagnosticRow>,
}

/// A region with what its files gave, before comparison.
#[derive(Debug, Default)]
pub struct Region {
    pub name: String,
    pub files: Vec<FileSummary>,
    pub preproject: Option<PreProjectData>,
    pub results: Option<ResultsData>,
}

/// The resolved parameters.
#[derive(Debug, Clone, Copy)]
pub struct Rule {
    pub threshold: Weight,
    pub factor: Weight,
    pub minimum: u32,
}

impl Rule {
    fn new(threshold: Option<Weight>) -> Rule {
        let book = rulebook();
        Rule {
            threshold: threshold.or_else(|| book.parameter_number("seuil_ecart_robuste")).unwrap_or(Weight::from_micros(3_000_000)),
            factor: book.parameter_number("facteur_ecart_absolu_median").unwrap_or(Weight::from_micros(1_482_600)),
            minimum: book.parameter("regions_minimum_revue").and_then(|n| n.parse().ok()).unwrap_or(3),
        }
    }
}

/// A weight as a decimal (`3`, `1.4826`).
fn weight_decimal(w: Weight) -> Decimal {
    Decimal::from_i128_with_scale(i128::from(w.micros()), 6).normalize()
}

/// Words around a region's name in an organisation's name or a file's name, never part of the
/// region: « Chambre de métiers et de l'artisanat de région Bretagne », « CMA Région Grand
/// Est », « bretagne-preprojet-2024 », « Normandie_résultats ». Compared normalised; a year
/// (four digits) goes too. « La » stays: it belongs to « La Réunion ».
const AROUND_REGION: &[&str] = &[
    "cma", "cmar", "cmai", "chambre", "chambres", "metiers", "metier", "artisanat", "et", "de", "des", "du", "d", "l", "region", "regionale",
    "regional", "interdepartementale", "niveau", "preprojet", "pre", "projet", "resultats", "resultat", "results", "export", "cfa", "revue",
    "comptabilite", "analytique", "json", "xlsx", "csv", "exercice", "version", "final", "definitif",
];

/// Articles before the words around a region (« CMA de la région Grand Est ») go with them; an
/// article before the region's own name stays in the name (« La Réunion ») but not in its key.
const ARTICLES: &[&str] = &["la", "le", "les"];

/// The region a name proposes: the name without the words around the region (`AROUND_REGION`),
/// `_` read as a space; the name itself, trimmed, when nothing else would remain.
pub fn region_name(raw: &str) -> String {
    region_core(raw).unwrap_or_else(|| raw.trim().to_owned())
}

/// The region a file's name proposes: its stem's (`region_name`), else, when the stem is only
/// words around a region (`preprojet.xlsx`), its nearest folder's (`bretagne/preprojet.xlsx`).
fn file_region(file_name: &str) -> String {
    let mut parts = file_name.rsplit(['/', '\\']);
    let base = parts.next().unwrap_or(file_name);
    let stem = base.rsplit_once('.').map_or(base, |(s, _)| s);
    std::iter::once(stem).chain(parts).find_map(region_core).unwrap_or_else(|| stem.trim().to_owned())
}

/// `region_name`, or `None` when nothing but words around a region is left.
fn region_core(raw: &str) -> Option<String> {
    let raw = raw.trim();
    let tokens: Vec<(usize, usize)> = raw
        .char_indices()
        .filter(|&(i, c)| c.is_alphanumeric() && !raw[..i].chars().next_back().is_some_and(char::is_alphanumeric))
        .map(|(start, _)| {
            let end = raw[start..].find(|c: char| !c.is_alphanumeric()).map_or(raw.len(), |n| start + n);
            (start, end)
        })
        .collect();
    let word = |&(start, end): &(usize, usize)| normalise(&raw[start..end]);
    // A year (`2024`) or a version (`v2`) goes with the words around a region.
    let around = |t: &(usize, usize)| {
        let w = word(t);
        let digits = |d: &str| !d.is_empty() && d.bytes().all(|b| b.is_ascii_digit());
        AROUND_REGION.contains(&w.as_str()) || (w.len() == 4 && digits(&w)) || w.strip_prefix('v').is_some_and(digits)
    };
    let mut first = 0;
    while first < tokens.len() {
        let article_then_around = ARTICLES.contains(&word(&tokens[first]).as_str()) && tokens.get(first + 1).is_some_and(around);
        if !around(&tokens[first]) && !article_then_around {
            break;
        }
        first += 1;
    }
    let first = (first < tokens.len()).then_some(first);
    let last = tokens.iter().rposition(|t| !around(t));
    Some(raw[tokens[first?].0..tokens[last?].1].replace('_', " "))
}

/// How regions are matched: the proposed name (`region_name`) compared like headers (case,
/// accents, spaces and `_ - ' .` do not count). A pre-project whose identity says « CMA Région
/// Bretagne », results named `bretagne-resultats.json` and a tag « Bretagne » are one region.
pub fn region_key(name: &str) -> String {
    let name = region_name(name);
    let mut key = normalise(&name);
    // « La Réunion » and `resultats-reunion.json` are one region.
    if let Some((article, rest)) = name.split_once([' ', '-', '_', '\'', '’'])
        && ARTICLES.contains(&normalise(article).as_str())
        && !rest.trim().is_empty()
    {
        key = normalise(rest);
    }
    key
}

/// Where a region's name comes from, best first: the user's tag is kept as typed, else the
/// identity's organisation, else the file's name.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
enum NameSource {
    Tag,
    Identity,
    FileName,
}

/// Reads every file, gathers them by region (`region_key`) and builds the review.
pub fn review(files: &[RegionFile<'_>], options: &ReviewOptions) -> Review {
    let rule = Rule::new(options.threshold);
    let mut regions: BTreeMap<String, Region> = BTreeMap::new();
    // Findings per region, in the order of the files, then the review's own.
    let mut found: BTreeMap<String, Vec<Diagnostic>> = BTreeMap::new();
    let mut sources: BTreeMap<String, NameSource> = BTreeMap::new();
    let mut read_findings: Vec<(String, &str, Vec<Diagnostic>)> = Vec::new();
    for file in files {
        let mut diagnostics = Vec::new();
        let data = read::read(file.bytes, &mut diagnostics);
        let identity_name = match &data {
            Some(RegionData::PreProject(p)) if !p.name.trim().is_empty() => Some(p.name.trim()),
            _ => None,
        };
        let tag = file.region.map(str::trim).filter(|t| !t.is_empty());
        let (name, source) = match (tag, identity_name) {
            (Some(tag), _) => (tag.to_owned(), NameSource::Tag),
            (None, Some(identity)) => (region_name(identity), NameSource::Identity),
            (None, None) => (file_region(file.file_name), NameSource::FileName),
        };
        let file_label = file.file_name.rsplit(['/', '\\']).next().unwrap_or(file.file_name);
        if tag.is_none() {
            let from = match identity_name {
                Some(identity) => format!("l'organisme « {identity} » de sa feuille d'identité"),
                None => format!("le nom du fichier « {} »", file.file_name),
            };
            let kind = if matches!(data, Some(RegionData::Results(_))) { InputFile::Resultats } else { InputFile::Preprojet };
            diagnostics.push(
                Diagnostic::new(Code::V010, kind, format!("aucune étiquette de région : région « {name} », d'après {from}"))
                    .hint("Vérifiez la région proposée ; au besoin, donnez-la (champ « Région » de la page, ou --region \"Bretagne=chemin/preprojet.xlsx\" en ligne de commande)."),
            );
        }
        let key = region_key(&name);
        let region = regions.entry(key.clone()).or_insert_with(|| Region { name: name.clone(), ..Region::default() });
        let best = sources.entry(key.clone()).or_insert(source);
        if source < *best {
            *best = source;
            region.name = name.clone();
        }
        let (nature, format) = match &data {
            Some(RegionData::PreProject(p)) => ("preprojet", p.format.clone()),
            Some(RegionData::Results(_)) => ("resultats", "JSON (repartir --json)".to_owned()),
            None => ("illisible", String::new()),
        };
        match data {
            Some(RegionData::PreProject(_)) if region.preproject.is_some() => duplicate(&mut diagnostics, InputFile::Preprojet, "préprojet"),
            Some(RegionData::Results(_)) if region.results.is_some() => duplicate(&mut diagnostics, InputFile::Resultats, "résultats"),
            Some(RegionData::PreProject(p)) => region.preproject = Some(p),
            Some(RegionData::Results(r)) => region.results = Some(r),
            None => {}
        }
        region.files.push(FileSummary { fichier: file_label.to_owned(), nature, format });
        crate::diagnostic::sort(&mut diagnostics);
        read_findings.push((key, file_label, diagnostics));
    }
    // Named once every file is read: a later file may give the region a better name.
    for (key, file_label, mut diagnostics) in read_findings {
        let name = regions.get(&key).map_or("", |r| r.name.as_str());
        for d in &mut diagnostics {
            d.message = format!("région « {name} » ({file_label}) : {}", d.message);
        }
        found.entry(key).or_default().extend(diagnostics);
    }
    for (key, region) in &regions {
        if region.results.is_some() && region.preproject.is_none() {
            found.entry(key.clone()).or_default().push(
                Diagnostic::new(
                    Code::V013,
                    InputFile::Resultats,
                    format!(
                        "région « {} » : ses résultats sont là, mais pas son préprojet ; elle n'entre ni dans la comparaison des certifications ni dans le suivi du délai",
                        region.name
                    ),
                )
                .hint("Si son préprojet est parmi les fichiers sous un autre nom de région, donnez aux deux fichiers la même région ; sinon, demandez-le à la région."),
            );
        }
    }
    let mut regions: Vec<Region> = regions.into_values().collect();
    for r in &mut regions {
        r.files.sort_by(|a, b| (a.nature, &a.fichier).cmp(&(b.nature, &b.fichier)));
    }
    let mut review_findings = Vec::new();

    let (certifications, singles) = compare::compare(&regions, rule, &mut review_findings);
    let atypiques = compare::outliers(&certifications);
    let national = network::national(&regions);
    let conformite = network::compliance(&regions, options, &mut found, &mut review_findings);
    let actions_cop_pn = network::flagged_codes(&regions);

    let mut diagnostics: Vec<Diagnostic> = found.into_values().flatten().collect();
    crate::diagnostic::sort(&mut review_findings);
    diagnostics.extend(review_findings);
    let summaries = regions
        .iter()
        .map(|r| RegionSummary {
            region: r.name.clone(),
            fichiers: r.files.clone(),
            nom_organisme: r.preproject.as_ref().map(|p| p.name.clone()).unwrap_or_default(),
            exercice: r.preproject.as_ref().and_then(|p| p.financial_year),
            certifications: r
                .preproject
                .as_ref()
                .map(|p| p.rows.iter().map(|row| row.certification.as_str()).collect::<std::collections::BTreeSet<_>>().len())
                .unwrap_or(0),
            preprojet: r.preproject.is_some(),
            resultats: r.results.is_some(),
        })
        .collect();
    Review {
        parametres: ReviewParameters {
            seuil: weight_decimal(rule.threshold),
            facteur_ecart_absolu_median: weight_decimal(rule.factor),
            regions_minimum: rule.minimum,
        },
        regions: summaries,
        certifications,
        certifications_non_comparees: singles,
        atypiques,
        national,
        conformite,
        actions_cop_pn,
        diagnostics: diagnostic_rows(&diagnostics),
    }
}

fn duplicate(diagnostics: &mut Vec<Diagnostic>, file: InputFile, what: &str) {
    diagnostics.push(
        Diagnostic::new(Code::V001, file, format!("la région a déjà un fichier de {what} : celui-ci est ignoré"))
            .hint("Donnez un seul préprojet et un seul fichier de résultats par région, ou corrigez l'étiquette de région."),
    );
}

/// Serialises a map of decimals as strings (`{"pedagogie": "0.6500"}`), like amounts.
pub fn serialize_decimals<S: serde::Serializer>(map: &BTreeMap<String, Decimal>, serializer: S) -> Result<S::Ok, S::Error> {
    serializer.collect_map(map.iter().map(|(k, v)| (k, v.to_string())))
}

/// Serialises an optional date as `AAAA-MM-JJ`.
pub fn serialize_date<S: serde::Serializer>(date: &Option<Date>, serializer: S) -> Result<S::Ok, S::Error> {
    match date {
        Some(d) => serializer.collect_str(d),
        None => serializer.serialize_none(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_file_name_without_its_folders_and_extension() {
        assert_eq!(file_region("dossier/Île-de-France.preprojet.xlsx"), "Île-de-France");
    }

    #[test]
    fn region_names_without_the_words_around_them() {
        for (raw, region) in [
            ("CMA Région Bretagne", "Bretagne"),
            ("Chambre de métiers et de l'artisanat de région Pays de la Loire", "Pays de la Loire"),
            ("CMA de La Réunion", "La Réunion"),
            ("CMAR Provence-Alpes-Côte d'Azur", "Provence-Alpes-Côte d'Azur"),
            ("Chambre régionale de métiers et de l'artisanat Hauts-de-France", "Hauts-de-France"),
            ("hauts-de-france-resultats", "hauts-de-france"),
            ("bretagne-preprojet-2024", "bretagne"),
            ("preprojet_2024_Grand_Est", "Grand Est"),
            ("Normandie.résultats", "Normandie"),
            ("Centre-Val de Loire", "Centre-Val de Loire"),
            ("CMA de la région Grand Est", "Grand Est"),
            ("résultats Normandie exercice 2023", "Normandie"),
            ("Auvergne Rhône Alpes - préprojet et résultats 2024 v2", "Auvergne Rhône Alpes"),
            ("CMA de région La Réunion", "La Réunion"),
            ("CMA", "CMA"),
            ("  ", ""),
        ] {
            assert_eq!(region_name(raw), region, "{raw}");
        }
        assert_eq!(region_key("CMA Région Grand Est"), region_key("grand_est-resultats"));
        assert_eq!(region_key("Île-de-France"), region_key("ile de france preprojet 2024"));
        assert_ne!(region_key("CMA Bretagne"), region_key("CMA Normandie"));
        assert_eq!(region_key("CMA de région La Réunion"), region_key("resultats-reunion"));
        assert_eq!(region_key("CMA Auvergne-Rhône-Alpes"), region_key("Auvergne Rhône Alpes - préprojet et résultats 2024 v2"));
        assert_eq!(region_key("Pays de la Loire"), "paysdelaloire");
        assert_eq!(file_region("reseau/bretagne/preprojet.xlsx"), "bretagne");
        assert_eq!(file_region("C:\\envois\\Grand_Est\\resultats-2024.json"), "Grand Est");
        assert_eq!(file_region("occitanie-preprojet.csv"), "occitanie");
        assert_eq!(file_region("preprojet.csv"), "preprojet");
    }
}
