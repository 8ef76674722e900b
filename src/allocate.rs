//! The allocation of spec §4: direct charges to receivers, pools aggregated, then each pool
//! split in one or two levels by the keys of Annexe 3, rounded to the cent by largest remainder.
//!
//! Pure: ledger postings, mapping and drivers in; receivers, pools with their whole trail, the
//! control totals and the findings out. Pools never receive from other pools (the norm's
//! two-level direct method).

use std::collections::{BTreeMap, BTreeSet};

use rustc_hash::FxHashMap;

use crate::diagnostic::{Code, Diagnostic, InputFile};
use crate::input::{DriverRow, Drivers, Ledger, Mappings, Nature};
use crate::money::{Amount, SplitError, euros, split};
use crate::rulebook::{DriverKind, Family, Heading, Key, NationalCode, Side, rulebook};

/// What costs are charged to: an operational activity at a site, and inside B01 a certification
/// at a site. The derived order — code, certification, site, `None` before any value — is the
/// tie order of the rounding (spec §4.8).
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Receiver {
    pub activity: NationalCode,
    pub certification: Option<String>,
    pub site: Option<String>,
}

/// A pool: (activity code of 3 characters, key family, site). `None` site is regional.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct PoolKey {
    pub code: NationalCode,
    pub family: Family,
    pub site: Option<String>,
}

/// Everything a receiver got.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ReceiverTotals {
    pub direct: Amount,
    pub indirect: Amount,
    pub products: Amount,
    /// France compétences headings (B01 certifications only), in rulebook order.
    pub headings: Vec<Amount>,
    pub indirect_by_pool: BTreeMap<PoolKey, Amount>,
    pub products_by_financer: BTreeMap<String, Amount>,
    /// First ledger line charged directly to the receiver, to point the user at it.
    pub first_line: Option<u32>,
}

impl ReceiverTotals {
    pub fn full_cost(&self) -> Amount {
        self.direct + self.indirect
    }

    fn heading_mut(&mut self, heading: Heading) -> &mut Amount {
        if self.headings.is_empty() {
            self.headings = vec![Amount::ZERO; rulebook().heading_count()];
        }
        &mut self.headings[heading.index()]
    }
}

/// One split of an amount over weighted parts, as shown in the trail.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Split<T> {
    pub driver: DriverKind,
    pub amount: Amount,
    /// (part, weight in micro-units, amount received), in tie order.
    pub parts: Vec<(T, u128, Amount)>,
    /// What could not be split (all weights zero, or weights too large for an exact split).
    pub unallocated: Amount,
    /// Why it could not be split, when it could not.
    pub failure: Option<SplitError>,
}

/// A level-2 (or single-level) split, labelled with what it is the split of.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ReceiverSplit {
    pub side: Side,
    /// For B01 commun: the heading of the charges split; for its products: the financer.
    pub heading: Option<Heading>,
    pub financer: Option<String>,
    pub split: Split<Receiver>,
}

/// A pool with its whole trail.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PoolResult {
    pub key: PoolKey,
    pub charges: Amount,
    /// Products booked on the pool's objects and not spread (spec §4.10).
    pub products: Amount,
    /// Level 1 between the sides (two-level pools only); `None` for the one-level pools.
    pub level1: Option<Split<Side>>,
    /// Whether level 1 used the key's fallback driver (vehicles → ETP).
    pub fallback_used: bool,
    pub level2: Vec<ReceiverSplit>,
    /// Level-1 share of each side (for one-level pools the whole amount is on its own side).
    pub shares: BTreeMap<Side, Amount>,
    pub unallocated: Amount,
}

/// Direct amounts of one national action (objects mapped to 5-character codes).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct ActionTotals {
    pub charges: Amount,
    pub products: Amount,
}

/// The control totals of spec §4.11.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Control {
    pub charges: Amount,
    pub products: Amount,
    pub charges_allocated: Amount,
    pub charges_unallocated: Amount,
    pub charges_unmapped: Amount,
    pub products_operational: Amount,
    pub products_pools: Amount,
    pub products_unmapped: Amount,
}

impl Control {
    /// Whether both identities hold to the cent.
    pub fn balances(&self) -> bool {
        self.charges == self.charges_allocated + self.charges_unallocated + self.charges_unmapped
            && self.products == self.products_operational + self.products_pools + self.products_unmapped
    }
}

