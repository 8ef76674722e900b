//! The rulebook: the norm's tables as versioned data, compiled in and parsed once.
//!
//! Each `.tsv` file beside this module names its source and edition in its `#` header. Nothing
//! in the crate lists national codes in code: every rule about codes reads these tables.
//! Integrity tests (unique, sorted, references known, counts of the norm) are at the bottom.

use std::collections::BTreeMap;
use std::fmt;
use std::sync::OnceLock;

use crate::date::Date;
use crate::names::normalise;

/// A national code of nomenclature v10: an axis (`A`), an activity (`A03`) or an action (`A0301`).
#[derive(Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct NationalCode {
    bytes: [u8; 5],
    len: u8,
}

impl NationalCode {
    /// Parses the shape of a code (axis letter A–D, then 0, 2 or 4 digits); says nothing of
    /// whether the nomenclature knows it.
    pub fn parse(text: &str) -> Option<NationalCode> {
        let t = text.trim().as_bytes();
        if !matches!(t.len(), 1 | 3 | 5) {
            return None;
        }
        let axis = t[0].to_ascii_uppercase();
        if !(b'A'..=b'D').contains(&axis) || !t[1..].iter().all(u8::is_ascii_digit) {
            return None;
        }
        let mut bytes = [0u8; 5];
        bytes[..t.len()].copy_from_slice(t);
        bytes[0] = axis;
        Some(NationalCode { bytes, len: t.len() as u8 })
    }

    pub fn as_str(&self) -> &str {
        // Only ASCII letters and digits are ever stored.
        std::str::from_utf8(&self.bytes[..usize::from(self.len)]).unwrap_or("?")
    }

    pub fn axis(&self) -> u8 {
        self.bytes[0]
    }

    pub fn is_activity(&self) -> bool {
        self.len == 3
    }

    pub fn is_action(&self) -> bool {
        self.len == 5
    }

    /// The activity (3 characters) a code belongs to; `None` for an axis.
    pub fn activity(&self) -> Option<NationalCode> {
        (self.len >= 3).then(|| {
            let mut bytes = [0u8; 5];
            bytes[..3].copy_from_slice(&self.bytes[..3]);
            NationalCode { bytes, len: 3 }
        })
    }
}

impl fmt::Debug for NationalCode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl fmt::Display for NationalCode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// One line of the nomenclature.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NomenclatureEntry {
    pub code: NationalCode,
    pub label: String,
    /// Action of the contrat d'objectifs et de performance: « (COP) ».
    pub cop: bool,
    /// Produit national: « (PN) ».
    pub pn: bool,
}

/// The two sides of the first allocation level (norm §V.c.ii).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Side {
    /// Axes A and C: the chamber's other activities. Ordered first: ties at level 1 go to `cma`.
    Cma,
    /// Axis B: vocational training and apprenticeship.
    Formation,
}

impl Side {
    pub const BOTH: [Side; 2] = [Side::Cma, Side::Formation];

    /// `formation` or `cma`, as people write them (case, accents and spaces do not count).
    pub fn parse(text: &str) -> Option<Side> {
        Side::BOTH.into_iter().find(|s| normalise(s.label()) == normalise(text))
    }

    pub fn label(self) -> &'static str {
        match self {
            Side::Cma => "cma",
            Side::Formation => "formation",
        }
    }
}

/// The kinds of driver of Annexe 3.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum DriverKind {
    Etp,
    Surface,
    Vehicules,
    HeuresApprenants,
}

impl DriverKind {
    pub const ALL: [DriverKind; 4] =
        [DriverKind::Etp, DriverKind::Surface, DriverKind::Vehicules, DriverKind::HeuresApprenants];

    /// `etp`, `surface`, `vehicules`, `heures_apprenants`, as people write them (`Véhicules`,
    /// `heures apprenants`).
    pub fn parse(text: &str) -> Option<DriverKind> {
        DriverKind::ALL.into_iter().find(|k| normalise(k.label()) == normalise(text))
    }

