//! A large ledger read in parts, each by its own reader on its own core, then merged: by the
//! threads of the command line (one part per core, from the file) and by the page's two workers
//! (two parts, from the chunks the page reads; [`PartFeed`]).
//!
//! The file is cut after line ends. Each part is read in pieces by its own reader, exactly as
//! the whole file would be read from that line on; then the readers are merged in the order of
//! the parts: the names of a later part are interned after those of the earlier ones, its
//! postings summed into those of the same cells or added after them, its counts and findings
//! moved to their true lines. Interning and postings follow the first line where each name and
//! each posting is met, so the merge gives the same ids, postings, sums and findings as one
//! reader on the whole file (tests/it/lecture.rs compares them on every case, cut everywhere).
//! A later part reaches the merge as a [`Share`]: what its reader found, in its own ids and
//! lines, which the page's helper worker sends as bytes ([`Share::to_bytes`]).
//!
//! A file that is not UTF-8 is read again in parts decoded as Windows-1252, the decoding of
//! nearly every export that is not UTF-8, while each part scans its own bytes for the file's
//! decoding (`source::Scan`, as the whole reading decides it; the scans of the parts joined by
//! `Scan::joined`). The reading stands when they decide the decoding the parts used;
//! otherwise the command line reads ISO-8859-15 a third time in parts, decoded so, and the page
//! reads the file whole. Lines of mixed encodings go to one reader.
//!
//! When a cut falls inside a quoted cell spread over several lines (the part before it does
//! not end on a whole record), when a later part holds such a cell (its finding names lines
//! counted from the part's start), for mixed encodings, a binary file, a FEC (whose checks
//! follow the file's order) and past the most lines a ledger may have, the file is read again
//! by one reader: the same result, only slower.

use std::fs::File;
use std::io::{self, Read, Seek, SeekFrom};
use std::path::Path;

use rustc_hash::FxHashMap;

use super::share::{LINE_BOUND, Share};
use super::{CHUNK, COLUMNS, Interner, Ledger, LedgerRead, LedgerReader, LineCount, Period, Posting, Step, read_some};
use crate::diagnostic::{Diagnostic, InputFile};
use crate::input::source::{self, Decoder, Scan, ScanFlags, SingleByte};
use crate::input::table::{MAX_INPUT_BYTES, Table, too_large};
use crate::money::MAX_LEDGER_LINES;

/// Below this size, one reader: threads would cost more than they save.
pub const PARALLEL_FROM: u64 = 8 * CHUNK as u64;

/// The bytes searched after a cut for the line end that makes it.
const CUT_WINDOW: usize = 1 << 16;

impl Ledger {
    /// Reads a ledger file in `parts` parts, one thread each, when it has `from` bytes or more
    /// (the command line: one part per core from [`PARALLEL_FROM`] bytes; the tests cut small
    /// files); else, and whenever the parts cannot be read so, as [`Ledger::read_from`] does.
    /// The same ledger and findings either way.
    pub fn read_path_in_parts(path: &Path, period: Period, parts: usize, from: u64) -> io::Result<LedgerRead> {
        let (mut file, len) = open(path)?;
        if len > MAX_INPUT_BYTES {
            return Ok(Err(too_large(len, InputFile::GrandLivre)));
        }
        if parts < 2 || len < from {
            return Ledger::read_from(file, period);
        }
        match in_parts_decoded(&mut file, path, len, period, parts)? {
            Some(read) => Ok(read),
            None => Ledger::read_from(file, period),
        }
    }

    /// The ledger file read in `parts` parts, or `None` when it must be read by one reader (for
    /// the tests, which check that the parts are really read so).
    pub fn read_path_only_in_parts(path: &Path, period: Period, parts: usize) -> io::Result<Option<LedgerRead>> {
        let (mut file, len) = open(path)?;
        in_parts_decoded(&mut file, path, len, period, parts)
    }
}