/// Counts of the allocation's elementary steps: the test that proves it linear in its inputs
/// (many objects, many sites and pools) counts them, never the time. Not shown to users.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Work {
    /// Postings of the ledger visited.
    pub postings: u64,
    /// Driver rows visited (the weights of every scope, learner hours, checks).
    pub driver_rows: u64,
    /// Receivers looked at: candidates of every split (kept or not) and the checks.
    pub receivers: u64,
}

/// The result of the allocation.
#[derive(Debug, Default)]
pub struct Allocation {
    pub receivers: BTreeMap<Receiver, ReceiverTotals>,
    pub pools: Vec<PoolResult>,
    pub actions: BTreeMap<NationalCode, ActionTotals>,
    /// Apprentice-hours per B01 certification, all sites (pre-project and certification rows).
    pub learner_hours: BTreeMap<String, u128>,
    pub control: Control,
    /// Objects of the ledger mapped to a known code, and all objects of the ledger (§VI
    /// indicators).
    pub objects_mapped: usize,
    pub objects_total: usize,
    pub work: Work,
}

/// How a ledger object is tied to the nomenclature.
enum Resolved<'m> {
    Unmapped,
    Mapped(&'m crate::input::MappingRow),
}

/// Where a pool's amounts accumulate before allocation.
#[derive(Default)]
struct PoolAccumulator {
    /// First ledger line of the pool (the smallest), to point the user at it.
    first_line: Option<u32>,
    charges: Amount,
    /// B01 commun only: charges per heading.
    by_heading: BTreeMap<Heading, Amount>,
    products: Amount,
    /// B01 commun only: products per financer (`""` when none).
    products_by_financer: BTreeMap<String, Amount>,
}

/// Weights of the driver rows of one scope (a site, or the whole region).
#[derive(Default)]
struct ScopeWeights {
    /// Level 1: per driver kind, the weight of each side.
    level1: BTreeMap<(DriverKind, Side), u128>,
    /// Rows of each kind in scope, zero-valued rows included (the vehicle fallback asks for
    /// "no rows", not "zero weight").
    rows: BTreeMap<DriverKind, usize>,
    /// Level 2: per driver kind, the weight of each operational receiver.
    level2: BTreeMap<DriverKind, BTreeMap<Receiver, u128>>,
}