    pub fn label(self) -> &'static str {
        match self {
            DriverKind::Etp => "etp",
            DriverKind::Surface => "surface",
            DriverKind::Vehicules => "vehicules",
            DriverKind::HeuresApprenants => "heures_apprenants",
        }
    }

    /// Surface and vehicles are counted per side (`perimetre`), not per activity.
    pub fn is_per_side(self) -> bool {
        matches!(self, DriverKind::Surface | DriverKind::Vehicules)
    }
}

/// A key family: how a pool is spread.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Family {
    Gouvernance,
    Locaux,
    Support,
    Vehicules,
    /// An axis piloting pool (A11, B11, C11): one level, inside its own axis.
    Pilotage,
    /// Charges of B01 objects without certification: one level, over B01's certifications.
    B01Commun,
}

impl Family {
    pub fn parse(text: &str) -> Option<Family> {
        [
            Family::Gouvernance,
            Family::Locaux,
            Family::Support,
            Family::Vehicules,
            Family::Pilotage,
            Family::B01Commun,
        ]
        .into_iter()
        .find(|f| normalise(f.label()) == normalise(text))
    }

    pub fn label(self) -> &'static str {
        match self {
            Family::Gouvernance => "gouvernance",
            Family::Locaux => "locaux",
            Family::Support => "support",
            Family::Vehicules => "vehicules",
            Family::Pilotage => "pilotage",
            Family::B01Commun => "b01_commun",
        }
    }
}

/// A key of Annexe 3: the drivers of both levels for one family.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Key {
    pub family: Family,
    /// `None` for the one-level pools (piloting, B01 commun).
    pub level1: Option<DriverKind>,
    /// Used at level 1 when the scope has no row of `level1` at all.
    pub fallback: Option<DriverKind>,
    pub level2_cma: DriverKind,
    pub level2_formation: DriverKind,
}

impl Key {
    pub fn level2(&self, side: Side) -> DriverKind {
        match side {
            Side::Cma => self.level2_cma,
            Side::Formation => self.level2_formation,
        }
    }
}

/// France compétences charge heading (norm Annexe 3, « Focus apprentissage »), by its index in
/// the declaration order of the rulebook.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Heading(u8);

impl Heading {
    pub fn index(self) -> usize {
        usize::from(self.0)
    }

    pub fn id(self) -> &'static str {
        &rulebook().headings[self.index()].0
    }
}

/// A financing category of Annexe 4.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Financer {
    pub code: String,
    pub side: Side,
    pub label: String,
}

/// One dated step of a France compétences campaign.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CampaignStep {
    pub campaign: i32,
    pub financial_year: i32,
    pub step: String,
    pub date: Date,
}

/// How a contract of the staff file counts in the ETP (norm Annexe 3 « ETP »).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum ContractRule {
    /// Counted as worked: quotité × months / 12, or hours / 1 820 when hours are given.
    Time,
    /// Counts for nothing (apprentice, replacement of an absent employee).
    Zero,
    /// Counted by hours only: hours / 1 820 (vacataires).
    Hours,
}

/// A contract of the staff file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Contract {
    pub code: String,
    /// Other names accepted, as written in the table (compared normalised by the reader).
    pub aliases: Vec<String>,
    pub rule: ContractRule,
    /// How the figure is explained to users.
    pub label: String,
    pub source: String,
}

/// A correction of the printed nomenclature.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Correction {
    pub printed: String,
    pub kept: String,
    pub field: String,
    pub printed_text: String,
    pub explanation: String,
}

