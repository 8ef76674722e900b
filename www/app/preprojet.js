// L'onglet « Préprojet CFA, ETP et loyer » : le préprojet France compétences du calcul fait dans
// le premier onglet (une ligne par certification et par site, calendrier, contrôles, indicateurs
// de la norme, exports), le calculateur d'ETP (fichier du personnel) et le loyer interne (86/87).
// Tout est calculé par le cœur dans le Web Worker ; les montants arrivent en texte exact et ne
// sont que mis en forme. Ce qui vient des fichiers ou de la saisie est posé en texte (el) : le
// balisage fixe ci-dessous ne contient aucune donnée.

import { date, el, euros, nombre, octets, pourcentage, ratio } from './format.js';

const GABARIT_PREPROJET = `
<section class="bloc" aria-labelledby="pp-t-preprojet">
  <h2 id="pp-t-preprojet">Préprojet France compétences</h2>
  <p>Une ligne par certification et par site : apprentis, heures, heures apprenants, les huit rubriques de
    France compétences, coût complet, produits, marge, coût par apprenti et par heure apprenant (norme §V.e.iii,
    annexe 3 « Focus apprentissage »). Il reprend le calcul de l'onglet « Comptabilité analytique ».</p>
  <p class="discret" data-pp-source></p>
  <form data-pp-parametres novalidate>
    <fieldset>
      <legend>Organisme qui déclare</legend>
      <div class="champs">
        <p><label for="pp-nom">Nom de l'organisme</label>
          <input type="text" id="pp-nom" name="nom" autocomplete="organization"></p>
        <p><label for="pp-siret">SIRET</label>
          <input type="text" id="pp-siret" name="siret" inputmode="numeric" aria-describedby="pp-aide-siret">
          <span id="pp-aide-siret" class="discret">14 chiffres</span></p>
        <p><label for="pp-uai">UAI du CFA</label>
          <input type="text" id="pp-uai" name="uai" aria-describedby="pp-aide-uai">
          <span id="pp-aide-uai" class="discret">7 chiffres et une lettre</span></p>
      </div>
    </fieldset>
    <fieldset>
      <legend>Calendrier France compétences</legend>
      <div class="champs">
        <p><label for="pp-transmission">Date de transmission à France compétences</label>
          <input type="date" id="pp-transmission" name="date_transmission"></p>
        <p><label for="pp-envoi">Date d'envoi du préprojet à CMA France</label>
          <input type="date" id="pp-envoi" name="date_envoi"></p>
      </div>
      <p class="discret">Ce sont aussi les dates des paramètres de l'onglet « Comptabilité analytique » : les changer
        ici les change là-bas. Sans date de transmission, celle de la campagne est prise.</p>
    </fieldset>
    <p><label for="pp-intitules">Intitulés des certifications <span class="discret">(facultatif : fichier à deux
      colonnes, certification et libelle)</span></label>
      <input type="file" id="pp-intitules" accept=".csv,.txt,.tsv,.xlsx,.xls,.ods" data-pp-intitules></p>
    <p class="actions"><button type="submit" class="principal">Calculer le préprojet</button></p>
  </form>
  <p role="status" aria-live="polite" class="statut" data-pp-statut></p>
  <p role="alert" class="alerte" data-pp-alerte></p>
  <div data-pp-resultats hidden>
    <div class="exports" role="group" aria-label="Exports du préprojet">
      <button type="button" data-pp-action="classeur">Classeur XLSX du préprojet</button>
      <button type="button" data-pp-action="csv">Tableau des certifications (CSV)</button>
      <button type="button" data-pp-action="note">Projet de note explicative (Markdown)</button>
    </div>
    <section aria-labelledby="pp-t-calendrier">
      <h3 id="pp-t-calendrier">Calendrier</h3>
      <div data-pp-calendrier></div>
    </section>
    <section aria-labelledby="pp-t-certifications">
      <h3 id="pp-t-certifications">Certifications par site</h3>
      <div class="defile" data-pp-certifications></div>
      <p data-pp-non-ventile class="alerte"></p>
      <div class="defile" data-pp-financeurs></div>
    </section>
    <section aria-labelledby="pp-t-controles">
      <h3 id="pp-t-controles">Contrôles du préprojet</h3>
      <p data-pp-controles-resume></p>
      <div class="defile" data-pp-controles-faits></div>
      <div class="defile" data-pp-controles></div>
    </section>
    <section aria-labelledby="pp-t-indicateurs">
      <h3 id="pp-t-indicateurs">Indicateurs de la norme (§VI)</h3>
      <div class="defile" data-pp-indicateurs></div>
    </section>
  </div>
</section>

<section class="bloc" aria-labelledby="pp-t-etp">
  <h2 id="pp-t-etp">Calculateur d'ETP</h2>
  <p>Le fichier du personnel (une ligne par personne et par activité : matricule, code, site, contrat, quotite,
    mois ou heures) donne l'ETP de chaque ligne avec son motif (norme, annexe 3 « ETP » : 1 ETP = 1 820 heures ;
    CDD de remplacement et apprentis à 0 ; vacataires en heures / 1 820), puis les lignes « etp » par activité et
    site à coller dans le fichier des inducteurs.</p>
  <form data-pp-etp novalidate>
    <p><label for="pp-personnel">Fichier du personnel</label>
      <input type="file" id="pp-personnel" accept=".csv,.txt,.tsv,.xlsx,.xls,.ods" aria-describedby="pp-personnel-depose" data-pp-personnel></p>
    <p id="pp-personnel-depose" class="discret" data-pp-personnel-depose></p>
    <p class="actions">
      <button type="submit" class="principal">Calculer les ETP</button>
      <button type="button" data-pp-action="modele-personnel">Modèle du fichier du personnel</button>
    </p>
  </form>
  <p role="status" aria-live="polite" class="statut" data-pp-etp-statut></p>
  <p role="alert" class="alerte" data-pp-etp-alerte></p>
  <div data-pp-etp-resultats hidden>
    <div class="defile" data-pp-etp-inducteurs></div>
    <p class="actions"><button type="button" data-pp-action="etp-csv">Lignes « etp » des inducteurs (CSV)</button></p>
    <div class="defile" data-pp-etp-personnes></div>
    <div class="defile" data-pp-etp-diagnostics></div>
  </div>
</section>

<section class="bloc" aria-labelledby="pp-t-loyer">
  <h2 id="pp-t-loyer">Loyer interne des locaux du CFA (comptes 86 et 87)</h2>
  <p>Les locaux de la chambre utilisés par son CFA lui sont facturés en loyer interne : charge du CFA en 86,
    produit de la chambre en 87, du même montant (norme §V.e.ii). La valeur retenue est la valeur vénale quand
    la chambre en a une estimation, sinon la valeur brute des immobilisations réactualisée par l'indice du coût
    de la construction.</p>
  <form data-pp-loyer novalidate>
    <fieldset>
      <legend>Valeur des locaux</legend>
      <p class="choix"><input type="radio" id="pp-methode-venale" name="methode" value="venale" checked>
        <label for="pp-methode-venale">Valeur vénale (estimation du patrimoine)</label></p>
      <p class="choix"><input type="radio" id="pp-methode-brute" name="methode" value="brute">
        <label for="pp-methode-brute">Valeur brute réactualisée par l'indice du coût de la construction</label></p>
      <div class="champs">
        <p data-pp-venale><label for="pp-valeur-venale">Valeur vénale (€)</label>
          <input type="text" id="pp-valeur-venale" name="valeur_venale" inputmode="decimal"></p>
        <p data-pp-brute hidden><label for="pp-valeur-brute">Valeur brute des immobilisations (€)</label>
          <input type="text" id="pp-valeur-brute" name="valeur_brute" inputmode="decimal"></p>
        <p data-pp-brute hidden><label for="pp-indice-origine">Indice du coût de la construction à l'acquisition</label>
          <input type="text" id="pp-indice-origine" name="indice_origine" inputmode="decimal"></p>
        <p data-pp-brute hidden><label for="pp-indice-actuel">Indice du coût de la construction actuel</label>
          <input type="text" id="pp-indice-actuel" name="indice_actuel" inputmode="decimal"></p>
      </div>
    </fieldset>
    <div class="champs">
      <p><label for="pp-part">Part des locaux utilisée pour l'apprentissage</label>
        <input type="text" id="pp-part" name="part" inputmode="decimal" aria-describedby="pp-aide-part">
        <span id="pp-aide-part" class="discret">de 0 à 1 : 0,6 pour 60 %</span></p>
      <p><label for="pp-taux">Taux annuel <span class="discret">(facultatif)</span></label>
        <input type="text" id="pp-taux" name="taux" inputmode="decimal" aria-describedby="pp-aide-taux">
        <span id="pp-aide-taux" class="discret">0,05 pour 5 % ; sans taux : valeur × part</span></p>
      <p><label for="pp-objet-cfa">Objet analytique du CFA (charge en 86)</label>
        <input type="text" id="pp-objet-cfa" name="objet_cfa" value="OBJET-CFA"></p>
      <p><label for="pp-objet-chambre">Objet analytique de la chambre (produit en 87)</label>
        <input type="text" id="pp-objet-chambre" name="objet_chambre" value="OBJET-CHAMBRE"></p>
      <p><label for="pp-compte-86">Compte de charge (classe 86)</label>
        <input type="text" id="pp-compte-86" name="compte_86" value="86" inputmode="numeric"></p>
      <p><label for="pp-compte-87">Compte de produit (classe 87)</label>
        <input type="text" id="pp-compte-87" name="compte_87" value="87" inputmode="numeric"></p>
    </div>
    <p class="actions"><button type="submit" class="principal">Calculer le loyer</button></p>
  </form>
  <p role="status" aria-live="polite" class="statut" data-pp-loyer-statut></p>
  <p role="alert" class="alerte" data-pp-loyer-alerte></p>
  <div data-pp-loyer-resultat hidden>
    <p class="pp-montant" data-pp-loyer-montant></p>
    <ol data-pp-loyer-explication></ol>
    <div class="defile" data-pp-loyer-ecritures></div>
    <p class="actions"><button type="button" data-pp-action="loyer-csv">Lignes à ajouter au grand livre (CSV)</button></p>
  </div>
</section>
`;

