//! A realistic region, generated deterministically: the three input files of a chamber with six
//! sites (the regional seat and five départements, one of them an antenna without a CFA),
//! about 2 000 analytic objects, 80 certifications of the apprenticeship (B01), pools of every
//! key family (support, gouvernance, locaux, véhicules, pilotage, B01 commun), products with
//! their financers, out-of-scope accounts, a balanced internal rent (86/87), a few objects
//! missing from the mapping, lines without object, credit notes and labels that need quotes.
//!
//! The same `lignes` always give the same bytes (xorshift seeded once); the mapping and the
//! drivers do not depend on `lignes`. Written in the canonical format of the templates: `;`,
//! decimal comma, UTF-8, dates JJ/MM/AAAA.
//!
//! Two situations of a real year are built in on purpose, so that the control totals check
//! something: the antenna (Laon) has a training room (formation surface) but no apprentice
//! hours, so the formation share of its premises pools stays unallocated (R002); and it has no
//! vehicle rows, so its vehicle pool falls back to ETP (R003).

use std::io::{self, Write};

use super::alea::Rng;

/// (code used in object names, site as written in the files; empty = regional).
pub const SITES: [(&str, &str); 6] =
    [("REG", ""), ("LIL", "Lille"), ("ARR", "Arras"), ("AMI", "Amiens"), ("BEA", "Beauvais"), ("LAO", "Laon")];
/// Sites with a CFA (B01 to B04); Laon is an antenna.
const CFA_SITES: [&str; 4] = ["LIL", "ARR", "AMI", "BEA"];
/// Operational activities of the cma side, with some of their actions.
const CMA_ACTIVITIES: [(&str, &[&str]); 15] = [
    ("A01", &["A0101", "A0102"]),
    ("A02", &["A0201"]),
    ("A03", &["A0301", "A0302", "A0303"]),
    ("A04", &["A0401"]),
    ("A05", &[]),
    ("A06", &[]),
    ("A07", &["A0701"]),
    ("A08", &[]),
    ("A09", &[]),
    ("A10", &[]),
    ("C01", &["C0101", "C0104"]),
    ("C02", &["C0201"]),
    ("C03", &["C0301", "C0302"]),
    ("C04", &["C0401"]),
    ("C05", &[]),
];
const FORMATION_ACTIVITIES: [&str; 3] = ["B02", "B03", "B04"];
const CERTIFICATIONS: u64 = 80;
const HEADINGS: [&str; 6] = ["pedagogie", "accompagnement", "structure", "communication", "frais_annexes", ""];

/// What an object is, for the choice of its accounts.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Kind {
    Cma,
    Apprenticeship,
    Formation,
    B01Common,
    Pool,
    Tax,
    Unmapped,
}

struct Object {
    name: String,
    kind: Kind,
    site: usize,
    /// Relative number of lines.
    weight: u64,
}

/// (account, label, weight) of the charges; the premises accounts (6061, 6132, 614, 6152,
/// 6161) make the D pools' « locaux » family by prefix.
const CHARGES: [(&str, &str, u64); 22] = [
    ("641100", "Salaires et appointements", 250),
    ("645100", "Cotisations URSSAF", 150),
    ("606300", "Fournitures d'entretien et petit équipement", 80),
    ("606110", "Électricité", 30),
    ("613200", "Locations immobilières", 30),
    ("614000", "Charges locatives et de copropriété", 10),
    ("615200", "Entretien et réparations sur biens immobiliers", 20),
    ("615500", "Entretien des biens mobiliers", 20),
    ("616100", "Assurance multirisque", 10),
    ("622600", "Honoraires", 30),
    ("623100", "Annonces et insertions", 20),
    ("625100", "Voyages et déplacements", 60),
    ("625600", "Missions et réceptions", 30),
    ("626100", "Frais postaux", 20),
    ("626200", "Téléphone et internet", 20),
    ("628100", "Cotisations", 10),
    ("635100", "Impôts directs", 10),
    ("661100", "Intérêts des emprunts", 5),
    ("671200", "Pénalités et amendes", 3),
    ("681100", "Dotations aux amortissements", 20),
    ("604000", "Achats de prestations de formation", 50),
    ("611000", "Sous-traitance générale", 30),
];
const PRODUCTS_CMA: [(&str, &str); 4] =
    [("706100", "Prestations de services"), ("741000", "Subvention d'exploitation"), ("758000", "Produits divers de gestion"), ("791000", "Transferts de charges")];
