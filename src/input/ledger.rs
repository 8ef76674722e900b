//! The ledger (`grand-livre`, spec §2.1): lines read once, summed into postings.
//!
//! The hot path of the crate. A line whose raw cells (account, object, certification, financer)
//! were seen before finds its posting in one hash lookup (`cells::CellTable`); new cells are
//! interned once. Its amount, parsed straight into cents, is added to the posting of its
//! (object, account, certification, financer). Everything downstream works on postings, whose
//! number is bounded by the chart of accounts × objects, not by the number of lines.

use std::io::{self, Read, Seek, SeekFrom};

mod parallel;
mod share;
pub use parallel::{PARALLEL_FROM, PartFeed};

use rustc_hash::FxHashMap;

use super::cells::{CellTable, KeptProbe, Probe, SHORT};
use super::fec::{self, FecChecks};
use super::source::{self, Decoder, FileScan, Recognised, SingleByte};
use super::table::{ColumnDef, MAX_INPUT_BYTES, Row, Table, normalise_header, too_large};
use crate::date::Date;
use crate::diagnostic::{Code, Diagnostic, InputFile};
use crate::money::{Amount, MAX_LEDGER_LINES, euros, french};
use crate::rulebook::rulebook;

const COMPTE: usize = 0;
const OBJET: usize = 1;
const DEBIT: usize = 2;
const CREDIT: usize = 3;
const MONTANT: usize = 4;
const SENS: usize = 5;
const DATE: usize = 6;
const CERTIFICATION: usize = 7;
const FINANCEUR: usize = 8;

/// Columns of the ledger, in role order (libellé, pièce and journal are only shown in the
/// drill-down, which re-reads the lines it needs).
pub const COLUMNS: &[ColumnDef] = &[
    ColumnDef { name: "compte", aliases: &[], required: true },
    ColumnDef { name: "objet", aliases: &[], required: true },
    ColumnDef { name: "debit", aliases: &[], required: false },
    ColumnDef { name: "credit", aliases: &[], required: false },
    ColumnDef { name: "montant", aliases: &[], required: false },
    ColumnDef { name: "sens", aliases: &[], required: false },
    ColumnDef { name: "date", aliases: &[], required: false },
    ColumnDef { name: "certification", aliases: &[], required: false },
    ColumnDef { name: "financeur", aliases: &[], required: false },
    ColumnDef { name: "libelle", aliases: &[], required: false },
    ColumnDef { name: "piece", aliases: &[], required: false },
    ColumnDef { name: "journal", aliases: &[], required: false },
];

/// The columns of which at least one must be present to read amounts.
pub const AMOUNT_COLUMNS: [&str; 3] = ["debit", "credit", "montant"];

/// Whether a line's amount is a charge or a product, by its account (spec §2.1).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Nature {
    Charge,
    Product,
}

impl Nature {
    /// Class 6 and `86` are charges, class 7 and `87` products; anything else is outside the
    /// analytic scope.
    pub fn of_account(account: &str) -> Option<Nature> {
        match account.as_bytes() {
            [b'6', ..] | [b'8', b'6', ..] => Some(Nature::Charge),
            [b'7', ..] | [b'8', b'7', ..] => Some(Nature::Product),
            _ => None,
        }
    }

    /// A line's debit − credit as the amount of its posting: a charge's as it is, a product's
    /// the other way round (credit − debit).
    pub fn amount(self, net: Amount) -> Amount {
        match self {
            Nature::Charge => net,
            Nature::Product => -net,
        }
    }
}

/// The sum of the ledger lines that share object, account, certification and financer.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Posting {
    pub object: u32,
    pub account: u32,
    /// Index in `Ledger::certifications`; 0 is "none on the line".
    pub certification: u32,
    /// Index in `Ledger::financers`; 0 is "none on the line".
    pub financer: u32,
    pub nature: Nature,
    /// Charge: debit − credit; product: credit − debit.
    pub amount: Amount,
    pub lines: u32,
    pub first_line: u32,
}

/// A count of lines with their net amount (debit − credit).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct LineCount {
    pub lines: u64,
    pub debit: Amount,
    pub credit: Amount,
    pub first_line: u32,
}

impl LineCount {
    fn add(&mut self, line: u32, net: Amount) {
        if self.lines == 0 {
            self.first_line = line;
        }
        self.lines += 1;
        if net.cents() >= 0 {
            self.debit += net;
        } else {
            self.credit -= net;
        }
    }
}

/// Interns byte strings as dense ids; id 0 is the empty string.
#[derive(Debug, Default)]
pub struct Interner {
    ids: FxHashMap<Box<[u8]>, u32>,
    pub names: Vec<String>,
}

impl Interner {
    fn with_empty() -> Interner {
        let mut i = Interner::default();
        i.id(b"");
        i
    }

