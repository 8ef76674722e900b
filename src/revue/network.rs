//! What CMA France aggregates over the network: the national results by activity and axis with
//! each region's share (norm §IV, 2025–2026), the compliance dashboard of norm §VI, and the cost
//! of the codes flagged (COP) and (PN) in the nomenclature, per region — the figures a COP/COM
//! execution report asks for (« les actions mises en œuvre, leur coût, leur financement »).
//!
//! Only what the files state is used: an indicator that no file gives is « non connu » (`None`),
//! never guessed.

use std::collections::BTreeMap;

use rust_decimal::Decimal;
use serde::Serialize;

use super::read::{ActivityData, DeclaredCalendar, ResultsData};
use super::{Region, ReviewOptions, region_key, serialize_date};
use crate::calendar::{CalendarInput, Status, calendar};
use crate::date::Date;
use crate::diagnostic::{Code, Diagnostic, InputFile};
use crate::money::Amount;
use crate::ratio::{self, RATIO_DECIMALS};
use crate::rulebook::{NationalCode, rulebook};

fn share(part: Amount, total: Amount) -> Option<Decimal> {
    ratio::quotient(i128::from(part.cents()), i128::from(total.cents()), RATIO_DECIMALS)
}

// ---------------------------------------------------------------------------------------------
// National aggregate.

/// One region's part of a national figure.
#[derive(Debug, Clone, Serialize)]
pub struct RegionShare {
    pub region: String,
    pub charges_directes: Amount,
    pub charges_indirectes: Amount,
    pub cout_complet: Amount,
    pub produits: Amount,
    pub resultat: Amount,
    /// Share of the national full cost, four decimals (absent when the national figure is zero).
    #[serde(serialize_with = "ratio::serialize_option")]
    pub part_cout_complet: Option<Decimal>,
    #[serde(serialize_with = "ratio::serialize_option")]
    pub part_produits: Option<Decimal>,
}

/// A national activity or axis: the sum of the regions that gave their results.
#[derive(Debug, Clone, Serialize)]
pub struct NationalRow {
    pub code: String,
    pub libelle: String,
    pub charges_directes: Amount,
    pub charges_indirectes: Amount,
    pub cout_complet: Amount,
    pub produits: Amount,
    pub resultat: Amount,
    pub regions: Vec<RegionShare>,
}

/// The control totals of a region (spec §4.11), and of the network.
#[derive(Debug, Clone, Serialize)]
pub struct RegionControl {
    pub region: String,
    pub charges: Amount,
    pub charges_non_reparties: Amount,
    pub charges_non_rattachees: Amount,
    pub produits: Amount,
    pub produits_non_rattaches: Amount,
}

/// The national aggregate.
#[derive(Debug, Clone, Serialize)]
pub struct National {
    /// Regions whose full results were given.
    pub regions: Vec<String>,
    pub regions_sans_resultats: Vec<String>,
    pub activites: Vec<NationalRow>,
    pub axes: Vec<NationalRow>,
    pub controle: Vec<RegionControl>,
    pub controle_total: RegionControl,
}

#[derive(Default, Clone, Copy)]
struct Figures {
    direct: Amount,
    indirect: Amount,
    full_cost: Amount,
    products: Amount,
}

impl Figures {
    fn add(&mut self, a: &ActivityData) {
        self.direct += a.direct;
        self.indirect += a.indirect;
        self.full_cost += a.full_cost;
        self.products += a.products;
    }
}

fn rows(per_code: BTreeMap<String, BTreeMap<usize, Figures>>, regions: &[Region]) -> Vec<NationalRow> {
    let book = rulebook();
    per_code
        .into_iter()
        .map(|(code, per_region)| {
            let mut total = Figures::default();
            for f in per_region.values() {
                total.direct += f.direct;
                total.indirect += f.indirect;
                total.full_cost += f.full_cost;
                total.products += f.products;
            }
            NationalRow {
                libelle: NationalCode::parse(&code).map(|c| book.label(c).to_owned()).unwrap_or_default(),
                code,
                charges_directes: total.direct,
                charges_indirectes: total.indirect,
                cout_complet: total.full_cost,
                produits: total.products,
                resultat: total.products - total.full_cost,
                regions: per_region
                    .iter()
                    .map(|(i, f)| RegionShare {
                        region: regions[*i].name.clone(),
                        charges_directes: f.direct,
                        charges_indirectes: f.indirect,
                        cout_complet: f.full_cost,
                        produits: f.products,
                        resultat: f.products - f.full_cost,
                        part_cout_complet: share(f.full_cost, total.full_cost),
                        part_produits: share(f.products, total.products),
                    })
                    .collect(),
            }
        })
        .collect()
}

