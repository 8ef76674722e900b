//! What a file is, and its rows as UTF-8 text: the first stage of every reader.
//!
//! Chambers export from SAP, Excel and their accounting software: CSV in UTF-8 (with or
//! without BOM), Windows-1252 or ISO-8859-15, UTF-16 « texte Unicode » from Excel, separated by
//! `;` `,` TAB or `|`; or workbooks (XLSX, XLS, ODS). Everything becomes UTF-8 delimited text
//! here, once, so that the row readers see one shape. UTF-8 input is borrowed, never copied.

use std::borrow::Cow;
use std::sync::OnceLock;

use super::{bytes, sheet};
use crate::diagnostic::{Code, Diagnostic, InputFile};

/// How a file's bytes were understood, for messages and for the page.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Recognised {
    /// « CSV », « classeur XLSX », …
    pub format: String,
    pub encoding: &'static str,
    pub separator: u8,
    /// For a workbook, the sheet read.
    pub sheet: Option<String>,
}

impl Recognised {
    /// French description: « CSV Windows-1252, séparateur « ; » ».
    pub fn describe(&self) -> String {
        match &self.sheet {
            Some(sheet) => format!("{}, feuille « {sheet} »", self.format),
            None => format!("{} {}, séparateur {}", self.format, self.encoding, separator_name(self.separator)),
        }
    }
}

pub fn separator_name(separator: u8) -> &'static str {
    match separator {
        b';' => "« ; »",
        b',' => "« , »",
        b'\t' => "tabulation",
        b'|' => "« | »",
        _ => "inconnu",
    }
}

/// A file as UTF-8 delimited text.
pub struct Decoded<'a> {
    pub text: Cow<'a, [u8]>,
    pub recognised: Recognised,
    /// Findings about the encoding (non-UTF-8, mixed).
    pub findings: Vec<Diagnostic>,
}

/// Decodes a file. `Err` when it is not a table at all (binary, broken workbook), with what was
/// recognised in the message. `sheet_name` is the template's sheet name, preferred in workbooks.
pub fn decode<'a>(bytes: &'a [u8], file: InputFile, sheet_name: &str) -> Result<Decoded<'a>, Diagnostic> {
    if let Some(kind) = sheet::workbook_kind(bytes) {
        let (text, sheet) = sheet::to_delimited(bytes, kind, file, sheet_name)?;
        return Ok(Decoded {
            text: Cow::Owned(text),
            recognised: Recognised {
                format: format!("classeur {kind}"),
                encoding: "UTF-8",
                separator: b';',
                sheet: Some(sheet),
            },
            findings: Vec::new(),
        });
    }
    if let Some(rest) = bytes.strip_prefix(b"\xFF\xFE").or_else(|| bytes.strip_prefix(b"\xFE\xFF")) {
        let (encoding, name) = if bytes[0] == 0xFF {
            (encoding_rs::UTF_16LE, "UTF-16LE")
        } else {
            (encoding_rs::UTF_16BE, "UTF-16BE")
        };
        let (text, _) = encoding.decode_without_bom_handling(rest);
        let text = text.into_owned().into_bytes();
        let separator = detect_separator(&text);
        let finding = Diagnostic::new(Code::F008, file, format!("encodage {name} détecté (export « texte Unicode » d'Excel), converti"))
            .hint("Rien à faire ; pour un fichier plus léger, enregistrez en « CSV UTF-8 ».");
        return Ok(Decoded {
            recognised: Recognised { format: "texte".into(), encoding: name, separator, sheet: None },
            text: Cow::Owned(text),
            findings: vec![finding],
        });
    }
    if let Some(what) = binary_kind(bytes) {
        return Err(Diagnostic::new(Code::F001, file, format!("{what} : ce n'est ni un CSV ni un classeur XLSX, XLS ou ODS"))
            .hint("Déposez l'export en CSV, XLSX ou ODS (ou FEC pour le grand livre)."));
    }
    let bytes = bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(bytes);
    let mut findings = Vec::new();
    let (text, encoding): (Cow<'a, [u8]>, &'static str) = if simdutf8::basic::from_utf8(bytes).is_ok() {
        (Cow::Borrowed(bytes), "UTF-8")
    } else {
        decode_single_byte(bytes, file, &mut findings)
    };
    let separator = detect_separator(&text);
    Ok(Decoded { recognised: Recognised { format: "CSV".into(), encoding, separator, sheet: None }, text, findings })
}

