//! The consistency review of the certifications (norm §V.e.iii): for each certification present
//! in several regions, its cost per apprentice and per heure apprenant in each region (all sites
//! added), the mix of the eight headings and the margin; the regions far from the median flagged
//! by the robust rule of `stats`, each with the heading that explains most of its gap.
//!
//! The values compared are those shown: euros per unit rounded once to the cent by `ratio`, as in
//! the pre-project. docs/regles-de-calcul.md §13 states the rule and its edge cases.

use std::collections::{BTreeMap, BTreeSet};

use rust_decimal::Decimal;
use serde::Serialize;

use super::read::PreProjectRow;
use super::stats::{self, bounds, median, median_absolute_deviation, robust_z};
use super::{Region, Rule, serialize_decimals};
use crate::ratio::{french_decimal, tidy};
use crate::diagnostic::{Code, Diagnostic, InputFile};
use crate::money::{Amount, weight_sum_text};
use crate::ratio::{self, MONEY_DECIMALS, RATIO_DECIMALS};
use crate::rulebook::rulebook;

/// The two measures compared.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Measure {
    CoutParApprenti,
    CoutParHeureApprenant,
}

impl Measure {
    pub const BOTH: [Measure; 2] = [Measure::CoutParApprenti, Measure::CoutParHeureApprenant];

    pub fn label(self) -> &'static str {
        match self {
            Measure::CoutParApprenti => "coût par apprenti",
            Measure::CoutParHeureApprenant => "coût par heure apprenant",
        }
    }

    /// « par apprenti », for the amounts of a heading.
    pub fn unit(self) -> &'static str {
        match self {
            Measure::CoutParApprenti => "par apprenti",
            Measure::CoutParHeureApprenant => "par heure apprenant",
        }
    }
}

/// How the gaps of a measure were judged.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Method {
    /// Robust z = |x − médiane| / (facteur × écart absolu médian).
    EcartAbsoluMedian,
    /// More than half of the regions have the median's value: no robust z, no flag.
    EcartAbsoluMedianNul,
    /// Fewer regions than `regions_minimum`: median shown, no test.
    MoinsDeTroisRegions,
}

impl Method {
    pub fn label(self) -> &'static str {
        match self {
            Method::EcartAbsoluMedian => "écart robuste",
            Method::EcartAbsoluMedianNul => "écart absolu médian nul : pas d'écart robuste",
            Method::MoinsDeTroisRegions => "moins de trois régions : pas de test",
        }
    }
}

/// A certification's figures in one region, all its sites added.
#[derive(Debug, Clone, Serialize)]
pub struct CertificationFigures {
    pub region: String,
    /// Rows (sites) of the region's pre-project added here.
    pub sites: usize,
    pub apprentis: String,
    pub heures_apprenants: String,
    pub rubriques: BTreeMap<String, Amount>,
    pub cout_complet: Amount,
    pub produits: Amount,
    #[serde(serialize_with = "ratio::serialize_option")]
    pub marge: Option<Decimal>,
    #[serde(serialize_with = "ratio::serialize_option")]
    pub cout_par_apprenti: Option<Decimal>,
    #[serde(serialize_with = "ratio::serialize_option")]
    pub cout_par_heure_apprenant: Option<Decimal>,
    /// Share of each heading in the full cost (four decimals); empty when the cost is zero.
    #[serde(serialize_with = "serialize_decimals")]
    pub repartition: BTreeMap<String, Decimal>,
}

/// The heading of an outlier whose amount per unit is farthest from that heading's median, in
/// the direction of the gap.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Explanation {
    pub rubrique: String,
    pub libelle: String,
    #[serde(serialize_with = "ratio::serialize")]
    pub valeur: Decimal,
    #[serde(serialize_with = "ratio::serialize")]
    pub mediane: Decimal,
    #[serde(serialize_with = "ratio::serialize")]
    pub ecart: Decimal,
}

/// One region's value of a measure and its distance to the median.
#[derive(Debug, Clone, Serialize)]
pub struct Deviation {
    pub region: String,
    #[serde(serialize_with = "ratio::serialize")]
    pub valeur: Decimal,
    /// valeur − médiane, exact.
    #[serde(serialize_with = "ratio::serialize")]
    pub ecart: Decimal,
    /// |écart| / (facteur × écart absolu médian), two decimals; absent without a test.
    #[serde(serialize_with = "ratio::serialize_option")]
    pub ecart_robuste: Option<Decimal>,
    pub atypique: bool,
    /// Each heading per unit (euros, two decimals).
    #[serde(serialize_with = "serialize_decimals")]
    pub rubriques: BTreeMap<String, Decimal>,
    pub explication: Option<Explanation>,
}