    fn id(&mut self, bytes: &[u8]) -> u32 {
        if let Some(&id) = self.ids.get(bytes) {
            return id;
        }
        let id = self.names.len() as u32;
        self.ids.insert(bytes.into(), id);
        self.names.push(String::from_utf8_lossy(bytes).into_owned());
        id
    }

    pub fn name(&self, id: u32) -> &str {
        &self.names[id as usize]
    }

    pub fn len(&self) -> usize {
        self.names.len()
    }

    pub fn is_empty(&self) -> bool {
        self.names.is_empty()
    }
}

/// Lines of one object: where to point the user, and how many there are.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct ObjectLines {
    pub first_line: u32,
    pub lines: u32,
}

/// The ledger, summed.
#[derive(Debug, Default)]
pub struct Ledger {
    /// Analytic objects as written (id 0: lines without object).
    pub objects: Interner,
    pub object_lines: Vec<ObjectLines>,
    pub accounts: Interner,
    pub certifications: Interner,
    pub financers: Interner,
    pub postings: Vec<Posting>,
    /// Data lines read (blank lines excepted).
    pub lines_read: u64,
    /// Lines kept in the analytic scope.
    pub lines_used: u64,
    pub out_of_scope: LineCount,
    pub outside_period: LineCount,
    pub undated_in_period: LineCount,
    /// Lines not used because a value could not be read (each has its diagnostic).
    pub unreadable: LineCount,
    /// What the file was recognised as (« FEC » for a FEC).
    pub recognised: Option<Recognised>,
}

/// Optional period of a half-year close (norm §V.e.i), bounds included.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Period {
    pub from: Option<Date>,
    pub to: Option<Date>,
}

impl Period {
    pub fn is_set(&self) -> bool {
        self.from.is_some() || self.to.is_some()
    }

    pub fn contains(&self, d: Date) -> bool {
        self.from.is_none_or(|f| d >= f) && self.to.is_none_or(|t| d <= t)
    }
}

/// A ledger read: the ledger and its findings, or why it could not be read at all.
pub type LedgerRead = Result<(Ledger, Vec<Diagnostic>), Diagnostic>;

/// Pieces in which [`Ledger::read_from`] reads a file.
pub const CHUNK: usize = 1 << 20;

impl Ledger {
    /// Reads a canonical ledger. `Err` only when the file cannot be read at all.
    pub fn read(bytes: &[u8], period: Period) -> LedgerRead {
        // Opened leniently: a FEC without its analytic column gets its own explanation.
        let mut table = Table::open_lenient(bytes, InputFile::GrandLivre, COLUMNS)?;
        let (mut reader, mut diagnostics) = LedgerReader::new(&table, period)?;
        table.for_each_row(&mut diagnostics, |row, diags| reader.row(&row, diags));
        Ok(reader.finish(&table, diagnostics))
    }

    /// Reads a ledger from a file in pieces of [`CHUNK`] bytes, without holding it whole: the
    /// same ledger and findings as [`Ledger::read`] on its bytes. A file that is not UTF-8 CSV
    /// (workbook, UTF-16, Windows-1252…) is read whole, from its start again.
    pub fn read_from<R: Read + Seek>(source: R, period: Period) -> io::Result<LedgerRead> {
        Ledger::read_in_pieces(source, period, CHUNK)
    }

    /// [`Ledger::read_from`] with pieces of `chunk` bytes (the tests cut files very small).
    pub fn read_in_pieces<R: Read + Seek>(mut source: R, period: Period, chunk: usize) -> io::Result<LedgerRead> {
        let len = source.seek(SeekFrom::End(0))?;
        source.seek(SeekFrom::Start(0))?;
        if len > MAX_INPUT_BYTES {
            return Ok(Err(too_large(len, InputFile::GrandLivre)));
        }
        let mut piece = vec![0; chunk.max(1)];
        let mut feed = LedgerFeed::new(period);
        'pass: loop {
            loop {
                let n = read_some(&mut source, &mut piece)?;
                if n == 0 {
                    break;
                }
                match feed.feed(&piece[..n]) {
                    Step::Next => {}
                    Step::Again => {
                        source.seek(SeekFrom::Start(0))?;
                        continue 'pass;
                    }
                    Step::Whole => return whole(source, period),
                }
            }
            match feed.end() {
                Step::Next => break,
                Step::Again => {
                    source.seek(SeekFrom::Start(0))?;
                }
                Step::Whole => return whole(source, period),
            }
        }
        match feed.finish() {
            Some(read) => Ok(read),
            None => whole(source, period),
        }
    }
}

