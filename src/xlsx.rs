//! The one XLSX (Office Open XML) writer of the crate: sheets of text and exact numbers, bold
//! headers, labels and total rows, frozen panes, French number formats, in an uncompressed ZIP.
//! Every workbook of the tool (results, pre-project, review) goes through [`workbook`].
//!
//! Why not a workbook crate: their number cells are binary floating point (banned from this crate by
//! clippy.toml and the tidy test) and they stamp the wall clock into the document properties
//! (the core never reads the clock). An XLSX number is decimal text in XML (`<v>1234.56</v>`):
//! writing the amount's own text is exact. Text cells are inline strings, which a spreadsheet
//! never evaluates as formulas. Same sheets, same bytes.

use std::fmt::Write as _;

use crate::export::{Cell, Layout, Sheet};

/// Number formats: `(id, code)`; the index in this list is the one of [`style`]. 0 is
/// « General » (texts), 164 amounts in euros, then a number with 0 to 8 decimals, then a date.
const NUMBER_FORMATS: [(u16, &str); 12] = [
    (0, ""),
    (164, r#"#,##0.00\ &quot;€&quot;"#),
    (165, "#,##0"),
    (166, "#,##0.0"),
    (167, "#,##0.00"),
    (168, "#,##0.000"),
    (169, "#,##0.0000"),
    (170, "#,##0.00000"),
    (171, "#,##0.000000"),
    (172, "#,##0.0000000"),
    (173, "#,##0.00000000"),
    (174, "dd/mm/yyyy"),
];

/// Index in [`NUMBER_FORMATS`] of the date format.
const DATE_FORMAT: usize = 11;

/// Index of `cellXfs`: regular then bold, each with every number format; then wrapped text,
/// regular and bold.
fn style(bold: bool, format: usize) -> usize {
    usize::from(bold) * NUMBER_FORMATS.len() + format
}

fn wrapped(bold: bool) -> usize {
    2 * NUMBER_FORMATS.len() + usize::from(bold)
}

/// The number format of a cell: euros for money, its own decimals for another number.
fn format_of(cell: &Cell) -> usize {
    match cell {
        Cell::Amount(_) => 1,
        Cell::Number(n) if n.scale() <= 8 => 2 + n.scale() as usize,
        Cell::Date(d) if d.excel_serial().is_some() => DATE_FORMAT,
        Cell::Text(_) | Cell::Number(_) | Cell::Date(_) | Cell::Empty => 0,
    }
}

fn styles() -> String {
    let mut xml = format!(r#"{XML_HEADER}<styleSheet xmlns="{MAIN_NS}"><numFmts count="{}">"#, NUMBER_FORMATS.len() - 1);
    for (id, code) in &NUMBER_FORMATS[1..] {
        let _ = write!(xml, r#"<numFmt numFmtId="{id}" formatCode="{code}"/>"#);
    }
    xml.push_str(concat!(
        r#"</numFmts><fonts count="2"><font><sz val="11"/><name val="Calibri"/></font><font><b/><sz val="11"/><name val="Calibri"/></font></fonts>"#,
        r#"<fills count="2"><fill><patternFill patternType="none"/></fill><fill><patternFill patternType="gray125"/></fill></fills>"#,
        r#"<borders count="1"><border><left/><right/><top/><bottom/><diagonal/></border></borders>"#,
        r#"<cellStyleXfs count="1"><xf numFmtId="0" fontId="0" fillId="0" borderId="0"/></cellStyleXfs>"#,
    ));
    let _ = write!(xml, r#"<cellXfs count="{}">"#, 2 * NUMBER_FORMATS.len() + 2);
    for bold in [0, 1] {
        for (id, _) in NUMBER_FORMATS {
            let _ = write!(
                xml,
                r#"<xf numFmtId="{id}" fontId="{bold}" fillId="0" borderId="0" xfId="0" applyNumberFormat="1" applyFont="1"/>"#
            );
        }
    }
    for bold in [0, 1] {
        let _ = write!(
            xml,
            r#"<xf numFmtId="0" fontId="{bold}" fillId="0" borderId="0" xfId="0" applyFont="1" applyAlignment="1"><alignment wrapText="1" vertical="top"/></xf>"#
        );
    }
    xml.push_str(r#"</cellXfs><cellStyles count="1"><cellStyle name="Normal" xfId="0" builtinId="0"/></cellStyles></styleSheet>"#);
    xml
}

const XML_HEADER: &str = r#"<?xml version="1.0" encoding="UTF-8" standalone="yes"?>"#;
const MAIN_NS: &str = "http://schemas.openxmlformats.org/spreadsheetml/2006/main";
const REL_NS: &str = "http://schemas.openxmlformats.org/officeDocument/2006/relationships";

/// The workbook of `sheets`, one tab each, named by their titles.
pub fn workbook(sheets: &[Sheet]) -> Vec<u8> {
    let mut zip = Zip::default();
    let mut types = format!(
        r#"{XML_HEADER}<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"><Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/><Default Extension="xml" ContentType="application/xml"/><Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/><Override PartName="/xl/styles.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.styles+xml"/>"#
    );
    let mut book = format!(r#"{XML_HEADER}<workbook xmlns="{MAIN_NS}" xmlns:r="{REL_NS}"><sheets>"#);
    let mut rels = format!(r#"{XML_HEADER}<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">"#);
    for (i, sheet) in sheets.iter().enumerate() {
        let n = i + 1;
        let _ = write!(
            types,
            r#"<Override PartName="/xl/worksheets/sheet{n}.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/>"#
        );
        let _ = write!(book, r#"<sheet name="{}" sheetId="{n}" r:id="rId{n}"/>"#, escape(&sheet_name(sheet.title)));
        let _ = write!(rels, r#"<Relationship Id="rId{n}" Type="{REL_NS}/worksheet" Target="worksheets/sheet{n}.xml"/>"#);
    }
    types.push_str("</Types>");
    book.push_str("</sheets></workbook>");
    let _ = write!(rels, r#"<Relationship Id="rId{}" Type="{REL_NS}/styles" Target="styles.xml"/></Relationships>"#, sheets.len() + 1);
    zip.add("[Content_Types].xml", types.as_bytes());
    zip.add(
        "_rels/.rels",
        format!(
            r#"{XML_HEADER}<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="{REL_NS}/officeDocument" Target="xl/workbook.xml"/></Relationships>"#
        )
        .as_bytes(),
    );
    zip.add("xl/workbook.xml", book.as_bytes());
    zip.add("xl/_rels/workbook.xml.rels", rels.as_bytes());
    zip.add("xl/styles.xml", styles().as_bytes());
    for (i, sheet) in sheets.iter().enumerate() {
        zip.add(&format!("xl/worksheets/sheet{}.xml", i + 1), worksheet(sheet).as_bytes());
    }
    zip.finish()
}

/// A tab name Excel accepts: at most 31 characters, none of `[]:*?/\`.
fn sheet_name(title: &str) -> String {
    title.chars().filter(|c| !"[]:*?/\\".contains(*c)).take(31).collect()
}

/// Width of each column, in characters: its longest text (a wrapped header counts for at most
/// 20), 14 for a number, between 8 and 60; the one column of a text, 110.
fn widths(sheet: &Sheet) -> Vec<usize> {
    if sheet.layout == Layout::Text {
        return vec![110];
    }
    let count = sheet.rows.iter().map(Vec::len).chain([sheet.columns.len()]).max().unwrap_or(0);
    (0..count)
        .map(|i| {
            let header = sheet.columns.get(i).map_or(0, |name| (name.chars().count() + 2).min(20));
            let cells = sheet.rows.iter().filter_map(|r| r.get(i)).map(|c| match c {
                Cell::Text(t) => t.chars().count() + 1,
                Cell::Empty => 0,
                Cell::Amount(_) | Cell::Number(_) | Cell::Date(_) => 14,
            });
            cells.chain([header]).max().unwrap_or(0).clamp(8, 60)
        })
        .collect()
}

fn worksheet(sheet: &Sheet) -> String {
    let mut xml = format!(r#"{XML_HEADER}<worksheet xmlns="{MAIN_NS}"><sheetViews><sheetView workbookViewId="0">"#);
    if let Layout::Table { frozen_columns, .. } = sheet.layout {
        let _ = match frozen_columns {
            0 => write!(xml, r#"<pane ySplit="1" topLeftCell="A2" activePane="bottomLeft" state="frozen"/>"#),
            n => write!(
                xml,
                r#"<pane xSplit="{n}" ySplit="1" topLeftCell="{}2" activePane="bottomRight" state="frozen"/>"#,
                column_letters(usize::from(n))
            ),
        };
    }
    xml.push_str("</sheetView></sheetViews><cols>");
    for (i, width) in widths(sheet).iter().enumerate() {
        let _ = write!(xml, r#"<col min="{n}" max="{n}" width="{width}" customWidth="1"/>"#, n = i + 1);
    }
    xml.push_str("</cols><sheetData>");
    let header: Vec<Cell> = sheet.columns.iter().map(|c| Cell::Text(c.clone())).collect();
    let header = (!header.is_empty()).then_some(&header);
    let last = sheet.rows.len();
    for (r, row) in header.into_iter().chain(&sheet.rows).enumerate() {
        let is_header = header.is_some() && r == 0;
        let is_total = matches!(sheet.layout, Layout::Table { total: true, .. }) && r + usize::from(header.is_none()) == last;
        let r = r + 1;
        let _ = write!(xml, r#"<row r="{r}">"#);
        for (c, cell) in row.iter().enumerate() {
            let bold = is_header || is_total || (sheet.layout == Layout::Pairs && c == 0);
            let s = if is_header || sheet.layout == Layout::Text { wrapped(bold) } else { style(bold, format_of(cell)) };
            let s = if s == 0 { String::new() } else { format!(r#" s="{s}""#) };
            let at = format!("{}{r}", column_letters(c));
            let _ = match cell {
                Cell::Text(t) => {
                    write!(xml, r#"<c r="{at}" t="inlineStr"{s}><is><t xml:space="preserve">{}</t></is></c>"#, escape(t))
                }
                Cell::Amount(a) => write!(xml, r#"<c r="{at}"{s}><v>{a}</v></c>"#),
                Cell::Number(n) => write!(xml, r#"<c r="{at}"{s}><v>{n}</v></c>"#),
                // Its serial from 1900-03-01 on; before, its text.
                Cell::Date(d) => match d.excel_serial() {
                    Some(days) => write!(xml, r#"<c r="{at}"{s}><v>{days}</v></c>"#),
                    None => write!(xml, r#"<c r="{at}" t="inlineStr"{s}><is><t>{}</t></is></c>"#, d.french()),
                },
                Cell::Empty => Ok(()),
            };
        }
        xml.push_str("</row>");
    }
    xml.push_str("</sheetData></worksheet>");
    xml
}

/// `A`, `B`, … `Z`, `AA`… for a 0-based column.
fn column_letters(mut index: usize) -> String {
    let mut letters = Vec::new();
    loop {
        letters.push(b'A' + (index % 26) as u8);
        if index < 26 {
            break;
        }
        index = index / 26 - 1;
    }
    letters.reverse();
    String::from_utf8(letters).unwrap_or_default()
}

/// Text as XML character data: markup escaped, characters XML 1.0 forbids dropped.
fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\t' | '\n' | '\r' => out.push(c),
            c if c < ' ' || c == '\u{fffe}' || c == '\u{ffff}' => {}
            c => out.push(c),
        }
    }
    out
}

/// A ZIP archive of stored (uncompressed) entries with a fixed date: deterministic bytes.
#[derive(Default)]
struct Zip {
    out: Vec<u8>,
    central: Vec<u8>,
    entries: u16,
}

/// 1980-01-01 00:00, the earliest MS-DOS date.
const DOS_TIME: u16 = 0;
const DOS_DATE: u16 = (1 << 5) | 1;

impl Zip {
    fn add(&mut self, name: &str, data: &[u8]) {
        let offset = self.out.len() as u32;
        let crc = crc32(data);
        let size = data.len() as u32;
        let name = name.as_bytes();
        let mut local = Vec::with_capacity(30 + name.len());
        local.extend_from_slice(&0x0403_4b50u32.to_le_bytes());
        local.extend_from_slice(&20u16.to_le_bytes()); // version needed: 2.0
        local.extend_from_slice(&0x0800u16.to_le_bytes()); // UTF-8 names
        local.extend_from_slice(&0u16.to_le_bytes()); // stored
        local.extend_from_slice(&DOS_TIME.to_le_bytes());
        local.extend_from_slice(&DOS_DATE.to_le_bytes());
        local.extend_from_slice(&crc.to_le_bytes());
        local.extend_from_slice(&size.to_le_bytes());
        local.extend_from_slice(&size.to_le_bytes());
        local.extend_from_slice(&(name.len() as u16).to_le_bytes());
        local.extend_from_slice(&0u16.to_le_bytes());
        local.extend_from_slice(name);
        self.out.extend_from_slice(&local);
        self.out.extend_from_slice(data);

        let c = &mut self.central;
        c.extend_from_slice(&0x0201_4b50u32.to_le_bytes());
        c.extend_from_slice(&20u16.to_le_bytes()); // made by
        c.extend_from_slice(&local[4..30]); // same fields as the local header
        c.extend_from_slice(&0u16.to_le_bytes()); // comment length
        c.extend_from_slice(&0u16.to_le_bytes()); // disk
        c.extend_from_slice(&0u16.to_le_bytes()); // internal attributes
        c.extend_from_slice(&0u32.to_le_bytes()); // external attributes
        c.extend_from_slice(&offset.to_le_bytes());
        c.extend_from_slice(name);
        self.entries += 1;
    }

    fn finish(mut self) -> Vec<u8> {
        let start = self.out.len() as u32;
        let size = self.central.len() as u32;
        self.out.extend_from_slice(&self.central);
        self.out.extend_from_slice(&0x0605_4b50u32.to_le_bytes());
        self.out.extend_from_slice(&[0, 0, 0, 0]); // disks
        self.out.extend_from_slice(&self.entries.to_le_bytes());
        self.out.extend_from_slice(&self.entries.to_le_bytes());
        self.out.extend_from_slice(&size.to_le_bytes());
        self.out.extend_from_slice(&start.to_le_bytes());
        self.out.extend_from_slice(&0u16.to_le_bytes());
        self.out
    }
}

/// CRC-32 (IEEE 802.3, reflected), bit by bit: the workbook is small.
fn crc32(data: &[u8]) -> u32 {
    let mut crc = !0u32;
    for &byte in data {
        crc ^= u32::from(byte);
        for _ in 0..8 {
            crc = if crc & 1 == 1 { (crc >> 1) ^ 0xEDB8_8320 } else { crc >> 1 };
        }
    }
    !crc
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::money::Amount;

    #[test]
    fn crc_and_column_names() {
        assert_eq!(crc32(b"123456789"), 0xCBF4_3926);
        assert_eq!(column_letters(0), "A");
        assert_eq!(column_letters(25), "Z");
        assert_eq!(column_letters(26), "AA");
        assert_eq!(column_letters(27 * 26), "AAA");
        assert_eq!(sheet_name("Répartition: a/b [c]"), "Répartition ab c");
    }

    #[test]
    fn a_workbook_is_a_zip_of_exact_cells() {
        let sheet = Sheet {
            id: "t",
            title: "Activités",
            columns: vec!["code".into(), "montant".into()],
            rows: vec![vec![Cell::Text("<A&B>".into()), Cell::Amount(Amount::from_cents(-123_456))]],
            layout: Layout::Table { frozen_columns: 0, total: false },
        };
        let bytes = workbook(std::slice::from_ref(&sheet));
        assert_eq!(&bytes[..4], b"PK\x03\x04");
        assert_eq!(&bytes[bytes.len() - 22..bytes.len() - 18], b"PK\x05\x06");
        let text = String::from_utf8_lossy(&bytes);
        assert!(text.contains(r#"<c r="B2" s="1"><v>-1234.56</v></c>"#), "{text}");
        assert!(text.contains("&lt;A&amp;B&gt;"));
        assert!(text.contains(r#"<sheet name="Activités" sheetId="1" r:id="rId1"/>"#));
        assert_eq!(workbook(std::slice::from_ref(&sheet)), bytes, "same sheets, same bytes");
    }

    #[test]
    fn dates_are_date_cells_that_read_back_as_the_same_dates() {
        use crate::date::Date;
        use crate::diagnostic::InputFile;
        // 2024-07-10: 45 292 (2024-01-01, as spreadsheets count) + 31 + 29 + 31 + 30 + 31 + 30 + 9.
        let date = Date::new(2024, 7, 10).unwrap();
        assert_eq!(date.excel_serial(), Some(45_483));
        assert_eq!(Date::from_excel_serial(45_483), Some(date));
        let mut sheet = Sheet::new("identite", "Identité", &[]);
        sheet.layout = Layout::Pairs;
        sheet.rows.push(vec![Cell::from("Date d'envoi du préprojet"), Cell::Date(date)]);
        let xml = worksheet(&sheet);
        assert!(xml.contains(&format!(r#"<c r="B1" s="{}"><v>45483</v></c>"#, style(false, DATE_FORMAT))), "{xml}");
        assert_eq!(NUMBER_FORMATS[DATE_FORMAT].1, "dd/mm/yyyy");
        // Read back by calamine, through the tool's own reader: a date cell, the same date.
        let (text, _) = crate::input::sheet::to_delimited(&workbook(&[sheet.clone()]), "XLSX", InputFile::Calcul, "Identité").unwrap();
        assert_eq!(String::from_utf8(text).unwrap(), "Date d'envoi du préprojet;2024-07-10\n");
        // In a CSV, its French notation.
        assert!(String::from_utf8(crate::export::csv(&sheet)).unwrap().contains("10/07/2024"));
        // 1900-03-01 is serial 61 in every spreadsheet; before it (a typo such as 0024 for 2024),
        // the date is written as its text, not as a day the spreadsheet would shift or refuse.
        assert_eq!(Date::new(1900, 3, 1).unwrap().excel_serial(), Some(61));
        assert_eq!(Date::new(1900, 2, 28).unwrap().excel_serial(), None);
        let mut typo = Sheet::new("identite", "Identité", &[]);
        typo.layout = Layout::Pairs;
        typo.rows.push(vec![Cell::from("Date d'envoi du préprojet"), Cell::Date(Date::new(24, 6, 15).unwrap())]);
        typo.rows.push(vec![Cell::from("Veille"), Cell::Date(Date::new(1900, 2, 28).unwrap())]);
        let xml = worksheet(&typo);
        assert!(xml.contains(r#"<c r="B1" t="inlineStr"><is><t>15/06/0024</t></is></c>"#), "{xml}");
        assert!(xml.contains(r#"<c r="B2" t="inlineStr"><is><t>28/02/1900</t></is></c>"#), "{xml}");
    }

    #[test]
    fn layouts_give_bold_labels_totals_and_a_format_per_scale() {
        use rust_decimal::Decimal;
        let mut table = Sheet::new("t", "Table", &["code", "part"]);
        table.layout = Layout::Table { frozen_columns: 1, total: true };
        table.rows.push(vec![Cell::from("A"), Cell::Number(Decimal::new(5, 4))]);
        table.rows.push(vec![Cell::from("Total"), Cell::Amount(Amount::from_cents(1))]);
        let xml = worksheet(&table);
        assert!(xml.contains(r#"<pane xSplit="1" ySplit="1" topLeftCell="B2" activePane="bottomRight" state="frozen"/>"#), "{xml}");
        assert!(xml.contains(&format!(r#"<c r="A1" t="inlineStr" s="{}">"#, wrapped(true))), "bold wrapped header: {xml}");
        assert!(xml.contains(r#"<c r="A2" t="inlineStr">"#), "plain text: {xml}");
        assert!(xml.contains(&format!(r#"<c r="B2" s="{}"><v>0.0005</v></c>"#, style(false, 6))), "four decimals: {xml}");
        assert_eq!(NUMBER_FORMATS[6].1, "#,##0.0000");
        assert!(xml.contains(&format!(r#"<c r="A3" t="inlineStr" s="{}">"#, style(true, 0))), "bold total label: {xml}");
        assert!(xml.contains(&format!(r#"<c r="B3" s="{}"><v>0.01</v></c>"#, style(true, 1))), "bold total amount: {xml}");

        let pairs = Sheet::pairs("p", "Paires", vec![("Exercice", Cell::from("2024")), ("Jours", Cell::count(-3))]);
        let xml = worksheet(&pairs);
        assert!(!xml.contains("<pane"), "no header to freeze: {xml}");
        assert!(xml.contains(&format!(r#"<c r="A1" t="inlineStr" s="{}">"#, style(true, 0))), "bold label on the first row: {xml}");
        assert!(xml.contains(&format!(r#"<c r="B2" s="{}"><v>-3</v></c>"#, style(false, 2))), "a whole number: {xml}");

        let text = Sheet::text("n", "Note", "# Titre\n\nligne");
        let xml = worksheet(&text);
        assert_eq!(xml.matches("<row ").count(), 3, "{xml}");
        assert!(xml.contains(r#"width="110""#) && xml.contains(&format!(r#"s="{}""#, wrapped(false))), "{xml}");
    }
}
