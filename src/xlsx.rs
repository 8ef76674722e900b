//! A minimal XLSX (Office Open XML) workbook writer: sheets of text, exact numbers, a frozen bold
//! header and French number formats, in an uncompressed ZIP.
//!
//! Why not `rust_xlsxwriter`: its number cells are `f64` (floats are banned from this crate by
//! clippy.toml and the tidy test), it stamps the wall clock into the document properties, and it
//! would more than double the WebAssembly module. An XLSX number is decimal text in XML
//! (`<v>1234.56</v>`): writing the amount's own text is exact. Text cells are inline strings,
//! which a spreadsheet never evaluates as formulas. Same sheets, same bytes.

use std::fmt::Write as _;

use crate::export::{Cell, Sheet};

/// Style indices of `STYLES`' `cellXfs`.
const STYLE_AMOUNT: u8 = 1;
const STYLE_DECIMAL: u8 = 2;
const STYLE_HEADER: u8 = 3;

const STYLES: &str = concat!(
    r#"<?xml version="1.0" encoding="UTF-8" standalone="yes"?>"#,
    r#"<styleSheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">"#,
    r##"<numFmts count="2"><numFmt numFmtId="164" formatCode="#,##0.00\ &quot;€&quot;"/>"##,
    r##"<numFmt numFmtId="165" formatCode="#,##0.00####"/></numFmts>"##,
    r#"<fonts count="2"><font><sz val="11"/><name val="Calibri"/></font><font><b/><sz val="11"/><name val="Calibri"/></font></fonts>"#,
    r#"<fills count="2"><fill><patternFill patternType="none"/></fill><fill><patternFill patternType="gray125"/></fill></fills>"#,
    r#"<borders count="1"><border><left/><right/><top/><bottom/><diagonal/></border></borders>"#,
    r#"<cellStyleXfs count="1"><xf numFmtId="0" fontId="0" fillId="0" borderId="0"/></cellStyleXfs>"#,
    r#"<cellXfs count="4"><xf numFmtId="0" fontId="0" fillId="0" borderId="0" xfId="0"/>"#,
    r#"<xf numFmtId="164" fontId="0" fillId="0" borderId="0" xfId="0" applyNumberFormat="1"/>"#,
    r#"<xf numFmtId="165" fontId="0" fillId="0" borderId="0" xfId="0" applyNumberFormat="1"/>"#,
    r#"<xf numFmtId="0" fontId="1" fillId="0" borderId="0" xfId="0" applyFont="1"/></cellXfs>"#,
    r#"<cellStyles count="1"><cellStyle name="Normal" xfId="0" builtinId="0"/></cellStyles>"#,
    r#"</styleSheet>"#
);

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
        let _ = write!(
            rels,
            r#"<Relationship Id="rId{n}" Type="{REL_NS}/worksheet" Target="worksheets/sheet{n}.xml"/>"#
        );
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
    zip.add("xl/styles.xml", STYLES.as_bytes());
    for (i, sheet) in sheets.iter().enumerate() {
        zip.add(&format!("xl/worksheets/sheet{}.xml", i + 1), worksheet(sheet).as_bytes());
    }
    zip.finish()
}

/// A tab name Excel accepts: at most 31 characters, none of `[]:*?/\`.
fn sheet_name(title: &str) -> String {
    title.chars().filter(|c| !"[]:*?/\\".contains(*c)).take(31).collect()
}

/// A sheet with columns has a bold header row, frozen; a sheet without (label and value rows,
/// lines of text) starts with its first row.
fn worksheet(sheet: &Sheet) -> String {
    let has_header = !sheet.columns.is_empty();
    let mut xml = format!(r#"{XML_HEADER}<worksheet xmlns="{MAIN_NS}">"#);
    if has_header {
        xml.push_str(r#"<sheetViews><sheetView workbookViewId="0"><pane ySplit="1" topLeftCell="A2" activePane="bottomLeft" state="frozen"/></sheetView></sheetViews>"#);
    }
    let width = if has_header { sheet.columns.len() } else { sheet.rows.iter().map(Vec::len).max().unwrap_or(0) };
    if width > 0 {
        xml.push_str("<cols>");
    }
    for i in 0..width {
        let longest = sheet
            .rows
            .iter()
            .filter_map(|r| r.get(i))
            .map(|c| match c {
                Cell::Text(t) => t.chars().count(),
                _ => 14,
            })
            .chain(sheet.columns.get(i).map(|name| name.chars().count() + 2))
            .max()
            .unwrap_or(10);
        let _ = write!(xml, r#"<col min="{n}" max="{n}" width="{}" customWidth="1"/>"#, longest.clamp(8, 60), n = i + 1);
    }
    if width > 0 {
        xml.push_str("</cols>");
    }
    xml.push_str("<sheetData>");
    let header: Vec<Cell> = sheet.columns.iter().map(|c| Cell::Text(c.clone())).collect();
    let header = has_header.then_some(&header);
    for (r, row) in header.into_iter().chain(&sheet.rows).enumerate() {
        let r = r + 1;
        let _ = write!(xml, r#"<row r="{r}">"#);
        for (c, cell) in row.iter().enumerate() {
            let at = format!("{}{r}", column_letters(c));
            let header_style = if has_header && r == 1 { format!(r#" s="{STYLE_HEADER}""#) } else { String::new() };
            let _ = match cell {
                Cell::Text(t) => {
                    write!(xml, r#"<c r="{at}" t="inlineStr"{header_style}><is><t xml:space="preserve">{}</t></is></c>"#, escape(t))
                }
                Cell::Amount(a) => write!(xml, r#"<c r="{at}" s="{STYLE_AMOUNT}"><v>{a}</v></c>"#),
                Cell::Decimal(d) => write!(xml, r#"<c r="{at}" s="{STYLE_DECIMAL}"><v>{}</v></c>"#, escape(d)),
                Cell::Integer(n) => write!(xml, r#"<c r="{at}"><v>{n}</v></c>"#),
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
}
