//! What lies behind a figure: the ledger lines of an activity, a certification, a pool or the
//! « non rattaché » amounts, and the raw cells of any line a diagnostic points at.
//!
//! The ledger reader sums lines into postings and keeps none of them. The drill-down reads the
//! ledger bytes again, keeps exactly the lines the reader keeps (same amount, account, date and
//! period rules, same line bound) and sends each to the destination the allocation gives its
//! object. `tests/it/detail.rs` checks on every hand-worked case and on the built-in example
//! that the lines behind each figure add up to it, so that the two readings cannot drift apart.

use serde::Serialize;

use crate::allocate::PoolKey;
use crate::date::Date;
use crate::diagnostic::{Diagnostic, InputFile};
use crate::input::ledger::{self, Period};
use crate::input::mapping::MappingRow;
use crate::input::table::{Row, Table};
use crate::input::{Mappings, Nature};
use crate::money::{Amount, MAX_LEDGER_LINES};
use crate::rulebook::{Family, NationalCode, rulebook};

/// Where the allocation sends the amount of one ledger line.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Destination {
    /// Charged or credited directly to an operational activity (inside B01, to a certification).
    Receiver { activity: NationalCode, certification: Option<String> },
    /// Into a pool of indirect costs (axis D, piloting, B01 without certification).
    Pool(PoolKey),
    /// The object is not (validly) in the mapping: « non rattaché ».
    Unmapped,
    /// Mapped to a code that is neither an activity nor an action (counted, sent nowhere).
    Nowhere,
}

/// The destination of a line whose object the mapping gives as `row` (spec §4, steps 1–2).
pub fn destination(row: Option<&MappingRow>, account: &str, line_certification: Option<&str>, nature: Nature) -> Destination {
    let book = rulebook();
    let Some(row) = row else { return Destination::Unmapped };
    let Some(activity) = row.code.activity() else { return Destination::Nowhere };
    if book.is_operational(activity) {
        if activity != book.apprenticeship() {
            return Destination::Receiver { activity, certification: None };
        }
        let certification = line_certification.map(str::to_owned).or_else(|| row.certification.clone());
        return match certification {
            Some(c) => Destination::Receiver { activity, certification: Some(c) },
            None => Destination::Pool(PoolKey { code: activity, family: Family::B01Commun, site: row.site.clone() }),
        };
    }
    let family = row.family.unwrap_or_else(|| {
        let premises = activity.axis() == b'D' && nature == Nature::Charge && book.is_premises_account(account);
        if premises { Family::Locaux } else { book.default_family(row.code).unwrap_or(Family::Support) }
    });
    Destination::Pool(PoolKey { code: activity, family, site: row.site.clone() })
}

/// A figure of the results whose lines can be listed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Figure {
    /// The direct amounts of an activity, all sites; inside B01, of one certification when given
    /// (without one: every certification of B01).
    Activity { activity: NationalCode, certification: Option<String> },
    /// The amounts gathered in a pool.
    Pool(PoolKey),
    /// Amounts of objects the mapping does not (validly) tie.
    Unmapped,
}

impl Figure {
    fn contains(&self, destination: &Destination) -> bool {
        match (self, destination) {
            (Figure::Activity { activity, certification }, Destination::Receiver { activity: a, certification: c }) => {
                a == activity && (certification.is_none() || certification == c)
            }
            (Figure::Pool(key), Destination::Pool(k)) => key == k,
            (Figure::Unmapped, Destination::Unmapped) => true,
            _ => false,
        }
    }
}

/// One ledger line as the drill-down shows it. `montant` is signed as the results count it:
/// debit − credit for a charge, credit − debit for a product.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct LedgerLine {
    pub ligne: u32,
    pub date: String,
    pub compte: String,
    pub objet: String,
    pub certification: String,
    pub financeur: String,
    pub libelle: String,
    pub piece: String,
    pub journal: String,
    pub nature: &'static str,
    pub montant: Amount,
}

