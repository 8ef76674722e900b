// L'onglet « Revue CMA France » : les préprojets et les résultats de plusieurs régions déposés
// ensemble, chacun reconnu à son contenu et étiqueté par sa région ; la revue faite dans le Web
// Worker (revue::review du cœur) ; ses résultats — régions atypiques et rubrique qui l'explique,
// comparaison de chaque certification avec ses graphiques (et leur tableau), agrégat national,
// tableau de bord de la norme §VI, actions (COP) et (PN), diagnostics — et ses exports.
// Tout ce qui vient des fichiers est posé en texte (el, textContent) ; les montants restent le
// texte exact du cœur, les graphiques seuls en tirent des longueurs.

import { focusDans, garderFocus } from './accessibilite.js';
import { brancherDepot } from './depot.js';
import { aujourdhui, court, date, el, euros, grandeur, nombre, octets, pourcentage, svg } from './format.js';
import { cadre, remplacement, tableau } from './graphiques.js';

const GABARIT_REVUE = `
<section class="bloc" aria-labelledby="rv-t-fichiers">
  <h2 id="rv-t-fichiers">1. Fichiers des régions</h2>
  <p>Déposez ensemble les <strong>préprojets</strong> des régions, tels que l'outil les exporte (classeur XLSX,
    CSV ou JSON), et leurs <strong>résultats complets</strong> quand elles les ont envoyés (export JSON de la page,
    ou <code>repartir --json</code>). Chaque fichier est reconnu à son contenu. Indiquez sa région (majuscules,
    accents et espaces ne comptent pas) et, pour un préprojet, la date à laquelle CMA France l'a reçu.
    La revue se fait dans votre navigateur : aucune donnée ne quitte votre ordinateur.</p>
  <div class="zone" data-rv-zone>
    <label for="rv-fichiers">Fichiers des régions (plusieurs à la fois)</label>
    <input type="file" id="rv-fichiers" multiple accept=".xlsx,.xls,.ods,.csv,.json" data-rv-entree aria-describedby="rv-aide-zone">
    <p id="rv-aide-zone" class="discret">… ou glissez-déposez-les dans ce cadre.</p>
  </div>
  <div class="defile">
    <table class="fichiers rv-fichiers" data-rv-liste hidden>
      <caption>Fichiers des régions : nature reconnue, région et date de réception du préprojet</caption>
      <thead><tr><th scope="col">Fichier</th><th scope="col">Nature reconnue</th><th scope="col">Région</th>
        <th scope="col">Préprojet reçu par CMA France le</th><th scope="col"><span class="invisible">Action</span></th></tr></thead>
      <tbody></tbody>
    </table>
  </div>
  <div data-rv-regroupement></div>
</section>

<section class="bloc" aria-labelledby="rv-t-parametres">
  <h2 id="rv-t-parametres">2. Paramètres de la revue</h2>
  <form data-rv-parametres novalidate>
    <div class="champs">
      <p><label for="rv-seuil">Seuil d'écart robuste</label>
        <input type="number" id="rv-seuil" name="seuil" min="0.01" step="0.01" inputmode="decimal" aria-describedby="rv-aide-seuil"></p>
      <p><label for="rv-transmission">Date de transmission à France compétences <span class="discret">(facultatif)</span></label>
        <input type="date" id="rv-transmission" name="date_transmission" aria-describedby="rv-aide-transmission"></p>
    </div>
    <p id="rv-aide-seuil" class="discret">Une région est atypique quand son écart robuste, |valeur − médiane| / (facteur × écart
      absolu médian), dépasse strictement ce seuil. Valeur du référentiel : <span data-rv-seuil-defaut>…</span>.</p>
    <p id="rv-aide-transmission" class="discret">Le préprojet est dû à CMA France trois semaines avant la transmission. Sans cette
      date, celle que déclare le préprojet, sinon le 31 juillet de la campagne. Sans date de réception, la revue prend la date
      d'envoi que déclare le préprojet (classeur XLSX ou JSON).</p>
    <p class="actions">
      <button type="submit" class="principal" data-rv-action="lancer" disabled>Lancer la revue</button>
    </p>
  </form>
  <p role="status" aria-live="polite" data-rv-statut class="statut" tabindex="-1"></p>
  <p role="alert" data-rv-alerte class="alerte"></p>
</section>

<section class="bloc resultats" data-rv-resultats hidden aria-labelledby="rv-t-resultats">
  <h2 id="rv-t-resultats" tabindex="-1">3. Résultats de la revue</h2>
  <p data-rv-entete></p>
  <p class="perime" data-rv-perime hidden><strong>Résultats périmés :</strong> des fichiers, des régions, des dates ou des paramètres ont
    changé depuis cette revue. Relancez-la ; les exports la relancent d'abord.</p>
  <nav aria-label="Parties de la revue" class="sommaire">
    <ul>
      <li><a href="#rv-atypiques" data-aller="rv-atypiques">Régions atypiques</a></li>
      <li><a href="#rv-certifications" data-aller="rv-certifications">Certifications comparées</a></li>
      <li><a href="#rv-national" data-aller="rv-national">Agrégat national</a></li>
      <li><a href="#rv-conformite" data-aller="rv-conformite">Tableau de bord (§VI)</a></li>
      <li><a href="#rv-actions" data-aller="rv-actions">Actions (COP) et (PN)</a></li>
      <li><a href="#rv-diagnostics" data-aller="rv-diagnostics">Diagnostics</a></li>
    </ul>
  </nav>
  <div class="exports" role="group" aria-label="Exports de la revue">
    <button type="button" data-rv-action="classeur">Classeur XLSX de la revue</button>
    <label for="rv-table-csv">Table de la revue en CSV</label>
    <select id="rv-table-csv" data-rv-table-csv></select>
    <button type="button" data-rv-action="csv">Télécharger le CSV de la revue</button>
  </div>

  <section id="rv-regions" aria-labelledby="rv-t-regions">
    <h3 id="rv-t-regions" tabindex="-1">Régions et fichiers lus</h3>
    <div class="defile" data-rv-regions></div>
  </section>
  <section id="rv-atypiques" aria-labelledby="rv-t-atypiques">
    <h3 id="rv-t-atypiques" tabindex="-1">Régions atypiques</h3>
    <div class="defile" data-rv-atypiques></div>
  </section>
  <section id="rv-certifications" aria-labelledby="rv-t-certifications">
    <h3 id="rv-t-certifications" tabindex="-1">Certifications présentes dans plusieurs régions</h3>
    <p class="discret">Tous sites additionnés. Pour chaque mesure : la médiane des régions, l'écart absolu médian (EAM), l'écart
      robuste de chaque région et, pour une région atypique, la rubrique dont le montant par unité s'écarte le plus de sa
      médiane dans le sens de l'écart. Une région atypique est marquée « ▲ atypique » (texte et couleur).</p>
    <div data-rv-certifications></div>
    <div data-rv-non-comparees></div>
  </section>
  <section id="rv-national" aria-labelledby="rv-t-national">
    <h3 id="rv-t-national" tabindex="-1">Agrégat national (régions ayant donné leurs résultats complets)</h3>
    <div data-rv-national></div>
  </section>
  <section id="rv-conformite" aria-labelledby="rv-t-conformite">
    <h3 id="rv-t-conformite" tabindex="-1">Tableau de bord de la norme (§VI)</h3>
    <div class="defile" data-rv-conformite></div>
  </section>
  <section id="rv-actions" aria-labelledby="rv-t-actions">
    <h3 id="rv-t-actions" tabindex="-1">Coût des codes (COP) et (PN) de la nomenclature</h3>
    <div data-rv-actions></div>
  </section>
  <section id="rv-diagnostics" aria-labelledby="rv-t-diagnostics">
    <h3 id="rv-t-diagnostics" tabindex="-1">Diagnostics de la revue</h3>
    <div class="defile" data-rv-diagnostics></div>
  </section>
</section>
`;

