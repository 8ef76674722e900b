// L'application : dépôt et reconnaissance des fichiers, paramètres, calcul dans le Web Worker
// (annulable, avec progression ; un grand livre volumineux lu à deux travailleurs sur une
// machine d'au moins deux cœurs), résultats, détail de chaque chiffre, exports.
// Tout ce qui vient des fichiers est posé en texte (textContent) : jamais de HTML construit
// avec des données de l'utilisateur.

import { GABARIT } from './gabarit.js';
import { focusDans, garderFocus, nommerDefilements } from './accessibilite.js';
import { brancherDepot } from './depot.js';
import { aujourdhui, duree, el, euros, nombre, octets } from './format.js';
import { graphiqueCouts, graphiqueFlux, nomPool } from './graphiques.js';
import { monterPreprojet } from './preprojet.js';
import { monterRevue } from './revue.js';

/** Les rôles de fichiers. Le fichier du personnel n'entre pas dans le calcul : il sert au
 *  calculateur d'ETP de l'onglet « Préprojet CFA, ETP et loyer », qui le prend ici. */
const ROLES = [
  { id: 'grand-livre', nom: 'Grand livre', requis: true },
  { id: 'correspondance', nom: 'Table de correspondance', requis: true },
  { id: 'inducteurs', nom: 'Inducteurs', requis: true },
  { id: 'personnel', nom: 'Personnel', requis: false },
];
const REQUIS = ROLES.filter((r) => r.requis);
// Diagnostics par page (la première vient avec le résultat du calcul quand le module la fait de
// la même taille : PREMIERE_PAGE dans src/wasm/mod.rs).
const PAR_PAGE = 50;
const EXEMPLE = ['grand-livre.csv', 'correspondance.csv', 'inducteurs.csv'];

class Annulation extends Error {}

/** Taille la plus grande d'un fichier : celle que le cœur accepte (2 Gio, MAX_INPUT_BYTES). Une
 * page qui intègre l'élément peut la baisser avec l'attribut « limite-octets ». */
const LIMITE_OCTETS = 2 * 1024 ** 3;
// Lecture des fichiers du calcul : morceaux de 4 Mio, au plus 3 en avance sur le module (chaque
// morceau est copié dans la mémoire du module ; mesuré sous Node sur un million de lignes, des
// morceaux de 8 Mio lisaient 10 à 15 % moins vite, avec 25 Mo de mémoire de plus à deux
// travailleurs ; de 1 ou 2 Mio, pas plus vite).
const MORCEAU = 4 * 1024 * 1024;
const AVANCE = 3;
/** Taille d'un grand livre à partir de laquelle deux travailleurs le lisent, chacun sa moitié
 *  (coupée après une fin de ligne), quand la machine a au moins deux cœurs : en deçà, le second
 *  coûterait plus qu'il ne rapporte. Une page qui intègre l'élément peut la changer avec
 *  l'attribut « partage-octets » (0 : jamais). */
const PARTAGE = 32 * 1024 * 1024;
/** Les premiers octets du grand livre donnés au travailleur d'appoint : son en-tête s'y trouve. */
const TETE = 1024 * 1024;
/** Le rôle d'un fichier se reconnaît à son en-tête, dans ses premiers 64 Kio. Un classeur XLSX
 *  (archive ZIP, dont le sommaire est à la fin) ne s'ouvre qu'en entier : il est donné entier
 *  jusqu'à 16 Mio (le module n'en lit que la première ligne de la feuille qui compte, et la table
 *  de ses textes : 0,3 s pour 300 000 lignes aux libellés tous différents). Au-delà, et pour un
 *  classeur ODS ou XLS, que la bibliothèque lit en entier dès l'ouverture (un ODS de 11 Mio :
 *  4 s et 570 Mio de mémoire du module), l'utilisateur choisit son rôle s'il n'est pas reconnu
 *  dans ses premiers 64 Kio. */
const DEBUT = 64 * 1024;
const CLASSEUR_RECONNU = 16 * 1024 * 1024;

/** Les octets d'un classeur XLSX commencent ainsi : une archive ZIP qui n'est pas un ODS (dont
 *  la première entrée, non compressée, dit le type). */
function estXlsx(octets) {
  const zip = [0x50, 0x4b, 0x03, 0x04].every((o, i) => octets[i] === o);
  return zip && !new TextDecoder('latin1').decode(octets.subarray(0, 200)).includes('application/vnd.oasis.opendocument');
}

/** Appelle `f` dès que la page est au repos, au plus tard après `delai` ms (sans
 *  `requestIdleCallback`, après le dixième de ce délai). */
function auRepos(f, delai) {
  if (window.requestIdleCallback) window.requestIdleCallback(f, { timeout: delai });
  else setTimeout(f, delai / 10);
}

function nomRole(id) {
  return ROLES.find((r) => r.id === id)?.nom ?? id;
}

export function monter(racine) {
  return new Application(racine);
}

class Application {
  constructor(racine) {
    this.racine = racine;
    racine.append(el('link', { rel: 'stylesheet', href: new URL('./style.css', import.meta.url).href }));
    const gabarit = document.createElement('template');
    gabarit.innerHTML = GABARIT; // balisage fixe, sans donnée
    racine.append(gabarit.content.cloneNode(true));
    this.fichiers = [];
    this.demandes = new Map();
    this.prochain = 1;
    this.travailleur = null;
    // Le travailleur d'appoint, qui lit la seconde moitié d'un grand livre volumineux.
    this.appoint = null;
    this.resultat = null;
    // Le dessin du graphique des flux des résultats affichés, tant qu'il reste à faire.
    this.dessinerFlux = null;
    this.page = 0;
    this.dateTransmissionSaisie = false;
    this.dateEnvoiSaisie = false;
    this.brancher();
    this.parametresParDefaut();
    this.preprojet = monterPreprojet(this, this.$('[data-panneau="preprojet"]'));
    this.revue = monterRevue(this, this.$('[data-panneau="revue"]'));
    nommerDefilements(racine);
    // Le travailleur et son module WebAssembly (2 Mo) se chargent, puis se préchauffent (voir
    // travailleur.js), dès que la page est au repos, pas au premier dépôt : ce temps ne s'ajoute
    // plus à celui du calcul, et tout ce que la page télécharge l'est à son ouverture. Marques
    // « User Timing » (performance.mark) : module prêt, dépôt, fichiers reconnus, calcul,
    // résultats reçus et affichés ; bench/navigateur.mjs en tire le partage du temps.
    this.prechaufferAuRepos();
  }

  /** Lance les travailleurs (celui du calcul, et celui d'appoint sur deux cœurs ou plus), qui
   *  chargent et préchauffent leur module, dès que la page est au repos : à l'ouverture, et de
   *  nouveau après une annulation, qui les arrête. */
  prechaufferAuRepos() {
    const prechauffer = () => Promise.all([
      this.demander('version'),
      ...(this.partageOctets() > 0 ? [this.demanderAppoint('version')] : []),
    ]).then(() => performance.mark('cma:module-pret'), () => {});
    auRepos(prechauffer, 2000);
  }