/** Les étapes de la campagne France compétences (codes du calendrier de l'outil, norme §V.e.iii). */
const ETAPES = {
  ouverture: 'ouverture de la campagne (plateforme Karoussel : inscription des nouveaux organismes, mise à jour des données)',
  mise_en_ligne: 'mise en ligne de la déclaration sur la plateforme Karoussel',
  debut_transmission: 'début de la transmission des déclarations à France compétences',
  date_limite: 'date limite de transmission des déclarations',
};

const CLASSEUR = 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet';

function pluriel(n, mot) {
  return `${n} ${mot}${Math.abs(n) > 1 ? 's' : ''}`;
}

function th(texte, attributs = {}) {
  return el('th', { scope: 'col', texte, ...attributs });
}

function nombreTd(texte, classe = '') {
  return el('td', { class: `nombre ${classe}`.trim(), texte });
}

/** Le tableau des diagnostics (gravité, code, fichier, ligne, message, correction), comme au
 *  premier onglet. */
function tableDiagnostics(legende, lignes) {
  return el('table', { class: 'pp-diagnostics' },
    el('caption', { texte: legende }),
    el('thead', {}, el('tr', {}, ['Gravité', 'Code', 'Fichier', 'Ligne', 'Message', 'Correction'].map((t) => th(t)))),
    el('tbody', {}, lignes.map((d) => el('tr', { class: `gravite-${d.severite}` },
      el('td', {}, el('span', { class: 'pastille', texte: d.severite })),
      el('th', { scope: 'row', texte: d.code }),
      el('td', { texte: d.fichier }),
      el('td', { texte: d.ligne ?? '—' }),
      el('td', { texte: d.message + (d.colonne ? ` (colonne ${d.colonne})` : '') }),
      el('td', { texte: d.aide })))));
}