const MESURES = ['cout_par_apprenti', 'cout_par_heure_apprenant'];
const COULEURS = ['#1d4ed8', '#b45309', '#047857', '#7c3aed', '#be123c', '#0e7490', '#4d7c0f', '#a21caf'];
const NATURES = { preprojet: 'Préprojet', resultats: 'Résultats complets', illisible: 'Illisible' };
const GRAVITES = { erreur: 'erreur', avertissement: 'avertissement', info: 'info' };
const FICHIERS = { preprojet: 'préprojet', resultats: 'résultats', calcul: 'revue', parametres: 'paramètres' };

/** Un écart en euros avec son signe (« +3 800,00 € », « -200,00 € », « 0,00 € »). */
function ecartEuros(texte) {
  const t = String(texte ?? '');
  const nul = /^-?0*(\.0*)?$/.test(t);
  return `${t.startsWith('-') || nul ? '' : '+'}${euros(t)}`;
}

function majuscule(t) {
  return t ? t[0].toUpperCase() + t.slice(1) : t;
}

const NON_CONNU = () => el('span', { class: 'non-connu', texte: 'non connu' });

function th(texte, attributs = {}) {
  return el('th', { scope: 'col', ...attributs, texte });
}

function td(texte, classe = null) {
  return el('td', { class: classe, texte });
}

function montant(texte, classe = 'nombre') {
  return el('td', { class: `${classe}${String(texte).startsWith('-') ? ' negatif' : ''}`, texte: euros(texte) });
}

export function monterRevue(application, panneau) {
  return new RevueCma(application, panneau);
}

class RevueCma {
  constructor(application, panneau) {
    this.application = application;
    this.panneau = panneau;
    panneau.append(el('link', { rel: 'stylesheet', href: new URL('./revue.css', import.meta.url).href }));
    const gabarit = document.createElement('template');
    gabarit.innerHTML = GABARIT_REVUE; // balisage fixe, sans donnée
    panneau.append(gabarit.content.cloneNode(true));
    this.fichiers = [];
    this.prochain = 1;
    this.numero = 0;
    this.enCours = false;
    this.resultat = null;
    this.demande = null;
    this.perime = false;
    this.brancher();
    // La valeur du seuil vient du référentiel du cœur : demandée quand l'onglet s'ouvre.
    this.defautsDemandes = false;
    new MutationObserver(() => this.quandVisible()).observe(panneau, { attributes: true, attributeFilter: ['hidden'] });
    this.quandVisible();
  }

  $(selecteur) {
    return this.panneau.querySelector(selecteur);
  }

  statut(texte) {
    this.$('[data-rv-statut]').textContent = texte;
  }

  alerte(texte) {
    this.$('[data-rv-alerte]').textContent = texte;
  }

  /** Les résultats affichés ne suivent plus les fichiers, régions ou dates : c'est dit au-dessus
   *  d'eux (et annoncé une fois), et les exports relancent la revue avant d'exporter. */
  perimer() {
    if (!this.resultat || this.perime) return;
    this.perime = true;
    this.$('[data-rv-perime]').hidden = false;
    this.statut('Les résultats de la revue sont périmés : relancez la revue (les exports la relancent d’abord).');
  }

  async quandVisible() {
    if (this.panneau.hidden || this.defautsDemandes) return;
    this.defautsDemandes = true;
    try {
      const p = await this.application.demander('revue-parametres');
      this.parametresDefaut = p;
      this.$('[data-rv-seuil-defaut]').textContent =
        `seuil ${nombre(p.seuil)}, facteur ${nombre(p.facteur_ecart_absolu_median)}, au moins ${p.regions_minimum} régions pour un test`;
      const seuil = this.$('#rv-seuil');
      if (!seuil.value) seuil.value = p.seuil;
    } catch (e) {
      this.defautsDemandes = false;
      this.alerte(`Le module de calcul n'a pas répondu : ${e.message}`);
    }
  }

  brancher() {
    brancherDepot(this.$('[data-rv-zone]'), this.$('[data-rv-entree]'), (fichiers) => this.ajouter(fichiers));
    const parametres = this.$('[data-rv-parametres]');
    parametres.addEventListener('submit', (e) => {
      e.preventDefault();
      this.lancer();
    });
    parametres.addEventListener('input', () => this.perimer());
    this.panneau.addEventListener('click', (e) => {
      const bouton = e.target.closest('[data-rv-action]');
      if (!bouton) return;
      const action = bouton.dataset.rvAction;
      if (action === 'classeur') this.exporterClasseur();
      else if (action === 'csv') this.exporterCsv();
    });
  }

  // — Fichiers ——————————————————————————————————————————————————————