/// Whether the first bytes of a file show that it can only be read whole: a workbook, UTF-16, a
/// binary file.
pub fn whole_only(head: &[u8]) -> bool {
    sheet::workbook_kind(head).is_some() || head.starts_with(b"\xFF\xFE") || head.starts_with(b"\xFE\xFF") || looks_binary(head)
}

/// Whether `decode` would refuse these first bytes of a file as binary.
pub fn looks_binary(head: &[u8]) -> bool {
    binary_kind(head).is_some()
}

/// Names binary files that are not tables: what the first bytes say, or NUL bytes.
fn binary_kind(bytes: &[u8]) -> Option<String> {
    let signatures: [(&[u8], &str); 6] = [
        (b"PK\x03\x04", "archive ZIP qui n'est pas un classeur"),
        (b"%PDF", "document PDF"),
        (b"\x1F\x8B", "archive gzip"),
        (b"\x89PNG", "image PNG"),
        (b"\xFF\xD8\xFF", "image JPEG"),
        (b"Rar!", "archive RAR"),
    ];
    if let Some((_, name)) = signatures.iter().find(|(magic, _)| bytes.starts_with(magic)) {
        return Some(format!("fichier reconnu comme {name}"));
    }
    let head = &bytes[..bytes.len().min(64 * 1024)];
    let nuls = head.iter().filter(|&&b| b == 0).count();
    (nuls > 0).then(|| format!("fichier binaire ({nuls} octets nuls dans les 64 premiers Kio)"))
}

/// Windows-1252 or ISO-8859-15, told apart by the bytes each one uses; or, when some lines are
/// valid UTF-8 and others are not, each line decoded on its own.
fn decode_single_byte<'a>(bytes: &'a [u8], file: InputFile, findings: &mut Vec<Diagnostic>) -> (Cow<'a, [u8]>, &'static str) {
    let mut scan = Scan::default();
    scan.text(bytes);
    let single = scan.decided();
    findings.push(single.finding(file));
    let mut decoder = Decoder::new(single, false);
    let mut text = decoder.piece(bytes);
    text.extend_from_slice(&decoder.end());
    (Cow::Owned(text), single.name())
}

/// How a text that is not UTF-8 is decoded, decided over the whole of it ([`Scan`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct SingleByte {
    encoding: &'static encoding_rs::Encoding,
    name: &'static str,
    /// The first non-ASCII line in UTF-8 and the first not in UTF-8, when there are both: each
    /// line is then decoded on its own.
    mixed: Option<(usize, usize)>,
}

/// The two decodings a scan decides ([`Scan::decision`]), Windows-1252 first (the likely one).
const SINGLE_BYTES: [(&encoding_rs::Encoding, &str); 2] =
    [(encoding_rs::WINDOWS_1252, "Windows-1252"), (encoding_rs::ISO_8859_15, "ISO-8859-15")];

impl SingleByte {
    /// Windows-1252 for every line: the decoding of nearly every export that is not in UTF-8,
    /// assumed while the file is scanned for its own.
    pub fn likely() -> SingleByte {
        SingleByte::of(SINGLE_BYTES[0])
    }

    /// The decoding of every line that [`SingleByte::name`] names (`None` for « mixte » or
    /// an unknown name): how a part read decoded says how it was decoded.
    pub fn named(name: &str) -> Option<SingleByte> {
        SINGLE_BYTES.into_iter().find(|&(_, n)| n == name).map(SingleByte::of)
    }

    fn of((encoding, name): (&'static encoding_rs::Encoding, &'static str)) -> SingleByte {
        SingleByte { encoding, name, mixed: None }
    }

    /// Whether each byte is decoded on its own (not line by line): a piece of the file can then
    /// be decoded wherever it starts.
    pub fn per_byte(&self) -> bool {
        self.mixed.is_none()
    }

