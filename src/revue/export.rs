//! The review as files: one table definition per view, written as the users' CSV (`;`, comma
//! decimals, UTF-8 with BOM, text cells starting with `= + - @` neutralised — the pre-project's
//! convention) and as one XLSX workbook with a sheet per table, plus the parameters and the
//! diagnostics (`xlsx`, with `rust_xlsxwriter`, for the CLI); the same sheets for the minimal
//! writer of `crate::xlsx` (`sheets`, for the page). The tables are also what the page's charts
//! need, and their accessible alternative.
//!
//! Pure: the document in, bytes out.

use rust_decimal::Decimal;
use rust_xlsxwriter::{DocProperties, Format, Workbook, XlsxError};

use super::Review;
use super::compare::Measure;
use super::network::NationalRow;
use crate::date::Date;
use crate::money::Amount;
use crate::preprojet::export::{Cell, neutralise};
use crate::ratio;
use crate::rulebook::rulebook;

/// One table of the review.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ReviewTable {
    /// Suffix of its CSV file and identifier (`comparaison`, `atypiques`…).
    pub name: &'static str,
    /// Its sheet's name in the workbook.
    pub title: &'static str,
    pub headers: Vec<String>,
    pub rows: Vec<Vec<Cell>>,
}

fn text(t: &str) -> Cell {
    Cell::Text(t.to_owned())
}

fn amount(a: Amount) -> Cell {
    Cell::Number(Decimal::new(a.cents(), 2))
}

fn number(d: Option<Decimal>) -> Cell {
    d.map_or(Cell::Empty, Cell::Number)
}

fn count(n: u64) -> Cell {
    Cell::Number(Decimal::from(n))
}

/// A figure that no file gives.
fn unknown() -> Cell {
    text("non connu")
}

fn yes_no(flag: bool) -> Cell {
    text(if flag { "oui" } else { "non" })
}

fn quantity(t: &str) -> Cell {
    t.parse::<Decimal>().map_or(Cell::Empty, Cell::Number)
}

fn headers(names: &[&str]) -> Vec<String> {
    names.iter().map(|h| (*h).to_owned()).collect()
}

fn heading_labels(prefix: &str) -> Vec<String> {
    rulebook().headings.iter().map(|(_, label)| format!("{prefix}{label}")).collect()
}

/// Every table of the review, in the order of the workbook.
pub fn tables(doc: &Review) -> Vec<ReviewTable> {
    vec![comparison(doc), measures(doc), headings(doc), outliers(doc), singles(doc), national(doc), control(doc), compliance(doc), flagged(doc)]
}

fn comparison(doc: &Review) -> ReviewTable {
    let mut h = headers(&["Code certification", "Intitulé", "Région", "Sites", "Nombre d'apprentis", "Heures apprenants", "Total des charges", "Produits", "Marge"]);
    for m in Measure::BOTH {
        let u = m.unit();
        h.extend([
            format!("Coût {u}"),
            format!("Médiane {u}"),
            format!("Écart à la médiane {u}"),
            format!("Écart robuste {u}"),
            format!("Atypique {u}"),
            format!("Rubrique qui explique l'écart {u}"),
            format!("Écart de la rubrique {u}"),
        ]);
    }
    let mut rows = Vec::new();
    for c in &doc.certifications {
        for f in &c.regions {
            let mut row = vec![
                text(&c.certification),
                text(&c.libelle),
                text(&f.region),
                count(f.sites as u64),
                quantity(&f.apprentis),
                quantity(&f.heures_apprenants),
                amount(f.cout_complet),
                amount(f.produits),
                number(f.marge),
            ];
            for m in Measure::BOTH {
                let cmp = c.comparison(m);
                match cmp.ecarts.iter().find(|d| d.region == f.region) {
                    Some(d) => row.extend([
                        Cell::Number(d.valeur),
                        number(cmp.mediane),
                        Cell::Number(d.ecart),
                        number(d.ecart_robuste),
                        yes_no(d.atypique),
                        d.explication.as_ref().map_or(Cell::Empty, |e| text(&e.libelle)),
                        number(d.explication.as_ref().map(|e| e.ecart)),
                    ]),
                    None => row.extend([Cell::Empty, number(cmp.mediane), Cell::Empty, Cell::Empty, Cell::Empty, Cell::Empty, Cell::Empty]),
                }
            }
            rows.push(row);
        }
    }
    ReviewTable { name: "comparaison", title: "Comparaison", headers: h, rows }
}

