// La zone de dépôt d'un onglet : le champ de fichiers et le glisser-déposer dans son cadre donnent
// la même liste de fichiers à `ajouter`. Servi aux onglets « Comptabilité analytique » et
// « Revue CMA France ».

/** Branche `zone` (le cadre, survolé pendant un glisser) et `entree` (le champ de fichiers). */
export function brancherDepot(zone, entree, ajouter) {
  entree.addEventListener('change', () => {
    ajouter([...entree.files]);
    entree.value = '';
  });
  zone.addEventListener('dragover', (e) => {
    e.preventDefault();
    zone.classList.add('survol');
  });
  zone.addEventListener('dragleave', () => zone.classList.remove('survol'));
  zone.addEventListener('drop', (e) => {
    e.preventDefault();
    zone.classList.remove('survol');
    ajouter([...e.dataTransfer.files]);
  });
}
