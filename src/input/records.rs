//! The records of delimited text, cut into cells: the same records and cells as the `csv` crate
//! (`csv_core`, flexible, CRLF terminators, double quotes), at a fraction of its cost for the
//! lines of real exports.
//!
//! A line without `"` and without `\r` other than the one before its `\n` — nearly every line
//! of a ledger — is one record whose cells lie between separators: separators and the line end
//! are found in one pass, eight bytes at a time (SWAR), in the line itself, without copying;
//! only where each cell ends is written down. Any other line (quotes, a lone `\r`
//! that `csv_core` takes for a line end) goes to `csv_core` from where it starts, for exactly
//! its record, which may run over several lines; `csv_core` keeps its state between calls, so a
//! quoted record may also straddle two chunks of a file read piece by piece. Line numbers are
//! counted on the way (the `\n` before the record's first byte, plus one).
//!
//! The header is always read by `csv_core`, first, as the `csv` crate reads it (a byte-order
//! mark left at the start is dropped there, and only there). A property test checks that both
//! paths give the `csv` crate's records and cells on random text with and without quotes.

use csv_core::ReadRecordResult;

/// One record: its cells, as byte ranges in `text`, and its 1-based line.
pub struct Record<'r> {
    pub text: &'r [u8],
    /// Where each cell ends, after a first bound before the first cell: cell `i` is
    /// `bounds[i] + step .. bounds[i + 1]` (`step` 1 between separators, 0 for the cells of
    /// `csv_core`, which lie end to end; the first bound is the start minus `step`, wrapping).
    bounds: &'r [usize],
    step: usize,
    pub line: u32,
    /// Whether some cell holds a line end (only a quoted cell can).
    pub multiline: bool,
}

impl<'r> Record<'r> {
    pub fn len(&self) -> usize {
        self.bounds.len() - 1
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    #[inline(always)]
    pub fn cell(&self, i: usize) -> Option<&'r [u8]> {
        // Any index is asked safely: past `usize::MAX - 2` the range wraps, starts after its end
        // and is no cell.
        match self.bounds.get(i..i.wrapping_add(2)) {
            Some(&[before, end]) => self.text.get(before.wrapping_add(self.step)..end),
            _ => None,
        }
    }

    /// The cells one after the other (the `csv` crate's `ByteRecord::as_slice`).
    pub fn concatenated(&self) -> Vec<u8> {
        (0..self.len()).flat_map(|i| self.cell(i).unwrap_or_default().iter().copied()).collect()
    }
}

/// The header's cells and line.
pub type Header = (Vec<Vec<u8>>, u32);

/// Counts of the work done, for the tests that prove reading linear (never read for timing).
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq)]
pub struct Work {
    /// Records cut by the fast path.
    pub plain: u64,
    /// Records read by `csv_core`.
    pub quoted: u64,
    /// Bytes examined by either path (each byte once: linear means this equals the text's
    /// length, however the text was chunked).
    pub bytes: u64,
}

/// Cuts text into records. Feed it the text in one piece (`eof`), or in pieces that each end
/// after a `\n` (the last one with `eof`).
pub struct Splitter {
    separator: u8,
    core: csv_core::Reader,
    /// Output of `csv_core` for a quoted record: its cells without quotes, and their ends.
    out: Vec<u8>,
    ends: Vec<usize>,
    out_len: usize,
    ends_len: usize,
    /// A quoted record whose end has not been seen yet, and its line.
    pending: Option<u32>,
    /// The bounds of the current record's cells (see [`Record`]).
    bounds: Vec<usize>,
    /// Line ends seen before the current position.
    newlines: u32,
    /// The header has been read (by `csv_core`, which drops a byte-order mark there).
    started: bool,
    pub work: Work,
}

const LOW7: u64 = 0x7F7F_7F7F_7F7F_7F7F;

/// The high bit of each byte of `word` that equals the byte repeated in `pattern`, and no
/// other bit.
#[inline(always)]
fn equal_bytes(word: u64, pattern: u64) -> u64 {
    let x = word ^ pattern;
    !(((x & LOW7).wrapping_add(LOW7)) | x | LOW7)
}

impl Splitter {
    pub fn new(separator: u8) -> Splitter {
        Splitter {
            separator,
            core: csv_core::ReaderBuilder::new().delimiter(separator).build(),
            out: vec![0; 1024],
            ends: vec![0; 32],
            out_len: 0,
            ends_len: 0,
            pending: None,
            bounds: vec![0; 64],
            newlines: 0,
            started: false,
            work: Work::default(),
        }
    }

    /// Whether a quoted record is still open at the end of what was given.
    pub fn is_pending(&self) -> bool {
        self.pending.is_some()
    }