fn measures(doc: &Review) -> ReviewTable {
    let mut h = headers(&["Code certification", "Intitulé", "Mesure", "Régions comparées", "Méthode", "Médiane", "Écart absolu médian", "Borne basse", "Borne haute"]);
    h.extend(heading_labels("Médiane : "));
    let mut rows = Vec::new();
    for c in &doc.certifications {
        for m in Measure::BOTH {
            let cmp = c.comparison(m);
            let mut row = vec![
                text(&c.certification),
                text(&c.libelle),
                text(m.label()),
                count(cmp.regions_comparees as u64),
                text(cmp.methode.label()),
                number(cmp.mediane),
                number(cmp.ecart_absolu_median),
                number(cmp.borne_basse),
                number(cmp.borne_haute),
            ];
            row.extend(rulebook().headings.iter().map(|(id, _)| number(cmp.rubriques_medianes.get(id).copied())));
            rows.push(row);
        }
    }
    ReviewTable { name: "medianes", title: "Médianes", headers: h, rows }
}

fn headings(doc: &Review) -> ReviewTable {
    let mut h = headers(&["Code certification", "Région", "Total des charges"]);
    h.extend(heading_labels(""));
    h.extend(heading_labels("Part : "));
    let mut rows = Vec::new();
    for c in &doc.certifications {
        for f in &c.regions {
            let mut row = vec![text(&c.certification), text(&f.region), amount(f.cout_complet)];
            let book = rulebook();
            row.extend(book.headings.iter().map(|(id, _)| amount(f.rubriques.get(id).copied().unwrap_or_default())));
            row.extend(book.headings.iter().map(|(id, _)| number(f.repartition.get(id).copied())));
            rows.push(row);
        }
    }
    ReviewTable { name: "rubriques", title: "Rubriques", headers: h, rows }
}

fn outliers(doc: &Review) -> ReviewTable {
    let h = headers(&[
        "Code certification",
        "Intitulé",
        "Mesure",
        "Région",
        "Valeur",
        "Médiane",
        "Écart à la médiane",
        "Écart robuste",
        "Rubrique qui explique l'écart",
        "Rubrique : valeur",
        "Rubrique : médiane",
        "Rubrique : écart",
    ]);
    let rows = doc
        .atypiques
        .iter()
        .map(|o| {
            let e = o.explication.as_ref();
            vec![
                text(&o.certification),
                text(&o.libelle),
                text(o.mesure.label()),
                text(&o.region),
                Cell::Number(o.valeur),
                Cell::Number(o.mediane),
                Cell::Number(o.ecart),
                number(o.ecart_robuste),
                e.map_or(Cell::Empty, |e| text(&e.libelle)),
                number(e.map(|e| e.valeur)),
                number(e.map(|e| e.mediane)),
                number(e.map(|e| e.ecart)),
            ]
        })
        .collect();
    ReviewTable { name: "atypiques", title: "Atypiques", headers: h, rows }
}

fn singles(doc: &Review) -> ReviewTable {
    let rows = doc.certifications_non_comparees.iter().map(|s| vec![text(&s.certification), text(&s.libelle), text(&s.region)]).collect();
    ReviewTable { name: "non-comparees", title: "Non comparées", headers: headers(&["Code certification", "Intitulé", "Région"]), rows }
}

fn national_rows(level: &str, list: &[NationalRow], rows: &mut Vec<Vec<Cell>>) {
    for a in list {
        for r in &a.regions {
            rows.push(vec![
                text(level),
                text(&a.code),
                text(&a.libelle),
                text(&r.region),
                amount(r.charges_directes),
                amount(r.charges_indirectes),
                amount(r.cout_complet),
                amount(r.produits),
                amount(r.resultat),
                number(r.part_cout_complet),
                number(r.part_produits),
            ]);
        }
        rows.push(vec![
            text(level),
            text(&a.code),
            text(&a.libelle),
            text("Total national"),
            amount(a.charges_directes),
            amount(a.charges_indirectes),
            amount(a.cout_complet),
            amount(a.produits),
            amount(a.resultat),
            Cell::Empty,
            Cell::Empty,
        ]);
    }
}

