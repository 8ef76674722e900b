//! The templates of every input (`modeles`): CSV and XLSX files whose header is the readers' own
//! column definitions, with one filled example row from the rulebook (`modeles.tsv`). The three
//! example rows form a small consistent case, so the templates read back as a valid computation.

use crate::export::{Cell, Sheet};
use crate::input::role::Role;
use crate::rulebook::rulebook;
use crate::xlsx::workbook;

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
    let quote = |s: &str| {
        if s.contains([';', '"']) { format!("\"{}\"", s.replace('"', "\"\"")) } else { s.to_owned() }
    };
    let header: Vec<String> = columns.iter().map(|(n, _, _)| quote(n)).collect();
    let example: Vec<String> = columns.iter().map(|(_, v, _)| quote(v)).collect();
    format!("\u{feff}{}\r\n{}\r\n", header.join(";"), example.join(";")).into_bytes()
}

/// The XLSX template: one sheet named like the input, bold frozen header, numbers as exact
/// number cells (`1234,56` of the rulebook written `1234.56`).
pub fn xlsx(role: Role) -> Vec<u8> {
    let columns = header_and_example(role);
    let names: Vec<&str> = columns.iter().map(|(n, _, _)| *n).collect();
    let mut sheet = Sheet::new(role.label(), role.label(), &names);
    sheet.rows.push(
        columns
            .iter()
            .map(|&(_, value, kind)| match (kind, value.is_empty()) {
                (_, true) => Cell::Empty,
                ("nombre", false) => Cell::quantity(&value.replace(',', ".").replace(char::is_whitespace, "")),
                _ => Cell::from(value),
            })
            .collect(),
    );
    workbook(&[sheet])
}

/// Every template, CSV and XLSX, for every input.
pub fn all() -> Vec<TemplateFile> {
    let mut files = Vec::new();
    for role in Role::ALL {
        files.push(TemplateFile { name: format!("{}.csv", role.label()), bytes: csv(role) });
        files.push(TemplateFile { name: format!("{}.xlsx", role.label()), bytes: xlsx(role) });
    }
    files
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
            let aliases: Vec<String> =
                def.aliases.iter().copied().chain(book.column_aliases(role.label(), def.name)).map(|a| format!("`{a}`")).collect();
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
    let quote = |s: &str| {
        if s.contains([';', '"', '\n', '\r']) { format!("\"{}\"", s.replace('"', "\"\"")) } else { s.to_owned() }
    };
    let mut out = defs.iter().map(|d| d.name).collect::<Vec<_>>().join(";");
    out.push('\n');
    table.for_each_row(&mut Vec::new(), |row, _| {
        let cells: Vec<String> = (0..defs.len()).map(|i| quote(row.get(i))).collect();
        out.push_str(&cells.join(";"));
        out.push('\n');
    });
    Ok(out.into_bytes())
}