/// The lines behind a figure: all of them counted and summed, the first `limit` listed.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct Detail {
    pub lignes: Vec<LedgerLine>,
    pub nombre: u64,
    pub charges: Amount,
    pub produits: Amount,
    /// True when more lines matched than were listed.
    pub tronque: bool,
}

/// Column of the ledger with a given canonical name (their order belongs to `input::ledger`).
fn column(name: &str) -> usize {
    ledger::COLUMNS.iter().position(|c| c.name == name).unwrap_or(usize::MAX)
}

/// The ledger lines behind `figure` (of one `nature` when given), as `run` would count them with
/// the same `mappings` and `period`. `Err` when the ledger cannot be read at all.
pub fn lines_behind(
    ledger_bytes: &[u8],
    mappings: &Mappings,
    period: Period,
    figure: &Figure,
    nature: Option<Nature>,
    limit: usize,
) -> Result<Detail, Diagnostic> {
    let mut table = Table::open(ledger_bytes, InputFile::GrandLivre, ledger::COLUMNS)?;
    let columns = Columns::new(&table);
    let mut detail = Detail::default();
    let mut read: usize = 0;
    let mut ignored = Vec::new();
    table.for_each_row(&mut ignored, |row, _| {
        if read >= MAX_LEDGER_LINES {
            return;
        }
        read += 1;
        let Some(kept) = columns.kept_line(&row, period) else { return };
        if nature.is_some_and(|n| n != kept.nature) {
            return;
        }
        let object = lossy(row.raw(columns.objet));
        let mapping_row = (!object.is_empty()).then(|| mappings.objects.get(&object)).flatten();
        let certification = row.raw(columns.certification).filter(|c| !c.is_empty()).map(|c| String::from_utf8_lossy(c));
        if !figure.contains(&destination(mapping_row, &kept.account, certification.as_deref(), kept.nature)) {
            return;
        }
        detail.nombre += 1;
        match kept.nature {
            Nature::Charge => detail.charges += kept.amount,
            Nature::Product => detail.produits += kept.amount,
        }
        if detail.lignes.len() >= limit {
            detail.tronque = true;
            return;
        }
        detail.lignes.push(LedgerLine {
            ligne: row.line(),
            date: row.get(columns.date).to_owned(),
            compte: kept.account,
            objet: object,
            certification: certification.map(|c| c.into_owned()).unwrap_or_default(),
            financeur: row.get(columns.financeur).to_owned(),
            libelle: row.get(columns.libelle).to_owned(),
            piece: row.get(columns.piece).to_owned(),
            journal: row.get(columns.journal).to_owned(),
            nature: match kept.nature {
                Nature::Charge => "charge",
                Nature::Product => "produit",
            },
            montant: kept.amount,
        });
    });
    Ok(detail)
}

fn lossy(bytes: Option<&[u8]>) -> String {
    String::from_utf8_lossy(bytes.unwrap_or_default()).into_owned()
}

/// A line the ledger reader keeps: its account, nature and amount in results terms.
struct KeptLine {
    account: String,
    nature: Nature,
    amount: Amount,
}

struct Columns {
    signed: bool,
    compte: usize,
    objet: usize,
    debit: usize,
    credit: usize,
    montant: usize,
    sens: usize,
    date: usize,
    certification: usize,
    financeur: usize,
    libelle: usize,
    piece: usize,
    journal: usize,
}

impl Columns {
    fn new(table: &Table<'_>) -> Columns {
        let montant = column("montant");
        Columns {
            signed: table.has(montant),
            compte: column("compte"),
            objet: column("objet"),
            debit: column("debit"),
            credit: column("credit"),
            montant,
            sens: column("sens"),
            date: column("date"),
            certification: column("certification"),
            financeur: column("financeur"),
            libelle: column("libelle"),
            piece: column("piece"),
            journal: column("journal"),
        }
    }