/// Why a ledger is not read in parts as they were read.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Fallback {
    /// Its text is not UTF-8 (or holds a NUL byte): the parts are read again, decoded as
    /// Windows-1252 while their bytes are scanned.
    NotUtf8,
    /// The scans of the parts decide another decoding than theirs: the parts are read again,
    /// decoded so.
    Decoded(SingleByte),
    /// One reader must read it.
    Other,
}

/// The ledger read in `parts` parts, as UTF-8 or, when it is not, decoded as its scan decides; `None`
/// when it must be read by one reader.
fn in_parts_decoded(file: &mut File, path: &Path, len: u64, period: Period, parts: usize) -> io::Result<Option<LedgerRead>> {
    let mut decoding = None;
    loop {
        match in_parts(file, path, len, period, parts, decoding)? {
            Ok(read) => return Ok(Some(read)),
            Err(Fallback::NotUtf8) if decoding.is_none() => decoding = Some(SingleByte::likely()),
            Err(Fallback::Decoded(decided)) if decoding == Some(SingleByte::likely()) => decoding = Some(decided),
            Err(_) => return Ok(None),
        }
    }
}

/// The file at `path`, at its start, and its length.
fn open(path: &Path) -> io::Result<(File, u64)> {
    let mut file = File::open(path)?;
    let len = file.seek(SeekFrom::End(0))?;
    file.seek(SeekFrom::Start(0))?;
    Ok((file, len))
}

/// The ledger read in `parts` parts, its bytes decoded as `decoding` says when it is not UTF-8;
/// or why it must be read otherwise.
fn in_parts(file: &mut File, path: &Path, len: u64, period: Period, parts: usize, decoding: Option<SingleByte>) -> io::Result<Result<LedgerRead, Fallback>> {
    // The header, from the first piece.
    file.seek(SeekFrom::Start(0))?;
    let mut raw = vec![0; CHUNK.min(len as usize)];
    let n = read_some(file, &mut raw)?;
    raw.truncate(n);
    let (head, first) = match Head::open(&raw, period, decoding) {
        Ok(opened) => opened,
        Err(fallback) => return Ok(Err(fallback)),
    };
    let cuts = cuts(file, head.body as u64, len, parts)?;
    let results: Vec<io::Result<Result<Part, Fallback>>> = std::thread::scope(|scope| {
        let mut first = Some(first);
        let handles: Vec<_> = cuts
            .windows(2)
            .map(|range| {
                let (start, end) = (range[0], range[1]);
                let first = first.take();
                let head = &head;
                scope.spawn(move || -> io::Result<Result<Part, Fallback>> {
                    let reading = match first {
                        Some(reading) => reading,
                        None => match head.later() {
                            Ok(reading) => reading,
                            Err(fallback) => return Ok(Err(fallback)),
                        },
                    };
                    read_part(path, reading, (start, end), end == len)
                })
            })
            .collect();
        handles.into_iter().map(|h| h.join().unwrap_or(Ok(Err(Fallback::Other)))).collect()
    });
    let mut done = Vec::with_capacity(results.len());
    let mut not_utf8 = false;
    for r in results {
        match r? {
            Ok(part) => done.push(part),
            Err(Fallback::NotUtf8) => not_utf8 = true,
            Err(fallback) => return Ok(Err(fallback)),
        }
    }
    if not_utf8 {
        return Ok(Err(Fallback::NotUtf8));
    }
    let mut done = done.into_iter();
    let Some(first) = done.next() else { return Ok(Err(Fallback::Other)) };
    Ok(merge(first, head.scan, done.map(Part::share)))
}

/// The ledger's header, opened from the file's first bytes: what the reader of each part
/// starts from.
struct Head {
    /// The header line's text (decoded, when the file is), through its line end.
    text: Vec<u8>,
    /// Where the rows start in the file.
    body: usize,
    /// The scan of the bytes before the rows (a byte-order mark left out), when decoded.
    scan: Option<ScanFlags>,
    decoding: Option<SingleByte>,
    period: Period,
}

