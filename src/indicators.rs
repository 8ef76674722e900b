//! The compliance indicators of norm §VI for one chamber: objects and amounts tied to the national
//! nomenclature, indirect charges spread by the harmonised keys, préprojet sent on time.
//!
//! Shares are exact quotients rounded once to four decimals (`ratio`); a share whose total is
//! zero is absent.

use rust_decimal::Decimal;
use serde::Serialize;

use crate::allocate::Allocation;
use crate::calendar::{Calendar, Status};
use crate::money::Amount;
use crate::ratio::{self, RATIO_DECIMALS};

/// The `indicateurs` object of `preprojet --json`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Indicators {
    /// Ledger objects tied to a known national code, and all objects of the ledger.
    pub objets_rattaches: usize,
    pub objets_total: usize,
    #[serde(serialize_with = "ratio::serialize_option")]
    pub part_objets_rattaches: Option<Decimal>,
    /// Charges and products of the objects tied to the nomenclature, and their shares.
    pub charges_rattachees: Amount,
    pub charges_total: Amount,
    #[serde(serialize_with = "ratio::serialize_option")]
    pub part_charges_rattachees: Option<Decimal>,
    pub produits_rattaches: Amount,
    pub produits_total: Amount,
    #[serde(serialize_with = "ratio::serialize_option")]
    pub part_produits_rattaches: Option<Decimal>,
    /// Pools (indirect charges) and how much of them the harmonised keys spread.
    pub pools: usize,
    pub pools_entierement_repartis: usize,
    pub charges_indirectes: Amount,
    pub charges_indirectes_reparties: Amount,
    #[serde(serialize_with = "ratio::serialize_option")]
    pub part_charges_indirectes_reparties: Option<Decimal>,
    /// The préprojet is due at CMA France 21 days before the transmission (norm §VI, last point).
    pub preprojet_a_l_heure: Option<bool>,
}

fn share(part: Amount, total: Amount) -> Option<Decimal> {
    ratio::quotient(i128::from(part.cents()), i128::from(total.cents()), RATIO_DECIMALS)
}

/// The indicators of one computation.
pub fn indicators(allocation: &Allocation, calendar: Option<&Calendar>) -> Indicators {
    let c = allocation.control;
    let charges_rattachees = c.charges - c.charges_unmapped;
    let produits_rattaches = c.products - c.products_unmapped;
    let pool_charges: Amount = allocation.pools.iter().map(|p| p.charges).sum();
    let spread = pool_charges - c.charges_unallocated;
    Indicators {
        objets_rattaches: allocation.objects_mapped,
        objets_total: allocation.objects_total,
        part_objets_rattaches: ratio::quotient(
            allocation.objects_mapped as i128,
            allocation.objects_total as i128,
            RATIO_DECIMALS,
        ),
        charges_rattachees,
        charges_total: c.charges,
        part_charges_rattachees: share(charges_rattachees, c.charges),
        produits_rattaches,
        produits_total: c.products,
        part_produits_rattaches: share(produits_rattaches, c.products),
        pools: allocation.pools.len(),
        pools_entierement_repartis: allocation.pools.iter().filter(|p| p.unallocated.is_zero()).count(),
        charges_indirectes: pool_charges,
        charges_indirectes_reparties: spread,
        part_charges_indirectes_reparties: share(spread, pool_charges),
        preprojet_a_l_heure: calendar.map(|c| c.statut == Status::OnTime),
    }
}
