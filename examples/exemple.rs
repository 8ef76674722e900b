//! The built-in example of the page, « CMA de région Exemple »: three sites and the regional
//! head office, a CFA with ten certifications, about 5 000 ledger lines and a few deliberate
//! anomalies, each of which gives a real diagnostic (listed in `www/exemple/LISEZMOI.md`).
//!
//! `cargo run --example exemple` rewrites `www/exemple/`; a test (tests/it/exemple.rs) checks
//! that the committed files are exactly what this generator writes. Deterministic: a fixed
//! xorshift seed, no clock.

use std::fmt::Write as _;
use std::path::Path;

#[path = "commun/alea.rs"]
mod alea;
use alea::Rng;

const SITES: [&str; 3] = ["Nord", "Centre", "Sud"];

/// (certification code, title, short name of its objects, site, hours per apprentice,
/// apprentices). The codes are fictitious but in the format France compétences expects (an
/// RNCP number, or an 8-character diploma code): the pre-project tab finds no P004.
const CERTIFICATIONS: [(&str, &str, &str, &str, u64, u64); 10] = [
    ("50022101", "CAP Cuisine", "CAPCUI", "Nord", 800, 72),
    ("50022102", "CAP Pâtissier", "CAPPAT", "Nord", 800, 54),
    ("45022103", "BP Boulanger", "BPBOUL", "Nord", 910, 36),
    ("RNCP90104", "BTM Pâtissier", "BTMPAT", "Nord", 1_200, 24),
    ("50033105", "CAP Coiffure", "CAPCOI", "Centre", 800, 90),
    ("45033106", "BP Coiffure", "BPCOI", "Centre", 910, 48),
    ("50033107", "CAP Esthétique", "CAPEST", "Centre", 800, 60),
    ("50022108", "CAP Boucher", "CAPBOU", "Sud", 800, 30),
    ("50025109", "CAP Maintenance des véhicules", "CAPMV", "Sud", 840, 66),
    ("40025510", "Bac pro Électricien", "BACELEC", "Sud", 1_350, 42),
];

/// One analytic object of the chamber: name, national code, site, certification, heading.
struct Object {
    name: String,
    code: &'static str,
    site: &'static str,
    certification: &'static str,
    heading: &'static str,
    /// Relative volume of lines.
    weight: u64,
}

fn objects() -> Vec<Object> {
    let mut out = Vec::new();
    let mut add = |name: String, code, site, certification, heading, weight| {
        out.push(Object { name, code, site, certification, heading, weight });
    };
    for (i, &site) in SITES.iter().enumerate() {
        let s = &site[..1];
        add(format!("EOTP-{s}-FORMALITES"), "A0101", site, "", "", 6);
        add(format!("EOTP-{s}-CREATION"), "A0301", site, "", "", 5);
        add(format!("EOTP-{s}-NUMERIQUE"), "A04", site, "", "", 2);
        add(format!("EOTP-{s}-ORIENTATION"), "C01", site, "", "", 3);
        add(format!("EOTP-{s}-FC"), "B02", site, "", "", 5);
        add(format!("EOTP-{s}-CFA-COMMUN"), "B01", site, "", "", 6);
        add(format!("CC-{s}-LOCAUX"), "D1002", site, "", "", 4);
        if i == 0 {
            add(format!("EOTP-{s}-PREPA"), "C02", site, "", "", 2);
        }
    }
    for &(certification, _, short, site, _, _) in &CERTIFICATIONS {
        add(format!("EOTP-CFA-{short}"), "B0101", site, certification, "", 8);
        add(format!("EOTP-CFA-{short}-SUIVI"), "B0101", site, certification, "accompagnement", 2);
    }
    // Regional head office: support functions and piloting.
    add("CC-DG".into(), "D0201", "", "", "", 4);
    add("CC-ELUS".into(), "D0101", "", "", "", 2);
    add("CC-COMPTA".into(), "D0301", "", "", "", 5);
    add("CC-RH".into(), "D0401", "", "", "", 4);
    add("CC-COM".into(), "D0501", "", "", "", 3);
    add("CC-DSI".into(), "D0801", "", "", "", 4);
    add("CC-VEHICULES".into(), "D10", "", "", "", 1);
    add("EOTP-PILOTAGE-ECO".into(), "A11", "", "", "", 3);
    add("EOTP-PILOTAGE-FORMATION".into(), "B11", "", "", "", 3);
    add("EOTP-PILOTAGE-EMPLOI".into(), "C11", "", "", "", 1);
    add("EOTP-ACCOMPAGNEMENT".into(), "A07", "", "", "", 2);
    out
}