impl Head {
    /// The header from the file's first bytes `raw`, decoded as `decoding` says (UTF-8 when
    /// `None`), and the reader of the first part, which starts at [`Head::body`].
    fn open(raw: &[u8], period: Period, decoding: Option<SingleByte>) -> Result<(Head, PartReading), Fallback> {
        // A workbook, UTF-16 or a binary file: the whole reading says what it is.
        if decoding.is_some() && source::whole_only(&raw[..raw.len().min(source::BINARY_WINDOW)]) {
            return Err(Fallback::Other);
        }
        let text = Decoder::optional(&mut decoding.map(|single| Decoder::new(single, true)), raw);
        let Some((table, used)) = open_table(&text, decoding) else {
            return Err(if decoding.is_none() && source::not_utf8(&text) { Fallback::NotUtf8 } else { Fallback::Other });
        };
        // Where the rows start in the file: the bytes that decode into the header's text.
        let body = match &decoding {
            None => used,
            Some(single) => single.raw_len(raw, used).ok_or(Fallback::Other)?,
        };
        let (reader, diagnostics) = LedgerReader::new(&table, period).map_err(|_| Fallback::Other)?;
        if reader.fec.is_some() {
            return Err(Fallback::Other);
        }
        let scan = decoding.map(|_| {
            let mut scan = Scan::default();
            scan.text(raw[..body].strip_prefix(source::BOM).unwrap_or(&raw[..body]));
            scan.flags()
        });
        // The header's line, its line end included (the reader of a later part opens it again).
        let line = memchr::memchr(b'\n', &text[used..]).map_or(text.len(), |i| used + i + 1);
        let head = Head { text: text[..line].to_vec(), body, scan, decoding, period };
        Ok((head, PartReading::new(table, reader, diagnostics, decoding, true)))
    }

    /// The reader of a later part: the same header, whose findings the first part gives.
    fn later(&self) -> Result<PartReading, Fallback> {
        let (mut table, _) = open_table(&self.text, self.decoding).ok_or(Fallback::Other)?;
        table.forget_header_findings();
        let (reader, _) = LedgerReader::new(&table, self.period).map_err(|_| Fallback::Other)?;
        Ok(PartReading::new(table, reader, Vec::new(), self.decoding, false))
    }
}

/// The table of a ledger read in pieces, from its first bytes of text.
fn open_table(text: &[u8], decoding: Option<SingleByte>) -> Option<(Table<'static>, usize)> {
    let (mut table, used) = Table::open_head(text, false, InputFile::GrandLivre, COLUMNS)?;
    if let Some(single) = &decoding {
        table.decoded(single);
    }
    Some((table, used))
}

/// A part being read, from its first byte (just after a line end) on.
struct PartReading {
    table: Table<'static>,
    reader: LedgerReader,
    diagnostics: Vec<Diagnostic>,
    decoding: Option<SingleByte>,
    decoder: Option<Decoder>,
    /// The scan of its bytes for their decoding, when they are decoded.
    scan: Option<Scan>,
    first: bool,
    header_newlines: u32,
}

impl PartReading {
    fn new(table: Table<'static>, reader: LedgerReader, diagnostics: Vec<Diagnostic>, decoding: Option<SingleByte>, first: bool) -> PartReading {
        PartReading {
            header_newlines: table.newlines(),
            table,
            reader,
            diagnostics,
            decoding,
            // The header is behind: no byte-order mark to drop.
            decoder: decoding.map(|single| Decoder::new(single, false)),
            scan: decoding.map(|_| Scan::default()),
            first,
        }
    }

    /// Reads the next bytes of the part; else why it must be read otherwise.
    fn feed(&mut self, raw: &[u8]) -> Result<(), Fallback> {
        if let Some(scan) = &mut self.scan {
            scan.text(raw);
        }
        let text = Decoder::optional(&mut self.decoder, raw);
        let reader = &mut self.reader;
        if self.table.feed(&text, &mut self.diagnostics, |row, diags| reader.row(&row, diags)) {
            Ok(())
        } else {
            Err(if self.decoding.is_none() { Fallback::NotUtf8 } else { Fallback::Other })
        }
    }