/// Sums the regions' results by activity and by axis (the activity code's letter).
pub fn national(regions: &[Region]) -> National {
    let mut activities: BTreeMap<String, BTreeMap<usize, Figures>> = BTreeMap::new();
    let mut axes: BTreeMap<String, BTreeMap<usize, Figures>> = BTreeMap::new();
    let mut controle = Vec::new();
    let mut total = RegionControl {
        region: "Total national".to_owned(),
        charges: Amount::ZERO,
        charges_non_reparties: Amount::ZERO,
        charges_non_rattachees: Amount::ZERO,
        produits: Amount::ZERO,
        produits_non_rattaches: Amount::ZERO,
    };
    for (i, region) in regions.iter().enumerate() {
        let Some(results) = &region.results else { continue };
        for a in &results.activities {
            activities.entry(a.code.clone()).or_default().entry(i).or_default().add(a);
            let axis = a.code.get(..1).unwrap_or("").to_owned();
            axes.entry(axis).or_default().entry(i).or_default().add(a);
        }
        let c = results.control;
        total.charges += c.charges;
        total.charges_non_reparties += c.unallocated;
        total.charges_non_rattachees += c.unmapped_charges;
        total.produits += c.products;
        total.produits_non_rattaches += c.unmapped_products;
        controle.push(RegionControl {
            region: region.name.clone(),
            charges: c.charges,
            charges_non_reparties: c.unallocated,
            charges_non_rattachees: c.unmapped_charges,
            produits: c.products,
            produits_non_rattaches: c.unmapped_products,
        });
    }
    National {
        regions: regions.iter().filter(|r| r.results.is_some()).map(|r| r.name.clone()).collect(),
        regions_sans_resultats: regions.iter().filter(|r| r.results.is_none()).map(|r| r.name.clone()).collect(),
        activites: rows(activities, regions),
        axes: rows(axes, regions),
        controle,
        controle_total: total,
    }
}

// ---------------------------------------------------------------------------------------------
// Codes flagged (COP) and (PN).

/// How the full cost of a flagged code was obtained.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum CostMethod {
    /// An activity: its full cost as the norm allocates it.
    RepartitionNorme,
    /// An action: its direct charges plus its activity's indirect charges × its share of the
    /// activity's direct charges (an estimate outside the norm).
    EstimationChargesDirectes,
    /// An action whose estimate has no sound base (activity without positive direct charges, or
    /// negative direct charges).
    NonCalculable,
}

impl CostMethod {
    pub fn label(self) -> &'static str {
        match self {
            CostMethod::RepartitionNorme => "coût complet de la norme",
            CostMethod::EstimationChargesDirectes => "estimation (au prorata des charges directes)",
            CostMethod::NonCalculable => "non calculable",
        }
    }
}

/// A flagged code in one region.
#[derive(Debug, Clone, Serialize)]
pub struct FlaggedRegion {
    pub region: String,
    pub charges_directes: Amount,
    pub produits: Amount,
    /// produits − charges directes.
    pub resultat_direct: Amount,
    pub charges_indirectes: Option<Amount>,
    pub cout_complet: Option<Amount>,
    /// produits − coût complet.
    pub resultat: Option<Amount>,
    pub methode: CostMethod,
}

/// A code of the nomenclature flagged (COP) or (PN), across the regions.
#[derive(Debug, Clone, Serialize)]
pub struct FlaggedCode {
    pub code: String,
    pub libelle: String,
    /// `COP`, `PN` or `COP, PN`.
    pub drapeaux: String,
    pub regions: Vec<FlaggedRegion>,
    pub total: FlaggedTotal,
}