/// All the tables, parsed.
#[derive(Debug)]
pub struct Rulebook {
    pub nomenclature: Vec<NomenclatureEntry>,
    pub corrections: Vec<Correction>,
    axis_sides: BTreeMap<u8, Option<Side>>,
    pub keys: Vec<Key>,
    default_families: BTreeMap<NationalCode, Family>,
    pub premises_prefixes: Vec<String>,
    /// (id, label) in declaration order.
    pub headings: Vec<(String, String)>,
    account_headings: Vec<(String, Heading)>,
    pool_headings: BTreeMap<NationalCode, Heading>,
    pub financers: Vec<Financer>,
    pub calendar: Vec<CampaignStep>,
    pub contracts: Vec<Contract>,
    parameters: BTreeMap<String, String>,
    /// (file, canonical column, alias), sorted.
    pub column_aliases: Vec<(String, String, String)>,
    /// (file, canonical column) → (example value, cell type) of the templates.
    template_examples: BTreeMap<(String, String), (String, String)>,
}

const NOMENCLATURE: &str = include_str!("nomenclature-v10.tsv");
const CORRECTIONS: &str = include_str!("corrections.tsv");
const AXES: &str = include_str!("axes.tsv");
const KEYS: &str = include_str!("cles.tsv");
const FAMILIES: &str = include_str!("familles.tsv");
const PREMISES: &str = include_str!("prefixes-locaux.tsv");
const HEADINGS: &str = include_str!("rubriques-fc.tsv");
const ACCOUNT_HEADINGS: &str = include_str!("rubriques-comptes.tsv");
const POOL_HEADINGS: &str = include_str!("rubriques-pools.tsv");
const FINANCERS: &str = include_str!("financeurs.tsv");
const CALENDAR: &str = include_str!("calendrier.tsv");
const PARAMETERS: &str = include_str!("parametres.tsv");
const COLUMNS: &str = include_str!("colonnes.tsv");
const TEMPLATE_EXAMPLES: &str = include_str!("modeles.tsv");
const CONTRACTS: &str = include_str!("contrats.tsv");

/// Every data file with its name, for the integrity tests and the documentation.
pub const FILES: &[(&str, &str)] = &[
    ("nomenclature-v10.tsv", NOMENCLATURE),
    ("corrections.tsv", CORRECTIONS),
    ("axes.tsv", AXES),
    ("cles.tsv", KEYS),
    ("familles.tsv", FAMILIES),
    ("prefixes-locaux.tsv", PREMISES),
    ("rubriques-fc.tsv", HEADINGS),
    ("rubriques-comptes.tsv", ACCOUNT_HEADINGS),
    ("rubriques-pools.tsv", POOL_HEADINGS),
    ("financeurs.tsv", FINANCERS),
    ("calendrier.tsv", CALENDAR),
    ("parametres.tsv", PARAMETERS),
    ("colonnes.tsv", COLUMNS),
    ("modeles.tsv", TEMPLATE_EXAMPLES),
    ("contrats.tsv", CONTRACTS),
];

/// The rulebook, parsed on first use.
pub fn rulebook() -> &'static Rulebook {
    static RULEBOOK: OnceLock<Rulebook> = OnceLock::new();
    RULEBOOK.get_or_init(|| Rulebook::parse().unwrap_or_else(|e| panic!("rulebook data: {e}")))
}

/// The data rows of a table: `#` comments and the header line skipped, cells split on TAB.
fn rows(text: &str) -> impl Iterator<Item = Vec<&str>> {
    text.lines().filter(|l| !l.starts_with('#') && !l.trim().is_empty()).skip(1).map(|l| l.split('\t').collect())
}

fn cell<'a>(row: &[&'a str], i: usize) -> &'a str {
    row.get(i).copied().unwrap_or("")
}

fn code(text: &str) -> Result<NationalCode, String> {
    NationalCode::parse(text).ok_or_else(|| format!("code mal formé « {text} »"))
}