    /// The part once all its bytes are read (`last`: it ends the file).
    fn finish(mut self, last: bool) -> Result<Part, Fallback> {
        let reader = &mut self.reader;
        let whole = if last { self.table.finish(&mut self.diagnostics, |row, diags| reader.row(&row, diags)) } else { self.table.at_record_start() };
        self.reader.settle(&mut self.diagnostics);
        // A cell over several lines after the first part: its finding names its lines, counted
        // from the part's start.
        let multiline = !self.first && self.table.work().multiline > 0;
        if !whole && last && self.decoding.is_none() {
            return Err(Fallback::NotUtf8);
        }
        if !whole || self.reader.too_many || multiline {
            return Err(Fallback::Other);
        }
        self.table.give_header_findings(&mut self.diagnostics);
        Ok(Part {
            newlines: self.table.newlines() - self.header_newlines,
            scan: self.scan.map(Scan::flags),
            decoding: self.decoding,
            table: self.table,
            reader: self.reader,
            diagnostics: self.diagnostics,
        })
    }
}

/// A part read: its reader and findings, the line ends it holds, the decoding it was read
/// with and the scan of its bytes (when they are decoded).
struct Part {
    table: Table<'static>,
    reader: LedgerReader,
    diagnostics: Vec<Diagnostic>,
    newlines: u32,
    decoding: Option<SingleByte>,
    scan: Option<ScanFlags>,
}

impl Part {
    /// What a later part gives the merge.
    fn share(mut self) -> Share {
        self.reader.flush_known();
        let r = self.reader;
        let l = r.ledger;
        Share {
            objects: l.objects.names,
            accounts: l.accounts.names,
            certifications: l.certifications.names,
            financers: l.financers.names,
            account_nature: r.account_nature,
            financer_known: r.financer_known,
            object_lines: l.object_lines,
            postings: l.postings,
            lines_read: l.lines_read,
            lines_used: l.lines_used,
            counts: [l.out_of_scope, l.outside_period, l.undated_in_period, l.unreadable],
            unknown_financers: r.unknown_financers,
            diagnostics: self.diagnostics,
            newlines: self.newlines,
            decoding: self.decoding,
            scan: self.scan,
        }
    }
}

/// The ledger of the parts in their order — the first read here, the others as shares — when
/// they were all read with one decoding, the one their scans and that of the bytes before the
/// rows (`head_scan`) decide, if any; else why it must be read otherwise.
fn merge(first: Part, head_scan: Option<ScanFlags>, later: impl IntoIterator<Item = Share>) -> Result<LedgerRead, Fallback> {
    let Part { table, mut reader, mut diagnostics, newlines, decoding, scan } = first;
    reader.flush_known();
    let mut scans: Vec<ScanFlags> = head_scan.into_iter().chain(scan).collect();
    let mut shift = newlines;
    for share in later {
        // Within the most lines a ledger may have, and line ends under half of `u32`, no sum or
        // line number can overflow (a share from bytes is bounded so: `Share::from_bytes`).
        let lines = reader.ledger.lines_read.saturating_add(share.lines_read);
        let line_ends = shift.saturating_add(share.newlines);
        if share.decoding != decoding || lines > MAX_LEDGER_LINES as u64 || share.newlines >= LINE_BOUND || line_ends >= u32::MAX / 2 {
            return Err(Fallback::Other);
        }
        scans.extend(share.scan);
        let newlines = share.newlines;
        absorb(&mut reader, &mut diagnostics, share, shift);
        shift += newlines;
    }
    if let Some(used) = decoding {
        match Scan::joined(scans) {
            Some(decided) if decided == used => {}
            Some(decided) => return Err(Fallback::Decoded(decided)),
            None => return Err(Fallback::Other),
        }
    }
    Ok(Ok(reader.finish(&table, diagnostics)))
}

