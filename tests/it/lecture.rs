//! Reading at speed without changing a thing: the splitter's fast path and its `csv_core` path
//! give the `csv` crate's records, cells and line numbers on random text, whole or in pieces.

use cma_analytique::input::records::Splitter;
use proptest::prelude::*;

/// (cells, line) of every record, as the reader did before the fast path: the `csv` crate
/// (flexible, no headers) and the line of the first byte of the record that is not a line end.
fn with_csv_crate(text: &[u8], separator: u8) -> Vec<(Vec<Vec<u8>>, u32)> {
    let mut reader = csv::ReaderBuilder::new().delimiter(separator).has_headers(false).flexible(true).from_reader(text);
    let mut record = csv::ByteRecord::new();
    let mut out = Vec::new();
    while reader.read_byte_record(&mut record).expect("csv_core never fails") {
        let start = record.position().map_or(0, |p| p.byte()) as usize;
        let first = start + text[start..].iter().take_while(|&&b| b == b'\r' || b == b'\n').count();
        let line = text[..first].iter().filter(|&&b| b == b'\n').count() as u32 + 1;
        out.push((record.iter().map(<[u8]>::to_vec).collect(), line));
    }
    out
}

/// The same with the splitter, the text cut after the line ends at `cuts` (fractions of its
/// length): the header first, then each piece.
fn with_splitter(text: &[u8], separator: u8, cuts: &[usize]) -> Vec<(Vec<Vec<u8>>, u32)> {
    let mut splitter = Splitter::new(separator);
    let mut out = Vec::new();
    let (header, used) = splitter.header(text, true);
    out.extend(header);
    let rest = &text[used..];
    // Pieces end after a `\n`, as the chunked reader gives them.
    let mut ends: Vec<usize> = cuts
        .iter()
        .filter_map(|&c| {
            let at = c % (rest.len() + 1);
            memchr::memrchr(b'\n', &rest[..at]).map(|i| i + 1)
        })
        .collect();
    ends.sort_unstable();
    ends.dedup();
    let mut start = 0;
    for end in ends {
        splitter.split(&rest[start..end], false, |r| out.push(((0..r.len()).map(|i| r.cell(i).unwrap().to_vec()).collect(), r.line)));
        start = end;
    }
    splitter.split(&rest[start..], true, |r| out.push(((0..r.len()).map(|i| r.cell(i).unwrap().to_vec()).collect(), r.line)));
    out
}

fn text_strategy() -> impl Strategy<Value = (Vec<u8>, u8)> {
    let separator = proptest::sample::select(vec![b';', b',', b'\t', b'|']);
    separator.prop_flat_map(|sep| {
        // Mostly plain cells; quotes, CR and LF often enough to meet every case.
        let byte = prop_oneof![
            30 => proptest::sample::select(b"abcXYZ019 .-".to_vec()),
            8 => Just(sep),
            5 => Just(b'\n'),
            2 => Just(b'\r'),
            2 => Just(b'"'),
            1 => proptest::sample::select(vec![0xC3, 0xA9, 0xEF, 0xBB, 0xBF]),
        ];
        (proptest::collection::vec(byte, 0..400), Just(sep))
    })
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(2000))]

    #[test]
    fn the_splitter_gives_the_csv_crate_records((text, separator) in text_strategy(),
                                                 cuts in proptest::collection::vec(0usize..10_000, 0..6)) {
        let expected = with_csv_crate(&text, separator);
        prop_assert_eq!(&with_splitter(&text, separator, &[]), &expected, "whole: {:?}", String::from_utf8_lossy(&text));
        prop_assert_eq!(&with_splitter(&text, separator, &cuts), &expected, "in pieces {:?}: {:?}", cuts, String::from_utf8_lossy(&text));
    }

    #[test]
    fn plain_lines_give_the_csv_crate_records(lines in proptest::collection::vec(proptest::collection::vec("[a-z0-9 ,.-]{0,12}", 1..10), 0..40),
                                              crlf in any::<bool>()) {
        let end = if crlf { "\r\n" } else { "\n" };
        let text: String = lines.iter().map(|cells| cells.join(";") + end).collect();
        prop_assert_eq!(with_splitter(text.as_bytes(), b';', &[]), with_csv_crate(text.as_bytes(), b';'));
    }
}

#[test]
fn quoted_records_and_lone_carriage_returns() {
    let text = b"a;b\r\n\"x;1\";2\n3;\"multi\nline\";4\n5\r6;7\n\n\"open;8\n9;10\n";
    let expected = with_csv_crate(text, b';');
    assert_eq!(expected.len(), 6, "{expected:?}");
    for cut in 0..text.len() {
        assert_eq!(with_splitter(text, b';', &[cut]), expected, "cut at {cut}");
    }
    let mut splitter = Splitter::new(b';');
    let (_, used) = splitter.header(text, true);
    splitter.split(&text[used..], true, |_| {});
    // « 6;7 » alone is plain: the header is read by csv_core, as are the quoted records and « 5\r ».
    assert_eq!((splitter.work.plain, splitter.work.quoted), (1, 5));
}
