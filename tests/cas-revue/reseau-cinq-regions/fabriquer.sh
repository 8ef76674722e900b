#!/bin/sh
# Produit les exports des régions avec les vraies commandes `preprojet` et `repartir` à partir des
# fichiers CSV faits à la main de chaque dossier. Les exports sont versionnés ; le test
# `revue::the_committed_exports_are_what_the_commands_write` vérifie qu'ils sont à jour.
# Usage : sh tests/cas-revue/reseau-cinq-regions/fabriquer.sh [chemin/vers/cma-analytique]
set -eu
cd "$(dirname "$0")"
OUTIL="${1:-../../../target/debug/cma-analytique}"
entrees() { echo --grand-livre "$1/grand-livre.csv" --correspondance "$1/correspondance.csv" --inducteurs "$1/inducteurs.csv"; }
preprojet() { r="$1"; shift; "$OUTIL" preprojet $(entrees "$r") --certifications "$r/certifications.csv" --exercice 2023 "$@" > /dev/null; }
resultats() { "$OUTIL" repartir $(entrees "$1") --json > "$1/resultats.json"; }

preprojet bretagne --date-envoi 2024-06-28 --nom "CMA de région Bretagne" --xlsx bretagne/preprojet.xlsx
resultats bretagne
preprojet grand-est --date-envoi 2024-07-15 --nom "CMA de région Grand Est" --xlsx grand-est/preprojet.xlsx
resultats grand-est
preprojet hauts-de-france --date-envoi 2024-07-01 --csv hauts-de-france/preprojet.csv
"$OUTIL" preprojet $(entrees normandie) --certifications normandie/certifications.csv --exercice 2023 \
    --date-envoi 2024-07-10 --nom "CMA de région Normandie" --json > normandie/preprojet.json
resultats normandie
preprojet occitanie --date-envoi 2024-07-01 --csv occitanie/preprojet.csv
resultats occitanie