    /// The rules of `Ledger::read`, without the findings: a line whose amount, account or date
    /// cannot be read, out of scope, or dated outside the period is not kept.
    fn kept_line(&self, row: &Row<'_>, period: Period) -> Option<KeptLine> {
        let net = self.net_amount(row)?;
        let account = row.raw(self.compte).unwrap_or_default();
        if account.is_empty() || !account.iter().all(u8::is_ascii_digit) {
            return None;
        }
        let account = String::from_utf8_lossy(account).into_owned();
        let date_text = row.get(self.date);
        let date = if date_text.is_empty() { None } else { Some(Date::parse(date_text)?) };
        let nature = Nature::of_account(&account)?;
        if period.is_set() && date.is_some_and(|d| !period.contains(d)) {
            return None;
        }
        Some(KeptLine { account, nature, amount: nature.amount(net) })
    }

    /// Debit − credit, with the ledger's two forms (debit/credit, or signed montant and sens).
    fn net_amount(&self, row: &Row<'_>) -> Option<Amount> {
        let cell = |role: usize| -> Result<Option<Amount>, ()> {
            match row.raw(role).unwrap_or_default() {
                b"" => Ok(None),
                bytes => Amount::parse_bytes(bytes).map(Some).map_err(|_| ()),
            }
        };
        if self.signed && !row.get(self.montant).is_empty() {
            let amount = cell(self.montant).ok()??;
            return match row.get(self.sens).to_ascii_uppercase().as_str() {
                "" | "D" | "DEBIT" | "DÉBIT" => Some(amount),
                "C" | "CREDIT" | "CRÉDIT" => Some(-amount),
                _ => None,
            };
        }
        match (cell(self.debit).ok()?, cell(self.credit).ok()?) {
            (None, None) => None,
            (Some(d), Some(c)) if !d.is_zero() && !c.is_zero() => None,
            (d, c) => Some(d.unwrap_or_default() - c.unwrap_or_default()),
        }
    }
}

/// A line of an input file cut into its cells, beside the header's cells.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct RawLine {
    pub ligne: u32,
    pub entete: Vec<String>,
    pub cellules: Vec<String>,
}

/// Longest line shown (a garbled file may have no line breaks at all).
const RAW_LINE_LIMIT: usize = 16 * 1024;

/// The cells of physical line `line` (1-based, as diagnostics count) of a `;`-separated file,
/// with the header's cells; `None` when the file has no such line.
pub fn raw_line(bytes: &[u8], line: u32) -> Option<RawLine> {
    let bytes = bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(bytes);
    let text_of = |n: u32| -> Option<&[u8]> {
        let mut start = 0;
        for _ in 1..n {
            start += bytes.get(start..)?.iter().position(|&b| b == b'\n')? + 1;
        }
        let rest = bytes.get(start..)?;
        let end = rest.iter().position(|&b| b == b'\n').unwrap_or(rest.len());
        (start < bytes.len() || n == 1).then_some(&rest[..end.min(RAW_LINE_LIMIT)])
    };
    let cells = |text: &[u8]| -> Vec<String> {
        let mut reader = csv::ReaderBuilder::new().delimiter(b';').has_headers(false).flexible(true).from_reader(text);
        let mut record = csv::ByteRecord::new();
        match reader.read_byte_record(&mut record) {
            Ok(true) => record.iter().map(|c| String::from_utf8_lossy(c).trim().to_owned()).collect(),
            _ => vec![String::from_utf8_lossy(text).trim().to_owned()],
        }
    };
    if line == 0 {
        return None;
    }
    let header = cells(text_of(1)?);
    let cellules = cells(text_of(line)?);
    Some(RawLine { ligne: line, entete: header, cellules })
}

#[cfg(test)]
mod tests {
    use super::*;

    const MAPPING: &[u8] = b"objet;code;site;certification;rubrique_fc;cle\n\
        CONSEIL;A01;;;;\n\
        CAP;B01;Nord;CAP Cuisine;;\n\
        CFA;B01;Nord;;;\n\
        LOCAL;D10;;;;\n\
        COMPTA;D0301;Sud;;;\n";

    fn mappings() -> Mappings {
        Mappings::read(MAPPING).expect("mapping").0
    }