impl Rulebook {
    fn parse() -> Result<Rulebook, String> {
        let nomenclature = rows(NOMENCLATURE)
            .map(|r| {
                let flags = cell(&r, 2);
                Ok(NomenclatureEntry {
                    code: code(cell(&r, 0))?,
                    label: cell(&r, 1).to_owned(),
                    cop: flags.split('+').any(|f| f == "COP"),
                    pn: flags.split('+').any(|f| f == "PN"),
                })
            })
            .collect::<Result<Vec<_>, String>>()?;
        let corrections = rows(CORRECTIONS)
            .map(|r| Correction {
                printed: cell(&r, 0).to_owned(),
                kept: cell(&r, 1).to_owned(),
                field: cell(&r, 2).to_owned(),
                printed_text: cell(&r, 3).to_owned(),
                explanation: cell(&r, 4).to_owned(),
            })
            .collect();
        let axis_sides = rows(AXES)
            .map(|r| (cell(&r, 0).as_bytes().first().copied().unwrap_or(0), Side::parse(cell(&r, 1))))
            .collect();
        let driver = |t: &str| DriverKind::parse(t).ok_or_else(|| format!("inducteur inconnu « {t} »"));
        let keys = rows(KEYS)
            .map(|r| {
                Ok(Key {
                    family: Family::parse(cell(&r, 0)).ok_or("famille inconnue")?,
                    level1: match cell(&r, 1) {
                        "" => None,
                        t => Some(driver(t)?),
                    },
                    fallback: match cell(&r, 2) {
                        "" => None,
                        t => Some(driver(t)?),
                    },
                    level2_cma: driver(cell(&r, 3))?,
                    level2_formation: driver(cell(&r, 4))?,
                })
            })
            .collect::<Result<Vec<_>, String>>()?;
        let default_families = rows(FAMILIES)
            .map(|r| Ok((code(cell(&r, 0))?, Family::parse(cell(&r, 1)).ok_or("famille inconnue")?)))
            .collect::<Result<BTreeMap<_, _>, String>>()?;
        let premises_prefixes = rows(PREMISES).map(|r| cell(&r, 0).to_owned()).collect();
        let headings: Vec<(String, String)> =
            rows(HEADINGS).map(|r| (cell(&r, 0).to_owned(), cell(&r, 1).to_owned())).collect();
        let heading = |t: &str| {
            headings
                .iter()
                .position(|(id, _)| id == t)
                .map(|i| Heading(i as u8))
                .ok_or_else(|| format!("rubrique inconnue « {t} »"))
        };
        let account_headings = rows(ACCOUNT_HEADINGS)
            .map(|r| Ok((cell(&r, 0).to_owned(), heading(cell(&r, 1))?)))
            .collect::<Result<Vec<_>, String>>()?;
        let pool_headings = rows(POOL_HEADINGS)
            .map(|r| Ok((code(cell(&r, 0))?, heading(cell(&r, 1))?)))
            .collect::<Result<BTreeMap<_, _>, String>>()?;
        let financers = rows(FINANCERS)
            .map(|r| {
                Ok(Financer {
                    code: cell(&r, 0).to_owned(),
                    side: Side::parse(cell(&r, 1)).ok_or("groupe de financeur inconnu")?,
                    label: cell(&r, 2).to_owned(),
                })
            })
            .collect::<Result<Vec<_>, String>>()?;
        let calendar = rows(CALENDAR)
            .map(|r| {
                Ok(CampaignStep {
                    campaign: cell(&r, 0).parse().map_err(|_| "année de campagne")?,
                    financial_year: cell(&r, 1).parse().map_err(|_| "exercice")?,
                    step: cell(&r, 2).to_owned(),
                    date: Date::parse(cell(&r, 3)).ok_or("date du calendrier")?,
                })
            })
            .collect::<Result<Vec<_>, String>>()?;
        let contracts = rows(CONTRACTS)
            .map(|r| {
                Ok(Contract {
                    code: cell(&r, 0).to_owned(),
                    aliases: cell(&r, 1).split(',').filter(|a| !a.is_empty()).map(str::to_owned).collect(),
                    rule: match cell(&r, 2) {
                        "temps" => ContractRule::Time,
                        "zero" => ContractRule::Zero,
                        "heures" => ContractRule::Hours,
                        t => return Err(format!("règle de contrat inconnue « {t} »")),
                    },
                    label: cell(&r, 3).to_owned(),
                    source: cell(&r, 4).to_owned(),
                })
            })
            .collect::<Result<Vec<_>, String>>()?;
        let parameters = rows(PARAMETERS).map(|r| (cell(&r, 0).to_owned(), cell(&r, 1).to_owned())).collect();
        let template_examples = rows(TEMPLATE_EXAMPLES)
            .map(|r| ((cell(&r, 0).to_owned(), cell(&r, 1).to_owned()), (cell(&r, 2).to_owned(), cell(&r, 3).to_owned())))
            .collect();
        let column_aliases =
            rows(COLUMNS).map(|r| (cell(&r, 0).to_owned(), cell(&r, 1).to_owned(), cell(&r, 2).to_owned())).collect();
        Ok(Rulebook {
            nomenclature,
            corrections,
            axis_sides,
            keys,
            default_families,
            premises_prefixes,
            headings,
            account_headings,
            pool_headings,
            financers,
            calendar,
            contracts,
            parameters,
            column_aliases,
            template_examples,
        })
    }