  $(selecteur) {
    return this.racine.querySelector(selecteur);
  }

  // — Le Web Worker ————————————————————————————————————————————————

  lancerTravailleur() {
    this.travailleur ??= this.nouveauTravailleur('./travailleur.js', () => { this.travailleur = null; });
    return this.travailleur;
  }

  lancerAppoint() {
    this.appoint ??= this.nouveauTravailleur('./travailleur.js?appoint', () => { this.appoint = null; });
    return this.appoint;
  }

  /** Un Web Worker du calcul (travailleur.js ; « ?appoint » : le travailleur d'appoint, qui se
   *  préchauffe moins) ; `perdu()` s'il ne peut démarrer. Ses réponses et sa progression vont aux
   *  demandes qui les attendent (`this.demandes`, par identifiant). */
  nouveauTravailleur(adresse, perdu) {
    const t = new Worker(new URL(adresse, import.meta.url), { type: 'module' });
    t.onmessage = (e) => {
      const m = e.data;
      const d = this.demandes.get(m.id);
      if (!d) return;
      if (m.progres) return d.progres?.(m.progres);
      this.demandes.delete(m.id);
      if (m.ok) d.resoudre(m.valeur);
      else d.rejeter(new Error(m.erreur));
    };
    t.onerror = (e) => {
      e.preventDefault();
      for (const [id, d] of this.demandes) {
        if (d.travailleur !== t) continue;
        d.rejeter(new Error(`le module de calcul n'a pas pu démarrer (${e.message || 'erreur inconnue'})`));
        this.demandes.delete(id);
      }
      perdu();
    };
    return t;
  }

  /** Envoie une demande au travailleur ; `envoye(t, id)` est appelé une fois le message parti
   *  (le calcul y branche la transmission de ses fichiers). */
  demander(type, donnees = {}, progres = null, envoye = null) {
    return this.demanderA(this.lancerTravailleur(), type, donnees, progres, envoye);
  }

  /** La même demande au travailleur d'appoint. */
  demanderAppoint(type, donnees = {}, progres = null, envoye = null) {
    return this.demanderA(this.lancerAppoint(), type, donnees, progres, envoye);
  }

  demanderA(t, type, donnees, progres, envoye) {
    const id = this.prochain++;
    return new Promise((resoudre, rejeter) => {
      this.demandes.set(id, { resoudre, rejeter, progres, travailleur: t });
      t.postMessage({ id, type, ...donnees });
      envoye?.(t, id);
    });
  }

  /** Taille d'un grand livre à partir de laquelle deux travailleurs le lisent (voir PARTAGE) ;
   *  0 sur une machine d'un seul cœur. */
  partageOctets() {
    if (!(navigator.hardwareConcurrency >= 2)) return 0;
    const attribut = this.racine.host?.getAttribute('partage-octets');
    const demande = attribut == null || attribut === '' ? NaN : Number(attribut);
    return Number.isFinite(demande) && demande >= 0 ? demande : PARTAGE;
  }

  /** Où couper le grand livre pour deux travailleurs : juste après la première fin de ligne
   *  passé son milieu ; `null` quand il est trop petit, ou sans fin de ligne là. */
  async coupure(fichier) {
    const seuil = this.partageOctets();
    if (!seuil || fichier.size < seuil || fichier.size < 2) return null;
    const milieu = Math.floor(fichier.size / 2);
    const octets = new Uint8Array(await fichier.slice(milieu, milieu + 65536).arrayBuffer());
    const i = octets.indexOf(10);
    return i < 0 || milieu + i + 1 >= fichier.size ? null : milieu + i + 1;
  }

  /** Lit les fichiers d'un calcul par morceaux de MORCEAU octets et les transfère au travailleur
   *  (sans copie), dans l'ordre des rôles. La page lit ainsi le morceau suivant pendant que le
   *  module lit le précédent (lu dans le travailleur, le disque attendait le calcul) ; au plus
   *  AVANCE morceaux attendent le module, pour ne pas tenir tout le fichier en double. S'arrête si
   *  le travailleur est arrêté (annulation) ou si le calcul a pris fin. `fichiers` : par rôle, le
   *  fichier et les octets à en transmettre ([début, fin[). */
  async transmettre(t, id, fichiers, suivi) {
    let envoyes = 0;
    for (const [role, [fichier, debut, fin]] of Object.entries(fichiers)) {
      for (let position = debut; position < fin; position += MORCEAU) {
        while (!suivi.fini && envoyes - suivi.lus >= AVANCE * MORCEAU) await new Promise((r) => { suivi.reveil = r; });
        if (suivi.fini || !this.enService(t)) return;
        const octets = await fichier.slice(position, Math.min(fin, position + MORCEAU)).arrayBuffer();
        if (suivi.fini || !this.enService(t)) return;
        t.postMessage({ id, type: 'morceau', role, octets }, [octets]);
        envoyes += octets.byteLength;
      }
    }
  }

  enService(t) {
    return t === this.travailleur || t === this.appoint;
  }

  /** La seconde partie du grand livre (de `coupure` à la fin), lue par le travailleur d'appoint
   *  pendant que le travailleur du calcul `t` lit la première, puis transmise à celui-ci (pour sa
   *  demande `id`) avec ses morceaux, qu'il garde. Si l'appoint échoue, ses morceaux sont relus
   *  ici et transmis seuls : le travailleur du calcul lit alors le fichier en entier. */
  async lireAppoint(t, id, fichier, coupure, parametres, suivi, progression, lectureImpossible) {
    let lue;
    try {
      const tete = await fichier.slice(0, Math.min(coupure, TETE)).arrayBuffer();
      // Le calcul annulé (ou fini, en échec) pendant cette lecture : pas de demande à l'appoint.
      if (t !== this.travailleur || suivi.fini) return;
      lue = await this.demanderAppoint('partie', { tete, taille: fichier.size - coupure, parametres }, (p) => {
        suivi.lus = p.lus;
        suivi.reveil?.();
        progression();
      }, (a, idAppoint) => this.transmettre(a, idAppoint, { 'grand-livre': [fichier, coupure, fichier.size] }, suivi).catch(lectureImpossible));
    } catch (e) {
      if (e instanceof Annulation || t !== this.travailleur || suivi.fini) return;
      try {
        const morceaux = [];
        for (let p = coupure; p < fichier.size; p += MORCEAU) morceaux.push(await fichier.slice(p, Math.min(fichier.size, p + MORCEAU)).arrayBuffer());
        lue = { partie: null, morceaux };
      } catch (lecture) {
        lectureImpossible(lecture);
        return;
      }
    }
    if (t !== this.travailleur) return;
    t.postMessage({ id, type: 'aide', ...lue }, lue.partie ? [lue.partie, ...lue.morceaux] : lue.morceaux);
  }

