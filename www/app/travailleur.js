// Le Web Worker du calcul : il charge le module WebAssembly (et le préchauffe), reçoit les
// fichiers par morceaux que la page lit et lui transfère, les passe au module (jamais en une
// chaîne JavaScript), le module lisant les lignes du grand livre à mesure sans en garder les
// octets (le travailleur garde ses morceaux), annonce sa progression, calcule, puis répond aux questions de la page (diagnostics, détail
// d'un chiffre, ligne d'un fichier, partages de la trace, exports ; préprojet du calcul et ses exports, ETP d'un
// fichier du personnel, loyer interne). La page l'arrête (terminate) pour annuler.
// La revue de CMA France (onglet « Revue CMA France ») passe aussi par lui : chaque fichier de
// région reconnu à son contenu, la revue faite sur tous, ses exports.
// Le même script sert de travailleur d'appoint : sur une machine d'au moins deux cœurs, la page
// coupe un grand livre volumineux en deux après une fin de ligne ; ce travailleur-ci en lit la
// seconde partie (`partie`) pendant que le travailleur du calcul lit la première, puis la page
// transmet la partie lue au second (`aide`), qui la joint à la sienne.

import init, {
  Seance, Partie, Revue, etp, loyer, reconnaitre, modele, version, identifier_revue, parametres_revue, cles_regions, prechauffage,
} from '../pkg/cma_analytique.js';
import { prechauffer } from './prechauffage.js';


// Le module préchauffé (prechauffage.js) ; un échec du préchauffage n'empêche rien : le calcul se
// fera, seulement moins vite.
// Le travailleur d'appoint (« ?appoint » dans son adresse) ne fait que lire : son préchauffage
// s'en tient à la lecture.
const appoint = new URL(import.meta.url).searchParams.has('appoint');
const pret = init({ module_or_path: new URL('../pkg/cma_analytique_bg.wasm', import.meta.url) })
  .then(() => {
    try {
      prechauffer({ Seance, prechauffage }, { calculs: appoint ? 0 : 10 });
    } catch {
      // voir plus haut
    }
  });
let seance = null;

function exiger() {
  if (!seance) throw new Error('aucun calcul : déposez les fichiers puis lancez le calcul');
  return seance;
}

/** Des messages de la page pour ses demandes, pris dans leur ordre d'arrivée par la demande qui
 *  les attend. Les identifiants des demandes croissent : un message d'une demande plus récente
 *  écarte les messages en attente des plus anciennes (un calcul abandonné, échoué) et fait
 *  échouer celles qui attendent encore (une lecture qui ne recevrait plus rien). */
class FileDeMessages {
  constructor() {
    this.messages = [];
    this.attentes = new Map();
  }

  recevoir(message) {
    for (const [id, { echouer }] of this.attentes) {
      if (id < message.id) {
        this.attentes.delete(id);
        echouer(new Error('demande abandonnée : une plus récente est arrivée'));
      }
    }
    this.messages = this.messages.filter((m) => m.id >= message.id);
    const attente = this.attentes.get(message.id);
    if (attente) {
      this.attentes.delete(message.id);
      attente.recevoir(message);
    } else {
      this.messages.push(message);
    }
  }

  /** Le prochain message de la demande `id`. */
  prochain(id) {
    const i = this.messages.findIndex((m) => m.id === id);
    if (i >= 0) return Promise.resolve(this.messages.splice(i, 1)[0]);
    return new Promise((recevoir, echouer) => { this.attentes.set(id, { recevoir, echouer }); });
  }
}

// Les morceaux des fichiers du calcul, lus par la page et transférés (sans copie) : la page lit
// le morceau suivant pendant que le module lit celui-ci.
const morceaux = new FileDeMessages();
// Un grand livre lu en deux parties (voir `lirePartie`) : la seconde lue par le travailleur
// d'appoint, que la page transmet ici (`aide`) avec ses morceaux.
const aides = new FileDeMessages();

// Les morceaux du grand livre du dernier calcul, tels que la page les a transférés : le module lit
// ses lignes à mesure sans copier ses octets dans sa mémoire (100 Mo pour un million de lignes) ;
// il ne les reçoit qu'au premier détail d'un chiffre ou à la première ligne du grand livre
// demandée (`avecGrandLivre`), ou de nouveau depuis le premier quand il les redemande
// (`redonner`). `null` quand le module les a déjà.
let grandLivre = null;

/** La séance, le grand livre redonné au module s'il ne l'a pas gardé. */
function avecGrandLivre() {
  const s = exiger();
  if (grandLivre) {
    s.conserver('grand-livre', grandLivre.taille);
    for (const octets of grandLivre.morceaux) s.ajouter('grand-livre', octets);
    grandLivre = null;
  }
  return s;
}

