//! The results as sheets of typed cells, and a sheet as CSV for spreadsheets (the workbook of
//! all sheets is written by `xlsx`). Amounts stay exact: they are written from their decimal
//! text, never through a float.
//!
//! CSV written for French spreadsheets: UTF-8 with a BOM, `;` separators, decimal comma, CRLF.
//! A text cell that a spreadsheet would take for a formula (starting with `=`, `+`, `-`, `@`, a
//! tab or a carriage return) is neutralised by a leading apostrophe (OWASP « CSV injection »).
//! Amounts are numbers, written by this code and never read as formulas.

use std::fmt::Write as _;

use crate::money::Amount;
use crate::report::{Document, TracePart, TraceSplit};
use crate::rulebook::rulebook;

/// One cell of a sheet.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Cell {
    Text(String),
    Amount(Amount),
    /// An exact non-money decimal, as text with a `.` (driver weights: `5406.00`, `12.125`).
    Decimal(String),
    Integer(i64),
    Empty,
}

impl From<&str> for Cell {
    fn from(text: &str) -> Cell {
        Cell::Text(text.to_owned())
    }
}

impl From<String> for Cell {
    fn from(text: String) -> Cell {
        Cell::Text(text)
    }
}

impl From<Amount> for Cell {
    fn from(amount: Amount) -> Cell {
        Cell::Amount(amount)
    }
}

impl From<Option<&str>> for Cell {
    fn from(text: Option<&str>) -> Cell {
        text.map_or(Cell::Empty, Cell::from)
    }
}

/// A table of the results with its header.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Sheet {
    /// Short name (workbook tab, CSV file name): `activites`, `certifications`…
    pub id: &'static str,
    /// Name shown to people (tab of the workbook).
    pub title: &'static str,
    pub columns: Vec<String>,
    pub rows: Vec<Vec<Cell>>,
}

impl Sheet {
    fn new(id: &'static str, title: &'static str, columns: &[&str]) -> Sheet {
        Sheet { id, title, columns: columns.iter().map(|&c| c.to_owned()).collect(), rows: Vec::new() }
    }
}

/// Every table of the document, in the order of the workbook: results, certifications, pools,
/// allocation trail, control, diagnostics.
pub fn sheets(document: &Document) -> Vec<Sheet> {
    let book = rulebook();
    let mut activites = Sheet::new(
        "activites",
        "Activités",
        &["code", "libellé", "charges directes", "charges indirectes", "coût complet", "produits", "résultat"],
    );
    for a in &document.activites {
        activites.rows.push(vec![
            a.code.as_str().into(),
            a.libelle.as_str().into(),
            a.charges_directes.into(),
            a.charges_indirectes.into(),
            a.cout_complet.into(),
            a.produits.into(),
            a.resultat.into(),
        ]);
    }
    let mut columns = vec!["certification", "charges directes", "charges indirectes", "coût complet", "produits", "heures apprenants"];
    columns.extend(book.headings.iter().map(|(_, label)| label.as_str()));
    let mut certifications = Sheet::new("certifications", "Certifications", &columns);
    for c in &document.certifications {
        let mut row: Vec<Cell> = vec![
            c.certification.as_str().into(),
            c.charges_directes.into(),
            c.charges_indirectes.into(),
            c.cout_complet.into(),
            c.produits.into(),
            Cell::Decimal(c.heures_apprenants.clone()),
        ];
        row.extend(book.headings.iter().map(|(id, _)| Cell::Amount(c.rubriques.get(id).copied().unwrap_or_default())));
        certifications.rows.push(row);
    }
    let mut pools = Sheet::new(
        "pools",
        "Pools",
        &["code", "clé", "site", "montant", "part formation", "part cma", "non réparti", "produits"],
    );
    for p in &document.pools {
        pools.rows.push(vec![
            p.code.as_str().into(),
            p.cle.as_str().into(),
            p.site.as_deref().into(),
            p.montant.into(),
            p.formation.into(),
            p.cma.into(),
            p.non_reparti.into(),
            p.produits.into(),
        ]);
    }
    let mut trace = Sheet::new(
        "repartition",
        "Répartition",
        &["pool", "clé", "site", "niveau", "côté", "rubrique", "financeur", "inducteur", "montant réparti", "receveur", "certification", "site du receveur", "poids", "part"],
    );
    for t in &document.trace {
        let mut push = |level: &str, split: &TraceSplit, part: Option<&TracePart>| {
            let receiver = part.and_then(|p| p.cote.as_deref().or(p.code.as_deref()));
            trace.rows.push(vec![
                t.code.as_str().into(),
                t.cle.as_str().into(),
                t.site.as_deref().into(),
                level.into(),
                split.cote.as_deref().into(),
                split.rubrique.as_deref().into(),
                split.financeur.as_deref().into(),
                split.inducteur.as_str().into(),
                split.montant.into(),
                receiver.into(),
                part.and_then(|p| p.certification.as_deref()).into(),
                part.and_then(|p| p.site.as_deref()).into(),
                part.map_or(Cell::Empty, |p| Cell::Decimal(p.poids.clone())),
                part.map_or(Cell::Amount(split.non_reparti), |p| Cell::Amount(p.montant)),
            ]);
        };
        let levels = t.niveau1.iter().map(|s| ("1", s)).chain(t.niveau2.iter().map(|s| ("2", s)));
        for (level, split) in levels {
            for part in &split.parts {
                push(level, split, Some(part));
            }
            if split.parts.is_empty() {
                push(level, split, None);
            }
        }
    }
    let c = &document.controle;
    let mut controle = Sheet::new("controle", "Contrôle", &["poste", "montant"]);
    for (label, amount) in [
        ("charges", c.charges),
        ("charges réparties (coûts complets des activités)", c.charges_reparties),
        ("charges non réparties (pools)", c.charges_non_reparties),
        ("charges non rattachées", c.charges_non_rattachees),
        ("produits", c.produits),
        ("produits non rattachés", c.produits_non_rattaches),
    ] {
        controle.rows.push(vec![label.into(), amount.into()]);
    }
    let mut diagnostics =
        Sheet::new("diagnostics", "Diagnostics", &["code", "gravité", "fichier", "ligne", "colonne", "message", "aide", "référence"]);
    for d in &document.diagnostics {
        diagnostics.rows.push(vec![
            d.code.as_str().into(),
            d.severite.label().into(),
            d.fichier.as_str().into(),
            d.ligne.map_or(Cell::Empty, |l| Cell::Integer(i64::from(l))),
            d.colonne.as_deref().into(),
            d.message.as_str().into(),
            d.aide.as_str().into(),
            d.reference.as_str().into(),
        ]);
    }
    vec![activites, certifications, pools, trace, controle, diagnostics]
}