#[derive(Debug, Clone, Serialize)]
pub struct FlaggedTotal {
    pub charges_directes: Amount,
    pub produits: Amount,
    pub resultat_direct: Amount,
    /// The sum of the regions' full costs, when every region has one.
    pub cout_complet: Option<Amount>,
}

/// The flagged codes with data, and those without any.
#[derive(Debug, Clone, Serialize)]
pub struct FlaggedCodes {
    pub codes: Vec<FlaggedCode>,
    /// Flagged codes that no region's results carry (objects mapped to them, or to the
    /// activity only).
    pub sans_donnees: Vec<String>,
}

/// The estimated full cost of an action: direct + indirect(activity) × direct(action) /
/// direct(activity), rounded once to the cent.
fn action_cost(action_direct: Amount, activity: Option<&ActivityData>) -> (Option<Amount>, CostMethod) {
    let Some(a) = activity.filter(|a| a.direct.cents() > 0 && action_direct.cents() >= 0 && action_direct <= a.direct) else {
        return (None, CostMethod::NonCalculable);
    };
    let indirect = ratio::round_div(i128::from(a.indirect.cents()) * i128::from(action_direct.cents()), i128::from(a.direct.cents()))
        .and_then(|c| i64::try_from(c).ok())
        .map(Amount::from_cents);
    match indirect {
        Some(i) => (Some(i), CostMethod::EstimationChargesDirectes),
        None => (None, CostMethod::NonCalculable),
    }
}

fn flagged_region(region: &str, results: &ResultsData, code: NationalCode) -> Option<FlaggedRegion> {
    let activity_of = |c: &str| results.activities.iter().find(|a| a.code == c);
    let (direct, products, indirect, method) = if code.is_action() {
        let action = results.actions.iter().find(|a| a.code == code.as_str())?;
        let activity = code.activity().and_then(|a| activity_of(a.as_str()));
        let (indirect, method) = action_cost(action.charges, activity);
        (action.charges, action.products, indirect, method)
    } else {
        let a = activity_of(code.as_str())?;
        (a.direct, a.products, Some(a.indirect), CostMethod::RepartitionNorme)
    };
    let full = indirect.map(|i| direct + i);
    Some(FlaggedRegion {
        region: region.to_owned(),
        charges_directes: direct,
        produits: products,
        resultat_direct: products - direct,
        charges_indirectes: indirect,
        cout_complet: full,
        resultat: full.map(|f| products - f),
        methode: method,
    })
}

/// Every code flagged (COP) or (PN) in the rulebook, with each region's figures.
pub fn flagged_codes(regions: &[Region]) -> FlaggedCodes {
    let book = rulebook();
    let mut codes = Vec::new();
    let mut sans_donnees = Vec::new();
    let any_results = regions.iter().any(|r| r.results.is_some());
    for entry in book.nomenclature.iter().filter(|e| e.cop || e.pn) {
        let per_region: Vec<FlaggedRegion> =
            regions.iter().filter_map(|r| flagged_region(&r.name, r.results.as_ref()?, entry.code)).collect();
        if per_region.is_empty() {
            if any_results {
                sans_donnees.push(entry.code.to_string());
            }
            continue;
        }
        let flags: Vec<&str> = [(entry.cop, "COP"), (entry.pn, "PN")].into_iter().filter_map(|(f, n)| f.then_some(n)).collect();
        let total = FlaggedTotal {
            charges_directes: per_region.iter().map(|r| r.charges_directes).sum(),
            produits: per_region.iter().map(|r| r.produits).sum(),
            resultat_direct: per_region.iter().map(|r| r.resultat_direct).sum(),
            cout_complet: per_region.iter().map(|r| r.cout_complet).sum(),
        };
        codes.push(FlaggedCode { code: entry.code.to_string(), libelle: entry.label.clone(), drapeaux: flags.join(", "), regions: per_region, total });
    }
    FlaggedCodes { codes, sans_donnees }
}

// ---------------------------------------------------------------------------------------------
// Compliance dashboard (norm §VI).

/// Where an indicator comes from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Source {
    /// The pre-project's indicators (XLSX sheet « Indicateurs » or `preprojet --json`).
    Preprojet,
    /// The full results (`repartir --json`): `controle` and `pools`.
    Resultats,
    /// The calendar stated by the pre-project (identity sheet or `calendrier`).
    CalendrierDeclare,
    /// The date CMA France received the préprojet (`--recu`).
    DateDeReception,
}