/// A ledger read piece by piece as its bytes arrive (from a file by the CLI, from the dropped
/// file by the page's worker), rows read as soon as their line is whole: the same ledger and
/// findings as [`Ledger::read`] on all the bytes.
///
/// A UTF-8 CSV is read in one pass. A CSV in another encoding is read in two: the first stops
/// where the text is not UTF-8; the second, from the first byte again, scans the whole file for
/// how [`Ledger::read`] would decode it ([`source::FileScan`]) while it reads its rows decoded
/// as Windows-1252, the usual case. When the file says otherwise (ISO-8859-15, lines of both
/// encodings), a third pass reads it decoded its own way. Anything else (workbook, UTF-16, a
/// binary file, a header longer than 16 Mio) must be read whole, with [`Ledger::read`].
pub struct LedgerFeed {
    period: Period,
    state: Feed,
    /// The decoding of a CSV that is not UTF-8, in the passes that read its rows.
    decoder: Option<Decoder>,
    /// The second pass: the file scanned for its own decoding, beside the rows read.
    scan: Option<Box<FileScan>>,
}

/// What the caller of [`LedgerFeed`] does next.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Step {
    /// Gives the next piece; after [`LedgerFeed::end`], takes the ledger ([`LedgerFeed::finish`]).
    Next,
    /// Gives the file again from its first byte.
    Again,
    /// Reads the file whole, with [`Ledger::read`].
    Whole,
}