/// One part of a ledger given piece by piece, as the page's workers read a large file in two:
/// the computing worker reads the first part, from the file's first byte to a line end near its
/// middle; a helper worker reads the rest and sends what it found as bytes
/// ([`PartFeed::share`]), which the computing worker merges into its own part
/// ([`PartFeed::join`]). A part is read as UTF-8 and, when it is not, again from its first byte
/// decoded as Windows-1252 while its bytes are scanned ([`Step::Again`]); whenever the parts
/// cannot be read so, the file is read whole by one reader ([`Step::Whole`], then
/// [`super::LedgerFeed`]): the same ledger and findings either way.
pub struct PartFeed {
    period: Period,
    /// A later part: the file's first bytes, through its header line. The first part starts
    /// with them.
    head: Option<Vec<u8>>,
    decoding: Option<SingleByte>,
    state: PartState,
}

enum PartState {
    /// No piece of this pass given yet.
    Start,
    /// With the scan of the bytes before the rows (the first part, decoded).
    Reading(Box<PartReading>, Option<ScanFlags>),
    Read(Box<Part>, Option<ScanFlags>),
    /// To be read whole.
    Whole,
}

impl PartFeed {
    /// The first part, whose first piece starts the file and holds its header line whole.
    pub fn first(period: Period) -> PartFeed {
        PartFeed { period, head: None, decoding: None, state: PartState::Start }
    }

    /// A later part, starting just after a line end; `head`: the file's first bytes, through
    /// its header line.
    pub fn later(head: &[u8], period: Period) -> PartFeed {
        PartFeed { period, head: Some(head.to_vec()), decoding: None, state: PartState::Start }
    }

    /// Reads the next piece of the part: [`Step::Next`], [`Step::Again`] (the part again from
    /// its first piece) or [`Step::Whole`] (the parts cannot be read so: the caller stops).
    pub fn feed(&mut self, piece: &[u8]) -> Step {
        let read = match std::mem::replace(&mut self.state, PartState::Whole) {
            PartState::Start => self.start(piece),
            PartState::Reading(mut reading, head_scan) => reading.feed(piece).map(|()| PartState::Reading(reading, head_scan)),
            PartState::Read(..) | PartState::Whole => Err(Fallback::Other),
        };
        let read = read.map(|state| self.state = state);
        self.go_on(read)
    }

    /// Says that every piece of the part was given (`last`: it ends the file).
    pub fn end(&mut self, last: bool) -> Step {
        let read = match std::mem::replace(&mut self.state, PartState::Whole) {
            PartState::Reading(reading, head_scan) => reading.finish(last).map(|part| self.state = PartState::Read(Box::new(part), head_scan)),
            _ => Err(Fallback::Other),
        };
        self.go_on(read)
    }

    /// The part read, for the reader of the first part ([`PartFeed::join`]); `None` unless
    /// [`PartFeed::end`] said [`Step::Next`].
    pub fn share(self) -> Option<Vec<u8>> {
        match self.state {
            PartState::Read(part, _) => Some(part.share().to_bytes()),
            _ => None,
        }
    }

    /// The ledger: this first part read, and the next one's share; `None` when the file must
    /// be read whole instead (the parts were read with different decodings, or not the one
    /// their scans decide, or the share is not one: see the module's documentation).
    pub fn join(self, share: &[u8]) -> Option<LedgerRead> {
        let PartState::Read(part, head_scan) = self.state else { return None };
        merge(*part, head_scan, [Share::from_bytes(share)?]).ok()
    }

    /// The reader of this pass, given its first piece.
    fn start(&self, piece: &[u8]) -> Result<PartState, Fallback> {
        let (head, first) = Head::open(self.head.as_deref().unwrap_or(piece), self.period, self.decoding)?;
        let (mut reading, rest, head_scan) = match self.head {
            None => (first, &piece[head.body..], head.scan),
            Some(_) => (head.later()?, piece, None),
        };
        reading.feed(rest)?;
        Ok(PartState::Reading(Box::new(reading), head_scan))
    }

