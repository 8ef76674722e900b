//! The review as files: one table definition per view, written as the users' CSV (`;`, comma
//! decimals, UTF-8 with BOM, text cells starting with `= + - @` neutralised — the pre-project's
//! convention) and as one XLSX workbook with a sheet per table, plus the parameters and the
//! diagnostics. The tables are also what the page's charts need, and their accessible
//! alternative.
//!
//! Pure: the document in, bytes out.

use rust_decimal::Decimal;

use super::Review;
use super::compare::Measure;
use super::network::NationalRow;
use crate::date::Date;
pub use crate::export::csv;
use crate::export::{Cell, Sheet, diagnostics_sheet};
use crate::money::Amount;
use crate::rulebook::rulebook;
use crate::xlsx;

fn table(id: &'static str, title: &'static str, columns: Vec<String>, rows: Vec<Vec<Cell>>) -> Sheet {
    Sheet { columns, rows, ..Sheet::new(id, title, &[]) }
}

fn text(t: &str) -> Cell {
    Cell::Text(t.to_owned())
}

fn amount(a: Amount) -> Cell {
    Cell::Amount(a)
}

fn number(d: Option<Decimal>) -> Cell {
    d.map_or(Cell::Empty, Cell::Number)
}

fn count(n: u64) -> Cell {
    Cell::Number(Decimal::from(n))
}

/// A figure that no file gives.
fn unknown() -> Cell {
    text("non connu")
}

fn yes_no(flag: bool) -> Cell {
    text(if flag { "oui" } else { "non" })
}

fn quantity(t: &str) -> Cell {
    t.parse::<Decimal>().map_or(Cell::Empty, Cell::Number)
}

fn headers(names: &[&str]) -> Vec<String> {
    names.iter().map(|h| (*h).to_owned()).collect()
}

fn heading_labels(prefix: &str) -> Vec<String> {
    rulebook().headings.iter().map(|(_, label)| format!("{prefix}{label}")).collect()
}

/// Every table of the review, in the order of the workbook.
pub fn tables(doc: &Review) -> Vec<Sheet> {
    vec![
        comparison(doc),
        measures(doc),
        headings(doc),
        outliers(doc),
        singles(doc),
        national(doc),
        control(doc),
        compliance(doc),
        flagged(doc),
    ]
}

fn comparison(doc: &Review) -> Sheet {
    let mut h = headers(&[
        "Code certification",
        "Intitulé",
        "Région",
        "Sites",
        "Nombre d'apprentis",
        "Heures apprenants",
        "Total des charges",
        "Produits",
        "Marge",
    ]);
    for m in Measure::BOTH {
        let u = m.unit();
        h.extend([
            format!("Coût {u}"),
            format!("Médiane {u}"),
            format!("Écart à la médiane {u}"),
            format!("Écart robuste {u}"),
            format!("Atypique {u}"),
            format!("Rubrique qui explique l'écart {u}"),
            format!("Écart de la rubrique {u}"),
        ]);
    }
    let mut rows = Vec::new();
    for c in &doc.certifications {
        for f in &c.regions {
            let mut row = vec![
                text(&c.certification),
                text(&c.libelle),
                text(&f.region),
                count(f.sites as u64),
                quantity(&f.apprentis),
                quantity(&f.heures_apprenants),
                amount(f.cout_complet),
                amount(f.produits),
                number(f.marge),
            ];
            for m in Measure::BOTH {
                let cmp = c.comparison(m);
                match cmp.ecarts.iter().find(|d| d.region == f.region) {
                    Some(d) => row.extend([
                        Cell::Number(d.valeur),
                        number(cmp.mediane),
                        Cell::Number(d.ecart),
                        number(d.ecart_robuste),
                        yes_no(d.atypique),
                        d.explication.as_ref().map_or(Cell::Empty, |e| text(&e.libelle)),
                        number(d.explication.as_ref().map(|e| e.ecart)),
                    ]),
                    None => row.extend([Cell::Empty, number(cmp.mediane), Cell::Empty, Cell::Empty, Cell::Empty, Cell::Empty, Cell::Empty]),
                }
            }
            rows.push(row);
        }
    }
    table("comparaison", "Comparaison", h, rows)
}

fn measures(doc: &Review) -> Sheet {
    let mut h = headers(&[
        "Code certification",
        "Intitulé",
        "Mesure",
        "Régions comparées",
        "Méthode",
        "Médiane",
        "Écart absolu médian",
        "Borne basse",
        "Borne haute",
    ]);
    h.extend(heading_labels("Médiane : "));
    let mut rows = Vec::new();
    for c in &doc.certifications {
        for m in Measure::BOTH {
            let cmp = c.comparison(m);
            let mut row = vec![
                text(&c.certification),
                text(&c.libelle),
                text(m.label()),
                count(cmp.regions_comparees as u64),
                text(cmp.methode.label()),
                number(cmp.mediane),
                number(cmp.ecart_absolu_median),
                number(cmp.borne_basse),
                number(cmp.borne_haute),
            ];
            row.extend(rulebook().headings.iter().map(|(id, _)| number(cmp.rubriques_medianes.get(id).copied())));
            rows.push(row);
        }
    }
    table("medianes", "Médianes", h, rows)
}