/// A measure of a certification across the regions.
#[derive(Debug, Clone, Serialize)]
pub struct Comparison {
    pub mesure: Measure,
    pub methode: Method,
    pub regions_comparees: usize,
    #[serde(serialize_with = "ratio::serialize_option")]
    pub mediane: Option<Decimal>,
    #[serde(serialize_with = "ratio::serialize_option")]
    pub ecart_absolu_median: Option<Decimal>,
    /// médiane ∓ seuil × facteur × écart absolu médian, to the cent: the band of the chart.
    #[serde(serialize_with = "ratio::serialize_option")]
    pub borne_basse: Option<Decimal>,
    #[serde(serialize_with = "ratio::serialize_option")]
    pub borne_haute: Option<Decimal>,
    /// Median of each heading per unit across the regions compared.
    #[serde(serialize_with = "serialize_decimals")]
    pub rubriques_medianes: BTreeMap<String, Decimal>,
    pub ecarts: Vec<Deviation>,
}

/// A certification present in several regions.
#[derive(Debug, Clone, Serialize)]
pub struct CertificationReview {
    pub certification: String,
    pub libelle: String,
    pub regions: Vec<CertificationFigures>,
    pub cout_par_apprenti: Comparison,
    pub cout_par_heure_apprenant: Comparison,
}

impl CertificationReview {
    pub fn comparison(&self, measure: Measure) -> &Comparison {
        match measure {
            Measure::CoutParApprenti => &self.cout_par_apprenti,
            Measure::CoutParHeureApprenant => &self.cout_par_heure_apprenant,
        }
    }
}

/// A certification of one region only: listed, not compared.
#[derive(Debug, Clone, Serialize)]
pub struct SingleCertification {
    pub certification: String,
    pub libelle: String,
    pub region: String,
}

/// A flagged region, for the summary table.
#[derive(Debug, Clone, Serialize)]
pub struct Outlier {
    pub certification: String,
    pub libelle: String,
    pub mesure: Measure,
    pub region: String,
    #[serde(serialize_with = "ratio::serialize")]
    pub valeur: Decimal,
    #[serde(serialize_with = "ratio::serialize")]
    pub mediane: Decimal,
    #[serde(serialize_with = "ratio::serialize")]
    pub ecart: Decimal,
    #[serde(serialize_with = "ratio::serialize_option")]
    pub ecart_robuste: Option<Decimal>,
    pub explication: Option<Explanation>,
}

/// Exact sums of a certification in a region.
#[derive(Debug, Default, Clone)]
struct Sums {
    rows: usize,
    apprentices: u128,
    learner_hours: u128,
    headings: Vec<Amount>,
    products: Amount,
}

impl Sums {
    fn add(&mut self, row: &PreProjectRow) {
        self.rows += 1;
        self.apprentices += row.apprentices;
        self.learner_hours += row.learner_hours;
        if self.headings.len() < row.headings.len() {
            self.headings.resize(row.headings.len(), Amount::ZERO);
        }
        for (s, h) in self.headings.iter_mut().zip(&row.headings) {
            *s += *h;
        }
        self.products += row.products;
    }

    fn cost(&self) -> Amount {
        self.headings.iter().copied().sum()
    }

    fn divisor(&self, measure: Measure) -> u128 {
        match measure {
            Measure::CoutParApprenti => self.apprentices,
            Measure::CoutParHeureApprenant => self.learner_hours,
        }
    }
}

/// Euros per unit of a quantity in micro-units, to the cent: cents × 10⁴ / micros (as the
/// pre-project's costs per apprentice).
pub fn per_unit(amount: Amount, micros: u128) -> Option<Decimal> {
    ratio::quotient(i128::from(amount.cents()).checked_mul(10_000)?, i128::try_from(micros).ok()?, MONEY_DECIMALS)
}