export function monterPreprojet(application, panneau) {
  return new Preprojet(application, panneau);
}

class Preprojet {
  constructor(application, panneau) {
    this.app = application;
    this.panneau = panneau;
    panneau.append(el('link', { rel: 'stylesheet', href: new URL('./preprojet.css', import.meta.url).href }));
    const gabarit = document.createElement('template');
    gabarit.innerHTML = GABARIT_PREPROJET; // balisage fixe, sans donnée
    panneau.append(gabarit.content.cloneNode(true));
    this.source = null; // le résultat du calcul dont vient le préprojet affiché
    this.etp = null;
    this.loyer = null;
    this.brancher();
    this.synchroniserDates();
    this.rafraichir();
  }

  $(selecteur) {
    return this.panneau.querySelector(selecteur);
  }

  parametresApplication() {
    return this.app.$('[data-parametres]');
  }

  brancher() {
    this.$('[data-pp-parametres]').addEventListener('submit', (e) => {
      e.preventDefault();
      this.calculer();
    });
    this.$('[data-pp-etp]').addEventListener('submit', (e) => {
      e.preventDefault();
      this.calculerEtp();
    });
    const loyer = this.$('[data-pp-loyer]');
    loyer.addEventListener('submit', (e) => {
      e.preventDefault();
      this.calculerLoyer();
    });
    loyer.addEventListener('change', (e) => {
      if (e.target.name !== 'methode') return;
      const brute = e.target.value === 'brute';
      for (const p of this.panneau.querySelectorAll('[data-pp-brute]')) p.hidden = !brute;
      this.$('[data-pp-venale]').hidden = brute;
    });
    this.$('[data-pp-personnel]').addEventListener('change', () => this.afficherSourcePersonnel());
    const actions = {
      classeur: () => this.telecharger('preprojet-classeur', 'preprojet-france-competences.xlsx', CLASSEUR),
      csv: () => this.telecharger('preprojet-csv', 'preprojet-france-competences.csv', 'text/csv;charset=utf-8'),
      note: () => this.telecharger('preprojet-note', 'note-explicative-preprojet.md', 'text/markdown;charset=utf-8'),
      'etp-csv': () => this.enregistrerTexte(this.etp.csv, 'inducteurs-etp.csv', '[data-pp-etp-statut]'),
      'loyer-csv': () => this.enregistrerTexte(this.loyer.csv, 'loyer-interne-grand-livre.csv', '[data-pp-loyer-statut]'),
      'modele-personnel': () => this.modelePersonnel(),
    };
    this.panneau.addEventListener('click', (e) => {
      const bouton = e.target.closest('[data-pp-action]');
      if (bouton) actions[bouton.dataset.ppAction]?.();
    });
    // Quand l'onglet s'affiche : dates, calcul repris et fichier du personnel à jour.
    new MutationObserver(() => {
      if (!this.panneau.hidden) this.rafraichir();
    }).observe(this.panneau, { attributes: true, attributeFilter: ['hidden'] });
  }