const PRODUCTS_FORMATION: [(&str, &str, &str); 5] = [
    ("706300", "Coûts contrats apprentissage OPCO", "contrats_apprentissage"),
    ("706300", "Formation continue entreprises", "entreprises"),
    ("706400", "Formations CPF", "cpf"),
    ("744000", "Subvention région formation", "autres_formation"),
    ("758000", "Produits divers formation", ""),
];
const OUT_OF_SCOPE: [(&str, &str); 5] = [
    ("401100", "Fournisseurs"),
    ("411000", "Clients"),
    ("445660", "TVA déductible sur biens et services"),
    ("512100", "Banque"),
    ("421000", "Personnel, rémunérations dues"),
];
const MONTHS: [&str; 12] =
    ["janvier", "février", "mars", "avril", "mai", "juin", "juillet", "août", "septembre", "octobre", "novembre", "décembre"];

/// The region: its objects, mapping and drivers (independent of the number of ledger lines).
pub struct Region {
    objects: Vec<Object>,
    /// Cumulative weights of `objects`, to draw an object in proportion to its weight.
    cumulative: Vec<u64>,
    /// Certifications taught at each CFA site (index in `SITES`).
    taught: Vec<Vec<u64>>,
    pub mapping: Vec<u8>,
    pub drivers: Vec<u8>,
}

/// Adds an object of `kind` at `site`, with its mapping line (`rest`: certification, heading and
/// key cells) unless the mapping is to forget it.
fn add(objects: &mut Vec<Object>, mapping: &mut String, site: usize, code: &str, kind: Kind, rest: &str, weight: u64) {
    let (short, name) = SITES[site];
    let object = format!("{short}-{code}-{:04}", objects.len());
    if kind != Kind::Unmapped {
        mapping.push_str(&format!("{object};{code};{name};{rest}\n"));
    }
    objects.push(Object { name: object, kind, site, weight });
}

fn certification(c: u64) -> String {
    format!("RNCP{:05}", 34_000 + c * 37)
}

fn decimal(hundredths: u64) -> String {
    format!("{},{:02}", hundredths / 100, hundredths % 100)
}

