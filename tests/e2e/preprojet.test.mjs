// Tests de bout en bout de l'onglet « Préprojet CFA, ETP et loyer », dans le Chromium de Debian
// sans tête : le préprojet du CFA sur deux sites de tests/cas-preprojet/cfa-deux-sites (chiffres
// de son attendu.json, calculés à la main dans son LISEZMOI.md), en retard puis à l'heure, ses
// exports relus ; le calculateur d'ETP sur les exemples de l'annexe 3, le fichier du personnel
// reconnu au dépôt du premier onglet ; le loyer interne sur les exemples de tests/it/loyer.rs ;
// le préprojet de l'exemple intégré ; l'onglet ouvert au clavier — et aucune requête hors 127.0.0.1, aucune erreur.

import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { copyFileSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import XLSX from 'xlsx';
import {
  RACINE, attendreResultats, cadresSansNom, cellules, debordement, demarrer, focus, net, regionsEtatCachees, requetesExterieures,
} from './outils.mjs';

const CAS = path.join(RACINE, 'tests', 'cas-preprojet', 'cfa-deux-sites');
const ATTENDU = JSON.parse(readFileSync(path.join(CAS, 'attendu.json'), 'utf8'));
const RUBRIQUES = ['pedagogie', 'accompagnement', 'structure', 'communication', 'frais_annexes', 'amortissements',
  'autres_incorporables', 'non_incorporables'];

let session;
let temporaire;

before(async () => {
  session = await demarrer();
  temporaire = mkdtempSync(path.join(os.tmpdir(), 'cma-preprojet-'));
});

after(async () => {
  await session?.arreter();
  if (temporaire) rmSync(temporaire, { recursive: true, force: true });
});

// Mise en forme française écrite ici, indépendamment de la page (texte seulement, aucun calcul).
const groupe = (e) => e.replace(/\B(?=(\d{3})+(?!\d))/g, ' ');
/** « -1234.56 » → « -1 234,56 » */
const fr = (t) => {
  const [e, d] = t.replace('-', '').split('.');
  return `${t.startsWith('-') ? '-' : ''}${groupe(e)}${d === undefined ? '' : `,${d}`}`;
};
const eur = (t) => `${fr(t)} €`;
/** « -0.8034 » → « -80,34 % » (la virgule déplacée de deux rangs). */
const pct = (t) => {
  const [e, d] = t.replace('-', '').split('.');
  return `${t.startsWith('-') ? '-' : ''}${groupe(String(Number(`${e}${d.slice(0, 2)}`)))},${d.slice(2)} %`;
};

/** Les fichiers du cas, copiés sous des noms qui ne disent pas leur rôle. */
function fichiersDuCas() {
  return [['grand-livre.csv', 'export-a.csv'], ['correspondance.csv', 'export-b.csv'], ['inducteurs.csv', 'export-c.csv']]
    .map(([de, vers]) => {
      const cible = path.join(temporaire, vers);
      copyFileSync(path.join(CAS, de), cible);
      return cible;
    });
}

function ecrire(nom, texte) {
  const chemin = path.join(temporaire, nom);
  writeFileSync(chemin, texte);
  return chemin;
}

async function telecharger(page, declencher) {
  const [fichier] = await Promise.all([page.waitForEvent('download'), declencher()]);
  return { nom: fichier.suggestedFilename(), octets: readFileSync(await fichier.path()) };
}

/** Passe à l'onglet suivant au clavier (flèche droite sur la liste d'onglets). */
async function ongletSuivant(page, depuis) {
  await page.getByRole('tab', { name: depuis }).focus();
  await page.keyboard.press('ArrowRight');
}

async function deposerEtCalculer(page, fichiers, exercice) {
  await page.getByLabel('Fichiers à analyser').setInputFiles(fichiers);
  await page.locator('[data-liste] tbody tr').nth(fichiers.length - 1).waitFor();
  await page.getByLabel('Exercice').fill(exercice);
  await page.getByRole('button', { name: 'Calculer', exact: true }).click();
  return attendreResultats(page);
}

async function attendreStatut(locator, motif) {
  await locator.filter({ hasText: motif }).waitFor({ timeout: 30_000 });
  return net(await locator.textContent());
}

/** Les cellules d'un tableau (lignes du corps), textes nets. */
async function tableau(page, selecteur) {
  return (await page.locator(`${selecteur} tbody tr`).evaluateAll((l) => l.map((x) => [...x.cells].map((c) => c.textContent))))
    .map((l) => l.map(net));
}

/** Charge l'exemple intégré d'un clic, attend ses résultats et ouvre l'onglet du préprojet. */
async function exempleDansLePreprojet(page) {
  await page.getByRole('button', { name: 'Charger l\'exemple « CMA de région Exemple »' }).click();
  await attendreResultats(page);
  await page.getByRole('tab', { name: 'Préprojet CFA, ETP et loyer' }).click();
  return page.locator('[data-panneau="preprojet"]');
}

describe('l’onglet « Préprojet CFA, ETP et loyer »', { timeout: 180_000 }, () => {
  it('s’ouvre au clavier et dit qu’il faut d’abord un calcul', async () => {
    const page = await session.page();
    await ongletSuivant(page, 'Comptabilité analytique');
    const onglet = page.getByRole('tab', { name: 'Préprojet CFA, ETP et loyer' });
    assert.equal(await onglet.getAttribute('aria-selected'), 'true');
    assert.equal((await focus(page)).texte, 'Préprojet CFA, ETP et loyer');
    const panneau = page.getByRole('tabpanel', { name: 'Préprojet CFA, ETP et loyer' });
    assert.equal(await panneau.isVisible(), true);
    assert.equal(await page.locator('[data-panneau="analytique"]').isVisible(), false);
    await panneau.getByRole('button', { name: 'Calculer le préprojet' }).click();
    const alerte = panneau.locator('[data-pp-alerte]');
    await alerte.filter({ hasText: 'Aucun calcul' }).waitFor();
    assert.equal(net(await alerte.textContent()),
      'Aucun calcul à reprendre : déposez le grand livre, la table de correspondance et les inducteurs dans l’onglet « Comptabilité analytique », lancez le calcul, puis revenez ici.');
    // Tout champ a son étiquette ; le focus se voit.
    const sansEtiquette = await panneau.locator('input').evaluateAll((champs) => champs
      .filter((c) => !(c.labels?.length) && !c.getAttribute('aria-label')).map((c) => c.name || c.id));
    assert.deepEqual(sansEtiquette, []);
    await panneau.getByLabel('Nom de l\'organisme').focus();
    assert.ok((await focus(page)).contour, 'focus visible sur un champ de l’onglet');
    await page.close();
  });

  it('donne le préprojet du CFA sur deux sites calculé à la main, en retard puis à l’heure, et ses exports se relisent', async () => {
    const page = await session.page();
    // Les dates se donnent au premier onglet (ou dans l'onglet du préprojet : ce sont les mêmes).
    await page.locator('[data-parametres] [name="date_envoi"]').fill('2024-07-12');
    assert.match(await deposerEtCalculer(page, fichiersDuCas(), '2023'), /Résultats prêts/);
    await ongletSuivant(page, 'Comptabilité analytique');
    const panneau = page.locator('[data-panneau="preprojet"]');
    assert.equal(await panneau.getByLabel('Date d\'envoi du préprojet à CMA France').inputValue(), '2024-07-12');
    assert.match(net(await panneau.locator('[data-pp-source]').textContent()), /^Calcul repris : exercice 2023, grand livre « export-a\.csv »\.$/);
    await panneau.getByLabel('Nom de l\'organisme').fill('CMA de région Exemple');
    await panneau.getByLabel('SIRET').fill('13002526500013');
    await panneau.getByLabel('UAI du CFA').fill('0755678A');
    await panneau.getByLabel('Date de transmission à France compétences').fill('2024-07-31');
    await panneau.getByLabel('Intitulés des certifications').setInputFiles(path.join(CAS, 'certifications.csv'));
    await panneau.getByRole('button', { name: 'Calculer le préprojet' }).click();
    const statut = panneau.locator('[data-pp-statut]');
    assert.equal(await attendreStatut(statut, 'Préprojet prêt'),
      'Préprojet prêt : 4 lignes certification × site ; en retard de 2 jours ; 5 contrôles à lire.');

    // Une ligne par certification et par site : tous les chiffres de attendu.json.
    const complements = new Map(ATTENDU.complements.map((c) => [`${c.certification}|${c.site}`, c]));
    assert.equal(await panneau.locator('tbody tr[data-pp-ligne]').count(), ATTENDU.certifications.length);
    for (const l of ATTENDU.certifications) {
      const cle = `${l.certification}|${l.site}`;
      const c = complements.get(cle);
      const attendu = [l.certification, c.libelle, l.site, fr(l.apprentis), fr(l.heures), fr(l.heures_apprenants),
        ...RUBRIQUES.map((r) => eur(l.rubriques[r])), eur(l.cout_complet), eur(l.produits),
        l.marge ? pct(l.marge) : '—', c.cout_par_apprenti ? eur(c.cout_par_apprenti) : '—',
        c.cout_par_heure_apprenant ? eur(c.cout_par_heure_apprenant) : '—'];
      assert.deepEqual(await cellules(page, `[data-panneau="preprojet"] tr[data-pp-ligne="${cle}"]`), attendu, cle);
    }
    // Les mêmes, écrits en toutes lettres pour deux lignes et le total (LISEZMOI.md).
    assert.deepEqual(await cellules(page, '[data-panneau="preprojet"] tr[data-pp-ligne="50022137|NORD"]'), ['50022137', 'CAP Pâtissier', 'NORD',
      '6,00', '500,00', '3 000,00', '4 000,00 €', '200,00 €', '1 032,34 €', '79,60 €', '0,00 €', '0,00 €', '0,00 €', '0,00 €',
      '5 311,94 €', '10 500,00 €', '49,41 %', '885,32 €', '1,77 €']);
    assert.deepEqual((await cellules(page, '[data-panneau="preprojet"] tr[data-pp-ligne="CAP-X|SUD"]')).slice(14), ['500,00 €', '0,00 €', '—', '—', '—']);
    const t = ATTENDU.total;
    assert.deepEqual(await cellules(page, '[data-panneau="preprojet"] tr[data-pp-ligne="total"]'), ['Total', '43,00', '1 720,00', '18 600,00',
      ...RUBRIQUES.map((r) => eur(t.rubriques[r])), '36 594,03 €', '28 000,00 €', '-30,69 %', '851,02 €', '1,97 €']);
    // Produits par catégorie de financement.
    const financeurs = await tableau(page, '[data-panneau="preprojet"] table.pp-financeurs');
    const attendusFinanceurs = ATTENDU.complements.flatMap((c) => Object.entries(c.produits_par_financeur)
      .map(([code, montant]) => [c.certification, c.site, code, eur(montant)]));
    assert.deepEqual(financeurs.map((l) => [l[0], l[1], l[3], l[4]]), attendusFinanceurs);
    assert.ok(financeurs.every((l) => l[2] && l[2] !== l[3]), 'chaque catégorie a son libellé');

    // Calendrier : dû le 10/07/2024, envoyé le 12/07/2024, 2 jours de retard.
    const calendrier = panneau.locator('[data-pp-statut-calendrier]');
    assert.equal(await calendrier.getAttribute('data-pp-statut-calendrier'), 'en_retard');
    assert.equal(net(await calendrier.locator('.pp-etat').textContent()), 'En retard');
    assert.equal(net(await calendrier.locator('[data-pp-jours]').textContent()), '2 jours de retard.');
    assert.equal(net(await calendrier.locator('[data-pp-date="limite"]').textContent()), '10/07/2024');
    assert.equal(net(await calendrier.locator('[data-pp-date="envoi"]').textContent()), '12/07/2024');
    assert.equal(net(await calendrier.locator('[data-pp-date="transmission"]').textContent()), '31/07/2024');
    assert.match(net(await calendrier.textContent()), /Préprojet dû à CMA France \(21 jours avant la transmission\)/);
    const etapes = (await panneau.locator('[data-pp-calendrier] li').allTextContents()).map((e) => net(e).slice(0, 12));
    assert.deepEqual(etapes, ['15/04/2024 :', '29/04/2024 :', '13/05/2024 :', '31/07/2024 :']);

    // Contrôles du préprojet : ses codes P de attendu.json ; ceux du calcul restent au premier onglet.
    const codesP = ATTENDU.diagnostics_attendus.filter((c) => c.startsWith('P')).sort();
    const controles = (await panneau.locator('table.pp-diagnostics tbody th').allTextContents()).sort();
    assert.deepEqual(controles, codesP);
    // P001 est une erreur, P002, P003, P004 et P007 des avertissements (docs/diagnostics.md) ; le
    // calcul a les siens : H004, M004, I002.
    assert.equal(net(await panneau.locator('[data-pp-controles-resume]').textContent()),
      '5 contrôles du préprojet : 1 erreur, 4 avertissements, 0 info. Les 3 diagnostics du calcul sont dans l’onglet « Comptabilité analytique » ; tous figurent dans le classeur et la note.');
    // Chaque contrôle fait est listé, qu'il signale quelque chose ou non : C001, C002, M004 et
    // H004 du calcul, puis P001 à P010 ; ceux que le cas déclenche (attendu.json) le disent.
    const faits = await tableau(page, '[data-panneau="preprojet"] table.pp-controles-faits');
    const tous = ['C001', 'C002', 'M004', 'H004', ...Array.from({ length: 10 }, (_, i) => `P${String(i + 1).padStart(3, '0')}`)];
    assert.deepEqual(faits.map((l) => l[0]), tous);
    for (const [code, , , par, resultat] of faits) {
      assert.equal(par, code.startsWith('P') ? 'le préprojet' : 'le calcul', code);
      if (ATTENDU.diagnostics_attendus.includes(code)) assert.match(resultat, /^⚠ \d+ signalements? \(détail/, code);
      else assert.equal(resultat, '✓ rien à signaler', code);
    }
    assert.deepEqual(faits.find((l) => l[0] === 'C001').slice(1, 3), ['Σ comptes 86 ≠ Σ comptes 87 (loyers internes)', 'erreur']);
    const p002 = net(await panneau.locator('table.pp-diagnostics tr', { hasText: 'P002' }).textContent());
    assert.match(p002, /certification « 50022137 » \(site « NORD »\) : marge 0,4941 \(produits 10 500,00 €, coût complet 5 311,94 €\)/);

    // Indicateurs de la norme (§VI) : 14 objets, tous rattachés ; charges du grand livre
    // 52 400,01 € (somme des débits du cas) ; préprojet en retard.
    const indicateur = async (id) => cellules(page, `[data-panneau="preprojet"] tr[data-pp-indicateur="${id}"]`);
    assert.deepEqual((await indicateur('objets')).slice(1), ['14 sur 14', '100,00 %']);
    assert.deepEqual((await indicateur('charges')).slice(1), ['52 400,01 € sur 52 400,01 €', '100,00 %']);
    assert.deepEqual((await indicateur('calendrier')).slice(1), ['non', '—']);

    // Exports : classeur, CSV et note relus.
    const classeur = await telecharger(page, () => panneau.getByRole('button', { name: 'Classeur XLSX du préprojet' }).click());
    assert.equal(classeur.nom, 'preprojet-france-competences.xlsx');
    const wb = XLSX.read(classeur.octets, { type: 'buffer' });
    assert.deepEqual(wb.SheetNames, ['Identité', 'Certifications', 'Produits par financeur', 'Indicateurs', 'Note explicative', 'Diagnostics']);
    const identite = Object.fromEntries(XLSX.utils.sheet_to_json(wb.Sheets['Identité'], { header: 1 }));
    assert.equal(identite['Nom de l\'organisme'], 'CMA de région Exemple');
    assert.equal(identite.SIRET, '13002526500013');
    assert.equal(identite.UAI, '0755678A');
    assert.equal(identite.Exercice, 2023, 'un nombre');
    // Les dates sont des cellules de date (nombre de jours, format JJ/MM/AAAA), pas du texte.
    const dateLimite = Object.values(wb.Sheets['Identité']).find((c) => c?.t === 'n' && c.w === '10/07/2024');
    assert.ok(dateLimite, 'date limite du préprojet : une cellule de date');
    assert.equal(identite['Date limite du préprojet (CMA France)'], 45483, '10/07/2024, jour 45 483 des tableurs');
    assert.equal(identite.Statut, 'en retard');
    assert.equal(identite['Jours restants (négatif : retard)'], -2, 'un nombre');
    const lignes = XLSX.utils.sheet_to_json(wb.Sheets.Certifications);
    const nord = lignes.find((l) => l['Code certification'] === 'RNCP34828' && l.Site === 'NORD');
    assert.equal(nord['Intitulé'], 'CAP Boulanger');
    assert.equal(nord['Total des charges'], 18935.83);
    assert.equal(nord['Charges de structure et de fonctions support'], 3097.02);
    assert.equal(nord.Marge, -0.8034);
    assert.equal(nord['Coût par apprenti'], 860.72);
    assert.equal(lignes.find((l) => l['Code certification'] === 'Total')['Total des charges'], 36594.03);
    assert.equal(XLSX.utils.sheet_to_json(wb.Sheets['Produits par financeur']).length, attendusFinanceurs.length);
    const indicateurs = Object.fromEntries(XLSX.utils.sheet_to_json(wb.Sheets.Indicateurs, { header: 1 }));
    assert.equal(indicateurs['Charges du grand livre'], 52400.01);
    assert.equal(indicateurs['Préprojet à l\'heure'], 'non');
    const codesClasseur = new Set(XLSX.utils.sheet_to_json(wb.Sheets.Diagnostics).map((d) => d.code));
    for (const code of ATTENDU.diagnostics_attendus) assert.ok(codesClasseur.has(code), `${code} dans le classeur`);
    const noteClasseur = XLSX.utils.sheet_to_json(wb.Sheets['Note explicative'], { header: 1 }).map((l) => l[0] ?? '');

    const csv = await telecharger(page, () => panneau.getByRole('button', { name: 'Tableau des certifications (CSV)' }).click());
    assert.equal(csv.nom, 'preprojet-france-competences.csv');
    const texte = csv.octets.toString('utf8');
    assert.ok(texte.startsWith('\ufeffCode certification;Intitulé;Site;Nombre d\'apprentis;Heures de formation;Heures apprenants;Charges de pédagogie;'), texte.slice(0, 80));
    const csvLignes = texte.split(/\r?\n/);
    assert.ok(csvLignes.includes('RNCP34828;CAP Boulanger;NORD;22,00;820,00;9000,00;13000,00;600,00;3097,02;238,81;0,00;2000,00;0,00;0,00;18935,83;10500,00;-0,8034;860,72;2,10'), texte);
    assert.ok(csvLignes.includes('Total;;;43,00;1720,00;18600,00;26500,00;800,00;6800,50;493,53;0,00;2000,00;0,00;0,00;36594,03;28000,00;-0,3069;851,02;1,97'), texte);

    const note = await telecharger(page, () => panneau.getByRole('button', { name: 'Projet de note explicative (Markdown)' }).click());
    assert.equal(note.nom, 'note-explicative-preprojet.md');
    const md = note.octets.toString('utf8');
    assert.ok(md.startsWith('# Note explicative du préprojet France compétences — exercice 2023\n'), md.slice(0, 80));
    assert.ok(md.includes('Organisme : CMA de région Exemple — SIRET 13002526500013 — UAI 0755678A'));
    assert.deepEqual(md.split('\n').filter((l) => l), noteClasseur.filter((l) => l), 'la même note dans le fichier et le classeur');

    // À l'heure : envoi le 28/06/2024, 12 jours avant la date limite ; la date revient au premier onglet.
    await panneau.getByLabel('Date d\'envoi du préprojet à CMA France').fill('2024-06-28');
    assert.equal(await page.locator('[data-parametres] [name="date_envoi"]').inputValue(), '2024-06-28');
    await panneau.getByRole('button', { name: 'Calculer le préprojet' }).click();
    assert.equal(await attendreStatut(statut, 'à l’heure'),
      'Préprojet prêt : 4 lignes certification × site ; à l’heure, 12 jours d’avance ; 4 contrôles à lire.');
    assert.equal(await calendrier.getAttribute('data-pp-statut-calendrier'), 'a_l_heure');
    assert.equal(net(await calendrier.locator('.pp-etat').textContent()), 'À l’heure');
    assert.equal(net(await calendrier.locator('[data-pp-jours]').textContent()), '12 jours avant la date limite.');
    assert.equal(net(await calendrier.locator('[data-pp-date="envoi"]').textContent()), '28/06/2024');
    assert.deepEqual((await indicateur('calendrier')).slice(1), ['oui', '—']);
    assert.deepEqual((await panneau.locator('table.pp-diagnostics tbody th').allTextContents()).sort(), codesP.filter((c) => c !== 'P001'));

    // Un nouveau calcul au premier onglet : le préprojet affiché n'est plus le sien.
    await page.getByRole('tab', { name: 'Comptabilité analytique' }).click();
    await page.getByRole('button', { name: 'Calculer', exact: true }).click();
    await attendreResultats(page);
    await ongletSuivant(page, 'Comptabilité analytique');
    assert.equal(await panneau.locator('[data-pp-resultats]').isVisible(), false);
    assert.equal(net(await statut.textContent()), 'Le calcul a changé : calculez de nouveau le préprojet.');
    await page.close();
  });

  it('calcule les ETP des exemples de l’annexe 3, le fichier du personnel étant reconnu au dépôt du premier onglet', async () => {
    const page = await session.page();
    // Annexe 3 « ETP » : temps plein 12 mois = 1 ; mi-temps = 0,5 ; 6 mois = 0,5 ; CDD pour
    // accroissement = comme travaillé (1) ; salarié absent = 1 et son remplaçant en CDD = 0 ;
    // apprenti = 0 ; vacataires = heures / 1 820 (910 h = 0,5 ; 100 h = 0,054945… → 0,0549).
    const personnel = ecrire('equipe-2023.csv', [
      'matricule;code;site;contrat;quotite;mois;heures',
      'T1;A03;;titulaire;1;12;',
      'T2;A03;;cdi;0,5;12;',
      'T3;C01;SUD;cdi;1;6;',
      'C1;B01;NORD;cdd_accroissement;1;12;',
      'ABS;B01;NORD;titulaire;1;12;',
      'R1;B01;NORD;cdd_remplacement;1;8;',
      'AP1;B01;NORD;apprenti;1;12;',
      'V1;B01;SUD;vacataire;;;910',
      'V2;B02;SUD;vacataire;;;100',
      '',
    ].join('\n'));
    await page.getByLabel('Fichiers à analyser').setInputFiles([...fichiersDuCas(), personnel]);
    await page.locator('[data-liste] tbody tr').nth(3).waitFor();
    const roles = await page.locator('[data-liste] tbody select').evaluateAll((s) => s.map((x) => [x.value, x.selectedOptions[0].textContent]));
    assert.deepEqual(roles, [['grand-livre', 'Grand livre'], ['correspondance', 'Table de correspondance'], ['inducteurs', 'Inducteurs'], ['personnel', 'Personnel']]);
    assert.match(net(await page.locator('[data-statut]').textContent()), /Personnel : « equipe-2023\.csv »/);
    assert.equal(await page.getByRole('button', { name: 'Calculer', exact: true }).isEnabled(), true, 'le personnel ne gêne pas le calcul');

    await ongletSuivant(page, 'Comptabilité analytique');
    const panneau = page.locator('[data-panneau="preprojet"]');
    assert.equal(net(await panneau.locator('[data-pp-personnel-depose]').textContent()),
      'Fichier du personnel retenu : « equipe-2023.csv » (déposé dans l’onglet « Comptabilité analytique »).');
    await panneau.getByRole('button', { name: 'Calculer les ETP' }).click();
    const statut = panneau.locator('[data-pp-etp-statut]');
    assert.equal(await attendreStatut(statut, 'ETP calculés'),
      'ETP calculés pour « equipe-2023.csv » : 9 lignes retenues, 5 lignes d’inducteurs, 0 diagnostic.');
    const personnes = await tableau(page, '[data-panneau="preprojet"] table.pp-etp-personnes');
    assert.deepEqual(personnes.map((l) => l.slice(0, 5)), [
      ['2', 'T1', 'A03', 'régional', '1,0000'],
      ['3', 'T2', 'A03', 'régional', '0,5000'],
      ['4', 'T3', 'C01', 'SUD', '0,5000'],
      ['5', 'C1', 'B01', 'NORD', '1,0000'],
      ['6', 'ABS', 'B01', 'NORD', '1,0000'],
      ['7', 'R1', 'B01', 'NORD', '0,0000'],
      ['8', 'AP1', 'B01', 'NORD', '0,0000'],
      ['9', 'V1', 'B01', 'SUD', '0,5000'],
      ['10', 'V2', 'B02', 'SUD', '0,0549'],
    ]);
    const motif = (matricule) => personnes.find((l) => l[1] === matricule)[5];
    assert.match(motif('T2'), /quotité 0,5 × 12 mois \/ 12 = 0,5000 ETP/);
    assert.match(motif('R1'), /remplacé reste compté/);
    assert.match(motif('AP1'), /0 ETP/);
    assert.match(motif('V1'), /910 h \/ 1820 h = 0,5000 ETP/);
    // Lignes d'inducteurs : A03 régional 1 + 0,5 ; B01 NORD 1 + 1 + 0 + 0 ; B01 SUD 0,5 ; B02 SUD 0,0549 ; C01 SUD 0,5.
    assert.deepEqual(await tableau(page, '[data-panneau="preprojet"] table.pp-etp-inducteurs'), [
      ['A03', 'régional', '1,5000'], ['B01', 'NORD', '2,0000'], ['B01', 'SUD', '0,5000'], ['B02', 'SUD', '0,0549'], ['C01', 'SUD', '0,5000'],
    ]);
    const csv = await telecharger(page, () => panneau.getByRole('button', { name: 'Lignes « etp » des inducteurs (CSV)' }).click());
    assert.equal(csv.nom, 'inducteurs-etp.csv');
    assert.equal(csv.octets.toString('utf8'),
      '\ufeffinducteur;site;code;valeur\netp;;A03;1,5000\netp;NORD;B01;2,0000\netp;SUD;B01;0,5000\netp;SUD;B02;0,0549\netp;SUD;C01;0,5000\n');
    // Ces lignes se relisent comme un fichier d'inducteurs.
    await page.getByRole('tab', { name: 'Comptabilité analytique' }).click();
    await page.getByLabel('Fichiers à analyser').setInputFiles([ecrire('lignes-etp.csv', csv.octets)]);
    await page.locator('[data-liste] tbody tr').nth(4).waitFor();
    assert.equal(await page.getByLabel('Rôle de « lignes-etp.csv »').inputValue(), 'inducteurs');

    // Un fichier choisi dans l'onglet prime ; ses lignes fautives sont dites.
    await page.getByRole('tab', { name: 'Préprojet CFA, ETP et loyer' }).click();
    await panneau.getByLabel('Fichier du personnel', { exact: true }).setInputFiles(ecrire('autre.csv', 'matricule;code;contrat;quotite;mois\nX1;A03;cdd;1;12\nX2;A03;cdi;1;12\n'));
    assert.match(net(await panneau.locator('[data-pp-personnel-depose]').textContent()), /« autre\.csv » \(choisi ici\)/);
    await panneau.getByRole('button', { name: 'Calculer les ETP' }).click();
    await attendreStatut(statut, 'autre.csv » : 1 ligne retenue');
    const diagnostics = await tableau(page, '[data-panneau="preprojet"] [data-pp-etp-diagnostics] table');
    assert.deepEqual(diagnostics.map((l) => l.slice(0, 4)), [['erreur', 'E001', 'personnel', '2']]);
    // Un fichier qui n'est pas un fichier du personnel est refusé en français.
    await panneau.getByLabel('Fichier du personnel', { exact: true }).setInputFiles(ecrire('pas-personnel.csv', 'nom;service\nDupont;RH\n'));
    await panneau.getByRole('button', { name: 'Calculer les ETP' }).click();
    await panneau.locator('[data-pp-etp-alerte]').filter({ hasText: 'n’a pas pu être lu' }).waitFor();
    assert.match(net(await panneau.locator('[data-pp-etp-alerte]').textContent()), /^Le fichier du personnel n’a pas pu être lu : F002 /);
    assert.equal(await panneau.locator('[data-pp-etp-resultats]').isVisible(), false);
    // Au-delà de la limite de la page (baissée ici par l'attribut d'intégration), rien n'est lu.
    await page.locator('cma-analytique').evaluate((e) => e.setAttribute('limite-octets', '100'));
    await panneau.getByLabel('Fichier du personnel', { exact: true }).setInputFiles(personnel);
    await panneau.getByRole('button', { name: 'Calculer les ETP' }).click();
    await panneau.locator('[data-pp-etp-alerte]').filter({ hasText: 'limite' }).waitFor();
    assert.match(net(await panneau.locator('[data-pp-etp-alerte]').textContent()),
      /^« equipe-2023\.csv » fait \d+ octets : au-delà de la limite de 100 octets de la page, il n’est pas lu\.$/);
    await page.close();
  });

  it('calcule le loyer interne et la paire 86/87 à passer, avec son explication', async () => {
    const page = await session.page();
    await page.getByRole('tab', { name: 'Préprojet CFA, ETP et loyer' }).click();
    const panneau = page.locator('[data-panneau="preprojet"]');
    const statut = panneau.locator('[data-pp-loyer-statut]');
    // Valeur vénale 1 200 000,00 € × 0,6 = 720 000,00 € ; au taux de 5 % : 36 000,00 €.
    await panneau.getByLabel('Valeur vénale (€)').fill('1 200 000,00');
    await panneau.getByLabel('Part des locaux utilisée pour l\'apprentissage').fill('0,6');
    await panneau.getByLabel('Taux annuel').fill('0,05');
    await panneau.getByRole('button', { name: 'Calculer le loyer' }).click();
    assert.equal(await attendreStatut(statut, 'Loyer interne calculé'), 'Loyer interne calculé : 36 000,00 €.');
    assert.equal(net(await panneau.locator('[data-pp-loyer-montant]').textContent()),
      'Loyer interne à passer : 36 000,00 € (valeur retenue 1 200 000,00 €).');
    const explication = (await panneau.locator('[data-pp-loyer-explication] li').allTextContents()).map(net);
    assert.equal(explication.length, 4);
    assert.equal(explication[1], 'Part utilisée pour l\'apprentissage : 1 200 000,00 € × 0,6 = 720 000,00 €');
    assert.equal(explication[2], 'Loyer annuel au taux de 0,05 : 720 000,00 € × 0,05 = 36 000,00 €');
    assert.deepEqual((await tableau(page, '[data-panneau="preprojet"] table.pp-ecritures')).map((l) => l.slice(0, 4)),
      [['86', 'OBJET-CFA', '36 000,00 €', ''], ['87', 'OBJET-CHAMBRE', '', '36 000,00 €']]);

    // Valeur brute 800 000,00 € × 2 111 / 1 386 = 1 218 470,42 € ; × 0,35 = 426 464,65 €.
    await panneau.getByLabel('Valeur brute réactualisée').check();
    assert.equal(await panneau.getByLabel('Valeur vénale (€)').isVisible(), false);
    await panneau.getByLabel('Valeur brute des immobilisations (€)').fill('800000');
    await panneau.getByLabel('Indice du coût de la construction à l\'acquisition').fill('1386');
    await panneau.getByLabel('Indice du coût de la construction actuel').fill('2111');
    await panneau.getByLabel('Part des locaux utilisée pour l\'apprentissage').fill('0,35');
    await panneau.getByLabel('Taux annuel').fill('');
    await panneau.getByLabel('Objet analytique du CFA (charge en 86)').fill('EOTP-CFA-LOCAUX');
    await panneau.getByLabel('Objet analytique de la chambre (produit en 87)').fill('CC-PATRIMOINE');
    await panneau.getByLabel('Compte de charge (classe 86)').fill('861000');
    await panneau.getByLabel('Compte de produit (classe 87)').fill('871000');
    await panneau.getByRole('button', { name: 'Calculer le loyer' }).click();
    assert.equal(await attendreStatut(statut, '426'), 'Loyer interne calculé : 426 464,65 €.');
    assert.equal(net(await panneau.locator('[data-pp-loyer-montant]').textContent()),
      'Loyer interne à passer : 426 464,65 € (valeur retenue 1 218 470,42 €).');
    assert.match(net(await panneau.locator('[data-pp-loyer-explication] li').first().textContent()),
      /^Valeur brute des immobilisations 800 000,00 € × indice du coût de la construction actuel 2111 \/ indice d'origine 1386 = 1 218 470,42 €/);
    const csv = await telecharger(page, () => panneau.getByRole('button', { name: 'Lignes à ajouter au grand livre (CSV)' }).click());
    const lignes = csv.octets.toString('utf8').replace('\ufeff', '').split('\n');
    assert.equal(lignes[0], 'compte;objet;debit;credit;libelle');
    assert.ok(lignes[1].startsWith('861000;EOTP-CFA-LOCAUX;426464,65;;Loyer interne'), lignes[1]);
    assert.ok(lignes[2].startsWith('871000;CC-PATRIMOINE;;426464,65;Loyer interne'), lignes[2]);

    // Une part au-delà de 1 est refusée, en français.
    await panneau.getByLabel('Part des locaux utilisée pour l\'apprentissage').fill('1,5');
    await panneau.getByRole('button', { name: 'Calculer le loyer' }).click();
    const alerte = panneau.locator('[data-pp-loyer-alerte]');
    await alerte.filter({ hasText: 'impossible' }).waitFor();
    assert.equal(net(await alerte.textContent()),
      'Loyer impossible à calculer : la part utilisée pour l\'apprentissage doit être comprise entre 0 et 1 (0,6 pour 60 %)');
    assert.equal(await panneau.locator('[data-pp-loyer-resultat]').isVisible(), false);
    await page.close();
  });

  it('prépare le préprojet de l’exemple intégré : à l’heure, aux certifications codées et titrées', async () => {
    // « Charger l'exemple » règle l'organisme, les intitulés (www/exemple/certifications.csv) et
    // l'envoi au 30 juin 2025, dix jours avant la date limite du 10 juillet 2025 ; codes au format
    // de France compétences (aucun P004) ; une seule marge au-delà de 20 % (P002,
    // www/exemple/LISEZMOI.md).
    const page = await session.page();
    const panneau = await exempleDansLePreprojet(page);
    assert.equal(await panneau.getByLabel('Nom de l\'organisme').inputValue(), 'CMA de région Exemple');
    assert.equal(await panneau.getByLabel('Date d\'envoi du préprojet à CMA France').inputValue(), '2025-06-30');
    await panneau.getByRole('button', { name: 'Calculer le préprojet' }).click();
    assert.match(await attendreStatut(panneau.locator('[data-pp-statut]'), 'Préprojet prêt'),
      /^Préprojet prêt : 10 lignes certification × site ; à l’heure, 10 jours d’avance ; \d+ contrôles? à lire\.$/);
    assert.equal(net(await panneau.locator('[data-pp-date="limite"]').textContent()), '10/07/2025');
    const cuisine = net(await panneau.locator('tr[data-pp-ligne="50022101|Nord"]').textContent());
    assert.match(cuisine, /50022101.*CAP Cuisine/);
    const codes = await panneau.locator('table.pp-diagnostics tbody tr').evaluateAll((l) => l.map((tr) => tr.querySelector('th').textContent.trim()));
    assert.ok(!codes.includes('P004'), codes.join());
    const p002 = net(await panneau.locator('table.pp-diagnostics tr', { hasText: 'P002' }).textContent());
    assert.match(p002, /certification « RNCP90104 »/);
    await page.close();
  });

  it('se lit à 400 px avec l’exemple, ses cadres nommés et ses régions d’état présentes (RGAA)', async () => {
    const page = await session.page();
    const panneau = await exempleDansLePreprojet(page);
    // Vides, les régions d'état restent dans l'arbre d'accessibilité (sinon rien n'est annoncé).
    assert.deepEqual(await regionsEtatCachees(page, 'preprojet'), []);
    await panneau.getByRole('button', { name: 'Calculer le préprojet' }).click();
    await attendreStatut(panneau.locator('[data-pp-statut]'), 'Préprojet prêt');
    await panneau.getByLabel('Valeur vénale (€)').fill('1 200 000,00');
    await panneau.getByLabel('Part des locaux utilisée pour l\'apprentissage').fill('0,6');
    await panneau.getByRole('button', { name: 'Calculer le loyer' }).click();
    await attendreStatut(panneau.locator('[data-pp-loyer-statut]'), 'Loyer interne calculé');
    assert.deepEqual(await regionsEtatCachees(page, 'preprojet'), []);
    // Chaque cadre de défilement est une région nommée par la légende de son tableau, au clavier.
    assert.deepEqual(await cadresSansNom(page, 'preprojet'), []);
    // L'exemple a des charges B01 sans certification (M004) : le contrôle le dit.
    assert.match((await cellules(page, '[data-panneau="preprojet"] tr[data-pp-controle="M004"]'))[4], /^⚠ \d+ signalements? \(détail dans l’onglet « Comptabilité analytique »\)$/);
    // À 400 px de large (RGAA 10.11) : la page ne défile pas en largeur.
    await page.setViewportSize({ width: 400, height: 900 });
    assert.equal(await debordement(page), 0, 'pas de défilement horizontal de la page à 400 px');
    await page.close();
  });

  it('n’envoie aucune requête hors de 127.0.0.1 et ne lève aucune erreur (CSP comprise)', () => {
    assert.ok(session.requetes.some((u) => u.endsWith('/app/preprojet.js')));
    assert.ok(session.requetes.some((u) => u.endsWith('/app/preprojet.css')));
    assert.deepEqual(requetesExterieures(session.requetes), []);
    assert.deepEqual(session.erreurs, []);
  });
});