  async ajouter(liste) {
    this.alerte('');
    const refus = [];
    let ajoutes = 0;
    let identifies = 0;
    for (const fichier of liste) {
      this.statut(`Identification des fichiers… ${++identifies} / ${liste.length}`);
      const limite = this.application.limite();
      if (fichier.size > limite) {
        refus.push(`« ${fichier.name} » fait ${octets(fichier.size)} : au-delà de la limite de ${octets(limite)} de la page, il n'est pas lu.`);
        continue;
      }
      try {
        const identite = await this.application.demander('revue-identifier', { fichier });
        this.fichiers.push({ cle: this.prochain++, fichier, identite, region: identite.region, recu: '' });
        ajoutes += 1;
      } catch (e) {
        refus.push(`« ${fichier.name} » : ${e.message}`);
      }
    }
    this.afficherFichiers();
    if (ajoutes) this.perimer();
    if (refus.length) this.alerte(refus.join(' '));
    const illisibles = this.fichiers.filter((f) => f.identite.nature === 'illisible').length;
    this.statut(`${ajoutes} fichier${ajoutes > 1 ? 's' : ''} ajouté${ajoutes > 1 ? 's' : ''} ; ${this.fichiers.length} en tout` +
      `${illisibles ? `, dont ${illisibles} illisible${illisibles > 1 ? 's' : ''}` : ''}.` +
      `${this.resultat ? ' Relancez la revue pour en tenir compte.' : ''}`);
  }

  afficherFichiers() {
    const table = this.$('[data-rv-liste]');
    table.hidden = this.fichiers.length === 0;
    table.tBodies[0].replaceChildren(...this.fichiers.map((f) => this.ligneFichier(f)));
    this.activerLancer();
    this.regrouper();
  }

  activerLancer() {
    this.$('[data-rv-action="lancer"]').disabled = this.fichiers.length === 0 || this.enCours;
  }

  /** Les régions que la revue aura, avant de la lancer : les fichiers lisibles regroupés par la
   *  clé du cœur (majuscules, accents, espaces, « CMA de région » et « préprojet » ne comptent
   *  pas), chaque région nommée par son premier fichier, comme le fera la revue. */
  async regrouper() {
    const zone = this.$('[data-rv-regroupement]');
    const lisibles = this.fichiers.filter((f) => f.identite.nature !== 'illisible');
    const numero = (this.numeroRegroupement = (this.numeroRegroupement ?? 0) + 1);
    if (!lisibles.length) {
      zone.replaceChildren();
      return;
    }
    const noms = lisibles.map((f) => f.region.trim() || f.identite.region);
    let cles;
    try {
      cles = await this.application.demander('revue-cles', { noms });
    } catch {
      return; // travailleur arrêté : le prochain changement refera le regroupement
    }
    if (numero !== this.numeroRegroupement) return;
    const regions = new Map();
    lisibles.forEach((f, i) => {
      if (!regions.has(cles[i])) regions.set(cles[i], { nom: noms[i], preprojets: [], resultats: [] });
      regions.get(cles[i])[f.identite.nature === 'preprojet' ? 'preprojets' : 'resultats'].push(f.fichier.name);
    });
    const liste = [...regions.values()].map((r) => {
      const parts = [];
      if (r.preprojets.length) parts.push(`préprojet (${r.preprojets.join(', ')})`);
      if (r.resultats.length) parts.push(`résultats (${r.resultats.join(', ')})`);
      const doublons = [];
      if (r.preprojets.length > 1) doublons.push(`${r.preprojets.length} préprojets`);
      if (r.resultats.length > 1) doublons.push(`${r.resultats.length} fichiers de résultats`);
      return el('li', { 'data-rv-groupe': r.nom },
        el('strong', { texte: r.nom }), ` : ${parts.join(' et ')}`,
        doublons.length
          ? el('span', { class: 'illisible', texte: ` — ⚠ ${doublons.join(' et ')} : seul le premier de chaque sorte sera pris ; corrigez la région de l’autre.` })
          : null,
        r.preprojets.length === 0
          ? el('span', { class: 'discret', texte: ' — sans préprojet : hors de la comparaison des certifications et du suivi du délai (V013).' })
          : null);
    });
    const n = regions.size;
    zone.replaceChildren(
      el('p', { id: 'rv-t-regroupement', texte: `La revue aura ${n} région${n > 1 ? 's' : ''} (fichiers regroupés par région ; majuscules, accents, espaces et mots comme « CMA de région » ou « préprojet » ne comptent pas) :` }),
      el('ul', { 'aria-labelledby': 'rv-t-regroupement' }, ...liste));
  }

  /** D'où vient la région proposée, et ce que la revue prendra si le champ est vidé. */
  aideRegion(f) {
    const id = f.identite;
    const origine = id.origine_region === 'organisme' ? 'l’organisme de la feuille d’identité' : 'le nom du fichier';
    if (!f.region.trim()) return `vide : la revue prendra « ${id.region} », d’après ${origine}`;
    return f.region === id.region ? `proposée d’après ${origine}` : `proposition d’après ${origine} : « ${id.region} »`;
  }

  ligneFichier(f) {
    const nom = f.fichier.name;
    const id = f.identite;
    let nature;
    if (id.nature === 'illisible') {
      nature = el('td', { class: 'illisible' }, el('strong', { texte: '⚠ Illisible : ' }), id.probleme ?? '');
    } else {
      const details = [];
      if (id.exercice) details.push(`exercice ${id.exercice}`);
      if (id.nature === 'preprojet') details.push(`${id.certifications} certification${id.certifications > 1 ? 's' : ''}`);
      if (id.date_envoi) details.push(`envoi déclaré le ${date(id.date_envoi)}`);
      nature = el('td', {}, `${NATURES[id.nature]} — ${id.format}`,
        details.length ? el('span', { class: 'discret', texte: ` (${details.join(', ')})` }) : null);
    }
    const idRegion = `rv-region-${f.cle}`;
    const aide = el('span', { id: `${idRegion}-aide`, class: 'discret bloc-texte', texte: this.aideRegion(f) });
    const region = el('td', {},
      el('label', { for: idRegion, class: 'invisible', texte: `Région du fichier « ${nom} »` }),
      el('input', { type: 'text', id: idRegion, value: f.region, 'aria-describedby': `${idRegion}-aide`, 'data-rv-region': f.cle,
        oninput: (e) => {
          f.region = e.target.value;
          aide.textContent = this.aideRegion(f);
          this.perimer();
          this.regrouper();
        } }),
      aide);
    let recu;
    if (id.nature === 'preprojet') {
      const idRecu = `rv-recu-${f.cle}`;
      recu = el('td', {},
        el('label', { for: idRecu, class: 'invisible', texte: `Date de réception du préprojet « ${nom} »` }),
        el('input', { type: 'date', id: idRecu, value: f.recu, 'data-rv-recu': f.cle, onchange: (e) => {
          f.recu = e.target.value;
          this.perimer();
        } }));
    } else {
      recu = td('sans objet', 'discret');
    }
    return el('tr', { 'data-rv-fichier': f.cle },
      el('th', { scope: 'row', texte: nom }),
      nature,
      region,
      recu,
      el('td', {}, el('button', { type: 'button', 'aria-label': `Retirer « ${nom} »`, texte: 'Retirer', onclick: () => {
        this.fichiers = this.fichiers.filter((x) => x !== f);
        this.afficherFichiers();
        this.statut(`« ${nom} » retiré ; ${this.fichiers.length} fichier${this.fichiers.length > 1 ? 's' : ''}.`);
        this.$('[data-rv-entree]').focus();
        this.perimer();
      } })));
  }

