// Les deux graphiques des résultats, en SVG, chacun avec son tableau de remplacement :
// le coût complet par activité (charges directes et indirectes) et le flux des charges
// indirectes des pools vers les activités. Les longueurs seules viennent de nombres à virgule
// flottante ; les montants affichés restent le texte exact du cœur.

import { court, el, euros, grandeur, svg } from './format.js';

const COULEURS = ['#1d4ed8', '#b45309', '#047857', '#7c3aed', '#be123c', '#0e7490', '#4d7c0f', '#a21caf', '#334155'];

/** Le tableau de données d'un graphique : légende, en-têtes de colonnes, puis des lignes dont la
 *  première cellule est l'en-tête de ligne. */
export function tableau(legende, colonnes, lignes) {
  return el('table', {},
    el('caption', { texte: legende }),
    el('thead', {}, el('tr', {}, colonnes.map((c) => el('th', { scope: 'col', texte: c })))),
    el('tbody', {}, lignes.map(([entete, ...cellules]) =>
      el('tr', {}, el('th', { scope: 'row', texte: entete }), cellules.map((c) => el('td', { class: 'nombre', texte: c }))))));
}

/** Le tableau qui remplace un graphique, replié sous lui ; son résumé nomme le graphique (il y en
 *  a plusieurs par page) et son cadre défile seul s'il est large. `table` est le tableau, ou la
 *  fonction qui le fabrique à la première ouverture (le flux d'une région compte des milliers de
 *  lignes : les fabriquer toutes à chaque calcul retardait l'affichage des résultats). */
export function remplacement(titre, table) {
  const details = el('details', { class: 'remplacement' }, el('summary', { texte: `Données en tableau : ${titre}` }));
  const remplir = () => details.append(el('div', { class: 'defile' }, typeof table === 'function' ? table() : table));
  if (typeof table === 'function') details.addEventListener('toggle', remplir, { once: true });
  else remplir();
  return details;
}

/** Le cadre d'un dessin : à moins de sa largeur (écran étroit, zoom), le dessin garde sa taille —
 *  texte lisible, 12 px au moins — et défile dans ce cadre, pas la page. Le cadre est une région
 *  nommée par la légende du graphique, atteignable au clavier pour défiler. */
export function cadre(dessin, idLegende) {
  return el('div', { class: 'cadre-dessin', role: 'region', tabindex: 0, 'aria-labelledby': idLegende }, dessin);
}

/** Barres horizontales : coût complet de chaque activité, charges directes puis indirectes. */
export function graphiqueCouts(figure, activites, libelles, id) {
  figure.replaceChildren();
  const titre = 'Coût complet par activité : charges directes et indirectes';
  const ligne = 26;
  const gauche = 64;
  const largeur = 760;
  const utile = largeur - gauche - 150;
  const max = Math.max(1, ...activites.map((a) => grandeur(a.charges_directes) + grandeur(a.charges_indirectes)));
  const hauteur = activites.length * ligne + 40;
  const dessin = svg('svg', {
    viewBox: `0 0 ${largeur} ${hauteur}`, role: 'img', 'aria-labelledby': `${id}-titre`, class: 'svg-couts',
  });
  dessin.append(svg('title', { id: `${id}-titre`, texte: `${titre} (le tableau qui suit donne les mêmes chiffres)` }));
  activites.forEach((a, i) => {
    const y = 10 + i * ligne;
    const direct = (grandeur(a.charges_directes) / max) * utile;
    const indirect = (grandeur(a.charges_indirectes) / max) * utile;
    const libelle = `${a.code} ${libelles[a.code] ?? ''} : coût complet ${euros(a.cout_complet)} (directes ${euros(a.charges_directes)}, indirectes ${euros(a.charges_indirectes)})`;
    dessin.append(svg('g', {},
      svg('title', { texte: libelle }),
      svg('text', { x: gauche - 8, y: y + 15, 'text-anchor': 'end', class: 'etiquette', texte: a.code }),
      svg('rect', { x: gauche, y, width: direct.toFixed(1), height: ligne - 8, class: 'directes' }),
      svg('rect', { x: (gauche + direct).toFixed(1), y, width: indirect.toFixed(1), height: ligne - 8, class: 'indirectes' }),
      svg('text', { x: (gauche + direct + indirect + 6).toFixed(1), y: y + 15, class: 'valeur', texte: euros(a.cout_complet) })));
  });
  const yl = hauteur - 18;
  dessin.append(
    svg('rect', { x: gauche, y: yl, width: 14, height: 14, class: 'directes' }),
    svg('text', { x: gauche + 20, y: yl + 12, class: 'etiquette', texte: 'charges directes' }),
    svg('rect', { x: gauche + 160, y: yl, width: 14, height: 14, class: 'indirectes' }),
    svg('text', { x: gauche + 180, y: yl + 12, class: 'etiquette', texte: 'charges indirectes' }));
  figure.append(
    el('figcaption', { id: `${id}-legende`, texte: titre }),
    cadre(dessin, `${id}-legende`),
    remplacement(titre, tableau(titre, ['Activité', 'Charges directes', 'Charges indirectes', 'Coût complet'],
      activites.map((a) => [`${a.code} ${libelles[a.code] ?? ''}`, euros(a.charges_directes), euros(a.charges_indirectes), euros(a.cout_complet)]))));
}