fn headings(doc: &Review) -> Sheet {
    let mut h = headers(&["Code certification", "Région", "Total des charges"]);
    h.extend(heading_labels(""));
    h.extend(heading_labels("Part : "));
    let mut rows = Vec::new();
    for c in &doc.certifications {
        for f in &c.regions {
            let mut row = vec![text(&c.certification), text(&f.region), amount(f.cout_complet)];
            let book = rulebook();
            row.extend(book.headings.iter().map(|(id, _)| amount(f.rubriques.get(id).copied().unwrap_or_default())));
            row.extend(book.headings.iter().map(|(id, _)| number(f.repartition.get(id).copied())));
            rows.push(row);
        }
    }
    table("rubriques", "Rubriques", h, rows)
}

fn outliers(doc: &Review) -> Sheet {
    let h = headers(&[
        "Code certification",
        "Intitulé",
        "Mesure",
        "Région",
        "Valeur",
        "Médiane",
        "Écart à la médiane",
        "Écart robuste",
        "Rubrique qui explique l'écart",
        "Rubrique : valeur",
        "Rubrique : médiane",
        "Rubrique : écart",
    ]);
    let rows = doc
        .atypiques
        .iter()
        .map(|o| {
            let e = o.explication.as_ref();
            vec![
                text(&o.certification),
                text(&o.libelle),
                text(o.mesure.label()),
                text(&o.region),
                Cell::Number(o.valeur),
                Cell::Number(o.mediane),
                Cell::Number(o.ecart),
                number(o.ecart_robuste),
                e.map_or(Cell::Empty, |e| text(&e.libelle)),
                number(e.map(|e| e.valeur)),
                number(e.map(|e| e.mediane)),
                number(e.map(|e| e.ecart)),
            ]
        })
        .collect();
    table("atypiques", "Atypiques", h, rows)
}

fn singles(doc: &Review) -> Sheet {
    let rows = doc.certifications_non_comparees.iter().map(|s| vec![text(&s.certification), text(&s.libelle), text(&s.region)]).collect();
    table("non-comparees", "Non comparées", headers(&["Code certification", "Intitulé", "Région"]), rows)
}

fn national_rows(level: &str, list: &[NationalRow], rows: &mut Vec<Vec<Cell>>) {
    for a in list {
        for r in &a.regions {
            rows.push(vec![
                text(level),
                text(&a.code),
                text(&a.libelle),
                text(&r.region),
                amount(r.charges_directes),
                amount(r.charges_indirectes),
                amount(r.cout_complet),
                amount(r.produits),
                amount(r.resultat),
                number(r.part_cout_complet),
                number(r.part_produits),
            ]);
        }
        rows.push(vec![
            text(level),
            text(&a.code),
            text(&a.libelle),
            text("Total national"),
            amount(a.charges_directes),
            amount(a.charges_indirectes),
            amount(a.cout_complet),
            amount(a.produits),
            amount(a.resultat),
            Cell::Empty,
            Cell::Empty,
        ]);
    }
}

fn national(doc: &Review) -> Sheet {
    let h = headers(&[
        "Niveau",
        "Code",
        "Libellé",
        "Région",
        "Charges directes",
        "Charges indirectes",
        "Coût complet",
        "Produits",
        "Résultat",
        "Part du coût complet national",
        "Part des produits nationaux",
    ]);
    let mut rows = Vec::new();
    national_rows("axe", &doc.national.axes, &mut rows);
    national_rows("activité", &doc.national.activites, &mut rows);
    table("national", "National", h, rows)
}

fn control(doc: &Review) -> Sheet {
    let h = headers(&["Région", "Charges", "Charges non réparties", "Charges non rattachées", "Produits", "Produits non rattachés"]);
    let rows = doc
        .national
        .controle
        .iter()
        .chain([&doc.national.controle_total])
        .map(|c| {
            vec![
                text(&c.region),
                amount(c.charges),
                amount(c.charges_non_reparties),
                amount(c.charges_non_rattachees),
                amount(c.produits),
                amount(c.produits_non_rattaches),
            ]
        })
        .collect();
    table("controle", "Contrôle", h, rows)
}