  /** Les deux dates sont celles du formulaire du premier onglet, dans les deux sens. */
  synchroniserDates() {
    const premier = this.parametresApplication();
    const ici = this.$('[data-pp-parametres]');
    for (const nom of ['date_transmission', 'date_envoi']) {
      const copier = (de, vers) => () => {
        vers[nom].value = de[nom].value;
        if (nom === 'date_transmission' && de === ici) this.app.dateTransmissionSaisie = true;
        if (nom === 'date_envoi' && de === ici) this.app.dateEnvoiSaisie = true;
      };
      for (const type of ['input', 'change']) {
        ici[nom].addEventListener(type, copier(ici, premier));
        premier[nom].addEventListener(type, copier(premier, ici));
      }
    }
  }

  rafraichir() {
    const premier = this.parametresApplication();
    const ici = this.$('[data-pp-parametres]');
    ici.date_transmission.value = premier.date_transmission.value;
    ici.date_envoi.value = premier.date_envoi.value;
    const r = this.app.resultat;
    const source = this.$('[data-pp-source]');
    if (!r) {
      source.textContent = 'Aucun calcul pour l’instant : déposez les fichiers dans l’onglet « Comptabilité analytique » et lancez le calcul ; le préprojet se calcule ensuite ici.';
    } else if (!r.calcule) {
      source.textContent = 'Le dernier calcul n’a pas pu se faire : corrigez les fichiers d’après ses diagnostics (onglet « Comptabilité analytique »).';
    } else {
      source.textContent = `Calcul repris : exercice ${r.parametres.exercice}, grand livre « ${r.noms['grand-livre']} ».`;
    }
    if (this.source && this.source !== r) {
      // Le calcul a changé (ou a été annulé) : le préprojet affiché n'est plus le sien.
      this.source = null;
      this.$('[data-pp-resultats]').hidden = true;
      this.$('[data-pp-statut]').textContent = 'Le calcul a changé : calculez de nouveau le préprojet.';
    }
    this.afficherSourcePersonnel();
  }

  statut(selecteur, texte) {
    this.$(selecteur).textContent = texte;
  }

  /** Le refus d'un fichier au-delà de la limite de la page (lu en entier par le travailleur). */
  tropGrand(fichier) {
    return fichier && fichier.size > this.app.limite()
      ? `« ${fichier.name} » fait ${octets(fichier.size)} : au-delà de la limite de ${octets(this.app.limite())} de la page, il n’est pas lu.`
      : null;
  }

  // — Préprojet ————————————————————————————————————————————————————

  async calculer() {
    const alerte = (t) => this.statut('[data-pp-alerte]', t);
    alerte('');
    const r = this.app.resultat;
    if (this.app.enCours) {
      alerte('Un calcul est en cours dans l’onglet « Comptabilité analytique » : attendez sa fin.');
      return;
    }
    if (!r) {
      alerte('Aucun calcul à reprendre : déposez le grand livre, la table de correspondance et les inducteurs dans l’onglet « Comptabilité analytique », lancez le calcul, puis revenez ici.');
      return;
    }
    if (!r.calcule) {
      alerte('Le calcul de l’onglet « Comptabilité analytique » n’a pas pu se faire : corrigez les fichiers d’après ses diagnostics, puis relancez-le.');
      return;
    }
    const f = this.$('[data-pp-parametres]');
    if (!f.date_envoi.value) {
      alerte('Indiquez la date d’envoi du préprojet à CMA France.');
      f.date_envoi.focus();
      return;
    }
    const parametres = {
      nom: f.nom.value, siret: f.siret.value, uai: f.uai.value, exercice: r.parametres.exercice,
      date_transmission: f.date_transmission.value || null, date_envoi: f.date_envoi.value,
    };
    const certifications = this.$('[data-pp-intitules]').files[0] ?? null;
    if (this.tropGrand(certifications)) {
      alerte(this.tropGrand(certifications));
      return;
    }
    this.statut('[data-pp-statut]', 'Calcul du préprojet…');
    try {
      const p = await this.app.demander('preprojet', { parametres, certifications });
      this.source = r;
      this.afficher(p);
      const c = p.calendrier;
      const n = p.certifications.length;
      this.statut('[data-pp-statut]', `Préprojet prêt : ${pluriel(n, 'ligne')} certification × site${c ? ` ; ${this.etatCalendrier(c)}` : ''} ; ${pluriel(p.diagnostics.length, 'contrôle')} à lire.`);
    } catch (e) {
      this.statut('[data-pp-statut]', '');
      alerte(`Le préprojet n’a pas pu être calculé : ${e.message}`);
    }
  }

