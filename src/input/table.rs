//! A table file with its columns recognised by role.
//!
//! The bytes are first decoded (`source`: encoding, separator, workbook sheet). Headers are
//! matched without regard to case, accents, spaces, `_`, `-`, `'` or `.` against each column's
//! canonical name and the aliases of the rulebook (`colonnes.tsv`), so that `Élément d'OTP`,
//! `EOTP` and `objet` are one column.

use std::borrow::Cow;

use super::records::{Record, Splitter, Work};
use super::source::{self, Recognised};
use crate::diagnostic::{Code, Diagnostic, InputFile};
use crate::rulebook::rulebook;

/// Largest file read (2 Gio): beyond, line numbers and sums would leave their bounds, and a
/// browser tab its memory.
pub const MAX_INPUT_BYTES: u64 = 2 * 1024 * 1024 * 1024;

/// One column a reader knows: its canonical name (as in the templates), other names known in
/// code (most live in the rulebook's `colonnes.tsv`), and an example value for the templates.
#[derive(Debug, Clone, Copy)]
pub struct ColumnDef {
    pub name: &'static str,
    pub aliases: &'static [&'static str],
    pub required: bool,
}

/// A file whose header has been read: where each role's column is.
pub struct Table<'a> {
    pub file: InputFile,
    /// What the bytes were recognised as (format, encoding, separator, sheet).
    pub recognised: Recognised,
    /// The decoded text, and where its rows start (after the header).
    text: Cow<'a, [u8]>,
    body: usize,
    splitter: Splitter,
    /// Findings of the decoding, given out with the first rows.
    pending: Vec<Diagnostic>,
    /// Column index of each role of the definitions, in their order.
    positions: Vec<Option<usize>>,
    /// The header's cells as written, for messages.
    pub header: Vec<String>,
    /// The header's line (blank lines may come before it).
    pub header_line: u32,
    /// Cells a row must have: up to the last required column.
    required_width: usize,
    /// Read in pieces: the bytes given so far (`text` then holds the start of a line cut by the
    /// end of the last piece).
    read: u64,
    /// The pieces given are the UTF-8 of a [`source::Decoder`]: valid by construction, not
    /// checked again.
    decoded: bool,
}

/// The column index of a role the file does not have: no record has a cell there.
pub const ABSENT: usize = usize::MAX / 2;

/// A record of the table with its 1-based line number.
pub struct Row<'t> {
    record: Record<'t>,
    positions: &'t [Option<usize>],
}

impl<'t> Row<'t> {
    /// The 1-based line where the record starts.
    pub fn line(&self) -> u32 {
        self.record.line
    }

    /// The trimmed text of a role's cell; empty when the column is absent or the cell empty.
    pub fn get(&self, role: usize) -> &'t str {
        self.raw(role).map_or("", |b| std::str::from_utf8(b).unwrap_or("").trim())
    }

    /// The bytes of a role's cell, trimmed of spaces (no-break spaces included, as `get`).
    #[inline(always)]
    pub fn raw(&self, role: usize) -> Option<&'t [u8]> {
        let i = self.positions.get(role).copied().flatten()?;
        self.record.cell(i).map(trim)
    }

    /// The trimmed bytes of the cell at a column index ([`Table::column`]); empty when the
    /// record has no such cell.
    #[inline(always)]
    pub fn cell_at(&self, index: usize) -> &'t [u8] {
        self.record.cell(index).map_or(&[], trim)
    }

    /// Number of cells of the record.
    pub fn len(&self) -> usize {
        self.record.len()
    }

    pub fn is_empty(&self) -> bool {
        self.record.is_empty()
    }

    pub fn has(&self, role: usize) -> bool {
        self.positions.get(role).copied().flatten().is_some()
    }

    /// A cell by its column index in the file, trimmed.
    pub fn cell(&self, index: usize) -> Option<&'t [u8]> {
        self.record.cell(index).map(trim)
    }

    /// A cell by its column index, as text (empty when absent).
    pub fn cell_text(&self, index: usize) -> std::borrow::Cow<'t, str> {
        String::from_utf8_lossy(self.cell(index).unwrap_or_default())
    }
}