    /// The nomenclature entry of a code, if the nomenclature has it.
    pub fn entry(&self, code: NationalCode) -> Option<&NomenclatureEntry> {
        self.nomenclature.binary_search_by(|e| e.code.cmp(&code)).ok().map(|i| &self.nomenclature[i])
    }

    /// The code the rulebook keeps for a printed code (`D0109` → `D0609`), if it was corrected.
    pub fn corrected_code(&self, printed: &str) -> Option<NationalCode> {
        self.corrections
            .iter()
            .find(|c| c.field == "code" && c.printed == printed)
            .and_then(|c| NationalCode::parse(&c.kept))
    }

    pub fn label(&self, code: NationalCode) -> &str {
        self.entry(code).map_or("", |e| e.label.as_str())
    }

    /// Side of an axis at level 1; `None` for axis D.
    pub fn side_of(&self, code: NationalCode) -> Option<Side> {
        self.axis_sides.get(&code.axis()).copied().flatten()
    }

    /// Default key family of a pool code, looked up on the action then on its activity; `None`
    /// for an operational activity.
    pub fn default_family(&self, code: NationalCode) -> Option<Family> {
        self.default_families
            .get(&code)
            .or_else(|| code.activity().and_then(|a| self.default_families.get(&a)))
            .copied()
    }

    /// Pools are the codes that have a default family (axis D, axis piloting).
    pub fn is_pool(&self, code: NationalCode) -> bool {
        self.default_family(code).is_some()
    }

    /// An operational activity (receiver of costs): a known code of a side that is not a pool.
    pub fn is_operational(&self, code: NationalCode) -> bool {
        self.side_of(code).is_some() && !self.is_pool(code) && self.entry(code).is_some()
    }

    pub fn key(&self, family: Family) -> Option<&Key> {
        self.keys.iter().find(|k| k.family == family)
    }

    pub fn is_premises_account(&self, account: &str) -> bool {
        self.premises_prefixes.iter().any(|p| account.starts_with(p.as_str()))
    }

    /// A heading by its id, as people write it (`pédagogie`, `Frais annexes`).
    pub fn heading(&self, id: &str) -> Option<Heading> {
        let wanted = normalise(id);
        self.headings.iter().position(|(h, _)| normalise(h) == wanted).map(|i| Heading(i as u8))
    }

    pub fn heading_count(&self) -> usize {
        self.headings.len()
    }

    /// Default heading of a direct CFA charge by its account (longest prefix), if any.
    pub fn heading_of_account(&self, account: &str) -> Option<Heading> {
        self.account_headings
            .iter()
            .filter(|(p, _)| account.starts_with(p.as_str()))
            .max_by_key(|(p, _)| p.len())
            .map(|&(_, h)| h)
    }

    /// Heading taken by a pool's share when it reaches a certification.
    pub fn heading_of_pool(&self, code: NationalCode) -> Heading {
        self.pool_headings.get(&code).copied().unwrap_or_else(|| self.heading_required("structure"))
    }

