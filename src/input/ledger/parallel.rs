//! A large ledger file read by several threads, each on its own part of the file (the command
//! line; the page, which has no file path and one thread, never calls it).
//!
//! The file is cut after line ends into as many parts as the machine has cores. Each part is
//! read in pieces by its own thread, with its own reader, exactly as the whole file would be
//! read from that line on; then the readers are merged in the order of the parts: the names of
//! a later part are interned after those of the earlier ones, its postings summed into those
//! of the same cells or added after them, its counts and findings moved to their true lines.
//! Interning and postings follow the first line where each name and each posting is met, so
//! the merge gives the same ids, postings, sums and findings as one reader on the whole file
//! (tests/it/lecture.rs compares them on every case, cut everywhere).
//!
//! A file that is not UTF-8 is read again in parts decoded as Windows-1252, the decoding of
//! nearly every export that is not UTF-8, while each part scans its own bytes for the file's
//! decoding (`source::Scan`, as the whole reading decides it; the scans of the parts joined by
//! `Scan::joined`). The reading stands when they decide Windows-1252; ISO-8859-15 is read a
//! third time, decoded so; lines of mixed encodings go to one reader.
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

use super::{CHUNK, COLUMNS, Interner, Ledger, LedgerRead, LedgerReader, LineCount, Period, Posting, read_some};
use crate::diagnostic::{Diagnostic, InputFile};
use crate::input::source::{self, Decoder, Scan, SingleByte};
use crate::input::table::{MAX_INPUT_BYTES, Table, too_large};
use crate::money::MAX_LEDGER_LINES;

/// Below this size, one reader: threads would cost more than they save.
pub const PARALLEL_FROM: u64 = 8 * CHUNK as u64;

/// The bytes searched after a cut for the line end that makes it.
const CUT_WINDOW: usize = 1 << 16;

/// A part read: its reader, its findings, the line ends it holds, and the scan of its bytes
/// for their decoding (when they are decoded).
struct Part {
    reader: LedgerReader,
    diagnostics: Vec<Diagnostic>,
    newlines: u32,
    scan: Option<Scan>,
}

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

/// Why a file is not read in parts.
enum Fallback {
    /// Its text is not UTF-8 (or holds a NUL byte): its scan tells how to decode it, if at all.
    NotUtf8,
    Other,
}

