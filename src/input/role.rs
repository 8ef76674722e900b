//! Recognising which input a file is from its header alone, so that a user can drop all files
//! at once (web page) and each is given its role.

use super::table::{ColumnDef, normalise_header};
use super::{drivers, ledger, mapping};

/// The role of an input file.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Role {
    GrandLivre,
    Correspondance,
    Inducteurs,
}

impl Role {
    pub const ALL: [Role; 3] = [Role::GrandLivre, Role::Correspondance, Role::Inducteurs];

    pub fn label(self) -> &'static str {
        match self {
            Role::GrandLivre => "grand-livre",
            Role::Correspondance => "correspondance",
            Role::Inducteurs => "inducteurs",
        }
    }

    pub fn columns(self) -> &'static [ColumnDef] {
        match self {
            Role::GrandLivre => ledger::COLUMNS,
            Role::Correspondance => mapping::COLUMNS,
            Role::Inducteurs => drivers::COLUMNS,
        }
    }
}

/// The role whose required columns the header has, preferring the role that recognises the most
/// columns; `None` when no role fits. Only the first line of `bytes` is looked at.
pub fn recognise(bytes: &[u8]) -> Option<Role> {
    let bytes = bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(bytes);
    let first = bytes.split(|&b| b == b'\n').next()?;
    let header = String::from_utf8_lossy(first);
    let cells: Vec<String> = header.split(';').map(normalise_header).collect();
    let has = |d: &ColumnDef| {
        std::iter::once(d.name).chain(d.aliases.iter().copied()).any(|n| cells.contains(&normalise_header(n)))
    };
    Role::ALL
        .into_iter()
        .filter(|r| r.columns().iter().filter(|d| d.required).all(has))
        .filter(|r| *r != Role::GrandLivre || ["debit", "credit", "montant"].iter().any(|c| cells.contains(&c.to_string())))
        .max_by_key(|r| (r.columns().iter().filter(|d| has(d)).count(), std::cmp::Reverse(*r)))
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
    }
}