enum Feed {
    /// The first bytes, until the header line is whole.
    Head(Vec<u8>),
    Rows(Box<(Table<'static>, LedgerReader, Vec<Diagnostic>)>),
    /// Every piece read.
    Read(Box<LedgerRead>),
    /// The first pass met text that is not UTF-8.
    NotUtf8,
    /// To be read whole (or, in the second pass, in a third).
    Whole,
}

impl LedgerFeed {
    pub fn new(period: Period) -> LedgerFeed {
        LedgerFeed { period, state: Feed::Head(Vec::new()), decoder: None, scan: None }
    }

    /// Reads the next piece.
    pub fn feed(&mut self, piece: &[u8]) -> Step {
        if let Some(scan) = &mut self.scan {
            scan.piece(piece);
        }
        if matches!(self.state, Feed::Whole) {
            return self.step();
        }
        let text = Decoder::optional(&mut self.decoder, piece);
        self.state = match std::mem::replace(&mut self.state, Feed::Whole) {
            // The header in the first piece, as nearly always: read from the piece, not a copy.
            Feed::Head(head) if head.is_empty() => self.after_head(&text, false),
            Feed::Head(mut head) => {
                head.extend_from_slice(&text);
                self.after_head(&head, false)
            }
            Feed::Rows(mut rows) => {
                let (table, reader, diagnostics) = &mut *rows;
                if table.feed(&text, diagnostics, |row, diags| reader.row(&row, diags)) { Feed::Rows(rows) } else { self.stopped() }
            }
            state => state,
        };
        self.step()
    }

    /// Says that every piece of this pass was given.
    pub fn end(&mut self) -> Step {
        if let Some(scan) = self.scan.take() {
            let Some(single) = scan.end() else {
                self.state = Feed::Whole;
                return Step::Whole;
            };
            if self.decoder.as_ref().is_none_or(|d| *d.single() != single) {
                // Not the decoding assumed: a third pass, decoded the file's own way.
                self.decoder = Some(Decoder::new(single, true));
                self.state = Feed::Head(Vec::new());
                return Step::Again;
            }
        }
        let rest = self.decoder.as_mut().map(Decoder::end).unwrap_or_default();
        let state = match std::mem::replace(&mut self.state, Feed::Whole) {
            Feed::Head(mut head) => {
                head.extend_from_slice(&rest);
                self.after_head(&head, true)
            }
            Feed::Rows(mut rows) => {
                let (table, reader, diagnostics) = &mut *rows;
                let fed = rest.is_empty() || table.feed(&rest, diagnostics, |row, diags| reader.row(&row, diags));
                if fed { Feed::Rows(rows) } else { self.stopped() }
            }
            state => state,
        };
        self.state = match state {
            Feed::Rows(rows) => {
                let (mut table, mut reader, mut diagnostics) = *rows;
                if table.finish(&mut diagnostics, |row, diags| reader.row(&row, diags)) {
                    Feed::Read(Box::new(Ok(reader.finish(&table, diagnostics))))
                } else {
                    self.stopped()
                }
            }
            state => state,
        };
        self.step()
    }

    /// The ledger, once [`LedgerFeed::end`] said [`Step::Next`]; else `None`.
    pub fn finish(self) -> Option<LedgerRead> {
        match self.state {
            Feed::Read(read) => Some(*read),
            _ => None,
        }
    }

    /// What the caller does after a piece or the end of a pass.
    fn step(&mut self) -> Step {
        match self.state {
            Feed::NotUtf8 => {
                self.second_pass();
                Step::Again
            }
            // The second pass goes on to the end of the file: its scan decides.
            Feed::Whole if self.scan.is_none() => Step::Whole,
            _ => Step::Next,
        }
    }

    /// The rows could not be read as UTF-8 (text that is not, or a NUL byte: the scan tells).
    fn stopped(&self) -> Feed {
        if self.decoder.is_none() { Feed::NotUtf8 } else { Feed::Whole }
    }

    /// From the first byte again: the file scanned for its decoding, its rows read meanwhile as
    /// Windows-1252.
    fn second_pass(&mut self) {
        self.scan = Some(Box::default());
        self.decoder = Some(Decoder::new(SingleByte::likely(), true));
        self.state = Feed::Head(Vec::new());
    }

    /// Where the first bytes `head` (all of them when `at_end`) lead.
    fn after_head(&self, head: &[u8], at_end: bool) -> Feed {
        match Table::open_head(head, at_end, InputFile::GrandLivre, COLUMNS) {
            Some((mut table, used)) => {
                if let Some(decoder) = &self.decoder {
                    table.decoded(decoder.single());
                }
                self.rows(table, &head[used..])
            }
            None if source::whole_only(head) => Feed::Whole,
            None if source::not_utf8(head) => self.stopped(),
            None if at_end || head.len() > 16 * CHUNK => Feed::Whole,
            None => Feed::Head(head.to_vec()),
        }
    }

    /// The header read: the reader of the rows, given the first of them.
    fn rows(&self, mut table: Table<'static>, first: &[u8]) -> Feed {
        // A header the ledger cannot use is said by the whole reading, with the same words.
        let Ok((mut reader, mut diagnostics)) = LedgerReader::new(&table, self.period) else { return Feed::Whole };
        if !table.feed(first, &mut diagnostics, |row, diags| reader.row(&row, diags)) {
            return self.stopped();
        }
        Feed::Rows(Box::new((table, reader, diagnostics)))
    }
}

/// Fills `buffer` as far as the source allows (0: the end of the file).
fn read_some(source: &mut impl Read, buffer: &mut [u8]) -> io::Result<usize> {
    let mut filled = 0;
    while filled < buffer.len() {
        match source.read(&mut buffer[filled..]) {
            Ok(0) => break,
            Ok(n) => filled += n,
            Err(e) if e.kind() == io::ErrorKind::Interrupted => {}
            Err(e) => return Err(e),
        }
    }
    Ok(filled)
}

/// The file read whole from its start, for what cannot be read in pieces.
fn whole(mut source: impl Read + Seek, period: Period) -> io::Result<LedgerRead> {
    source.seek(SeekFrom::Start(0))?;
    let mut bytes = Vec::new();
    source.read_to_end(&mut bytes)?;
    Ok(Ledger::read(&bytes, period))
}

/// What the reader knows of the cells (account, object, certification, financer) of a line
/// already seen: its account, and its posting once a line of them has been used. The lines of
/// a posting after its first are summed here, beside the cells, and added to the posting and
/// its object once every line is read (`LedgerReader::finish`).
#[derive(Clone, Copy, Default)]
struct Known {
    account: u32,
    posting: Option<u32>,
    amount: Amount,
    lines: u32,
}

impl Known {
    fn new(account: u32, posting: Option<u32>) -> Known {
        Known { account, posting, amount: Amount::ZERO, lines: 0 }
    }
}

struct LedgerReader {
    ledger: Ledger,
    /// The column index of each role ([`Table::column`]).
    columns: [usize; 9],
    /// By the four cells: a line whose cells were seen before costs one hash lookup, not four,
    /// and no interning. Same bytes, same interned ids: the table stands for the (object,
    /// account, certification, financer) index of the postings.
    known: CellTable<Known>,
    /// The last line whose cells make a short key, read but not yet posted: it is looked up
    /// once the next line is read ([`LedgerReader::settle`] before the reader is done).
    waiting: Option<(KeptProbe, LineRead)>,
    /// Nature of each interned account; `None` out of scope.
    account_nature: Vec<Option<Nature>>,
    financer_known: Vec<bool>,
    fec: Option<FecChecks>,
    period: Period,
    signed: bool,
    /// Rows beyond the most a ledger may have were left unread.
    too_many: bool,
    /// The `F007` of each financer unknown to the rulebook, by its id: where it lies in the
    /// findings (a reader of a later part of the file drops those of financers already met).
    unknown_financers: Vec<(u32, usize)>,
}

impl LedgerReader {
    /// The reader of a ledger whose header is read: `Err` when a column it needs is missing;
    /// the findings of the parameters (`H005`).
    fn new(table: &Table<'_>, period: Period) -> Result<(LedgerReader, Vec<Diagnostic>), Diagnostic> {
        let is_fec = fec::is_fec(table);
        let missing = table.missing(COLUMNS);
        if !missing.is_empty() {
            return Err(if is_fec && missing == ["objet"] { fec::missing_object(table) } else { table.missing_columns(&missing, COLUMNS) });
        }
        let signed = table.has(MONTANT);
        if !(signed || table.has(DEBIT) || table.has(CREDIT)) {
            return Err(Diagnostic::new(
                Code::F002,
                InputFile::GrandLivre,
                format!(
                    "aucune colonne de montant : ni « debit »/« credit », ni « montant » ; colonnes trouvées : {}",
                    table.header.join(", ")
                ),
            )
            .at_line(table.header_line)
            .hint("Ajoutez les colonnes debit et credit, ou une colonne montant signée (débit positif)."));
        }
        let reader = LedgerReader {
            columns: std::array::from_fn(|role| table.column(role)),
            ledger: Ledger {
                objects: Interner::with_empty(),
                accounts: Interner::with_empty(),
                certifications: Interner::with_empty(),
                financers: Interner::with_empty(),
                object_lines: vec![ObjectLines::default()],
                ..Ledger::default()
            },
            known: CellTable::default(),
            waiting: None,
            account_nature: vec![None],
            financer_known: vec![true],
            fec: is_fec.then(|| FecChecks::new(table)),
            period,
            signed,
            too_many: false,
            unknown_financers: Vec::new(),
        };
        let mut diagnostics = Vec::new();
        if let (Some(from), Some(to)) = (period.from, period.to) {
            if from > to {
                diagnostics.push(
                    Diagnostic::new(
                        Code::H005,
                        InputFile::Parametres,
                        format!(
                            "période du {} au {} : le début est après la fin ; aucune ligne datée ne peut y entrer",
                            from.french(),
                            to.french()
                        ),
                    )
                    .hint("Inversez les deux dates de la période."),
                );
            }
        }
        Ok((reader, diagnostics))
    }

    /// One row of the file (none after the most a ledger may have).
    fn row(&mut self, row: &Row<'_>, diags: &mut Vec<Diagnostic>) {
        if self.ledger.lines_read as usize >= MAX_LEDGER_LINES {
            self.too_many = true;
            return;
        }
        self.line(row, diags);
    }

    /// The ledger once every row is read, with the once-per-file findings.
    fn finish(mut self, table: &Table<'_>, mut diagnostics: Vec<Diagnostic>) -> (Ledger, Vec<Diagnostic>) {
        self.settle(&mut diagnostics);
        if self.too_many {
            diagnostics.push(Diagnostic::new(
                Code::F001,
                InputFile::GrandLivre,
                format!("plus de {MAX_LEDGER_LINES} lignes : la suite du fichier n'a pas été lue"),
            ));
        }
        let mut recognised = table.recognised.clone();
        if let Some(checks) = self.fec.take() {
            recognised.format = "FEC".to_owned();
            checks.finish(&mut diagnostics);
        }
        self.flush_known();
        let mut ledger = self.ledger;
        ledger.recognised = Some(recognised);
        summarise(&ledger, self.period, table.has(DATE), &mut diagnostics);
        (ledger, diagnostics)
    }

    /// Adds the lines summed beside their cells to their postings and objects (once: the
    /// table is emptied).
    fn flush_known(&mut self) {
        debug_assert!(self.waiting.is_none(), "a line left waiting for its lookup");
        let ledger = &mut self.ledger;
        for known in std::mem::take(&mut self.known).values() {
            if let (Some(i), lines @ 1..) = (known.posting, known.lines) {
                let p = &mut ledger.postings[i as usize];
                p.amount += known.amount;
                p.lines += lines;
                ledger.object_lines[p.object as usize].lines += lines;
            }
        }
    }

    fn line(&mut self, row: &Row<'_>, diags: &mut Vec<Diagnostic>) {
        let ledger = &mut self.ledger;
        ledger.lines_read += 1;
        if self.fec.as_ref().is_some_and(|checks| !checks.shape(row, diags)) {
            ledger.unreadable.add(row.line(), Amount::ZERO);
            return;
        }
        let Some(net) = net_amount(row, &self.columns, self.signed, diags) else {
            ledger.unreadable.add(row.line(), Amount::ZERO);
            return;
        };
        if let Some(checks) = &mut self.fec {
            if !checks.line(row, net, diags) {
                ledger.unreadable.add(row.line(), net);
                return;
            }
        }
        let account_bytes = row.cell_at(self.columns[COMPTE]);
        if !is_digits(account_bytes) {
            let account_text = String::from_utf8_lossy(account_bytes);
            diags.push(
                Diagnostic::new(
                    Code::F006,
                    InputFile::GrandLivre,
                    format!("compte « {account_text} » : un numéro de compte du plan comptable est attendu ; ligne écartée"),
                )
                .at_line(row.line())
                .in_column("compte")
                .hint("Le compte s'écrit en chiffres seulement, à partir de sa classe (6 charges, 7 produits, 86/87)."),
            );
            ledger.unreadable.add(row.line(), net);
            return;
        }
        let date_bytes = row.cell_at(self.columns[DATE]);
        let date = if date_bytes.is_empty() { None } else { Date::parse_bytes(date_bytes) };
        if !date_bytes.is_empty() && date.is_none() {
            let date_text = String::from_utf8_lossy(date_bytes);
            // A line whose date cannot be read is set aside like any unreadable line: an export
            // that garbles a date may have garbled the rest.
            diags.push(
                Diagnostic::new(
                    Code::F005,
                    InputFile::GrandLivre,
                    format!("date « {date_text} » invalide : AAAAMMJJ, JJ/MM/AAAA ou AAAA-MM-JJ attendu ; ligne écartée"),
                )
                .at_line(row.line())
                .in_column("date")
                .hint("Corrigez la date de la ligne dans l'export."),
            );
            ledger.unreadable.add(row.line(), net);
            return;
        }
        let object_bytes = row.cell_at(self.columns[OBJET]);
        let certification_bytes = row.cell_at(self.columns[CERTIFICATION]);
        let financer_bytes = row.cell_at(self.columns[FINANCEUR]);
        let probe = Probe::new([account_bytes, object_bytes, certification_bytes, financer_bytes]);
        // The line's slot is asked for now and looked up at the next line: its memory comes
        // while that line is read (a FEC's lines are checked one by one, in order). The line
        // before is posted first: its findings may go before this line's.
        let kept = probe.kept().filter(|_| self.fec.is_none());
        if kept.is_some() {
            self.known.prefetch(&probe);
        }
        self.settle(diags);
        let line = LineRead { line: row.line(), net, date, findings: diags.len() };
        match kept {
            Some(kept) => self.waiting = Some((kept, line)),
            None => self.post(&probe, line, diags),
        }
    }

    /// Posts the line left waiting for its lookup, if any, its cells read back from its key.
    #[inline(always)]
    fn settle(&mut self, diags: &mut Vec<Diagnostic>) {
        if let Some((kept, line)) = self.waiting.take() {
            let mut bytes = [0; SHORT];
            self.post(&kept.probe(&mut bytes), line, diags);
        }
    }

    /// Adds a line whose amount, account and date are read to its posting, or to the lines it
    /// is not used for.
    #[inline(always)]
    fn post(&mut self, probe: &Probe<'_>, line: LineRead, diags: &mut Vec<Diagnostic>) {
        let LineRead { line, net, date, findings } = line;
        let ledger = &mut self.ledger;
        let account_bytes = probe.cells()[0];
        let known = self.known.get_mut(probe);
        let account = match &known {
            Some(k) => k.account,
            None => {
                let account = ledger.accounts.id(account_bytes);
                if account as usize == self.account_nature.len() {
                    self.account_nature.push(Nature::of_account(ledger.accounts.name(account)));
                }
                account
            }
        };
        let Some(nature) = self.account_nature[account as usize] else {
            ledger.out_of_scope.add(line, net);
            if known.is_none() {
                self.known.insert(probe, Known::new(account, None));
            }
            return;
        };
        if self.period.is_set() {
            match date {
                Some(d) if !self.period.contains(d) => {
                    ledger.outside_period.add(line, net);
                    if known.is_none() {
                        self.known.insert(probe, Known::new(account, None));
                    }
                    return;
                }
                None => ledger.undated_in_period.add(line, net),
                Some(_) => {}
            }
        }
        if let Some(k) = known {
            if k.posting.is_some() {
                ledger.lines_used += 1;
                k.amount += nature.amount(net);
                k.lines += 1;
                return;
            }
        }
        self.first_posting(probe, LineRead { line, net, date, findings }, account, nature, diags);
    }

    /// The first used line of these cells: interns them, makes their posting.
    #[inline(never)]
    fn first_posting(&mut self, probe: &Probe<'_>, line: LineRead, account: u32, nature: Nature, diags: &mut Vec<Diagnostic>) {
        let LineRead { line, net, findings, .. } = line;
        let amount = nature.amount(net);
        let ledger = &mut self.ledger;
        let [_, object_bytes, certification_bytes, financer_bytes] = *probe.cells();
        let object = ledger.objects.id(object_bytes);
        if object as usize == ledger.object_lines.len() {
            ledger.object_lines.push(ObjectLines { first_line: line, lines: 0 });
        }
        let lines_of_object = &mut ledger.object_lines[object as usize];
        if lines_of_object.lines == 0 {
            lines_of_object.first_line = line; // id 0 (no object) is created before any line
        }
        lines_of_object.lines += 1;
        let certification = if certification_bytes.is_empty() { 0 } else { ledger.certifications.id(certification_bytes) };
        let financer = if financer_bytes.is_empty() { 0 } else { ledger.financers.id(financer_bytes) };
        if financer as usize == self.financer_known.len() {
            let code = ledger.financers.name(financer);
            let known = rulebook().financer(code).is_some();
            if !known {
                // Among the findings where the line's would have been when it was read: a line
                // posted after the next one is read keeps the findings in the file's order.
                let at = findings.min(diags.len());
                diags.insert(
                    at,
                    Diagnostic::new(
                        Code::F007,
                        InputFile::GrandLivre,
                        format!("financeur « {code} » inconnu de l'annexe 4 ; il est gardé tel quel"),
                    )
                    .at_line(line)
                    .in_column("financeur")
                    .hint("Utilisez un code de la liste des financeurs (documentation, « Catégories de financement »)."),
                );
                self.unknown_financers.push((financer, at));
            }
            self.financer_known.push(known);
        }
        ledger.lines_used += 1;
        ledger.postings.push(Posting { object, account, certification, financer, nature, amount, lines: 1, first_line: line });
        let posting = Some((ledger.postings.len() - 1) as u32);
        match self.known.get_mut(probe) {
            Some(k) => k.posting = posting,
            None => self.known.insert(probe, Known::new(account, posting)),
        }
    }
}

/// What [`LedgerReader::post`] needs of a line once its amount, account and date are read.
#[derive(Clone, Copy)]
struct LineRead {
    line: u32,
    net: Amount,
    date: Option<Date>,
    /// How many findings there were when the line was read: where its own go.
    findings: usize,
}

/// Debit − credit of a line, or `None` (with its diagnostic) when it cannot be read.
#[inline(always)]
fn net_amount(row: &Row<'_>, columns: &[usize; 9], signed: bool, diags: &mut Vec<Diagnostic>) -> Option<Amount> {
    if !signed {
        // Nearly every line: one of debit and credit, positive, the other empty.
        let (debit, credit) = (row.cell_at(columns[DEBIT]), row.cell_at(columns[CREDIT]));
        let one = match (debit.is_empty(), credit.is_empty()) {
            (false, true) => Amount::parse_bytes(debit).ok().filter(|d| d.cents() >= 0),
            (true, false) => Amount::parse_bytes(credit).ok().filter(|c| c.cents() >= 0).map(|c| -c),
            _ => None,
        };
        if one.is_some() {
            return one;
        }
    }
    net_amount_slow(row, signed, diags)
}

/// [`net_amount`] for any line but a positive debit or credit beside an empty cell.
#[inline(never)]
fn net_amount_slow(row: &Row<'_>, signed: bool, diags: &mut Vec<Diagnostic>) -> Option<Amount> {
    let read = |role: usize, column: &str, diags: &mut Vec<Diagnostic>| -> Option<Option<Amount>> {
        let bytes = row.raw(role).unwrap_or_default();
        if bytes.is_empty() {
            return Some(None);
        }
        match Amount::parse_bytes(bytes) {
            Ok(a) => Some(Some(a)),
            Err(e) => {
                let text = String::from_utf8_lossy(bytes);
                diags.push(
                    Diagnostic::new(
                        Code::F003,
                        InputFile::GrandLivre,
                        format!(
                            "{column} « {text} » illisible ({}) : un montant comme 1234,56 est attendu, au plus deux décimales ; ligne écartée",
                            e.explain()
                        ),
                    )
                    .at_line(row.line())
                    .in_column(column)
                    .hint("Corrigez la cellule : chiffres, virgule décimale, espaces de milliers admis."),
                );
                None
            }
        }
    };
    if signed && !row.get(MONTANT).is_empty() {
        let amount = read(MONTANT, "montant", diags)??;
        let sens = row.get(SENS);
        // D/C, débit/crédit, and SAP's S (Soll) / H (Haben), without regard to case or accents.
        return match normalise_header(sens).as_str() {
            "" | "d" | "debit" | "s" => Some(amount),
            "c" | "credit" | "h" => Some(-amount),
            _ => {
                diags.push(
                    Diagnostic::new(
                        Code::F003,
                        InputFile::GrandLivre,
                        format!("sens « {sens} » : D (débit) ou C (crédit) attendu, ou S/H comme SAP ; ligne écartée"),
                    )
                    .at_line(row.line())
                    .in_column("sens")
                    .hint("Le sens vaut D ou C (S ou H dans SAP), ou reste vide si le montant est signé."),
                );
                None
            }
        };
    }
    let debit = read(DEBIT, "debit", diags);
    let credit = read(CREDIT, "credit", diags);
    let (debit, credit) = (debit?, credit?);
    match (debit, credit) {
        (None, None) => {
            diags.push(
                Diagnostic::new(Code::F003, InputFile::GrandLivre, "aucun montant : débit, crédit et montant vides ; ligne écartée")
                    .at_line(row.line())
                    .hint("Renseignez le débit ou le crédit de la ligne."),
            );
            None
        }
        (Some(d), Some(c)) if !d.is_zero() && !c.is_zero() => {
            diags.push(
                Diagnostic::new(
                    Code::F004,
                    InputFile::GrandLivre,
                    format!("débit {} et crédit {} sur la même ligne : un seul des deux est attendu ; ligne écartée", french(d), french(c)),
                )
                .at_line(row.line())
                .hint("Scindez la ligne en deux, ou portez le solde d'un seul côté."),
            );
            None
        }
        (d, c) => {
            let (d, c) = (d.unwrap_or_default(), c.unwrap_or_default());
            if d.cents() < 0 || c.cents() < 0 {
                diags.push(
                    Diagnostic::new(
                        Code::F011,
                        InputFile::GrandLivre,
                        format!("débit {} / crédit {} : montant négatif, lu comme une écriture en sens inverse", french(d), french(c)),
                    )
                    .at_line(row.line())
                    .hint("Débit et crédit sont positifs ; une extourne se passe dans l'autre colonne."),
                );
            }
            Some(d - c)
        }
    }
}

/// Whether a cell is digits only, and not empty (an account number); up to 16 bytes a word or
/// two at a time.
#[inline(always)]
fn is_digits(bytes: &[u8]) -> bool {
    const ZEROS: u64 = u64::from_le_bytes([b'0'; 8]);
    const HIGH: u64 = u64::from_le_bytes([0x80; 8]);
    const BELOW_TEN: u64 = u64::from_le_bytes([0x76; 8]);
    // Every byte of a word minus '0's below 10: a byte below 0x80 plus 0x76 reaches 0x80 exactly
    // when it is 10 or more, with no carry out.
    let digits = |word: u64| {
        let x = word ^ ZEROS;
        (x | (x & !HIGH).wrapping_add(BELOW_TEN)) & HIGH == 0
    };
    let word = |at: usize| bytes.get(at..).and_then(<[u8]>::first_chunk::<8>).map_or(0, |w| u64::from_le_bytes(*w));
    let half = |at: usize| bytes.get(at..).and_then(<[u8]>::first_chunk::<4>).map_or(0, |w| u64::from(u32::from_le_bytes(*w)));
    let n = bytes.len();
    match n {
        // The first bytes and the last ones, overlapping.
        8..=16 => digits(word(0)) && digits(word(n - 8)),
        4..=7 => digits(half(0) | (half(n - 4) << 32)),
        _ => n > 0 && bytes.iter().all(u8::is_ascii_digit),
    }
}

/// The once-per-file findings: lines out of scope, out of the period, undated.
fn summarise(ledger: &Ledger, period: Period, has_date_column: bool, diagnostics: &mut Vec<Diagnostic>) {
    let c = ledger.out_of_scope;
    if c.lines > 0 {
        diagnostics.push(
            Diagnostic::new(
                Code::H001,
                InputFile::GrandLivre,
                format!(
                    "{} ligne{} hors périmètre analytique (comptes ni de classe 6 ou 7, ni 86 ou 87 : débit {}, crédit {}), non prise{} en compte",
                    c.lines,
                    if c.lines > 1 { "s" } else { "" },
                    euros(c.debit),
                    euros(c.credit),
                    if c.lines > 1 { "s" } else { "" }
                ),
            )
            .at_line(c.first_line)
            .hint("Normal pour les comptes de bilan (classes 1 à 5) ; rien à corriger."),
        );
    }
    let c = ledger.outside_period;
    if c.lines > 0 {
        diagnostics.push(
            Diagnostic::new(
                Code::H002,
                InputFile::GrandLivre,
                format!(
                    "{} ligne{} datée{} hors de la période {} – {} écartée{} (débit {}, crédit {})",
                    c.lines,
                    s(c.lines),
                    s(c.lines),
                    period.from.map_or("…".into(), Date::french),
                    period.to.map_or("…".into(), Date::french),
                    s(c.lines),
                    euros(c.debit),
                    euros(c.credit)
                ),
            )
            .at_line(c.first_line)
            .hint("Normal pour une clôture intermédiaire ; vérifiez la période si ces lignes devaient compter."),
        );
    }
    let c = ledger.undated_in_period;
    if c.lines > 0 {
        diagnostics.push(
            Diagnostic::new(
                Code::H003,
                InputFile::GrandLivre,
                format!("{} ligne{} sans date gardée{} malgré le filtre de période", c.lines, s(c.lines), s(c.lines)),
            )
            .at_line(c.first_line)
            .hint(if has_date_column {
                "Renseignez la date de ces lignes pour que le filtre de période s'applique à elles."
            } else {
                "Ajoutez la colonne date à l'export pour que le filtre de période s'applique."
            }),
        );
    }
}

fn s(n: u64) -> &'static str {
    if n > 1 { "s" } else { "" }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn account_digits_are_told_as_byte_by_byte() {
        let mut cells: Vec<Vec<u8>> = vec![b"".to_vec(), b"6".to_vec(), b"641100".to_vec(), b"0123456789012345".to_vec()];
        for n in 1..=20 {
            for at in 0..n {
                for b in [b'/', b':', b'a', b' ', 0xC3, 0x00, b'9' + 0x80] {
                    let mut cell = vec![b'7'; n];
                    cell[at] = b;
                    cells.push(cell);
                }
            }
            cells.push(vec![b'0'; n]);
        }
        for cell in &cells {
            let expected = !cell.is_empty() && cell.iter().all(u8::is_ascii_digit);
            assert_eq!(is_digits(cell), expected, "{cell:?}");
        }
    }
}