impl Region {
    pub fn new() -> Region {
        let mut rng = Rng(0x5EED_CAFE_F00D_0001);
        let mut objects = Vec::new();
        let mut mapping = String::from("objet;code;site;certification;rubrique_fc;cle\n");
        let mut drivers = String::from("inducteur;site;code;perimetre;certification;valeur;heures;apprenants\n");
        let mut taught = vec![Vec::new(); SITES.len()];
        for (s, &(short, site)) in SITES.iter().enumerate() {
            let cfa = CFA_SITES.contains(&short);
            // The cma side: every site, several objects per activity, some on actions.
            for (activity, actions) in CMA_ACTIVITIES {
                for _ in 0..5 + rng.below(5) {
                    let code = if !actions.is_empty() && rng.below(2) == 0 { *rng.pick(actions) } else { activity };
                    add(&mut objects, &mut mapping, s, code, Kind::Cma, ";;", 2 + rng.below(8));
                }
                drivers.push_str(&format!("etp;{site};{activity};;;{};;\n", decimal(50 + rng.below(1150))));
            }
            // Piloting and support pools.
            let mut pools: Vec<(&str, &str)> = vec![("A11", ""), ("C11", "")];
            if cfa || short == "REG" {
                pools.push(("B11", ""));
            }
            for d in ["D01", "D02", "D03", "D04", "D05", "D06", "D07", "D08", "D09", "D10"] {
                for _ in 0..if short == "REG" { 5 } else { 3 } {
                    pools.push((d, ""));
                }
            }
            pools.extend([("D1001", ""), ("D1002", ""), ("D04", "vehicules"), ("D08", "locaux"), ("D03", "gouvernance")]);
            for (code, key) in pools {
                let kind = if code == "D01" && short == "REG" { Kind::Tax } else { Kind::Pool };
                add(&mut objects, &mut mapping, s, code, kind, &format!(";;{key}"), 3 + rng.below(10));
            }
            for code in ["A11", "C11", "D01", "D03", "D05"] {
                drivers.push_str(&format!("etp;{site};{code};;;{};;\n", decimal(100 + rng.below(400))));
            }
            if cfa || short == "REG" {
                drivers.push_str(&format!("etp;{site};B11;;;{};;\n", decimal(100 + rng.below(300))));
            }
            // Premises: every site has offices; the CFA sites have workshops; Laon a training room.
            drivers.push_str(&format!("surface;{site};;cma;;{};;\n", 200 + rng.below(1800)));
            let formation_surface = if cfa { 2000 + rng.below(6000) } else if short == "LAO" { 120 } else { 0 };
            if formation_surface > 0 {
                drivers.push_str(&format!("surface;{site};;formation;;{formation_surface};;\n"));
            }
            if short != "LAO" {
                drivers.push_str(&format!("vehicules;{site};;cma;;{};;\n", 1 + rng.below(8)));
                drivers.push_str(&format!("vehicules;{site};;formation;;{};;\n", rng.below(4)));
            }
            if !cfa {
                continue;
            }
            // The CFA: certifications, B02 to B04, B01 commun.
            let mut certs: Vec<u64> = (0..CERTIFICATIONS).filter(|_| rng.below(100) < 50).collect();
            certs.sort_unstable();
            for &c in &certs {
                let cert = certification(c);
                for heading in HEADINGS {
                    add(&mut objects, &mut mapping, s, "B0101", Kind::Apprenticeship, &format!("{cert};{heading};"), 4 + rng.below(12));
                }
                drivers.push_str(&format!("heures_apprenants;{site};B01;;{cert};;{};{}\n", 400 + rng.below(800), 3 + rng.below(38)));
            }
            taught[s] = certs;
            for code in FORMATION_ACTIVITIES {
                for _ in 0..4 {
                    add(&mut objects, &mut mapping, s, code, Kind::Formation, ";;", 3 + rng.below(8));
                }
                drivers.push_str(&format!("etp;{site};{code};;;{};;\n", decimal(100 + rng.below(900))));
                drivers.push_str(&format!("heures_apprenants;{site};{code};;;{};;\n", 5_000 + rng.below(55_000)));
            }
            drivers.push_str(&format!("etp;{site};B01;;;{};;\n", decimal(1_000 + rng.below(4_000))));
            for heading in HEADINGS.iter().chain(&["", "", "pedagogie"]) {
                add(&mut objects, &mut mapping, s, "B01", Kind::B01Common, &format!(";{heading};"), 5 + rng.below(10));
            }
        }
        // Objects of the ledger that the mapping forgot.
        for i in 0..15 {
            add(&mut objects, &mut mapping, 1 + i % 5, "INCONNU", Kind::Unmapped, "", 1);
        }
        let cumulative = objects
            .iter()
            .scan(0, |sum, o| {
                *sum += o.weight;
                Some(*sum)
            })
            .collect();
        Region { objects, cumulative, taught, mapping: mapping.into_bytes(), drivers: drivers.into_bytes() }
    }

    pub fn objects(&self) -> usize {
        self.objects.len()
    }

