//! The records of delimited text, cut into cells: the same records and cells as the `csv` crate
//! (`csv_core`, flexible, CRLF terminators, double quotes), at a fraction of its cost for the
//! lines of real exports.
//!
//! A line without `"` and without `\r` other than the one before its `\n` — nearly every line
//! of a ledger — is one record whose cells lie between separators: separators and the line end
//! are found in one pass, sixteen bytes at a time (WebAssembly SIMD in the page, two words of
//! SWAR elsewhere), in the line itself, without copying;
//! only where each cell ends is written down. A line whose quotes only enclose whole cells, as
//! exports quote text, is cut so too, its cells copied without their quotes
//! ([`Splitter::enclosed`]). Any other line (a quote, separator or line end within quotes, a
//! lone `\r` that `csv_core` takes for a line end) goes to `csv_core` from where it starts, for exactly
//! its record, which may run over several lines; `csv_core` keeps its state between calls, so a
//! quoted record may also straddle two chunks of a file read piece by piece. Line numbers are
//! counted on the way (the `\n` before the record's first byte, plus one).
//!
//! The header is always read by `csv_core`, first, as the `csv` crate reads it (a byte-order
//! mark left at the start is dropped there, and only there). A property test checks that both
//! paths give the `csv` crate's records and cells on random text with and without quotes.

use csv_core::ReadRecordResult;