const CHARGES: [(&str, &str); 12] = [
    ("641100", "Salaires et traitements"),
    ("645100", "Cotisations URSSAF"),
    ("606300", "Fournitures d'entretien et petit équipement"),
    ("606400", "Fournitures administratives"),
    ("613500", "Locations mobilières"),
    ("615500", "Entretien et réparations sur biens mobiliers"),
    ("622600", "Honoraires"),
    ("623100", "Annonces et insertions"),
    ("625100", "Voyages et déplacements"),
    ("626100", "Frais postaux et télécommunications"),
    ("681120", "Dotations aux amortissements"),
    ("628100", "Cotisations"),
];
const PREMISES: [(&str, &str); 4] = [
    ("606100", "Eau et énergie"),
    ("613200", "Loyer"),
    ("615200", "Entretien des bâtiments"),
    ("616100", "Assurance multirisque"),
];

fn amount(cents: u64) -> String {
    format!("{},{:02}", cents / 100, cents % 100)
}

/// The ledger being written, with its running piece number.
struct Ledger {
    text: String,
    pieces: u32,
}

impl Ledger {
    /// A dated line of 2024; a product when `debit` is `None` (its credit drawn here).
    fn line(&mut self, rng: &mut Rng, account: &str, object: &str, debit: Option<u64>, label: &str, financer: &str) {
        self.pieces += 1;
        let piece = self.pieces;
        let month = 1 + rng.below(12);
        let day = 1 + rng.below(28);
        let (journal, prefix) = match account.as_bytes()[0] {
            b'7' => ("VT", "FV"),
            b'4' => ("BQ", "BQ"),
            _ if account.starts_with("64") => ("PA", "PA"),
            _ => ("AC", "FA"),
        };
        let (d, c) = match debit {
            Some(cents) => (amount(cents), String::new()),
            // Apprenticeship contracts (the OPCOs' funding levels) pay about what a CFA costs.
            None if account == "706100" => (String::new(), amount((rng.below(900_000) + 10_000) * 3)),
            None => (String::new(), amount(rng.below(900_000) + 10_000)),
        };
        let _ = writeln!(
            self.text,
            "{account};{object};{d};{c};2024-{month:02}-{day:02};{label};{prefix}2024-{piece:05};{journal};{financer}"
        );
    }
}

pub struct Files {
    pub ledger: String,
    pub mapping: String,
    pub drivers: String,
    /// The certifications' titles (`certification;libelle`), for the pre-project tab.
    pub titles: String,
}

