//! The draft explanatory note of the pre-project, in Markdown: the method, the keys used with
//! their figures (pools, weights, shares received by the certifications), the drivers, the
//! internal rents, the products, the calendar and the points to check.
//!
//! A draft: the controller completes and signs it. Every figure comes from the computation.

use std::collections::BTreeMap;
use std::fmt::Write as _;

use crate::Computation;
use crate::diagnostic::{Diagnostic, Severity};
use rust_decimal::Decimal;

use crate::money::{Amount, french};
use crate::ratio;
use crate::rulebook::{DriverKind, Family, Side, rulebook};

use super::PreProject;

/// A weight as people read it in the note: `10 000,00` (at least two decimals, thousands
/// separated like the amounts).
fn weight(micros: u128) -> String {
    let exact = i128::try_from(micros).map_or(Decimal::MAX, |m| Decimal::from_i128_with_scale(m, 6));
    ratio::french_decimal(ratio::tidy(exact))
}

fn site(site: Option<&str>) -> String {
    site.map_or_else(|| "régional".to_owned(), |s| format!("site {s}"))
}

/// The note as Markdown.
pub fn note(doc: &PreProject, c: &Computation, diagnostics: &[Diagnostic]) -> String {
    let book = rulebook();
    let b01 = book.apprenticeship();
    let mut out = String::new();
    let w = &mut out;
    let id = &doc.identite;
    let _ = writeln!(w, "# Note explicative du préprojet France compétences{}\n", id.exercice.map_or_else(String::new, |y| format!(" — exercice {y}")));
    let _ = writeln!(w, "*Projet établi par cma-analytique, à compléter et à valider par le contrôleur de gestion.*\n");
    let field = |v: &str| if v.is_empty() { "(à compléter)".to_owned() } else { v.to_owned() };
    let _ = writeln!(w, "Organisme : {} — SIRET {} — UAI {}\n", field(&id.nom), field(&id.siret), field(&id.uai));

    let t = &doc.total;
    let _ = writeln!(w, "## 1. Méthode et périmètre\n");
    let _ = writeln!(
        w,
        "- Coûts complets selon la norme de comptabilité analytique du réseau des CMA (CMA France, délibération n°102, norme d'intervention de mars 2024) : charges directes imputées au plus près, charges indirectes réparties par les clés harmonisées de l'annexe 3 en deux niveaux (méthode directe, sans répartition entre fonctions support)."
    );
    let _ = writeln!(
        w,
        "- {} ligne(s) certification × site ; {} apprentis ; {} heures de formation ; {} heures apprenants.",
        doc.certifications.len(),
        t.apprentis.replace('.', ","),
        t.heures.replace('.', ","),
        t.heures_apprenants.replace('.', ",")
    );
    let _ = writeln!(w, "- Coût complet de l'apprentissage porté par les certifications : {} € ; produits : {} €.\n", french(t.cout_complet), french(t.produits));

    let _ = writeln!(w, "## 2. Charges directes et rubriques\n");
    let _ = writeln!(
        w,
        "- Les charges des objets analytiques du CFA sont imputées à leur certification par la table de correspondance ; leur rubrique est celle de la table, à défaut celle du compte (68 → dotations aux amortissements ; 66, 67 → autres charges non incorporables ; 86 → structure et fonctions support ; autres comptes → pédagogie)."
    );
    let _ = writeln!(w, "- Parts de charges indirectes reçues : D05 → communication ; autres fonctions support et pilotage B11 → structure et fonctions support.");
    let direct: Amount = doc.complements.iter().map(|d| d.charges_directes).sum();
    let indirect: Amount = doc.complements.iter().map(|d| d.charges_indirectes).sum();
    let _ = writeln!(w, "- Charges directes des certifications : {} € ; charges indirectes reçues : {} €.\n", french(direct), french(indirect));

    let _ = writeln!(w, "## 3. Clés de répartition appliquées\n");
    for pool in c.allocation.pools.iter().filter(|p| !p.charges.is_zero()) {
        let family = match pool.key.family {
            Family::B01Commun => "charges de l'apprentissage sans certification (B01 commun)".to_owned(),
            f => format!("famille « {} »", f.label()),
        };
        // The charges' splits only: a B01 commun pool also spreads its products (financer set),
        // said apart below.
        let charges_splits = || pool.level2.iter().filter(|s| s.financer.is_none());
        let to_b01: Amount = charges_splits().flat_map(|s| &s.split.parts).filter(|(r, _, _)| r.activity == b01).map(|(_, _, a)| *a).sum();
        let mut line = format!("- **{} {}** ({}) : {} €", pool.key.code, family, site(pool.key.site.as_deref()), french(pool.charges));
        if let Some(l1) = &pool.level1 {
            let parts: Vec<String> =
                l1.parts.iter().map(|(side, w, a)| format!("{} {} → {} €", side.label(), weight(*w), french(*a))).collect();
            let _ = write!(line, " ; niveau 1 par {} : {}", l1.driver.label(), if parts.is_empty() { "aucun poids".to_owned() } else { parts.join(", ") });
            if pool.fallback_used {
                line.push_str(" (aucun véhicule suivi : repli sur l'ETP)");
            }
        }
        for side in Side::BOTH {
            let splits: Vec<_> = charges_splits().filter(|s| s.side == side).collect();
            let (amount, weights): (Amount, u128) = splits.iter().fold((Amount::ZERO, 0), |(a, w), s| {
                (a + s.split.amount, w.max(s.split.parts.iter().map(|p| p.1).sum()))
            });
            if let Some(first) = splits.first() {
                let _ = write!(line, " ; {} : {} € par {} (total {})", side.label(), french(amount), first.split.driver.label(), weight(weights));
            }
        }
        let _ = write!(line, " ; reçu par les certifications : {} €", french(to_b01));
        if !pool.unallocated.is_zero() {
            let _ = write!(line, " ; **non réparti : {} €**", french(pool.unallocated));
        }
        let product_splits: Vec<_> = pool.level2.iter().filter(|s| s.financer.is_some()).collect();
        if !product_splits.is_empty() {
            let products: Amount = product_splits.iter().map(|s| s.split.amount).sum();
            let spread: Amount = product_splits.iter().map(|s| s.split.amount - s.split.unallocated).sum();
            let _ = write!(
                line,
                " ; produits sans certification : {} €, répartis de même, reçus par les certifications : {} €",
                french(products),
                french(spread)
            );
        }
        let _ = writeln!(w, "{line}.");
    }
    let _ = writeln!(w);

    let _ = writeln!(w, "## 4. Inducteurs\n");
    let _ = writeln!(w, "Heures apprenants (heures de formation × nombre d'apprentis) par certification et site :\n");
    for r in &doc.certifications {
        let _ = writeln!(
            w,
            "- {} ({}) : {} apprentis, {} heures, {} heures apprenants.",
            r.certification,
            site(r.site.as_deref()),
            r.apprentis.replace('.', ","),
            r.heures.replace('.', ","),
            r.heures_apprenants.replace('.', ",")
        );
    }
    let mut by_side: BTreeMap<(DriverKind, Side), u128> = BTreeMap::new();
    for row in &c.drivers.rows {
        let side = if row.kind.is_per_side() { row.side } else { row.activity.and_then(|a| book.side_of(a)) };
        if let (Some(side), DriverKind::Etp | DriverKind::Surface | DriverKind::Vehicules) = (side, row.kind) {
            *by_side.entry((row.kind, side)).or_default() += u128::from(row.value.micros());
        }
    }
    for kind in [DriverKind::Etp, DriverKind::Surface, DriverKind::Vehicules] {
        let of = |s| by_side.get(&(kind, s)).copied();
        if let (None, None) = (of(Side::Cma), of(Side::Formation)) {
            continue;
        }
        let _ = writeln!(
            w,
            "- {} : formation {}, autres activités (cma) {}.",
            kind.label(),
            weight(of(Side::Formation).unwrap_or(0)),
            weight(of(Side::Cma).unwrap_or(0))
        );
    }
    let _ = writeln!(w);

    let (mut sum86, mut sum87) = (Amount::ZERO, Amount::ZERO);
    for p in &c.ledger.postings {
        let account = c.ledger.accounts.name(p.account);
        if account.starts_with("86") {
            sum86 += p.amount;
        } else if account.starts_with("87") {
            sum87 += p.amount;
        }
    }
    let _ = writeln!(w, "## 5. Loyers internes (norme §V.e.ii)\n");
    let _ = writeln!(
        w,
        "- Charge du CFA en comptes 86 : {} € ; produit de la chambre en comptes 87 : {} € ({}).\n",
        french(sum86),
        french(sum87),
        if sum86 == sum87 { "équilibrés" } else { "écart à corriger, voir C001" }
    );

    let _ = writeln!(w, "## 6. Produits\n");
    let mut by_financer: BTreeMap<&str, Amount> = BTreeMap::new();
    for d in &doc.complements {
        for (f, a) in &d.produits_par_financeur {
            *by_financer.entry(f).or_default() += *a;
        }
    }
    for (f, a) in &by_financer {
        let label = book.financer(f).map_or("non précisé", |x| x.label.as_str());
        let _ = writeln!(w, "- {label} ({f}) : {} €", french(*a));
    }
    let spread: Amount = c
        .allocation
        .pools
        .iter()
        .filter(|p| p.key.family == Family::B01Commun)
        .flat_map(|p| &p.level2)
        .filter(|s| s.financer.is_some())
        .map(|s| s.split.amount - s.split.unallocated)
        .sum();
    let _ = writeln!(w, "- Dont produits sans certification ventilés par heures apprenants (annexe 3) : {} €.\n", french(spread));

    if let Some(cal) = &doc.calendrier {
        let _ = writeln!(w, "## 7. Calendrier (norme §V.e.iii)\n");
        let _ = writeln!(
            w,
            "- Transmission à France compétences : {} ; préprojet dû à CMA France : {} ; envoi : {} — {}.\n",
            cal.date_transmission.french(),
            cal.date_limite_preprojet.french(),
            cal.date_envoi.french(),
            cal.statut.label()
        );
    }

    let _ = writeln!(w, "## 8. Points à vérifier\n");
    let mut points: Vec<&Diagnostic> = diagnostics.iter().filter(|d| d.severity() != Severity::Info).collect();
    points.sort_by(|a, b| a.sort_key().cmp(&b.sort_key()));
    if points.is_empty() {
        let _ = writeln!(w, "- Aucune erreur ni aucun avertissement.");
    }
    for d in points {
        let _ = writeln!(w, "- {} ({}) : {}", d.code, d.severity().label(), d.message);
    }
    out
}
