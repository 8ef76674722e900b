//! The FEC (fichier des écritures comptables, article A47 A-1 du LPF) read as a ledger.
//!
//! Its 18 columns map onto the ledger's by the rulebook's aliases (`CompteNum` → compte,
//! `EcritureDate` → date, …); the analytic object comes from an extra column named like `objet`.
//! This module adds the structural checks of the DGFiP's validator that the ledger reader does
//! not already make (field count and « débit et crédit » are checked for every table): the other
//! dates of a line are valid, and every entry (`JournalCode`, `EcritureNum`) balances.

use rustc_hash::FxHashMap;

use super::table::{Row, Table, normalise_header};
use crate::date::Date;
use crate::diagnostic::{Code, Diagnostic, InputFile};
use crate::money::{Amount, euros};

/// The header names that make a file a FEC.
const MARKERS: [&str; 3] = ["journalcode", "ecriturenum", "comptenum"];

/// Whether a table's header is a FEC's.
pub fn is_fec(table: &Table<'_>) -> bool {
    let header: Vec<String> = table.header.iter().map(|h| normalise_header(h)).collect();
    MARKERS.iter().all(|m| header.iter().any(|h| h == m))
}

/// The diagnostic of a FEC without an analytic column, with how to export one.
pub fn missing_object(table: &Table<'_>) -> Diagnostic {
    Diagnostic::new(
        Code::F002,
        InputFile::GrandLivre,
        format!(
            "FEC sans colonne analytique : les 18 colonnes réglementaires ne disent pas à quel objet (EOTP, centre de coûts) chaque ligne appartient ; colonnes trouvées : {}",
            table.header.join(", ")
        ),
    )
    .at_line(table.header_line)
    .hint(
        "Exportez le FEC avec une 19e colonne analytique (dans SAP : élément d'OTP ou centre de coûts ajouté à l'extraction ; \
         dans les autres logiciels : option « FEC analytique » ou « avec axes analytiques »), nommée par exemple « EOTP » ou « objet ».",
    )
}

/// An entry of the FEC: (`JournalCode`, `EcritureNum`).
type EntryKey = (Box<[u8]>, Box<[u8]>);

/// Per-file state of the FEC checks.
pub struct FecChecks {
    number: Option<usize>,
    journal: Option<usize>,
    /// The FEC's field count: every line must have it (DGFiP validator).
    width: usize,
    other_dates: Vec<(usize, String)>,
    /// Net (debit − credit) and first line of each entry.
    entries: FxHashMap<EntryKey, (Amount, u32)>,
}

impl FecChecks {
    pub fn new(table: &Table<'_>) -> FecChecks {
        let index = |name: &str| table.header.iter().position(|h| normalise_header(h) == name);
        FecChecks {
            width: table.header.iter().rposition(|h| !h.is_empty()).map_or(0, |i| i + 1),
            number: index("ecriturenum"),
            journal: index("journalcode"),
            other_dates: ["PieceDate", "ValidDate"]
                .iter()
                .filter_map(|n| index(&normalise_header(n)).map(|i| (i, (*n).to_owned())))
                .collect(),
            entries: FxHashMap::default(),
        }
    }

    /// The field count of a line, checked before anything is read from it.
    pub fn shape(&self, row: &Row<'_>, diags: &mut Vec<Diagnostic>) -> bool {
        if row.len() < self.width {
            diags.push(
                Diagnostic::new(
                    Code::F004,
                    InputFile::GrandLivre,
                    format!("{} champs trouvés, {} attendus (comme l'en-tête du FEC) ; ligne écartée", row.len(), self.width),
                )
                .at_line(row.line())
                .hint("Le FEC exige le même nombre de champs sur chaque ligne : fichier tronqué ou séparateur dans un libellé ?"),
            );
            return false;
        }
        true
    }

    /// Checks one readable line; `false` when it must be set aside (a date is invalid).
    pub fn line(&mut self, row: &Row<'_>, net: Amount, diags: &mut Vec<Diagnostic>) -> bool {
        for (i, name) in &self.other_dates {
            let text = row.cell_text(*i);
            if !text.is_empty() && Date::parse(&text).is_none() {
                diags.push(
                    Diagnostic::new(Code::F005, InputFile::GrandLivre, format!("{name} « {text} » invalide : AAAAMMJJ attendu ; ligne écartée"))
                        .at_line(row.line())
                        .in_column(name.clone())
                        .hint("Le FEC exige des dates AAAAMMJJ valides dans EcritureDate, PieceDate et ValidDate."),
                );
                return false;
            }
        }
        let key = |i: Option<usize>| -> Box<[u8]> { i.and_then(|i| row.cell(i)).unwrap_or_default().into() };
        let entry = self.entries.entry((key(self.journal), key(self.number))).or_insert_with(|| (Amount::ZERO, row.line()));
        entry.0 += net;
        true
    }

    /// Every entry whose debits and credits differ.
    pub fn finish(self, diags: &mut Vec<Diagnostic>) {
        let mut unbalanced: Vec<_> = self.entries.into_iter().filter(|(_, (net, _))| !net.is_zero()).collect();
        unbalanced.sort_by_key(|(_, (_, line))| *line);
        for ((journal, number), (net, line)) in unbalanced {
            let side = if net.cents() > 0 { "débit" } else { "crédit" };
            let net = if net.cents() > 0 { net } else { -net };
            diags.push(
                Diagnostic::new(
                    Code::F004,
                    InputFile::GrandLivre,
                    format!(
                        "écriture {} du journal {} déséquilibrée : excédent au {side} de {} (une écriture doit avoir autant de débit que de crédit)",
                        String::from_utf8_lossy(&number),
                        String::from_utf8_lossy(&journal),
                        euros(net)
                    ),
                )
                .at_line(line)
                .hint("Le FEC est incomplet ou une ligne de l'écriture a été écartée : vérifiez les lignes de cette écriture."),
            );
        }
    }
}