  /** Arrête le travailleur (et le calcul en cours) ; le suivant repart de zéro. */
  arreter() {
    this.travailleur?.terminate();
    this.travailleur = null;
    this.appoint?.terminate();
    this.appoint = null;
    for (const d of this.demandes.values()) d.rejeter(new Annulation('annulé'));
    this.demandes.clear();
  }

  // — Événements ————————————————————————————————————————————————————

  /** Onglets (motif ARIA « tabs ») : flèches gauche/droite, Début et Fin passent d'un onglet à
   *  l'autre et l'activent ; un seul panneau visible. */
  brancherOnglets() {
    const onglets = [...this.racine.querySelectorAll('[role="tab"]')];
    const liste = this.$('[data-onglets]');
    liste.addEventListener('click', (e) => {
      const onglet = e.target.closest('[role="tab"]');
      if (onglet) this.montrerOnglet(onglet.id);
    });
    liste.addEventListener('keydown', (e) => {
      const i = onglets.indexOf(e.target);
      if (i < 0) return;
      const cible = { ArrowRight: i + 1, ArrowLeft: i - 1, Home: 0, End: onglets.length - 1 }[e.key];
      if (cible === undefined) return;
      e.preventDefault();
      const onglet = onglets[(cible + onglets.length) % onglets.length];
      this.montrerOnglet(onglet.id);
      onglet.focus();
    });
  }

  /** Montre le panneau d'un onglet (« onglet-analytique », « onglet-preprojet », « onglet-revue »). */
  montrerOnglet(id) {
    for (const onglet of this.racine.querySelectorAll('[role="tab"]')) {
      const choisi = onglet.id === id;
      onglet.setAttribute('aria-selected', String(choisi));
      onglet.tabIndex = choisi ? 0 : -1;
      this.$(`#${onglet.getAttribute('aria-controls')}`).hidden = !choisi;
    }
  }