  etatCalendrier(c) {
    if (c.statut === 'en_retard') return `en retard de ${pluriel(-c.jours_restants, 'jour')}`;
    return c.jours_restants === 0 ? 'à l’heure, dû ce jour' : `à l’heure, ${pluriel(c.jours_restants, 'jour')} d’avance`;
  }

  afficher(p) {
    this.$('[data-pp-resultats]').hidden = false;
    this.afficherCalendrier(p);
    this.afficherCertifications(p);
    this.afficherControles(p);
    this.afficherIndicateurs(p);
  }

  afficherCalendrier(p) {
    const c = p.calendrier;
    const conteneur = this.$('[data-pp-calendrier]');
    const campagne = p.campagne;
    const etapes = campagne.etapes.length
      ? el('div', {},
        el('p', { texte: `Campagne ${campagne.annee} de France compétences (calendrier de la norme) :` }),
        el('ul', {}, campagne.etapes.map((e) => el('li', { texte: `${date(e.date)} : ${ETAPES[e.etape] ?? e.etape}` }))))
      : el('p', { class: 'discret', texte: `Le calendrier de l’outil ne connaît pas la campagne ${campagne.annee} : indiquez la date de transmission fixée par France compétences.` });
    if (!c) {
      conteneur.replaceChildren(el('p', { texte: 'Calendrier impossible à établir avec ces dates.' }), etapes);
      return;
    }
    const aLHeure = c.statut === 'a_l_heure';
    const delai = campagne.delai_jours === null ? '' : ` (${campagne.delai_jours} jours avant la transmission)`;
    conteneur.replaceChildren(
      el('div', { class: `pp-calendrier ${aLHeure ? 'ok' : 'ko'}`, 'data-pp-statut-calendrier': c.statut },
        el('p', { class: 'pp-etat', texte: aLHeure ? 'À l’heure' : 'En retard' }),
        el('p', { 'data-pp-jours': c.jours_restants, texte: aLHeure
          ? (c.jours_restants === 0 ? 'Le préprojet est dû ce jour.' : `${pluriel(c.jours_restants, 'jour')} avant la date limite.`)
          : `${pluriel(-c.jours_restants, 'jour')} de retard.` }),
        el('dl', {},
          el('dt', { texte: 'Préprojet dû à CMA France' + delai }), el('dd', { 'data-pp-date': 'limite', texte: date(c.date_limite_preprojet) }),
          el('dt', { texte: 'Envoi du préprojet' }), el('dd', { 'data-pp-date': 'envoi', texte: date(c.date_envoi) }),
          el('dt', { texte: 'Transmission à France compétences' }), el('dd', { 'data-pp-date': 'transmission', texte: date(c.date_transmission) }))),
      etapes);
  }