use super::bytes::{bits_of, u64_of};

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
    /// Records with quotes around whole cells only, cut by the fast path too.
    pub enclosed: u64,
    /// Records read by `csv_core`.
    pub quoted: u64,
    /// Of those, records with a cell over several lines.
    pub multiline: u64,
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
    /// The pending record has not started yet: only line ends so far, up to the end of the
    /// text given (the next piece may hold more, which put the record on a later line).
    blank_run: bool,
    /// The bounds of the current record's cells (see [`Record`]).
    bounds: Vec<usize>,
    /// Line ends seen before the current position.
    newlines: u32,
    /// The header has been read (by `csv_core`, which drops a byte-order mark there).
    started: bool,
    pub work: Work,
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
            blank_run: false,
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

    /// Line ends seen so far.
    pub fn newlines(&self) -> u32 {
        self.newlines
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
        if let Some(line) = self.pending {
            if self.blank_run {
                let (run, skipped) = line_ends(text);
                self.pending = Some(line + skipped);
                self.blank_run = run == text.len();
            }
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
            let line = self.newlines + 1;
            let mut end = newline;
            // Whether the line is still to be given as a plain record.
            let mut plain = true;
            if special < newline {
                if special + 1 == newline && text[special] == b'\r' {
                    end = special; // CRLF
                    special = newline;
                } else if let Some(enclosed) = self.enclosed(text, pos, newline, &mut bounds, n) {
                    // Quotes around whole cells only, as exports write text: read here too.
                    self.work.enclosed += 1;
                    f(match enclosed {
                        Enclosed::InPlace => Record { text, bounds: &bounds[..n + 2], step: 3, line, multiline: false },
                        Enclosed::Copied => Record { text: &self.out[..self.out_len], bounds: &self.ends[..n + 2], step: 0, line, multiline: false },
                    });
                    plain = false;
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
            if plain && end > pos {
                bounds[n + 1] = end;
                self.work.plain += 1;
                f(Record { text, bounds: &bounds[..n + 2], step: 1, line, multiline: false });
            }
            if newline < text.len() {
                self.newlines += 1;
            }
            pos = newline + 1;
        }
        self.bounds = bounds;
    }

    /// Whether the line from `pos` to its `\n` at `newline`, cut at the separators of
    /// `bounds[1..=n]`, reads the same without `csv_core`: its only `\r` just before its `\n`,
    /// and each of its cells either without `"` or within one pair of them (`"…"`, no `"` nor
    /// separator inside). When every cell is quoted, the cells are read in place: `bounds` then
    /// holds where each closing quote is, a record with `step` 3 (separator, opening quote, the
    /// closing quote before it); else the cells, unquoted, are copied into `out` end to end and
    /// their ends written in `ends` (a record with `step` 0, as `csv_core`'s). `None`: nothing
    /// is kept, `csv_core` reads the line.
    fn enclosed(&mut self, text: &[u8], pos: usize, newline: usize, bounds: &mut [usize], n: usize) -> Option<Enclosed> {
        let end = if newline > pos && text[newline - 1] == b'\r' { newline - 1 } else { newline };
        // Where the line's quotes are, sixteen bytes at a time, as the separators were found.
        let mut quotes = [0usize; 48];
        let mut count = 0;
        let mut at = pos;
        while at < end {
            let (quote, cr) = match text.get(at..).and_then(<[u8]>::first_chunk::<16>) {
                Some(block) => (block_bits(block, b'"').0, block_bits(block, b'\r').0),
                None => text[at..end].iter().enumerate().fold((0, 0), |(q, r), (k, &b)| (q | u32::from(b == b'"') << k, r | u32::from(b == b'\r') << k)),
            };
            let inside = if end - at >= 16 { 0xFFFF } else { (1u32 << (end - at)) - 1 };
            // Sixteen quotes a block at most; a line with more than thirty goes to `csv_core`.
            if cr & inside != 0 || count + 16 >= quotes.len() {
                return None;
            }
            push(&mut quotes, &mut count, quote & inside, at);
            at += 16;
        }
        bounds[n + 1] = end;
        // `push` writes from the second slot: the quotes are `quotes[1..=count]`. Each cell has
        // none, or one at each end and none between.
        let mut k = 1;
        for i in 0..=n {
            let (start, stop) = (bounds[i].wrapping_add(1), bounds[i + 1]);
            if k <= count && quotes[k] < stop {
                let pair = quotes[k] == start && stop - start >= 2 && k < count && quotes[k + 1] == stop - 1;
                if !pair || (k + 2 <= count && quotes[k + 2] < stop) {
                    return None;
                }
                k += 2;
            }
        }
        if count == 2 * (n + 1) {
            // Every cell quoted: each is from two bytes after the closing quote before it (one
            // before its separator), or the line's first byte, to its own closing quote.
            bounds[0] = pos.wrapping_sub(2);
            for b in &mut bounds[1..=n + 1] {
                *b -= 1;
            }
            return Some(Enclosed::InPlace);
        }
        if self.out.len() < end - pos {
            self.out.resize(end - pos, 0);
        }
        if self.ends.len() < n + 2 {
            self.ends.resize(n + 2, 0);
        }
        let (mut k, mut len) = (1, 0);
        self.ends[0] = 0;
        for i in 0..=n {
            let (start, stop) = (bounds[i].wrapping_add(1), bounds[i + 1]);
            let (from, to) = if k <= count && quotes[k] < stop {
                k += 2;
                (start + 1, stop - 1)
            } else {
                (start, stop)
            };
            self.out[len..len + (to - from)].copy_from_slice(&text[from..to]);
            len += to - from;
            self.ends[i + 1] = len;
        }
        self.out_len = len;
        Some(Enclosed::Copied)
    }

    /// Starts a record at `pos` with `csv_core`; returns the position after it.
    fn quoted(&mut self, text: &[u8], pos: usize, eof: bool, f: &mut impl FnMut(Record<'_>)) -> usize {
        // csv_core skips the line ends before a record; the record's line is after them.
        let (run, skipped) = line_ends(&text[pos..]);
        self.pending = Some(self.newlines + 1 + skipped);
        self.blank_run = pos + run == text.len();
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
                    let multiline = memchr::memchr(b'\n', text).is_some();
                    self.work.quoted += 1;
                    self.work.multiline += u64::from(multiline);
                    f(Record { text, bounds: &self.bounds, step: 0, line, multiline });
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

/// How [`Splitter::enclosed`] gives a line whose quotes enclose whole cells.
enum Enclosed {
    /// Every cell quoted: read in place, `step` 3.
    InPlace,
    /// Some cells only: copied unquoted into `out`, `step` 0.
    Copied,
}

/// The length of the run of `\r` and `\n` that starts `text`, and how many `\n` it holds.
fn line_ends(text: &[u8]) -> (usize, u32) {
    let run = text.iter().take_while(|&&b| b == b'\r' || b == b'\n').count();
    (run, text[..run].iter().filter(|&&b| b == b'\n').count() as u32)
}

/// The bits of the sixteen bytes of `block` that are `separator` (first) and `\n` (second):
/// bit `i` for byte `i`: two comparisons of the whole block in WebAssembly with SIMD (the
/// page's build) and on x86-64 (SSE2); elsewhere, two words at a time (SWAR).
#[cfg(all(target_arch = "wasm32", target_feature = "simd128"))]
#[inline(always)]
fn block_bits(block: &[u8; 16], separator: u8) -> (u32, u32) {
    use std::arch::wasm32::{u8x16, u8x16_bitmask, u8x16_eq, u8x16_splat};
    let b = block;
    let v = u8x16(b[0], b[1], b[2], b[3], b[4], b[5], b[6], b[7], b[8], b[9], b[10], b[11], b[12], b[13], b[14], b[15]);
    (u32::from(u8x16_bitmask(u8x16_eq(v, u8x16_splat(separator)))), u32::from(u8x16_bitmask(u8x16_eq(v, u8x16_splat(b'\n')))))
}

#[cfg(target_arch = "x86_64")]
#[inline(always)]
fn block_bits(block: &[u8; 16], separator: u8) -> (u32, u32) {
    use safe_arch::{cmp_eq_mask_i8_m128i, load_unaligned_m128i, move_mask_i8_m128i, set_splat_i8_m128i};
    let v = load_unaligned_m128i(block);
    let bits = |byte: u8| move_mask_i8_m128i(cmp_eq_mask_i8_m128i(v, set_splat_i8_m128i(byte as i8))) as u32;
    (bits(separator), bits(b'\n'))
}

#[cfg(not(any(target_arch = "x86_64", all(target_arch = "wasm32", target_feature = "simd128"))))]
#[inline(always)]
fn block_bits(block: &[u8; 16], separator: u8) -> (u32, u32) {
    block_bits_swar(block, separator)
}

/// [`block_bits`] without SIMD: the implementation where neither is available (aarch64, say),
/// checked against the SIMD one by a test wherever that one runs.
#[cfg_attr(any(target_arch = "x86_64", all(target_arch = "wasm32", target_feature = "simd128")), allow(dead_code))]
#[inline(always)]
fn block_bits_swar(block: &[u8; 16], separator: u8) -> (u32, u32) {
    let (low, high) = block.split_at(8);
    let words = [u64_of(low), u64_of(high)];
    let bits = |byte: u8| {
        let pattern = u64::from_le_bytes([byte; 8]);
        bits_of(equal_bytes(words[0], pattern)) | (bits_of(equal_bytes(words[1], pattern)) << 8)
    };
    (bits(separator), bits(b'\n'))
}

/// The high bit of each byte of `word` that equals the byte repeated in `pattern`, and no
/// other bit.
#[cfg_attr(any(target_arch = "x86_64", all(target_arch = "wasm32", target_feature = "simd128")), allow(dead_code))]
#[inline(always)]
fn equal_bytes(word: u64, pattern: u64) -> u64 {
    const LOW7: u64 = 0x7F7F_7F7F_7F7F_7F7F;
    let x = word ^ pattern;
    !(((x & LOW7).wrapping_add(LOW7)) | x | LOW7)
}

/// Writes the positions of the set bits of `hits` (bytes from `at`) after the `n` first.
#[inline(always)]
fn push(slots: &mut [usize], n: &mut usize, mut hits: u32, at: usize) {
    while hits != 0 {
        *n += 1;
        slots[*n] = at + hits.trailing_zeros() as usize;
        hits &= hits - 1;
    }
}

/// Writes where the cells of the line at `pos` end at a separator into `bounds[1..=n]`, after
/// the bound before its first cell in `bounds[0]` (the slots made as many as the line needs);
/// returns where the line ends (its `\n`, or the end of `text`) and `n`. The separator and the
/// line end are looked for in the same blocks of sixteen bytes: one pass over the line.
#[inline(always)]
fn scan(separator: u8, bounds: &mut Vec<usize>, text: &[u8], pos: usize) -> (usize, usize) {
    if bounds.len() < 64 {
        bounds.resize(64, 0);
    }
    bounds[0] = pos.wrapping_sub(1);
    let mut n = 0;
    let mut at = pos;
    while let Some(block) = text.get(at..).and_then(<[u8]>::first_chunk::<16>) {
        // Sixteen separators a block at most.
        if bounds.len() < n + 18 {
            bounds.resize(2 * bounds.len(), 0);
        }
        let (mut separators, newlines) = block_bits(block, separator);
        if newlines != 0 {
            // The separators before the first line end (the bits below its own).
            separators &= (newlines & newlines.wrapping_neg()) - 1;
            push(bounds, &mut n, separators, at);
            return (at + newlines.trailing_zeros() as usize, n);
        }
        push(bounds, &mut n, separators, at);
        at += 16;
    }
    // The last bytes of the text, fewer than sixteen.
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

    /// The SWAR fallback finds the same separators and line ends as the SIMD path, on blocks of
    /// every mix of the two, of high bytes (UTF-8) and of near misses.
    #[test]
    fn both_block_readings_agree() {
        let alphabet = [b';', b'\n', b',', b'\t', b'a', b'\r', b'"', 0x80, 0xC3, 0xFF, 0x0A ^ 0x80, b';' ^ 0x80, 0, b'\x0b'];
        for block in crate::input::bytes::tests::random_blocks(&alphabet, 20_000) {
            for separator in [b';', b',', b'\t'] {
                let expected = |byte: u8| (0..16).filter(|&i| block[i] == byte).fold(0u32, |m, i| m | 1 << i);
                assert_eq!(block_bits(&block, separator), (expected(separator), expected(b'\n')), "{block:?}");
                assert_eq!(block_bits_swar(&block, separator), block_bits(&block, separator), "{block:?}");
            }
        }
    }
}
