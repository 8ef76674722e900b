//! The mapping (`correspondance`, spec §2.2, norm §V.a and Annexe 5): each of the chamber's
//! analytic objects tied to a national code of nomenclature v10.

use std::collections::BTreeMap;

use super::table::{ColumnDef, Table};
use crate::diagnostic::{Code, Diagnostic, InputFile};
use crate::rulebook::{Family, Heading, NationalCode, rulebook};

const OBJET: usize = 0;
const CODE: usize = 1;
const SITE: usize = 2;
const CERTIFICATION: usize = 3;
const RUBRIQUE: usize = 4;
const CLE: usize = 5;

pub const COLUMNS: &[ColumnDef] = &[
    ColumnDef { name: "objet", aliases: &[], required: true },
    ColumnDef { name: "code", aliases: &[], required: true },
    ColumnDef { name: "site", aliases: &[], required: false },
    ColumnDef { name: "certification", aliases: &[], required: false },
    ColumnDef { name: "rubrique_fc", aliases: &[], required: false },
    ColumnDef { name: "cle", aliases: &[], required: false },
];

/// One valid line of the mapping.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MappingRow {
    pub line: u32,
    pub object: String,
    pub code: NationalCode,
    pub site: Option<String>,
    pub certification: Option<String>,
    pub heading: Option<Heading>,
    pub family: Option<Family>,
}

impl MappingRow {
    /// Two lines tie an object the same way when everything but the line number agrees.
    fn same_as(&self, other: &MappingRow) -> bool {
        (self.code, &self.site, &self.certification, self.heading, self.family)
            == (other.code, &other.site, &other.certification, other.heading, other.family)
    }
}

/// What the mapping says of each object.
#[derive(Debug, Default)]
pub struct Mappings {
    /// Objects mapped once (or several times identically).
    pub objects: BTreeMap<String, MappingRow>,
    /// Objects the mapping names but cannot map (unknown code, conflicting lines, bad key or
    /// heading): their amounts are « non rattachés ». Value: the first line that names it.
    pub invalid: BTreeMap<String, u32>,
    /// Lines read, for the compliance indicators.
    pub lines: u32,
}

fn optional(text: &str) -> Option<String> {
    (!text.is_empty()).then(|| text.to_owned())
}

