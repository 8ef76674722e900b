//! What a later part of a ledger read on its own gives the merge (`parallel::merge`): the
//! names its reader interned, its postings, counts and findings, in its own ids and lines. The
//! page's helper worker sends it to the computing worker as bytes, in a small format of its
//! own ([`Share::to_bytes`]): 1.6 MB for the second half of a region's million lines, written
//! and read in a few milliseconds, where JSON would take tens.

use super::{LineCount, Nature, ObjectLines, Posting};
use crate::diagnostic::{CATALOGUE, Diagnostic, InputFile};
use crate::input::source::{ScanFlags, SingleByte};
use crate::money::{Amount, MAX_LEDGER_LINES, MAX_LINE_CENTS};

/// A later part read on its own, for the merge.
#[derive(Debug, PartialEq)]
pub(super) struct Share {
    pub objects: Vec<String>,
    pub accounts: Vec<String>,
    pub certifications: Vec<String>,
    pub financers: Vec<String>,
    /// By account id, as `LedgerReader::account_nature`.
    pub account_nature: Vec<Option<Nature>>,
    /// By financer id, as `LedgerReader::financer_known`.
    pub financer_known: Vec<bool>,
    /// By object id.
    pub object_lines: Vec<ObjectLines>,
    pub postings: Vec<Posting>,
    pub lines_read: u64,
    pub lines_used: u64,
    /// Out of scope, outside the period, undated in the period, unreadable.
    pub counts: [LineCount; 4],
    /// The `F007` of each financer unknown to the rulebook: its id, where it lies in the findings.
    pub unknown_financers: Vec<(u32, usize)>,
    pub diagnostics: Vec<Diagnostic>,
    /// Line ends in the part.
    pub newlines: u32,
    pub decoding: Option<SingleByte>,
    pub scan: Option<ScanFlags>,
}

/// Above any line number or count of line ends of a share (a quarter of `u32`): once moved
/// down by the lines before its part (`parallel::merge` keeps them under half of `u32`), none
/// overflows.
pub(super) const LINE_BOUND: u32 = u32::MAX / 4;

/// The first bytes of a share, with the version of its format: a share from another build of
/// the module is refused (the file is then read by one reader).
const MAGIC: &[u8; 8] = b"CMA-PRT1";

impl Share {
    pub fn to_bytes(&self) -> Vec<u8> {
        let mut w = Writer(Vec::with_capacity(64 + self.postings.len() * 33));
        w.0.extend_from_slice(MAGIC);
        for names in [&self.objects, &self.accounts, &self.certifications, &self.financers] {
            w.u32(names.len() as u32);
            for name in names {
                w.text(name);
            }
        }
        w.u32(self.account_nature.len() as u32);
        for nature in &self.account_nature {
            w.u8(match nature {
                None => 0,
                Some(Nature::Charge) => 1,
                Some(Nature::Product) => 2,
            });
        }
        w.u32(self.financer_known.len() as u32);
        for &known in &self.financer_known {
            w.u8(u8::from(known));
        }
        w.u32(self.object_lines.len() as u32);
        for o in &self.object_lines {
            w.u32(o.first_line);
            w.u32(o.lines);
        }
        w.u32(self.postings.len() as u32);
        for p in &self.postings {
            for id in [p.object, p.account, p.certification, p.financer] {
                w.u32(id);
            }
            w.u8(u8::from(p.nature == Nature::Product));
            w.u64(p.amount.cents() as u64);
            w.u32(p.lines);
            w.u32(p.first_line);
        }
        w.u64(self.lines_read);
        w.u64(self.lines_used);
        for c in &self.counts {
            w.u64(c.lines);
            w.u64(c.debit.cents() as u64);
            w.u64(c.credit.cents() as u64);
            w.u32(c.first_line);
        }
        w.u32(self.unknown_financers.len() as u32);
        for &(financer, at) in &self.unknown_financers {
            w.u32(financer);
            w.u32(at as u32);
        }
        w.u32(self.diagnostics.len() as u32);
        for d in &self.diagnostics {
            w.text(d.code.as_str());
            w.text(d.file.label());
            w.u32(d.line.map_or(0, |l| l.saturating_add(1)));
            w.text(d.column.as_deref().unwrap_or_default());
            w.u8(u8::from(d.column.is_some()));
            w.text(&d.message);
            w.text(&d.hint);
        }
        w.u32(self.newlines);
        w.text(self.decoding.map_or("", |d| d.name()));
        match self.scan {
            None => w.u8(0),
            Some(s) => w.u8(1 | u8::from(s.c1) << 1 | u8::from(s.iso) << 2 | u8::from(s.utf8) << 3 | u8::from(s.other) << 4),
        }
        w.0
    }

