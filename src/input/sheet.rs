//! Workbooks (XLSX, XLS, ODS) read with calamine and turned into `;`-separated UTF-8 text, one
//! line per sheet row, so that every reader sees one shape and line numbers are the sheet's row
//! numbers.
//!
//! This file holds the crate's only floating-point value: a spreadsheet stores numbers as binary
//! doubles, and [`number_text`] turns one into the decimal text the user saw, once, here.

use std::io::Cursor;

use calamine::{Data, DataRef, Reader, Sheets, open_workbook_auto_from_rs};

use super::table::normalise_header;
use crate::date::Date;
use crate::diagnostic::{Code, Diagnostic, InputFile};

/// The kind of workbook the bytes start like, if any.
pub fn workbook_kind(bytes: &[u8]) -> Option<&'static str> {
    if bytes.starts_with(b"PK\x03\x04") {
        // XLSX and ODS are both ZIP archives; calamine tells them apart (and from other ZIPs).
        let head = &bytes[..bytes.len().min(200)];
        let ods = head.windows(34).any(|w| w == b"application/vnd.oasis.opendocument");
        Some(if ods { "ODS" } else { "XLSX" })
    } else if bytes.starts_with(&[0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1]) {
        Some("XLS")
    } else {
        None
    }
}

/// Largest total size, once decompressed, of the parts of an XLSX or ODS workbook: enough for a
/// sheet of a few million rows, small enough to bound memory.
pub const MAX_UNZIPPED_BYTES: u64 = 512 * 1024 * 1024;

/// The sheet named like the template (`grand-livre`, …) if there is one, else the first; as
/// delimited text, with the name of the sheet read.
pub fn to_delimited(bytes: &[u8], kind: &str, file: InputFile, template_sheet: &str) -> Result<(Vec<u8>, String), Diagnostic> {
    let unreadable = |why: String| unreadable(file, why);
    let mut workbook = open(bytes, kind, file)?;
    let Some(name) = sheet_for(&workbook.sheet_names(), template_sheet) else {
        return Err(unreadable(format!("classeur {kind} sans aucune feuille")));
    };
    let range = workbook.worksheet_range(&name).map_err(|e| unreadable(format!("classeur {kind} : feuille « {name} » illisible : {e}")))?;
    let mut out = Vec::new();
    let Some((first_row, _)) = range.start() else {
        return Ok((out, name));
    };
    // Keep the sheet's row numbers as line numbers: one empty line per row above the range.
    out.resize(first_row as usize, b'\n');
    for row in range.rows() {
        for (i, cell) in row.iter().enumerate() {
            if i > 0 {
                out.push(b';');
            }
            push_field(&mut out, &cell_text(cell));
        }
        out.push(b'\n');
    }
    Ok((out, name))
}

/// An `F001` about a workbook that cannot be read, and what to do.
fn unreadable(file: InputFile, why: String) -> Diagnostic {
    Diagnostic::new(Code::F001, file, why).hint("Ouvrez le fichier dans votre tableur et réenregistrez-le en XLSX ou en CSV.")
}

/// Opens a workbook of `kind`, refused before anything is decompressed when its parts would
/// exceed [`MAX_UNZIPPED_BYTES`].
fn open<'a>(bytes: &'a [u8], kind: &str, file: InputFile) -> Result<Sheets<Cursor<&'a [u8]>>, Diagnostic> {
    if bytes.starts_with(b"PK") {
        check_unzipped_size(bytes, kind, file)?;
    }
    open_workbook_auto_from_rs(Cursor::new(bytes)).map_err(|e| {
        let what = if kind == "XLS" { "classeur XLS".to_owned() } else { "archive ZIP qui n'est pas un classeur lisible".to_owned() };
        unreadable(file, format!("{what} (fichier tronqué ou d'un autre type ?) : {e}"))
    })
}