  // — Revue ———————————————————————————————————————————————————————

  lireParametres() {
    const f = this.$('[data-rv-parametres]');
    if (f.seuil.validity.badInput) throw new Error('le seuil d’écart robuste doit être un nombre (par exemple 3 ou 2,5)');
    return {
      seuil: f.seuil.value.trim() || null,
      date_transmission: f.date_transmission.value || null,
      recus: this.fichiers.filter((x) => x.identite.nature === 'preprojet' && x.recu)
        .map((x) => ({ region: x.region.trim() || x.identite.region, date: x.recu })),
    };
  }

  async lancer() {
    if (this.enCours || this.fichiers.length === 0) return;
    let parametres;
    try {
      parametres = this.lireParametres();
    } catch (e) {
      this.alerte(e.message);
      return;
    }
    this.numero += 1;
    const demande = {
      cle: this.numero,
      fichiers: this.fichiers.map((f) => ({ fichier: f.fichier, region: f.region.trim() })),
      parametres,
    };
    this.enCours = true;
    this.alerte('');
    const racine = this.application.racine;
    const statut = this.$('[data-rv-statut]');
    const avant = focusDans(racine);
    this.activerLancer();
    this.statut(`Revue de ${demande.fichiers.length} fichiers en cours…`);
    // « Lancer la revue » désactivé : son focus passe au message d'état.
    garderFocus(racine, avant, statut);
    const debut = performance.now();
    let faite = false;
    try {
      const resultat = await this.application.demander('revue-lancer', { demande });
      this.demande = demande;
      this.resultat = resultat;
      this.perime = false;
      this.$('[data-rv-perime]').hidden = true;
      this.afficherResultats();
      faite = true;
      const d = resultat.document;
      const n = d.atypiques.length;
      this.statut(`Revue prête en ${Math.round(performance.now() - debut)} ms : ${d.regions.length} région${d.regions.length > 1 ? 's' : ''}, ` +
        `${d.certifications.length} certification${d.certifications.length > 1 ? 's' : ''} comparée${d.certifications.length > 1 ? 's' : ''}, ` +
        `${n} région${n > 1 ? 's' : ''} atypique${n > 1 ? 's' : ''} au seuil ${nombre(d.parametres.seuil)}.`);
    } catch (e) {
      this.alerte(`La revue n’a pas pu se faire : ${e.message}`);
      this.statut('');
    } finally {
      this.enCours = false;
      const avantFin = focusDans(racine);
      this.activerLancer();
      // Le focus mis sur le message d'état passe aux résultats (ou revient au bouton).
      if (avantFin === statut) (faite ? this.$('#rv-t-resultats') : this.$('[data-rv-action="lancer"]')).focus();
    }
    return faite;
  }

  afficherResultats() {
    const r = this.resultat;
    const d = r.document;
    const p = d.parametres;
    this.$('[data-rv-resultats]').hidden = false;
    const fichiers = d.regions.reduce((s, x) => s + x.fichiers.length, 0);
    this.$('[data-rv-entete]').textContent =
      `Revue du ${date(aujourdhui())}. ${d.regions.length} régions, ${fichiers} fichiers. ` +
      `Seuil d'écart robuste : ${nombre(p.seuil)} ; écart robuste = |valeur − médiane| / (${nombre(p.facteur_ecart_absolu_median)} × écart absolu médian) ; ` +
      `au moins ${p.regions_minimum} régions pour un test.`;
    const choix = this.$('[data-rv-table-csv]');
    const choisie = choix.value;
    choix.replaceChildren(...r.tables.map((t) => el('option', { value: t.nom, texte: `${t.titre} (${t.lignes} ligne${t.lignes > 1 ? 's' : ''})` })));
    if (r.tables.some((t) => t.nom === choisie)) choix.value = choisie;
    this.afficherRegions();
    this.afficherAtypiques();
    this.afficherCertifications();
    this.afficherNational();
    this.afficherConformite();
    this.afficherActions();
    this.afficherDiagnostics();
    // Numéro de la revue affichée (les tests attendent le leur).
    this.$('[data-rv-resultats]').dataset.rvNumero = String(this.numero);
  }

  afficherRegions() {
    const d = this.resultat.document;
    this.$('[data-rv-regions]').replaceChildren(el('table', { class: 'rv-regions' },
      el('caption', { texte: 'Régions de la revue et fichiers lus' }),
      el('thead', {}, el('tr', {}, ['Région', 'Fichiers', 'Organisme', 'Exercice', 'Certifications', 'Préprojet', 'Résultats complets'].map((c) => th(c)))),
      el('tbody', {}, d.regions.map((x) => el('tr', { 'data-rv-region-lue': x.region },
        el('th', { scope: 'row', texte: x.region }),
        td(x.fichiers.map((f) => `${f.fichier} (${f.nature === 'illisible' ? 'illisible' : `${NATURES[f.nature].toLowerCase()}, ${f.format}`})`).join(' ; ')),
        td(x.nom_organisme),
        td(x.exercice ?? ''),
        td(String(x.certifications), 'nombre'),
        td(x.preprojet ? 'oui' : 'non'),
        td(x.resultats ? 'oui' : 'non'))))));
  }