  afficherCertifications(p) {
    const conteneur = this.$('[data-pp-certifications]');
    if (p.certifications.length === 0) {
      conteneur.replaceChildren(el('p', { texte: 'Aucune certification : pas de charges B01 rattachées à une certification ni d’heures apprenants.' }));
    } else {
      const chiffres = (l, marge) => [
        nombreTd(nombre(l.apprentis)), nombreTd(nombre(l.heures)), nombreTd(nombre(l.heures_apprenants)),
        p.rubriques.map((h) => el('td', { class: 'nombre', 'data-pp-rubrique': h.id, texte: euros(l.rubriques[h.id] ?? '0.00') })),
        nombreTd(euros(l.cout_complet)), nombreTd(euros(l.produits)),
        nombreTd(ratio(marge, pourcentage), marge?.startsWith('-') ? 'negatif' : ''),
        nombreTd(ratio(l.cout_par_apprenti, euros)), nombreTd(ratio(l.cout_par_heure_apprenant, euros)),
      ].flat();
      const t = p.total;
      const table = el('table', { class: 'pp-certifications' },
        el('caption', { texte: 'Préprojet : chaque certification par site, ses huit rubriques de France compétences, ses produits et sa marge' }),
        el('thead', {}, el('tr', {},
          ['Certification', 'Intitulé', 'Site', 'Apprentis', 'Heures de formation', 'Heures apprenants'].map((x) => th(x)),
          p.rubriques.map((h) => th(h.libelle)),
          ['Coût complet', 'Produits', 'Marge', 'Coût par apprenti', 'Coût par heure apprenant'].map((x) => th(x)))),
        el('tbody', {}, p.certifications.map((l) => el('tr', { 'data-pp-ligne': `${l.certification}|${l.site ?? ''}` },
          el('th', { scope: 'row', texte: l.certification }),
          el('td', { texte: l.libelle }),
          el('td', { texte: l.site ?? 'régional' }),
          chiffres(l, l.marge)))),
        el('tfoot', {}, el('tr', { 'data-pp-ligne': 'total' },
          el('th', { scope: 'row', colspan: 3, texte: 'Total' }),
          chiffres(t, t.marge ?? null))));
      conteneur.replaceChildren(table);
    }
    const nv = p.non_ventile;
    this.$('[data-pp-non-ventile]').textContent = nv
      ? `Non porté par une certification (B01 sans certification non réparti) : ${p.rubriques.filter((h) => nv.rubriques[h.id] !== '0.00').map((h) => `${h.libelle} ${euros(nv.rubriques[h.id])}`).join(', ') || 'aucune charge'} ; produits ${euros(nv.produits)}. Voir le contrôle P006.`
      : '';
    const lignes = p.certifications.flatMap((l) => Object.entries(l.produits_par_financeur).map(([code, montant]) => ({ l, code, montant })));
    this.$('[data-pp-financeurs]').replaceChildren(lignes.length === 0
      ? el('p', { texte: 'Aucun produit de l’apprentissage porté par une certification.' })
      : el('table', { class: 'pp-financeurs' },
        el('caption', { texte: 'Produits de chaque certification par catégorie de financement (annexe 4)' }),
        el('thead', {}, el('tr', {}, ['Certification', 'Site', 'Catégorie de financement', 'Code', 'Montant'].map((x) => th(x)))),
        el('tbody', {}, lignes.map(({ l, code, montant }) => el('tr', { 'data-pp-financeur': `${l.certification}|${l.site ?? ''}|${code}` },
          el('th', { scope: 'row', texte: l.certification }),
          el('td', { texte: l.site ?? 'régional' }),
          el('td', { texte: p.financeurs[code] ?? code }),
          el('td', { texte: code }),
          nombreTd(euros(montant)))))));
  }

  afficherControles(p) {
    const d = p.diagnostics;
    const compte = (g) => d.filter((x) => x.severite === g).length;
    const calcul = p.diagnostics_calcul;
    this.$('[data-pp-controles-resume]').textContent = (d.length === 0
      ? 'Aucun contrôle du préprojet ne signale de problème.'
      : `${pluriel(d.length, 'contrôle')} du préprojet : ${pluriel(compte('erreur'), 'erreur')}, ${pluriel(compte('avertissement'), 'avertissement')}, ${pluriel(compte('info'), 'info')}.`) +
      (calcul > 0 ? ` Les ${pluriel(calcul, 'diagnostic')} du calcul sont dans l’onglet « Comptabilité analytique » ; tous figurent dans le classeur et la note.` : '');
    this.$('[data-pp-controles-faits]').replaceChildren(this.tableControlesFaits(p));
    this.$('[data-pp-controles]').replaceChildren(d.length ? tableDiagnostics('Contrôles du préprojet qui signalent un problème', d) : '');
  }

  /** Chaque contrôle fait, qu'il signale un problème ou non : ceux du calcul qui portent sur
   *  l'apprentissage (loyers 86/87, B01 sans certification, rubrique par défaut), puis ceux du
   *  préprojet. */
  tableControlesFaits(p) {
    const resultat = (c) => {
      if (c.nombre === 0) return el('td', { class: 'ok', texte: '✓ rien à signaler' });
      const n = pluriel(c.nombre, 'signalement');
      return el('td', { class: 'ko' }, el('strong', { texte: `⚠ ${n}` }),
        c.origine === 'calcul' ? ' (détail dans l’onglet « Comptabilité analytique »)' : ' (détail ci-dessous)');
    };
    return el('table', { class: 'pp-controles-faits' },
      el('caption', { texte: 'Contrôles faits pour ce préprojet, avec leur résultat' }),
      el('thead', {}, el('tr', {}, ['Code', 'Contrôle', 'Gravité', 'Fait par', 'Résultat'].map((t) => th(t)))),
      el('tbody', {}, p.controles.map((c) => el('tr', { 'data-pp-controle': c.code },
        el('th', { scope: 'row', texte: c.code }),
        el('td', { texte: c.titre }),
        el('td', { texte: c.gravite }),
        el('td', { texte: c.origine === 'calcul' ? 'le calcul' : 'le préprojet' }),
        resultat(c)))));
  }