/// Allocates. `diagnostics` receives the findings of this stage.
pub fn allocate(ledger: &Ledger, mappings: &Mappings, drivers: &Drivers, diagnostics: &mut Vec<Diagnostic>) -> Allocation {
    let book = rulebook();
    let b01 = book.apprenticeship();
    let mut out = Allocation::default();

    // 1. Each object resolved once.
    let resolved: Vec<Resolved<'_>> = ledger
        .objects
        .names
        .iter()
        .map(|name| match mappings.objects.get(name) {
            Some(row) if !name.is_empty() => Resolved::Mapped(row),
            _ => Resolved::Unmapped,
        })
        .collect();
    out.objects_total = ledger.objects.len().saturating_sub(usize::from(ledger.object_lines[0].lines == 0));
    out.objects_mapped = resolved.iter().filter(|r| matches!(r, Resolved::Mapped(_))).count();

    // 2. Postings to receivers, pools and « non rattaché ».
    // The pools by the object and family of their postings, the receivers by the object and
    // certification of theirs.
    let mut pools: ByObject<Family, PoolKey, PoolAccumulator> = ByObject::new();
    let mut receivers: ByObject<u32, Receiver, ReceiverTotals> = ByObject::new();
    let mut unmapped: BTreeMap<u32, (Amount, Amount)> = BTreeMap::new();
    // Per object: the amount, and the first ledger line of those postings (to point at it).
    let mut b01_without_certification: BTreeMap<u32, (Amount, u32)> = BTreeMap::new();
    let mut rent_off_formation: BTreeMap<u32, (Amount, u32)> = BTreeMap::new();
    let note = |map: &mut BTreeMap<u32, (Amount, u32)>, p: &crate::input::Posting| {
        let e = map.entry(p.object).or_insert((Amount::ZERO, p.first_line));
        e.0 += p.amount;
        e.1 = e.1.min(p.first_line);
    };
    let mut pedagogie_by_default: u64 = 0;
    let mut pedagogie_first_line: u32 = u32::MAX;
    let (mut sum86, mut sum87) = (Amount::ZERO, Amount::ZERO);
    let pedagogie = book.heading_required("pedagogie");
    for p in &ledger.postings {
        out.work.postings += 1;
        let account = ledger.accounts.name(p.account);
        match p.nature {
            Nature::Charge => out.control.charges += p.amount,
            Nature::Product => out.control.products += p.amount,
        }
        if account.starts_with("86") {
            sum86 += p.amount;
        } else if account.starts_with("87") {
            sum87 += p.amount;
        }
        let row = match resolved[p.object as usize] {
            Resolved::Unmapped => {
                let e = unmapped.entry(p.object).or_default();
                match p.nature {
                    Nature::Charge => {
                        e.0 += p.amount;
                        out.control.charges_unmapped += p.amount;
                    }
                    Nature::Product => {
                        e.1 += p.amount;
                        out.control.products_unmapped += p.amount;
                    }
                }
                continue;
            }
            Resolved::Mapped(row) => row,
        };
        let Some(activity) = row.code.activity() else { continue };
        if account.starts_with("86") && book.side_of(activity) != Some(Side::Formation) {
            note(&mut rent_off_formation, p);
        }
        if row.code.is_action() {
            let a = out.actions.entry(row.code).or_default();
            match p.nature {
                Nature::Charge => a.charges += p.amount,
                Nature::Product => a.products += p.amount,
            }
        }
        let financer = ledger.financers.name(p.financer);
        if book.is_operational(activity) {
            // B01 with a certification: the posting's own, or its object's in the mapping.
            let certified = activity == b01 && (p.certification != 0 || row.certification.is_some());
            let heading = (activity == b01 && p.nature == Nature::Charge).then(|| {
                row.heading.or_else(|| book.heading_of_account(account)).unwrap_or_else(|| {
                    pedagogie_by_default += u64::from(p.lines);
                    pedagogie_first_line = pedagogie_first_line.min(p.first_line);
                    pedagogie
                })
            });
            if activity == b01 && !certified {
                let pool = pools.get(p.object, Family::B01Commun, || PoolKey {
                    code: activity,
                    family: Family::B01Commun,
                    site: row.site.clone(),
                });
                pool.first_line = Some(pool.first_line.map_or(p.first_line, |l| l.min(p.first_line)));
                match (p.nature, heading) {
                    (Nature::Charge, Some(h)) => {
                        pool.charges += p.amount;
                        *pool.by_heading.entry(h).or_default() += p.amount;
                        note(&mut b01_without_certification, p);
                    }
                    _ => {
                        pool.products += p.amount;
                        add(&mut pool.products_by_financer, financer, p.amount);
                    }
                }
                continue;
            }
            let totals = receivers.get(p.object, p.certification, || {
                let certification = match (certified, p.certification) {
                    (false, _) => None,
                    (true, 0) => row.certification.clone(),
                    (true, c) => Some(ledger.certifications.name(c).to_owned()),
                };
                Receiver { activity, certification, site: row.site.clone() }
            });
            match p.nature {
                Nature::Charge => {
                    totals.first_line = Some(totals.first_line.map_or(p.first_line, |l| l.min(p.first_line)));
                    totals.direct += p.amount;
                    if let Some(h) = heading {
                        *totals.heading_mut(h) += p.amount;
                    }
                }
                Nature::Product => {
                    totals.products += p.amount;
                    add(&mut totals.products_by_financer, financer, p.amount);
                }
            }
        } else {
            let family = row.family.unwrap_or_else(|| {
                let premises = activity.axis() == b'D' && p.nature == Nature::Charge && book.is_premises_account(account);
                if premises { Family::Locaux } else { book.default_family(row.code).unwrap_or(Family::Support) }
            });
            let pool = pools.get(p.object, family, || PoolKey { code: activity, family, site: row.site.clone() });
            pool.first_line = Some(pool.first_line.map_or(p.first_line, |l| l.min(p.first_line)));
            match p.nature {
                Nature::Charge => pool.charges += p.amount,
                Nature::Product => pool.products += p.amount,
            }
        }
    }

    out.receivers = receivers.into_map();
    let pools = pools.into_map();

    // 3. Driver weights, per scope, computed once.
    report_weightless_rows(drivers, diagnostics);
    // A site's rows are found through an index, not by going over every row for every site.
    let mut rows_by_site: BTreeMap<Option<&str>, Vec<&DriverRow>> = BTreeMap::new();
    for row in &drivers.rows {
        rows_by_site.entry(row.site.as_deref()).or_default().push(row);
    }
    let mut scopes: BTreeMap<Option<String>, ScopeWeights> = BTreeMap::new();
    let sites: BTreeSet<Option<String>> = pools.keys().map(|k| k.site.clone()).collect();
    for site in sites {
        let weights = match site.as_deref() {
            None => scope_weights(drivers.rows.iter(), &mut out.work),
            Some(s) => scope_weights(rows_by_site.get(&Some(s)).into_iter().flatten().copied(), &mut out.work),
        };
        scopes.insert(site, weights);
    }
    for row in &drivers.rows {
        out.work.driver_rows += 1;
        if row.kind == DriverKind::HeuresApprenants && row.activity == Some(b01) {
            if let Some(c) = &row.certification {
                *out.learner_hours.entry(c.clone()).or_default() += u128::from(row.value.micros());
            }
        }
    }

    // 4. Every pool, in key order.
    for (key, acc) in pools {
        let weights = &scopes[&key.site];
        let result = allocate_pool(key, acc, weights, &mut out.receivers, &mut out.work, diagnostics);
        out.control.charges_unallocated += result.unallocated;
        out.control.products_pools += result.products;
        out.pools.push(result);
    }
    for totals in out.receivers.values() {
        out.control.charges_allocated += totals.full_cost();
        out.control.products_operational += totals.products;
    }

    // 5. Findings of the whole computation.
    for (&object, &(charges, products)) in &unmapped {
        let name = ledger.objects.name(object);
        let lines = ledger.object_lines[object as usize];
        let (code, message, hint) = if name.is_empty() {
            (
                Code::M005,
                format!(
                    "{} ligne{} sans objet analytique (charges {}, produits {}) : montants non rattachés",
                    lines.lines,
                    if lines.lines > 1 { "s" } else { "" },
                    euros(charges),
                    euros(products)
                ),
                "Renseignez l'objet analytique (EOTP, centre de coûts) de ces lignes dans l'export.",
            )
        } else if mappings.invalid.contains_key(name) {
            continue; // the mapping's own diagnostic (M002, M003, M010, M011) says why
        } else {
            (
                Code::M001,
                format!(
                    "objet « {name} » absent de la table de correspondance ({} ligne{}, charges {}, produits {}) : montants non rattachés",
                    lines.lines,
                    if lines.lines > 1 { "s" } else { "" },
                    euros(charges),
                    euros(products)
                ),
                "Ajoutez l'objet à la table de correspondance avec son code national.",
            )
        };
        diagnostics.push(Diagnostic::new(code, InputFile::GrandLivre, message).at_line(lines.first_line).in_column("objet").hint(hint));
    }
    for (&object, &(amount, line)) in &b01_without_certification {
        let name = ledger.objects.name(object);
        diagnostics.push(
            Diagnostic::new(
                Code::M004,
                InputFile::GrandLivre,
                format!(
                    "objet « {name} » : {} de charges B01 sans certification, réparties sur les certifications par heures apprenants (pool B01 commun)",
                    euros(amount)
                ),
            )
            .at_line(line)
            .hint("Si ces charges concernent une certification, indiquez-la dans la table de correspondance ou sur les lignes."),
        );
    }
    for (&object, &(amount, line)) in &rent_off_formation {
        diagnostics.push(
            Diagnostic::new(
                Code::C002,
                InputFile::GrandLivre,
                format!("objet « {} » : {} en compte 86 (loyer interne du CFA) sur un objet hors axe B", ledger.objects.name(object), euros(amount)),
            )
            .at_line(line)
            .hint("Le loyer interne est une charge du CFA : rattachez-le à un objet de la formation."),
        );
    }
    if sum86 != sum87 {
        diagnostics.push(
            Diagnostic::new(Code::C001, InputFile::GrandLivre, format!("Σ comptes 86 = {} mais Σ comptes 87 = {} : les deux doivent être égales", euros(sum86), euros(sum87)))
                .hint("Le loyer interne se passe en 86 (charge du CFA) et en 87 (produit de la chambre) pour le même montant."),
        );
    }
    if pedagogie_by_default > 0 {
        diagnostics.push(
            Diagnostic::new(
                Code::H004,
                InputFile::GrandLivre,
                format!("{pedagogie_by_default} ligne{} de charges du CFA classée{} en pédagogie faute de rubrique", s(pedagogie_by_default), s(pedagogie_by_default)),
            )
            .at_line(pedagogie_first_line)
            .hint("Indiquez la rubrique_fc des objets du CFA dans la table de correspondance si ce n'est pas de la pédagogie."),
        );
    }
    report_receivers_without_driver(&out.receivers, drivers, &mut out.work, diagnostics);
    out
}