/// The ledger read in parts, as UTF-8 or, when it is not, decoded as its scan decides; `None`
/// when it must be read by one reader.
fn in_parts_decoded(file: &mut File, path: &Path, len: u64, period: Period, parts: usize) -> io::Result<Option<LedgerRead>> {
    match in_parts(file, path, len, period, parts, None)? {
        Ok((read, _)) => Ok(Some(read)),
        Err(Fallback::Other) => Ok(None),
        Err(Fallback::NotUtf8) => {
            let likely = SingleByte::likely();
            match in_parts(file, path, len, period, parts, Some(likely))? {
                Ok((read, Some(decided))) if decided == likely => Ok(Some(read)),
                Ok((_, Some(decided))) => Ok(in_parts(file, path, len, period, parts, Some(decided))?.ok().map(|(read, _)| read)),
                _ => Ok(None),
            }
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

/// The ledger read in `parts` parts, its bytes decoded as `decoding` says when it is not UTF-8,
/// with the decoding the scan of its bytes decides then ([`Scan::joined`]); or why it must be
/// read otherwise.
fn in_parts(
    file: &mut File,
    path: &Path,
    len: u64,
    period: Period,
    parts: usize,
    decoding: Option<SingleByte>,
) -> io::Result<Result<(LedgerRead, Option<SingleByte>), Fallback>> {
    // The header, from the first piece.
    file.seek(SeekFrom::Start(0))?;
    let mut raw = vec![0; CHUNK.min(len as usize)];
    let n = read_some(file, &mut raw)?;
    raw.truncate(n);
    // A workbook, UTF-16 or a binary file: the whole reading says what it is.
    if decoding.is_some() && source::whole_only(&raw[..raw.len().min(source::BINARY_WINDOW)]) {
        return Ok(Err(Fallback::Other));
    }
    let head = Decoder::optional(&mut decoding.map(|single| Decoder::new(single, true)), &raw);
    let opened = |head: &[u8]| -> Option<(Table<'static>, usize)> {
        let (mut table, used) = Table::open_head(head, false, InputFile::GrandLivre, COLUMNS)?;
        if let Some(single) = &decoding {
            table.decoded(single);
        }
        Some((table, used))
    };
    let Some((table, used)) = opened(&head) else {
        return Ok(Err(if decoding.is_none() && source::not_utf8(&head) { Fallback::NotUtf8 } else { Fallback::Other }));
    };
    // Where the rows start in the file: the bytes that decode into the header's text.
    let body = match &decoding {
        None => used,
        Some(single) => match single.raw_len(&raw, used) {
            Some(body) => body,
            None => return Ok(Err(Fallback::Other)),
        },
    };
    let Ok((reader, diagnostics)) = LedgerReader::new(&table, period) else { return Ok(Err(Fallback::Other)) };
    if reader.fec.is_some() {
        return Ok(Err(Fallback::Other));
    }
    let cuts = cuts(file, body as u64, len, parts)?;
    let header_newlines = table.newlines();
    let first = (table, reader, diagnostics);
    let results: Vec<io::Result<Result<(Table<'static>, Part), Fallback>>> = std::thread::scope(|scope| {
        let mut first = Some(first);
        let handles: Vec<_> = cuts
            .windows(2)
            .map(|range| {
                let (start, end) = (range[0], range[1]);
                let last = end == len;
                let first_opened = first.take();
                let head = &head;
                let open = &opened;
                scope.spawn(move || -> io::Result<Result<(Table<'static>, Part), Fallback>> {
                    let first_part = first_opened.is_some();
                    let (mut table, reader, diagnostics) = match first_opened {
                        Some(first_opened) => first_opened,
                        None => {
                            // A later part: the same header, whose findings the first part gives.
                            let Some((mut table, _)) = open(head) else { return Ok(Err(Fallback::Other)) };
                            table.forget_header_findings();
                            let Ok((reader, _)) = LedgerReader::new(&table, period) else { return Ok(Err(Fallback::Other)) };
                            (table, reader, Vec::new())
                        }
                    };
                    let part = read_part(path, &mut table, reader, diagnostics, (start, end), (first_part, last), decoding)?;
                    Ok(part.map(|mut p| {
                        p.newlines = table.newlines() - header_newlines;
                        (table, p)
                    }))
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
            Err(Fallback::Other) => return Ok(Err(Fallback::Other)),
        }
    }
    if not_utf8 {
        return Ok(Err(Fallback::NotUtf8));
    }
    // The scan of the bytes before the rows (a byte-order mark left out), then of the parts'.
    let decided = decoding.and_then(|_| {
        let mut head = Scan::default();
        head.text(raw[..body].strip_prefix(source::BOM).unwrap_or(&raw[..body]));
        Scan::joined(std::iter::once(head).chain(done.iter_mut().filter_map(|(_, part)| part.scan.take())))
    });
    let mut done = done.into_iter();
    let Some((table, mut whole)) = done.next() else { return Ok(Err(Fallback::Other)) };
    whole.reader.flush_known();
    let mut shift = whole.newlines;
    for (_, part) in done {
        let newlines = part.newlines;
        absorb(&mut whole, part, shift);
        shift += newlines;
    }
    if whole.reader.ledger.lines_read as usize > MAX_LEDGER_LINES {
        return Ok(Err(Fallback::Other));
    }
    Ok(Ok((Ok(whole.reader.finish(&table, whole.diagnostics)), decided)))
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

/// Reads the bytes `start..end` of the file (decoded as `decoding` says) into `table` and its
/// reader (of the `first` part, of the `last`); else why the file must be read otherwise.
fn read_part(
    path: &Path,
    table: &mut Table<'static>,
    mut reader: LedgerReader,
    mut diagnostics: Vec<Diagnostic>,
    (start, end): (u64, u64),
    (first, last): (bool, bool),
    decoding: Option<SingleByte>,
) -> io::Result<Result<Part, Fallback>> {
    let mut file = File::open(path)?;
    file.seek(SeekFrom::Start(start))?;
    let mut source = file.take(end - start);
    let mut piece = vec![0; CHUNK];
    // The header is behind: no byte-order mark to drop.
    let mut decoder = decoding.map(|single| Decoder::new(single, false));
    let mut scan = decoding.map(|_| Scan::default());
    loop {
        let n = read_some(&mut source, &mut piece)?;
        if n == 0 {
            break;
        }
        if let Some(scan) = &mut scan {
            scan.text(&piece[..n]);
        }
        let text = Decoder::optional(&mut decoder, &piece[..n]);
        if !table.feed(&text, &mut diagnostics, |row, diags| reader.row(&row, diags)) {
            return Ok(Err(if decoding.is_none() { Fallback::NotUtf8 } else { Fallback::Other }));
        }
    }
    let whole = if last { table.finish(&mut diagnostics, |row, diags| reader.row(&row, diags)) } else { table.at_record_start() };
    // A cell over several lines after the first part: its finding names its lines, counted
    // from the part's start.
    let multiline = !first && table.work().multiline > 0;
    if !whole || reader.too_many || multiline {
        return Ok(Err(Fallback::Other));
    }
    Ok(Ok(Part { reader, diagnostics, newlines: 0, scan }))
}

/// Merges the part read after `whole` into it; the part's lines are moved down by `shift`.
fn absorb(whole: &mut Part, mut part: Part, shift: u32) {
    part.reader.flush_known();
    let w = &mut whole.reader;
    let p = part.reader;
    let moved = |line: u32| line + shift;
    let financers_before = w.ledger.financers.len() as u32;
    let objects = reintern(&mut w.ledger.objects, &p.ledger.objects);
    let accounts = reintern(&mut w.ledger.accounts, &p.ledger.accounts);
    let certifications = reintern(&mut w.ledger.certifications, &p.ledger.certifications);
    let financers = reintern(&mut w.ledger.financers, &p.ledger.financers);
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
    for (id, lines) in p.ledger.object_lines.iter().enumerate() {
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
    for posting in p.ledger.postings {
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
    counts(&mut w.ledger.out_of_scope, p.ledger.out_of_scope);
    counts(&mut w.ledger.outside_period, p.ledger.outside_period);
    counts(&mut w.ledger.undated_in_period, p.ledger.undated_in_period);
    counts(&mut w.ledger.unreadable, p.ledger.unreadable);
    w.ledger.lines_read += p.ledger.lines_read;
    w.ledger.lines_used += p.ledger.lines_used;
    // Findings: on their true lines; an unknown financer is said once, where it is first met.
    let mut said_before = vec![false; part.diagnostics.len()];
    for &(financer, at) in &p.unknown_financers {
        said_before[at] = financers[financer as usize] < financers_before;
    }
    for (at, mut d) in part.diagnostics.into_iter().enumerate() {
        if !said_before[at] {
            d.line = d.line.map(moved);
            whole.diagnostics.push(d);
        }
    }
}

/// Interns the names of `from` into `into`, in their order; the new id of each old one.
fn reintern(into: &mut Interner, from: &Interner) -> Vec<u32> {
    from.names.iter().map(|name| into.id(name.as_bytes())).collect()
}