  afficherIndicateurs(p) {
    const i = p.indicateurs;
    const part = (x) => ratio(x, pourcentage);
    const lignes = [
      ['objets', 'Objets analytiques rattachés à la nomenclature', `${i.objets_rattaches} sur ${i.objets_total}`, part(i.part_objets_rattaches)],
      ['charges', 'Charges rattachées', `${euros(i.charges_rattachees)} sur ${euros(i.charges_total)}`, part(i.part_charges_rattachees)],
      ['produits', 'Produits rattachés', `${euros(i.produits_rattaches)} sur ${euros(i.produits_total)}`, part(i.part_produits_rattaches)],
      ['cles', 'Charges indirectes réparties par les clés harmonisées', `${euros(i.charges_indirectes_reparties)} sur ${euros(i.charges_indirectes)}`, part(i.part_charges_indirectes_reparties)],
      ['pools', 'Pools entièrement répartis', `${i.pools_entierement_repartis} sur ${i.pools}`, '—'],
      ['calendrier', 'Préprojet envoyé à l’heure à CMA France', i.preprojet_a_l_heure === null ? '—' : (i.preprojet_a_l_heure ? 'oui' : 'non'), '—'],
    ];
    this.$('[data-pp-indicateurs]').replaceChildren(el('table', { class: 'pp-indicateurs' },
      el('caption', { texte: 'Indicateurs de respect de la norme, suivis par CMA France (§VI)' }),
      el('thead', {}, el('tr', {}, ['Indicateur', 'Valeur', 'Part'].map((x) => th(x)))),
      el('tbody', {}, lignes.map(([id, libelle, valeur, proportion]) => el('tr', { 'data-pp-indicateur': id },
        el('th', { scope: 'row', texte: libelle }), nombreTd(valeur), nombreTd(proportion))))));
  }

  async telecharger(type, nom, mime) {
    this.statut('[data-pp-alerte]', '');
    try {
      const contenu = await this.app.demander(type);
      this.app.enregistrer(new Blob([contenu], { type: mime }), nom);
      this.statut('[data-pp-statut]', `« ${nom} » téléchargé.`);
    } catch (e) {
      this.statut('[data-pp-alerte]', `Export impossible : ${e.message}`);
    }
  }

  /** Un CSV produit par le cœur, avec le BOM qui fait lire l'UTF-8 à Excel. */
  enregistrerTexte(texte, nom, statut) {
    this.app.enregistrer(new Blob(['\ufeff', texte], { type: 'text/csv;charset=utf-8' }), nom);
    this.statut(statut, `« ${nom} » téléchargé.`);
  }

  // — ETP ——————————————————————————————————————————————————————————

  /** Le fichier du personnel : celui choisi ici, sinon celui déposé au premier onglet. */
  fichierPersonnel() {
    const choisi = this.$('[data-pp-personnel]').files[0];
    if (choisi) return { fichier: choisi, origine: 'choisi ici' };
    const depose = this.app.fichiers.find((f) => f.role === 'personnel');
    return depose ? { fichier: depose.fichier, origine: 'déposé dans l’onglet « Comptabilité analytique »' } : null;
  }

  afficherSourcePersonnel() {
    const f = this.fichierPersonnel();
    this.$('[data-pp-personnel-depose]').textContent = f
      ? `Fichier du personnel retenu : « ${f.fichier.name} » (${f.origine}).`
      : 'Choisissez le fichier du personnel ici, ou déposez-le avec les autres fichiers dans l’onglet « Comptabilité analytique » : il y est reconnu à ses colonnes.';
  }

  async calculerEtp() {
    const alerte = (t) => this.statut('[data-pp-etp-alerte]', t);
    alerte('');
    const f = this.fichierPersonnel();
    if (!f) {
      alerte('Aucun fichier du personnel : choisissez-le dans le champ « Fichier du personnel ».');
      this.$('[data-pp-personnel]').focus();
      return;
    }
    if (this.tropGrand(f.fichier)) {
      alerte(this.tropGrand(f.fichier));
      return;
    }
    this.statut('[data-pp-etp-statut]', `Calcul des ETP de « ${f.fichier.name} »…`);
    try {
      const e = await this.app.demander('etp', { fichier: f.fichier });
      this.etp = e;
      this.afficherEtp(e);
      this.statut('[data-pp-etp-statut]', `ETP calculés pour « ${f.fichier.name} » : ${pluriel(e.personnes.length, 'ligne')} retenue${e.personnes.length > 1 ? 's' : ''}, ${pluriel(e.inducteurs.length, 'ligne')} d’inducteurs, ${pluriel(e.diagnostics.length, 'diagnostic')}.`);
    } catch (e) {
      this.$('[data-pp-etp-resultats]').hidden = true;
      this.statut('[data-pp-etp-statut]', '');
      alerte(`Le fichier du personnel n’a pas pu être lu : ${e.message}`);
    }
  }