impl Source {
    pub fn label(self) -> &'static str {
        match self {
            Source::Preprojet => "préprojet",
            Source::Resultats => "résultats",
            Source::CalendrierDeclare => "calendrier du préprojet",
            Source::DateDeReception => "date de réception",
        }
    }
}

/// One region's line of the dashboard; `None` is « non connu ».
#[derive(Debug, Clone, Serialize)]
pub struct Compliance {
    pub region: String,
    pub objets_rattaches: Option<u64>,
    pub objets_total: Option<u64>,
    #[serde(serialize_with = "ratio::serialize_option")]
    pub part_objets_rattaches: Option<Decimal>,
    pub source_objets: Option<Source>,
    pub charges_rattachees: Option<Amount>,
    pub charges_total: Option<Amount>,
    #[serde(serialize_with = "ratio::serialize_option")]
    pub part_charges_rattachees: Option<Decimal>,
    pub produits_rattaches: Option<Amount>,
    pub produits_total: Option<Amount>,
    #[serde(serialize_with = "ratio::serialize_option")]
    pub part_produits_rattaches: Option<Decimal>,
    pub source_montants: Option<Source>,
    pub charges_indirectes: Option<Amount>,
    pub charges_indirectes_reparties: Option<Amount>,
    #[serde(serialize_with = "ratio::serialize_option")]
    pub part_charges_indirectes_reparties: Option<Decimal>,
    pub pools: Option<u64>,
    pub pools_entierement_repartis: Option<u64>,
    pub source_cles: Option<Source>,
    pub preprojet_a_l_heure: Option<bool>,
    /// Days from sending (or reception) to the due date; negative when late.
    pub jours_restants: Option<i64>,
    #[serde(serialize_with = "serialize_date")]
    pub date_limite: Option<Date>,
    /// The date the préprojet was sent (declared) or received (`--recu`).
    #[serde(serialize_with = "serialize_date")]
    pub date_envoi: Option<Date>,
    pub source_calendrier: Option<Source>,
    /// The indicators no file gives.
    pub non_connus: Vec<&'static str>,
}

