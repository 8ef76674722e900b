//! Tests d'intégration : un seul binaire, un module par thème.

// Cas calculés à la main sous `tests/cas/`, comparés à la sortie de `repartir --json`.
mod cas;
// Contrat de la ligne de commande (spécification §9).
mod cli;
// Formats réels : SAP Windows-1252, XLSX, ODS, FEC, fichiers malformés.
mod formats;
// Modèles de fichiers (CSV, XLSX) relus.
mod modeles;
// Propriétés (proptest) : conservation au centime, identité de contrôle, ordre des lignes.
mod proprietes;
// Régressions trouvées en relecture, chacune avec son cas minimal.
mod regressions;
// Invariants de style et documentation générée.
mod tidy;
