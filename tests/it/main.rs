//! Tests d'intégration : un seul binaire, un module par thème.

// Cas calculés à la main sous `tests/cas/`, comparés à la sortie de `repartir --json`.
mod cas;
// Contrat de la ligne de commande (spécification §9).
mod cli;
// Formats réels : SAP Windows-1252, XLSX, ODS, FEC, fichiers malformés.
mod formats;
// Entrées gardées par le fuzzing et graines du corpus, rejouées.
mod fuzz;
// Aucune étape quadratique : deux fois plus de sites, d'objets et de pools, deux fois plus de travail (compté) ;
// le générateur du banc est déterministe et réaliste.
mod lineaire;
// Lecture rapide : le découpage des lignes donne les enregistrements du crate csv, entier ou par morceaux.
mod lecture;
// Fichiers hostiles : bombe ZIP, fichier trop grand, ligne très longue, un million d'objets.
mod hostile;
// Modèles de fichiers (CSV, XLSX) relus.
mod modeles;
// Calculateur d'ETP : chaque exemple de l'annexe 3 « ETP », lignes d'inducteurs, `etp --json`.
mod etp;
// Loyer interne (norme §V.e.ii) : exemples calculés à la main, paire 86/87 équilibrée.
mod loyer;
// Préprojet France compétences : cas de `tests/cas-preprojet/`, exports relus, contrôles, calendrier.
mod preprojet;
// Le détail d'un chiffre (lignes du grand livre) en fait la somme, sur chaque cas.
mod detail;
// L'exemple de la page : fichiers égaux au générateur, anomalies voulues signalées.
mod exemple;
// Propriétés (proptest) : conservation au centime, identité de contrôle, ordre des lignes,
// préprojet égal à B01, dialectes d'export.
mod proprietes;
// Revue de cohérence de CMA France : cas à cinq régions de `tests/cas-revue/`, seuil, exports relus.
mod revue;
// Régressions trouvées en relecture, chacune avec son cas minimal.
mod regressions;
// Invariants de style et documentation générée.
mod tidy;
// Catalogue des diagnostics : un cas minimal par code sous `tests/catalogue/`, rejoué par la ligne de commande.
mod catalogue;