/// A cell trimmed of white space at both ends, no-break spaces included (exports pad codes with
/// them), so that « OA » and « OA\u{a0} » are the same object in every file. ASCII fast path.
#[inline(always)]
pub fn trim(cell: &[u8]) -> &[u8] {
    match (cell.first(), cell.last()) {
        // Nearly every cell: it starts and ends with printable ASCII, nothing to trim.
        (Some(&a), Some(&b)) if a > b' ' && b > b' ' && a < 0x80 && b < 0x80 => cell,
        (None, _) => cell,
        _ => trim_slow(cell),
    }
}

#[cold]
#[inline(never)]
fn trim_slow(cell: &[u8]) -> &[u8] {
    let cell = cell.trim_ascii();
    match (cell.first(), cell.last()) {
        (Some(a), Some(b)) if *a < 0x80 && *b < 0x80 => cell,
        (None, _) | (_, None) => cell,
        _ => match std::str::from_utf8(cell) {
            Ok(text) => text.trim().as_bytes(),
            Err(_) => cell,
        },
    }
}

/// Every normalised header name under which a column is recognised in a file: its canonical
/// name, the aliases of its definition and those of the rulebook.
pub fn recognised_names(file: &str, def: &ColumnDef) -> Vec<String> {
    std::iter::once(def.name)
        .chain(def.aliases.iter().copied())
        .chain(rulebook().column_aliases(file, def.name))
        .map(normalise_header)
        .collect()
}

pub use crate::names::normalise as normalise_header;

impl<'a> Table<'a> {
    /// Decodes `bytes`, reads the header and finds every role of `defs`. A required role
    /// missing is `F002` (listing the columns found); a file that is not a table, or has no
    /// header, is `F001` (saying what was recognised).
    pub fn open(bytes: &'a [u8], file: InputFile, defs: &[ColumnDef]) -> Result<Table<'a>, Diagnostic> {
        let table = Table::open_lenient(bytes, file, defs)?;
        let missing = table.missing(defs);
        if missing.is_empty() { Ok(table) } else { Err(table.missing_columns(&missing, defs)) }
    }

    /// The required columns of `defs` the header does not have.
    pub fn missing(&self, defs: &[ColumnDef]) -> Vec<&'static str> {
        defs.iter().zip(&self.positions).filter(|(d, p)| d.required && p.is_none()).map(|(d, _)| d.name).collect()
    }

    /// `F002` for required columns missing: what was found, what is required and optional.
    pub fn missing_columns(&self, missing: &[&str], defs: &[ColumnDef]) -> Diagnostic {
        let required: Vec<&str> = defs.iter().filter(|d| d.required).map(|d| d.name).collect();
        let optional: Vec<&str> = defs.iter().filter(|d| !d.required).map(|d| d.name).collect();
        let n = missing.len();
        Diagnostic::new(
            Code::F002,
            self.file,
            format!(
                "colonne{} obligatoire{} absente{} : {} ; colonnes trouvées ({}) : {} ; colonnes obligatoires : {} (facultatives : {})",
                plural(n),
                plural(n),
                plural(n),
                missing.join(", "),
                self.recognised.describe(),
                if self.header.iter().all(String::is_empty) { "(aucune)".to_owned() } else { self.header.join(", ") },
                required.join(", "),
                optional.join(", "),
            ),
        )
        .at_line(self.header_line)
        .hint("Renommez la colonne dans l'en-tête (les noms reconnus sont dans la documentation) ou partez du modèle.")
    }

