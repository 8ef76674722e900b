//! The templates of every input (`modeles`): CSV and XLSX files whose header is the readers' own
//! column definitions, with one filled example row from the rulebook (`modeles.tsv`). The three
//! example rows form a small consistent case, so the templates read back as a valid computation.

use rust_xlsxwriter::{Format, Workbook, XlsxError};

use crate::input::role::Role;
use crate::input::sheet::write_decimal;
use crate::rulebook::rulebook;

/// One template file: its name and its bytes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TemplateFile {
    pub name: String,
    pub bytes: Vec<u8>,
}

/// Header and example row of a role, in column order.
fn header_and_example(role: Role) -> Vec<(&'static str, &'static str, &'static str)> {
    role.columns()
        .iter()
        .map(|d| {
            let (value, kind) = rulebook().template_example(role.label(), d.name);
            (d.name, value, kind)
        })
        .collect()
}

/// The CSV template: UTF-8 with BOM (so that Excel shows the accents), `;`, CRLF.
pub fn csv(role: Role) -> Vec<u8> {
    let columns = header_and_example(role);
    let quote = |s: &str| if s.contains([';', '"']) { format!("\"{}\"", s.replace('"', "\"\"")) } else { s.to_owned() };
    let header: Vec<String> = columns.iter().map(|(n, _, _)| quote(n)).collect();
    let example: Vec<String> = columns.iter().map(|(_, v, _)| quote(v)).collect();
    format!("\u{feff}{}\r\n{}\r\n", header.join(";"), example.join(";")).into_bytes()
}

/// The XLSX template: one sheet named like the input, bold header, numbers as number cells.
pub fn xlsx(role: Role) -> Result<Vec<u8>, XlsxError> {
    let mut workbook = Workbook::new();
    let sheet = workbook.add_worksheet();
    sheet.set_name(role.label())?;
    let bold = Format::new().set_bold();
    let number = Format::new().set_num_format("# ##0.00####");
    for (i, (name, value, kind)) in header_and_example(role).into_iter().enumerate() {
        let column = u16::try_from(i).unwrap_or(u16::MAX);
        sheet.write_string_with_format(0, column, name, &bold)?;
        let width = u16::try_from(name.len().max(value.chars().count()) + 4).unwrap_or(60);
        sheet.set_column_width(column, width)?;
        match (kind, value.is_empty()) {
            (_, true) => {}
            ("nombre", false) => write_decimal(sheet, 1, column, value, &number)?,
            _ => {
                sheet.write_string(1, column, value)?;
            }
        }
    }
    sheet.set_freeze_panes(1, 0)?;
    workbook.save_to_buffer()
}

/// Every template, CSV and XLSX, for every input.
pub fn all() -> Result<Vec<TemplateFile>, XlsxError> {
    let mut files = Vec::new();
    for role in Role::ALL {
        files.push(TemplateFile { name: format!("{}.csv", role.label()), bytes: csv(role) });
        files.push(TemplateFile { name: format!("{}.xlsx", role.label()), bytes: xlsx(role)? });
    }
    Ok(files)
}

/// The user documentation of the three files' columns (`docs/colonnes.md`), from the same
/// definitions and aliases as the readers (kept equal by a test).
pub fn columns_markdown() -> String {
    let book = rulebook();
    let mut out = String::from(
        "# Colonnes reconnues\n\n\
         Page générée depuis les définitions des lecteurs et `src/rulebook/colonnes.tsv` (un test\n\
         vérifie qu'elle est à jour). Les en-têtes sont comparés sans tenir compte des majuscules,\n\
         des accents, des espaces, ni de `_ - ' .` ; les colonnes inconnues sont ignorées. Les\n\
         modèles (`cma-analytique modeles <dossier>`) contiennent exactement les noms canoniques.\n",
    );
    for role in Role::ALL {
        out.push_str(&format!("\n## {}\n\n| colonne | obligatoire | autres noms reconnus | exemple |\n|---|---|---|---|\n", role.label()));
        for def in role.columns() {
            let aliases: Vec<String> = def
                .aliases
                .iter()
                .copied()
                .chain(book.column_aliases(role.label(), def.name))
                .map(|a| format!("`{a}`"))
                .collect();
            let required = if def.required || (role == Role::GrandLivre && def.name == "objet") { "oui" } else { "non" };
            let (example, _) = book.template_example(role.label(), def.name);
            out.push_str(&format!("| `{}` | {required} | {} | {example} |\n", def.name, aliases.join(", ")));
        }
    }
    out.push_str(
        "\nGrand livre : `debit`/`credit` ou `montant` (avec `sens` D/C facultatif) — l'une des deux formes est\n\
         obligatoire. Un FEC est reconnu à ses colonnes `JournalCode`, `EcritureNum`, `CompteNum` ; son\n\
         objet analytique vient d'une colonne supplémentaire nommée comme `objet` ci-dessus.\n",
    );
    out
}

/// A file of a role rewritten in its template's format: the canonical header, then each readable
/// row's recognised cells as written, `;`-separated UTF-8 (what « enregistrer au format du
/// modèle » gives). Rows the reader sets aside are left out, as the reader leaves them out.
pub fn canonical_csv(role: Role, bytes: &[u8]) -> Result<Vec<u8>, crate::diagnostic::Diagnostic> {
    let file = match role {
        Role::GrandLivre => crate::diagnostic::InputFile::GrandLivre,
        Role::Correspondance => crate::diagnostic::InputFile::Correspondance,
        Role::Inducteurs => crate::diagnostic::InputFile::Inducteurs,
        Role::Personnel => crate::diagnostic::InputFile::Personnel,
    };
    let defs = role.columns();
    let mut table = crate::input::table::Table::open_lenient(bytes, file, defs)?;
    let quote = |s: &str| if s.contains([';', '"', '\n', '\r']) { format!("\"{}\"", s.replace('"', "\"\"")) } else { s.to_owned() };
    let mut out = defs.iter().map(|d| d.name).collect::<Vec<_>>().join(";");
    out.push('\n');
    table.for_each_row(&mut Vec::new(), |row, _| {
        let cells: Vec<String> = (0..defs.len()).map(|i| quote(row.get(i))).collect();
        out.push_str(&cells.join(";"));
        out.push('\n');
    });
    Ok(out.into_bytes())
}
