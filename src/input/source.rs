//! What a file is, and its rows as UTF-8 text: the first stage of every reader.
//!
//! Chambers export from SAP, Excel and their accounting software: CSV in UTF-8 (with or
//! without BOM), Windows-1252 or ISO-8859-15, UTF-16 « texte Unicode » from Excel, separated by
//! `;` `,` TAB or `|`; or workbooks (XLSX, XLS, ODS). Everything becomes UTF-8 delimited text
//! here, once, so that the row readers see one shape. UTF-8 input is borrowed, never copied.

use std::borrow::Cow;

use super::sheet;
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
    let mut utf8_line = None;
    let mut other_line = None;
    for (i, line) in bytes.split(|&b| b == b'\n').enumerate() {
        if line.is_ascii() {
            continue;
        }
        if std::str::from_utf8(line).is_ok() {
            utf8_line.get_or_insert(i + 1);
        } else {
            other_line.get_or_insert(i + 1);
        }
        if utf8_line.is_some() && other_line.is_some() {
            break;
        }
    }
    let single = single_byte_encoding(bytes);
    if let (Some(u), Some(o)) = (utf8_line, other_line) {
        let mut text = Vec::with_capacity(bytes.len() + bytes.len() / 8);
        for (i, line) in bytes.split(|&b| b == b'\n').enumerate() {
            if i > 0 {
                text.push(b'\n');
            }
            match std::str::from_utf8(line) {
                Ok(_) => text.extend_from_slice(line),
                Err(_) => text.extend_from_slice(single.0.decode_without_bom_handling(line).0.as_bytes()),
            }
        }
        findings.push(
            Diagnostic::new(
                Code::F009,
                file,
                format!(
                    "encodages mêlés : la ligne {u} est en UTF-8, la ligne {o} en {} ; chaque ligne est lue dans son encodage",
                    single.1
                ),
            )
            .at_line(o as u32)
            .hint("Le fichier a été assemblé à partir de plusieurs exports : vérifiez les accents et réenregistrez-le en « CSV UTF-8 »."),
        );
        return (Cow::Owned(text), "mixte");
    }
    findings.push(
        Diagnostic::new(Code::F008, file, format!("encodage {} détecté (le fichier n'est pas en UTF-8), converti", single.1))
            .hint("Rien à faire si les accents s'affichent bien dans les diagnostics ; sinon, réenregistrez le fichier en « CSV UTF-8 »."),
    );
    let (text, _) = single.0.decode_without_bom_handling(bytes);
    (Cow::Owned(text.into_owned().into_bytes()), single.1)
}

/// Bytes 0x80–0x9F are printable only in Windows-1252 (€ ’ œ …); without them, the bytes where
/// ISO-8859-15 differs from Latin-1 (€ Š š Ž ž Œ œ Ÿ, rare as ¤ ¦ ¨ ´ ¸ ¼ ½ ¾ in French text)
/// point to ISO-8859-15. Otherwise both agree on every byte used: Windows-1252 is named.
fn single_byte_encoding(bytes: &[u8]) -> (&'static encoding_rs::Encoding, &'static str) {
    if bytes.iter().any(|b| (0x80..=0x9F).contains(b)) {
        return (encoding_rs::WINDOWS_1252, "Windows-1252");
    }
    if bytes.iter().any(|b| matches!(b, 0xA4 | 0xA6 | 0xA8 | 0xB4 | 0xB8 | 0xBC | 0xBD | 0xBE)) {
        return (encoding_rs::ISO_8859_15, "ISO-8859-15");
    }
    (encoding_rs::WINDOWS_1252, "Windows-1252")
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