fn s(n: u64) -> &'static str {
    if n > 1 { "s" } else { "" }
}

/// The weights of every driver row in scope: a site's pool sees its site's rows only, a
/// regional pool sees every row (spec §4.4).
fn scope_weights<'d>(rows: impl Iterator<Item = &'d DriverRow>, work: &mut Work) -> ScopeWeights {
    let book = rulebook();
    let b01 = book.apprenticeship();
    let mut w = ScopeWeights::default();
    for row in rows {
        work.driver_rows += 1;
        *w.rows.entry(row.kind).or_default() += 1;
        let value = u128::from(row.value.micros());
        let side = if row.kind.is_per_side() { row.side } else { row.activity.and_then(|a| book.side_of(a)) };
        if let Some(side) = side {
            *w.level1.entry((row.kind, side)).or_default() += value;
        }
        if let Some(receiver) = level2_receiver(row, b01) {
            *w.level2.entry(row.kind).or_default().entry(receiver).or_default() += value;
        }
    }
    w
}

/// The receiver a driver row weighs at level 2, if any: ETP rows weigh their operational
/// activity; apprentice-hours weigh a formation activity, inside B01 only with a certification.
fn level2_receiver(row: &DriverRow, b01: NationalCode) -> Option<Receiver> {
    let book = rulebook();
    let activity = row.activity.filter(|a| book.is_operational(*a))?;
    match row.kind {
        DriverKind::Etp => Some(Receiver { activity, certification: None, site: row.site.clone() }),
        DriverKind::HeuresApprenants if book.side_of(activity) == Some(Side::Formation) => {
            let certification = if activity == b01 { Some(row.certification.clone()?) } else { None };
            Some(Receiver { activity, certification, site: row.site.clone() })
        }
        _ => None,
    }
}

