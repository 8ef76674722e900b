//! Recognising which input a file is from its header alone, so that a user can drop all files
//! at once (web page) and each is given its role.

use super::{sheet, source};
use super::table::{ColumnDef, normalise_header, recognised_names};
use super::{drivers, ledger, mapping};
use crate::diagnostic::InputFile;

/// The role of an input file.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Role {
    GrandLivre,
    Correspondance,
    Inducteurs,
    /// The staff file of the ETP calculator (spec §6).
    Personnel,
}

impl Role {
    /// Every file the tool reads.
    pub const ALL: [Role; 4] = [Role::GrandLivre, Role::Correspondance, Role::Inducteurs, Role::Personnel];
    /// The three inputs of a computation.
    pub const INPUTS: [Role; 3] = [Role::GrandLivre, Role::Correspondance, Role::Inducteurs];

    pub fn label(self) -> &'static str {
        match self {
            Role::GrandLivre => "grand-livre",
            Role::Correspondance => "correspondance",
            Role::Inducteurs => "inducteurs",
            Role::Personnel => "personnel",
        }
    }

    pub fn columns(self) -> &'static [ColumnDef] {
        match self {
            Role::GrandLivre => ledger::COLUMNS,
            Role::Correspondance => mapping::COLUMNS,
            Role::Inducteurs => drivers::COLUMNS,
            Role::Personnel => crate::etp::COLUMNS,
        }
    }
}

/// The role whose required columns the header has, preferring the role that recognises the most
/// columns; `None` when no role fits. The file is decoded as its reader would (encoding,
/// separator) and only its header line is looked at. In a workbook, each role is tried on the
/// sheet its reader would read (the one named like it, else the first), from that sheet's first
/// row with a value: a workbook whose first sheet is a note and whose second is named
/// « Grand livre » is a ledger.
pub fn recognise(bytes: &[u8]) -> Option<Role> {
    if let Some(mut workbook) = sheet::Headers::open(bytes) {
        // Each sheet read once: most roles fall back to the first.
        let mut rows: Vec<(String, Option<Vec<String>>)> = Vec::new();
        return best(|role| {
            let name = workbook.sheet_for(role.label())?;
            let i = rows.iter().position(|(n, _)| *n == name).unwrap_or_else(|| {
                let row = workbook.first_row(&name).map(|row| row.iter().map(|c| normalise_header(c)).collect());
                rows.push((name, row));
                rows.len() - 1
            });
            rows[i].1.clone()
        });
    }
    let decoded = source::decode(bytes, InputFile::Calcul, "").ok()?;
    let text = &decoded.text;
    let first = text.split(|&b| b == b'\n').find(|l| !l.trim_ascii().is_empty())?;
    let mut reader = csv::ReaderBuilder::new()
        .delimiter(decoded.recognised.separator)
        .has_headers(false)
        .flexible(true)
        .from_reader(first);
    let record = reader.records().next()?.ok()?;
    let cells: Vec<String> = record.iter().map(normalise_header).collect();
    best(|_| Some(cells.clone()))
}

/// The role that fits its header best: `header(role)`, the normalised cells of the header its
/// reader would see, has every required column (and an amount column for the ledger); the most
/// columns recognised wins, the first role of [`Role::ALL`] on a tie.
fn best(mut header: impl FnMut(Role) -> Option<Vec<String>>) -> Option<Role> {
    let mut score = |role: Role| {
        let cells = header(role)?;
        let has = |d: &ColumnDef| recognised_names(role.label(), d).iter().any(|n| cells.contains(n));
        let complete = role.columns().iter().filter(|d| d.required).all(has)
            && (role != Role::GrandLivre || role.columns().iter().filter(|d| ledger::AMOUNT_COLUMNS.contains(&d.name)).any(has));
        complete.then(|| role.columns().iter().filter(|d| has(d)).count())
    };
    Role::ALL.into_iter().filter_map(|r| score(r).map(|s| (s, std::cmp::Reverse(r)))).max().map(|(_, r)| r.0)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn each_input_is_recognised_by_its_header() {
        assert_eq!(recognise(b"compte;objet;debit;credit\n"), Some(Role::GrandLivre));
        assert_eq!(recognise(b"\xEF\xBB\xBFCompte;Objet;Montant;Sens\r\n"), Some(Role::GrandLivre));
        assert_eq!(recognise(b"objet;code;site\n"), Some(Role::Correspondance));
        assert_eq!(recognise(b"inducteur;site;code;valeur\n"), Some(Role::Inducteurs));
        assert_eq!(recognise(b"nom;prenom\n"), None);
        assert_eq!(recognise(b""), None);
        assert_eq!(recognise("Compte général\tÉlément d'OTP\tMontant en devise interne\n".as_bytes()), Some(Role::GrandLivre));
        assert_eq!(recognise(b"Objet analytique,Code national\n"), Some(Role::Correspondance));
        assert_eq!(recognise(b"matricule;code;site;contrat;quotite;mois\n"), Some(Role::Personnel));
    }
}