    /// The share written by [`Share::to_bytes`]; `None` for any other bytes (never a panic:
    /// every id is checked against the names it points to, and every count and amount against
    /// what the share's lines could make, so that the merge cannot overflow).
    pub fn from_bytes(bytes: &[u8]) -> Option<Share> {
        let mut r = Reader(bytes.strip_prefix(MAGIC)?);
        let mut names = || -> Option<Vec<String>> { (0..r.u32()?).map(|_| r.text()).collect() };
        let (objects, accounts, certifications, financers) = (names()?, names()?, names()?, names()?);
        let account_nature = r.list(|r| match r.u8()? {
            0 => Some(None),
            1 => Some(Some(Nature::Charge)),
            2 => Some(Some(Nature::Product)),
            _ => None,
        })?;
        let financer_known = r.list(|r| r.u8().filter(|&b| b < 2).map(|b| b == 1))?;
        let object_lines = r.list(|r| Some(ObjectLines { first_line: r.u32()?, lines: r.u32()? }))?;
        let postings = r.list(|r| {
            let ids = [r.u32()?, r.u32()?, r.u32()?, r.u32()?];
            let nature = if r.u8()? == 1 { Nature::Product } else { Nature::Charge };
            let posting = Posting {
                object: ids[0],
                account: ids[1],
                certification: ids[2],
                financer: ids[3],
                nature,
                amount: Amount::from_cents(r.u64()? as i64),
                lines: r.u32()?,
                first_line: r.u32()?,
            };
            let within = [&objects, &accounts, &certifications, &financers].iter().zip(ids).all(|(names, id)| (id as usize) < names.len());
            within.then_some(posting)
        })?;
        let (lines_read, lines_used) = (r.u64()?, r.u64()?);
        let mut count = || -> Option<LineCount> {
            Some(LineCount { lines: r.u64()?, debit: Amount::from_cents(r.u64()? as i64), credit: Amount::from_cents(r.u64()? as i64), first_line: r.u32()? })
        };
        let counts = [count()?, count()?, count()?, count()?];
        let unknown_financers = r.list(|r| Some((r.u32()?, r.u32()? as usize)))?;
        let diagnostics = r.list(|r| {
            let code = r.text()?;
            let code = *CATALOGUE.iter().find(|c| c.as_str() == code)?;
            let file = InputFile::from_label(&r.text()?)?;
            let line = r.u32()?.checked_sub(1);
            let column = r.text()?;
            let column = (r.u8()? == 1).then_some(column);
            Some(Diagnostic { code, file, line, column, message: r.text()?, hint: r.text()? })
        })?;
        let newlines = r.u32()?;
        let decoding = match r.text()?.as_str() {
            "" => None,
            name => Some(SingleByte::named(name)?),
        };
        let flags = r.u8()?;
        let scan = (flags & 1 == 1).then_some(ScanFlags { c1: flags & 2 != 0, iso: flags & 4 != 0, utf8: flags & 8 != 0, other: flags & 16 != 0 });
        // What the lines the share read could make: no more lines than it read, no amount past
        // the largest line's times as many lines, line numbers far from overflowing once moved.
        let lines = lines_read.min(MAX_LEDGER_LINES as u64);
        let amount_ok = |a: Amount| a.cents().unsigned_abs() <= MAX_LINE_CENTS.unsigned_abs() * lines;
        let line_ok = |line: u32| line < LINE_BOUND;
        let bounded = lines_read <= MAX_LEDGER_LINES as u64
            && lines_used <= lines
            && newlines < LINE_BOUND
            && postings.iter().all(|p| u64::from(p.lines) <= lines && amount_ok(p.amount) && line_ok(p.first_line))
            && object_lines.iter().all(|o| u64::from(o.lines) <= lines && line_ok(o.first_line))
            && counts.iter().all(|c| c.lines <= lines && amount_ok(c.debit) && amount_ok(c.credit) && line_ok(c.first_line))
            && diagnostics.iter().all(|d| d.line.is_none_or(line_ok));
        let consistent = r.0.is_empty()
            && bounded
            && account_nature.len() == accounts.len()
            && financer_known.len() == financers.len()
            && object_lines.len() == objects.len()
            && unknown_financers.iter().all(|&(f, at)| (f as usize) < financers.len() && at < diagnostics.len());
        consistent.then_some(Share {
            objects,
            accounts,
            certifications,
            financers,
            account_nature,
            financer_known,
            object_lines,
            postings,
            lines_read,
            lines_used,
            counts,
            unknown_financers,
            diagnostics,
            newlines,
            decoding,
            scan,
        })
    }
}

struct Writer(Vec<u8>);

impl Writer {
    fn u8(&mut self, v: u8) {
        self.0.push(v);
    }

    fn u32(&mut self, v: u32) {
        self.0.extend_from_slice(&v.to_le_bytes());
    }

    fn u64(&mut self, v: u64) {
        self.0.extend_from_slice(&v.to_le_bytes());
    }

    fn text(&mut self, v: &str) {
        self.u32(v.len() as u32);
        self.0.extend_from_slice(v.as_bytes());
    }
}

struct Reader<'a>(&'a [u8]);