fn compliance(doc: &Review) -> Sheet {
    let h = headers(&[
        "Région",
        "Objets rattachés",
        "Objets du grand livre",
        "Part des objets rattachés",
        "Charges rattachées",
        "Charges",
        "Part des charges rattachées",
        "Produits rattachés",
        "Produits",
        "Part des produits rattachés",
        "Charges indirectes (pools)",
        "Charges indirectes réparties par les clés",
        "Part des charges indirectes réparties",
        "Pools",
        "Pools entièrement répartis",
        "Préprojet à l'heure",
        "Jours restants (négatif : retard)",
        "Date limite du préprojet",
        "Date d'envoi ou de réception",
        "Source du calendrier",
        "Non connus",
    ]);
    let rows = doc
        .conformite
        .iter()
        .map(|c| {
            let known_count = |v: Option<u64>| v.map_or_else(unknown, count);
            let known_amount = |v: Option<Amount>| v.map_or_else(unknown, amount);
            // A share is « non connu » when its figures are, empty when its total is zero.
            let part = |v: Option<Decimal>, known: bool| if known { number(v) } else { unknown() };
            vec![
                text(&c.region),
                known_count(c.objets_rattaches),
                known_count(c.objets_total),
                part(c.part_objets_rattaches, c.source_objets.is_some()),
                known_amount(c.charges_rattachees),
                known_amount(c.charges_total),
                part(c.part_charges_rattachees, c.source_montants.is_some()),
                known_amount(c.produits_rattaches),
                known_amount(c.produits_total),
                part(c.part_produits_rattaches, c.source_montants.is_some()),
                known_amount(c.charges_indirectes),
                known_amount(c.charges_indirectes_reparties),
                part(c.part_charges_indirectes_reparties, c.source_cles.is_some()),
                known_count(c.pools),
                known_count(c.pools_entierement_repartis),
                c.preprojet_a_l_heure.map_or_else(unknown, yes_no),
                c.jours_restants.map_or(Cell::Empty, |d| Cell::Number(Decimal::from(d))),
                c.date_limite.map_or(Cell::Empty, Cell::Date),
                c.date_envoi.map_or(Cell::Empty, Cell::Date),
                c.source_calendrier.map_or_else(unknown, |s| text(s.label())),
                text(&c.non_connus.join(", ")),
            ]
        })
        .collect();
    table("conformite", "Conformité", h, rows)
}

fn flagged(doc: &Review) -> Sheet {
    let h = headers(&[
        "Code",
        "Libellé",
        "Drapeaux",
        "Région",
        "Charges directes",
        "Produits",
        "Résultat direct",
        "Charges indirectes",
        "Coût complet",
        "Résultat",
        "Méthode du coût complet",
    ]);
    let mut rows = Vec::new();
    for f in &doc.actions_cop_pn.codes {
        for r in &f.regions {
            rows.push(vec![
                text(&f.code),
                text(&f.libelle),
                text(&f.drapeaux),
                text(&r.region),
                amount(r.charges_directes),
                amount(r.produits),
                amount(r.resultat_direct),
                r.charges_indirectes.map_or(Cell::Empty, amount),
                r.cout_complet.map_or(Cell::Empty, amount),
                r.resultat.map_or(Cell::Empty, amount),
                text(r.methode.label()),
            ]);
        }
        let t = &f.total;
        rows.push(vec![
            text(&f.code),
            text(&f.libelle),
            text(&f.drapeaux),
            text("Total"),
            amount(t.charges_directes),
            amount(t.produits),
            amount(t.resultat_direct),
            Cell::Empty,
            t.cout_complet.map_or(Cell::Empty, amount),
            t.cout_complet.map_or(Cell::Empty, |c| amount(t.produits - c)),
            Cell::Empty,
        ]);
    }
    table("actions-cop-pn", "Actions COP-PN", h, rows)
}

/// The review's parameters, with its date, as label and value pairs.
fn parameters(doc: &Review, date: Date) -> Sheet {
    let p = &doc.parametres;
    Sheet::pairs(
        "parametres",
        "Paramètres",
        vec![
            ("Date de la revue", Cell::Date(date)),
            ("Seuil d'écart robuste", Cell::Number(p.seuil)),
            ("Facteur de l'écart absolu médian", Cell::Number(p.facteur_ecart_absolu_median)),
            ("Régions au moins pour un test", Cell::count(p.regions_minimum)),
            (
                "Règle",
                "écart robuste = |valeur − médiane| / (facteur × écart absolu médian) ; une région est atypique au-delà du seuil (strictement)".into(),
            ),
        ],
    )
}

/// The files read, region by region.
fn files(doc: &Review) -> Sheet {
    let mut sheet = Sheet::new("fichiers", "Fichiers", &["Région", "Fichier", "Nature", "Format", "Organisme", "Exercice"]);
    for region in &doc.regions {
        for f in &region.fichiers {
            sheet.rows.push(vec![
                region.region.as_str().into(),
                f.fichier.as_str().into(),
                f.nature.into(),
                f.format.as_str().into(),
                region.nom_organisme.as_str().into(),
                region.exercice.map_or(Cell::Empty, |y| Cell::Text(y.to_string())),
            ]);
        }
    }
    sheet
}

/// The whole review as one XLSX workbook: parameters (with the day of the review, given by the
/// host), files, every table, diagnostics. The same inputs and date give the same bytes.
pub fn xlsx(doc: &Review, date: Date) -> Vec<u8> {
    let mut sheets = vec![parameters(doc, date), files(doc)];
    sheets.extend(tables(doc));
    sheets.push(diagnostics_sheet(&doc.diagnostics));
    xlsx::workbook(&sheets)
}
