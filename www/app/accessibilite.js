// Ce qui garde la page utilisable au clavier et au lecteur d'écran quand elle change :
// - chaque cadre de défilement d'un tableau large (`.defile`) est une région nommée par la
//   légende de son tableau, atteignable au clavier (tabindex 0) pour le faire défiler ;
// - le focus d'un bouton qui devient désactivé ou disparaît ne tombe pas sur <body>.

let prochainId = 1;

/** Nomme un cadre `.defile` d'après la légende (caption) du tableau qu'il contient ; un cadre
 *  sans tableau affiché (un message « Aucun… », un tableau encore caché) n'est ni une région ni
 *  un arrêt du clavier. */
function nommer(cadre) {
  const legende = cadre.querySelector(':scope > table:not([hidden]) > caption');
  if (!legende) {
    for (const a of ['role', 'tabindex', 'aria-labelledby']) cadre.removeAttribute(a);
    return;
  }
  if (!legende.id) legende.id = `legende-${prochainId++}`;
  cadre.setAttribute('role', 'region');
  cadre.setAttribute('aria-labelledby', legende.id);
  cadre.tabIndex = 0;
}

/** Nomme les cadres `.defile` de `racine`, maintenant et chaque fois que leur contenu change. */
export function nommerDefilements(racine) {
  const tous = () => racine.querySelectorAll('.defile').forEach(nommer);
  tous();
  new MutationObserver(tous).observe(racine, { childList: true, subtree: true, attributes: true, attributeFilter: ['hidden'] });
}

/** L'élément qui a le focus dans `racine` (document ou racine fantôme), ou null. */
export function focusDans(racine) {
  return racine.activeElement ?? null;
}

/** Après un changement qui a pu désactiver, cacher ou retirer `avant` (l'élément qui avait le
 *  focus), donne le focus à la première `cible` qui peut le prendre. Sans effet si le focus
 *  était ailleurs ou s'il est resté sur un élément utilisable. */
export function garderFocus(racine, avant, ...cibles) {
  if (!avant) return;
  const actuel = focusDans(racine);
  if (actuel && actuel !== avant) return;
  if (actuel === avant && avant.isConnected && !avant.disabled && avant.checkVisibility()) return;
  for (const cible of cibles) {
    if (!cible || !cible.isConnected || cible.disabled || !cible.checkVisibility()) continue;
    cible.focus();
    if (focusDans(racine) === cible) return;
  }
}