/** Redonne au module des morceaux depuis le premier, tant que `ajouter` répond `false` (il
 *  redemande le fichier, ou la partie, depuis son premier octet) et que `encore()` ; `false` dès
 *  que `encore()` ne l'est plus. `ajouter` répond `false` pour un grand livre qui n'est pas en
 *  UTF-8 (lu en deux passes : la première s'arrête au premier octet qui n'est pas de l'UTF-8, la
 *  seconde cherche son encodage en le lisant comme du Windows-1252 ; une troisième s'il est en
 *  ISO-8859-15 ou d'encodages mêlés) ou qui doit être gardé en entier (classeur) ; pour une
 *  partie, tant qu'elle se lit en parties (`encore`), pour la relire décodée. */
function redonner(ajouter, morceaux, encore = () => true) {
  for (let i = 0; i < morceaux.length; i++) {
    if (!ajouter(morceaux[i])) {
      if (!encore()) return false;
      i = -1;
    }
  }
  return true;
}

/** Le travailleur d'appoint : lit la seconde partie d'un grand livre (de `coupure` à la fin, en
 *  morceaux que la page lui transfère), pendant que ce même module, dans le travailleur du
 *  calcul, lit la première ; répond par la partie lue (octets pour `Seance.joindre`, ou `null`
 *  quand elle ne peut se lire seule) et rend ses morceaux, que le travailleur du calcul garde
 *  pour le détail des chiffres ou pour lire le fichier en entier. */
async function lirePartie(id, { tete, taille, parametres }) {
  const partie = new Partie(new Uint8Array(tete), taille, parametres);
  const ajouter = (octets) => partie.ajouter(octets);
  const encore = () => !partie.abandonnee();
  const gardes = [];
  try {
    for (let recus = 0; recus < taille;) {
      const octets = new Uint8Array((await morceaux.prochain(id)).octets);
      gardes.push(octets);
      if (encore() && !ajouter(octets) && encore()) redonner(ajouter, gardes, encore);
      recus += octets.length;
      postMessage({ id, progres: { etape: 'lecture', role: 'grand-livre', lus: recus, total: taille } });
    }
    const lue = partie.terminer();
    const rendus = gardes.map((g) => g.buffer);
    return { valeur: { partie: lue?.buffer ?? null, morceaux: rendus }, transfert: lue ? [lue.buffer, ...rendus] : rendus };
  } finally {
    partie.free();
  }
}

async function calculer(id, roles, parametres, coupure) {
  seance?.free();
  seance = new Seance();
  grandLivre = null;
  // Les paramètres d'abord : le module lit les lignes du grand livre à mesure que ses morceaux
  // arrivent, pendant que la page lit le morceau suivant sur le disque.
  seance.parametrer(parametres);
  const total = roles.reduce((s, r) => s + r.taille, 0);
  let lus = 0;
  // Le grand livre lu en deux parties (par les deux travailleurs) ou en une.
  let parties = 1;
  const debut = performance.now();
  for (const { role, taille } of roles) {
    seance.preparer(role, taille);
    // Un grand livre coupé en deux : la page ne donne ici que sa première partie, le travailleur
    // d'appoint lit la seconde.
    const coupe = role === 'grand-livre' && coupure != null;
    if (coupe) seance.partager(coupure);
    // Tant que le module lit la première partie seule.
    let enParties = coupe;
    const ajouter = (octets) => seance.ajouter(role, octets);
    const gardes = [];
    for (let recus = 0; recus < (coupe ? coupure : taille);) {
      const morceau = await morceaux.prochain(id);
      if (morceau.role !== role) throw new Error(`morceau de « ${morceau.role} » reçu pendant la lecture de « ${role} »`);
      const octets = new Uint8Array(morceau.octets);
      if (role === 'grand-livre') gardes.push(octets);
      if (enParties) {
        // Le fichier ne se lit pas en parties : il sera lu en entier une fois tous ses morceaux là.
        if (!ajouter(octets)) enParties = seance.partagee() && redonner(ajouter, gardes, () => seance.partagee());
      } else if (!coupe && !ajouter(octets)) {
        redonner(ajouter, gardes);
      }
      recus += octets.length;
      lus += octets.length;
      postMessage({ id, progres: { etape: 'lecture', role, lus, total } });
    }
    if (coupe) {
      const { partie, morceaux: rendus } = await aides.prochain(id);
      for (const m of rendus) gardes.push(new Uint8Array(m));
      if (enParties && partie && seance.joindre(new Uint8Array(partie))) {
        parties = 2;
      } else {
        seance.preparer(role, taille);
        redonner(ajouter, gardes);
      }
    }
    if (role === 'grand-livre' && !seance.conserve(role)) grandLivre = { taille, morceaux: gardes };
  }
  const lu = performance.now();
  postMessage({ id, progres: { etape: 'calcul', lus, total } });
  const resultat = seance.calculer(parametres);
  resultat.durees = { lecture_ms: lu - debut, calcul_ms: performance.now() - lu, parties };
  return resultat;
}