pub fn generate() -> Files {
    let mut rng = Rng(0x2024_C0DE_CAFE_F00D);
    let objects = objects();
    let mut mapping = String::from("objet;code;site;certification;rubrique_fc;cle\n");
    for o in &objects {
        let _ = writeln!(mapping, "{};{};{};{};{};", o.name, o.code, o.site, o.certification, o.heading);
    }

    let mut drivers = String::from("inducteur;site;code;perimetre;certification;valeur;heures;apprenants\n");
    let staff: [(&str, u64); 6] = [("A01", 250), ("A03", 180), ("A04", 60), ("C01", 120), ("B01", 900), ("B02", 200)];
    for site in SITES {
        for (code, base) in staff {
            let _ = writeln!(drivers, "etp;{site};{code};;;{};;", amount(base + rng.below(60) * 5));
        }
        for side in ["formation", "cma"] {
            let _ = writeln!(drivers, "surface;{site};;{side};;{};;", 300 + rng.below(900));
        }
        let _ = writeln!(drivers, "heures_apprenants;{site};B02;;;{};;", 4_000 + rng.below(3_000));
    }
    let _ = writeln!(drivers, "etp;Nord;C02;;;0,80;;");
    // Head office staff (regional): piloting counts at level 1 only, support functions nowhere.
    for (code, value) in [("A11", "1,50"), ("B11", "2,00"), ("C11", "0,50"), ("D02", "3,00"), ("D03", "4,00")] {
        let _ = writeln!(drivers, "etp;;{code};;;{value};;");
    }
    let _ = writeln!(drivers, "vehicules;;;cma;;3;;");
    let _ = writeln!(drivers, "vehicules;;;formation;;2;;");
    for &(certification, _, _, site, hours, learners) in &CERTIFICATIONS {
        let _ = writeln!(drivers, "heures_apprenants;{site};B01;;{certification};;{hours};{learners}");
    }

    let mut ledger = Ledger { text: String::from("compte;objet;debit;credit;date;libelle;piece;journal;financeur\n"), pieces: 0 };
    let total_weight: u64 = objects.iter().map(|o| o.weight).sum();
    while ledger.pieces < 4_950 {
        // An object drawn by weight.
        let mut pick = rng.below(total_weight);
        let o = objects
            .iter()
            .find(|o| {
                if pick < o.weight {
                    true
                } else {
                    pick -= o.weight;
                    false
                }
            })
            .unwrap_or(&objects[0]);
        let is_product = match o.code {
            "A0101" | "A0301" | "B02" | "B0101" | "C01" => rng.below(6) == 0,
            _ => false,
        };
        if is_product {
            let (account, label, financer) = match o.code {
                "B0101" => ("706100", "Contrats d'apprentissage", "contrats_apprentissage"),
                "B02" => ("706300", "Formations facturées", *rng.pick(&["entreprises", "cpf", "fafcea"])),
                _ => ("706200", "Prestations aux entreprises", "prestations_entreprises"),
            };
            ledger.line(&mut rng, account, &o.name, None, label, financer);
        } else if o.code == "D1002" || (o.code == "B01" && rng.below(4) == 0) {
            let (account, label) = *rng.pick(&PREMISES);
            let cents = rng.below(400_000) + 5_000;
            ledger.line(&mut rng, account, &o.name, Some(cents), label, "");
        } else {
            let (account, label) = *rng.pick(&CHARGES);
            let cents = if account.starts_with("64") { rng.below(600_000) + 150_000 } else { rng.below(250_000) + 2_000 };
            ledger.line(&mut rng, account, &o.name, Some(cents), label, "");
        }
    }
    // Balance-sheet lines (class 4): out of the analytic scope, counted once (H001).
    for _ in 0..30 {
        let cents = rng.below(500_000) + 1_000;
        ledger.line(&mut rng, "401000", "", Some(cents), "Règlement fournisseur", "");
    }
    let mut ledger = ledger.text;
    // Deliberate anomalies, one diagnostic each (see www/exemple/LISEZMOI.md).
    let anomalies = [
        "623100;EOTP-SALON-2024;4850,00;;2024-03-15;Stand salon de l'artisanat (objet absent de la table);FA2024-90001;AC;",
        "606400;CC-COMPTA;1 250,456;;2024-05-02;Papeterie (trois décimales);FA2024-90002;AC;",
        "625100;EOTP-N-CREATION;86,40;;31/02/2024;Déplacement (date impossible);FA2024-90003;AC;",
        "706300;EOTP-C-FC;;2400,00;2024-06-20;Formation facturée (financeur inconnu);FV2024-90004;VT;opco-btp",
        "622600;EOTP-ACCOMPAGNEMENT;3600,00;;2024-09-12;Honoraires expert (activité sans inducteur ETP);FA2024-90005;AC;",
    ];
    for a in anomalies {
        ledger.push_str(a);
        ledger.push('\n');
    }
    let mut titles = String::from("certification;libelle\n");
    for &(certification, title, ..) in &CERTIFICATIONS {
        let _ = writeln!(titles, "{certification};{title}");
    }
    Files { ledger, mapping, drivers, titles }
}

#[allow(dead_code)] // also compiled into tests/it/exemple.rs, which calls `generate` only
fn main() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("www").join("exemple");
    let files = generate();
    std::fs::create_dir_all(&dir).expect("www/exemple");
    for (name, text) in [
        ("grand-livre.csv", &files.ledger),
        ("correspondance.csv", &files.mapping),
        ("inducteurs.csv", &files.drivers),
        ("certifications.csv", &files.titles),
    ] {
        std::fs::write(dir.join(name), text).expect("write the example");
        println!("{} : {} lignes", dir.join(name).display(), text.lines().count());
    }
}