/** Nom d'un pool pour les lecteurs : « D03 support (régional) ». */
export function nomPool(p) {
  return `${p.code} ${p.cle} (${p.site ?? 'régional'})`;
}

/** Flux : chaque pool (à gauche) vers les activités qui reçoivent ses charges (à droite). */
export function graphiqueFlux(figure, pools, flux, libelles, id) {
  figure.replaceChildren();
  const titre = 'Flux des charges indirectes : des pools vers les activités';
  if (flux.length === 0) {
    figure.append(el('figcaption', { texte: titre }), el('p', { texte: 'Aucune charge indirecte répartie.' }));
    return;
  }
  // Sommes pour le dessin seulement (nombres à virgule flottante).
  const parPool = new Map();
  const parActivite = new Map();
  const bandes = new Map();
  for (const f of flux) {
    const v = grandeur(f.montant);
    parPool.set(f.pool, (parPool.get(f.pool) ?? 0) + v);
    parActivite.set(f.code, (parActivite.get(f.code) ?? 0) + v);
    const cle = `${f.pool}|${f.code}`;
    bandes.set(cle, (bandes.get(cle) ?? 0) + v);
  }
  const total = [...parPool.values()].reduce((s, v) => s + v, 0) || 1;
  const ecart = 6;
  const largeur = 760;
  const hauteurUtile = 420;
  const xGauche = 200;
  const xDroite = 470;
  const echelle = (hauteurUtile - ecart * Math.max(parPool.size, parActivite.size)) / total;
  const positions = (totaux) => {
    let y = 10;
    const out = new Map();
    for (const [cle, v] of [...totaux.entries()].sort((a, b) => String(a[0]).localeCompare(String(b[0]), 'fr', { numeric: true }))) {
      const h = Math.max(2, v * echelle);
      out.set(cle, { y, h, suite: y });
      y += h + ecart;
    }
    return out;
  };
  const gauches = positions(parPool);
  const droites = positions(parActivite);
  const hauteur = Math.max(...[...gauches.values(), ...droites.values()].map((p) => p.y + p.h)) + 12;
  const dessin = svg('svg', { viewBox: `0 0 ${largeur} ${hauteur}`, role: 'img', 'aria-labelledby': `${id}-titre`, class: 'svg-flux' });
  dessin.append(svg('title', { id: `${id}-titre`, texte: `${titre} (le tableau qui suit donne les mêmes chiffres)` }));
  let couleur = 0;
  const couleurs = new Map();
  for (const [cle, v] of [...bandes.entries()].sort()) {
    const [pool, code] = cle.split('|');
    const p = gauches.get(Number(pool));
    const a = droites.get(code);
    if (!couleurs.has(pool)) couleurs.set(pool, COULEURS[couleur++ % COULEURS.length]);
    const h = Math.max(1, v * echelle);
    const y1 = p.suite + h / 2;
    const y2 = a.suite + h / 2;
    p.suite += h;
    a.suite += h;
    const milieu = (xGauche + xDroite) / 2;
    dessin.append(svg('path', {
      d: `M${xGauche},${y1.toFixed(1)} C${milieu},${y1.toFixed(1)} ${milieu},${y2.toFixed(1)} ${xDroite},${y2.toFixed(1)}`,
      stroke: couleurs.get(pool), 'stroke-width': h.toFixed(1), class: 'bande',
    }, svg('title', { texte: `${nomPool(pools[Number(pool)])} → ${code}` })));
  }
  for (const [pool, p] of gauches) {
    dessin.append(
      svg('rect', { x: xGauche - 10, y: p.y.toFixed(1), width: 10, height: p.h.toFixed(1), fill: couleurs.get(String(pool)) }),
      svg('text', { x: xGauche - 16, y: (p.y + p.h / 2 + 4).toFixed(1), 'text-anchor': 'end', class: 'etiquette', texte: nomPool(pools[pool]) }));
  }
  for (const [code, a] of droites) {
    dessin.append(
      svg('rect', { x: xDroite, y: a.y.toFixed(1), width: 10, height: a.h.toFixed(1), class: 'noeud' }),
      svg('text', { x: xDroite + 16, y: (a.y + a.h / 2 + 4).toFixed(1), class: 'etiquette', texte: `${code} ${court(libelles[code] ?? '', 36)}` }));
  }
  figure.append(
    el('figcaption', { id: `${id}-legende`, texte: titre }),
    cadre(dessin, `${id}-legende`),
    remplacement(titre, () => tableau(titre, ['Pool', 'Activité', 'Certification', 'Montant'],
      flux.map((f) => [nomPool(pools[f.pool]), `${f.code} ${libelles[f.code] ?? ''}`, f.certification ?? '', euros(f.montant)]))));
}