    /// How many bytes of a file from its first (`raw`) decode into its first `decoded` bytes of
    /// text, a byte-order mark dropped (`per_byte` decoding); `None` when no byte ends there.
    pub fn raw_len(&self, raw: &[u8], decoded: usize) -> Option<usize> {
        let start = if raw.starts_with(BOM) { BOM.len() } else { 0 };
        let mut text = 0;
        for (i, &b) in raw.iter().enumerate().skip(start) {
            if text == decoded {
                return Some(i);
            }
            text += if b.is_ascii() { 1 } else { usize::from(self.table()[usize::from(b - 0x80)].1) };
        }
        (text == decoded).then_some(raw.len())
    }

    /// Appends the UTF-8 of `text` (every byte on its own, ASCII as it is) to `out`: the
    /// encoding's own decoding (`encoding_rs`), by a table of its 128 other bytes made from it,
    /// the runs of ASCII between them copied whole.
    fn decode_into(&self, text: &[u8], out: &mut Vec<u8>) {
        let table = self.table();
        let mut at = 0;
        while let Some(found) = bytes::first_non_ascii(&text[at..]) {
            let i = at + found;
            out.extend_from_slice(&text[at..i]);
            let (utf8, len) = &table[usize::from(text[i] - 0x80)];
            out.extend_from_slice(&utf8[..usize::from(*len)]);
            at = i + 1;
        }
        out.extend_from_slice(&text[at..]);
    }

    /// The UTF-8 of each byte 0x80–0xFF, as `encoding_rs` decodes it alone (three bytes at most:
    /// the characters of a single-byte encoding are in the Basic Multilingual Plane).
    fn table(&self) -> &'static [([u8; 3], u8); 128] {
        static WINDOWS_1252: OnceLock<[([u8; 3], u8); 128]> = OnceLock::new();
        static ISO_8859_15: OnceLock<[([u8; 3], u8); 128]> = OnceLock::new();
        let encoding = self.encoding;
        // The only two decodings a scan decides ([`Scan::decision`]).
        debug_assert!(encoding == encoding_rs::WINDOWS_1252 || encoding == encoding_rs::ISO_8859_15);
        let cell = if encoding == encoding_rs::WINDOWS_1252 { &WINDOWS_1252 } else { &ISO_8859_15 };
        cell.get_or_init(|| {
            std::array::from_fn(|i| {
                let byte = [0x80 + i as u8];
                let text = encoding.decode_without_bom_handling(&byte).0;
                let mut utf8 = [0u8; 3];
                utf8[..text.len()].copy_from_slice(text.as_bytes());
                (utf8, text.len() as u8)
            })
        })
    }

    /// The encoding as [`Recognised::encoding`] names it.
    pub fn name(&self) -> &'static str {
        if self.mixed.is_some() { "mixte" } else { self.name }
    }

    /// The finding of the conversion: `F008`, or `F009` for mixed encodings.
    pub fn finding(&self, file: InputFile) -> Diagnostic {
        match self.mixed {
            Some((u, o)) => Diagnostic::new(
                Code::F009,
                file,
                format!(
                    "encodages mêlés : la ligne {u} est en UTF-8, la ligne {o} en {} ; chaque ligne est lue dans son encodage",
                    self.name
                ),
            )
            .at_line(o as u32)
            .hint("Le fichier a été assemblé à partir de plusieurs exports : vérifiez les accents et réenregistrez-le en « CSV UTF-8 »."),
            None => Diagnostic::new(Code::F008, file, format!("encodage {} détecté (le fichier n'est pas en UTF-8), converti", self.name))
                .hint("Rien à faire si les accents s'affichent bien dans les diagnostics ; sinon, réenregistrez le fichier en « CSV UTF-8 »."),
        }
    }
}