/// The dashboard, one line per region. Reception dates that name no region are `V012`.
pub fn compliance(
    regions: &[Region],
    options: &ReviewOptions,
    found: &mut BTreeMap<String, Vec<Diagnostic>>,
    diagnostics: &mut Vec<Diagnostic>,
) -> Vec<Compliance> {
    let receptions: BTreeMap<String, Date> = options.receptions.iter().map(|(r, d)| (region_key(r), *d)).collect();
    for (name, date) in &options.receptions {
        if !regions.iter().any(|r| region_key(&r.name) == region_key(name)) {
            diagnostics.push(
                Diagnostic::new(Code::V012, InputFile::Parametres, format!("date de réception du {} donnée pour « {name} », qui n'est la région d'aucun fichier", date.french()))
                    .hint("Écrivez le nom de la région comme celui d'un de ses fichiers (majuscules, accents et espaces ne comptent pas)."),
            );
        }
    }
    let mut out = Vec::new();
    for region in regions {
        let key = region_key(&region.name);
        let findings = found.entry(key.clone()).or_default();

        let pre = region.preproject.as_ref();
        let declared = pre.and_then(|p| p.indicators);
        let mut line = Compliance {
            region: region.name.clone(),
            objets_rattaches: None,
            objets_total: None,
            part_objets_rattaches: None,
            source_objets: None,
            charges_rattachees: None,
            charges_total: None,
            part_charges_rattachees: None,
            produits_rattaches: None,
            produits_total: None,
            part_produits_rattaches: None,
            source_montants: None,
            charges_indirectes: None,
            charges_indirectes_reparties: None,
            part_charges_indirectes_reparties: None,
            pools: None,
            pools_entierement_repartis: None,
            source_cles: None,
            preprojet_a_l_heure: None,
            jours_restants: None,
            date_limite: None,
            date_envoi: None,
            source_calendrier: None,
            non_connus: Vec::new(),
        };
        // Objects: only the pre-project's indicators count them.
        if let Some((mapped, total)) = declared.and_then(|i| Some((i.objects_mapped?, i.objects_total?))) {
            line.objets_rattaches = Some(mapped);
            line.objets_total = Some(total);
            line.part_objets_rattaches = ratio::quotient(i128::from(mapped), i128::from(total), RATIO_DECIMALS);
            line.source_objets = Some(Source::Preprojet);
        }
        // Amounts and keys: the full results first, else the pre-project's indicators.
        if let Some(r) = &region.results {
            let c = r.control;
            line.charges_rattachees = Some(c.charges - c.unmapped_charges);
            line.charges_total = Some(c.charges);
            line.produits_rattaches = Some(c.products - c.unmapped_products);
            line.produits_total = Some(c.products);
            line.source_montants = Some(Source::Resultats);
            let pooled: Amount = r.pools.iter().map(|p| p.0).sum();
            let left: Amount = r.pools.iter().map(|p| p.1).sum();
            line.charges_indirectes = Some(pooled);
            line.charges_indirectes_reparties = Some(pooled - left);
            line.pools = Some(r.pools.len() as u64);
            line.pools_entierement_repartis = Some(r.pools.iter().filter(|p| p.1.is_zero()).count() as u64);
            line.source_cles = Some(Source::Resultats);
        } else if let Some(i) = declared {
            if let (Some(cm), Some(ct), Some(pm), Some(pt)) = (i.charges_mapped, i.charges_total, i.products_mapped, i.products_total) {
                (line.charges_rattachees, line.charges_total, line.produits_rattaches, line.produits_total) = (Some(cm), Some(ct), Some(pm), Some(pt));
                line.source_montants = Some(Source::Preprojet);
            }
            if let (Some(ind), Some(spread)) = (i.indirect, i.indirect_spread) {
                (line.charges_indirectes, line.charges_indirectes_reparties) = (Some(ind), Some(spread));
                (line.pools, line.pools_entierement_repartis) = (i.pools, i.pools_spread);
                line.source_cles = Some(Source::Preprojet);
            }
        }
        line.part_charges_rattachees = line.charges_rattachees.zip(line.charges_total).and_then(|(p, t)| share(p, t));
        line.part_produits_rattaches = line.produits_rattaches.zip(line.produits_total).and_then(|(p, t)| share(p, t));
        line.part_charges_indirectes_reparties = line.charges_indirectes_reparties.zip(line.charges_indirectes).and_then(|(p, t)| share(p, t));
        let mut local = Vec::new();
        timeliness(&mut line, pre.and_then(|p| p.calendar), pre.and_then(|p| p.financial_year), receptions.get(&key).copied(), options.transmission, &mut local);
        unknowns(&mut line, region, &mut local);
        for mut d in local {
            d.message = format!("région « {} » : {}", region.name, d.message);
            findings.push(d);
        }
        out.push(line);
    }
    out
}

/// On time or late: from the reception date when given (against the due date of the stated or
/// given transmission date), else as the pre-project states it.
fn timeliness(
    line: &mut Compliance,
    declared: Option<DeclaredCalendar>,
    financial_year: Option<i32>,
    received: Option<Date>,
    transmission: Option<Date>,
    findings: &mut Vec<Diagnostic>,
) {
    if let Some(received) = received {
        let mut calendar_findings = Vec::new();
        let input = CalendarInput { transmission: transmission.or(declared.and_then(|c| c.transmission)), sending: received, financial_year };
        if let Some(c) = calendar(input, &mut calendar_findings) {
            line.preprojet_a_l_heure = Some(c.statut == Status::OnTime);
            line.jours_restants = Some(c.jours_restants);
            line.date_limite = Some(c.date_limite_preprojet);
            line.date_envoi = Some(received);
            line.source_calendrier = Some(Source::DateDeReception);
        }
        // The calendar's own lateness finding speaks of a sending: V008 below says it for the review.
        findings.extend(calendar_findings.into_iter().filter(|d| d.code != Code::P001));
    } else if let Some(c) = declared.filter(|c| c.on_time.is_some()) {
        line.preprojet_a_l_heure = c.on_time;
        line.jours_restants = c.days_left;
        line.date_limite = c.due;
        line.date_envoi = c.sending;
        line.source_calendrier = Some(Source::CalendrierDeclare);
    }
    if line.preprojet_a_l_heure == Some(false) {
        let days = line.jours_restants.map_or_else(String::new, |d| format!(", {} jour(s) de retard", d.unsigned_abs()));
        let when = match (line.source_calendrier, line.date_envoi) {
            (Some(Source::DateDeReception), Some(d)) => format!("reçu par CMA France le {}", d.french()),
            (_, Some(d)) => format!("envoyé le {} (date déclarée par la région)", d.french()),
            _ => "déclaré en retard par la région".to_owned(),
        };
        let due = line.date_limite.map_or_else(String::new, |d| format!(", dû le {}", d.french()));
        findings.push(
            Diagnostic::new(Code::V008, InputFile::Preprojet, format!("préprojet {when}{due}{days} : moins de trois semaines avant la transmission à France compétences"))
                .hint("La norme (§V.e.iii, §VI) demande le préprojet à CMA France au moins trois semaines avant la transmission, pour la revue de cohérence."),
        );
    }
}