/// Apprentice-hour rows that weigh nothing (spec §4.7): B01 without certification, B11, or a
/// code outside axis B.
fn report_weightless_rows(drivers: &Drivers, diagnostics: &mut Vec<Diagnostic>) {
    let b01 = rulebook().apprenticeship();
    for row in drivers.rows.iter().filter(|r| r.kind == DriverKind::HeuresApprenants) {
        if level2_receiver(row, b01).is_some() {
            continue;
        }
        let code = row.activity.map_or_else(String::new, |a| a.to_string());
        let why = if row.activity == Some(b01) {
            "B01 sans certification".to_owned()
        } else {
            format!("{code} n'est pas une activité opérationnelle de la formation")
        };
        diagnostics.push(
            Diagnostic::new(Code::I006, InputFile::Inducteurs, format!("heures apprenants {} : {why}, la ligne ne pèse rien", row.value))
                .at_line(row.line)
                .hint("Les heures apprenants pèsent les certifications de B01 et les activités B02, B03, B04."),
        );
    }
}

/// Receivers with direct charges but no driver of their side's level-2 kind anywhere (`I002`).
fn report_receivers_without_driver(
    receivers: &BTreeMap<Receiver, ReceiverTotals>,
    drivers: &Drivers,
    work: &mut Work,
    diagnostics: &mut Vec<Diagnostic>,
) {
    let book = rulebook();
    let b01 = book.apprenticeship();
    // Which kinds weigh which side at level 2 (the keys all agree: ETP for cma, apprentice-hours
    // for formation — an integrity test checks it).
    let kinds: BTreeMap<Side, DriverKind> =
        Side::BOTH.iter().filter_map(|&s| book.key(Family::Support).map(|k| (s, k.level2(s)))).collect();
    work.driver_rows += drivers.rows.len() as u64;
    let weighed_by_kind: BTreeSet<(NationalCode, Option<String>)> = drivers
        .rows
        .iter()
        .filter_map(|r| {
            let rec = level2_receiver(r, b01)?;
            let side = book.side_of(rec.activity)?;
            (kinds.get(&side) == Some(&r.kind)).then_some((rec.activity, rec.certification))
        })
        .collect();
    // The first line charged to each (activity, certification), all sites: one pass.
    let mut first_lines: BTreeMap<(NationalCode, Option<&str>), u32> = BTreeMap::new();
    for (r, t) in receivers {
        work.receivers += 1;
        if let Some(line) = t.first_line {
            let first = first_lines.entry((r.activity, r.certification.as_deref())).or_insert(line);
            *first = (*first).min(line);
        }
    }
    let mut reported = BTreeSet::new();
    for (receiver, totals) in receivers {
        work.receivers += 1;
        let id = (receiver.activity, receiver.certification.clone());
        if totals.direct.is_zero() || weighed_by_kind.contains(&id) || !reported.insert(id) {
            continue;
        }
        let what = match &receiver.certification {
            Some(c) => format!("certification « {c} » ({})", receiver.activity),
            None => format!("activité {}", receiver.activity),
        };
        let kind = book.side_of(receiver.activity).and_then(|s| kinds.get(&s)).map_or("", |k| k.label());
        let first = first_lines.get(&(receiver.activity, receiver.certification.as_deref())).copied();
        let mut diagnostic = Diagnostic::new(
            Code::I002,
            InputFile::GrandLivre,
            format!("{what} : des charges directes mais aucune ligne d'inducteur {kind} ; elle ne reçoit aucune charge indirecte"),
        )
        .hint(format!("Ajoutez une ligne {kind} pour ce receveur dans les inducteurs."));
        if let Some(line) = first {
            diagnostic = diagnostic.at_line(line);
        }
        diagnostics.push(diagnostic);
    }
}