/// What decides the decoding of a text that is not UTF-8, gathered as its bytes come (the whole
/// text at once, or piece by piece): which bytes it uses (Windows-1252 or ISO-8859-15), and its
/// first non-ASCII line valid in UTF-8 and first one that is not (mixed encodings).
#[derive(Default)]
pub struct Scan {
    /// Lines ended so far.
    lines: usize,
    /// The start of the line the last piece cut.
    cut: Vec<u8>,
    utf8_line: Option<usize>,
    other_line: Option<usize>,
    /// Bytes 0x80–0x9F, printable only in Windows-1252 (€ ’ œ …).
    c1: bool,
    /// Without them, the bytes where ISO-8859-15 differs from Latin-1 (€ Š š Ž ž Œ œ Ÿ, rare as
    /// ¤ ¦ ¨ ´ ¸ ¼ ½ ¾ in French text) point to ISO-8859-15; otherwise both agree on every byte
    /// used and Windows-1252 is named.
    iso: bool,
}

/// What a [`Scan`] of one part of a text found ([`Scan::flags`]).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct ScanFlags {
    pub c1: bool,
    pub iso: bool,
    /// A non-ASCII line valid in UTF-8.
    pub utf8: bool,
    /// A line that is not UTF-8.
    pub other: bool,
}

impl Scan {
    /// The next bytes of the text.
    pub fn text(&mut self, piece: &[u8]) {
        let first = bytes::first_non_ascii(piece);
        let ascii = first.is_none();
        let maybe = self.walk(piece, first);
        let mut rest = piece;
        if !self.cut.is_empty() {
            let Some(end) = memchr::memchr(b'\n', rest) else {
                self.cut.extend_from_slice(rest);
                return;
            };
            let mut line = std::mem::take(&mut self.cut);
            line.extend_from_slice(&rest[..end]);
            self.line(&line);
            line.clear();
            self.cut = line;
            rest = &rest[end + 1..];
        }
        let Some(last) = memchr::memrchr(b'\n', rest) else {
            self.cut.extend_from_slice(rest);
            return;
        };
        // The whole lines: only those with a byte that is not ASCII are looked at; once a line
        // that is not UTF-8 is met, only those that may be UTF-8.
        let whole = &rest[..=last];
        // Where the whole lines start in the piece.
        let offset = piece.len() - rest.len();
        let before = self.lines;
        let (mut at, mut ended) = (0, 0);
        while !ascii && !self.settled() {
            let next = if self.other_line.is_none() {
                bytes::first_non_ascii(&whole[at..])
            } else {
                match maybe {
                    // The walk's first such byte, when it is not before `at`: no need to look again.
                    Some(p) if p < offset + at => maybe_utf8(&whole[at..]),
                    Some(p) => (p - offset < whole.len()).then(|| p - offset - at),
                    None => None,
                }
            };
            let Some(found) = next else { break };
            let found = at + found;
            let start = memchr::memrchr(b'\n', &whole[at..found]).map_or(at, |i| at + i + 1);
            let end = found + memchr::memchr(b'\n', &whole[found..]).unwrap_or(whole.len() - 1 - found);
            ended += memchr::memchr_iter(b'\n', &whole[at..start]).count();
            self.lines = before + ended;
            self.line(&whole[start..end]);
            ended += 1;
            at = end + 1;
        }
        self.lines = before + ended + memchr::memchr_iter(b'\n', &whole[at..]).count();
        self.cut.extend_from_slice(&rest[last + 1..]);
    }

    /// One walk over the non-ASCII bytes of `piece`, from the first (`first`): notes the bytes
    /// that decide between the single-byte decodings, until one only Windows-1252 prints (0x80–
    /// 0x9F) decides, and gives the first byte that may start a UTF-8 character
    /// ([`maybe_utf8`]). A Windows-1252 text is so read once, not once for each.
    fn walk(&mut self, piece: &[u8], first: Option<usize>) -> Option<usize> {
        let mut maybe = None;
        let mut next = first;
        while let Some(i) = next {
            let b = piece[i];
            if !self.c1 {
                self.c1 = b & 0xE0 == 0x80;
                self.iso |= matches!(b, 0xA4 | 0xA6 | 0xA8 | 0xB4 | 0xB8 | 0xBC | 0xBD | 0xBE);
            }
            if maybe.is_none() && may_start_utf8(piece, i) {
                maybe = Some(i);
            }
            if self.c1 && maybe.is_some() {
                break;
            }
            next = bytes::first_non_ascii(&piece[i + 1..]).map(|found| i + 1 + found);
        }
        maybe
    }