    /// Reads the first record (the header) of `text` with `csv_core`, as the `csv` crate does;
    /// returns its cells and line, and the bytes it used. `None` when the text has no record,
    /// or (without `eof`) when the record goes on past the end of `text`.
    pub fn header(&mut self, text: &[u8], eof: bool) -> (Option<Header>, usize) {
        self.started = true;
        self.work.bytes += text.len() as u64;
        let mut header = None;
        let used = self.quoted(text, 0, eof, &mut |r: Record<'_>| {
            header = Some(((0..r.len()).map(|i| r.cell(i).unwrap_or_default().to_vec()).collect(), r.line));
        });
        self.work.bytes -= (text.len() - used) as u64;
        (header, used)
    }

    /// Calls `f` on every record of `text` (the text after the header, or the next piece of
    /// it); returns when every byte has been used. Without `eof`, `text` must end after a `\n`.
    pub fn split(&mut self, text: &[u8], eof: bool, mut f: impl FnMut(Record<'_>)) {
        self.started = true;
        self.work.bytes += text.len() as u64;
        let mut pos = 0;
        if self.pending.is_some() {
            pos = self.resume(text, 0, eof, &mut f);
            if self.pending.is_some() {
                return;
            }
        }
        self.plain(text, pos, eof, &mut f);
    }

    /// The fast path from `pos`: each line scanned for the separator and `\n`; a line with a
    /// `"` or a lone `\r` is handed to `csv_core`.
    fn plain(&mut self, text: &[u8], mut pos: usize, eof: bool, f: &mut impl FnMut(Record<'_>)) {
        // The bounds, out of `self` while the loop runs (`scan` makes them as many as needed).
        let mut bounds = std::mem::take(&mut self.bounds);
        // The next `"` or `\r`: the lines that end before it are plain.
        let mut special = pos;
        while pos < text.len() {
            if special <= pos && special < text.len() {
                special = memchr::memchr2(b'"', b'\r', &text[pos..]).map_or(text.len(), |i| pos + i);
            }
            let (newline, n) = scan(self.separator, &mut bounds, text, pos);
            let mut end = newline;
            if special < newline {
                if special + 1 == newline && text[special] == b'\r' {
                    end = special; // CRLF
                    special = newline;
                } else {
                    self.bounds = bounds;
                    pos = self.quoted(text, pos, eof, f);
                    bounds = std::mem::take(&mut self.bounds);
                    if self.pending.is_some() {
                        break;
                    }
                    special = pos;
                    continue;
                }
            }
            if end > pos {
                bounds[n + 1] = end;
                self.work.plain += 1;
                f(Record { text, bounds: &bounds[..n + 2], step: 1, line: self.newlines + 1, multiline: false });
            }
            if newline < text.len() {
                self.newlines += 1;
            }
            pos = newline + 1;
        }
        self.bounds = bounds;
    }

    /// Starts a record at `pos` with `csv_core`; returns the position after it.
    fn quoted(&mut self, text: &[u8], pos: usize, eof: bool, f: &mut impl FnMut(Record<'_>)) -> usize {
        // csv_core skips the line ends before a record; the record's line is after them.
        let skipped = text[pos..].iter().take_while(|&&b| b == b'\r' || b == b'\n').filter(|&&b| b == b'\n').count();
        self.pending = Some(self.newlines + 1 + skipped as u32);
        self.out_len = 0;
        self.ends_len = 0;
        self.resume(text, pos, eof, f)
    }

    /// Goes on with the pending record from `pos`; returns the position after it (the end of
    /// `text` when it is still open).
    fn resume(&mut self, text: &[u8], mut pos: usize, eof: bool, f: &mut impl FnMut(Record<'_>)) -> usize {
        loop {
            let input = &text[pos..];
            let (result, read, written, ended) =
                self.core.read_record(input, &mut self.out[self.out_len..], &mut self.ends[self.ends_len..]);
            self.newlines += memchr::memchr_iter(b'\n', &input[..read]).count() as u32;
            pos += read;
            self.out_len += written;
            self.ends_len += ended;
            match result {
                ReadRecordResult::InputEmpty if pos < text.len() || eof => {}
                ReadRecordResult::InputEmpty => return pos,
                ReadRecordResult::OutputFull => self.out.resize(self.out.len() * 2, 0),
                ReadRecordResult::OutputEndsFull => self.ends.resize(self.ends.len() * 2, 0),
                ReadRecordResult::Record => {
                    let line = self.pending.take().unwrap_or(self.newlines + 1);
                    self.bounds.clear();
                    self.bounds.push(0);
                    self.bounds.extend_from_slice(&self.ends[..self.ends_len]);
                    let text = &self.out[..self.out_len];
                    self.work.quoted += 1;
                    f(Record { text, bounds: &self.bounds, step: 0, line, multiline: memchr::memchr(b'\n', text).is_some() });
                    return pos;
                }
                ReadRecordResult::End => {
                    self.pending = None;
                    return pos;
                }
            }
        }
    }
}

/// Writes the separators of the word at `at` (the high bits of `hits`) after the `n` first.
#[inline(always)]
fn push(slots: &mut [usize], n: &mut usize, mut hits: u64, at: usize) {
    while hits != 0 {
        *n += 1;
        slots[*n] = at + (hits.trailing_zeros() / 8) as usize;
        hits &= hits - 1;
    }
}

/// Writes where the cells of the line at `pos` end at a separator into `bounds[1..=n]`, after
/// the bound before its first cell in `bounds[0]` (the slots made as many as the line needs);
/// returns where the line ends (its `\n`, or the end of `text`) and `n`. The separator and the
/// line end are looked for in the same words: one pass over the line.
#[inline(always)]
fn scan(separator: u8, bounds: &mut Vec<usize>, text: &[u8], pos: usize) -> (usize, usize) {
    const ONES: u64 = u64::from_le_bytes([1; 8]);
    const HIGH: u64 = u64::from_le_bytes([0x80; 8]);
    const NEWLINES: u64 = u64::from_le_bytes([b'\n'; 8]);
    let separators = u64::from_le_bytes([separator; 8]);
    if bounds.len() < 64 {
        bounds.resize(64, 0);
    }
    bounds[0] = pos.wrapping_sub(1);
    let mut n = 0;
    let mut at = pos;
    loop {
        // Words read before the slots may run out (eight separators a word at most): no check
        // of the room left in the loop.
        let stop = text.len().min(at + 8 * ((bounds.len() - n - 2) / 8));
        let slots = bounds.as_mut_slice();
        // The lowest bit of `newlines(x)` is exactly that of the first `\n` of the word `x`
        // (bits above it may be wrong), and it is 0 only when the word has none.
        let newlines = |word: u64| {
            let x = word ^ NEWLINES;
            x.wrapping_sub(ONES) & !x & HIGH
        };
        // Sixteen bytes at a time while they hold no line end: one test for both words.
        while let Some((first, rest)) = text.get(at..stop).and_then(<[u8]>::split_first_chunk::<8>) {
            let Some(second) = rest.first_chunk::<8>() else { break };
            let (first, second) = (u64::from_le_bytes(*first), u64::from_le_bytes(*second));
            if newlines(first) | newlines(second) != 0 {
                break;
            }
            push(slots, &mut n, equal_bytes(first, separators), at);
            push(slots, &mut n, equal_bytes(second, separators), at + 8);
            at += 16;
        }
        while let Some(&word) = text.get(at..stop).and_then(<[u8]>::first_chunk::<8>) {
            let word = u64::from_le_bytes(word);
            let newlines = newlines(word);
            let mut hits = equal_bytes(word, separators);
            if newlines != 0 {
                // The separators before the first line end (the bits below its own).
                hits &= newlines ^ (newlines - 1);
            }
            push(slots, &mut n, hits, at);
            if newlines != 0 {
                return (at + (newlines.trailing_zeros() / 8) as usize, n);
            }
            at += 8;
        }
        if at + 8 > text.len() {
            break;
        }
        bounds.resize(2 * bounds.len(), 0);
    }
    // The last bytes of the text, fewer than eight.
    for (k, &b) in text[at..].iter().enumerate() {
        if b == b'\n' {
            return (at + k, n);
        }
        if b == separator {
            n += 1;
            if bounds.len() <= n + 1 {
                bounds.resize(n + 2, 0);
            }
            bounds[n] = at + k;
        }
    }
    if bounds.len() <= n + 1 {
        bounds.resize(n + 2, 0);
    }
    (text.len(), n)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn any_cell_index_is_asked_safely() {
        let text = b"a;b\n1;2\n";
        let mut splitter = Splitter::new(b';');
        let (_, used) = splitter.header(text, true);
        let mut records = 0;
        splitter.split(&text[used..], true, |r| {
            assert_eq!((r.len(), r.cell(0), r.cell(1)), (2, Some(&b"1"[..]), Some(&b"2"[..])));
            for i in [2, usize::MAX / 2, usize::MAX - 2, usize::MAX - 1, usize::MAX] {
                assert_eq!(r.cell(i), None, "{i}");
            }
            records += 1;
        });
        assert_eq!(records, 1);
    }
}