/// The names of the indicators no file gives, and one `V009` saying which and why.
fn unknowns(line: &mut Compliance, region: &Region, findings: &mut Vec<Diagnostic>) {
    let mut missing = Vec::new();
    if line.source_objets.is_none() {
        missing.push("objets rattachés");
    }
    if line.source_montants.is_none() {
        missing.push("montants rattachés");
    }
    if line.source_cles.is_none() {
        missing.push("charges indirectes réparties par les clés");
    }
    if line.source_calendrier.is_none() {
        missing.push("préprojet à l'heure");
    }
    line.non_connus = missing.clone();
    if missing.is_empty() {
        return;
    }
    let given = match (&region.preproject, &region.results) {
        (Some(p), Some(_)) => format!("son préprojet ({}) et ses résultats", p.format),
        (Some(p), None) => format!("son préprojet ({}) seul", p.format),
        (None, Some(_)) => "ses résultats seuls".to_owned(),
        (None, None) => "aucun fichier lisible".to_owned(),
    };
    let file = if region.preproject.is_none() && region.results.is_some() { InputFile::Resultats } else { InputFile::Preprojet };
    findings.push(
        Diagnostic::new(Code::V009, file, format!("indicateurs de la norme §VI non connus d'après {given} : {}", missing.join(", ")))
            .hint("Le CSV du préprojet n'a ni identité ni indicateurs : donnez son classeur XLSX ou son JSON, les résultats complets (repartir --json), ou la date de réception du préprojet par CMA France (champ de la page, ou --recu en ligne de commande)."),
    );
}

#[cfg(test)]
mod tests {
    use super::*;

    fn activity(direct: i64, indirect: i64) -> ActivityData {
        ActivityData {
            code: "A03".into(),
            direct: Amount::from_cents(direct),
            indirect: Amount::from_cents(indirect),
            full_cost: Amount::from_cents(direct + indirect),
            products: Amount::ZERO,
        }
    }

    #[test]
    fn the_estimate_of_an_action_and_when_it_is_not_computable() {
        // 100,00 × 1,00 / 3,00 = 33,333… → 33,33; 200,00 × 1,00 / 8,00 = 25,00.
        assert_eq!(action_cost(Amount::from_cents(100), Some(&activity(300, 10_000))), (Some(Amount::from_cents(3_333)), CostMethod::EstimationChargesDirectes));
        // 0,05 × 1 / 2 = 0,025 → 0,03 (half away from zero, once).
        assert_eq!(action_cost(Amount::from_cents(1), Some(&activity(2, 5))).0, Some(Amount::from_cents(3)));
        assert_eq!(action_cost(Amount::from_cents(100), Some(&activity(0, 500))).1, CostMethod::NonCalculable);
        assert_eq!(action_cost(Amount::from_cents(-100), Some(&activity(300, 500))).1, CostMethod::NonCalculable);
        assert_eq!(action_cost(Amount::from_cents(400), Some(&activity(300, 500))).1, CostMethod::NonCalculable);
        assert_eq!(action_cost(Amount::from_cents(100), None).1, CostMethod::NonCalculable);
    }
}
