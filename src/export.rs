//! Tables for people, the one model of every export: the results (`sheets`), the pre-project
//! (`preprojet::export`) and CMA France's review (`revue::export`) are each a list of [`Sheet`]s
//! of typed cells, written as CSV here and as one XLSX workbook by [`crate::xlsx`]. Numbers stay
//! exact: they are written from their decimal text, never through a float.
//!
//! CSV written for French spreadsheets: UTF-8 with a BOM, `;` separators, decimal comma, CRLF.
//! A text cell that a spreadsheet would take for a formula (starting with `=`, `+`, `-`, `@`, a
//! tab or a carriage return) is neutralised by a leading apostrophe (OWASP « CSV injection »).
//! Numbers are ours and never read as formulas.

use std::str::FromStr;

use rust_decimal::Decimal;

use crate::date::Date;
use crate::money::Amount;
use crate::report::{DiagnosticRow, Document, TracePart, TraceSplit};
use crate::rulebook::rulebook;

/// One cell of a sheet.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Cell {
    Text(String),
    /// Money, shown with two decimals and the euro sign in a workbook.
    Amount(Amount),
    /// An exact decimal that is not money (counts, hours, weights, ratios); its scale is its
    /// number of decimals, kept in the workbook's number format.
    Number(Decimal),
    /// A date: a date cell in a workbook (`JJ/MM/AAAA`, sortable and filterable as a date), its
    /// French notation in a CSV.
    Date(Date),
    Empty,
}

impl Cell {
    /// A quantity written as exact decimal text (`12.00`, `12.125`, `3`); a text that is not
    /// one stays text, never lost.
    pub fn quantity(text: &str) -> Cell {
        Decimal::from_str(text).map_or_else(|_| Cell::Text(text.to_owned()), Cell::Number)
    }

    /// A ratio or unit cost, empty when it has no value (no apprentices, no products…).
    pub fn ratio(value: Option<Decimal>) -> Cell {
        value.map_or(Cell::Empty, Cell::Number)
    }

    /// A whole number.
    pub fn count(n: impl Into<Decimal>) -> Cell {
        Cell::Number(n.into())
    }
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

/// How a sheet is laid out in a workbook (a CSV is always its header line, if any, and rows).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Layout {
    /// A bold header row, frozen with the first `frozen_columns` columns; the last row in bold
    /// when it is a `total`.
    Table { frozen_columns: u8, total: bool },
    /// Label and value pairs (identity, indicators, parameters): no header, labels in bold.
    Pairs,
    /// Lines of text in one wide column, wrapped (the explanatory note).
    Text,
}

/// A table with its header.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Sheet {
    /// Short name (CSV file name, the page's choice of table): `activites`, `certifications`…
    pub id: &'static str,
    /// Name shown to people (tab of the workbook).
    pub title: &'static str,
    /// The header row; empty for `Pairs` and `Text`.
    pub columns: Vec<String>,
    pub rows: Vec<Vec<Cell>>,
    pub layout: Layout,
}

impl Sheet {
    /// An empty table with its header, frozen on the header row.
    pub fn new(id: &'static str, title: &'static str, columns: &[&str]) -> Sheet {
        Sheet {
            id,
            title,
            columns: columns.iter().map(|&c| c.to_owned()).collect(),
            rows: Vec::new(),
            layout: Layout::Table { frozen_columns: 0, total: false },
        }
    }

    /// Label and value pairs.
    pub fn pairs(id: &'static str, title: &'static str, pairs: Vec<(&str, Cell)>) -> Sheet {
        let rows = pairs.into_iter().map(|(label, value)| vec![Cell::from(label), value]).collect();
        Sheet { id, title, columns: Vec::new(), rows, layout: Layout::Pairs }
    }

    /// A text, one line per row.
    pub fn text(id: &'static str, title: &'static str, text: &str) -> Sheet {
        let rows = text.lines().map(|line| vec![Cell::from(line)]).collect();
        Sheet { id, title, columns: Vec::new(), rows, layout: Layout::Text }
    }
}

/// The findings as a table (the results', the pre-project's and the review's workbooks).
pub fn diagnostics_sheet(diagnostics: &[DiagnosticRow]) -> Sheet {
    let mut sheet =
        Sheet::new("diagnostics", "Diagnostics", &["code", "gravité", "fichier", "ligne", "colonne", "message", "aide", "référence"]);
    for d in diagnostics {
        sheet.rows.push(vec![
            d.code.as_str().into(),
            d.severite.label().into(),
            d.fichier.as_str().into(),
            d.ligne.map_or(Cell::Empty, Cell::count),
            d.colonne.as_deref().into(),
            d.message.as_str().into(),
            d.aide.as_str().into(),
            d.reference.as_str().into(),
        ]);
    }
    sheet
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
            Cell::quantity(&c.heures_apprenants),
        ];
        row.extend(book.headings.iter().map(|(id, _)| Cell::Amount(c.rubriques.get(id).copied().unwrap_or_default())));
        certifications.rows.push(row);
    }
    let mut pools =
        Sheet::new("pools", "Pools", &["code", "clé", "site", "montant", "part formation", "part cma", "non réparti", "produits"]);
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
        &[
            "pool",
            "clé",
            "site",
            "niveau",
            "côté",
            "rubrique",
            "financeur",
            "inducteur",
            "montant réparti",
            "receveur",
            "certification",
            "site du receveur",
            "poids",
            "part",
        ],
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
                part.map_or(Cell::Empty, |p| Cell::quantity(&p.poids)),
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
    let diagnostics = diagnostics_sheet(&document.diagnostics);
    vec![activites, certifications, pools, trace, controle, diagnostics]
}

/// A text cell that no spreadsheet will take for a formula.
pub fn neutralise(text: &str) -> String {
    if text.starts_with(['=', '+', '-', '@', '\t', '\r']) { format!("'{text}") } else { text.to_owned() }
}

/// A cell as CSV text: numbers with a decimal comma, texts neutralised.
fn csv_text(cell: &Cell) -> String {
    match cell {
        Cell::Text(t) => neutralise(t),
        Cell::Amount(a) => a.to_string().replace('.', ","),
        Cell::Number(n) => n.to_string().replace('.', ","),
        Cell::Date(d) => d.french(),
        Cell::Empty => String::new(),
    }
}

/// A sheet as CSV for French spreadsheets (see the module comment): its header line, if it has
/// one, then its rows.
pub fn csv(sheet: &Sheet) -> Vec<u8> {
    let mut writer =
        csv::WriterBuilder::new().delimiter(b';').terminator(csv::Terminator::CRLF).flexible(true).from_writer(b"\xEF\xBB\xBF".to_vec());
    // Writing to a Vec cannot fail.
    if !sheet.columns.is_empty() {
        let _ = writer.write_record(sheet.columns.iter().map(|h| neutralise(h)));
    }
    for row in &sheet.rows {
        let _ = writer.write_record(row.iter().map(csv_text));
    }
    writer.into_inner().unwrap_or_default()
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
        sheet.rows.push(vec![Cell::quantity("12.125"), Cell::Empty]);
        let text = String::from_utf8(csv(&sheet)).unwrap();
        assert_eq!(text, "\u{feff}a;b\r\n\"'=HYPERLINK(\"\"x\"\")\";-1234,56\r\n'@SUM(A1);'+33 1\r\n'-x;\"a;b\"\r\n12,125;\r\n");
    }
}