    /// Like [`Table::open`], but a table that lacks required columns is still returned: the
    /// caller checks [`Table::missing`] itself (the ledger, to explain a FEC without objects).
    pub fn open_lenient(bytes: &'a [u8], file: InputFile, defs: &[ColumnDef]) -> Result<Table<'a>, Diagnostic> {
        if bytes.len() as u64 > MAX_INPUT_BYTES {
            return Err(too_large(bytes.len() as u64, file));
        }
        let decoded = source::decode(bytes, file, file.label())?;
        let recognised = decoded.recognised;
        if decoded.text.iter().all(u8::is_ascii_whitespace) {
            let what = if recognised.sheet.is_some() { format!(" ({})", recognised.describe()) } else { String::new() };
            return Err(Diagnostic::new(Code::F001, file, format!("le fichier est vide{what}"))
                .hint("Déposez l'export complet, avec sa ligne d'en-tête (voir les modèles)."));
        }
        let mut splitter = Splitter::new(recognised.separator);
        let (header_record, body) = splitter.header(&decoded.text, true);
        let Some((header_cells, header_line)) = header_record else {
            return Err(Diagnostic::new(Code::F001, file, "aucune ligne d'en-tête").at_line(1));
        };
        Ok(Table::with_header(file, recognised, decoded.text, body, splitter, decoded.findings, &header_cells, header_line, defs))
    }

    /// The table once its header is read: each role's column found, duplicates said (`F010`).
    #[allow(clippy::too_many_arguments)]
    fn with_header(
        file: InputFile,
        recognised: Recognised,
        text: Cow<'a, [u8]>,
        body: usize,
        splitter: Splitter,
        mut pending: Vec<Diagnostic>,
        header_cells: &[Vec<u8>],
        header_line: u32,
        defs: &[ColumnDef],
    ) -> Table<'a> {
        let header: Vec<String> = header_cells.iter().map(|c| String::from_utf8_lossy(c).trim().to_owned()).collect();
        let normalised: Vec<String> = header.iter().map(|h| normalise_header(h)).collect();
        let positions: Vec<Option<usize>> = defs
            .iter()
            .map(|d| {
                let names = recognised_names(file.label(), d);
                let found: Vec<usize> = (0..normalised.len()).filter(|&i| names.contains(&normalised[i])).collect();
                if found.len() > 1 {
                    let cells: Vec<&str> = found.iter().map(|&i| header[i].as_str()).collect();
                    pending.push(
                        Diagnostic::new(
                            Code::F010,
                            file,
                            format!(
                                "plusieurs colonnes pour « {} » : {} ; seule la première (« {} ») est lue",
                                d.name,
                                cells.join(", "),
                                cells[0]
                            ),
                        )
                        .at_line(header_line)
                        .hint("Supprimez ou renommez les colonnes en double."),
                    );
                }
                found.first().copied()
            })
            .collect();
        let required_width =
            defs.iter().zip(&positions).filter(|(d, _)| d.required).filter_map(|(_, p)| p.map(|i| i + 1)).max().unwrap_or(1);
        Table { file, recognised, text, body, splitter, pending, positions, header, header_line, required_width, read: 0, decoded: false }
    }

    /// Whether the file has a column for a role.
    pub fn has(&self, role: usize) -> bool {
        self.positions.get(role).copied().flatten().is_some()
    }

    /// The column index of a role, for [`Row::cell_at`]; [`ABSENT`] when the file has none.
    pub fn column(&self, role: usize) -> usize {
        self.positions.get(role).copied().flatten().unwrap_or(ABSENT)
    }

