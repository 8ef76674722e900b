// Tests de bout en bout de l'onglet « Revue CMA France », dans le Chromium de Debian sans tête :
// l'onglet ouvert au clavier, les neuf fichiers du jeu de cinq régions de tests/cas-revue déposés
// et étiquetés, la revue lancée, et les chiffres affichés comparés à ceux calculés à la main dans
// tests/cas-revue/reseau-cinq-regions/LISEZMOI.md (régions atypiques, écarts robustes, rubrique
// qui explique l'écart, seuil changé, agrégat national, tableau de bord §VI, codes (COP)/(PN)),
// le tableau de remplacement d'un graphique, les exports XLSX et CSV relus ; un fichier mal lu
// donne son diagnostic avec sa ligne ; une région nommée en HTML reste du texte ; aucune requête
// hors de 127.0.0.1 et aucune erreur.

import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import XLSX from 'xlsx';
import {
  RACINE, SORTIES, cadresSansNom, debordement, demarrer, focus, legendesDesGraphiques, net, regionsEtatCachees, requetesExterieures,
  resumesDesGraphiques, tabulerJusqua, textesTropPetits,
} from './outils.mjs';

const CAS = path.join(RACINE, 'tests', 'cas-revue', 'reseau-cinq-regions');

// Les neuf fichiers du cas, sous les noms qu'une région pourrait leur donner, et la région que
// CMA France leur donne.
const FICHIERS = [
  ['bretagne/preprojet.xlsx', 'preprojet-bretagne.xlsx', 'Bretagne'],
  ['bretagne/resultats.json', 'resultats-bretagne.json', 'Bretagne'],
  ['grand-est/preprojet.xlsx', 'preprojet-grand-est.xlsx', 'Grand Est'],
  ['grand-est/resultats.json', 'resultats-grand-est.json', 'Grand Est'],
  ['hauts-de-france/preprojet.csv', 'hauts-de-france.csv', 'Hauts-de-France'],
  ['normandie/preprojet.json', 'preprojet-normandie.json', 'Normandie'],
  ['normandie/resultats.json', 'resultats-normandie.json', 'Normandie'],
  ['occitanie/preprojet.csv', 'preprojet-occitanie.csv', 'Occitanie'],
  ['occitanie/resultats.json', 'resultats-occitanie.json', 'Occitanie'],
];

const STRUCTURE = 'Charges de structure et de fonctions support';
const PEDAGOGIE = 'Charges de pédagogie';

let session;

before(async () => {
  session = await demarrer();
});

after(async () => {
  await session?.arreter();
});

function aDeposer(liste) {
  return liste.map(([source, nom]) => ({ name: nom, mimeType: 'application/octet-stream', buffer: readFileSync(path.join(CAS, source)) }));
}

/** Les lignes (cellules nettes) des lignes de tableau qui répondent à `selecteur`. */
async function lignes(page, selecteur) {
  return (await page.locator(selecteur).evaluateAll((l) => l.map((tr) => [...tr.cells].map((c) => c.textContent)))).map((l) => l.map(net));
}

async function ligne(page, selecteur) {
  const toutes = await lignes(page, selecteur);
  assert.equal(toutes.length, 1, `une seule ligne ${selecteur}`);
  return toutes[0];
}

/** Ouvre l'onglet « Revue CMA France » au clavier seul (motif ARIA des onglets : flèches, Fin). */
async function ouvrirAuClavier(page) {
  const onglet = await tabulerJusqua(page, (f) => f.texte === 'Comptabilité analytique');
  assert.ok(onglet.contour, 'focus visible sur l’onglet');
  await page.keyboard.press('End');
  const revue = await focus(page);
  assert.equal(revue.texte, 'Revue CMA France');
  assert.ok(revue.contour, 'focus visible sur l’onglet de la revue');
  assert.equal(await page.getByRole('tab', { name: 'Revue CMA France' }).getAttribute('aria-selected'), 'true');
  assert.equal(await page.locator('[data-panneau="revue"]').isVisible(), true);
  assert.equal(await page.locator('[data-panneau="analytique"]').isVisible(), false);
}

/** Dépose les fichiers et attend qu'ils soient tous reconnus. */
async function deposer(page, liste) {
  const avant = await page.locator('[data-rv-liste] tbody tr').count();
  await page.getByLabel('Fichiers des régions (plusieurs à la fois)').setInputFiles(aDeposer(liste));
  await page.locator('[data-rv-liste] tbody tr').nth(avant + liste.length - 1).waitFor();
}

async function etiqueter(page, liste) {
  for (const [, nom, region] of liste) await page.getByLabel(`Région du fichier « ${nom} »`).fill(region);
}

/** Lance la revue et attend que ses résultats (la revue numéro `numero`) soient affichés. */
async function lancer(page, numero) {
  await page.getByRole('button', { name: 'Lancer la revue' }).click();
  await page.locator(`[data-rv-resultats][data-rv-numero="${numero}"]`).waitFor();
  return net(await page.locator('[data-rv-statut]').textContent());
}

async function changerSeuil(page, seuil, numero) {
  await page.getByLabel('Seuil d\'écart robuste').fill(seuil);
  return lancer(page, numero);
}

/** Retient chaque texte que prend le message d'état de la revue (pour voir une progression). */
async function suivreStatut(page) {
  await page.locator('[data-rv-statut]').evaluate((s) => {
    window.__statuts = [];
    new MutationObserver(() => window.__statuts.push(s.textContent)).observe(s, { childList: true, characterData: true, subtree: true });
  });
  return () => page.evaluate(() => window.__statuts);
}