    /// Both kinds of line met: nothing more to learn from lines.
    fn settled(&self) -> bool {
        self.utf8_line.is_some() && self.other_line.is_some()
    }

    /// A line whole, without its line feed.
    fn line(&mut self, line: &[u8]) {
        self.lines += 1;
        if self.settled() || bytes::is_ascii(line) {
            return;
        }
        if simdutf8::basic::from_utf8(line).is_ok() {
            self.utf8_line.get_or_insert(self.lines);
        } else {
            self.other_line.get_or_insert(self.lines);
        }
    }

    /// The last line, once the whole text has been given.
    fn close(&mut self) {
        let cut = std::mem::take(&mut self.cut);
        self.line(&cut);
    }

    /// The decoding, once the whole text has been given.
    pub fn decided(mut self) -> SingleByte {
        self.close();
        self.decision()
    }

    /// What this scan of a part of a text found, its last line closed: all that
    /// [`Scan::joined`] needs of it, small enough to travel from one of the page's workers to
    /// the other.
    pub fn flags(mut self) -> ScanFlags {
        self.close();
        ScanFlags { c1: self.c1, iso: self.iso, utf8: self.utf8_line.is_some(), other: self.other_line.is_some() }
    }

    /// The decoding of a text cut after line ends into parts, each scanned on its own
    /// ([`Scan::flags`]), when its bytes decode one by one: the decoding the whole text's scan
    /// decides; `None` when it mixes encodings (the lines then need the whole text's line
    /// numbers) or is UTF-8 after all.
    pub fn joined(parts: impl IntoIterator<Item = ScanFlags>) -> Option<SingleByte> {
        let mut whole = Scan::default();
        let (mut utf8, mut other) = (false, false);
        for part in parts {
            whole.c1 |= part.c1;
            whole.iso |= part.iso;
            utf8 |= part.utf8;
            other |= part.other;
        }
        (other && !utf8).then(|| whole.decision())
    }

    /// The decoding from what was gathered (the last line closed).
    fn decision(&self) -> SingleByte {
        // ISO-8859-15 when its own bytes are used and none that only Windows-1252 prints.
        let single = SingleByte::of(SINGLE_BYTES[usize::from(!self.c1 && self.iso)]);
        SingleByte { mixed: self.utf8_line.zip(self.other_line), ..single }
    }
}

/// The position of the first character of `bytes` that may be UTF-8 and not ASCII: a leading
/// byte (0xC2–0xF4) followed by a continuation byte (0x80–0xBF). A line that is valid UTF-8 and
/// not ASCII has one; in a Windows-1252 text, nearly none has (é, 0xE9, is followed by a
/// letter).
fn maybe_utf8(text: &[u8]) -> Option<usize> {
    let mut at = 0;
    while let Some(found) = bytes::first_non_ascii(&text[at..]) {
        let i = at + found;
        if may_start_utf8(text, i) {
            return Some(i);
        }
        at = i + 1;
    }
    None
}

/// Whether the byte at `i` is a leading byte of UTF-8 followed by a continuation byte.
#[inline(always)]
fn may_start_utf8(text: &[u8], i: usize) -> bool {
    matches!(text[i], 0xC2..=0xF4) && text.get(i + 1).is_some_and(|&b| b & 0xC0 == 0x80)
}

/// A CSV that is not UTF-8 after all, scanned piece by piece from its first byte for how to
/// decode it ([`Scan`], after a byte-order mark), and for the signs that it is no text at all
/// that [`decode`] looks for in its first 64 Kio.
#[derive(Default)]
pub struct FileScan {
    first: Vec<u8>,
    started: bool,
    scan: Scan,
}

/// The bytes where [`decode`] looks for signs of a binary file.
pub const BINARY_WINDOW: usize = 64 * 1024;

pub const BOM: &[u8] = b"\xEF\xBB\xBF";