  afficherAtypiques() {
    const r = this.resultat;
    const d = r.document;
    const conteneur = this.$('[data-rv-atypiques]');
    const seuil = nombre(d.parametres.seuil);
    if (d.atypiques.length === 0) {
      conteneur.replaceChildren(el('p', { 'data-rv-aucune-atypique': '', texte: `Aucune région atypique au seuil ${seuil}.` }));
      return;
    }
    conteneur.replaceChildren(el('table', { class: 'rv-atypiques' },
      el('caption', { texte: `Régions atypiques : écart robuste au-delà du seuil ${seuil}, avec la rubrique qui explique le plus l'écart` }),
      el('thead', {}, el('tr', {}, ['Certification', 'Mesure', 'Région', 'Valeur', 'Médiane', 'Écart à la médiane', 'Écart robuste',
        'Rubrique qui explique l’écart', 'Rubrique : valeur', 'Rubrique : médiane', 'Rubrique : écart'].map((c) => th(c)))),
      el('tbody', {}, d.atypiques.map((a) => {
        const e = a.explication;
        return el('tr', { 'data-rv-atypique': `${a.certification}|${a.mesure}|${a.region}` },
          td(`${a.certification} ${a.libelle}`),
          td(r.libelles.mesures[a.mesure]),
          el('th', { scope: 'row' }, el('span', { class: 'atypique', texte: '▲ ' }), a.region),
          td(euros(a.valeur), 'nombre'),
          td(euros(a.mediane), 'nombre'),
          td(ecartEuros(a.ecart), 'nombre'),
          td(nombre(a.ecart_robuste ?? ''), 'nombre'),
          td(e?.libelle ?? ''),
          td(e ? euros(e.valeur) : '', 'nombre'),
          td(e ? euros(e.mediane) : '', 'nombre'),
          td(e ? ecartEuros(e.ecart) : '', 'nombre'));
      }))));
  }

  // — Certifications ————————————————————————————————————————————————

  afficherCertifications() {
    const r = this.resultat;
    const d = r.document;
    const conteneur = this.$('[data-rv-certifications]');
    if (d.certifications.length === 0) {
      conteneur.replaceChildren(el('p', { texte: 'Aucune certification n’est présente dans plusieurs régions.' }));
    } else {
      conteneur.replaceChildren(...d.certifications.map((c, i) => this.certification(c, i)));
    }
    const seules = d.certifications_non_comparees;
    this.$('[data-rv-non-comparees]').replaceChildren(seules.length === 0 ? '' : el('table', { class: 'rv-non-comparees' },
      el('caption', { texte: 'Certifications d’une seule région : listées, non comparées' }),
      el('thead', {}, el('tr', {}, ['Certification', 'Intitulé', 'Région'].map((c) => th(c)))),
      el('tbody', {}, seules.map((s) => el('tr', {}, el('th', { scope: 'row', texte: s.certification }), td(s.libelle), td(s.region))))));
  }

  /** Résumé d'une mesure : médiane, EAM, bornes, ou la raison de l'absence de test. */
  resumeMesure(cmp) {
    const r = this.resultat;
    const parts = [`médiane ${cmp.mediane ? euros(cmp.mediane) : 'non calculée'}`];
    if (cmp.ecart_absolu_median) parts.push(`écart absolu médian ${euros(cmp.ecart_absolu_median)}`);
    if (cmp.borne_basse && cmp.borne_haute) parts.push(`bornes ${euros(cmp.borne_basse)} à ${euros(cmp.borne_haute)}`);
    if (cmp.methode !== 'ecart_absolu_median') parts.push(r.libelles.methodes[cmp.methode]);
    return `${cmp.regions_comparees} régions comparées ; ${parts.join(' ; ')}`;
  }

  certification(c, index) {
    const r = this.resultat;
    const nom = `${c.certification} ${c.libelle}`.trim();
    const ecart = (mesure, region) => c[mesure].ecarts.find((e) => e.region === region);
    const cellulesMesure = (mesure, region) => {
      const e = ecart(mesure, region);
      if (!e) return [td('—', 'nombre'), td('—', 'nombre'), td('non comparée'), td('')];
      const teste = e.ecart_robuste !== null && e.ecart_robuste !== undefined;
      const drapeau = e.atypique
        ? el('td', { class: 'atypique' }, el('strong', { texte: '▲ atypique' }))
        : td(teste ? 'non' : 'pas de test');
      const x = e.explication;
      return [
        td(euros(e.valeur), 'nombre'),
        td(teste ? nombre(e.ecart_robuste) : '—', 'nombre'),
        drapeau,
        td(x ? `${x.libelle} (${ecartEuros(x.ecart)})` : ''),
      ];
    };
    const table = el('table', { class: 'rv-comparaison', 'data-rv-comparaison': c.certification },
      el('caption', { texte: `Comparaison de ${nom} entre les régions` }),
      el('colgroup', { span: 6 }), el('colgroup', { span: 4 }), el('colgroup', { span: 4 }),
      el('thead', {},
        el('tr', {},
          th('Région', { rowspan: 2 }), th('Apprentis', { rowspan: 2 }), th('Heures apprenants', { rowspan: 2 }),
          th('Coût complet', { rowspan: 2 }), th('Produits', { rowspan: 2 }), th('Marge', { rowspan: 2 }),
          th('Coût par apprenti', { scope: 'colgroup', colspan: 4 }), th('Coût par heure apprenant', { scope: 'colgroup', colspan: 4 })),
        el('tr', {}, [0, 1].flatMap(() => ['Valeur', 'Écart robuste', 'Atypique', 'Rubrique qui explique l’écart'].map((x) => th(x))))),
      el('tbody', {}, c.regions.map((f) => {
        const atypique = MESURES.some((m) => ecart(m, f.region)?.atypique);
        return el('tr', { 'data-rv-region': f.region, class: atypique ? 'rv-ligne-atypique' : null },
          el('th', { scope: 'row' }, atypique ? el('span', { class: 'atypique', texte: '▲ ' }) : null, f.region),
          td(nombre(f.apprentis), 'nombre'),
          td(nombre(f.heures_apprenants), 'nombre'),
          montant(f.cout_complet),
          montant(f.produits),
          td(pourcentage(f.marge), `nombre${String(f.marge ?? '').startsWith('-') ? ' negatif' : ''}`),
          MESURES.flatMap((m) => cellulesMesure(m, f.region)));
      })),
      el('tfoot', {}, el('tr', {},
        el('th', { scope: 'row', colspan: 6, texte: 'Médiane et bornes' }),
        MESURES.map((m) => el('td', { colspan: 4, 'data-rv-resume': m, texte: this.resumeMesure(c[m]) })))));
    return el('article', { class: 'rv-certification', 'data-rv-certification': c.certification },
      el('h4', { texte: nom }),
      el('div', { class: 'defile' }, table),
      MESURES.map((m) => this.graphiqueMesure(c, m, `rv-graphique-${index}-${m}`)),
      this.graphiqueRubriques(c, `rv-graphique-${index}-rubriques`));
  }