  afficherEtp(e) {
    this.$('[data-pp-etp-resultats]').hidden = false;
    this.$('[data-pp-etp-inducteurs]').replaceChildren(el('table', { class: 'pp-etp-inducteurs' },
      el('caption', { texte: 'Lignes d’inducteurs « etp » par activité et site (à coller dans le fichier des inducteurs)' }),
      el('thead', {}, el('tr', {}, ['Activité', 'Site', 'ETP'].map((x) => th(x)))),
      el('tbody', {}, e.inducteurs.map((d) => el('tr', { 'data-pp-inducteur': `${d.code}|${d.site ?? ''}` },
        el('th', { scope: 'row', texte: d.code }), el('td', { texte: d.site ?? 'régional' }), nombreTd(nombre(d.etp)))))));
    this.$('[data-pp-etp-personnes]').replaceChildren(el('table', { class: 'pp-etp-personnes' },
      el('caption', { texte: 'ETP de chaque ligne du fichier du personnel, avec son motif' }),
      el('thead', {}, el('tr', {}, ['Ligne', 'Matricule', 'Activité', 'Site', 'ETP', 'Motif'].map((x) => th(x)))),
      el('tbody', {}, e.personnes.map((p) => el('tr', { 'data-pp-personne': p.ligne },
        el('td', { texte: p.ligne }), el('th', { scope: 'row', texte: p.matricule }), el('td', { texte: p.code }),
        el('td', { texte: p.site ?? 'régional' }), nombreTd(nombre(p.etp)), el('td', { texte: p.motif }))))));
    this.$('[data-pp-etp-diagnostics]').replaceChildren(e.diagnostics.length
      ? tableDiagnostics('Diagnostics du fichier du personnel (lignes écartées ou à vérifier)', e.diagnostics)
      : '');
  }

  async modelePersonnel() {
    try {
      const texte = await this.app.demander('modele', { role: 'personnel' });
      this.app.enregistrer(new Blob(['\ufeff', texte], { type: 'text/csv;charset=utf-8' }), 'modele-personnel.csv');
      this.statut('[data-pp-etp-statut]', 'Modèle du fichier du personnel téléchargé.');
    } catch (e) {
      this.statut('[data-pp-etp-alerte]', e.message);
    }
  }

  // — Loyer interne ————————————————————————————————————————————————

  async calculerLoyer() {
    const alerte = (t) => this.statut('[data-pp-loyer-alerte]', t);
    alerte('');
    const f = this.$('[data-pp-loyer]');
    const brute = f.methode.value === 'brute';
    const parametres = {
      valeur_venale: brute ? null : f.valeur_venale.value,
      valeur_brute: brute ? f.valeur_brute.value : null,
      indice_origine: brute ? f.indice_origine.value : null,
      indice_actuel: brute ? f.indice_actuel.value : null,
      part: f.part.value, taux: f.taux.value,
      objet_cfa: f.objet_cfa.value, objet_chambre: f.objet_chambre.value, compte_86: f.compte_86.value, compte_87: f.compte_87.value,
    };
    try {
      const l = await this.app.demander('loyer', { parametres });
      this.loyer = l;
      this.$('[data-pp-loyer-resultat]').hidden = false;
      this.$('[data-pp-loyer-montant]').textContent = `Loyer interne à passer : ${euros(l.montant)} (valeur retenue ${euros(l.valeur_retenue)}).`;
      this.$('[data-pp-loyer-explication]').replaceChildren(...l.explication.map((etape) => el('li', { texte: etape })));
      this.$('[data-pp-loyer-ecritures]').replaceChildren(el('table', { class: 'pp-ecritures' },
        el('caption', { texte: 'Les deux écritures à passer (Σ86 = Σ87)' }),
        el('thead', {}, el('tr', {}, ['Compte', 'Objet analytique', 'Débit', 'Crédit', 'Libellé'].map((x) => th(x)))),
        el('tbody', {}, l.ecritures.map((e) => el('tr', { 'data-pp-ecriture': e.compte },
          el('th', { scope: 'row', texte: e.compte }), el('td', { texte: e.objet }),
          nombreTd(e.debit === '0.00' ? '' : euros(e.debit)), nombreTd(e.credit === '0.00' ? '' : euros(e.credit)),
          el('td', { texte: e.libelle }))))));
      this.statut('[data-pp-loyer-statut]', `Loyer interne calculé : ${euros(l.montant)}.`);
    } catch (e) {
      this.$('[data-pp-loyer-resultat]').hidden = true;
      this.statut('[data-pp-loyer-statut]', '');
      alerte(`Loyer impossible à calculer : ${e.message}`);
    }
  }
}