impl FileScan {
    pub fn piece(&mut self, piece: &[u8]) {
        if self.started {
            self.scan.text(piece);
            return;
        }
        let take = (BINARY_WINDOW - self.first.len()).min(piece.len());
        self.first.extend_from_slice(&piece[..take]);
        if self.first.len() == BINARY_WINDOW {
            self.start();
            self.scan.text(&piece[take..]);
        }
    }

    fn start(&mut self) {
        self.started = true;
        let first = std::mem::take(&mut self.first);
        self.scan.text(first.strip_prefix(BOM).unwrap_or(&first));
        self.first = first;
    }

    /// Once every piece is given: the decoding of the file, or `None` when it must be read
    /// whole (a workbook, UTF-16, a binary file: the whole reading says so) or is UTF-8 after
    /// all.
    pub fn end(mut self) -> Option<SingleByte> {
        if !self.started {
            self.start();
        }
        self.scan.close();
        // A line that is not UTF-8, or the file is UTF-8 after all.
        self.scan.other_line?;
        (!whole_only(&self.first)).then(|| self.scan.decision())
    }
}

/// Decodes a text that is not UTF-8, piece by piece, as [`decode`] decodes it whole: UTF-8 out.
pub struct Decoder {
    single: SingleByte,
    /// The first bytes of a file, until it is known whether they are a byte-order mark (dropped,
    /// as [`decode`] drops it).
    start: Option<Vec<u8>>,
    /// Mixed encodings: the start of the line the last piece cut.
    cut: Vec<u8>,
}

impl Decoder {
    /// The decoder of a text (`bom`: of a file from its first byte, a byte-order mark dropped).
    pub fn new(single: SingleByte, bom: bool) -> Decoder {
        Decoder { single, start: bom.then(Vec::new), cut: Vec::new() }
    }

    pub fn single(&self) -> &SingleByte {
        &self.single
    }

    /// The text of the next piece: itself without a decoder, else decoded.
    pub fn optional<'a>(decoder: &mut Option<Decoder>, piece: &'a [u8]) -> Cow<'a, [u8]> {
        match decoder {
            Some(decoder) => Cow::Owned(decoder.piece(piece)),
            None => Cow::Borrowed(piece),
        }
    }

    /// The UTF-8 text of the next piece (for mixed encodings, up to its last line feed).
    pub fn piece(&mut self, piece: &[u8]) -> Vec<u8> {
        let Some(mut start) = self.start.take() else { return self.text(piece) };
        let take = (BOM.len() - start.len()).min(piece.len());
        start.extend_from_slice(&piece[..take]);
        if start.len() < BOM.len() {
            self.start = Some(start);
            return Vec::new();
        }
        let mut out = if start == BOM { Vec::new() } else { self.text(&start) };
        out.extend_from_slice(&self.text(&piece[take..]));
        out
    }

    fn text(&mut self, piece: &[u8]) -> Vec<u8> {
        let mut out = Vec::with_capacity(self.cut.len() + piece.len() + piece.len() / 8);
        if self.single.mixed.is_none() {
            self.single.decode_into(piece, &mut out);
            return out;
        }
        let Some(last) = memchr::memrchr(b'\n', piece) else {
            self.cut.extend_from_slice(piece);
            return out;
        };
        for (i, line) in piece[..last].split(|&b| b == b'\n').enumerate() {
            if i == 0 && !self.cut.is_empty() {
                let mut whole = std::mem::take(&mut self.cut);
                whole.extend_from_slice(line);
                self.line(&whole, &mut out);
            } else {
                self.line(line, &mut out);
            }
            out.push(b'\n');
        }
        self.cut.extend_from_slice(&piece[last + 1..]);
        out
    }

    /// The end of the text: the last line, for mixed encodings.
    pub fn end(&mut self) -> Vec<u8> {
        let mut out = match self.start.take() {
            Some(start) => self.text(&start),
            None => Vec::new(),
        };
        if self.single.mixed.is_some() {
            let cut = std::mem::take(&mut self.cut);
            self.line(&cut, &mut out);
        }
        out
    }

    fn line(&self, line: &[u8], out: &mut Vec<u8>) {
        match std::str::from_utf8(line) {
            Ok(_) => out.extend_from_slice(line),
            Err(_) => self.single.decode_into(line, out),
        }
    }
}