/// Splits one pool and credits its receivers.
fn allocate_pool(
    key: PoolKey,
    acc: PoolAccumulator,
    weights: &ScopeWeights,
    receivers: &mut BTreeMap<Receiver, ReceiverTotals>,
    work: &mut Work,
    diagnostics: &mut Vec<Diagnostic>,
) -> PoolResult {
    let book = rulebook();
    let b01 = book.apprenticeship();
    let mut result = PoolResult {
        key: key.clone(),
        charges: acc.charges,
        products: acc.products,
        level1: None,
        fallback_used: false,
        level2: Vec::new(),
        shares: BTreeMap::new(),
        unallocated: Amount::ZERO,
    };
    let Some(pool_key) = book.key(key.family) else { return result };
    // Findings about a pool point at its first ledger line.
    let at_pool = |d: Diagnostic| match acc.first_line {
        Some(line) => Diagnostic { file: InputFile::GrandLivre, ..d }.at_line(line),
        None => d,
    };
    let pool_heading = book.heading_of_pool(key.code);
    let describe = describe_pool(&key);
    match pool_key.level1 {
        None => {
            // One level: piloting pools inside their axis, B01 commun over B01's certifications.
            let side = book.side_of(key.code).unwrap_or(Side::Formation);
            result.shares.insert(side, acc.charges);
            let axis = key.code.axis();
            let keep = |r: &Receiver| {
                if key.family == Family::B01Commun { r.activity == b01 } else { r.activity.axis() == axis }
            };
            let driver = pool_key.level2(side);
            if key.family == Family::B01Commun {
                for (&heading, &amount) in &acc.by_heading {
                    let split = split_receivers(amount, driver, weights, side, &keep, work);
                    credit(receivers, &split, &key, Some(heading));
                    result.unallocated += split.unallocated;
                    result.level2.push(ReceiverSplit { side, heading: Some(heading), financer: None, split });
                }
                // Products of B01 without certification are spread the same way (spec §4.5).
                let mut unspread = Amount::ZERO;
                for (financer, &amount) in &acc.products_by_financer {
                    let split = split_receivers(amount, driver, weights, side, &keep, work);
                    for (r, _, part) in &split.parts {
                        let t = receivers.entry(r.clone()).or_default();
                        t.products += *part;
                        *t.products_by_financer.entry(financer.clone()).or_default() += *part;
                    }
                    unspread += split.unallocated;
                    result.level2.push(ReceiverSplit { side, heading: None, financer: Some(financer.clone()), split });
                }
                result.products = unspread;
                if !unspread.is_zero() {
                    diagnostics.push(at_pool(
                        Diagnostic::new(
                            Code::R004,
                            InputFile::Calcul,
                            format!(
                                "{describe} : {} de produits B01 sans certification non ventilables (aucune heure apprenant de certification dans le périmètre) ; ils restent sur le pool",
                                euros(unspread)
                            ),
                        )
                        .hint("Ajoutez les heures apprenants des certifications de ce site dans les inducteurs."),
                    ));
                }
            } else {
                let split = split_receivers(acc.charges, driver, weights, side, &keep, work);
                credit(receivers, &split, &key, Some(pool_heading));
                result.unallocated += split.unallocated;
                result.level2.push(ReceiverSplit { side, heading: None, financer: None, split });
            }
            let failure = result.level2.iter().find_map(|s| s.split.failure).unwrap_or(SplitError::NoWeight);
            if !result.unallocated.is_zero() {
                diagnostics.push(at_pool(split_failure(Code::R001, failure, &describe, result.unallocated, driver, key.site.as_deref())));
            }
        }
        Some(level1_driver) => {
            let (driver, fallback_used) = level1_driver_in_scope(pool_key, level1_driver, weights);
            result.fallback_used = fallback_used;
            if fallback_used && !acc.charges.is_zero() {
                diagnostics.push(at_pool(
                    Diagnostic::new(
                        Code::R003,
                        InputFile::Calcul,
                        format!("{describe} : aucun « {} » (ni ligne ni valeur non nulle) dans le périmètre, niveau 1 réparti par {}", level1_driver.label(), driver.label()),
                    )
                    .hint("Normal si le parc automobile n'est pas suivi (annexe 3 : « si suivi possible »)."),
                ));
            }
            let side_weights: Vec<u128> =
                Side::BOTH.iter().map(|&s| weights.level1.get(&(driver, s)).copied().unwrap_or(0)).collect();
            let level1 = match split(acc.charges, &side_weights) {
                Ok(parts) => Split {
                    driver,
                    amount: acc.charges,
                    parts: Side::BOTH.iter().zip(&side_weights).zip(parts).map(|((&s, &w), a)| (s, w, a)).collect(),
                    unallocated: Amount::ZERO,
                    failure: None,
                },
                Err(failure) => {
                    if !acc.charges.is_zero() {
                        diagnostics.push(at_pool(split_failure(Code::R001, failure, &describe, acc.charges, driver, key.site.as_deref())));
                    }
                    Split { driver, amount: acc.charges, parts: Vec::new(), unallocated: acc.charges, failure: Some(failure) }
                }
            };
            result.unallocated += level1.unallocated;
            for &(side, _, share) in &level1.parts {
                result.shares.insert(side, share);
                if share.is_zero() {
                    continue;
                }
                let level2_driver = pool_key.level2(side);
                let split = split_receivers(share, level2_driver, weights, side, &|_| true, work);
                if split.failure == Some(SplitError::TooLarge) {
                    diagnostics.push(at_pool(split_failure(Code::R002, SplitError::TooLarge, &describe, split.unallocated, level2_driver, key.site.as_deref())));
                } else if !split.unallocated.is_zero() {
                    diagnostics.push(at_pool(
                        Diagnostic::new(
                            Code::R002,
                            InputFile::Calcul,
                            format!(
                                "{describe} : la part {} de {} n'a aucun poids de niveau 2 ({}) dans {} ; elle reste non répartie",
                                side.label(),
                                euros(split.unallocated),
                                level2_driver.label(),
                                scope_label(key.site.as_deref())
                            ),
                        )
                        .hint(format!("Ajoutez des lignes {} pour les activités de ce côté.", level2_driver.label())),
                    ));
                }
                credit(receivers, &split, &key, Some(pool_heading));
                result.unallocated += split.unallocated;
                result.level2.push(ReceiverSplit { side, heading: None, financer: None, split });
            }
            result.level1 = Some(level1);
        }
    }
    result
}

