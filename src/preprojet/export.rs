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
//! - The same workbook for the page ([`minimal_xlsx`]): the same sheets and cells, written by
//!   `crate::xlsx` (numbers from their decimal text, no formatting beyond it) instead of
//!   `rust_xlsxwriter`, whose code would take the WebAssembly module past 1 MB compressed. The
//!   contents of every sheet come from the functions below, shared by both writers.

use std::collections::BTreeMap;
use std::str::FromStr;

use rust_decimal::Decimal;
use rust_xlsxwriter::{DocProperties, ExcelDateTime, Format, Workbook, Worksheet, XlsxError};

use crate::money::Amount;
use crate::rulebook::rulebook;

use super::PreProject;

/// One cell of an export.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Cell {
    Text(String),
    /// An exact number; its scale is its number of decimals.
    Number(Decimal),
    Empty,
}

impl Cell {
    fn amount(a: Amount) -> Cell {
        Cell::Number(Decimal::new(a.cents(), 2))
    }

    /// A quantity written by `weight_sum_text` (`12.00`, `12.125`).
    fn quantity(text: &str) -> Cell {
        Decimal::from_str(text).map_or(Cell::Empty, Cell::Number)
    }

    fn ratio(value: Option<Decimal>) -> Cell {
        value.map_or(Cell::Empty, Cell::Number)
    }
}