/** Rapport de contraste WCAG entre deux couleurs CSS « rgb(r, g, b) ». */
function contraste(a, b) {
  const l = (c) => {
    const [r, g, v] = c.match(/\d+/g).slice(0, 3).map((x) => Number(x) / 255)
      .map((x) => (x <= 0.03928 ? x / 12.92 : ((x + 0.055) / 1.055) ** 2.4));
    return 0.2126 * r + 0.7152 * g + 0.0722 * v;
  };
  const [x, y] = [l(a), l(b)].sort((m, n) => n - m);
  return (x + 0.05) / (y + 0.05);
}

async function atypiques(page) {
  return lignes(page, '[data-rv-atypiques] tbody tr');
}

async function telecharger(page, declencher) {
  const [fichier] = await Promise.all([page.waitForEvent('download'), declencher()]);
  return { nom: fichier.suggestedFilename(), octets: readFileSync(await fichier.path()) };
}

describe('l’onglet « Revue CMA France »', { timeout: 180_000 }, () => {
  it('revoit les cinq régions du cas calculé à la main : atypiques, seuil, national, tableau de bord, (COP)/(PN), exports', async () => {
    const page = await session.page();
    await ouvrirAuClavier(page);
    // Le champ de fichiers est le premier arrêt du panneau, focus visible.
    await page.keyboard.press('Tab');
    const champ = await focus(page);
    assert.equal(champ.nom, 'rv-fichiers');
    assert.ok(champ.contour, 'focus visible sur le champ de fichiers');
    // Le seuil par défaut est celui du référentiel.
    const seuil = page.getByLabel('Seuil d\'écart robuste');
    await page.locator('[data-rv-seuil-defaut]', { hasText: 'seuil 3' }).waitFor();
    assert.equal(await seuil.inputValue(), '3');
    assert.equal(net(await page.locator('[data-rv-seuil-defaut]').textContent()), 'seuil 3, facteur 1,4826, au moins 3 régions pour un test');
    // Vides, les régions d'état restent dans l'arbre d'accessibilité (sinon rien n'est annoncé).
    assert.deepEqual(await regionsEtatCachees(page, 'revue'), []);

    // L'identification des fichiers déposés se suit : « Identification des fichiers… n / N ».
    const statuts = await suivreStatut(page);
    await deposer(page, FICHIERS);
    const progression = (await statuts()).filter((t) => t.startsWith('Identification des fichiers…'));
    assert.deepEqual(progression, Array.from({ length: 9 }, (_, i) => `Identification des fichiers… ${i + 1} / 9`));
    // Nature reconnue au contenu ; région proposée d'après l'identité, sinon le nom du fichier.
    const regionDe = (nom) => page.getByLabel(`Région du fichier « ${nom} »`).inputValue();
    // « CMA de région Bretagne » propose « Bretagne » ; « resultats-occitanie.json », « occitanie ».
    assert.equal(await regionDe('preprojet-bretagne.xlsx'), 'Bretagne');
    assert.equal(await regionDe('preprojet-normandie.json'), 'Normandie');
    assert.equal(await regionDe('hauts-de-france.csv'), 'hauts-de-france');
    assert.equal(await regionDe('resultats-occitanie.json'), 'occitanie');
    // Avant toute étiquette, les neuf fichiers font déjà cinq régions, préprojet et résultats
    // ensemble, comme la revue les regroupera.
    const regroupement = async () => {
      await page.locator('[data-rv-regroupement] li').nth(4).waitFor();
      return {
        titre: net(await page.locator('[data-rv-regroupement] p').textContent()),
        regions: (await page.locator('[data-rv-regroupement] li').allTextContents()).map(net),
      };
    };
    const avant = await regroupement();
    assert.match(avant.titre, /^La revue aura 5 régions/);
    assert.deepEqual(avant.regions, [
      'Bretagne : préprojet (preprojet-bretagne.xlsx) et résultats (resultats-bretagne.json)',
      'Grand Est : préprojet (preprojet-grand-est.xlsx) et résultats (resultats-grand-est.json)',
      'hauts-de-france : préprojet (hauts-de-france.csv)',
      'Normandie : préprojet (preprojet-normandie.json) et résultats (resultats-normandie.json)',
      'occitanie : préprojet (preprojet-occitanie.csv) et résultats (resultats-occitanie.json)',
    ]);
    // Une région mal tapée se voit avant la revue : deux préprojets dans « Bretagne » (les résultats
    // de Normandie restent seuls dans la leur).
    await page.getByLabel('Région du fichier « preprojet-normandie.json »').fill('CMA Bretagne');
    await page.locator('[data-rv-regroupement] li', { hasText: '2 préprojets' }).waitFor();
    assert.equal(net(await page.locator('[data-rv-regroupement] li[data-rv-groupe="normandie"]').textContent()),
      'normandie : résultats (resultats-normandie.json) — sans préprojet : hors de la comparaison des certifications et du suivi du délai (V013).');
    assert.match(net(await page.locator('[data-rv-regroupement] li').first().textContent()),
      /^Bretagne : préprojet \(preprojet-bretagne\.xlsx, preprojet-normandie\.json\) et résultats \(resultats-bretagne\.json\) — ⚠ 2 préprojets : seul le premier/);
    const liste = await lignes(page, '[data-rv-liste] tbody tr');
    assert.match(liste[0][1], /^Préprojet — classeur XLSX \(exercice 2023, 4 certifications, envoi déclaré le 28\/06\/2024\)$/);
    assert.equal(liste[1][1], 'Résultats complets — JSON (repartir --json)');
    assert.equal(liste[4][1], 'Préprojet — CSV (1 certification)');
    assert.equal(liste[5][1], 'Préprojet — JSON (preprojet --json) (exercice 2023, 4 certifications, envoi déclaré le 10/07/2024)');
    // Une date de réception pour chaque préprojet, pas pour des résultats.
    assert.equal(await page.getByLabel('Date de réception du préprojet « hauts-de-france.csv »').count(), 1);
    assert.equal(await page.getByLabel('Date de réception du préprojet « resultats-bretagne.json »').count(), 0);
    assert.equal(liste[1][3], 'sans objet');

    await etiqueter(page, FICHIERS);
    const aide = async (nom) => net(await page.locator(`#${await page.getByLabel(`Région du fichier « ${nom} »`).getAttribute('aria-describedby')}`).textContent());
    assert.equal(await aide('preprojet-bretagne.xlsx'), 'proposée d’après l’organisme de la feuille d’identité');
    assert.equal(await aide('resultats-bretagne.json'), 'proposition d’après le nom du fichier : « bretagne »');
    // Lancée au clavier : Tab jusqu'au bouton, Entrée.
    const bouton = await tabulerJusqua(page, (f) => f.texte === 'Lancer la revue');
    assert.ok(bouton.contour, 'focus visible sur « Lancer la revue »');
    await page.keyboard.press('Enter');
    // « Lancer la revue » se désactive pendant la revue : le focus va au message d'état, puis
    // au titre des résultats — jamais à <body>.
    assert.ok(['Revue de 9 fichiers en cours…', '3. Résultats de la revue'].includes((await focus(page)).texte));
    await page.locator('[data-rv-resultats][data-rv-numero="1"]').waitFor();
    assert.equal((await focus(page)).texte, '3. Résultats de la revue');
    const statut = net(await page.locator('[data-rv-statut]').textContent());
    assert.match(statut, /^Revue prête en \d+ ms : 5 régions, 4 certifications comparées, 1 région atypique au seuil 3\.$/);
    assert.match(net(await page.locator('[data-rv-entete]').textContent()),
      /5 régions, 9 fichiers\. Seuil d'écart robuste : 3 ; écart robuste = \|valeur − médiane\| \/ \(1,4826 × écart absolu médian\)/);

    // Le sommaire mène à chaque partie (focus sur son titre).
    await page.getByRole('link', { name: 'Tableau de bord (§VI)' }).click();
    assert.equal((await focus(page)).texte, 'Tableau de bord de la norme (§VI)');

    // Régions atypiques (LISEZMOI, « RNCP34828 — coût par apprenti ») : Occitanie seule, z 12,82, structure.
    assert.deepEqual(await atypiques(page), [[
      'RNCP34828 CAP Boulanger', 'coût par apprenti', '▲ Occitanie', '12 000,00 €', '8 200,00 €', '+3 800,00 €', '12,82',
      STRUCTURE, '5 400,00 €', '1 800,00 €', '+3 600,00 €']]);

    // Comparaison de RNCP34828 : chaque région, ses deux mesures, écarts robustes, drapeau.
    const rncp = '[data-rv-comparaison="RNCP34828"]';
    const comparaison = Object.fromEntries((await lignes(page, `${rncp} tbody tr`)).map((l) => [l[0], l.slice(1)]));
    assert.deepEqual(comparaison, {
      Bretagne: ['10,00', '8 000,00', '80 000,00 €', '84 000,00 €', '4,76 %', '8 000,00 €', '0,67', 'non', '', '10,00 €', '0,00', 'non', ''],
      'Grand Est': ['20,00', '16 000,00', '164 000,00 €', '164 000,00 €', '0,00 %', '8 200,00 €', '0,00', 'non', '', '10,25 €', '0,67', 'non', ''],
      'Hauts-de-France': ['8,00', '6 400,00', '62 400,00 €', '60 000,00 €', '-4,00 %', '7 800,00 €', '1,35', 'non', '', '9,75 €', '0,67', 'non', ''],
      Normandie: ['12,00', '9 600,00', '99 600,00 €', '110 000,00 €', '9,45 %', '8 300,00 €', '0,34', 'non', '', '10,38 €', '1,03', 'non', ''],
      '▲ Occitanie': ['10,00', '12 000,00', '120 000,00 €', '100 000,00 €', '-20,00 %', '12 000,00 €', '12,82', '▲ atypique',
        `${STRUCTURE} (+3 600,00 €)`, '10,00 €', '0,00', 'non', ''],
    });
    // Atypique dit en texte, pas seulement en couleur.
    assert.equal(await page.locator(`${rncp} tr[data-rv-region="Occitanie"] td.atypique strong`).textContent(), '▲ atypique');
    const resume = async (certification, mesure) => net(await page.locator(`[data-rv-comparaison="${certification}"] [data-rv-resume="${mesure}"]`).textContent());
    assert.equal(await resume('RNCP34828', 'cout_par_apprenti'),
      '5 régions comparées ; médiane 8 200,00 € ; écart absolu médian 200,00 € ; bornes 7 310,44 € à 9 089,56 €');
    assert.equal(await resume('RNCP34828', 'cout_par_heure_apprenant'),
      '5 régions comparées ; médiane 10,00 € ; écart absolu médian 0,25 € ; bornes 8,89 € à 11,11 €');
    // 50022137 : écart absolu médian nul par apprenti (pas de test), absente des Hauts-de-France.
    assert.equal(await resume('50022137', 'cout_par_apprenti'),
      '4 régions comparées ; médiane 7 500,00 € ; écart absolu médian 0,00 € ; écart absolu médian nul : pas d\'écart robuste');
    assert.equal(await resume('50022137', 'cout_par_heure_apprenant'),
      '4 régions comparées ; médiane 13,75 € ; écart absolu médian 1,25 € ; bornes 8,19 € à 19,31 €');
    const patissier = await lignes(page, '[data-rv-comparaison="50022137"] tbody tr');
    assert.deepEqual(patissier.map((l) => l[0]), ['Bretagne', 'Grand Est', 'Normandie', 'Occitanie']);
    assert.deepEqual(patissier[3].slice(6, 13), ['9 000,00 €', '—', 'pas de test', '', '15,00 €', '0,67', 'non']);
    assert.equal(await resume('RNCP35316', 'cout_par_apprenti'),
      '3 régions comparées ; médiane 10 000,00 € ; écart absolu médian 500,00 € ; bornes 7 776,10 € à 12 223,90 €');
    assert.equal(await resume('RNCP35316', 'cout_par_heure_apprenant'),
      '3 régions comparées ; médiane 10,00 € ; écart absolu médian 0,50 € ; bornes 7,78 € à 12,22 €');
    assert.equal(await resume('50023211', 'cout_par_apprenti'), '2 régions comparées ; médiane 8 000,00 € ; moins de trois régions : pas de test');
    assert.equal(await resume('50023211', 'cout_par_heure_apprenant'), '2 régions comparées ; médiane 16,00 € ; moins de trois régions : pas de test');
    assert.deepEqual(await lignes(page, '[data-rv-non-comparees] tbody tr'), [['RNCP36001', 'CAP Chocolatier', 'Normandie']]);

    // Graphique du coût par apprenti de RNCP34828 : nom accessible, atypique marqué en texte,
    // tableau de remplacement ouvert au clavier.
    const figure = page.locator('[data-rv-graphique="RNCP34828|cout_par_apprenti"]');
    const image = figure.getByRole('img', { name: 'Coût par apprenti de RNCP34828 CAP Boulanger par région, avec la médiane et les bornes (le tableau qui suit donne les mêmes chiffres)' });
    assert.equal(await image.count(), 1);
    assert.deepEqual((await figure.locator('svg text').allTextContents()).map(net).filter((t) => t.includes('atypique') || t.startsWith('médiane')),
      ['12 000,00 € ▲ atypique', 'médiane 8 200,00 €', '▲ atypique']);
    await figure.locator('summary').focus();
    await page.keyboard.press('Enter');
    assert.equal(await figure.locator('details table').isVisible(), true);
    assert.equal(net(await figure.locator('details caption').textContent()), 'Coût par apprenti de RNCP34828 CAP Boulanger par région, avec la médiane et les bornes');
    assert.deepEqual(await lignes(page, '[data-rv-graphique="RNCP34828|cout_par_apprenti"] details tbody tr'), [
      ['Bretagne', '8 000,00 €', '-200,00 €', '0,67', 'non'],
      ['Grand Est', '8 200,00 €', '0,00 €', '0,00', 'non'],
      ['Hauts-de-France', '7 800,00 €', '-400,00 €', '1,35', 'non'],
      ['Normandie', '8 300,00 €', '+100,00 €', '0,34', 'non'],
      ['Occitanie', '12 000,00 €', '+3 800,00 €', '12,82', '▲ atypique'],
      ['Médiane', '8 200,00 €', '', '', ''],
      ['Borne basse', '7 310,44 €', '', '', ''],
      ['Borne haute', '9 089,56 €', '', '', ''],
    ]);
    // Part des rubriques (Occitanie : 53 000, 6 000, 54 000, 2 000 et 5 000 sur 120 000).
    const mix = '[data-rv-graphique="RNCP34828|rubriques"]';
    assert.deepEqual((await page.locator(`${mix} details thead th`).allTextContents()).map(net),
      ['Région', PEDAGOGIE, 'Charges d\'accompagnement', STRUCTURE, 'Charges de communication', 'Dotations aux amortissements']);
    const occitanie = (await lignes(page, `${mix} details tbody tr`)).find((l) => l[0] === 'Occitanie');
    assert.deepEqual(occitanie, ['Occitanie', '44,17 %', '5,00 %', '45,00 %', '1,67 %', '4,17 %']);
    assert.equal(await page.locator('[data-rv-certifications] figure svg[role="img"]').count(), 12, 'trois graphiques par certification');

    // Agrégat national (LISEZMOI, « Agrégat national ») : quatre régions, Hauts-de-France sans résultats.
    assert.equal(net(await page.locator('[data-rv-national] > p').first().textContent()),
      'Régions agrégées : Bretagne, Grand Est, Normandie, Occitanie. Sans résultats complets (hors agrégat) : Hauts-de-France.');
    const national = async (niveau, cle) => (await ligne(page, `[data-rv-national="${niveau}"] tr[data-rv-ligne="${cle}"]`)).slice(2);
    assert.deepEqual(await national('activites', 'B01|total'),
      ['Total national', '893 600,00 €', '0,00 €', '893 600,00 €', '678 000,00 €', '-215 600,00 €', '', '']);
    assert.deepEqual((await national('activites', 'B01|Bretagne')).slice(3), ['189 000,00 €', '129 000,00 €', '-60 000,00 €', '21,15 %', '19,03 %']);
    assert.deepEqual((await national('activites', 'A03|total')).slice(3, 5), ['13 100,00 €', '3 700,00 €']);
    assert.deepEqual((await national('activites', 'A03|Bretagne')).slice(1), ['5 000,00 €', '500,00 €', '5 500,00 €', '1 200,00 €', '-4 300,00 €', '41,98 %', '32,43 %']);
    assert.deepEqual((await national('activites', 'A03|Grand Est')).slice(-2), ['15,27 %', '13,51 %']);
    assert.deepEqual((await national('activites', 'A03|Occitanie')).slice(-2), ['42,75 %', '54,05 %']);
    // A10 n'a aucun produit national : la part des produits n'est pas définie (« — », pas « 0 % »).
    assert.deepEqual((await national('activites', 'A10|Bretagne')).slice(3), ['2 500,00 €', '0,00 €', '-2 500,00 €', '100,00 %', '—']);
    assert.deepEqual((await national('activites', 'C01|total')).slice(3, 5), ['1 500,00 €', '0,00 €']);
    assert.deepEqual((await national('axes', 'A|total')).slice(3, 5), ['15 600,00 €', '3 700,00 €']);
    assert.deepEqual((await national('axes', 'A|Bretagne')).slice(-2, -1), ['51,28 %']);
    assert.deepEqual((await national('axes', 'A|Grand Est')).slice(-2, -1), ['12,82 %']);
    assert.deepEqual((await national('axes', 'A|Occitanie')).slice(-2, -1), ['35,90 %']);
    assert.deepEqual((await national('axes', 'B|total')).slice(3, 4), ['893 600,00 €']);
    assert.deepEqual(await ligne(page, '[data-rv-national] tfoot tr'),
      ['Total des régions', '911 400,00 €', '400,00 €', '300,00 €', '681 700,00 €', '0,00 €']);

    // Tableau de bord §VI (LISEZMOI, dernier tableau).
    const bord = async (region) => (await ligne(page, `[data-rv-conformite="${region}"]`)).slice(1);
    assert.deepEqual(await bord('Bretagne'), [
      '17 sur 17 (100,00 %)source : préprojet', '197 000,00 € sur 197 000,00 € (100,00 %)source : résultats',
      '130 200,00 € sur 130 200,00 € (100,00 %)source : résultats', '1 000,00 € sur 1 000,00 € (100,00 %)source : résultats', '1 sur 1',
      '✓ oui, 12 jours d’avance', '10/07/2024', '28/06/2024source : calendrier du préprojet']);
    assert.deepEqual(await bord('Grand Est'), [
      '18 sur 19 (94,74 %)source : préprojet', '283 000,00 € sur 283 300,00 € (99,89 %)source : résultats',
      '234 500,00 € sur 234 500,00 € (100,00 %)source : résultats', 'aucun poolsource : résultats', '0 sur 0',
      '⚠ non, 5 jours de retard', '10/07/2024', '15/07/2024source : calendrier du préprojet']);
    assert.deepEqual(await bord('Hauts-de-France'), Array(8).fill('non connu'));
    assert.deepEqual((await bord('Normandie')).slice(0, 1).concat((await bord('Normandie')).slice(5, 7)),
      ['13 sur 13 (100,00 %)source : préprojet', '✓ oui, le dernier jour', '10/07/2024']);
    assert.deepEqual(await bord('Occitanie'), [
      'non connu', '225 000,00 € sur 225 000,00 € (100,00 %)source : résultats', '174 000,00 € sur 174 000,00 € (100,00 %)source : résultats',
      '600,00 € sur 1 000,00 € (60,00 %)source : résultats', '1 sur 2', 'non connu', 'non connu', 'non connu']);
    assert.equal(await page.locator('[data-rv-conformite="Grand Est"] td.ko strong').textContent(), '⚠ non, 5 jours de retard');

    // Codes (COP) et (PN) (LISEZMOI, « Codes (COP) et (PN) »).
    const action = async (cle) => (await ligne(page, `tr[data-rv-action-ligne="${cle}"]`)).slice(2);
    assert.deepEqual(await action('A0301|Bretagne'),
      ['PN', 'Bretagne', '3 000,00 €', '1 200,00 €', '300,00 €', '3 300,00 €', '-2 100,00 €', 'estimation (au prorata des charges directes)']);
    assert.deepEqual(await action('A0301|Occitanie'), ['PN', 'Occitanie', '4 000,00 €', '2 000,00 €', '480,00 €', '4 480,00 €', '-2 480,00 €',
      'estimation (au prorata des charges directes)']);
    assert.deepEqual(await action('A0301|total'), ['PN', 'Total', '9 000,00 €', '3 700,00 €', '', '9 780,00 €', '', '']);
    assert.deepEqual((await action('A0302|Bretagne')).slice(4, 6), ['100,00 €', '1 100,00 €']);
    assert.deepEqual(await action('A10|Bretagne'), ['COP', 'Bretagne', '2 000,00 €', '0,00 €', '500,00 €', '2 500,00 €', '-2 500,00 €', 'coût complet de la norme']);
    assert.deepEqual((await action('A1001|Bretagne')).slice(4, 6), ['500,00 €', '2 500,00 €']);
    assert.deepEqual((await action('C0101|Normandie')).slice(2, 6), ['1 500,00 €', '0,00 €', '0,00 €', '1 500,00 €']);

    // La première cellule de chaque ligne de l'agrégat national et des codes (COP)/(PN) est un
    // en-tête de ligne (le code).
    const premieres = await page.locator('[data-panneau="revue"] :is(table.rv-national, table.rv-actions) tbody tr > :first-child')
      .evaluateAll((l) => l.map((c) => `${c.tagName.toLowerCase()} ${c.getAttribute('scope')}`));
    assert.ok(premieres.length > 20);
    assert.deepEqual([...new Set(premieres)], ['th row']);

    // Chaque cadre de défilement est une région nommée par la légende de son tableau ; le tableau
    // de chaque graphique dit de quel graphique il est.
    assert.deepEqual(await cadresSansNom(page, 'revue'), []);
    const legendes = await legendesDesGraphiques(page, 'revue');
    assert.equal(legendes.length, 12);
    assert.deepEqual(await resumesDesGraphiques(page, 'revue'), legendes.map((l) => `Données en tableau : ${l}`));
    // Contrastes du graphique d'une mesure : la bande des bornes ≥ 3:1 sur le fond blanc et avec
    // une barre, le texte ≥ 4,5:1 sur elle ; une barre atypique en est séparée par un liseré blanc.
    const couleurs = await figure.evaluate((f) => {
      const style = (s) => getComputedStyle(f.querySelector(s));
      return { bande: style('.rv-bande').fill, barre: style('.rv-barre').fill, texte: style('text.etiquette').fill,
        liseré: style('.rv-barre-atypique').stroke, rouge: style('.rv-barre-atypique').fill };
    });
    assert.ok(contraste(couleurs.bande, 'rgb(255, 255, 255)') >= 3, `bande/fond ${couleurs.bande}`);
    assert.ok(contraste(couleurs.bande, couleurs.barre) >= 3, `bande/barre ${couleurs.bande}`);
    assert.ok(contraste(couleurs.bande, couleurs.texte) >= 4.5, `bande/texte ${couleurs.bande}`);
    assert.equal(couleurs.liseré, 'rgb(255, 255, 255)');
    assert.ok(contraste(couleurs.rouge, 'rgb(255, 255, 255)') >= 3);
    // À 400 px de large (RGAA 10.11), tout déplié : la page ne défile pas en largeur (un tableau
    // ou un graphique large défile dans son cadre) et le texte des graphiques garde 12 px au moins.
    await page.locator('[data-panneau="revue"]').evaluate((p) => p.querySelectorAll('details').forEach((d) => { d.open = true; }));
    await page.setViewportSize({ width: 400, height: 900 });
    assert.equal(await debordement(page), 0, 'pas de défilement horizontal de la page à 400 px');
    assert.deepEqual(await textesTropPetits(page, 'revue'), []);
    await page.screenshot({ path: path.join(SORTIES, 'revue-400px.png'), fullPage: true });
    await page.setViewportSize({ width: 1280, height: 900 });

    // Diagnostics de la revue : ceux que le LISEZMOI annonce.
    // V004 (Occitanie), V005 (50022137), V006 (50023211), V007 (RNCP36001), V008 (Grand Est en
    // retard), V009 (Hauts-de-France et Occitanie : indicateurs non connus).
    const codes = (await page.locator('[data-rv-diagnostics] tbody th').allTextContents()).map(net);
    assert.deepEqual(codes.sort(), ['V004', 'V005', 'V006', 'V007', 'V008', 'V009', 'V009']);

    // Exports : le classeur (les feuilles de revue --xlsx) et les CSV, relus.
    const classeur = await telecharger(page, () => page.getByRole('button', { name: 'Classeur XLSX de la revue' }).click());
    assert.match(classeur.nom, /^revue-cma-france-\d{4}-\d{2}-\d{2}\.xlsx$/);
    const wb = XLSX.read(classeur.octets, { type: 'buffer' });
    assert.deepEqual(wb.SheetNames, ['Paramètres', 'Fichiers', 'Comparaison', 'Médianes', 'Rubriques', 'Atypiques', 'Non comparées', 'National', 'Contrôle',
      'Conformité', 'Actions COP-PN', 'Diagnostics']);
    const feuille = (nom) => XLSX.utils.sheet_to_json(wb.Sheets[nom], { header: 1, defval: null });
    const jour = new Date();
    const deux = (n) => String(n).padStart(2, '0');
    // Une date est une cellule de date (un nombre de jours au format JJ/MM/AAAA), pas du texte.
    const dateDeLaRevue = wb.Sheets['Paramètres'].B1;
    assert.equal(dateDeLaRevue.t, 'n', 'une cellule de date');
    assert.equal(dateDeLaRevue.w, `${deux(jour.getDate())}/${deux(jour.getMonth() + 1)}/${jour.getFullYear()}`);
    assert.deepEqual(feuille('Paramètres')[1].slice(0, 2), ['Seuil d\'écart robuste', 3]);
    assert.equal(feuille('Fichiers').length, 10, 'un en-tête et les neuf fichiers lus');
    const atyp = feuille('Atypiques');
    assert.equal(atyp.length, 2);
    assert.deepEqual(atyp[1], ['RNCP34828', 'CAP Boulanger', 'coût par apprenti', 'Occitanie', 12000, 8200, 3800, 12.82, STRUCTURE, 5400, 1800, 3600]);
    const b01 = feuille('National').find((l) => l[1] === 'B01' && l[3] === 'Total national');
    assert.equal(b01[6], 893600);
    assert.equal(wb.Sheets['Atypiques'].D2.t, 's', 'les régions sont du texte');
    const conformite = feuille('Conformité').find((l) => l[0] === 'Hauts-de-France');
    assert.deepEqual(conformite.slice(0, 5), ['Hauts-de-France', 'non connu', 'non connu', 'non connu', 'non connu']);

    const csv = await telecharger(page, () => page.getByRole('button', { name: 'Télécharger le CSV de la revue' }).click());
    assert.equal(csv.nom, 'revue-cma-france-comparaison.csv');
    const texte = csv.octets.toString('utf8');
    assert.ok(texte.startsWith('\ufeffCode certification;Intitulé;Région;'), texte.slice(0, 60));
    const occ = texte.split(/\r?\n/).find((l) => l.startsWith('RNCP34828;') && l.includes(';Occitanie;'));
    assert.ok(occ.includes(`;12000,00;8200,00;3800,00;12,82;oui;${STRUCTURE};3600,00;`), occ);
    await page.getByLabel('Table de la revue en CSV').selectOption('conformite');
    const csvBord = (await telecharger(page, () => page.getByRole('button', { name: 'Télécharger le CSV de la revue' }).click()));
    assert.equal(csvBord.nom, 'revue-cma-france-conformite.csv');
    assert.ok(csvBord.octets.toString('utf8').split(/\r?\n/).some((l) => l.startsWith('Hauts-de-France;non connu;non connu;non connu;non connu;')));

    // Seuil abaissé à 1 et date de réception des Hauts-de-France (LISEZMOI, « Seuil abaissé ») :
    // Hauts-de-France et Normandie (par heure apprenant, pédagogie) s'ajoutent à Occitanie.
    // Une date de réception saisie périme les résultats affichés : c'est dit, jusqu'à la relance.
    const perime = page.locator('[data-rv-perime]');
    assert.equal(await perime.isVisible(), false);
    await page.getByLabel('Date de réception du préprojet « hauts-de-france.csv »').fill('2024-07-08');
    assert.equal(await perime.isVisible(), true);
    assert.match(net(await page.locator('[data-rv-statut]').textContent()), /^Les résultats de la revue sont périmés/);
    assert.match(await changerSeuil(page, '1', 2), /3 régions atypiques au seuil 1\.$/);
    assert.equal(await perime.isVisible(), false);
    assert.deepEqual(await atypiques(page), [
      ['RNCP34828 CAP Boulanger', 'coût par apprenti', '▲ Hauts-de-France', '7 800,00 €', '8 200,00 €', '-400,00 €', '1,35', PEDAGOGIE,
        '4 900,00 €', '5 100,00 €', '-200,00 €'],
      ['RNCP34828 CAP Boulanger', 'coût par apprenti', '▲ Occitanie', '12 000,00 €', '8 200,00 €', '+3 800,00 €', '12,82', STRUCTURE,
        '5 400,00 €', '1 800,00 €', '+3 600,00 €'],
      ['RNCP34828 CAP Boulanger', 'coût par heure apprenant', '▲ Normandie', '10,38 €', '10,00 €', '+0,38 €', '1,03', PEDAGOGIE,
        '6,38 €', '6,25 €', '+0,13 €'],
    ]);
    assert.equal(await resume('RNCP34828', 'cout_par_apprenti'),
      '5 régions comparées ; médiane 8 200,00 € ; écart absolu médian 200,00 € ; bornes 7 903,48 € à 8 496,52 €');
    assert.deepEqual((await bord('Hauts-de-France')).slice(5), ['✓ oui, 2 jours d’avance', '10/07/2024', '08/07/2024source : date de réception']);
    // Relevé : 1,3 (deux atypiques), 3 (une), 13 (aucune : 12,82 ne le dépasse pas).
    assert.match(await changerSeuil(page, '1.3', 3), /2 régions atypiques au seuil 1,3\.$/);
    assert.deepEqual((await atypiques(page)).map((l) => [l[2], l[6], l[7]]), [['▲ Hauts-de-France', '1,35', PEDAGOGIE], ['▲ Occitanie', '12,82', STRUCTURE]]);
    assert.match(await changerSeuil(page, '3', 4), /1 région atypique au seuil 3\.$/);
    assert.deepEqual((await atypiques(page)).map((l) => l[2]), ['▲ Occitanie']);
    assert.match(await changerSeuil(page, '13', 5), /0 région atypique au seuil 13\.$/);
    assert.equal(net(await page.locator('[data-rv-atypiques]').textContent()), 'Aucune région atypique au seuil 13.');
    assert.equal(await page.locator('[data-rv-comparaison] td.atypique').count(), 0);
    // L'export suit la dernière revue.
    const dernier = XLSX.read((await telecharger(page, () => page.getByRole('button', { name: 'Classeur XLSX de la revue' }).click())).octets, { type: 'buffer' });
    assert.equal(XLSX.utils.sheet_to_json(dernier.Sheets['Atypiques'], { header: 1 }).length, 1, 'aucune ligne sous l’en-tête');
    assert.deepEqual(XLSX.utils.sheet_to_json(dernier.Sheets['Paramètres'], { header: 1 })[1], ['Seuil d\'écart robuste', 13]);
    // Une région corrigée périme les résultats ; l'export relance d'abord la revue (la sixième).
    await page.getByLabel('Région du fichier « hauts-de-france.csv »').fill('Hauts-de-France (Lille)');
    assert.equal(await perime.isVisible(), true);
    const relance = XLSX.read((await telecharger(page, () => page.getByRole('button', { name: 'Classeur XLSX de la revue' }).click())).octets, { type: 'buffer' });
    assert.equal(await page.locator('[data-rv-resultats]').getAttribute('data-rv-numero'), '6');
    assert.equal(await perime.isVisible(), false);
    assert.ok(XLSX.utils.sheet_to_json(relance.Sheets['Conformité'], { header: 1 }).some((l) => l[0] === 'Hauts-de-France (Lille)'));

    // Un seuil nul est refusé, avec le message du cœur.
    await page.getByLabel('Seuil d\'écart robuste').fill('0');
    await page.getByRole('button', { name: 'Lancer la revue' }).click();
    await page.locator('[data-rv-alerte]', { hasText: 'seuil « 0 » invalide' }).waitFor();
    await page.locator('[data-panneau="revue"]').screenshot({ path: path.join(SORTIES, 'revue-cinq-regions.png') });
    await page.close();
  });

  it('dit pourquoi un fichier ne se lit pas, avec sa ligne, et rend les noms de région en texte', async () => {
    const page = await session.page();
    await page.getByRole('tab', { name: 'Revue CMA France' }).click();
    // Le préprojet CSV des Hauts-de-France, plus une ligne 3 dont un montant est illisible (des
    // lettres O au lieu de zéros).
    const [entete, bonne] = readFileSync(path.join(CAS, 'hauts-de-france', 'preprojet.csv'), 'utf8').split('\n');
    const illisible = bonne.replace('LILLE', 'ROUBAIX').replace(';39200,00;', ';392OO,00;');
    assert.notEqual(illisible, bonne);
    const mauvais = `${entete}\n${bonne}\n${illisible}\n`;
    const piege = '<img src=x onerror="window.__piege=1">';
    // Un préprojet dont la certification n'a aucun produit : sa marge n'est pas définie.
    const sansProduits = `${entete}\n${bonne.replace(';60000,00;-0,0400;', ';0,00;;')}\n`;
    assert.notEqual(sansProduits, `${entete}\n${bonne}\n`);
    await page.getByLabel('Fichiers des régions (plusieurs à la fois)').setInputFiles([
      ...aDeposer(FICHIERS.slice(0, 2)),
      { name: 'mauvais.csv', mimeType: 'text/csv', buffer: Buffer.from(mauvais) },
      { name: 'grand-livre.csv', mimeType: 'text/csv', buffer: Buffer.from('compte;objet;debit\n641;X;1\n') },
      { name: 'sans-produits.csv', mimeType: 'text/csv', buffer: Buffer.from(sansProduits) },
    ]);
    await page.locator('[data-rv-liste] tbody tr').nth(4).waitFor();
    const liste = await lignes(page, '[data-rv-liste] tbody tr');
    assert.match(liste[3][1], /^⚠ Illisible : .*CSV UTF-8/);
    await page.getByLabel('Région du fichier « mauvais.csv »').fill(piege);
    await page.getByRole('button', { name: 'Lancer la revue' }).click();
    await page.locator('[data-rv-resultats][data-rv-numero="1"]').waitFor();
    const diagnostics = await lignes(page, '[data-rv-diagnostics] tbody tr');
    const f003 = diagnostics.find((d) => d[1] === 'F003');
    assert.ok(f003, JSON.stringify(diagnostics));
    assert.deepEqual(f003.slice(2, 4), ['préprojet', '3']);
    assert.ok(f003[4].startsWith(`région « ${piege} » (mauvais.csv) : `), f003[4]);
    const f002 = diagnostics.find((d) => d[1] === 'F002');
    assert.ok(f002[4].startsWith('région « grand-livre » (grand-livre.csv) : '), f002[4]);
    const regions = await lignes(page, '[data-rv-regions] tbody tr');
    assert.deepEqual(regions.find((l) => l[0] === piege)?.slice(0, 2), [piege, 'mauvais.csv (préprojet, CSV)']);
    // Marge sans produits : « — », ni « 0 % » ni vide.
    const sans = (await lignes(page, '[data-rv-comparaison="RNCP34828"] tbody tr')).find((l) => l[0] === 'sans-produits');
    assert.deepEqual(sans.slice(3, 6), ['62 400,00 €', '0,00 €', '—']);
    assert.equal(await page.evaluate(() => window.__piege), undefined);
    assert.equal(await page.locator('cma-analytique img').count(), 0);
    // Travailleur arrêté (comme par l'annulation d'un calcul de l'onglet analytique) : l'export
    // refait la revue avant de répondre.
    await page.locator('cma-analytique').evaluate((e) => e.application.arreter());
    await page.getByLabel('Table de la revue en CSV').selectOption('non-comparees');
    const csv = await telecharger(page, () => page.getByRole('button', { name: 'Télécharger le CSV de la revue' }).click());
    assert.equal(csv.nom, 'revue-cma-france-non-comparees.csv');
    // RNCP34828 est dans deux régions (Bretagne et la région du fichier mal lu) : comparée ; les
    // trois autres certifications de la Bretagne ne le sont pas.
    assert.deepEqual(csv.octets.toString('utf8').split(/\r?\n/).filter((l) => l), ['\ufeffCode certification;Intitulé;Région',
      '50022137;CAP Pâtissier;Bretagne', '50023211;CAP Charcutier;Bretagne', 'RNCP35316;BP Boucher;Bretagne']);
    // Retirer un fichier au clavier rend le focus au champ de fichiers.
    await page.getByRole('button', { name: 'Retirer « grand-livre.csv »' }).focus();
    await page.keyboard.press('Enter');
    assert.equal((await focus(page)).nom, 'rv-fichiers');
    assert.equal(await page.locator('[data-rv-liste] tbody tr').count(), 4);
    // Un fichier retiré périme les résultats affichés.
    assert.equal(await page.locator('[data-rv-perime]').isVisible(), true);
    await page.close();
  });

  it('n’envoie aucune requête hors de 127.0.0.1 et ne lève aucune erreur (CSP comprise)', () => {
    assert.ok(session.requetes.some((u) => u.endsWith('/app/revue.js')));
    assert.ok(session.requetes.some((u) => u.endsWith('/app/revue.css')));
    assert.deepEqual(requetesExterieures(session.requetes), []);
    assert.deepEqual(session.erreurs, []);
  });
});
