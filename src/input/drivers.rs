//! The drivers (`inducteurs`, spec §2.3, norm Annexe 3): ETP, m², vehicles, apprentice-hours,
//! in long format, one value per row.

use super::table::{ColumnDef, Table};
use crate::diagnostic::{Code, Diagnostic, InputFile};
use crate::money::{Weight, WeightError};
use crate::rulebook::{DriverKind, NationalCode, Side, rulebook};

const INDUCTEUR: usize = 0;
const SITE: usize = 1;
const CODE: usize = 2;
const PERIMETRE: usize = 3;
const CERTIFICATION: usize = 4;
const VALEUR: usize = 5;
const HEURES: usize = 6;
const APPRENANTS: usize = 7;

pub const COLUMNS: &[ColumnDef] = &[
    ColumnDef { name: "inducteur", aliases: &[], required: true },
    ColumnDef { name: "site", aliases: &[], required: false },
    ColumnDef { name: "code", aliases: &[], required: false },
    ColumnDef { name: "perimetre", aliases: &[], required: false },
    ColumnDef { name: "certification", aliases: &[], required: false },
    ColumnDef { name: "valeur", aliases: &[], required: false },
    ColumnDef { name: "heures", aliases: &[], required: false },
    ColumnDef { name: "apprenants", aliases: &[], required: false },
];

/// One valid driver row.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DriverRow {
    pub line: u32,
    pub kind: DriverKind,
    pub site: Option<String>,
    /// The activity (3 characters) the value belongs to (`etp`, `heures_apprenants`).
    pub activity: Option<NationalCode>,
    /// The side, for `surface` and `vehicules`.
    pub side: Option<Side>,
    pub certification: Option<String>,
    pub value: Weight,
    /// `heures` and `apprenants` when the row gave them (pre-project figures).
    pub hours: Option<Weight>,
    pub learners: Option<Weight>,
}

/// All valid driver rows, in file order.
#[derive(Debug, Default)]
pub struct Drivers {
    pub rows: Vec<DriverRow>,
}

fn optional(text: &str) -> Option<String> {
    (!text.is_empty()).then(|| text.to_owned())
}

fn weight(text: &str, column: &str, line: u32, diags: &mut Vec<Diagnostic>) -> Option<Option<Weight>> {
    if text.is_empty() {
        return Some(None);
    }
    match Weight::parse(text) {
        Ok(w) => Some(Some(w)),
        Err(e) => {
            let (why, hint) = match e {
                WeightError::Negative => ("valeur négative".to_owned(), "Un inducteur ne peut pas être négatif : corrigez la valeur (0 si nul)."),
                WeightError::Invalid(e) => (e.explain().to_owned(), "Écrivez un nombre : chiffres et virgule décimale, comme 12,5."),
            };
            diags.push(
                Diagnostic::new(
                    Code::I001,
                    InputFile::Inducteurs,
                    format!(
                        "{column} « {text} » : {why} ; un nombre positif ou nul est attendu (au plus 6 décimales, au plus 1 000 000 000) ; ligne ignorée"
                    ),
                )
                .at_line(line)
                .in_column(column)
                .hint(hint),
            );
            None
        }
    }
}

