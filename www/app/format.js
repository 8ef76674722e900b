// Mise en forme française des chiffres exacts que le cœur envoie en texte (« -1234.56 »).
// Aucun calcul d'argent ici : les montants restent du texte ; seuls les graphiques en tirent
// une longueur (nombre à virgule flottante, pour dessiner).

const ESPACE_FINE = '\u202f';
const ESPACE_INSECABLE = '\u00a0';

function grouper(entier) {
  return entier.replace(/\B(?=(\d{3})+(?!\d))/g, ESPACE_FINE);
}

/** « -1234.56 » → « -1 234,56 » (espace fine insécable entre les milliers). */
export function nombre(texte) {
  const t = String(texte ?? '');
  const negatif = t.startsWith('-');
  const [entier, decimales] = (negatif ? t.slice(1) : t).split('.');
  return `${negatif ? '-' : ''}${grouper(entier)}${decimales === undefined ? '' : ',' + decimales}`;
}

/** « -1234.56 » → « -1 234,56 € ». */
export function euros(texte) {
  return `${nombre(texte)}${ESPACE_INSECABLE}€`;
}

/** Ce qu'affiche une valeur non définie (une marge sans produits, un coût sans apprentis) :
 *  « — », jamais un « 0 % » trompeur. */
export const NON_DEFINI = '—';

function absent(texte) {
  return texte === null || texte === undefined || texte === '';
}

/** Un ratio facultatif mis en forme par `forme`, ou « — » s'il n'est pas défini. */
export function ratio(texte, forme) {
  return absent(texte) ? NON_DEFINI : forme(texte);
}

/** Un ratio exact en pourcentage, par déplacement de la virgule dans le texte (aucun calcul) :
 *  « 0.4941 » → « 49,41 % », « -0.8034 » → « -80,34 % », « 1.0000 » → « 100,00 % » ; une
 *  valeur absente donne « — ». */
export function pourcentage(texte) {
  if (absent(texte)) return NON_DEFINI;
  const t = String(texte);
  const negatif = t.startsWith('-');
  const [entier, decimales = ''] = (negatif ? t.slice(1) : t).split('.');
  const d = decimales.padEnd(2, '0');
  const cent = `${entier}${d.slice(0, 2)}`.replace(/^0+(?=\d)/, '');
  const reste = d.slice(2);
  return `${negatif ? '-' : ''}${grouper(cent)}${reste ? ',' + reste : ''}${ESPACE_INSECABLE}%`;
}

/** « 2024-07-10 » → « 10/07/2024 ». */
export function date(iso) {
  const [a, m, j] = String(iso ?? '').split('-');
  return j ? `${j}/${m}/${a}` : String(iso ?? '');
}

/** La date du jour de l'utilisateur, « AAAA-MM-JJ » (le cœur ne lit jamais l'horloge). */
export function aujourdhui() {
  const d = new Date();
  const deux = (n) => String(n).padStart(2, '0');
  return `${d.getFullYear()}-${deux(d.getMonth() + 1)}-${deux(d.getDate())}`;
}

/** Un texte coupé à `n` caractères (« … » à la fin), pour une étiquette de graphique. */
export function court(texte, n) {
  return texte.length > n ? `${texte.slice(0, n - 1)}…` : texte;
}

/** Longueur d'un montant pour un graphique (jamais pour un calcul). */
export function grandeur(texte) {
  return Math.abs(Number.parseFloat(texte)) || 0;
}

/** Taille d'un fichier en octets, lisible. */
export function octets(n) {
  if (n < 1024) return `${n} octets`;
  if (n < 1024 * 1024) return `${(n / 1024).toFixed(1).replace('.', ',')} ko`;
  return `${(n / (1024 * 1024)).toFixed(1).replace('.', ',')} Mo`;
}

/** Durée en millisecondes, lisible. */
export function duree(ms) {
  return ms < 1000 ? `${Math.round(ms)} ms` : `${(ms / 1000).toFixed(2).replace('.', ',')} s`;
}

/** Un élément HTML avec ses attributs et ses enfants ; le texte est toujours posé comme texte. */
export function el(nom, attributs = {}, ...enfants) {
  const e = document.createElement(nom);
  for (const [cle, valeur] of Object.entries(attributs)) {
    if (valeur === null || valeur === undefined || valeur === false) continue;
    if (cle === 'texte') e.textContent = valeur;
    else if (cle.startsWith('on')) e.addEventListener(cle.slice(2), valeur);
    else e.setAttribute(cle, valeur === true ? '' : String(valeur));
  }
  for (const enfant of enfants.flat()) {
    if (enfant === null || enfant === undefined || enfant === false) continue;
    e.append(enfant instanceof Node ? enfant : document.createTextNode(String(enfant)));
  }
  return e;
}

/** Un élément SVG (mêmes règles que `el`). */
export function svg(nom, attributs = {}, ...enfants) {
  const e = document.createElementNS('http://www.w3.org/2000/svg', nom);
  for (const [cle, valeur] of Object.entries(attributs)) {
    if (valeur === null || valeur === undefined) continue;
    if (cle === 'texte') e.textContent = valeur;
    else e.setAttribute(cle, String(valeur));
  }
  for (const enfant of enfants.flat()) if (enfant) e.append(enfant);
  return e;
}