/// The level-1 driver, or the key's fallback when the scope has no weight of it (no row, or only
/// zeros: « nombre de véhicules (si suivi possible) OU ETP », Annexe 3).
fn level1_driver_in_scope(key: &Key, driver: DriverKind, weights: &ScopeWeights) -> (DriverKind, bool) {
    let weight: u128 = Side::BOTH.iter().map(|&s| weights.level1.get(&(driver, s)).copied().unwrap_or(0)).sum();
    match key.fallback {
        Some(fallback) if weight == 0 => (fallback, true),
        _ => (driver, false),
    }
}

/// Splits `amount` over the level-2 receivers of `side` weighed by `driver`, kept by `keep`.
fn split_receivers(
    amount: Amount,
    driver: DriverKind,
    weights: &ScopeWeights,
    side: Side,
    keep: &dyn Fn(&Receiver) -> bool,
    work: &mut Work,
) -> Split<Receiver> {
    let book = rulebook();
    let in_scope = weights.level2.get(&driver);
    work.receivers += in_scope.map_or(0, |r| r.len() as u64);
    let candidates: Vec<(&Receiver, u128)> = in_scope
        .into_iter()
        .flatten()
        .filter(|(r, _)| book.side_of(r.activity) == Some(side) && keep(r))
        .map(|(r, &w)| (r, w))
        .collect();
    let ws: Vec<u128> = candidates.iter().map(|&(_, w)| w).collect();
    match split(amount, &ws) {
        Ok(parts) => Split {
            driver,
            amount,
            parts: candidates.into_iter().zip(parts).map(|((r, w), a)| (r.clone(), w, a)).collect(),
            unallocated: Amount::ZERO,
            failure: None,
        },
        Err(failure) => Split { driver, amount, parts: Vec::new(), unallocated: amount, failure: Some(failure) },
    }
}