impl Drivers {
    /// Reads canonical drivers. `Err` only when the file cannot be read at all.
    pub fn read(bytes: &[u8]) -> Result<(Drivers, Vec<Diagnostic>), Diagnostic> {
        let mut table = Table::open(bytes, InputFile::Inducteurs, COLUMNS)?;
        let book = rulebook();
        let mut diagnostics = Vec::new();
        let mut rows = Vec::new();
        table.for_each_row(&mut diagnostics, |row, diags| {
            let line = row.line();
            let kind_text = row.get(INDUCTEUR);
            let Some(kind) = DriverKind::parse(kind_text) else {
                diags.push(
                    Diagnostic::new(
                        Code::I003,
                        InputFile::Inducteurs,
                        format!("inducteur « {kind_text} » inconnu ; attendu : etp, surface, vehicules ou heures_apprenants ; ligne ignorée"),
                    )
                    .at_line(line)
                    .in_column("inducteur")
                    .hint("Les inducteurs sont ceux de l'annexe 3 de la norme."),
                );
                return;
            };
            let value = weight(row.get(VALEUR), "valeur", line, diags);
            let hours = weight(row.get(HEURES), "heures", line, diags);
            let learners = weight(row.get(APPRENANTS), "apprenants", line, diags);
            let (Some(value), Some(hours), Some(learners)) = (value, hours, learners) else { return };
            let product = match (hours, learners) {
                (Some(h), Some(a)) if kind == DriverKind::HeuresApprenants => match h.checked_product(a) {
                    Some(p) => Some(p),
                    None => {
                        diags.push(
                            Diagnostic::new(
                                Code::I001,
                                InputFile::Inducteurs,
                                format!("heures × apprenants = {h} × {a} : produit trop grand ou de plus de 6 décimales ; ligne ignorée"),
                            )
                            .at_line(line)
                            .hint("Vérifiez les heures et le nombre d'apprenants."),
                        );
                        return;
                    }
                },
                _ => None,
            };
            let value = match (value, product) {
                (Some(v), Some(p)) => {
                    if v != p {
                        diags.push(
                            Diagnostic::new(
                                Code::I008,
                                InputFile::Inducteurs,
                                format!("valeur {v} ≠ heures × apprenants = {p} ; la valeur {v} est retenue"),
                            )
                            .at_line(line)
                            .in_column("valeur")
                            .hint("Laissez la valeur vide pour qu'elle soit calculée, ou corrigez-la."),
                        );
                    }
                    v
                }
                (Some(v), None) => v,
                (None, Some(p)) => p,
                (None, None) => {
                    let expected = if kind == DriverKind::HeuresApprenants { "une valeur, ou heures et apprenants," } else { "une valeur" };
                    diags.push(
                        Diagnostic::new(Code::I001, InputFile::Inducteurs, format!("valeur absente : {expected} attendue ; ligne ignorée"))
                            .at_line(line)
                            .in_column("valeur")
                            .hint("Renseignez la valeur de l'inducteur (0 si nul)."),
                    );
                    return;
                }
            };
            let mut activity = None;
            let mut side = None;
            if kind.is_per_side() {
                let text = row.get(PERIMETRE);
                side = Side::parse(text);
                if side.is_none() {
                    diags.push(
                        Diagnostic::new(
                            Code::I005,
                            InputFile::Inducteurs,
                            format!("{} : périmètre « {text} » ; formation ou cma attendu ; ligne ignorée", kind.label()),
                        )
                        .at_line(line)
                        .in_column("perimetre")
                        .hint("Indiquez si la surface ou le véhicule sert la formation ou les autres activités (cma)."),
                    );
                    return;
                }
            } else {
                let text = row.get(CODE);
                let code = NationalCode::parse(text).filter(|c| book.entry(*c).is_some()).or_else(|| book.corrected_code(text));
                match code.and_then(|c| c.activity()) {
                    Some(a) => activity = Some(a),
                    None => {
                        diags.push(
                            Diagnostic::new(
                                Code::I004,
                                InputFile::Inducteurs,
                                format!(
                                    "{} : code « {text} » {} ; une activité ou action de la nomenclature v10 est attendue ; ligne ignorée",
                                    kind.label(),
                                    if text.is_empty() { "absent" } else { "inconnu" }
                                ),
                            )
                            .at_line(line)
                            .in_column("code")
                            .hint("Indiquez l'activité nationale à laquelle appartient la valeur (A03, B01…)."),
                        );
                        return;
                    }
                }
            }
            rows.push(DriverRow {
                line,
                kind,
                site: optional(row.get(SITE)),
                activity,
                side,
                certification: optional(row.get(CERTIFICATION)),
                value,
                hours,
                learners,
            });
        });
        Ok((Drivers { rows }, diagnostics))
    }
}