    /// Calls `f` on every data row. Rows with more cells than the header (unless the extra cells
    /// are empty) or fewer are `F004` and skipped, as are cells over several lines.
    pub fn for_each_row(&mut self, diagnostics: &mut Vec<Diagnostic>, mut f: impl FnMut(Row<'_>, &mut Vec<Diagnostic>)) {
        diagnostics.append(&mut self.pending);
        let shape = Shape::of(self);
        // In pieces of about 1 Mio that end after a line end, each read by its own call (the
        // same rows as in one piece): a WebAssembly engine optimises a function for its next
        // calls, never during the call it is in, so the reading of a large file is optimised
        // after its first piece.
        let text = &self.text[self.body..];
        let mut start = 0;
        while start < text.len() {
            let end = match text.get(start + PIECE..) {
                Some(rest) => memchr::memchr(b'\n', rest).map_or(text.len(), |i| start + PIECE + i + 1),
                None => text.len(),
            };
            rows_of_piece(&mut self.splitter, &text[start..end], end == text.len(), shape, &self.positions, diagnostics, &mut f);
            start = end;
        }
        if text.is_empty() {
            rows_of_piece(&mut self.splitter, text, true, shape, &self.positions, diagnostics, &mut f);
        }
    }

    /// What the splitter did, for the tests that count work.
    pub fn work(&self) -> Work {
        self.splitter.work
    }

    /// Line ends read so far (the header's included).
    pub fn newlines(&self) -> u32 {
        self.splitter.newlines()
    }

    /// Whether what was given ends exactly after a record: no line cut by the end of the last
    /// piece, no quoted cell left open.
    pub fn at_record_start(&self) -> bool {
        self.text.is_empty() && !self.splitter.is_pending()
    }

    /// Gives out the findings of the header and of the decoding if no row has yet: the first
    /// part of a file read in parts may hold no row.
    pub fn give_header_findings(&mut self, diagnostics: &mut Vec<Diagnostic>) {
        diagnostics.append(&mut self.pending);
    }

    /// Forgets the findings of the header and of the decoding, not yet given out: a reader of
    /// a later part of the file opens the same header, whose findings the first part gives.
    pub fn forget_header_findings(&mut self) {
        self.pending.clear();
    }
}

/// The bytes at the start of a file where a binary file shows itself (`source::decode`).
const BINARY_HEAD: u64 = 64 * 1024;

impl Table<'static> {
    /// Opens a table whose file is read in pieces, from its first bytes `head` (all of them
    /// when `at_end`). `Ok(None)` when the file must be read whole instead, with
    /// [`Table::open_lenient`]: a workbook, UTF-16, a file that is not UTF-8 or looks binary,
    /// or a header not complete in `head`. Otherwise the table and the bytes of `head` used (the
    /// rest is the first piece to [`Table::feed`]). Same header, same findings as whole.
    pub fn open_head(head: &[u8], at_end: bool, file: InputFile, defs: &[ColumnDef]) -> Option<(Table<'static>, usize)> {
        if source::whole_only(head) {
            return None;
        }
        let start = if head.starts_with(b"\xEF\xBB\xBF") { 3 } else { 0 };
        let text = &head[start..];
        // The header line (the first that is not blank) must be whole, and valid UTF-8.
        let first = text.iter().position(|b| !b.is_ascii_whitespace())?;
        let complete = if at_end { text.len() } else { first + memchr::memchr(b'\n', &text[first..])? + 1 };
        simdutf8::basic::from_utf8(&text[..complete]).ok()?;
        let recognised = Recognised { format: "CSV".into(), encoding: "UTF-8", separator: source::detect_separator(text), sheet: None };
        let mut splitter = Splitter::new(recognised.separator);
        let (header_record, used) = splitter.header(&text[..complete], at_end);
        let (header_cells, header_line) = header_record?;
        let table = Table::with_header(file, recognised, Cow::Owned(Vec::new()), 0, splitter, Vec::new(), &header_cells, header_line, defs);
        Some((Table { read: (start + used) as u64, ..table }, start + used))
    }

    /// A table opened by [`Table::open_head`] on the text of a file decoded piece by piece
    /// ([`source::Decoder`]): recognised in its encoding, with the finding of its conversion
    /// first, as when it is read whole.
    pub fn decoded(&mut self, single: &source::SingleByte) {
        self.recognised.encoding = single.name();
        self.pending.insert(0, single.finding(self.file));
        // NUL bytes are looked for in the file's own first 64 Kio by its scan
        // (`source::FileScan`), not here in its decoded text, whose offsets differ.
        self.read = self.read.max(BINARY_HEAD);
        self.decoded = true;
    }

