//! Tests d'intégration : un seul binaire, un module par thème.

// Cas calculés à la main sous `tests/cas/`, comparés à la sortie de `repartir --json`.
mod cas;
// Contrat de la ligne de commande (spécification §9).
mod cli;
// Le détail d'un chiffre (lignes du grand livre) en fait la somme, sur chaque cas.
mod detail;
// L'exemple de la page : fichiers égaux au générateur, anomalies voulues signalées.
mod exemple;
// Propriétés (proptest) : conservation au centime, identité de contrôle, ordre des lignes.
mod proprietes;
// Invariants de style et documentation générée.
mod tidy;