/// Compares the certifications of the regions' pre-projects.
pub fn compare(regions: &[Region], rule: Rule, diagnostics: &mut Vec<Diagnostic>) -> (Vec<CertificationReview>, Vec<SingleCertification>) {
    // certification → region index → sums; titles: the first non-empty, regions in order.
    let mut by_certification: BTreeMap<&str, BTreeMap<usize, Sums>> = BTreeMap::new();
    let mut titles: BTreeMap<&str, &str> = BTreeMap::new();
    for (i, region) in regions.iter().enumerate() {
        for row in region.preproject.iter().flat_map(|p| &p.rows) {
            by_certification.entry(&row.certification).or_default().entry(i).or_default().add(row);
            if !row.title.is_empty() {
                titles.entry(&row.certification).or_insert(&row.title);
            }
        }
    }
    let mut reviews = Vec::new();
    let mut singles = Vec::new();
    let mut few = BTreeSet::new();
    for (cert, per_region) in &by_certification {
        let libelle = titles.get(cert).copied().unwrap_or("").to_owned();
        if per_region.len() < 2 {
            for i in per_region.keys() {
                singles.push(SingleCertification { certification: (*cert).to_owned(), libelle: libelle.clone(), region: regions[*i].name.clone() });
            }
            continue;
        }
        let figures: Vec<CertificationFigures> = per_region.iter().map(|(i, s)| figures(&regions[*i].name, s)).collect();
        for (i, s) in per_region {
            let missing: Vec<&str> = [(s.apprentices == 0, "aucun apprenti"), (s.learner_hours == 0, "aucune heure apprenant")]
                .into_iter()
                .filter_map(|(m, what)| m.then_some(what))
                .collect();
            if !missing.is_empty() {
                diagnostics.push(
                    Diagnostic::new(
                        Code::V003,
                        InputFile::Calcul,
                        format!(
                            "certification « {cert} », région « {} » : {} ({} de charges) ; la région n'entre pas dans la comparaison du coût {}",
                            regions[*i].name,
                            missing.join(" et "),
                            crate::money::euros(s.cost()),
                            match (s.apprentices == 0, s.learner_hours == 0) {
                                (true, true) => "par apprenti ni de celle du coût par heure apprenant",
                                (true, false) => "par apprenti",
                                _ => "par heure apprenant",
                            }
                        ),
                    )
                    .hint("Demandez à la région ses effectifs de la certification (nombre d'apprentis, heures de formation) : sans eux, son coût unitaire ne se compare pas."),
                );
            }
        }
        let [per_apprentice, per_hour] = Measure::BOTH.map(|measure| {
            let values: Vec<(&str, &Sums)> =
                per_region.iter().filter(|(_, s)| s.divisor(measure) > 0).map(|(i, s)| (regions[*i].name.as_str(), s)).collect();
            compare_measure(cert, &libelle, measure, &values, rule, diagnostics)
        });
        if [&per_apprentice, &per_hour].iter().any(|c| c.methode == Method::MoinsDeTroisRegions) {
            few.insert(*cert);
        }
        reviews.push(CertificationReview {
            certification: (*cert).to_owned(),
            libelle,
            regions: figures,
            cout_par_apprenti: per_apprentice,
            cout_par_heure_apprenant: per_hour,
        });
    }
    if !few.is_empty() {
        diagnostics.push(
            Diagnostic::new(
                Code::V006,
                InputFile::Calcul,
                format!(
                    "{} certification(s) comparée(s) sur moins de {} régions pour au moins une mesure (médiane et écarts affichés, aucune région signalée) : {}",
                    few.len(),
                    rule.minimum,
                    list(few.iter().copied())
                ),
            )
            .hint("Avec deux régions, la médiane est leur moyenne et chacune en est à la même distance : aucune ne peut être dite atypique."),
        );
    }
    if !singles.is_empty() {
        let codes: BTreeSet<&str> = singles.iter().map(|s| s.certification.as_str()).collect();
        diagnostics.push(
            Diagnostic::new(
                Code::V007,
                InputFile::Calcul,
                format!("{} certification(s) présente(s) dans une seule région, non comparée(s) : {}", codes.len(), list(singles.iter().map(|s| format!("{} ({})", s.certification, s.region)))),
            )
            .hint("Elles figurent dans la liste des certifications non comparées."),
        );
    }
    (reviews, singles)
}

/// The first twenty items of a list, then how many more.
fn list<T: std::fmt::Display>(items: impl Iterator<Item = T>) -> String {
    let all: Vec<String> = items.map(|i| i.to_string()).collect();
    let shown = all.iter().take(20).cloned().collect::<Vec<_>>().join(", ");
    if all.len() > 20 { format!("{shown}… (et {} autres)", all.len() - 20) } else { shown }
}