/// The certification table: headers and rows, the total row last.
pub fn certification_table(doc: &PreProject) -> (Vec<String>, Vec<Vec<Cell>>) {
    let book = rulebook();
    let mut headers: Vec<String> =
        ["Code certification", "Intitulé", "Site", "Nombre d'apprentis", "Heures de formation", "Heures apprenants"]
            .map(str::to_owned)
            .into();
    headers.extend(book.headings.iter().map(|(_, label)| label.clone()));
    headers.extend(["Total des charges", "Produits", "Marge", "Coût par apprenti", "Coût par heure apprenant"].map(str::to_owned));
    let mut rows = Vec::new();
    for (r, d) in doc.certifications.iter().zip(&doc.complements) {
        let mut row = vec![Cell::Text(r.certification.clone()), Cell::Text(d.libelle.clone()), Cell::Text(r.site.clone().unwrap_or_default())];
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
    (headers, rows)
}

/// The figures of a row, from « Nombre d'apprentis » to « Coût par heure apprenant ».
fn figures(counts: [&str; 3], headings: &BTreeMap<String, Amount>, money: [Amount; 2], ratios: [Option<Decimal>; 3]) -> Vec<Cell> {
    let mut cells: Vec<Cell> = counts.into_iter().map(Cell::quantity).collect();
    cells.extend(rulebook().headings.iter().map(|(id, _)| Cell::amount(headings.get(id).copied().unwrap_or_default())));
    cells.extend(money.map(Cell::amount));
    cells.extend(ratios.map(Cell::ratio));
    cells
}

/// The `Identité` sheet: (label, value) rows.
fn identity_lines(doc: &PreProject) -> Vec<(&'static str, String)> {
    let id = &doc.identite;
    let mut lines: Vec<(&str, String)> = vec![
        ("Nom de l'organisme", id.nom.clone()),
        ("SIRET", id.siret.clone()),
        ("UAI", id.uai.clone()),
        ("Exercice", id.exercice.map_or_else(String::new, |y| y.to_string())),
    ];
    if let Some(c) = &doc.calendrier {
        lines.extend([
            ("Date de transmission à France compétences", c.date_transmission.french()),
            ("Date limite du préprojet (CMA France)", c.date_limite_preprojet.french()),
            ("Date d'envoi du préprojet", c.date_envoi.french()),
            ("Statut", c.statut.label().to_owned()),
            ("Jours restants (négatif : retard)", c.jours_restants.to_string()),
        ]);
    }
    lines
}

const FINANCER_HEADERS: [&str; 5] = ["Code certification", "Site", "Financeur", "Catégorie (annexe 4)", "Montant"];

/// The `Produits par financeur` sheet's rows (certification, site, financer, its label, amount).
fn financer_rows(doc: &PreProject) -> Vec<[Cell; 5]> {
    let mut rows = Vec::new();
    for d in &doc.complements {
        for (financer, amount) in &d.produits_par_financeur {
            let label = rulebook().financer(financer).map_or("non précisé", |x| x.label.as_str());
            rows.push([
                Cell::Text(d.certification.clone()),
                Cell::Text(d.site.clone().unwrap_or_default()),
                Cell::Text(financer.clone()),
                Cell::Text(label.to_owned()),
                Cell::amount(*amount),
            ]);
        }
    }
    rows
}

/// The `Indicateurs` sheet: (label, value) rows.
fn indicator_lines(doc: &PreProject) -> Vec<(&'static str, Cell)> {
    let i = &doc.indicateurs;
    vec![
        ("Objets analytiques rattachés", Cell::Number(Decimal::from(i.objets_rattaches))),
        ("Objets analytiques du grand livre", Cell::Number(Decimal::from(i.objets_total))),
        ("Part des objets rattachés", Cell::ratio(i.part_objets_rattaches)),
        ("Charges rattachées", Cell::amount(i.charges_rattachees)),
        ("Charges du grand livre", Cell::amount(i.charges_total)),
        ("Part des charges rattachées", Cell::ratio(i.part_charges_rattachees)),
        ("Produits rattachés", Cell::amount(i.produits_rattaches)),
        ("Produits du grand livre", Cell::amount(i.produits_total)),
        ("Part des produits rattachés", Cell::ratio(i.part_produits_rattaches)),
        ("Charges indirectes (pools)", Cell::amount(i.charges_indirectes)),
        ("Charges indirectes réparties par les clés harmonisées", Cell::amount(i.charges_indirectes_reparties)),
        ("Part des charges indirectes réparties", Cell::ratio(i.part_charges_indirectes_reparties)),
        (
            "Préprojet à l'heure",
            Cell::Text(match i.preprojet_a_l_heure {
                Some(true) => "oui".to_owned(),
                Some(false) => "non".to_owned(),
                None => String::new(),
            }),
        ),
    ]
}

const DIAGNOSTIC_HEADERS: [&str; 6] = ["Code", "Gravité", "Fichier", "Ligne", "Message", "Aide"];

/// A text cell that no spreadsheet will take for a formula.
pub fn neutralise(text: &str) -> String {
    if text.starts_with(['=', '+', '-', '@', '\t', '\r']) { format!("'{text}") } else { text.to_owned() }
}

fn csv_cell(cell: &Cell) -> String {
    match cell {
        Cell::Text(t) => neutralise(t),
        Cell::Number(n) => n.to_string().replace('.', ","),
        Cell::Empty => String::new(),
    }
}

/// The certification table as the users' CSV (UTF-8 with BOM, `;`, comma decimals).
pub fn csv(doc: &PreProject) -> Vec<u8> {
    let (headers, rows) = certification_table(doc);
    let mut writer = csv::WriterBuilder::new().delimiter(b';').from_writer(b"\xEF\xBB\xBF".to_vec());
    // Writing to a Vec cannot fail.
    let _ = writer.write_record(headers.iter().map(|h| neutralise(h)));
    for row in &rows {
        let _ = writer.write_record(row.iter().map(csv_cell));
    }
    writer.into_inner().unwrap_or_default()
}

/// Formats of the workbook.
struct Formats {
    header: Format,
    bold: Format,
    money: Format,
    ratio: Format,
    wrap: Format,
}

fn write_cell(sheet: &mut Worksheet, row: u32, col: u16, cell: &Cell, f: &Formats, bold: bool) -> Result<(), XlsxError> {
    match cell {
        Cell::Text(t) if bold => sheet.write_string_with_format(row, col, t, &f.bold).map(drop),
        Cell::Text(t) => sheet.write_string(row, col, t).map(drop),
        Cell::Number(n) => {
            let format = if n.scale() == 4 { &f.ratio } else { &f.money };
            let format = if bold { &format.clone().set_bold() } else { format };
            sheet.write_with_format(row, col, *n, format).map(drop)
        }
        Cell::Empty => Ok(()),
    }
}

/// The whole pre-project as an XLSX workbook. The creation date is the sending date of the
/// préprojet, so that the same inputs give the same bytes.
pub fn xlsx(doc: &PreProject) -> Result<Vec<u8>, String> {
    build_xlsx(doc).map_err(|e| format!("classeur XLSX impossible à écrire : {e}"))
}

fn build_xlsx(doc: &PreProject) -> Result<Vec<u8>, XlsxError> {
    let f = Formats {
        header: Format::new().set_bold().set_text_wrap(),
        bold: Format::new().set_bold(),
        money: Format::new().set_num_format("#,##0.00"),
        ratio: Format::new().set_num_format("0.0000"),
        wrap: Format::new().set_text_wrap(),
    };
    let mut book = Workbook::new();
    let mut properties = DocProperties::new().set_title("Préprojet France compétences").set_author("cma-analytique");
    if let Some(c) = &doc.calendrier {
        let d = c.date_envoi;
        let date = ExcelDateTime::from_ymd(u16::try_from(d.year()).unwrap_or(1900), d.month(), d.day())?;
        properties = properties.set_creation_datetime(&date);
    }
    book.set_properties(&properties);

    let sheet = book.add_worksheet().set_name("Identité")?;
    for (i, (label, value)) in identity_lines(doc).iter().enumerate() {
        let r = i as u32;
        sheet.write_string_with_format(r, 0, *label, &f.bold)?;
        sheet.write_string(r, 1, value)?;
    }
    sheet.set_column_width(0, 44)?;
    sheet.set_column_width(1, 30)?;

    let (headers, rows) = certification_table(doc);
    let sheet = book.add_worksheet().set_name("Certifications")?;
    for (c, h) in headers.iter().enumerate() {
        sheet.write_string_with_format(0, c as u16, h, &f.header)?;
        sheet.set_column_width(c as u16, if c == 1 { 36 } else { 15 })?;
    }
    let last = rows.len();
    for (r, row) in rows.iter().enumerate() {
        for (c, cell) in row.iter().enumerate() {
            write_cell(sheet, r as u32 + 1, c as u16, cell, &f, r + 1 == last)?;
        }
    }
    sheet.set_freeze_panes(1, 1)?;

    let sheet = book.add_worksheet().set_name("Produits par financeur")?;
    for (c, h) in FINANCER_HEADERS.iter().enumerate() {
        sheet.write_string_with_format(0, c as u16, *h, &f.header)?;
    }
    for (r, row) in financer_rows(doc).iter().enumerate() {
        for (c, cell) in row.iter().enumerate() {
            write_cell(sheet, r as u32 + 1, c as u16, cell, &f, false)?;
        }
    }
    sheet.set_column_width(3, 60)?;

    let sheet = book.add_worksheet().set_name("Indicateurs")?;
    for (r, (label, cell)) in indicator_lines(doc).iter().enumerate() {
        sheet.write_string_with_format(r as u32, 0, *label, &f.bold)?;
        write_cell(sheet, r as u32, 1, cell, &f, false)?;
    }
    sheet.set_column_width(0, 52)?;
    sheet.set_column_width(1, 18)?;

    let sheet = book.add_worksheet().set_name("Note explicative")?;
    sheet.set_column_width(0, 120)?;
    for (r, line) in doc.note.lines().enumerate() {
        sheet.write_string_with_format(r as u32, 0, line, &f.wrap)?;
    }

    diagnostics_sheet(&mut book, &doc.diagnostics, &f.header)?;
    book.save_to_buffer()
}

/// The « Diagnostics » sheet of a workbook (pre-project, review): one row per finding, texts as
/// string cells (never formulas).
pub fn diagnostics_sheet(
    book: &mut rust_xlsxwriter::Workbook,
    diagnostics: &[crate::report::DiagnosticRow],
    header: &rust_xlsxwriter::Format,
) -> Result<(), rust_xlsxwriter::XlsxError> {
    let sheet = book.add_worksheet().set_name("Diagnostics")?;
    for (c, h) in DIAGNOSTIC_HEADERS.iter().enumerate() {
        sheet.write_string_with_format(0, c as u16, *h, header)?;
    }
    for (r, d) in diagnostics.iter().enumerate() {
        let r = r as u32 + 1;
        sheet.write_string(r, 0, &d.code)?;
        sheet.write_string(r, 1, d.severite.label())?;
        sheet.write_string(r, 2, &d.fichier)?;
        if let Some(line) = d.ligne {
            sheet.write_number(r, 3, line)?;
        }
        sheet.write_string(r, 4, &d.message)?;
        sheet.write_string(r, 5, &d.aide)?;
    }
    sheet.set_column_width(4, 100)?;
    sheet.set_column_width(5, 80)?;
    Ok(())
}

/// A cell of [`minimal_xlsx`]: numbers from their decimal text.
fn sheet_cell(cell: &Cell) -> crate::export::Cell {
    match cell {
        Cell::Text(t) => crate::export::Cell::Text(t.clone()),
        Cell::Number(n) => crate::export::Cell::Decimal(n.to_string()),
        Cell::Empty => crate::export::Cell::Empty,
    }
}

/// The sheets of the workbook, with the cells [`xlsx`] writes, for `crate::xlsx`. A sheet of
/// (label, value) rows has no header row, as in [`xlsx`].
pub fn sheets(doc: &PreProject) -> Vec<crate::export::Sheet> {
    use crate::export::{Cell as C, Sheet};
    let text = |t: &str| C::Text(t.to_owned());
    let (headers, rows) = certification_table(doc);
    let diagnostics = doc
        .diagnostics
        .iter()
        .map(|d| {
            vec![
                text(&d.code),
                text(d.severite.label()),
                text(&d.fichier),
                d.ligne.map_or(C::Empty, |l| C::Integer(i64::from(l))),
                text(&d.message),
                text(&d.aide),
            ]
        })
        .collect();
    let columns = |names: &[&str]| names.iter().map(|&n| n.to_owned()).collect::<Vec<String>>();
    vec![
        Sheet {
            id: "identite",
            title: "Identité",
            columns: Vec::new(),
            rows: identity_lines(doc).into_iter().map(|(label, value)| vec![text(label), C::Text(value)]).collect(),
        },
        Sheet { id: "certifications", title: "Certifications", columns: headers, rows: rows.iter().map(|r| r.iter().map(sheet_cell).collect()).collect() },
        Sheet {
            id: "produits",
            title: "Produits par financeur",
            columns: columns(&FINANCER_HEADERS),
            rows: financer_rows(doc).iter().map(|r| r.iter().map(sheet_cell).collect()).collect(),
        },
        Sheet {
            id: "indicateurs",
            title: "Indicateurs",
            columns: Vec::new(),
            rows: indicator_lines(doc).iter().map(|(label, cell)| vec![text(label), sheet_cell(cell)]).collect(),
        },
        Sheet { id: "note", title: "Note explicative", columns: Vec::new(), rows: doc.note.lines().map(|l| vec![text(l)]).collect() },
        Sheet { id: "diagnostics", title: "Diagnostics", columns: columns(&DIAGNOSTIC_HEADERS), rows: diagnostics },
    ]
}

/// The workbook of [`xlsx`] written by `crate::xlsx`: what the page offers (see the module
/// comment). Same sheets, same cells; deterministic bytes.
pub fn minimal_xlsx(doc: &PreProject) -> Vec<u8> {
    crate::xlsx::workbook(&sheets(doc))
}