  /** Barres horizontales : la valeur de chaque région, la médiane (trait) et les bornes (bande) ;
   *  une région atypique est rouge et marquée « ▲ atypique ». */
  graphiqueMesure(c, mesure, id) {
    const r = this.resultat;
    const cmp = c[mesure];
    const libelleMesure = r.libelles.mesures[mesure];
    const titre = `${majuscule(libelleMesure)} de ${c.certification} ${c.libelle} par région, avec la médiane${cmp.borne_basse ? ' et les bornes' : ''}`;
    const figure = el('figure', { class: 'graphique', 'data-rv-graphique': `${c.certification}|${mesure}` });
    const ecarts = cmp.ecarts;
    if (ecarts.length === 0) {
      figure.append(el('figcaption', { texte: titre }), el('p', { texte: 'Aucune région comparable pour cette mesure.' }));
      return figure;
    }
    const ligne = 28;
    const gauche = 170;
    const largeur = 760;
    const utile = largeur - gauche - 200;
    const haut = 24;
    const positif = (t) => (t && !String(t).startsWith('-') ? grandeur(t) : 0);
    const max = Math.max(1, ...ecarts.map((e) => positif(e.valeur)), positif(cmp.borne_haute), positif(cmp.mediane));
    const x = (t) => gauche + (positif(t) / max) * utile;
    const bas = haut + ecarts.length * ligne;
    const hauteur = bas + 34;
    const dessin = svg('svg', { viewBox: `0 0 ${largeur} ${hauteur}`, role: 'img', 'aria-labelledby': `${id}-titre`, class: 'svg-revue' });
    dessin.append(svg('title', { id: `${id}-titre`, texte: `${titre} (le tableau qui suit donne les mêmes chiffres)` }));
    if (cmp.borne_basse && cmp.borne_haute) {
      const x1 = x(cmp.borne_basse);
      dessin.append(svg('rect', { x: x1.toFixed(1), y: haut - 4, width: Math.max(1, x(cmp.borne_haute) - x1).toFixed(1), height: bas - haut + 4, class: 'rv-bande' },
        svg('title', { texte: `Bornes : ${euros(cmp.borne_basse)} à ${euros(cmp.borne_haute)}` })));
    }
    ecarts.forEach((e, i) => {
      const y = haut + i * ligne;
      const fin = x(e.valeur);
      const texte = `${euros(e.valeur)}${e.atypique ? ' ▲ atypique' : ''}`;
      dessin.append(svg('g', {},
        svg('title', { texte: `${e.region} : ${euros(e.valeur)}${e.ecart_robuste ? `, écart robuste ${nombre(e.ecart_robuste)}` : ''}${e.atypique ? ', atypique' : ''}` }),
        svg('text', { x: gauche - 8, y: y + 16, 'text-anchor': 'end', class: 'etiquette', texte: court(e.region, 24) }),
        svg('rect', { x: gauche, y: y + 2, width: Math.max(1, fin - gauche).toFixed(1), height: ligne - 10, class: e.atypique ? 'rv-barre-atypique' : 'rv-barre' }),
        svg('text', { x: gauche + utile + 14, y: y + 16, class: e.atypique ? 'rv-texte-atypique' : 'valeur', texte })));
    });
    if (cmp.mediane) {
      const xm = x(cmp.mediane).toFixed(1);
      dessin.append(
        svg('line', { x1: xm, x2: xm, y1: haut - 8, y2: bas, class: 'rv-mediane' }),
        svg('text', { x: xm, y: haut - 11, 'text-anchor': 'middle', class: 'etiquette', texte: `médiane ${euros(cmp.mediane)}` }));
    }
    const yl = hauteur - 18;
    dessin.append(
      svg('rect', { x: gauche, y: yl, width: 14, height: 14, class: 'rv-barre' }),
      svg('text', { x: gauche + 20, y: yl + 12, class: 'etiquette', texte: 'région' }),
      svg('rect', { x: gauche + 90, y: yl, width: 14, height: 14, class: 'rv-barre-atypique' }),
      svg('text', { x: gauche + 110, y: yl + 12, class: 'etiquette', texte: '▲ atypique' }));
    if (cmp.borne_basse) {
      dessin.append(
        svg('rect', { x: gauche + 220, y: yl, width: 14, height: 14, class: 'rv-bande rv-bande-legende' }),
        svg('text', { x: gauche + 240, y: yl + 12, class: 'etiquette', texte: `entre les bornes (seuil ${nombre(this.resultat.document.parametres.seuil)})` }));
    }
    const lignes = ecarts.map((e) => [e.region, euros(e.valeur), ecartEuros(e.ecart), e.ecart_robuste ? nombre(e.ecart_robuste) : '—',
      e.atypique ? '▲ atypique' : (e.ecart_robuste ? 'non' : 'pas de test')]);
    if (cmp.mediane) lignes.push(['Médiane', euros(cmp.mediane), '', '', '']);
    if (cmp.borne_basse) lignes.push(['Borne basse', euros(cmp.borne_basse), '', '', '']);
    if (cmp.borne_haute) lignes.push(['Borne haute', euros(cmp.borne_haute), '', '', '']);
    figure.append(el('figcaption', { id: `${id}-legende`, texte: titre }), cadre(dessin, `${id}-legende`),
      remplacement(titre, tableau(titre, ['Région', majuscule(libelleMesure), 'Écart à la médiane', 'Écart robuste', 'Atypique'], lignes)));
    return figure;
  }