/// The sheet read for `template_sheet`: the one named like it (case, accents, spaces, `_` and `-`
/// aside) if there is one, else the first.
fn sheet_for(names: &[String], template_sheet: &str) -> Option<String> {
    let wanted = normalise_header(template_sheet);
    names.iter().find(|n| normalise_header(n) == wanted).or(names.first()).cloned()
}

/// A workbook opened for the first rows of its sheets, to recognise its role without reading
/// them whole: an XLSX sheet is read up to its first row with a cell.
pub struct Headers<'a> {
    workbook: Sheets<Cursor<&'a [u8]>>,
    names: Vec<String>,
}

impl<'a> Headers<'a> {
    /// `None` when the bytes are not a workbook that can be opened (or would decompress beyond
    /// [`MAX_UNZIPPED_BYTES`]).
    pub fn open(bytes: &'a [u8]) -> Option<Headers<'a>> {
        let workbook = open(bytes, workbook_kind(bytes)?, InputFile::Calcul).ok()?;
        let names = workbook.sheet_names();
        Some(Headers { workbook, names })
    }

    /// The sheet a reader of `template_sheet` reads (see [`to_delimited`]).
    pub fn sheet_for(&self, template_sheet: &str) -> Option<String> {
        sheet_for(&self.names, template_sheet)
    }

    /// The cells of the first row of sheet `name` that has a cell (an empty text is one: the
    /// reader, [`to_delimited`], takes that row for the header too), as text; `None` for an empty
    /// or unreadable sheet. An XLSX sheet is read in the order of its XML, which the format
    /// requires by ascending rows, up to the row after; columns beyond a spreadsheet's last
    /// (XFD, the 16 384th) are left out.
    pub fn first_row(&mut self, name: &str) -> Option<Vec<String>> {
        let row: Vec<String> = match &mut self.workbook {
            Sheets::Xlsx(xlsx) => {
                let mut cells = xlsx.worksheet_cells_reader(name).ok()?;
                let mut row: Vec<String> = Vec::new();
                let mut at = None;
                while let Some(cell) = cells.next_cell().ok()? {
                    if *cell.get_value() == DataRef::Empty {
                        continue;
                    }
                    let (r, c) = cell.get_position();
                    if at.is_some_and(|at| r != at) {
                        break;
                    }
                    at = Some(r);
                    let Some(c) = usize::try_from(c).ok().filter(|&c| c < MAX_COLUMNS) else { continue };
                    if row.len() <= c {
                        row.resize(c + 1, String::new());
                    }
                    row[c] = cell_text(&Data::from(cell.get_value().clone()));
                }
                row
            }
            workbook => {
                let range = workbook.worksheet_range(name).ok()?;
                let first = range.rows().find(|row| row.iter().any(|cell| *cell != Data::Empty))?;
                first.iter().map(cell_text).collect()
            }
        };
        (!row.is_empty()).then_some(row)
    }
}

/// Columns of a spreadsheet: A to XFD.
const MAX_COLUMNS: usize = 16_384;

/// Refuses a workbook whose parts would decompress beyond [`MAX_UNZIPPED_BYTES`], from the sizes
/// its ZIP directory declares (zip enforces them while inflating: a part cannot grow past its
/// declared size), before anything is decompressed.
fn check_unzipped_size(bytes: &[u8], kind: &str, file: InputFile) -> Result<(), Diagnostic> {
    let mut archive = match zip::ZipArchive::new(Cursor::new(bytes)) {
        Ok(archive) => archive,
        Err(_) => return Ok(()), // not a readable ZIP: calamine says so below, with the details
    };
    let mut total: u64 = 0;
    for i in 0..archive.len() {
        if let Ok(part) = archive.by_index_raw(i) {
            total = total.saturating_add(part.size());
        }
    }
    if total > MAX_UNZIPPED_BYTES {
        return Err(Diagnostic::new(
            Code::F001,
            file,
            format!(
                "classeur {kind} de {} Ko qui ferait {} Mo une fois décompressé : au-delà de la limite de {} Mo, il n'est pas ouvert",
                bytes.len() / 1024,
                total / (1024 * 1024),
                MAX_UNZIPPED_BYTES / (1024 * 1024)
            ),
        )
        .hint("Exportez les données en CSV, ou découpez le classeur (par semestre, par site)."));
    }
    Ok(())
}

fn push_field(out: &mut Vec<u8>, text: &str) {
    if text.bytes().any(|b| matches!(b, b';' | b'"' | b'\n' | b'\r')) {
        out.push(b'"');
        for b in text.bytes() {
            if b == b'"' {
                out.push(b'"');
            }
            out.push(b);
        }
        out.push(b'"');
    } else {
        out.extend_from_slice(text.as_bytes());
    }
}

/// A cell as the text the user saw: numbers in decimal, dates as `AAAA-MM-JJ`.
fn cell_text(cell: &Data) -> String {
    match cell {
        Data::Empty => String::new(),
        Data::String(s) | Data::DateTimeIso(s) | Data::DurationIso(s) => s.clone(),
        Data::Int(i) => i.to_string(),
        Data::Float(_) | Data::DateTime(_) => number_text(cell),
        Data::Bool(b) => if *b { "VRAI" } else { "FAUX" }.to_owned(),
        Data::Error(e) => e.to_string(),
    }
}

/// The text of a number cell or a date cell, the one place where the crate meets a float. A
/// number: the shortest text that reads back as the same double, cut to six decimals when longer
/// (binary noise such as `1234.5600000000002` of a sum computed in the sheet; spreadsheets keep
/// 15 significant digits). A date (its serial number of days since 1899-12-30, the time of day
/// dropped): `AAAA-MM-JJ`, or the cell's own text out of the calendar.
#[allow(clippy::disallowed_types, clippy::cast_possible_truncation)] // tidy: spreadsheet-number-cell (the only float of the crate)
fn number_text(cell: &Data) -> String {
    match cell {
        Data::Float(value) if !value.is_finite() => "#NOMBRE!".to_owned(),
        Data::Float(value) => {
            let shortest = value.to_string();
            match shortest.split_once('.') {
                Some((_, decimals)) if decimals.len() > 6 => {
                    let rounded = format!("{value:.6}");
                    rounded.trim_end_matches('0').trim_end_matches('.').to_owned()
                }
                _ => shortest,
            }
        }
        Data::DateTime(date) => {
            let serial = date.as_f64();
            let day = (0.0..3_000_000.0).contains(&serial).then(|| Date::from_excel_serial(serial.floor() as i64)).flatten();
            day.map_or_else(|| date.to_string(), |d| d.to_string())
        }
        _ => String::new(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn numbers_become_the_decimals_the_user_saw() {
        let number_text = |value| number_text(&Data::Float(value));
        assert_eq!(number_text(1234.56), "1234.56");
        assert_eq!(number_text(1234.5600000000002), "1234.56");
        assert_eq!(number_text(-0.30000000000000004), "-0.3");
        assert_eq!(number_text(45306.0), "45306");
        assert_eq!(number_text(0.125), "0.125");
        assert_eq!(number_text(1e15), "1000000000000000");
        assert_eq!(number_text(12.345), "12.345", "three decimals stay three: the amount reader refuses them");
    }

    #[test]
    fn date_cells_become_iso_dates() {
        let date = |value| calamine::ExcelDateTime::new(value, calamine::ExcelDateTimeType::DateTime, false);
        let serial_date_text = |value| number_text(&Data::DateTime(date(value)));
        assert_eq!(serial_date_text(45306.0), "2024-01-15");
        assert_eq!(serial_date_text(45306.75), "2024-01-15");
        // Out of the calendar: the cell's own text, not a date.
        assert_eq!(serial_date_text(-1.0), date(-1.0).to_string());
    }
}