    /// Reads the rows of the next piece of the file, as [`Table::for_each_row`] does. `false`
    /// when the piece shows that the file must be read whole after all (not UTF-8, or binary):
    /// nothing of this piece was read then.
    pub fn feed(&mut self, piece: &[u8], diagnostics: &mut Vec<Diagnostic>, mut f: impl FnMut(Row<'_>, &mut Vec<Diagnostic>)) -> bool {
        if self.read < BINARY_HEAD {
            let head = &piece[..piece.len().min((BINARY_HEAD - self.read) as usize)];
            if memchr::memchr(0, head).is_some() {
                return false;
            }
        }
        self.read += piece.len() as u64;
        // Whole lines only: the start of a line cut by the end of the piece waits in `text`.
        let Some(last) = memchr::memrchr(b'\n', piece) else {
            self.text.to_mut().extend_from_slice(piece);
            return true;
        };
        let mut from = 0;
        if !self.text.is_empty() {
            let first = memchr::memchr(b'\n', piece).unwrap_or(last);
            let mut joined = std::mem::take(self.text.to_mut());
            joined.extend_from_slice(&piece[..=first]);
            if !self.rows_of(&joined, false, diagnostics, &mut f) {
                return false;
            }
            from = first + 1;
        }
        if from <= last && !self.rows_of(&piece[from..=last], false, diagnostics, &mut f) {
            return false;
        }
        self.text = Cow::Owned(piece[last + 1..].to_vec());
        true
    }

    /// Reads the rows left when the whole file has been given; `false` as for [`Table::feed`].
    pub fn finish(&mut self, diagnostics: &mut Vec<Diagnostic>, mut f: impl FnMut(Row<'_>, &mut Vec<Diagnostic>)) -> bool {
        let rest = std::mem::take(self.text.to_mut());
        self.rows_of(&rest, true, diagnostics, &mut f)
    }

    /// The rows of whole lines of UTF-8 text (`false`, and nothing read, when it is not UTF-8).
    fn rows_of(
        &mut self,
        text: &[u8],
        eof: bool,
        diagnostics: &mut Vec<Diagnostic>,
        f: &mut impl FnMut(Row<'_>, &mut Vec<Diagnostic>),
    ) -> bool {
        if !self.decoded && simdutf8::basic::from_utf8(text).is_err() {
            return false;
        }
        diagnostics.append(&mut self.pending);
        let shape = Shape::of(self);
        rows_of_piece(&mut self.splitter, text, eof, shape, &self.positions, diagnostics, f);
        true
    }
}

/// `F001` for a file over [`MAX_INPUT_BYTES`].
pub fn too_large(len: u64, file: InputFile) -> Diagnostic {
    Diagnostic::new(
        Code::F001,
        file,
        format!("fichier de {} Mo : au-delà de la limite de {} Mo, il n'est pas lu", len / (1024 * 1024), MAX_INPUT_BYTES / (1024 * 1024)),
    )
    .hint("Découpez l'export (par semestre, par site) ou filtrez les comptes hors périmètre avant l'export.")
}

/// The size of the pieces in which a text is read.
const PIECE: usize = 1 << 20;

/// The rows of one piece of text (see [`Table::for_each_row`]).
#[inline(never)]
fn rows_of_piece(
    splitter: &mut Splitter,
    piece: &[u8],
    eof: bool,
    shape: Shape,
    positions: &[Option<usize>],
    diagnostics: &mut Vec<Diagnostic>,
    f: &mut impl FnMut(Row<'_>, &mut Vec<Diagnostic>),
) {
    splitter.split(piece, eof, |record| {
        if shape.accepts(&record, diagnostics) {
            f(Row { record, positions }, diagnostics);
        }
    });
}

/// What a row must look like to be read.
#[derive(Clone, Copy)]
struct Shape {
    file: InputFile,
    separator: u8,
    /// Columns of the header: empty cells at its end (a trailing separator) are no columns.
    width: usize,
    /// A short row is read when it has every required column: its missing cells are empty.
    needed: usize,
}

impl Shape {
    fn of(table: &Table<'_>) -> Shape {
        Shape {
            file: table.file,
            separator: table.recognised.separator,
            width: table.header.iter().rposition(|h| !h.is_empty()).map_or(0, |i| i + 1),
            needed: table.required_width,
        }
    }

    /// Whether a record is a row to read: blank lines are skipped in silence, rows of the wrong
    /// width and cells over several lines with their `F004`.
    #[inline(always)]
    fn accepts(&self, record: &Record<'_>, diagnostics: &mut Vec<Diagnostic>) -> bool {
        let blank = |i: usize| record.cell(i).is_none_or(|c| c.trim_ascii().is_empty());
        // Nearly every row: its first cell starts with a byte that is not white space.
        let starts_filled = record.cell(0).and_then(<[u8]>::first).is_some_and(|&b| b > b' ');
        if !starts_filled && (0..record.len()).all(blank) {
            return false; // blank line, or only separators as spreadsheets leave them
        }
        if record.len() < self.needed || !(self.width..record.len()).all(blank) {
            diagnostics.push(
                Diagnostic::new(
                    Code::F004,
                    self.file,
                    format!("{} champs trouvés, {} attendus (comme l'en-tête) ; ligne écartée", record.len(), self.width),
                )
                .at_line(record.line)
                .hint(format!(
                    "Un séparateur ({}) en trop ou en moins, un texte le contenant sans guillemets, ou un fichier tronqué.",
                    source::separator_name(self.separator)
                )),
            );
            return false;
        }
        if record.multiline {
            // A cell over several lines: almost always a quote left open, which swallows
            // the lines after it. They are set aside and said, never summed in silence.
            let first = record.line;
            let cells = record.concatenated();
            let inside = cells.strip_suffix(b"\n").unwrap_or(&cells);
            let spanned = memchr::memchr_iter(b'\n', inside).count() as u32;
            diagnostics.push(
                Diagnostic::new(
                    Code::F004,
                    self.file,
                    format!(
                        "un guillemet ouvert ligne {first} n'est fermé que ligne {} : les lignes {first} à {} sont lues comme une seule ; écartées",
                        first + spanned,
                        first + spanned
                    ),
                )
                .at_line(first)
                .hint("Fermez le guillemet dans la cellule, ou retirez-le ; un texte ne peut pas tenir sur plusieurs lignes."),
            );
            return false;
        }
        true
    }
}

fn plural(n: usize) -> &'static str {
    if n > 1 { "s" } else { "" }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn headers_are_matched_without_case_accents_or_punctuation() {
        assert_eq!(normalise_header("Heures apprenants"), "heuresapprenants");
        assert_eq!(normalise_header("heures_apprenants"), "heuresapprenants");
        assert_eq!(normalise_header("Élément d'OTP"), "elementdotp");
        assert_eq!(normalise_header("PÉRIMÈTRE"), "perimetre");
    }

    #[test]
    fn line_numbers_are_right_with_crlf_blank_lines_and_quotes() {
        const DEFS: &[ColumnDef] = &[ColumnDef { name: "a", aliases: &[], required: true }];
        for text in [&b"a;b\r\n1;x\r\n\r\n2;\"y;z\"\r\n\r\n3;w"[..], b"a;b\n1;x\n\n2;\"y;z\"\n\n3;w\n"] {
            let mut table = Table::open(text, InputFile::Inducteurs, DEFS).unwrap();
            let mut lines = Vec::new();
            table.for_each_row(&mut Vec::new(), |row, _| lines.push((row.get(0).to_owned(), row.line())));
            assert_eq!(lines, [("1".to_owned(), 2), ("2".to_owned(), 4), ("3".to_owned(), 6)], "{:?}", String::from_utf8_lossy(text));
        }
    }

    #[test]
    fn trailing_separators_short_rows_and_open_quotes() {
        const DEFS: &[ColumnDef] = &[
            ColumnDef { name: "compte", aliases: &[], required: true },
            ColumnDef { name: "objet", aliases: &[], required: true },
            ColumnDef { name: "libelle", aliases: &[], required: false },
        ];
        let text = "compte;objet;libelle;\n641;OA\u{a0};x;\n641;OB\n641;OC;\"Achat\n642;OD;y\n643;OE;z\n";
        let mut table = Table::open(text.as_bytes(), InputFile::GrandLivre, DEFS).unwrap();
        let mut rows = Vec::new();
        let mut diags = Vec::new();
        table.for_each_row(&mut diags, |row, _| rows.push((String::from_utf8_lossy(row.raw(1).unwrap()).into_owned(), row.line())));
        assert_eq!(rows, [("OA".to_owned(), 2), ("OB".to_owned(), 3)]);
        assert_eq!(diags.len(), 1, "{diags:?}");
        assert_eq!((diags[0].code, diags[0].line), (Code::F004, Some(4)));
        assert!(diags[0].message.contains("lignes 4 à 6"), "{}", diags[0].message);
    }

    #[test]
    fn a_missing_column_lists_what_was_found() {
        const DEFS: &[ColumnDef] =
            &[ColumnDef { name: "objet", aliases: &[], required: true }, ColumnDef { name: "code", aliases: &[], required: true }];
        let err = Table::open(b"objet;libelle\nX;Y\n", InputFile::Correspondance, DEFS).err().unwrap();
        assert_eq!(err.code, Code::F002);
        assert!(err.message.contains("code"), "{}", err.message);
        assert!(err.message.contains("objet, libelle"), "{}", err.message);
        let err = Table::open(b"  \n", InputFile::Correspondance, DEFS).err().unwrap();
        assert_eq!(err.code, Code::F001);
    }
}