  /** Barres empilées à 100 % : la part de chaque rubrique dans le coût complet de chaque région. */
  graphiqueRubriques(c, id) {
    const r = this.resultat;
    const titre = `Part de chaque rubrique dans le coût complet de ${c.certification} ${c.libelle}, par région`;
    const figure = el('figure', { class: 'graphique', 'data-rv-graphique': `${c.certification}|rubriques` });
    const presentes = r.rubriques.filter((h) => c.regions.some((f) => grandeur(f.repartition[h.id] ?? '0') > 0));
    const couleur = new Map(r.rubriques.map((h, i) => [h.id, COULEURS[i % COULEURS.length]]));
    if (presentes.length === 0) {
      figure.append(el('figcaption', { texte: titre }), el('p', { texte: 'Aucun coût à répartir entre les rubriques.' }));
      return figure;
    }
    const ligne = 28;
    const gauche = 170;
    const largeur = 760;
    const utile = largeur - gauche - 30;
    const legende = Math.ceil(presentes.length / 2) * 20;
    const colonne = (largeur - 40) / 2;
    const hauteur = 10 + c.regions.length * ligne + 10 + legende;
    const dessin = svg('svg', { viewBox: `0 0 ${largeur} ${hauteur}`, role: 'img', 'aria-labelledby': `${id}-titre`, class: 'svg-revue' });
    dessin.append(svg('title', { id: `${id}-titre`, texte: `${titre} (le tableau qui suit donne les mêmes chiffres)` }));
    c.regions.forEach((f, i) => {
      const y = 10 + i * ligne;
      let x = gauche;
      const groupe = svg('g', {}, svg('text', { x: gauche - 8, y: y + 16, 'text-anchor': 'end', class: 'etiquette', texte: court(f.region, 24) }));
      for (const h of presentes) {
        const part = f.repartition[h.id];
        const l = grandeur(part ?? '0') * utile;
        if (l <= 0) continue;
        groupe.append(svg('rect', { x: x.toFixed(1), y: y + 2, width: l.toFixed(1), height: ligne - 10, fill: couleur.get(h.id), class: 'rv-segment' },
          svg('title', { texte: `${f.region} — ${h.libelle} : ${pourcentage(part)}` })));
        x += l;
      }
      dessin.append(groupe);
    });
    presentes.forEach((h, i) => {
      const x = 20 + (i % 2) * colonne;
      const y = 10 + c.regions.length * ligne + 10 + Math.floor(i / 2) * 20;
      dessin.append(
        svg('rect', { x, y, width: 14, height: 14, fill: couleur.get(h.id) }),
        svg('text', { x: x + 20, y: y + 12, class: 'etiquette', texte: court(h.libelle, 50) }));
    });
    figure.append(el('figcaption', { id: `${id}-legende`, texte: titre }), cadre(dessin, `${id}-legende`),
      remplacement(titre, tableau(titre, ['Région', ...presentes.map((h) => h.libelle)],
        c.regions.map((f) => [f.region, ...presentes.map((h) => pourcentage(f.repartition[h.id] ?? '0.0000'))]))));
    return figure;
  }

  // — National, tableau de bord, actions ————————————————————————————————

  tableNational(legende, lignesNationales, niveau) {
    const entetes = ['Code', 'Libellé', 'Région', 'Charges directes', 'Charges indirectes', 'Coût complet', 'Produits', 'Résultat',
      'Part du coût complet national', 'Part des produits nationaux'];
    return el('table', { class: 'rv-national', 'data-rv-national': niveau },
      el('caption', { texte: legende }),
      el('thead', {}, el('tr', {}, entetes.map((c) => th(c)))),
      lignesNationales.map((a) => el('tbody', {},
        a.regions.map((x) => el('tr', { 'data-rv-ligne': `${a.code}|${x.region}` },
          el('th', { scope: 'row', texte: a.code }), td(a.libelle), el('th', { scope: 'row', texte: x.region }),
          montant(x.charges_directes), montant(x.charges_indirectes), montant(x.cout_complet), montant(x.produits), montant(x.resultat),
          td(pourcentage(x.part_cout_complet), 'nombre'), td(pourcentage(x.part_produits), 'nombre'))),
        el('tr', { class: 'sous-total', 'data-rv-ligne': `${a.code}|total` },
          el('th', { scope: 'row', texte: a.code }), td(a.libelle), el('th', { scope: 'row', texte: 'Total national' }),
          montant(a.charges_directes), montant(a.charges_indirectes), montant(a.cout_complet), montant(a.produits), montant(a.resultat),
          td(''), td('')))));
  }

  afficherNational() {
    const n = this.resultat.document.national;
    const conteneur = this.$('[data-rv-national]');
    if (n.regions.length === 0) {
      conteneur.replaceChildren(el('p', { texte: 'Aucune région n’a donné ses résultats complets (export JSON de la page, ou repartir --json) : pas d’agrégat national.' }));
      return;
    }
    const c = (x, entete) => el('tr', { 'data-rv-controle': x.region },
      el('th', { scope: 'row', texte: entete ?? x.region }),
      montant(x.charges), montant(x.charges_non_reparties), montant(x.charges_non_rattachees), montant(x.produits), montant(x.produits_non_rattaches));
    conteneur.replaceChildren(
      el('p', { texte: `Régions agrégées : ${n.regions.join(', ')}.${n.regions_sans_resultats.length ? ` Sans résultats complets (hors agrégat) : ${n.regions_sans_resultats.join(', ')}.` : ''}` }),
      el('div', { class: 'defile' }, this.tableNational('Agrégat national par axe, avec la part de chaque région', n.axes, 'axes')),
      el('div', { class: 'defile' }, this.tableNational('Agrégat national par activité, avec la part de chaque région', n.activites, 'activites')),
      el('div', { class: 'defile' }, el('table', { class: 'rv-controle' },
        el('caption', { texte: 'Totaux de contrôle de chaque région (au centime)' }),
        el('thead', {}, el('tr', {}, ['Région', 'Charges', 'Charges non réparties', 'Charges non rattachées', 'Produits', 'Produits non rattachés'].map((x) => th(x)))),
        el('tbody', {}, n.controle.map((x) => c(x))),
        el('tfoot', {}, c(n.controle_total, 'Total des régions')))));
  }

  afficherConformite() {
    const r = this.resultat;
    const lignes = r.document.conformite;
    const source = (s) => (s ? r.libelles.sources[s] : null);
    const part = (p) => (p ? ` (${pourcentage(p)})` : '');
    const cellule = (connu, texte, src) => (connu
      ? el('td', {}, texte, src ? el('span', { class: 'discret bloc-texte', texte: `source : ${src}` }) : null)
      : el('td', {}, NON_CONNU()));
    const heure = (c) => {
      if (c.preprojet_a_l_heure === null) return el('td', {}, NON_CONNU());
      const j = c.jours_restants;
      const jours = j === null ? '' : j === 0 ? ', le dernier jour' : `, ${Math.abs(j)} jour${Math.abs(j) > 1 ? 's' : ''} ${j > 0 ? 'd’avance' : 'de retard'}`;
      return c.preprojet_a_l_heure
        ? el('td', { class: 'ok' }, `✓ oui${jours}`)
        : el('td', { class: 'ko' }, el('strong', { texte: `⚠ non${jours}` }));
    };
    this.$('[data-rv-conformite]').replaceChildren(el('table', { class: 'rv-conformite' },
      el('caption', { texte: 'Indicateurs de la norme §VI par région (« non connu » : aucun fichier de la région ne le dit)' }),
      el('thead', {}, el('tr', {}, ['Région', 'Objets rattachés', 'Charges rattachées', 'Produits rattachés', 'Charges indirectes réparties par les clés',
        'Pools entièrement répartis', 'Préprojet à l’heure (3 semaines avant la transmission)', 'Date limite du préprojet', 'Envoyé ou reçu le'].map((x) => th(x)))),
      el('tbody', {}, lignes.map((c) => el('tr', { 'data-rv-conformite': c.region },
        el('th', { scope: 'row', texte: c.region }),
        cellule(c.objets_rattaches !== null, `${c.objets_rattaches} sur ${c.objets_total}${part(c.part_objets_rattaches)}`, source(c.source_objets)),
        cellule(c.charges_rattachees !== null, `${euros(c.charges_rattachees)} sur ${euros(c.charges_total)}${part(c.part_charges_rattachees)}`, source(c.source_montants)),
        cellule(c.produits_rattaches !== null, `${euros(c.produits_rattaches)} sur ${euros(c.produits_total)}${part(c.part_produits_rattaches)}`, source(c.source_montants)),
        cellule(c.charges_indirectes !== null, c.pools === 0 ? 'aucun pool' : `${euros(c.charges_indirectes_reparties)} sur ${euros(c.charges_indirectes)}${part(c.part_charges_indirectes_reparties)}`, source(c.source_cles)),
        cellule(c.pools !== null, `${c.pools_entierement_repartis} sur ${c.pools}`, null),
        heure(c),
        c.date_limite ? td(date(c.date_limite)) : el('td', {}, NON_CONNU()),
        c.date_envoi ? cellule(true, date(c.date_envoi), source(c.source_calendrier)) : el('td', {}, NON_CONNU()))))));
  }