/// Whether a spreadsheet would read a text cell as a formula.
fn looks_like_formula(text: &str) -> bool {
    text.starts_with(['=', '+', '-', '@', '\t', '\r'])
}

/// A sheet as CSV for French spreadsheets (see the module comment).
pub fn csv(sheet: &Sheet) -> Vec<u8> {
    let mut out = String::from("\u{feff}");
    let header: Vec<Cell> = sheet.columns.iter().map(|c| Cell::Text(c.clone())).collect();
    for row in std::iter::once(&header).chain(&sheet.rows) {
        for (i, cell) in row.iter().enumerate() {
            if i > 0 {
                out.push(';');
            }
            match cell {
                Cell::Text(t) => {
                    let t = if looks_like_formula(t) { format!("'{t}") } else { t.clone() };
                    if t.contains([';', '"', '\n', '\r']) {
                        let _ = write!(out, "\"{}\"", t.replace('"', "\"\""));
                    } else {
                        out.push_str(&t);
                    }
                }
                Cell::Amount(a) => out.push_str(&a.to_string().replace('.', ",")),
                Cell::Decimal(d) => out.push_str(&d.replace('.', ",")),
                Cell::Integer(n) => {
                    let _ = write!(out, "{n}");
                }
                Cell::Empty => {}
            }
        }
        out.push_str("\r\n");
    }
    out.into_bytes()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn csv_neutralises_formulas_and_keeps_numbers() {
        let mut sheet = Sheet::new("t", "T", &["a", "b"]);
        sheet.rows.push(vec!["=HYPERLINK(\"x\")".into(), Cell::Amount(Amount::from_cents(-123_456))]);
        sheet.rows.push(vec!["@SUM(A1)".into(), "+33 1".into()]);
        sheet.rows.push(vec!["-x".into(), "a;b".into()]);
        sheet.rows.push(vec![Cell::Decimal("12.125".into()), Cell::Empty]);
        let text = String::from_utf8(csv(&sheet)).unwrap();
        assert_eq!(
            text,
            "\u{feff}a;b\r\n\"'=HYPERLINK(\"\"x\"\")\";-1234,56\r\n'@SUM(A1);'+33 1\r\n'-x;\"a;b\"\r\n12,125;\r\n"
        );
    }
}