    /// What the caller does after a piece or the end: on text that is not UTF-8, the part again
    /// decoded as Windows-1252.
    fn go_on(&mut self, read: Result<(), Fallback>) -> Step {
        match read {
            Ok(()) => Step::Next,
            Err(Fallback::NotUtf8) if self.decoding.is_none() => {
                self.decoding = Some(SingleByte::likely());
                self.state = PartState::Start;
                Step::Again
            }
            Err(_) => {
                self.state = PartState::Whole;
                Step::Whole
            }
        }
    }
}

impl Ledger {
    /// What the page's two workers read of `bytes` (for the tests and the fuzzer): cut after the
    /// line end that follows `at`, the first part given to [`PartFeed::first`] (its first piece
    /// the file's first `first_piece` bytes, which must hold the header, as the page's 4 Mio
    /// chunks do; the next ones of `chunk` bytes), the rest to [`PartFeed::later`] (its head the
    /// file's first Mio) in pieces of `chunk` bytes, then joined; each part given again from its
    /// first piece when its feed says [`Step::Again`]. `None` when the parts cannot be read so
    /// (the page then reads the file with one reader).
    pub fn read_in_two_parts(bytes: &[u8], period: Period, at: usize, first_piece: usize, chunk: usize) -> Option<LedgerRead> {
        let cut = at + memchr::memchr(b'\n', bytes.get(at..)?)? + 1;
        if cut >= bytes.len() {
            return None;
        }
        let give = |feed: &mut PartFeed, part: &[u8], first_piece: usize, last: bool| -> Option<()> {
            loop {
                let mut at = 0;
                let mut again = false;
                while at < part.len() && !again {
                    let n = if at == 0 { first_piece } else { chunk }.clamp(1, part.len() - at);
                    match feed.feed(&part[at..at + n]) {
                        Step::Next => at += n,
                        Step::Again => again = true,
                        Step::Whole => return None,
                    }
                }
                if again {
                    continue;
                }
                match feed.end(last) {
                    Step::Next => return Some(()),
                    Step::Again => {}
                    Step::Whole => return None,
                }
            }
        };
        let mut first = PartFeed::first(period);
        give(&mut first, &bytes[..cut], first_piece, false)?;
        let mut later = PartFeed::later(&bytes[..bytes.len().min(1 << 20)], period);
        give(&mut later, &bytes[cut..], chunk, true)?;
        first.join(&later.share()?)
    }
}

/// Where the parts start, and the end of the file: `parts` cuts as even as the lines allow,
/// each just after a line end (fewer when the lines are too long to find one).
fn cuts(file: &mut File, body: u64, len: u64, parts: usize) -> io::Result<Vec<u64>> {
    let mut cuts = vec![body];
    let mut window = vec![0; CUT_WINDOW];
    for k in 1..parts as u64 {
        let target = body + (len - body) * k / parts as u64;
        if target <= *cuts.last().unwrap_or(&body) {
            continue;
        }
        file.seek(SeekFrom::Start(target))?;
        let n = read_some(file, &mut window)?;
        if let Some(i) = memchr::memchr(b'\n', &window[..n]) {
            let cut = target + i as u64 + 1;
            if cut < len {
                cuts.push(cut);
            }
        }
    }
    cuts.push(len);
    Ok(cuts)
}

/// Reads the bytes `start..end` of the file (the `last` part ends it) with the part's reader;
/// else why the file must be read otherwise.
fn read_part(path: &Path, mut reading: PartReading, (start, end): (u64, u64), last: bool) -> io::Result<Result<Part, Fallback>> {
    let mut file = File::open(path)?;
    file.seek(SeekFrom::Start(start))?;
    let mut source = file.take(end - start);
    let mut piece = vec![0; CHUNK];
    loop {
        let n = read_some(&mut source, &mut piece)?;
        if n == 0 {
            break;
        }
        if let Err(fallback) = reading.feed(&piece[..n]) {
            return Ok(Err(fallback));
        }
    }
    Ok(reading.finish(last))
}