fn national(doc: &Review) -> ReviewTable {
    let h = headers(&[
        "Niveau",
        "Code",
        "Libellé",
        "Région",
        "Charges directes",
        "Charges indirectes",
        "Coût complet",
        "Produits",
        "Résultat",
        "Part du coût complet national",
        "Part des produits nationaux",
    ]);
    let mut rows = Vec::new();
    national_rows("axe", &doc.national.axes, &mut rows);
    national_rows("activité", &doc.national.activites, &mut rows);
    ReviewTable { name: "national", title: "National", headers: h, rows }
}

fn control(doc: &Review) -> ReviewTable {
    let h = headers(&["Région", "Charges", "Charges non réparties", "Charges non rattachées", "Produits", "Produits non rattachés"]);
    let rows = doc
        .national
        .controle
        .iter()
        .chain([&doc.national.controle_total])
        .map(|c| {
            vec![
                text(&c.region),
                amount(c.charges),
                amount(c.charges_non_reparties),
                amount(c.charges_non_rattachees),
                amount(c.produits),
                amount(c.produits_non_rattaches),
            ]
        })
        .collect();
    ReviewTable { name: "controle", title: "Contrôle", headers: h, rows }
}

fn compliance(doc: &Review) -> ReviewTable {
    let h = headers(&[
        "Région",
        "Objets rattachés",
        "Objets du grand livre",
        "Part des objets rattachés",
        "Charges rattachées",
        "Charges",
        "Part des charges rattachées",
        "Produits rattachés",
        "Produits",
        "Part des produits rattachés",
        "Charges indirectes (pools)",
        "Charges indirectes réparties par les clés",
        "Part des charges indirectes réparties",
        "Pools",
        "Pools entièrement répartis",
        "Préprojet à l'heure",
        "Jours restants (négatif : retard)",
        "Date limite du préprojet",
        "Date d'envoi ou de réception",
        "Source du calendrier",
        "Non connus",
    ]);
    let rows = doc
        .conformite
        .iter()
        .map(|c| {
            let known_count = |v: Option<u64>| v.map_or_else(unknown, count);
            let known_amount = |v: Option<Amount>| v.map_or_else(unknown, amount);
            // A share is « non connu » when its figures are, empty when its total is zero.
            let part = |v: Option<Decimal>, known: bool| if known { number(v) } else { unknown() };
            vec![
                text(&c.region),
                known_count(c.objets_rattaches),
                known_count(c.objets_total),
                part(c.part_objets_rattaches, c.source_objets.is_some()),
                known_amount(c.charges_rattachees),
                known_amount(c.charges_total),
                part(c.part_charges_rattachees, c.source_montants.is_some()),
                known_amount(c.produits_rattaches),
                known_amount(c.produits_total),
                part(c.part_produits_rattaches, c.source_montants.is_some()),
                known_amount(c.charges_indirectes),
                known_amount(c.charges_indirectes_reparties),
                part(c.part_charges_indirectes_reparties, c.source_cles.is_some()),
                known_count(c.pools),
                known_count(c.pools_entierement_repartis),
                c.preprojet_a_l_heure.map_or_else(unknown, yes_no),
                c.jours_restants.map_or(Cell::Empty, |d| Cell::Number(Decimal::from(d))),
                c.date_limite.map_or(Cell::Empty, |d| text(&d.french())),
                c.date_envoi.map_or(Cell::Empty, |d| text(&d.french())),
                c.source_calendrier.map_or_else(unknown, |s| text(s.label())),
                text(&c.non_connus.join(", ")),
            ]
        })
        .collect();
    ReviewTable { name: "conformite", title: "Conformité", headers: h, rows }
}