/// Adds `amount` to the sum of `key`, made the first time (the key copied then only).
fn add<K: Ord + std::borrow::Borrow<Q>, Q: Ord + ToOwned<Owned = K> + ?Sized>(map: &mut BTreeMap<K, Amount>, key: &Q, amount: Amount) {
    match map.get_mut(key) {
        Some(sum) => *sum += amount,
        None => {
            map.insert(key.to_owned(), amount);
        }
    }
}

/// Values by key (pools, receivers), reached from the postings by their object and one detail
/// of theirs (family, certification), which make the key: the key is made and looked up once
/// per object and detail, not for each posting.
struct ByObject<D, K, V> {
    ids: FxHashMap<(u32, D), usize>,
    index: BTreeMap<K, usize>,
    list: Vec<(K, V)>,
}

impl<D: std::hash::Hash + Eq, K: Ord + Clone, V: Default> ByObject<D, K, V> {
    fn new() -> Self {
        ByObject { ids: FxHashMap::default(), index: BTreeMap::new(), list: Vec::new() }
    }

    /// The value of the key that `key` makes for postings of `object` with `detail`.
    fn get(&mut self, object: u32, detail: D, key: impl FnOnce() -> K) -> &mut V {
        let i = *self.ids.entry((object, detail)).or_insert_with(|| {
            let key = key();
            *self.index.entry(key.clone()).or_insert_with(|| {
                self.list.push((key, V::default()));
                self.list.len() - 1
            })
        });
        &mut self.list[i].1
    }

    fn into_map(self) -> BTreeMap<K, V> {
        self.list.into_iter().collect()
    }
}

/// Credits each receiver of a split, as indirect charges from `pool`, under `heading` for B01.
fn credit(receivers: &mut BTreeMap<Receiver, ReceiverTotals>, split: &Split<Receiver>, pool: &PoolKey, heading: Option<Heading>) {
    let b01 = rulebook().apprenticeship();
    for (receiver, _, amount) in &split.parts {
        if amount.is_zero() {
            continue;
        }
        if !receivers.contains_key(receiver) {
            receivers.insert(receiver.clone(), ReceiverTotals::default());
        }
        let Some(totals) = receivers.get_mut(receiver) else { continue };
        totals.indirect += *amount;
        add(&mut totals.indirect_by_pool, pool, *amount);
        if let (Some(h), true) = (heading, receiver.activity == b01) {
            *totals.heading_mut(h) += *amount;
        }
    }
}

fn scope_label(site: Option<&str>) -> String {
    match site {
        Some(s) => format!("le site « {s} »"),
        None => "la région (tous sites)".to_owned(),
    }
}

/// « pool D03 support (site X) ».
pub fn describe_pool(key: &PoolKey) -> String {
    let site = key.site.as_deref().map_or_else(|| "régional".to_owned(), |s| format!("site « {s} »"));
    format!("pool {} {} ({site})", key.code, key.family.label())
}

/// The finding of a split that failed: no weight (`code`), or weights too large (`R005`).
fn split_failure(code: Code, failure: SplitError, describe: &str, amount: Amount, driver: DriverKind, site: Option<&str>) -> Diagnostic {
    match failure {
        SplitError::NoWeight => no_weight(code, describe, amount, driver, site),
        SplitError::TooLarge => Diagnostic::new(
            Code::R005,
            InputFile::Calcul,
            format!("{describe} : {} non répartis, les poids « {} » sont trop grands pour un partage exact", euros(amount), driver.label()),
        )
        .hint("Vérifiez les valeurs des inducteurs : une valeur aberrante (milliards) s'est glissée dans le fichier."),
    }
}

fn no_weight(code: Code, describe: &str, amount: Amount, driver: DriverKind, site: Option<&str>) -> Diagnostic {
    Diagnostic::new(
        code,
        InputFile::Calcul,
        format!("{describe} : {} non répartis, aucun poids « {} » dans {}", euros(amount), driver.label(), scope_label(site)),
    )
    .hint(format!("Ajoutez des lignes {} dans les inducteurs pour ce périmètre, ou rattachez l'objet à un autre site.", driver.label()))
}