    /// A heading that the rulebook's own tables name (checked by the integrity tests).
    pub fn heading_required(&self, id: &str) -> Heading {
        self.heading(id).unwrap_or(Heading(0))
    }

    pub fn financer(&self, code: &str) -> Option<&Financer> {
        self.financers.iter().find(|f| f.code == code)
    }

    /// Other names of a column of a file (`grand-livre`, `objet`) → `EOTP`, `élément d'OTP`…
    pub fn column_aliases<'a>(&'a self, file: &'a str, column: &'a str) -> impl Iterator<Item = &'a str> + 'a {
        self.column_aliases.iter().filter(move |(f, c, _)| f == file && c == column).map(|(_, _, a)| a.as_str())
    }

    /// The example value of a column in the templates (empty when none) and its cell type
    /// (`texte`, `nombre`, `date`).
    pub fn template_example(&self, file: &str, column: &str) -> (&str, &str) {
        self.template_examples.get(&(file.to_owned(), column.to_owned())).map_or(("", "texte"), |(v, t)| (v.as_str(), t.as_str()))
    }

    pub fn parameter(&self, name: &str) -> Option<&str> {
        self.parameters.get(name).map(String::as_str)
    }

    /// A numeric parameter of `parametres.tsv` (ETP hours, pre-project delay, margin threshold).
    pub fn parameter_number(&self, name: &str) -> Option<crate::money::Weight> {
        self.parameter(name).and_then(|t| crate::money::Weight::parse(t).ok())
    }

    /// The date limit of a France compétences campaign, if the calendar has that campaign.
    pub fn campaign_deadline(&self, campaign: i32) -> Option<Date> {
        self.calendar.iter().find(|s| s.campaign == campaign && s.step == "date_limite").map(|s| s.date)
    }

    /// The activity whose costs are kept per certification (B01).
    pub fn apprenticeship(&self) -> NationalCode {
        self.parameter("activite_apprentissage").and_then(NationalCode::parse).unwrap_or_else(|| {
            NationalCode::parse("B01").unwrap_or(NationalCode { bytes: *b"B01\0\0", len: 3 })
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn count(pred: impl Fn(&NomenclatureEntry) -> bool) -> usize {
        rulebook().nomenclature.iter().filter(|e| pred(e)).count()
    }

    #[test]
    fn nomenclature_counts_match_annexe_1() {
        // Annexe 1, version 10: 4 axes; A01–A11, B01–B04 + B11, C01–C05 + C11, D01–D10.
        assert_eq!(count(|e| e.code.as_str().len() == 1), 4);
        assert_eq!(count(|e| e.code.is_activity()), 11 + 5 + 6 + 10);
        assert_eq!(count(|e| e.code.is_action()), 88);
        // Printed flags: 8 (PN), 25 (COP) — A0504 carries both, A10 is a flagged activity.
        assert_eq!(count(|e| e.pn), 8);
        assert_eq!(count(|e| e.cop), 25);
    }

    #[test]
    fn nomenclature_is_sorted_unique_and_nested() {
        let book = rulebook();
        for pair in book.nomenclature.windows(2) {
            assert!(pair[0].code < pair[1].code, "{:?} then {:?}", pair[0].code, pair[1].code);
        }
        for e in &book.nomenclature {
            assert!(!e.label.is_empty(), "{} has a label", e.code);
            if let Some(activity) = e.code.activity() {
                assert!(book.entry(activity).is_some(), "{} has its activity", e.code);
            }
            let axis = NationalCode::parse(&e.code.as_str()[..1]).unwrap();
            assert!(book.entry(axis).is_some(), "{} has its axis", e.code);
            assert!(!e.label.contains("(COP)") && !e.label.contains("(PN)"), "{} flags are data", e.code);
        }
    }

    #[test]
    fn corrections_are_applied_and_visible() {
        let book = rulebook();
        assert_eq!(book.corrected_code("D0109").map(|c| c.to_string()), Some("D0609".into()));
        assert!(book.entry(NationalCode::parse("D0609").unwrap()).is_some());
        assert!(book.entry(NationalCode::parse("D0109").unwrap()).is_none());
        assert!(book.label(NationalCode::parse("A0601").unwrap()).starts_with("Informer les"));
        for c in &book.corrections {
            assert!(book.entry(NationalCode::parse(&c.kept).unwrap()).is_some(), "{}", c.kept);
        }
    }

    #[test]
    fn every_reference_is_known() {
        let book = rulebook();
        for code in book.default_families.keys() {
            assert!(book.entry(*code).is_some(), "famille par défaut de {code}");
        }
        for code in book.pool_headings.keys() {
            assert!(book.is_pool(*code), "rubrique de pool {code}");
        }
        for family in [Family::Gouvernance, Family::Locaux, Family::Support, Family::Vehicules] {
            assert!(book.key(family).is_some_and(|k| k.level1.is_some()), "clé à deux niveaux {family:?}");
        }
        for family in [Family::Pilotage, Family::B01Commun] {
            assert!(book.key(family).is_some_and(|k| k.level1.is_none()), "clé à un niveau {family:?}");
        }
        for key in &book.keys {
            assert_eq!(key.level2_cma, DriverKind::Etp, "annexe 3 : niveau 2 cma par ETP");
            assert_eq!(key.level2_formation, DriverKind::HeuresApprenants, "annexe 3 : niveau 2 CFA par heures apprenants");
        }
        assert_eq!(book.heading_count(), 8);
        for id in ["structure", "pedagogie", "communication", "amortissements", "non_incorporables"] {
            assert!(book.heading(id).is_some(), "{id}");
        }
        assert!(book.is_operational(book.apprenticeship()));
        for name in ["activite_apprentissage", "delai_preprojet_jours", "echeance_fc_defaut", "heures_etp_annuelles"] {
            assert!(book.parameter(name).is_some(), "{name}");
        }
        for name in ["delai_preprojet_jours", "heures_etp_annuelles", "seuil_marge_preprojet"] {
            assert!(book.parameter_number(name).is_some(), "{name} is a number");
        }
    }

    #[test]
    fn operational_activities_and_pools_follow_the_specification() {
        let book = rulebook();
        let activities: Vec<_> = book.nomenclature.iter().filter(|e| e.code.is_activity()).map(|e| e.code).collect();
        let operational: Vec<String> =
            activities.iter().filter(|c| book.is_operational(**c)).map(|c| c.to_string()).collect();
        let expected: Vec<String> = (1..=10)
            .map(|i| format!("A{i:02}"))
            .chain((1..=4).map(|i| format!("B{i:02}")))
            .chain((1..=5).map(|i| format!("C{i:02}")))
            .collect();
        assert_eq!(operational, expected);
        let family = |c: &str| book.default_family(NationalCode::parse(c).unwrap());
        assert_eq!(family("D01"), Some(Family::Gouvernance));
        assert_eq!(family("D0201"), Some(Family::Gouvernance));
        assert_eq!(family("D0609"), Some(Family::Support));
        assert_eq!(family("D1001"), Some(Family::Support));
        assert_eq!(family("D1002"), Some(Family::Locaux));
        assert_eq!(family("B1101"), Some(Family::Pilotage));
        assert_eq!(family("A0301"), None);
    }

    #[test]
    fn tables_are_sorted_and_unique() {
        let book = rulebook();
        let sorted_unique = |v: Vec<&str>, what: &str| {
            let mut s = v.clone();
            s.sort_unstable();
            s.dedup();
            assert_eq!(v, s, "{what}");
        };
        sorted_unique(book.financers.iter().map(|f| f.code.as_str()).collect(), "financeurs");
        sorted_unique(book.contracts.iter().map(|c| c.code.as_str()).collect(), "contrats");
        sorted_unique(book.premises_prefixes.iter().map(String::as_str).collect(), "préfixes locaux");
        sorted_unique(book.account_headings.iter().map(|(p, _)| p.as_str()).collect(), "rubriques par compte");
        let mut ids: Vec<&str> = book.headings.iter().map(|(h, _)| h.as_str()).collect();
        ids.sort_unstable();
        ids.dedup();
        assert_eq!(ids.len(), 8, "rubriques uniques");
    }

    #[test]
    fn column_aliases_are_unambiguous_and_name_known_columns() {
        use crate::input::role::Role;
        use crate::input::table::normalise_header;
        let book = rulebook();
        let mut seen: BTreeMap<(String, String), String> = BTreeMap::new();
        for role in Role::ALL {
            for def in role.columns() {
                seen.insert((role.label().to_owned(), normalise_header(def.name)), def.name.to_owned());
            }
        }
        for (file, column, alias) in &book.column_aliases {
            let role = Role::ALL.into_iter().find(|r| r.label() == file).unwrap_or_else(|| panic!("fichier {file}"));
            assert!(role.columns().iter().any(|d| d.name == column), "{file}: colonne {column}");
            let key = (file.clone(), normalise_header(alias));
            if let Some(other) = seen.insert(key, column.clone()) {
                panic!("{file}: « {alias} » désigne à la fois {other} et {column}");
            }
        }
        assert!(book.column_aliases("grand-livre", "objet").any(|a| a == "élément d'OTP"));
        for ((file, column), (_, kind)) in &book.template_examples {
            assert!(["texte", "nombre", "date"].contains(&kind.as_str()), "type {kind}");
            let role = Role::ALL.into_iter().find(|r| r.label() == file).unwrap_or_else(|| panic!("modèle {file}"));
            assert!(role.columns().iter().any(|d| d.name == column), "modèle {file}: colonne {column}");
        }
        for role in Role::ALL {
            for def in role.columns() {
                assert!(book.template_examples.contains_key(&(role.label().to_owned(), def.name.to_owned())), "exemple {} {}", role.label(), def.name);
            }
        }
    }

    #[test]
    fn campaign_2024_is_in_the_calendar() {
        let book = rulebook();
        let limit = book.calendar.iter().find(|s| s.campaign == 2024 && s.step == "date_limite").unwrap();
        assert_eq!(limit.date, Date::parse("2024-07-31").unwrap());
        assert_eq!(limit.financial_year, 2023);
        assert_eq!(book.calendar.iter().filter(|s| s.campaign == 2024).count(), 4);
        assert_eq!(book.campaign_deadline(2024), Date::parse("2024-07-31"));
        assert_eq!(book.campaign_deadline(2023), None);
    }

    #[test]
    fn contracts_follow_annexe_3() {
        let book = rulebook();
        let rule = |c: &str| book.contracts.iter().find(|k| k.code == c).map(|k| k.rule);
        assert_eq!(rule("titulaire"), Some(ContractRule::Time));
        assert_eq!(rule("cdi"), Some(ContractRule::Time));
        assert_eq!(rule("cdd_accroissement"), Some(ContractRule::Time));
        assert_eq!(rule("cdd_remplacement"), Some(ContractRule::Zero));
        assert_eq!(rule("apprenti"), Some(ContractRule::Zero));
        assert_eq!(rule("vacataire"), Some(ContractRule::Hours));
        assert_eq!(book.parameter("heures_etp_annuelles"), Some("1820"));
    }

    #[test]
    fn every_data_file_names_its_source() {
        for (name, text) in FILES {
            assert!(text.starts_with("# "), "{name} opens with a header naming its source");
            let width = text.lines().find(|l| !l.starts_with('#')).map(|l| l.split('\t').count()).unwrap();
            for line in text.lines().filter(|l| !l.starts_with('#')) {
                assert_eq!(line.split('\t').count(), width, "{name}: « {line} »");
            }
        }
    }
}
