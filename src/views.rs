//! Figures the page shows beside the document of spec §9: totals per axis, the flow of indirect
//! costs from each pool to each activity (and certification), and the compliance indicators of
//! norm §VI. Pure and exact, like the rest of the core: the page only formats them.

use std::collections::BTreeMap;

use serde::Serialize;

use crate::allocate::{Allocation, PoolKey};
use crate::money::Amount;
use crate::report::{ActivityRow, Document};
use crate::rulebook::{NationalCode, rulebook};

/// One row per axis that has an activity in the document, in axis order (`code` is the axis
/// letter), then the total of all activities (`code` empty).
pub fn axis_totals(document: &Document) -> Vec<ActivityRow> {
    let book = rulebook();
    let row = |code: String, libelle: String| ActivityRow {
        code,
        libelle,
        charges_directes: Amount::ZERO,
        charges_indirectes: Amount::ZERO,
        cout_complet: Amount::ZERO,
        produits: Amount::ZERO,
        resultat: Amount::ZERO,
    };
    let add = |sum: &mut ActivityRow, a: &ActivityRow| {
        sum.charges_directes += a.charges_directes;
        sum.charges_indirectes += a.charges_indirectes;
        sum.cout_complet += a.cout_complet;
        sum.produits += a.produits;
        sum.resultat += a.resultat;
    };
    let mut axes: BTreeMap<String, ActivityRow> = BTreeMap::new();
    let mut total = row(String::new(), "Total".to_owned());
    for a in &document.activites {
        let letter: String = a.code.chars().take(1).collect();
        let sum = axes.entry(letter.clone()).or_insert_with(|| {
            let label = NationalCode::parse(&letter).map(|c| book.label(c).to_owned()).unwrap_or_default();
            row(letter, label)
        });
        add(sum, a);
        add(&mut total, a);
    }
    axes.into_values().chain(std::iter::once(total)).collect()
}

/// Indirect charges that went from one pool to one activity (inside B01, to one certification).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct FlowRow {
    /// Index of the pool in `Allocation::pools` (and in `Document::pools`, same order).
    pub pool: usize,
    pub code: String,
    pub certification: Option<String>,
    pub montant: Amount,
}

/// Every non-zero flow, all sites together, in (pool, activity, certification) order.
pub fn flows(allocation: &Allocation) -> Vec<FlowRow> {
    let index: BTreeMap<&PoolKey, usize> = allocation.pools.iter().enumerate().map(|(i, p)| (&p.key, i)).collect();
    let mut sums: BTreeMap<(usize, NationalCode, Option<String>), Amount> = BTreeMap::new();
    for (receiver, totals) in &allocation.receivers {
        for (key, amount) in &totals.indirect_by_pool {
            if let Some(&i) = index.get(key) {
                *sums.entry((i, receiver.activity, receiver.certification.clone())).or_default() += *amount;
            }
        }
    }
    sums.into_iter()
        .filter(|(_, amount)| !amount.is_zero())
        .map(|((pool, code, certification), montant)| FlowRow { pool, code: code.to_string(), certification, montant })
        .collect()
}

/// The compliance indicators of norm §VI that the computation can tell.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Indicators {
    pub objets_rattaches: usize,
    pub objets: usize,
    /// The control identity of spec §4.11 holds to the cent.
    pub controle_equilibre: bool,
    /// Pools split over their receivers without any amount left.
    pub pools_repartis: usize,
    pub pools: usize,
}

pub fn indicators(allocation: &Allocation) -> Indicators {
    Indicators {
        objets_rattaches: allocation.objects_mapped,
        objets: allocation.objects_total,
        controle_equilibre: allocation.control.balances(),
        pools_repartis: allocation.pools.iter().filter(|p| p.unallocated.is_zero()).count(),
        pools: allocation.pools.len(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::{Inputs, Options, run};

    const LEDGER: &str = "compte;objet;debit;credit\n\
        641100;CONSEIL;100,00;;\n641100;SALON;50,00;;\n706000;FC;;80,00\n641100;FC;30,00;;\n641100;COMPTA;70,00;;\n";
    const MAPPING: &str = "objet;code\nCONSEIL;A01\nSALON;C01\nFC;B02\nCOMPTA;D03\n";
    const DRIVERS: &str = "inducteur;code;valeur\netp;A01;1\netp;C01;1\netp;B02;2\nheures_apprenants;B02;100\n";

    fn computed() -> (Allocation, Document) {
        let outcome = run(Inputs { ledger: LEDGER.as_bytes(), mapping: MAPPING.as_bytes(), drivers: DRIVERS.as_bytes() }, Options::default());
        let allocation = outcome.allocation.expect("inputs are readable");
        let document = Document::new(&allocation, &outcome.diagnostics);
        (allocation, document)
    }

    #[test]
    fn axes_add_up_their_activities_and_the_total_adds_up_the_axes() {
        let (_, document) = computed();
        let axes = axis_totals(&document);
        let names: Vec<&str> = axes.iter().map(|a| a.code.as_str()).collect();
        assert_eq!(names, ["A", "B", "C", ""]);
        // D03 (70,00) splits 35,00 / 35,00 between the sides (ETP 2 : 2), then inside each side:
        // A01 and C01 17,50 each (ETP 1 : 1), B02 all of its side.
        assert_eq!(axes[0].cout_complet, Amount::from_cents(11_750));
        assert_eq!(axes[1].cout_complet, Amount::from_cents(6_500));
        assert_eq!(axes[1].produits, Amount::from_cents(8_000));
        assert_eq!(axes[3].cout_complet, Amount::from_cents(25_000));
        assert_eq!(axes[3].libelle, "Total");
        assert!(!axes[0].libelle.is_empty());
    }

    #[test]
    fn flows_follow_the_trail_of_each_pool() {
        let (allocation, _) = computed();
        let flows = flows(&allocation);
        let parts: Vec<(&str, i64)> = flows.iter().map(|f| (f.code.as_str(), f.montant.cents())).collect();
        assert_eq!(parts, [("A01", 1_750), ("B02", 3_500), ("C01", 1_750)]);
        assert!(flows.iter().all(|f| f.pool == 0));
        let ind = indicators(&allocation);
        assert_eq!((ind.objets_rattaches, ind.objets, ind.controle_equilibre), (4, 4, true));
    }
}