  afficherActions() {
    const r = this.resultat;
    const a = r.document.actions_cop_pn;
    const conteneur = this.$('[data-rv-actions]');
    const note = el('p', { class: 'discret', texte: 'Pour une activité marquée, le coût complet est celui de la norme. Pour une action, la norme ne répartit pas '
      + 'les charges indirectes sous l’activité : les résultats ne donnent que ses charges directes, et le coût complet affiché est une estimation '
      + '(charges directes + charges indirectes de l’activité × part de l’action dans ses charges directes).' });
    if (a.codes.length === 0) {
      conteneur.replaceChildren(note, el('p', { texte: 'Aucun code (COP) ou (PN) dans les résultats complets des régions.' }));
      return;
    }
    const facultatif = (m) => (m === null || m === undefined ? td('') : montant(m));
    conteneur.replaceChildren(note,
      el('div', { class: 'defile' }, el('table', { class: 'rv-actions' },
        el('caption', { texte: 'Coût des codes (COP) et (PN) par région, d’après les résultats complets' }),
        el('thead', {}, el('tr', {}, ['Code', 'Libellé', 'Drapeaux', 'Région', 'Charges directes', 'Produits', 'Charges indirectes', 'Coût complet',
          'Résultat', 'Méthode du coût complet'].map((x) => th(x)))),
        a.codes.map((f) => el('tbody', {},
          f.regions.map((x) => el('tr', { 'data-rv-action-ligne': `${f.code}|${x.region}` },
            el('th', { scope: 'row', texte: f.code }), td(f.libelle), td(f.drapeaux), el('th', { scope: 'row', texte: x.region }),
            montant(x.charges_directes), montant(x.produits), facultatif(x.charges_indirectes), facultatif(x.cout_complet), facultatif(x.resultat),
            td(r.libelles.methodes_cout[x.methode]))),
          el('tr', { class: 'sous-total', 'data-rv-action-ligne': `${f.code}|total` },
            el('th', { scope: 'row', texte: f.code }), td(f.libelle), td(f.drapeaux), el('th', { scope: 'row', texte: 'Total' }),
            montant(f.total.charges_directes), montant(f.total.produits), td(''), facultatif(f.total.cout_complet), td(''), td('')))))),
      a.sans_donnees.length ? el('p', { texte: `Codes (COP) ou (PN) sans données dans les résultats : ${a.sans_donnees.join(', ')}.` }) : '');
  }

  afficherDiagnostics() {
    const liste = this.resultat.document.diagnostics;
    const conteneur = this.$('[data-rv-diagnostics]');
    if (liste.length === 0) {
      conteneur.replaceChildren(el('p', { texte: 'Aucun diagnostic.' }));
      return;
    }
    const par = (g) => liste.filter((d) => d.severite === g).length;
    conteneur.replaceChildren(
      el('p', { texte: `${liste.length} diagnostic(s) : ${par('erreur')} erreur(s), ${par('avertissement')} avertissement(s), ${par('info')} info(s). `
        + 'Le message nomme la région et le fichier ; la ligne est celle du fichier (ou de la feuille du classeur).' }),
      el('table', { class: 'diagnostics rv-diagnostics' },
        el('caption', { class: 'invisible', texte: 'Diagnostics de la revue' }),
        el('thead', {}, el('tr', {}, ['Gravité', 'Code', 'Fichier', 'Ligne', 'Message', 'Correction'].map((x) => th(x)))),
        el('tbody', {}, liste.map((d) => el('tr', { class: `gravite-${d.severite}` },
          el('td', {}, el('span', { class: 'pastille', texte: GRAVITES[d.severite] ?? d.severite })),
          el('th', { scope: 'row', texte: d.code }),
          td(FICHIERS[d.fichier] ?? d.fichier),
          td(d.ligne ?? '—', 'nombre'),
          td(d.message + (d.colonne ? ` (colonne ${d.colonne})` : '')),
          td(d.aide))))));
  }

  // — Exports ———————————————————————————————————————————————————————

  async exporter(type, donnees, nom, mime) {
    if (!this.demande) return;
    if (this.perime) {
      this.statut('Résultats périmés : la revue est relancée avant l’export…');
      if (!(await this.lancer())) {
        if (this.fichiers.length === 0) this.alerte('Export impossible : aucun fichier, la revue ne peut pas être relancée.');
        return;
      }
    }
    try {
      const contenu = await this.application.demander(type, { demande: this.demande, ...donnees });
      this.application.enregistrer(new Blob([contenu], { type: mime }), nom);
      this.statut(`« ${nom} » téléchargé.`);
    } catch (e) {
      this.alerte(`Export impossible : ${e.message}`);
    }
  }

  exporterClasseur() {
    const jour = aujourdhui();
    return this.exporter('revue-classeur', { date: jour }, `revue-cma-france-${jour}.xlsx`,
      'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet');
  }

  exporterCsv() {
    const table = this.$('[data-rv-table-csv]').value;
    return this.exporter('revue-csv', { table }, `revue-cma-france-${table}.csv`, 'text/csv;charset=utf-8');
  }
}