/// Merges the share of the part read after those of `reader` into it; the part's lines are
/// moved down by `shift`.
fn absorb(w: &mut LedgerReader, diagnostics: &mut Vec<Diagnostic>, p: Share, shift: u32) {
    let moved = |line: u32| line + shift;
    let financers_before = w.ledger.financers.len() as u32;
    let objects = reintern(&mut w.ledger.objects, &p.objects);
    let accounts = reintern(&mut w.ledger.accounts, &p.accounts);
    let certifications = reintern(&mut w.ledger.certifications, &p.certifications);
    let financers = reintern(&mut w.ledger.financers, &p.financers);
    for (id, &nature) in p.account_nature.iter().enumerate() {
        if accounts[id] as usize == w.account_nature.len() {
            w.account_nature.push(nature);
        }
    }
    for (id, &known) in p.financer_known.iter().enumerate() {
        if financers[id] as usize == w.financer_known.len() {
            w.financer_known.push(known);
        }
    }
    // Objects: their counts, and their first line when the whole had none of their lines.
    for (id, lines) in p.object_lines.iter().enumerate() {
        let target = objects[id] as usize;
        if target == w.ledger.object_lines.len() {
            w.ledger.object_lines.push(super::ObjectLines::default());
        }
        let o = &mut w.ledger.object_lines[target];
        if lines.lines > 0 {
            if o.lines == 0 {
                o.first_line = moved(lines.first_line);
            }
            o.lines += lines.lines;
        }
    }
    // Postings: summed into those of the same cells, or added after them.
    let key = |p: &Posting| (p.object, p.account, p.certification, p.financer);
    let mut index: FxHashMap<(u32, u32, u32, u32), usize> = w.ledger.postings.iter().enumerate().map(|(i, p)| (key(p), i)).collect();
    for posting in p.postings {
        let posting = Posting {
            object: objects[posting.object as usize],
            account: accounts[posting.account as usize],
            certification: certifications[posting.certification as usize],
            financer: financers[posting.financer as usize],
            first_line: moved(posting.first_line),
            ..posting
        };
        match index.get(&key(&posting)) {
            Some(&i) => {
                let into = &mut w.ledger.postings[i];
                into.amount += posting.amount;
                into.lines += posting.lines;
            }
            None => {
                index.insert(key(&posting), w.ledger.postings.len());
                w.ledger.postings.push(posting);
            }
        }
    }
    let counts = |into: &mut LineCount, from: LineCount| {
        if from.lines > 0 {
            if into.lines == 0 {
                into.first_line = moved(from.first_line);
            }
            into.lines += from.lines;
            into.debit += from.debit;
            into.credit += from.credit;
        }
    };
    let [out_of_scope, outside_period, undated_in_period, unreadable] = p.counts;
    counts(&mut w.ledger.out_of_scope, out_of_scope);
    counts(&mut w.ledger.outside_period, outside_period);
    counts(&mut w.ledger.undated_in_period, undated_in_period);
    counts(&mut w.ledger.unreadable, unreadable);
    w.ledger.lines_read += p.lines_read;
    w.ledger.lines_used += p.lines_used;
    // Findings: on their true lines; an unknown financer is said once, where it is first met.
    let mut said_before = vec![false; p.diagnostics.len()];
    for &(financer, at) in &p.unknown_financers {
        said_before[at] = financers[financer as usize] < financers_before;
    }
    for (at, mut d) in p.diagnostics.into_iter().enumerate() {
        if !said_before[at] {
            d.line = d.line.map(moved);
            diagnostics.push(d);
        }
    }
}

/// Interns the names of `from` into `into`, in their order; the new id of each old one.
fn reintern(into: &mut Interner, from: &[String]) -> Vec<u32> {
    from.iter().map(|name| into.id(name.as_bytes())).collect()
}