fn flagged(doc: &Review) -> ReviewTable {
    let h = headers(&[
        "Code",
        "Libellé",
        "Drapeaux",
        "Région",
        "Charges directes",
        "Produits",
        "Résultat direct",
        "Charges indirectes",
        "Coût complet",
        "Résultat",
        "Méthode du coût complet",
    ]);
    let mut rows = Vec::new();
    for f in &doc.actions_cop_pn.codes {
        for r in &f.regions {
            rows.push(vec![
                text(&f.code),
                text(&f.libelle),
                text(&f.drapeaux),
                text(&r.region),
                amount(r.charges_directes),
                amount(r.produits),
                amount(r.resultat_direct),
                r.charges_indirectes.map_or(Cell::Empty, amount),
                r.cout_complet.map_or(Cell::Empty, amount),
                r.resultat.map_or(Cell::Empty, amount),
                text(r.methode.label()),
            ]);
        }
        let t = &f.total;
        rows.push(vec![
            text(&f.code),
            text(&f.libelle),
            text(&f.drapeaux),
            text("Total"),
            amount(t.charges_directes),
            amount(t.produits),
            amount(t.resultat_direct),
            Cell::Empty,
            t.cout_complet.map_or(Cell::Empty, amount),
            t.cout_complet.map_or(Cell::Empty, |c| amount(t.produits - c)),
            Cell::Empty,
        ]);
    }
    ReviewTable { name: "actions-cop-pn", title: "Actions COP-PN", headers: h, rows }
}

/// A table as the users' CSV (UTF-8 with BOM, `;`, comma decimals).
pub fn csv(table: &ReviewTable) -> Vec<u8> {
    let mut writer = csv::WriterBuilder::new().delimiter(b';').from_writer(b"\xEF\xBB\xBF".to_vec());
    // Writing to a Vec cannot fail.
    let _ = writer.write_record(table.headers.iter().map(|h| neutralise(h)));
    for row in &table.rows {
        let _ = writer.write_record(row.iter().map(|cell| match cell {
            Cell::Text(t) => neutralise(t),
            Cell::Number(n) => ratio::french(*n),
            Cell::Empty => String::new(),
        }));
    }
    writer.into_inner().unwrap_or_default()
}

/// The whole review as one XLSX workbook, created on `date` (the day of the review, given by the
/// host: the same inputs and date give the same bytes).
pub fn xlsx(doc: &Review, date: Date) -> Result<Vec<u8>, String> {
    build(doc, date).map_err(|e| format!("classeur XLSX impossible à écrire : {e}"))
}

fn number_format(scale: u32) -> Format {
    let decimals = "0".repeat(scale as usize);
    Format::new().set_num_format(if scale == 0 { "#,##0".to_owned() } else { format!("#,##0.{decimals}") })
}

fn build(doc: &Review, date: Date) -> Result<Vec<u8>, XlsxError> {
    let header = Format::new().set_bold().set_text_wrap();
    let bold = Format::new().set_bold();
    let mut book = Workbook::new();
    let date = rust_xlsxwriter::ExcelDateTime::from_ymd(u16::try_from(date.year()).unwrap_or(1900), date.month(), date.day())?;
    book.set_properties(&DocProperties::new().set_title("Revue de cohérence des préprojets").set_author("cma-analytique").set_creation_datetime(&date));

    let sheet = book.add_worksheet().set_name("Paramètres")?;
    let lines = parameter_lines(doc);
    for (r, (label, value)) in lines.iter().enumerate() {
        sheet.write_string_with_format(r as u32, 0, *label, &bold)?;
        sheet.write_string(r as u32, 1, value)?;
    }
    let mut r = lines.len() as u32 + 1;
    for (c, h) in FILE_HEADERS.iter().enumerate() {
        sheet.write_string_with_format(r, c as u16, *h, &header)?;
    }
    for region in &doc.regions {
        for f in &region.fichiers {
            r += 1;
            sheet.write_string(r, 0, &region.region)?;
            sheet.write_string(r, 1, &f.fichier)?;
            sheet.write_string(r, 2, f.nature)?;
            sheet.write_string(r, 3, &f.format)?;
            sheet.write_string(r, 4, &region.nom_organisme)?;
            if let Some(y) = region.exercice {
                sheet.write_number(r, 5, y)?;
            }
        }
    }
    sheet.set_column_width(0, 34)?;
    sheet.set_column_width(1, 40)?;

    for table in tables(doc) {
        let sheet = book.add_worksheet().set_name(table.title)?;
        for (c, h) in table.headers.iter().enumerate() {
            sheet.write_string_with_format(0, c as u16, h, &header)?;
            sheet.set_column_width(c as u16, 16)?;
        }
        for (r, row) in table.rows.iter().enumerate() {
            for (c, cell) in row.iter().enumerate() {
                let (r, c) = (r as u32 + 1, c as u16);
                match cell {
                    Cell::Text(t) => sheet.write_string(r, c, t).map(drop)?,
                    Cell::Number(n) => sheet.write_with_format(r, c, *n, &number_format(n.scale())).map(drop)?,
                    Cell::Empty => {}
                }
            }
        }
        sheet.set_freeze_panes(1, 0)?;
    }

    crate::preprojet::export::diagnostics_sheet(&mut book, &doc.diagnostics, &header)?;
    book.save_to_buffer()
}