/** Les octets d'un petit fichier (liste des certifications, personnel), ou undefined. */
async function octetsDuFichier(fichier) {
  return fichier ? new Uint8Array(await fichier.arrayBuffer()) : undefined;
}

// La dernière revue faite, gardée pour ses exports. Chaque demande de la page porte sa clé et
// ses fichiers : si le travailleur a été redémarré entre-temps (annulation d'un calcul de
// l'onglet analytique), la revue est refaite avant l'export.
let revue = null;

async function lancerRevue(demande) {
  const instance = new Revue();
  try {
    for (const f of demande.fichiers) {
      instance.ajouter(f.region || undefined, f.fichier.name, new Uint8Array(await f.fichier.arrayBuffer()));
    }
    const resultat = instance.lancer(demande.parametres);
    revue?.instance.free();
    revue = { cle: demande.cle, instance };
    return resultat;
  } catch (erreur) {
    instance.free();
    throw erreur;
  }
}

async function revueDe(demande) {
  if (revue?.cle !== demande.cle) await lancerRevue(demande);
  return revue.instance;
}

function octetsDe(tableau) {
  // Copie exacte dans un ArrayBuffer transférable (le tableau vient de la mémoire du module).
  return { valeur: tableau.buffer, transfert: [tableau.buffer] };
}

self.onmessage = async (evenement) => {
  const { id, type, ...d } = evenement.data;
  if (type === 'morceau') {
    morceaux.recevoir({ id, ...d });
    return;
  }
  if (type === 'aide') {
    aides.recevoir({ id, ...d });
    return;
  }
  try {
    await pret;
    let reponse;
    switch (type) {
      case 'version': reponse = { valeur: version() }; break;
      case 'reconnaitre': reponse = { valeur: reconnaitre(new Uint8Array(d.debut)) ?? null }; break;
      case 'modele': reponse = { valeur: modele(d.role) }; break;
      case 'calculer': reponse = { valeur: await calculer(id, d.roles, d.parametres, d.coupure) }; break;
      case 'partie': reponse = await lirePartie(id, d); break;
      case 'diagnostics': reponse = { valeur: exiger().diagnostics(d.filtre) }; break;
      case 'ligne':
        reponse = { valeur: (d.fichier === 'grand-livre' ? avecGrandLivre() : exiger()).ligne(d.fichier, d.numero) };
        break;
      case 'detail': reponse = { valeur: avecGrandLivre().detail(d.cible) }; break;
      case 'classeur': reponse = octetsDe(exiger().classeur()); break;
      case 'csv': reponse = octetsDe(exiger().csv(d.table)); break;
      case 'json': reponse = { valeur: exiger().json() }; break;
      case 'trace': reponse = { valeur: exiger().trace() }; break;
      case 'preprojet': reponse = { valeur: exiger().preprojet(d.parametres, await octetsDuFichier(d.certifications)) }; break;
      case 'preprojet-classeur': reponse = octetsDe(exiger().preprojet_classeur()); break;
      case 'preprojet-csv': reponse = octetsDe(exiger().preprojet_csv()); break;
      case 'preprojet-note': reponse = { valeur: exiger().preprojet_note() }; break;
      case 'etp': reponse = { valeur: etp(await octetsDuFichier(d.fichier)) }; break;
      case 'loyer': reponse = { valeur: loyer(d.parametres) }; break;
      case 'revue-parametres': reponse = { valeur: parametres_revue() }; break;
      case 'revue-identifier':
        reponse = { valeur: identifier_revue(d.fichier.name, new Uint8Array(await d.fichier.arrayBuffer())) };
        break;
      case 'revue-cles': reponse = { valeur: cles_regions(d.noms) }; break;
      case 'revue-lancer': reponse = { valeur: await lancerRevue(d.demande) }; break;
      case 'revue-classeur': reponse = octetsDe((await revueDe(d.demande)).classeur(d.date)); break;
      case 'revue-csv': reponse = octetsDe((await revueDe(d.demande)).csv(d.table)); break;
      default: throw new Error(`demande inconnue : ${type}`);
    }
    postMessage({ id, ok: true, valeur: reponse.valeur }, reponse.transfert ?? []);
  } catch (erreur) {
    postMessage({ id, ok: false, erreur: String(erreur?.message ?? erreur) });
  }
};