fn figures(region: &str, s: &Sums) -> CertificationFigures {
    let book = rulebook();
    let cost = s.cost();
    let products = i128::from(s.products.cents());
    CertificationFigures {
        region: region.to_owned(),
        sites: s.rows,
        apprentis: weight_sum_text(s.apprentices),
        heures_apprenants: weight_sum_text(s.learner_hours),
        rubriques: book.headings.iter().zip(&s.headings).map(|((id, _), a)| (id.clone(), *a)).collect(),
        cout_complet: cost,
        produits: s.products,
        marge: ratio::quotient(products - i128::from(cost.cents()), products, RATIO_DECIMALS),
        cout_par_apprenti: per_unit(cost, s.apprentices),
        cout_par_heure_apprenant: per_unit(cost, s.learner_hours),
        repartition: book
            .headings
            .iter()
            .zip(&s.headings)
            .filter_map(|((id, _), a)| Some((id.clone(), ratio::quotient(i128::from(a.cents()), i128::from(cost.cents()), RATIO_DECIMALS)?)))
            .collect(),
    }
}

/// One measure across the regions that have a divisor.
fn compare_measure(cert: &str, title: &str, measure: Measure, regions: &[(&str, &Sums)], rule: Rule, diagnostics: &mut Vec<Diagnostic>) -> Comparison {
    let book = rulebook();
    let value = |s: &Sums| per_unit(s.cost(), s.divisor(measure)).unwrap_or_default();
    let heading_values = |s: &Sums| -> Vec<Decimal> { s.headings.iter().map(|h| per_unit(*h, s.divisor(measure)).unwrap_or_default()).collect() };
    let values: Vec<Decimal> = regions.iter().map(|(_, s)| value(s)).collect();
    let per_heading: Vec<Vec<Decimal>> = regions.iter().map(|(_, s)| heading_values(s)).collect();
    let center = median(&values);
    let heading_medians: Vec<Decimal> =
        (0..book.heading_count()).filter_map(|h| median(&per_heading.iter().map(|v| v.get(h).copied().unwrap_or_default()).collect::<Vec<_>>())).collect();
    let n = regions.len();
    let mad = (n >= rule.minimum as usize).then(|| center.and_then(|c| median_absolute_deviation(&values, c))).flatten();
    let method = match mad {
        None => Method::MoinsDeTroisRegions,
        Some(m) if m.is_zero() => Method::EcartAbsoluMedianNul,
        Some(_) => Method::EcartAbsoluMedian,
    };
    let center_value = center.unwrap_or_default();
    let mut ecarts = Vec::new();
    for (((region, _), x), headings) in regions.iter().zip(&values).zip(&per_heading) {
        let gap = *x - center_value;
        let (z, flagged) = match (method, mad) {
            (Method::EcartAbsoluMedian, Some(m)) => (robust_z(gap, m, rule.factor), stats::beyond(gap, m, rule.factor, rule.threshold)),
            _ => (None, false),
        };
        let explication = flagged.then(|| explain(gap, headings, &heading_medians)).flatten();
        ecarts.push(Deviation {
            region: (*region).to_owned(),
            valeur: *x,
            ecart: tidy(gap),
            ecart_robuste: z,
            atypique: flagged,
            rubriques: book.headings.iter().zip(headings).map(|((id, _), v)| (id.clone(), *v)).collect(),
            explication,
        });
    }
    let name = if title.is_empty() { format!("« {cert} »") } else { format!("« {cert} » ({title})") };
    for d in ecarts.iter().filter(|d| d.atypique) {
        diagnostics.push(outlier_diagnostic(&name, measure, d, center_value, rule));
    }
    if method == Method::EcartAbsoluMedianNul {
        let differing: Vec<String> =
            ecarts.iter().filter(|d| !d.ecart.is_zero()).map(|d| format!("{} ({} €)", d.region, signed(d.ecart))).collect();
        diagnostics.push(
            Diagnostic::new(
                Code::V005,
                InputFile::Calcul,
                format!(
                    "certification {name}, {} : plus de la moitié des {n} régions ont exactement la médiane ({} €) ; l'écart absolu médian est nul et l'écart robuste ne se calcule pas ; {}",
                    measure.label(),
                    french_decimal(tidy(center_value)),
                    if differing.is_empty() { "toutes les régions ont cette valeur".to_owned() } else { format!("régions qui s'en écartent : {}", differing.join(", ")) }
                ),
            )
            .hint("Des coûts identiques au centime dans plusieurs régions sont inhabituels : vérifiez qu'ils ne sont pas recopiés. Les régions qui s'en écartent sont à examiner une à une."),
        );
    }
    let band = match (method, mad) {
        (Method::EcartAbsoluMedian, Some(m)) => bounds(center_value, m, rule.factor, rule.threshold),
        _ => None,
    };
    Comparison {
        mesure: measure,
        methode: method,
        regions_comparees: n,
        mediane: center.map(tidy),
        ecart_absolu_median: mad.map(tidy),
        borne_basse: band.map(|b| b.0),
        borne_haute: band.map(|b| b.1),
        rubriques_medianes: book.headings.iter().zip(&heading_medians).map(|((id, _), m)| (id.clone(), tidy(*m))).collect(),
        ecarts,
    }
}