    /// Writes a ledger of `lines` lines (header excluded).
    pub fn ledger(&self, lines: usize, out: &mut impl Write) -> io::Result<()> {
        let mut rng = Rng(0x9E37_79B9_7F4A_7C15 ^ lines as u64);
        let total = *self.cumulative.last().unwrap_or(&1);
        let charge_total: u64 = CHARGES.iter().map(|c| c.2).sum();
        writeln!(out, "compte;objet;debit;credit;date;certification;financeur;libelle;piece;journal")?;
        let mut line = String::with_capacity(160);
        for n in 0..lines {
            line.clear();
            let day = 1 + rng.below(28);
            let month = 1 + rng.below(12);
            let date = format!("{day:02}/{month:02}/2024");
            if n == lines / 2 {
                // The internal rent of the CFA's premises, balanced (norm §V.e.ii).
                let cfa = self.objects.iter().find(|o| o.kind == Kind::Apprenticeship).map_or("", |o| o.name.as_str());
                let chamber = self.objects.iter().find(|o| o.kind == Kind::Pool).map_or("", |o| o.name.as_str());
                writeln!(out, "860000;{cfa};120000,00;;31/12/2024;;;Loyer interne CFA;OD-2024-LOYER;OD")?;
                writeln!(out, "870000;{chamber};;120000,00;31/12/2024;;;Loyer interne CFA;OD-2024-LOYER;OD")?;
                continue;
            }
            let pick = rng.below(total);
            let object = &self.objects[self.cumulative.partition_point(|&c| c <= pick)];
            let name = if rng.below(2000) == 0 { "" } else { object.name.as_str() };
            // Amounts: mostly small, some invoices, a few salaries.
            let size = rng.below(100);
            let cents = if size < 80 { 100 + rng.below(200_000) } else if size < 98 { 200_000 + rng.below(1_800_000) } else { 2_000_000 + rng.below(6_000_000) };
            let amount = decimal(cents);
            let draw = rng.below(1000);
            let (account, label, financer, product, journal) = if draw < 30 {
                let (a, l) = *rng.pick(&OUT_OF_SCOPE);
                (a, l, "", rng.below(2) == 0, "BQ")
            } else if draw < 150 || object.kind == Kind::Tax && draw < 600 {
                match object.kind {
                    Kind::Apprenticeship | Kind::Formation | Kind::B01Common => {
                        let (a, l, f) = *rng.pick(&PRODUCTS_FORMATION);
                        (a, l, f, true, "VTE")
                    }
                    Kind::Tax => ("756100", "Taxe pour frais de chambre", "", true, "VTE"),
                    _ => {
                        let (a, l) = *rng.pick(&PRODUCTS_CMA);
                        (a, l, "", true, "VTE")
                    }
                }
            } else {
                let mut w = rng.below(charge_total);
                let mut chosen = CHARGES[0];
                for c in CHARGES {
                    if w < c.2 {
                        chosen = c;
                        break;
                    }
                    w -= c.2;
                }
                let journal = if chosen.0.starts_with("64") { "PAIE" } else { "ACH" };
                (chosen.0, chosen.1, "", false, journal)
            };
            // Credit notes on charges, debits on products: a few per cent.
            let reversed = rng.below(100) < 2;
            let (debit, credit) = if product != reversed { ("", amount.as_str()) } else { (amount.as_str(), "") };
            let certification = if object.kind == Kind::B01Common && rng.below(20) == 0 {
                let certs = &self.taught[object.site];
                certs.get(rng.below(certs.len().max(1) as u64) as usize).map(|&c| certification(c)).unwrap_or_default()
            } else {
                String::new()
            };
            let month_name = MONTHS[(month - 1) as usize];
            let quoted = rng.below(500) == 0;
            use std::fmt::Write as _;
            let _ = if quoted {
                write!(line, "{account};{name};{debit};{credit};{date};{certification};{financer};\"{label} ; {month_name} 2024\"")
            } else {
                write!(line, "{account};{name};{debit};{credit};{date};{certification};{financer};{label} {month_name} 2024")
            };
            let _ = writeln!(line, ";{journal}-2024-{n:07};{journal}");
            out.write_all(line.as_bytes())?;
        }
        Ok(())
    }
}