impl Mappings {
    /// Reads a canonical mapping. `Err` only when the file cannot be read at all.
    pub fn read(bytes: &[u8]) -> Result<(Mappings, Vec<Diagnostic>), Diagnostic> {
        let mut table = Table::open(bytes, InputFile::Correspondance, COLUMNS)?;
        let book = rulebook();
        let mut diagnostics = Vec::new();
        let mut rows: Vec<MappingRow> = Vec::new();
        let mut invalid: BTreeMap<String, u32> = BTreeMap::new();
        let mut lines = 0;
        table.for_each_row(&mut diagnostics, |row, diags| {
            lines += 1;
            let line = row.line();
            let object = row.get(OBJET).to_owned();
            if object.is_empty() {
                diags.push(
                    Diagnostic::new(Code::M012, InputFile::Correspondance, "objet vide : la ligne ne rattache rien ; ligne écartée")
                        .at_line(line)
                        .in_column("objet")
                        .hint("Indiquez l'objet analytique (EOTP, centre de coûts) tel qu'il figure dans le grand livre."),
                );
                return;
            }
            let code_text = row.get(CODE);
            let code = match NationalCode::parse(code_text).filter(|c| c.is_activity() || c.is_action()) {
                Some(c) if book.entry(c).is_some() => Some(c),
                _ => match book.corrected_code(code_text) {
                    Some(kept) => {
                        diags.push(
                            Diagnostic::new(
                                Code::M007,
                                InputFile::Correspondance,
                                format!("code « {code_text} » lu « {kept} » (table des corrections de la nomenclature v10)"),
                            )
                            .at_line(line)
                            .in_column("code")
                            .hint(format!("Écrivez directement {kept} dans la table de correspondance.")),
                        );
                        Some(kept)
                    }
                    None => {
                        diags.push(
                            Diagnostic::new(
                                Code::M002,
                                InputFile::Correspondance,
                                if code_text.is_empty() {
                                    format!("objet « {object} » : code national absent ; une activité (A03) ou une action (A0301) de la nomenclature v10 est attendue ; l'objet est non rattaché")
                                } else {
                                    format!(
                                        "objet « {object} » : code national « {code_text} » inconnu ; une activité (A03) ou une action (A0301) de la nomenclature v10 est attendue ; l'objet est non rattaché"
                                    )
                                },
                            )
                            .at_line(line)
                            .in_column("code")
                            .hint("Choisissez le code dans la nomenclature v10 (annexe 1 de la norme)."),
                        );
                        None
                    }
                },
            };
            let heading_text = row.get(RUBRIQUE);
            let heading = if heading_text.is_empty() { None } else { book.heading(heading_text) };
            if !heading_text.is_empty() && heading.is_none() {
                let ids: Vec<&str> = book.headings.iter().map(|(h, _)| h.as_str()).collect();
                diags.push(
                    Diagnostic::new(
                        Code::M011,
                        InputFile::Correspondance,
                        format!(
                            "objet « {object} » : rubrique « {heading_text} » inconnue ; attendu : {} ; l'objet est non rattaché",
                            ids.join(", ")
                        ),
                    )
                    .at_line(line)
                    .in_column("rubrique_fc")
                    .hint("Laissez vide pour la rubrique par défaut du compte, ou choisissez une des huit rubriques."),
                );
            }
            let family_text = row.get(CLE);
            let family = if family_text.is_empty() {
                None
            } else {
                // The one-level families are never chosen, only defaulted: naming the code's own
                // default (« pilotage » on A11) is accepted as the default.
                let default = NationalCode::parse(row.get(CODE)).and_then(|c| book.default_family(c));
                Family::parse(family_text).filter(|f| book.key(*f).is_some_and(|k| k.level1.is_some()) || Some(*f) == default)
            };
            if !family_text.is_empty() && family.is_none() {
                diags.push(
                    Diagnostic::new(
                        Code::M010,
                        InputFile::Correspondance,
                        format!(
                            "objet « {object} » : clé « {family_text} » inconnue ou inapplicable ; attendu : support, gouvernance, locaux ou vehicules (« pilotage » ne vaut que pour A11, B11, C11) ; l'objet est non rattaché"
                        ),
                    )
                    .at_line(line)
                    .in_column("cle")
                    .hint("Laissez vide pour la clé par défaut du code, ou choisissez une des quatre familles de l'annexe 3."),
                );
            }
            let bad_heading = !heading_text.is_empty() && heading.is_none();
            let bad_family = !family_text.is_empty() && family.is_none();
            match code {
                Some(code) if !bad_heading && !bad_family => rows.push(MappingRow {
                    line,
                    object,
                    code,
                    site: optional(row.get(SITE)),
                    certification: optional(row.get(CERTIFICATION)),
                    heading,
                    family,
                }),
                _ => {
                    invalid.entry(object).or_insert(line);
                }
            }
        });
        let mut objects: BTreeMap<String, MappingRow> = BTreeMap::new();
        for row in rows {
            if invalid.contains_key(&row.object) {
                continue;
            }
            match objects.get(&row.object) {
                None => {
                    objects.insert(row.object.clone(), row);
                }
                Some(kept) if kept.same_as(&row) => diagnostics.push(
                    Diagnostic::new(
                        Code::M006,
                        InputFile::Correspondance,
                        format!("objet « {} » déjà rattaché à l'identique ligne {} ; doublon ignoré", row.object, kept.line),
                    )
                    .at_line(row.line)
                    .hint("Supprimez la ligne en double."),
                ),
                Some(kept) => {
                    diagnostics.push(
                        Diagnostic::new(
                            Code::M003,
                            InputFile::Correspondance,
                            format!(
                                "objet « {} » rattaché ligne {} à {} et ici à {} ; l'objet est non rattaché (aucun choix arbitraire)",
                                row.object,
                                kept.line,
                                describe(kept),
                                describe(&row)
                            ),
                        )
                        .at_line(row.line)
                        .hint("Gardez une seule ligne par objet dans la table de correspondance."),
                    );
                    invalid.insert(row.object.clone(), kept.line);
                    objects.remove(&row.object);
                }
            }
        }
        for row in objects.values() {
            check_attributes(row, &mut diagnostics);
        }
        Ok((Mappings { objects, invalid, lines }, diagnostics))
    }
}

/// Attributes that mean nothing for the object's code are ignored, and said so.
fn check_attributes(row: &MappingRow, diagnostics: &mut Vec<Diagnostic>) {
    let book = rulebook();
    let activity = row.code.activity();
    if let (Some(c), true) = (&row.certification, activity != Some(book.apprenticeship())) {
        diagnostics.push(
            Diagnostic::new(
                Code::M008,
                InputFile::Correspondance,
                format!("objet « {} » ({}) : certification « {c} » ignorée, seules les activités B01 sont suivies par certification", row.object, row.code),
            )
            .at_line(row.line)
            .in_column("certification")
            .hint("Videz la cellule, ou rattachez l'objet à B01 s'il relève de l'apprentissage."),
        );
    }
    if let (Some(f), false) = (row.family, book.is_pool(row.code)) {
        diagnostics.push(
            Diagnostic::new(
                Code::M009,
                InputFile::Correspondance,
                format!(
                    "objet « {} » ({}) : clé « {} » ignorée, seuls les objets de l'axe D et de A11, B11, C11 sont répartis par une clé",
                    row.object,
                    row.code,
                    f.label()
                ),
            )
            .at_line(row.line)
            .in_column("cle")
            .hint("Videz la cellule, ou rattachez l'objet à une fonction support (axe D)."),
        );
    }
}

fn describe(row: &MappingRow) -> String {
    let mut text = row.code.to_string();
    for (label, value) in [("site", &row.site), ("certification", &row.certification)] {
        if let Some(v) = value {
            text.push_str(&format!(" ({label} {v})"));
        }
    }
    if let Some(h) = row.heading {
        text.push_str(&format!(" (rubrique {})", h.id()));
    }
    if let Some(f) = row.family {
        text.push_str(&format!(" (clé {})", f.label()));
    }
    text
}