/// The heading whose amount per unit is farthest from its median in the direction of the gap
/// (ties: the heading first in the declaration order); `None` when no heading goes that way.
fn explain(gap: Decimal, headings: &[Decimal], medians: &[Decimal]) -> Option<Explanation> {
    let book = rulebook();
    let sign = if gap.is_sign_negative() { Decimal::NEGATIVE_ONE } else { Decimal::ONE };
    let mut best: Option<(usize, Decimal)> = None;
    for (h, (v, m)) in headings.iter().zip(medians).enumerate() {
        let toward = (*v - *m) * sign;
        if toward > Decimal::ZERO && best.is_none_or(|(_, b)| toward > b) {
            best = Some((h, toward));
        }
    }
    let (h, _) = best?;
    let (id, label) = &book.headings[h];
    Some(Explanation { rubrique: id.clone(), libelle: label.clone(), valeur: headings[h], mediane: tidy(medians[h]), ecart: tidy(headings[h] - medians[h]) })
}

/// `+1 234,50` / `-12,00`.
fn signed(value: Decimal) -> String {
    let text = french_decimal(value);
    if value > Decimal::ZERO { format!("+{text}") } else { text }
}

fn outlier_diagnostic(name: &str, measure: Measure, d: &Deviation, center: Decimal, rule: Rule) -> Diagnostic {
    let why = match &d.explication {
        Some(e) => format!(
            " ; la rubrique qui explique le plus l'écart est « {} » : {} € {} contre une médiane de {} € ({} €)",
            e.libelle,
            french_decimal(e.valeur),
            measure.unit(),
            french_decimal(e.mediane),
            signed(e.ecart)
        ),
        None => " ; aucune rubrique ne s'écarte de sa médiane dans le sens de l'écart".to_owned(),
    };
    Diagnostic::new(
        Code::V004,
        InputFile::Calcul,
        format!(
            "certification {name}, région « {} » : {} de {} € contre une médiane de {} € ({} €, écart robuste {} au-delà du seuil {}){why}",
            d.region,
            measure.label(),
            french_decimal(d.valeur),
            french_decimal(tidy(center)),
            signed(d.ecart),
            d.ecart_robuste.map(ratio::french).unwrap_or_default(),
            ratio::french(super::weight_decimal(rule.threshold)),
        ),
    )
    .hint("Comparez les charges de cette rubrique et leur clé de répartition à celles des autres régions : un écart qui ne correspond pas à une différence réelle de coût de revient pénalise le réseau (norme §V.e.iii).")
}

/// Every flagged region, certification by certification, measure by measure.
pub fn outliers(reviews: &[CertificationReview]) -> Vec<Outlier> {
    let mut out = Vec::new();
    for r in reviews {
        for measure in Measure::BOTH {
            let c = r.comparison(measure);
            for d in c.ecarts.iter().filter(|d| d.atypique) {
                out.push(Outlier {
                    certification: r.certification.clone(),
                    libelle: r.libelle.clone(),
                    mesure: measure,
                    region: d.region.clone(),
                    valeur: d.valeur,
                    mediane: c.mediane.unwrap_or_default(),
                    ecart: d.ecart,
                    ecart_robuste: d.ecart_robuste,
                    explication: d.explication.clone(),
                });
            }
        }
    }
    out
}