/// Whether bytes hold a sequence that is not UTF-8 (an incomplete one at their end does not
/// count: the next piece may complete it).
pub fn not_utf8(bytes: &[u8]) -> bool {
    matches!(simdutf8::compat::from_utf8(bytes), Err(e) if e.error_len().is_some())
}

/// The separator of the header line: the most frequent of `;` TAB `|` `,` outside quotes; ties
/// go in that order (`;` is the French default); `;` when there is none.
pub fn detect_separator(text: &[u8]) -> u8 {
    let header = text.split(|&b| b == b'\n').find(|l| !l.trim_ascii().is_empty()).unwrap_or_default();
    let mut counts = [0usize; 4];
    let candidates = [b';', b'\t', b'|', b','];
    let mut quoted = false;
    for &b in header {
        if b == b'"' {
            quoted = !quoted;
        } else if !quoted {
            if let Some(i) = candidates.iter().position(|&c| c == b) {
                counts[i] += 1;
            }
        }
    }
    let best = (0..4).max_by_key(|&i| (counts[i], std::cmp::Reverse(i))).unwrap_or(0);
    if counts[best] == 0 { b';' } else { candidates[best] }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn decoded(bytes: &[u8]) -> (String, Recognised, Vec<Code>) {
        let d = decode(bytes, InputFile::GrandLivre, "grand-livre").unwrap();
        (String::from_utf8(d.text.into_owned()).unwrap(), d.recognised, d.findings.iter().map(|f| f.code).collect())
    }

    #[test]
    fn encodings_are_detected_and_named() {
        let (text, r, codes) = decoded("compte;libellé\n".as_bytes());
        assert_eq!((text.as_str(), r.encoding, codes), ("compte;libellé\n", "UTF-8", vec![]));
        let (text, r, _) = decoded(b"\xEF\xBB\xBFcompte\n");
        assert_eq!((text.as_str(), r.encoding), ("compte\n", "UTF-8"));
        // « Frais de déplacement – 12 € » in Windows-1252 (0x96 en dash, 0x80 euro).
        let (text, r, codes) = decoded(b"libell\xe9\nd\xe9placement \x96 12 \x80\n");
        assert_eq!((text.as_str(), r.encoding, codes), ("libellé\ndéplacement – 12 €\n", "Windows-1252", vec![Code::F008]));
        // « cœur 12 € » in ISO-8859-15 (0xBD œ, 0xA4 euro).
        let (text, r, _) = decoded(b"c\xbdur 12 \xa4\n");
        assert_eq!((text.as_str(), r.encoding), ("cœur 12 €\n", "ISO-8859-15"));
        // One line in UTF-8, one in Windows-1252.
        let (text, r, codes) = decoded("a;é\n".as_bytes().iter().chain(b"b;\xe9\n").copied().collect::<Vec<_>>().as_slice());
        assert_eq!((text.as_str(), r.encoding, codes), ("a;é\nb;é\n", "mixte", vec![Code::F009]));
        // Excel's « texte Unicode »: UTF-16LE with BOM, TAB-separated.
        let utf16: Vec<u8> = [0xFF, 0xFE].into_iter().chain("compte\tobjet\n".encode_utf16().flat_map(u16::to_le_bytes)).collect();
        let (text, r, _) = decoded(&utf16);
        assert_eq!((text.as_str(), r.encoding, r.separator), ("compte\tobjet\n", "UTF-16LE", b'\t'));
    }

    /// The table decoding gives `encoding_rs`'s own decoding of whole texts, byte for byte.
    #[test]
    fn the_decoding_by_table_is_the_encodings_own() {
        let mut state: u64 = 0x9E37_79B9_7F4A_7C15;
        let mut text: Vec<u8> = (0..=255u8).collect();
        for _ in 0..5000 {
            state ^= state << 13;
            state ^= state >> 7;
            state ^= state << 17;
            // Mostly ASCII, as exports are, with runs of every length between the others.
            text.push(if state % 5 == 0 { (state >> 8) as u8 | 0x80 } else { b'a' + (state >> 8) as u8 % 26 });
        }
        for encoding in [encoding_rs::WINDOWS_1252, encoding_rs::ISO_8859_15] {
            let single = SingleByte { encoding, name: "", mixed: None };
            for cut in [0, 1, 7, 16, 17, 300, text.len()] {
                let mut out = Vec::new();
                single.decode_into(&text[..cut], &mut out);
                single.decode_into(&text[cut..], &mut out);
                assert_eq!(out, encoding.decode_without_bom_handling(&text).0.as_bytes(), "{} {cut}", encoding.name());
            }
        }
    }

    /// What the scan gathers, given the text in pieces of every size, is what a line-by-line
    /// reading finds: the first non-ASCII line valid in UTF-8, the first not valid, and the
    /// bytes that tell the two single-byte encodings apart.
    #[test]
    fn the_scan_finds_what_a_line_by_line_reading_finds() {
        let reference = |text: &[u8]| {
            let lines: Vec<&[u8]> = text.split(|&b| b == b'\n').collect();
            let first = |utf8: bool| {
                lines.iter().position(|l| !l.is_ascii() && std::str::from_utf8(l).is_ok() == utf8).map(|i| i + 1)
            };
            let c1 = text.iter().any(|&b| (0x80..0xA0).contains(&b));
            let iso = text.iter().any(|b| [0xA4, 0xA6, 0xA8, 0xB4, 0xB8, 0xBC, 0xBD, 0xBE].contains(b));
            (first(true), first(false), c1 || !iso)
        };
        let words: [&[u8]; 10] = [b"compte;", b"\n", "é".as_bytes(), b"\xe9", "€".as_bytes(), b"\x80", b"\xbd", b"\xc3", "n°".as_bytes(), b"\xa0"];
        let mut state: u64 = 0x2545_F491_4F6C_DD1D;
        for round in 0..3000 {
            let mut text = Vec::new();
            for _ in 0..(round % 60) {
                state ^= state << 13;
                state ^= state >> 7;
                state ^= state << 17;
                // ASCII mostly, so that the others fall anywhere in the blocks of sixteen.
                let w = (state % 26) as usize;
                text.extend_from_slice(if w < words.len() { words[w] } else { b"abcdefghijklmnopq".get(..w - 9).unwrap_or(b"") });
            }
            let piece = 1 + (state >> 40) as usize % 40;
            let mut scan = Scan::default();
            for chunk in text.chunks(piece) {
                scan.text(chunk);
            }
            scan.close();
            let (utf8, other, windows) = reference(&text);
            let got = scan.decision();
            assert_eq!((scan.utf8_line, scan.other_line, got.encoding == encoding_rs::WINDOWS_1252), (utf8, other, windows), "{text:?} {piece}");
        }
    }

    #[test]
    fn separators_are_detected_from_the_header() {
        assert_eq!(detect_separator(b"compte;objet;debit\n1,5;2;3\n"), b';');
        assert_eq!(detect_separator(b"compte,objet,debit\n"), b',');
        assert_eq!(detect_separator(b"JournalCode\tJournalLib\tEcritureNum\n"), b'\t');
        assert_eq!(detect_separator(b"JournalCode|JournalLib\n"), b'|');
        assert_eq!(detect_separator(b"\"a;b\",c,d\n"), b',');
        assert_eq!(detect_separator(b"\n\nobjet\n"), b';');
    }

    #[test]
    fn binary_files_are_refused_with_what_they_look_like() {
        let err = decode(b"%PDF-1.7 ...", InputFile::GrandLivre, "grand-livre").err().unwrap();
        assert_eq!(err.code, Code::F001);
        assert!(err.message.contains("PDF"), "{}", err.message);
        let err = decode(b"compte\0\0\x01\x02", InputFile::GrandLivre, "grand-livre").err().unwrap();
        assert!(err.message.contains("octets nuls"), "{}", err.message);
        let err = decode(b"PK\x03\x04not really a workbook", InputFile::GrandLivre, "grand-livre").err().unwrap();
        assert_eq!(err.code, Code::F001);
    }
}