/// The first lines of the parameters' sheet: label, value.
fn parameter_lines(doc: &Review) -> Vec<(&'static str, String)> {
    let p = &doc.parametres;
    vec![
        ("Seuil d'écart robuste", ratio::french(p.seuil)),
        ("Facteur de l'écart absolu médian", ratio::french(p.facteur_ecart_absolu_median)),
        ("Régions au moins pour un test", p.regions_minimum.to_string()),
        (
            "Règle",
            "écart robuste = |valeur − médiane| / (facteur × écart absolu médian) ; une région est atypique au-delà du seuil (strictement)".to_owned(),
        ),
    ]
}

/// Headers of the files' table, under the parameters.
const FILE_HEADERS: [&str; 6] = ["Région", "Fichier", "Nature", "Format", "Organisme", "Exercice"];

/// A text cell for `crate::xlsx`; an empty text is a blank cell, as `rust_xlsxwriter` writes it.
fn text_cell(t: &str) -> crate::export::Cell {
    if t.is_empty() { crate::export::Cell::Empty } else { crate::export::Cell::Text(t.to_owned()) }
}

/// A cell for `crate::xlsx`: whole numbers as integers, other numbers as their exact decimal text.
fn sheet_cell(cell: &Cell) -> crate::export::Cell {
    use crate::export::Cell as Out;
    match cell {
        Cell::Text(t) => text_cell(t),
        Cell::Number(n) if n.scale() == 0 => i64::try_from(n.mantissa()).map_or_else(|_| Out::Decimal(n.to_string()), Out::Integer),
        Cell::Number(n) => Out::Decimal(n.to_string()),
        Cell::Empty => Out::Empty,
    }
}

/// The same workbook as `xlsx` — same sheets, same cells — for the minimal exact writer of
/// `crate::xlsx`, which the page's WebAssembly module uses (`rust_xlsxwriter` would add about
/// 0.45 MB gzipped to it). Differences are of form only: bold labels and column widths, the
/// first row of each sheet frozen, no creation date (the bytes depend on the document alone).
pub fn sheets(doc: &Review) -> Vec<crate::export::Sheet> {
    use crate::export::{Cell as Out, Sheet};
    let mut lines = parameter_lines(doc).into_iter();
    let (label, value) = lines.next().unwrap_or_default();
    let mut parameters = Sheet { id: "parametres", title: "Paramètres", columns: vec![label.to_owned(), value], rows: Vec::new() };
    for (label, value) in lines {
        parameters.rows.push(vec![Out::Text(label.to_owned()), Out::Text(value)]);
    }
    parameters.rows.push(Vec::new());
    parameters.rows.push(FILE_HEADERS.iter().map(|h| Out::Text((*h).to_owned())).collect());
    for region in &doc.regions {
        for f in &region.fichiers {
            parameters.rows.push(vec![
                text_cell(&region.region),
                text_cell(&f.fichier),
                text_cell(f.nature),
                text_cell(&f.format),
                text_cell(&region.nom_organisme),
                region.exercice.map_or(Out::Empty, |y| Out::Integer(i64::from(y))),
            ]);
        }
    }
    let mut out = vec![parameters];
    for table in tables(doc) {
        out.push(Sheet {
            id: table.name,
            title: table.title,
            columns: table.headers.clone(),
            rows: table.rows.iter().map(|row| row.iter().map(sheet_cell).collect()).collect(),
        });
    }
    let columns = ["Code", "Gravité", "Fichier", "Ligne", "Message", "Aide"].iter().map(|h| (*h).to_owned()).collect();
    let rows = doc
        .diagnostics
        .iter()
        .map(|d| {
            vec![
                text_cell(&d.code),
                text_cell(d.severite.label()),
                text_cell(&d.fichier),
                d.ligne.map_or(Out::Empty, |l| Out::Integer(i64::from(l))),
                text_cell(&d.message),
                text_cell(&d.aide),
            ]
        })
        .collect();
    out.push(Sheet { id: "diagnostics", title: "Diagnostics", columns, rows });
    out
}
