//! The pre-project as files, in a layout close to the France compétences declaration: one row
//! per certification and site (code, title, site, apprentices, hours, the eight headings, total,
//! products, margin, costs per apprentice and per apprentice-hour) and a total row.
//!
//! Pure: the document in, bytes out — the CLI writes them to disk, the page offers them for
//! download. One table definition serves both formats.
//! - CSV in the users' convention: `;`, comma decimals, UTF-8 with a BOM so that Excel opens it;
//!   a text cell starting with `=`, `+`, `-`, `@`, TAB or CR is prefixed with `'` so that no
//!   spreadsheet reads it as a formula (numbers are ours and never neutralised).
//! - XLSX: sheets `Identité`, `Certifications`, `Produits par financeur`, `Indicateurs`,
//!   `Note explicative`, `Diagnostics`; numbers are numbers (two or four decimals), headings
//!   always filled, zero written `0`.

use std::collections::BTreeMap;

use rust_decimal::Decimal;

use super::PreProject;
pub use crate::export::{Cell, neutralise};
use crate::export::{Layout, Sheet, diagnostics_sheet};
use crate::money::Amount;
use crate::rulebook::rulebook;
use crate::xlsx;

/// The certification table, the total row last.
pub fn certification_table(doc: &PreProject) -> Sheet {
    let book = rulebook();
    let mut headers: Vec<String> =
        ["Code certification", "Intitulé", "Site", "Nombre d'apprentis", "Heures de formation", "Heures apprenants"]
            .map(str::to_owned)
            .into();
    headers.extend(book.headings.iter().map(|(_, label)| label.clone()));
    headers.extend(["Total des charges", "Produits", "Marge", "Coût par apprenti", "Coût par heure apprenant"].map(str::to_owned));
    let mut rows = Vec::new();
    for (r, d) in doc.certifications.iter().zip(&doc.complements) {
        let mut row =
            vec![Cell::Text(r.certification.clone()), Cell::Text(d.libelle.clone()), Cell::Text(r.site.clone().unwrap_or_default())];
        row.extend(figures(
            [&r.apprentis, &r.heures, &r.heures_apprenants],
            &r.rubriques,
            [r.cout_complet, r.produits],
            [r.marge, d.cout_par_apprenti, d.cout_par_heure_apprenant],
        ));
        rows.push(row);
    }
    let t = &doc.total;
    let mut total = vec![Cell::Text("Total".to_owned()), Cell::Empty, Cell::Empty];
    total.extend(figures(
        [&t.apprentis, &t.heures, &t.heures_apprenants],
        &t.rubriques,
        [t.cout_complet, t.produits],
        [t.marge, t.cout_par_apprenti, t.cout_par_heure_apprenant],
    ));
    rows.push(total);
    Sheet {
        id: "certifications",
        title: "Certifications",
        columns: headers,
        rows,
        layout: Layout::Table { frozen_columns: 1, total: true },
    }
}

/// The figures of a row, from « Nombre d'apprentis » to « Coût par heure apprenant ».
fn figures(counts: [&str; 3], headings: &BTreeMap<String, Amount>, money: [Amount; 2], ratios: [Option<Decimal>; 3]) -> Vec<Cell> {
    let mut cells: Vec<Cell> = counts.into_iter().map(Cell::quantity).collect();
    cells.extend(rulebook().headings.iter().map(|(id, _)| Cell::Amount(headings.get(id).copied().unwrap_or_default())));
    cells.extend(money.map(Cell::Amount));
    cells.extend(ratios.map(Cell::ratio));
    cells
}

/// The certification table as the users' CSV (UTF-8 with BOM, `;`, comma decimals).
pub fn csv(doc: &PreProject) -> Vec<u8> {
    crate::export::csv(&certification_table(doc))
}

/// Every sheet of the workbook: identity, certifications, products by financer, indicators,
/// explanatory note, diagnostics.
pub fn sheets(doc: &PreProject) -> Vec<Sheet> {
    let id = &doc.identite;
    let mut identity: Vec<(&str, Cell)> = vec![
        ("Nom de l'organisme", id.nom.as_str().into()),
        ("SIRET", id.siret.as_str().into()),
        ("UAI", id.uai.as_str().into()),
        ("Exercice", id.exercice.map_or(Cell::Empty, |y| Cell::Number(Decimal::from(y)))),
    ];
    if let Some(c) = &doc.calendrier {
        identity.extend([
            ("Date de transmission à France compétences", Cell::Date(c.date_transmission)),
            ("Date limite du préprojet (CMA France)", Cell::Date(c.date_limite_preprojet)),
            ("Date d'envoi du préprojet", Cell::Date(c.date_envoi)),
            ("Statut", c.statut.label().into()),
            ("Jours restants (négatif : retard)", Cell::count(c.jours_restants)),
        ]);
    }

    let mut products =
        Sheet::new("produits", "Produits par financeur", &["Code certification", "Site", "Financeur", "Catégorie (annexe 4)", "Montant"]);
    for d in &doc.complements {
        for (financer, amount) in &d.produits_par_financeur {
            let label = rulebook().financer(financer).map_or("non précisé", |x| x.label.as_str());
            products.rows.push(vec![
                d.certification.as_str().into(),
                d.site.as_deref().unwrap_or("").into(),
                financer.as_str().into(),
                label.into(),
                Cell::Amount(*amount),
            ]);
        }
    }

    let i = &doc.indicateurs;
    let on_time = match i.preprojet_a_l_heure {
        Some(true) => "oui",
        Some(false) => "non",
        None => "",
    };
    let indicators: Vec<(&str, Cell)> = vec![
        ("Objets analytiques rattachés", Cell::count(i.objets_rattaches)),
        ("Objets analytiques du grand livre", Cell::count(i.objets_total)),
        ("Part des objets rattachés", Cell::ratio(i.part_objets_rattaches)),
        ("Charges rattachées", Cell::Amount(i.charges_rattachees)),
        ("Charges du grand livre", Cell::Amount(i.charges_total)),
        ("Part des charges rattachées", Cell::ratio(i.part_charges_rattachees)),
        ("Produits rattachés", Cell::Amount(i.produits_rattaches)),
        ("Produits du grand livre", Cell::Amount(i.produits_total)),
        ("Part des produits rattachés", Cell::ratio(i.part_produits_rattaches)),
        ("Charges indirectes (pools)", Cell::Amount(i.charges_indirectes)),
        ("Charges indirectes réparties par les clés harmonisées", Cell::Amount(i.charges_indirectes_reparties)),
        ("Part des charges indirectes réparties", Cell::ratio(i.part_charges_indirectes_reparties)),
        ("Pools de charges indirectes", Cell::count(i.pools)),
        ("Pools entièrement répartis", Cell::count(i.pools_entierement_repartis)),
        ("Préprojet à l'heure", on_time.into()),
    ];

    vec![
        Sheet::pairs("identite", "Identité", identity),
        certification_table(doc),
        products,
        Sheet::pairs("indicateurs", "Indicateurs", indicators),
        Sheet::text("note", "Note explicative", &doc.note),
        diagnostics_sheet(&doc.diagnostics),
    ]
}

/// The whole pre-project as an XLSX workbook (same document, same bytes).
pub fn xlsx(doc: &PreProject) -> Vec<u8> {
    xlsx::workbook(&sheets(doc))
}