impl Reader<'_> {
    fn take<const N: usize>(&mut self) -> Option<[u8; N]> {
        let (head, rest) = self.0.split_first_chunk::<N>()?;
        self.0 = rest;
        Some(*head)
    }

    fn u8(&mut self) -> Option<u8> {
        self.take::<1>().map(|[b]| b)
    }

    fn u32(&mut self) -> Option<u32> {
        self.take().map(u32::from_le_bytes)
    }

    fn u64(&mut self) -> Option<u64> {
        self.take().map(u64::from_le_bytes)
    }

    fn text(&mut self) -> Option<String> {
        let n = self.u32()? as usize;
        let bytes = self.0.get(..n)?;
        self.0 = &self.0[n..];
        String::from_utf8(bytes.to_vec()).ok()
    }

    /// A count, then as many items (not more than the bytes left could hold: a corrupt count
    /// reserves nothing).
    fn list<T>(&mut self, mut item: impl FnMut(&mut Self) -> Option<T>) -> Option<Vec<T>> {
        let n = self.u32()? as usize;
        let mut out = Vec::with_capacity(n.min(self.0.len()));
        for _ in 0..n {
            out.push(item(self)?);
        }
        Some(out)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::diagnostic::Code;
    use crate::input::ledger::{Ledger, Period};

    /// The share of the second half of the example, with findings of every shape.
    fn share() -> Share {
        let bytes = std::fs::read(concat!(env!("CARGO_MANIFEST_DIR"), "/www/exemple/grand-livre.csv")).unwrap();
        let (ledger, _) = Ledger::read(&bytes, Period::default()).unwrap();
        Share {
            objects: ledger.objects.names,
            accounts: ledger.accounts.names.clone(),
            certifications: ledger.certifications.names,
            financers: ledger.financers.names.clone(),
            account_nature: ledger.accounts.names.iter().map(|a| Nature::of_account(a)).collect(),
            financer_known: ledger.financers.names.iter().map(|f| f.len() % 2 == 0).collect(),
            object_lines: ledger.object_lines,
            postings: ledger.postings,
            lines_read: ledger.lines_read,
            lines_used: ledger.lines_used,
            counts: [ledger.out_of_scope, ledger.outside_period, ledger.undated_in_period, ledger.unreadable],
            unknown_financers: vec![(1, 0)],
            diagnostics: vec![
                Diagnostic::new(Code::F007, InputFile::GrandLivre, "financeur « zz » inconnu").at_line(12).in_column("financeur").hint("Corrigez-le."),
                Diagnostic::new(Code::F004, InputFile::GrandLivre, "ligne mal formée").at_line(0).in_column(""),
                Diagnostic::new(Code::H001, InputFile::GrandLivre, "hors périmètre"),
            ],
            newlines: 2_500,
            decoding: Some(SingleByte::likely()),
            scan: Some(ScanFlags { c1: true, iso: false, utf8: false, other: true }),
        }
    }

    #[test]
    fn a_share_is_read_back_as_it_was_written() {
        let share = share();
        assert!(share.postings.len() > 100);
        assert_eq!(Share::from_bytes(&share.to_bytes()), Some(share));
        let utf8 = Share { decoding: None, scan: None, ..self::share() };
        assert_eq!(Share::from_bytes(&utf8.to_bytes()), Some(utf8));
    }

    /// Bytes cut short (at every length near either end, and here and there between), an id past its names, another format's bytes: refused, no panic.
    #[test]
    fn other_bytes_are_refused() {
        let bytes = share().to_bytes();
        for n in (0..bytes.len()).filter(|&n| n < 512 || n % 61 == 0 || bytes.len() - n < 512) {
            assert_eq!(Share::from_bytes(&bytes[..n]), None, "{n} bytes");
        }
        let mut longer = bytes.clone();
        longer.push(0);
        assert_eq!(Share::from_bytes(&longer), None);
        let mut other = share();
        other.postings[3].object = other.objects.len() as u32;
        assert_eq!(Share::from_bytes(&other.to_bytes()), None);
        let mut other = share();
        other.unknown_financers = vec![(0, 3)];
        assert_eq!(Share::from_bytes(&other.to_bytes()), None);
        assert_eq!(Share::from_bytes(b"CMA-PRT0"), None);
        // Counts and amounts that no line could make: the merge could overflow on them.
        let mut other = share();
        other.postings[0].amount = Amount::from_cents(i64::MAX);
        assert_eq!(Share::from_bytes(&other.to_bytes()), None);
        let mut other = share();
        other.counts[0].lines = other.lines_read + 1;
        assert_eq!(Share::from_bytes(&other.to_bytes()), None);
        let mut other = share();
        other.newlines = LINE_BOUND;
        assert_eq!(Share::from_bytes(&other.to_bytes()), None);
        let mut other = share();
        other.diagnostics[0].line = Some(u32::MAX - 1);
        assert_eq!(Share::from_bytes(&other.to_bytes()), None);
    }
}