    #[test]
    fn each_line_goes_where_the_allocation_sends_it() {
        let m = mappings();
        let row = |o: &str| m.objects.get(o);
        let code = |c: &str| NationalCode::parse(c).unwrap();
        assert_eq!(
            destination(row("CONSEIL"), "641100", None, Nature::Charge),
            Destination::Receiver { activity: code("A01"), certification: None }
        );
        assert_eq!(
            destination(row("CAP"), "641100", None, Nature::Charge),
            Destination::Receiver { activity: code("B01"), certification: Some("CAP Cuisine".into()) }
        );
        // The line's certification prevails over the mapping's.
        assert_eq!(
            destination(row("CAP"), "641100", Some("BP Coiffure"), Nature::Charge),
            Destination::Receiver { activity: code("B01"), certification: Some("BP Coiffure".into()) }
        );
        assert_eq!(
            destination(row("CFA"), "641100", None, Nature::Product),
            Destination::Pool(PoolKey { code: code("B01"), family: Family::B01Commun, site: Some("Nord".into()) })
        );
        // Premises accounts of an axis-D object go to its « locaux » pool, products do not.
        assert_eq!(
            destination(row("COMPTA"), "613200", None, Nature::Charge),
            Destination::Pool(PoolKey { code: code("D03"), family: Family::Locaux, site: Some("Sud".into()) })
        );
        assert_eq!(
            destination(row("COMPTA"), "758000", None, Nature::Product),
            Destination::Pool(PoolKey { code: code("D03"), family: Family::Support, site: Some("Sud".into()) })
        );
        assert_eq!(destination(None, "641100", None, Nature::Charge), Destination::Unmapped);
    }

    #[test]
    fn the_lines_behind_a_figure_are_those_the_reader_keeps() {
        let ledger = "compte;objet;debit;credit;date;libelle\n\
            641100;CONSEIL;100,00;;2024-03-01;Salaires\n\
            641100;CONSEIL;12,3x;;2024-03-01;illisible\n\
            706000;CONSEIL;;40,00;2024-03-02;Vente\n\
            641100;CONSEIL;5,00;;2023-12-31;hors période\n\
            401000;CONSEIL;7,00;;2024-03-01;hors périmètre\n\
            641100;AUTRE;9,00;;2024-03-01;non rattaché\n";
        let period = Period { from: Date::parse("2024-01-01"), to: None };
        let figure = Figure::Activity { activity: NationalCode::parse("A01").unwrap(), certification: None };
        let detail = lines_behind(ledger.as_bytes(), &mappings(), period, &figure, None, 10).unwrap();
        assert_eq!(detail.nombre, 2);
        assert_eq!(detail.charges, Amount::from_cents(10_000));
        assert_eq!(detail.produits, Amount::from_cents(4_000));
        assert_eq!(detail.lignes.iter().map(|l| l.ligne).collect::<Vec<_>>(), vec![2, 4]);
        assert_eq!(detail.lignes[0].libelle, "Salaires");
        let charges_only = lines_behind(ledger.as_bytes(), &mappings(), period, &figure, Some(Nature::Charge), 0).unwrap();
        assert_eq!((charges_only.nombre, charges_only.lignes.len(), charges_only.tronque), (1, 0, true));
        let unmapped = lines_behind(ledger.as_bytes(), &mappings(), period, &Figure::Unmapped, None, 10).unwrap();
        assert_eq!((unmapped.nombre, unmapped.charges), (1, Amount::from_cents(900)));
    }

    #[test]
    fn a_line_is_shown_cut_into_its_cells() {
        let file = "\u{feff}compte;objet;libelle\n641100;A;\"x;y\"\n\n706000;B;z";
        let line = raw_line(file.as_bytes(), 2).unwrap();
        assert_eq!(line.entete, ["compte", "objet", "libelle"]);
        assert_eq!(line.cellules, ["641100", "A", "x;y"]);
        assert_eq!(raw_line(file.as_bytes(), 4).unwrap().cellules, ["706000", "B", "z"]);
        assert_eq!(raw_line(file.as_bytes(), 5), None);
        assert_eq!(raw_line(file.as_bytes(), 0), None);
    }
}