  brancher() {
    this.brancherOnglets();
    brancherDepot(this.$('[data-zone]'), this.$('[data-entree]'), (fichiers) => this.ajouter(fichiers));
    const actions = {
      exemple: () => this.chargerExemple(),
      annuler: () => this.annuler(),
      classeur: () => this.telecharger('classeur', {}, 'cma-analytique-resultats.xlsx', 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet'),
      csv: () => {
        const table = this.$('[data-table-csv]').value;
        return this.telecharger('csv', { table }, `cma-analytique-${table}.csv`, 'text/csv;charset=utf-8');
      },
      json: () => this.telecharger('json', {}, 'cma-analytique-resultats.json', 'application/json'),
      imprimer: () => this.imprimer(),
      fermer: () => this.$('[data-detail]').close(),
      'page-precedente': () => this.afficherDiagnostics(this.page - 1),
      'page-suivante': () => this.afficherDiagnostics(this.page + 1),
    };
    this.racine.addEventListener('click', (e) => {
      const bouton = e.target.closest('[data-action], [data-modele], [data-aller]');
      if (!bouton) return;
      if (bouton.dataset.aller) {
        e.preventDefault();
        const section = this.$(`#${bouton.dataset.aller}`);
        section.scrollIntoView({ block: 'start' });
        section.querySelector('h3').focus();
      } else if (bouton.dataset.modele) {
        this.telechargerModele(bouton.dataset.modele);
      } else if (actions[bouton.dataset.action]) {
        actions[bouton.dataset.action]();
      }
    });
    const formulaire = this.$('[data-parametres]');
    formulaire.addEventListener('submit', (e) => {
      e.preventDefault();
      this.calculer();
    });
    formulaire.exercice.addEventListener('change', () => {
      if (!this.dateTransmissionSaisie && formulaire.exercice.value) {
        formulaire.date_transmission.value = `${Number(formulaire.exercice.value) + 1}-07-31`;
      }
    });
    formulaire.date_transmission.addEventListener('change', () => {
      this.dateTransmissionSaisie = true;
    });
    formulaire.date_envoi.addEventListener('change', () => {
      this.dateEnvoiSaisie = true;
    });
    this.$('[data-filtres]').addEventListener('change', () => this.afficherDiagnostics(0));
    this.$('[data-filtres]').addEventListener('submit', (e) => e.preventDefault());
    const dialogue = this.$('[data-detail]');
    dialogue.addEventListener('close', () => {
      this.declencheur?.focus();
      this.declencheur = null;
    });
    window.addEventListener('beforeprint', () => this.preparerImpression());
  }

  parametresParDefaut() {
    const f = this.$('[data-parametres]');
    const annee = new Date().getFullYear() - 1;
    f.exercice.value = annee;
    f.date_transmission.value = `${annee + 1}-07-31`;
    f.date_envoi.value = aujourdhui();
  }

  statut(texte) {
    this.$('[data-statut]').textContent = texte;
  }

  alerte(texte) {
    this.$('[data-alerte]').textContent = texte;
  }

  // — Fichiers ——————————————————————————————————————————————————————

  limite() {
    const demandee = Number(this.racine.host?.getAttribute('limite-octets'));
    return demandee > 0 ? Math.min(demandee, LIMITE_OCTETS) : LIMITE_OCTETS;
  }

  async ajouter(liste) {
    performance.mark('cma:depot');
    this.alerte('');
    const refus = [];
    const acceptes = [];
    for (const fichier of liste) {
      // Refusé d'emblée, avant toute lecture, avec la limite dite.
      if (fichier.size > this.limite()) {
        refus.push(`« ${fichier.name} » fait ${octets(fichier.size)} : au-delà de la limite de ${octets(this.limite())} de la page, il n'est pas lu ; découpez l'export (par semestre, par site).`);
        continue;
      }
      acceptes.push(fichier);
      let reconnu = null;
      try {
        let debut = await fichier.slice(0, DEBUT).arrayBuffer();
        if (fichier.size > DEBUT && fichier.size <= CLASSEUR_RECONNU && estXlsx(new Uint8Array(debut))) {
          debut = await fichier.arrayBuffer();
        }
        reconnu = await this.demander('reconnaitre', { debut });
      } catch (e) {
        refus.push(`« ${fichier.name} » : ${e.message}`);
      }
      // Un nouveau fichier du même rôle remplace le précédent, qui reste listé sans rôle.
      for (const f of this.fichiers) if (reconnu && f.role === reconnu) f.role = null;
      this.fichiers.push({ fichier, role: reconnu, reconnu });
    }
    this.afficherFichiers();
    if (refus.length) this.alerte(refus.join(' '));
    const reconnus = this.fichiers.filter((f) => f.role).map((f) => `${nomRole(f.role)} : « ${f.fichier.name} »`);
    const n = acceptes.length;
    this.statut(`${n} fichier${n > 1 ? 's' : ''} ajouté${n > 1 ? 's' : ''}. ${reconnus.join(' ; ')}.`);
    performance.mark('cma:reconnus');
  }

  afficherFichiers() {
    const table = this.$('[data-liste]');
    table.hidden = this.fichiers.length === 0;
    const corps = table.tBodies[0];
    corps.replaceChildren(...this.fichiers.map((f, i) => {
      const choix = el('select', { id: `role-${i}`, 'aria-label': `Rôle de « ${f.fichier.name} »`, onchange: (e) => {
        f.role = e.target.value || null;
        this.afficherFichiers();
        // Le tableau est refait : le focus passe au même choix dans la ligne refaite.
        this.$(`#role-${i}`).focus();
      } },
      el('option', { value: '', texte: 'Non reconnu — ignoré' }),
      ROLES.map((r) => el('option', { value: r.id, selected: f.role === r.id, texte: r.nom })));
      if (!f.role) choix.value = '';
      const note = f.reconnu ? (f.reconnu === f.role ? 'reconnu à ses colonnes' : `reconnu comme ${nomRole(f.reconnu)}`) : 'colonnes non reconnues';
      return el('tr', {},
        el('th', { scope: 'row', texte: f.fichier.name }),
        el('td', { texte: octets(f.fichier.size) }),
        el('td', {}, choix, ' ', el('span', { class: 'discret', texte: note })),
        el('td', {}, el('button', { type: 'button', 'aria-label': `Retirer « ${f.fichier.name} »`, texte: 'Retirer', onclick: () => {
          this.fichiers.splice(i, 1);
          this.afficherFichiers();
          this.$('[data-entree]').focus();
        } })));
    }));
    const etat = this.etat();
    this.$('[data-manque]').textContent = etat.message;
    this.$('[data-action="calculer"]').disabled = !etat.pret || this.enCours;
  }

  etat() {
    const manque = REQUIS.filter((r) => !this.fichiers.some((f) => f.role === r.id));
    const doubles = REQUIS.filter((r) => this.fichiers.filter((f) => f.role === r.id).length > 1);
    if (this.fichiers.length === 0) return { pret: false, message: '' };
    if (doubles.length) return { pret: false, message: `Plusieurs fichiers ont le rôle ${doubles.map((r) => `« ${r.nom} »`).join(', ')} : n'en gardez qu'un.` };
    if (manque.length) return { pret: false, message: `Il manque : ${manque.map((r) => r.nom.toLowerCase()).join(', ')}.` };
    return { pret: true, message: 'Les trois fichiers sont là : vous pouvez lancer le calcul.' };
  }

  async chargerExemple() {
    this.alerte('');
    this.statut('Chargement de l’exemple « CMA de région Exemple »…');
    try {
      const fichiers = await Promise.all(EXEMPLE.map(async (nom) => {
        const reponse = await fetch(new URL(`../exemple/${nom}`, import.meta.url));
        if (!reponse.ok) throw new Error(`exemple « ${nom} » introuvable (${reponse.status})`);
        return new File([await reponse.blob()], nom, { type: 'text/csv' });
      }));
      this.fichiers = [];
      await this.ajouter(fichiers);
      const f = this.$('[data-parametres]');
      f.exercice.value = 2024;
      if (!this.dateTransmissionSaisie) f.date_transmission.value = '2025-07-31';
      // Le préprojet de l'exemple : envoyé dix jours avant sa date limite (10 juillet 2025), avec
      // l'organisme et les intitulés de ses certifications, sans écraser ce que l'utilisateur a saisi.
      if (!this.dateEnvoiSaisie) f.date_envoi.value = '2025-06-30';
      await this.preparerPreprojetExemple();
      await this.calculer();
    } catch (e) {
      this.alerte(`L’exemple n’a pas pu être chargé : ${e.message}`);
    }
  }

  async preparerPreprojetExemple() {
    const preprojet = this.racine.querySelector('[data-pp-parametres]');
    if (!preprojet) return;
    if (!preprojet.nom.value.trim()) preprojet.nom.value = 'CMA de région Exemple';
    const intitules = this.racine.querySelector('[data-pp-intitules]');
    if (intitules.files.length) return;
    const reponse = await fetch(new URL('../exemple/certifications.csv', import.meta.url));
    if (!reponse.ok) throw new Error(`exemple « certifications.csv » introuvable (${reponse.status})`);
    const transfert = new DataTransfer();
    transfert.items.add(new File([await reponse.blob()], 'certifications.csv', { type: 'text/csv' }));
    intitules.files = transfert.files;
  }

  async telechargerModele(role) {
    try {
      const texte = await this.demander('modele', { role });
      this.enregistrer(new Blob(['\ufeff', texte], { type: 'text/csv;charset=utf-8' }), `modele-${role}.csv`);
      this.statut(`Modèle « ${nomRole(role)} » téléchargé.`);
    } catch (e) {
      this.alerte(e.message);
    }
  }

  // — Calcul ————————————————————————————————————————————————————————

  lireParametres() {
    const f = this.$('[data-parametres]');
    const exercice = Number.parseInt(f.exercice.value, 10);
    if (!Number.isInteger(exercice)) throw new Error('indiquez l’exercice (année, par exemple 2024)');
    return {
      exercice,
      du: f.du.value || null,
      au: f.au.value || null,
      date_transmission: f.date_transmission.value || null,
      date_envoi: f.date_envoi.value || null,
    };
  }

  async calculer() {
    const etat = this.etat();
    if (!etat.pret || this.enCours) return;
    let parametres;
    try {
      parametres = this.lireParametres();
    } catch (e) {
      this.alerte(e.message);
      return;
    }
    const fichiers = Object.fromEntries(REQUIS.map((r) => [r.id, this.fichiers.find((f) => f.role === r.id).fichier]));
    this.enCours = true;
    this.alerte('');
    const avant = focusDans(this.racine);
    this.$('[data-action="calculer"]').disabled = true;
    this.$('[data-action="annuler"]').hidden = false;
    this.$('[data-progression]').hidden = false;
    // « Calculer » désactivé : son focus passe à « Annuler le calcul ».
    garderFocus(this.racine, avant, this.$('[data-action="annuler"]'), this.$('[data-statut]'));
    this.statut('Lecture des fichiers…');
    performance.mark('cma:calcul');
    const debut = performance.now();
    let etape = 'lecture';
    try {
      const roles = Object.entries(fichiers).map(([role, f]) => ({ role, taille: f.size }));
      // Un grand livre volumineux : sa première moitié au travailleur du calcul, la seconde au
      // travailleur d'appoint (voir lireAppoint).
      const grandLivre = fichiers['grand-livre'];
      const coupure = await this.coupure(grandLivre);
      const plages = Object.fromEntries(Object.entries(fichiers).map(([r, f]) => [r, [f, 0, r === 'grand-livre' ? coupure ?? f.size : f.size]]));
      const suivi = { lus: 0, fini: false, reveil: null };
      const suiviAppoint = { lus: 0, fini: false, reveil: null };
      let derniere = null;
      const progression = () => this.progression({ ...derniere, lus: derniere.lus + (derniere.etape === 'lecture' ? suiviAppoint.lus : 0) });
      const lectureImpossible = (e) => {
        // Un fichier devenu illisible (retiré du disque) : le calcul est arrêté, la cause dite.
        this.arreter();
        this.alerte(`Lecture des fichiers impossible : ${e.message}`);
      };
      const calcul = this.demander('calculer', { roles, parametres, coupure }, (p) => {
        suivi.lus = p.lus;
        suivi.reveil?.();
        if (p.etape !== etape) {
          etape = p.etape;
          this.statut('Calcul de la répartition…');
        }
        derniere = p;
        progression();
      }, (t, id) => {
        this.transmettre(t, id, plages, suivi).catch(lectureImpossible);
        if (coupure != null) {
          this.lireAppoint(t, id, grandLivre, coupure, parametres, suiviAppoint, () => derniere && progression(), lectureImpossible);
        }
      });
      const resultat = await calcul.finally(() => {
        for (const s of [suivi, suiviAppoint]) {
          s.fini = true;
          s.reveil?.();
        }
      });
      performance.mark('cma:resultat-recu');
      resultat.durees.total_ms = performance.now() - debut;
      resultat.parametres = parametres;
      resultat.noms = Object.fromEntries(Object.entries(fichiers).map(([r, f]) => [r, f.name]));
      this.resultat = resultat;
      await this.afficherResultats();
      const g = resultat.diagnostics.par_gravite;
      performance.mark('cma:affiche');
      this.statut(`${resultat.calcule ? 'Résultats prêts' : 'Calcul impossible'} en ${duree(resultat.durees.total_ms)} : ${g.erreur} erreur${g.erreur > 1 ? 's' : ''}, ${g.avertissement} avertissement${g.avertissement > 1 ? 's' : ''}, ${g.info} info${g.info > 1 ? 's' : ''}.`);
    } catch (e) {
      if (e instanceof Annulation) {
        this.statut('Calcul annulé.');
      } else {
        this.alerte(`Le calcul a échoué : ${e.message}`);
        this.statut('');
      }
    } finally {
      this.enCours = false;
      const avantFin = focusDans(this.racine);
      this.$('[data-action="annuler"]').hidden = true;
      this.$('[data-progression]').hidden = true;
      this.afficherFichiers();
      // « Annuler le calcul » caché : le focus passe au titre des résultats, sinon (calcul
      // annulé ou échoué) à « Calculer ».
      garderFocus(this.racine, avantFin, this.resultat ? this.$('#t-resultats') : null, this.$('[data-action="calculer"]'), this.$('[data-statut]'));
    }
  }

  annuler() {
    this.arreter();
    this.resultat = null;
    this.$('[data-resultats]').hidden = true;
    // De nouveaux travailleurs, préchauffés d'ici le prochain calcul.
    this.prechaufferAuRepos();
  }

  progression(p) {
    const barre = this.$('[data-barre]');
    const texte = this.$('[data-progression-texte]');
    if (p.etape === 'lecture') {
      barre.max = p.total || 1;
      barre.value = p.lus;
      texte.textContent = `Lecture : ${octets(p.lus)} sur ${octets(p.total)} (${nomRole(p.role).toLowerCase()})`;
    } else {
      barre.removeAttribute('value'); // indéterminée : le calcul est d'un seul tenant
      texte.textContent = `Calcul de la répartition sur ${octets(p.total)} lus…`;
    }
  }

  // — Résultats —————————————————————————————————————————————————————

  async afficherResultats() {
    const r = this.resultat;
    const section = this.$('[data-resultats]');
    section.hidden = false;
    const d = r.durees;
    this.$('[data-entete-resultats]').textContent =
      `Exercice ${r.parametres.exercice}${r.parametres.du || r.parametres.au ? `, période ${r.parametres.du ?? '…'} – ${r.parametres.au ?? '…'}` : ''}. ` +
      `Grand livre « ${r.noms['grand-livre']} » (${octets(r.octets['grand-livre'])}). ` +
      `Lecture ${duree(d.lecture_ms)}${d.parties === 2 ? ' (une moitié du grand livre par cœur, deux travailleurs)' : ''}, calcul ${duree(d.calcul_ms)}, total ${duree(d.total_ms)}.`;
    for (const partie of ['r-synthese', 'r-activites', 'r-certifications', 'r-pools']) this.$(`#${partie}`).hidden = !r.calcule;
    this.$('.exports').hidden = !r.calcule;
    this.remplirFiltres();
    // La première page des diagnostics vient avec le résultat : pas d'aller-retour au travailleur.
    await this.afficherDiagnostics(0, r.premiere_page?.nombre === PAR_PAGE ? r.premiere_page : null);
    if (r.calcule) {
      this.afficherSynthese();
      this.afficherActivites();
      this.afficherCertifications();
      this.afficherPools();
    }
  }

  /** Un montant qui ouvre son détail ; un montant nul reste du texte (rien derrière). */
  montant(m, libelle, action) {
    return m === '0.00' ? euros(m) : this.bouton(euros(m), `${libelle} : ${euros(m)}`, action);
  }

  bouton(texte, libelle, action) {
    return el('button', { type: 'button', class: 'lien', 'aria-label': libelle, texte, onclick: (e) => action(e.currentTarget) });
  }

  afficherSynthese() {
    const r = this.resultat;
    const c = r.document.controle;
    const i = r.indicateurs;
    const ligne = (entete, montant, bouton) => el('tr', {}, el('th', { scope: 'row', texte: entete }),
      el('td', { class: 'nombre' }, bouton ?? euros(montant)));
    const table = el('table', { class: 'controle' },
      el('caption', { texte: 'Contrôle des totaux (au centime)' }),
      el('thead', {}, el('tr', {}, el('th', { scope: 'col', texte: 'Poste' }), el('th', { scope: 'col', texte: 'Montant' }))),
      el('tbody', {},
        ligne('Charges', c.charges),
        ligne('dont réparties (coûts complets des activités)', c.charges_reparties),
        ligne('dont non réparties (restées sur les pools)', c.charges_non_reparties),
        ligne('dont non rattachées (objets hors table)', c.charges_non_rattachees,
          this.montant(c.charges_non_rattachees, `Lignes des charges non rattachées`,
            (b) => this.ouvrirLignes('Charges non rattachées', { type: 'non_rattache', nature: 'charge' }, b))),
        ligne('Produits', c.produits),
        ligne('dont non rattachés', c.produits_non_rattaches,
          this.montant(c.produits_non_rattaches, `Lignes des produits non rattachés`,
            (b) => this.ouvrirLignes('Produits non rattachés', { type: 'non_rattache', nature: 'produit' }, b)))));
    const g = r.diagnostics.par_gravite;
    this.$('[data-synthese]').replaceChildren(
      table,
      el('ul', { class: 'indicateurs' },
        el('li', { class: i.controle_equilibre ? 'ok' : 'ko', texte: i.controle_equilibre
          ? 'Identité de contrôle vérifiée : charges = réparties + non réparties + non rattachées.'
          : 'Identité de contrôle NON vérifiée : signalez-le.' }),
        el('li', { texte: `Objets analytiques rattachés à la nomenclature : ${i.objets_rattaches} sur ${i.objets}.` }),
        el('li', { texte: `Pools entièrement répartis : ${i.pools_repartis} sur ${i.pools}.` }),
        el('li', { texte: `Diagnostics : ${g.erreur} erreur(s), ${g.avertissement} avertissement(s), ${g.info} info(s).` })));
  }

  // — Diagnostics ———————————————————————————————————————————————————

  remplirFiltres() {
    const r = this.resultat;
    const f = this.$('[data-filtres]');
    f.reset();
    f.code.replaceChildren(el('option', { value: '', texte: 'tous' }),
      ...r.diagnostics.codes.map((c) => el('option', { value: c.code, texte: `${c.code} — ${c.titre} (${c.nombre})` })));
    f.fichier.replaceChildren(el('option', { value: '', texte: 'tous' }),
      ...r.diagnostics.fichiers.map((x) => el('option', { value: x.fichier, texte: `${x.fichier} (${x.nombre})` })));
    const g = r.diagnostics.par_gravite;
    this.$('[data-diagnostics-resume]').textContent = r.diagnostics.nombre === 0
      ? 'Aucun diagnostic : les fichiers sont conformes.'
      : `${r.diagnostics.nombre} diagnostic(s) : ${g.erreur} erreur(s), ${g.avertissement} avertissement(s), ${g.info} info(s).`;
  }

  /** Affiche la page `page` des diagnostics qui passent les filtres ; `donnee` : cette page déjà
   *  reçue (la première, sans filtre, avec le résultat du calcul). */
  async afficherDiagnostics(page, donnee = null) {
    const f = this.$('[data-filtres]');
    const filtre = { gravite: f.gravite.value || null, code: f.code.value || null, fichier: f.fichier.value || null, debut: page * PAR_PAGE, nombre: PAR_PAGE };
    const reponse = donnee ?? await this.demander('diagnostics', { filtre });
    const pages = Math.max(1, Math.ceil(reponse.total / PAR_PAGE));
    this.page = Math.min(Math.max(0, page), pages - 1);
    const corps = this.$('[data-table-diagnostics]').tBodies[0];
    corps.replaceChildren(...reponse.lignes.map((d) => el('tr', { class: `gravite-${d.severite}` },
      el('td', {}, el('span', { class: 'pastille', texte: d.severite })),
      el('th', { scope: 'row', texte: d.code }),
      el('td', { texte: d.fichier }),
      el('td', {}, d.ligne && d.fichier !== 'calcul'
        ? this.bouton(`ligne ${d.ligne}`, `Voir la ligne ${d.ligne} du fichier ${d.fichier}`, (b) => this.ouvrirLigne(d.fichier, d.ligne, b, d.colonne))
        : '—'),
      el('td', { texte: d.message + (d.colonne ? ` (colonne ${d.colonne})` : '') }),
      el('td', { texte: d.aide }))));
    if (reponse.lignes.length === 0) corps.append(el('tr', {}, el('td', { colspan: 6, texte: 'Aucun diagnostic pour ce filtre.' })));
    this.$('[data-page-texte]').textContent = reponse.total === 0 ? '' :
      `${filtre.debut + 1}–${filtre.debut + reponse.lignes.length} sur ${reponse.total}`;
    const avant = focusDans(this.racine);
    const precedente = this.$('[data-action="page-precedente"]');
    const suivante = this.$('[data-action="page-suivante"]');
    precedente.disabled = this.page === 0;
    suivante.disabled = this.page >= pages - 1;
    this.$('[data-pages]').hidden = reponse.total <= PAR_PAGE;
    // À la première ou à la dernière page, le bouton pressé se désactive : le focus passe à l'autre
    // (seulement quand le focus était sur l'un d'eux : vérifier un autre élément forcerait la mise
    // en page de tous les résultats à leur affichage).
    if (avant === precedente || avant === suivante) {
      garderFocus(this.racine, avant, avant === suivante ? precedente : suivante, precedente, this.$('#t-diagnostics'));
    }
  }

  // — Activités, certifications, pools ————————————————————————————————

  afficherActivites() {
    const r = this.resultat;
    const activites = r.document.activites;
    const entetes = ['Code', 'Activité', 'Charges directes', 'Charges indirectes', 'Coût complet', 'Produits', 'Résultat'];
    const totaux = (a) => [a.charges_directes, a.charges_indirectes, a.cout_complet, a.produits, a.resultat]
      .map((m) => el('td', { class: 'nombre', texte: euros(m) }));
    const corps = r.axes.filter((x) => x.code).map((axe) => el('tbody', {},
      el('tr', { class: 'axe' }, el('th', { scope: 'rowgroup', colspan: 7, texte: `Axe ${axe.code} — ${axe.libelle}` })),
      activites.filter((a) => a.code.startsWith(axe.code)).map((a) => el('tr', { 'data-activite': a.code },
        el('th', { scope: 'row', texte: a.code }),
        el('td', { texte: a.libelle }),
        el('td', { class: 'nombre' }, this.montant(a.charges_directes, `Charges directes de ${a.code}, voir les lignes`,
          (b) => this.ouvrirLignes(`Charges directes de ${a.code} ${a.libelle}`, { type: 'activite', code: a.code, nature: 'charge' }, b))),
        el('td', { class: 'nombre' }, this.montant(a.charges_indirectes, `Charges indirectes de ${a.code}, voir les pools d'origine`,
          (b) => this.ouvrirIndirectes(a.code, null, `${a.code} ${a.libelle}`, b))),
        el('td', { class: 'nombre', texte: euros(a.cout_complet) }),
        el('td', { class: 'nombre' }, this.montant(a.produits, `Produits de ${a.code}, voir les lignes`,
          (b) => this.ouvrirLignes(`Produits de ${a.code} ${a.libelle}`, { type: 'activite', code: a.code, nature: 'produit' }, b))),
        el('td', { class: `nombre ${a.resultat.startsWith('-') ? 'negatif' : ''}`, texte: euros(a.resultat) }))),
      el('tr', { class: 'sous-total', 'data-axe': axe.code }, el('th', { scope: 'row', colspan: 2, texte: `Total axe ${axe.code}` }), totaux(axe))));
    const total = r.axes.find((x) => !x.code);
    const table = el('table', { class: 'activites' },
      el('caption', { texte: 'Coûts complets et résultats analytiques par activité nationale, tous sites' }),
      el('thead', {}, el('tr', {}, entetes.map((e) => el('th', { scope: 'col', texte: e })))),
      corps,
      total ? el('tfoot', {}, el('tr', { 'data-axe': 'total' }, el('th', { scope: 'row', colspan: 2, texte: 'Total des activités' }), totaux(total))) : null);
    this.$('[data-activites]').replaceChildren(table);
    graphiqueCouts(this.$('[data-graphique-couts]'), activites, r.libelles, 'graphique-couts');
  }

  afficherCertifications() {
    const r = this.resultat;
    const certifications = r.document.certifications;
    const conteneur = this.$('[data-certifications]');
    if (certifications.length === 0) {
      conteneur.replaceChildren(el('p', { texte: 'Aucune certification (pas de charges B01 rattachées à une certification).' }));
      return;
    }
    const table = el('table', { class: 'certifications' },
      el('caption', { texte: 'Coût de chaque certification, réparti dans les huit rubriques de France compétences' }),
      el('thead', {}, el('tr', {},
        ['Certification', 'Heures apprenants', 'Charges directes', 'Charges indirectes', 'Coût complet', 'Produits'].map((e) => el('th', { scope: 'col', texte: e })),
        r.rubriques.map((h) => el('th', { scope: 'col', texte: h.libelle })))),
      el('tbody', {}, certifications.map((c) => el('tr', { 'data-certification': c.certification },
        el('th', { scope: 'row', texte: c.certification }),
        el('td', { class: 'nombre', texte: nombre(c.heures_apprenants) }),
        el('td', { class: 'nombre' }, this.montant(c.charges_directes, `Charges directes de ${c.certification}, voir les lignes`,
          (b) => this.ouvrirLignes(`Charges directes de la certification ${c.certification}`, { type: 'activite', code: 'B01', certification: c.certification, nature: 'charge' }, b))),
        el('td', { class: 'nombre' }, this.montant(c.charges_indirectes, `Charges indirectes de ${c.certification}, voir les pools d'origine`,
          (b) => this.ouvrirIndirectes('B01', c.certification, `la certification ${c.certification}`, b))),
        el('td', { class: 'nombre', texte: euros(c.cout_complet) }),
        el('td', { class: 'nombre', texte: euros(c.produits) }),
        r.rubriques.map((h) => el('td', { class: 'nombre', 'data-rubrique': h.id, texte: euros(c.rubriques[h.id] ?? '0.00') }))))));
    conteneur.replaceChildren(table);
  }

  afficherPools() {
    const r = this.resultat;
    const pools = r.document.pools;
    const table = el('table', { class: 'pools' },
      el('caption', { texte: 'Pools de charges indirectes : montant et parts de niveau 1' }),
      el('thead', {}, el('tr', {}, ['Pool', 'Libellé', 'Clé', 'Site', 'Montant', 'Part formation', 'Part cma', 'Non réparti', 'Produits']
        .map((e) => el('th', { scope: 'col', texte: e })))),
      el('tbody', {}, pools.map((p, i) => el('tr', { 'data-pool': i },
        el('th', { scope: 'row', texte: p.code }),
        el('td', { texte: r.libelles[p.code] ?? '' }),
        el('td', { texte: p.cle }),
        el('td', { texte: p.site ?? 'régional' }),
        el('td', { class: 'nombre' }, this.montant(p.montant, `Montant du pool ${nomPool(p)}, voir les lignes`,
          (b) => this.ouvrirLignes(`Charges du pool ${nomPool(p)}`, { type: 'pool', pool: i, nature: 'charge' }, b))),
        el('td', { class: 'nombre', texte: euros(p.formation) }),
        el('td', { class: 'nombre', texte: euros(p.cma) }),
        el('td', { class: `nombre ${p.non_reparti !== '0.00' ? 'negatif' : ''}`, texte: euros(p.non_reparti) }),
        el('td', { class: 'nombre' }, this.montant(p.produits, `Produits du pool ${nomPool(p)}, voir les lignes`,
          (b) => this.ouvrirLignes(`Produits du pool ${nomPool(p)}`, { type: 'pool', pool: i, nature: 'produit' }, b)))))));
    this.$('[data-pools]').replaceChildren(table);
    // Le graphique des flux (des milliers de bandes pour une région), plus bas dans la page, est
    // dessiné juste après le premier affichage des résultats, qui paraissent sans l'attendre
    // (et tout de suite pour l'impression).
    const figure = this.$('[data-graphique-flux]');
    figure.replaceChildren();
    this.dessinerFlux = () => {
      this.dessinerFlux = null;
      graphiqueFlux(figure, pools, r.flux, r.libelles, 'graphique-flux');
    };
    const dessiner = () => { if (this.resultat === r) this.dessinerFlux?.(); };
    auRepos(dessiner, 500);
    this.$('[data-trace]').replaceChildren(...r.document.trace.map((t, i) => {
      const details = el('details', { class: 'trace', 'data-trace-pool': i },
        el('summary', { texte: `${nomPool(t)} — ${euros(t.montant)} — ${t.perimetre}${t.repli_etp ? ' — niveau 1 par ETP faute de véhicules' : ''}` }));
      details.addEventListener('toggle', () => {
        if (!details.open || details.dataset.rempli) return;
        this.traceComplete(r).then((trace) => this.remplirTrace(details, trace[i]), (e) => {
          if (!details.querySelector('.trace-absente')) details.append(el('p', { class: 'trace-absente', texte: `Partages indisponibles : ${e.message}` }));
        });
      });
      return details;
    }));
    // Les partages de la trace (un Mo pour une région) ne viennent pas avec les résultats : ils
    // sont demandés au module dès que la page est au repos après les résultats (le module ne les
    // a plus une fois un autre calcul lancé), ou au premier pool déplié avant.
    const charger = () => this.traceComplete(r).catch(() => {});
    auRepos(charger, 1000);
  }

  /** La trace complète du calcul `r` (tous les partages de chaque pool), demandée une fois (de
   *  nouveau après un échec). */
  traceComplete(r) {
    if (!r || r !== this.resultat) return Promise.reject(new Error('ce ne sont plus les résultats affichés'));
    r.traceComplete ??= this.demander('trace').then((trace) => {
      r.trace = trace;
      return trace;
    }, (e) => {
      r.traceComplete = null;
      throw e;
    });
    return r.traceComplete;
  }

  remplirTrace(details, t) {
    if (details.dataset.rempli || !t) return;
    details.dataset.rempli = '1';
    details.querySelector('.trace-absente')?.remove();
    const partage = (titre, s, colonnes, cellules) => el('table', { class: 'partage' },
      el('caption', { texte: `${titre} — ${s.inducteur} — ${euros(s.montant)} à répartir${s.non_reparti !== '0.00' ? `, ${euros(s.non_reparti)} non répartis` : ''}` }),
      el('thead', {}, el('tr', {}, colonnes.map((c) => el('th', { scope: 'col', texte: c })))),
      el('tbody', {}, s.parts.map((p) => el('tr', {}, cellules(p)))));
    // Chaque tableau de la trace dans son cadre : large, il y défile (pas la page).
    const cadre = (table) => el('div', { class: 'defile' }, table);
    if (t.niveau1) {
      details.append(cadre(partage('Niveau 1 entre les côtés', t.niveau1, ['Côté', 'Poids', 'Part'],
        (p) => [el('th', { scope: 'row', texte: p.cote }), el('td', { class: 'nombre', texte: nombre(p.poids) }), el('td', { class: 'nombre', texte: euros(p.montant) })])));
    }
    for (const s of t.niveau2) {
      const titre = `Niveau ${t.niveau1 ? 2 : 1}, côté ${s.cote}${s.rubrique ? `, rubrique ${s.rubrique}` : ''}${s.financeur !== undefined ? `, produits ${s.financeur || 'sans financeur'}` : ''}`;
      details.append(cadre(partage(titre, s, ['Activité', 'Certification', 'Site', 'Poids', 'Part'],
        (p) => [el('th', { scope: 'row', texte: p.code }), el('td', { texte: p.certification ?? '' }), el('td', { texte: p.site ?? 'régional' }),
          el('td', { class: 'nombre', texte: nombre(p.poids) }), el('td', { class: 'nombre', texte: euros(p.montant) })])));
    }
  }

  // — Détail d'un chiffre ——————————————————————————————————————————————

  ouvrirDialogue(titre, declencheur) {
    const dialogue = this.$('[data-detail]');
    this.declencheur = declencheur;
    this.$('[data-detail-titre]').textContent = titre;
    this.$('[data-detail-resume]').textContent = 'Chargement…';
    this.$('[data-detail-corps]').replaceChildren();
    if (!dialogue.open) dialogue.showModal();
    return dialogue;
  }

  async ouvrirLignes(titre, cible, declencheur) {
    this.ouvrirDialogue(titre, declencheur);
    try {
      const d = await this.demander('detail', { cible });
      this.$('[data-detail-resume]').textContent =
        `${d.nombre} ligne(s) du grand livre : charges ${euros(d.charges)}, produits ${euros(d.produits)}.` +
        (d.tronque ? ` Les ${d.lignes.length} premières sont listées ; les totaux portent sur toutes.` : '') +
        (cible.code === 'B01' && cible.nature === 'produit'
          ? ' Le chiffre affiché comprend aussi les produits B01 sans certification, ventilés depuis les pools « B01 commun » par heures apprenants (voir la trace de la répartition).'
          : '');
      const colonnes = ['Ligne', 'Date', 'Compte', 'Objet', 'Certification', 'Libellé', 'Pièce', 'Journal', 'Montant'];
      this.$('[data-detail-corps]').replaceChildren(el('table', { class: 'lignes' },
        el('caption', { class: 'invisible', texte: titre }),
        el('thead', {}, el('tr', {}, colonnes.map((c) => el('th', { scope: 'col', texte: c })))),
        el('tbody', {}, d.lignes.map((l) => el('tr', {},
          el('th', { scope: 'row', texte: l.ligne }),
          el('td', { texte: l.date }), el('td', { texte: l.compte }), el('td', { texte: l.objet }),
          el('td', { texte: l.certification }), el('td', { texte: l.libelle }), el('td', { texte: l.piece }),
          el('td', { texte: l.journal }), el('td', { class: 'nombre', texte: euros(l.montant) }))))));
    } catch (e) {
      this.$('[data-detail-resume]').textContent = `Détail impossible : ${e.message}`;
    }
  }

  ouvrirIndirectes(code, certification, nom, declencheur) {
    const r = this.resultat;
    this.ouvrirDialogue(`Charges indirectes reçues par ${nom}`, declencheur);
    const flux = r.flux.filter((f) => f.code === code && (certification === null || f.certification === certification));
    this.$('[data-detail-resume]').textContent = flux.length
      ? `${flux.length} part(s) de pools. Chaque pool ouvre ses lignes du grand livre.`
      : 'Aucune charge indirecte reçue.';
    this.$('[data-detail-corps]').replaceChildren(el('table', { class: 'lignes' },
      el('caption', { class: 'invisible', texte: `Charges indirectes de ${nom}` }),
      el('thead', {}, el('tr', {}, ['Pool', 'Libellé', 'Certification', 'Part reçue'].map((c) => el('th', { scope: 'col', texte: c })))),
      el('tbody', {}, flux.map((f) => {
        const p = r.document.pools[f.pool];
        return el('tr', {},
          el('th', { scope: 'row' }, this.bouton(nomPool(p), `Lignes du pool ${nomPool(p)}`,
            () => this.ouvrirLignes(`Charges du pool ${nomPool(p)}`, { type: 'pool', pool: f.pool, nature: 'charge' }, declencheur))),
          el('td', { texte: r.libelles[p.code] ?? '' }),
          el('td', { texte: f.certification ?? '' }),
          el('td', { class: 'nombre', texte: euros(f.montant) }));
      }))));
  }

  async ouvrirLigne(fichier, numero, declencheur, colonne = null) {
    this.ouvrirDialogue(`Ligne ${numero} du fichier ${fichier}`, declencheur);
    try {
      const l = await this.demander('ligne', { fichier, numero });
      if (!l) {
        this.$('[data-detail-resume]').textContent = 'Cette ligne n’existe pas dans le fichier.';
        return;
      }
      this.$('[data-detail-resume]').textContent = `Fichier « ${this.resultat.noms[fichier] ?? fichier} », ligne ${numero}, cellule par cellule :`;
      const largeur = Math.max(l.entete.length, l.cellules.length);
      this.$('[data-detail-corps]').replaceChildren(el('table', { class: 'lignes' },
        el('caption', { class: 'invisible', texte: `Ligne ${numero}` }),
        el('thead', {}, el('tr', {}, el('th', { scope: 'col', texte: 'Colonne' }), el('th', { scope: 'col', texte: 'Valeur' }))),
        el('tbody', {}, Array.from({ length: largeur }, (_, i) => {
          const signalee = colonne !== null && (l.entete[i] ?? '').toLowerCase() === colonne.toLowerCase();
          return el('tr', { class: signalee ? 'fautive' : null },
            el('th', { scope: 'row', texte: l.entete[i] ?? `(colonne ${i + 1} en trop)` }),
            el('td', {}, l.cellules[i] ?? '(absente)', signalee ? el('strong', { texte: ' ← colonne signalée' }) : null));
        }))));
    } catch (e) {
      this.$('[data-detail-resume]').textContent = `Ligne illisible : ${e.message}`;
    }
  }

  // — Exports ———————————————————————————————————————————————————————

  enregistrer(blob, nom) {
    const a = el('a', { href: URL.createObjectURL(blob), download: nom, hidden: true });
    this.racine.append(a);
    a.click();
    a.remove();
    setTimeout(() => URL.revokeObjectURL(a.href), 60_000);
  }

  async telecharger(type, donnees, nom, mime) {
    try {
      const contenu = await this.demander(type, donnees);
      this.enregistrer(new Blob([contenu], { type: mime }), nom);
      this.statut(`« ${nom} » téléchargé.`);
    } catch (e) {
      this.alerte(`Export impossible : ${e.message}`);
    }
  }

  /** Déplie la trace pour l'impression ; ses partages y sont s'ils sont arrivés (demandés dès
   *  que la page est au repos après les résultats ; « Imprimer » les attend). */
  preparerImpression() {
    this.dessinerFlux?.();
    for (const d of this.racine.querySelectorAll('details.trace')) {
      this.remplirTrace(d, this.resultat?.trace?.[Number(d.dataset.tracePool)]);
      d.open = true;
    }
  }

  async imprimer() {
    await this.traceComplete(this.resultat).catch(() => {});
    this.preparerImpression();
    window.print();
  }
}
