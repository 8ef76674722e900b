// Tests de bout en bout de la page, dans le Chromium de Debian sans tête : dépôt des fichiers,
// chiffres affichés comparés au calcul à la main de tests/cas/support-deux-niveaux/LISEZMOI.md,
// exports relus, textes de l'utilisateur rendus en texte, clavier seul, annulation, grand livre
// d'un million de lignes, capture d'écran, élément intégré — et aucune requête hors 127.0.0.1.

import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { copyFileSync, mkdtempSync, readFileSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import XLSX from 'xlsx';
import {
  RACINE, SORTIES, attendreResultats, cadresSansNom, cellules, debordement, demarrer, focus, legendesDesGraphiques, net, regionsEtatCachees,
  requetesExterieures, resumesDesGraphiques, tabulerJusqua, textesTropPetits,
} from './outils.mjs';
import { grandJeu } from './donnees.mjs';

let session;
let temporaire;

before(async () => {
  session = await demarrer();
  temporaire = mkdtempSync(path.join(os.tmpdir(), 'cma-page-'));
});

after(async () => {
  await session?.arreter();
  if (temporaire) rmSync(temporaire, { recursive: true, force: true });
});

/** Les trois fichiers d'un cas, copiés sous des noms qui ne disent pas leur rôle. */
function fichiersDuCas(cas) {
  const source = path.join(RACINE, 'tests', 'cas', cas);
  return [['grand-livre.csv', 'export-1.csv'], ['correspondance.csv', 'export-2.csv'], ['inducteurs.csv', 'export-3.csv']]
    .map(([de, vers]) => {
      const cible = path.join(temporaire, `${cas}-${vers}`);
      copyFileSync(path.join(source, de), cible);
      return cible;
    });
}

async function deposerEtCalculer(page, fichiers, exercice = '2024') {
  await page.getByLabel('Fichiers à analyser').setInputFiles(fichiers);
  await page.locator('[data-liste] tbody tr').nth(fichiers.length - 1).waitFor();
  await page.getByLabel('Exercice').fill(exercice);
  await page.getByRole('button', { name: 'Calculer', exact: true }).click();
  return attendreResultats(page);
}

/** Mise en forme française écrite ici indépendamment de la page : « -1234.56 » → « -1 234,56 € ». */
function fr(t) {
  const [e, d] = t.replace('-', '').split('.');
  return `${t.startsWith('-') ? '-' : ''}${e.replace(/\B(?=(\d{3})+(?!\d))/g, ' ')},${d} €`;
}

/** Appuie sur `touche`, attend `texte` dans `selecteur`, et rend l'élément qui a alors le focus. */
async function toucherPuisAttendre(page, touche, selecteur, texte) {
  await page.keyboard.press(touche);
  await page.locator(selecteur, { hasText: texte }).waitFor();
  return focus(page);
}

async function telecharger(page, declencher) {
  const [fichier] = await Promise.all([page.waitForEvent('download'), declencher()]);
  return { nom: fichier.suggestedFilename(), octets: readFileSync(await fichier.path()) };
}

describe('la page', { timeout: 180_000 }, () => {
  it('reconnaît chaque fichier à ses colonnes et donne les chiffres calculés à la main (support-deux-niveaux)', async () => {
    const page = await session.page();
    const fichiers = fichiersDuCas('support-deux-niveaux');
    await page.getByLabel('Fichiers à analyser').setInputFiles(fichiers);
    await page.locator('[data-liste] tbody tr').nth(2).waitFor();
    const roles = await page.locator('[data-liste] tbody select').evaluateAll((s) => s.map((x) => x.value));
    assert.deepEqual(roles, ['grand-livre', 'correspondance', 'inducteurs']);
    await page.getByLabel('Exercice').fill('2024');
    await page.getByRole('button', { name: 'Calculer', exact: true }).click();
    const statut = await attendreResultats(page);
    assert.match(statut, /Résultats prêts/);

    // Activités : tableau final du LISEZMOI (directes, indirectes, coût complet, produits, résultat).
    const attendues = {
      A01: ['1 850,00 €', '3 111,41 €', '4 961,41 €', '0,00 €', '-4 961,41 €'],
      A03: ['640,50 €', '2 074,29 €', '2 714,79 €', '0,00 €', '-2 714,79 €'],
      B01: ['6 340,65 €', '3 652,82 €', '9 993,47 €', '8 300,00 €', '-1 693,47 €'],
      B02: ['1 500,00 €', '1 187,16 €', '2 687,16 €', '2 100,00 €', '-587,16 €'],
      C01: ['420,00 €', '2 074,27 €', '2 494,27 €', '900,00 €', '-1 594,27 €'],
    };
    for (const [code, chiffres] of Object.entries(attendues)) {
      const ligne = await cellules(page, `tr[data-activite="${code}"]`);
      assert.deepEqual(ligne.slice(2), chiffres, `activité ${code}`);
    }
    assert.equal(await page.locator('tr[data-activite]').count(), 5, 'aucune autre activité');
    // Total des activités = charges réparties du contrôle (22 851,10).
    assert.equal((await cellules(page, 'tr[data-axe="total"]'))[3], '22 851,10 €');

    // Certifications : rubriques du LISEZMOI.
    const rubrique = async (certification, id) =>
      net(await page.locator(`tr[data-certification="${certification}"] td[data-rubrique="${id}"]`).textContent());
    assert.equal(await rubrique('RNCP34001', 'pedagogie'), '3 100,00 €');
    assert.equal(await rubrique('RNCP34001', 'accompagnement'), '730,25 €');
    assert.equal(await rubrique('RNCP34001', 'structure'), '1 766,82 €');
    assert.equal(await rubrique('RNCP34001', 'communication'), '424,88 €');
    assert.equal(await rubrique('RNCP34002', 'amortissements'), '310,00 €');
    assert.equal(await rubrique('RNCP34002', 'structure'), '1 177,87 €');
    assert.equal(await rubrique('RNCP34002', 'communication'), '283,25 €');
    const rncp1 = await cellules(page, 'tr[data-certification="RNCP34001"]');
    assert.deepEqual(rncp1.slice(1, 6), ['1 200,00', '3 830,25 €', '2 191,70 €', '6 021,95 €', '5 200,00 €']);

    // Pools : montant, part formation, part cma, non réparti, produits.
    const pools = await page.locator('[data-pools] tbody tr').evaluateAll((lignes) => lignes.map((l) => [...l.cells].map((c) => c.textContent)));
    const pool = (code) => pools.map((l) => l.map(net)).find((l) => l[0] === code);
    assert.deepEqual(pool('D02').slice(4), ['3 210,99 €', '1 284,40 €', '1 926,59 €', '0,00 €', '120,00 €']);
    assert.deepEqual(pool('D03').slice(4), ['6 543,28 €', '2 617,31 €', '3 925,97 €', '0,00 €', '0,00 €']);
    assert.deepEqual(pool('D05').slice(4), ['2 345,68 €', '938,27 €', '1 407,41 €', '0,00 €', '0,00 €']);

    // Contrôle.
    const controle = await page.locator('table.controle tbody tr').evaluateAll((l) => l.map((x) => x.textContent));
    assert.ok(controle.map(net).includes('Charges22 851,10 €'), controle.join(' | '));
    assert.ok(controle.map(net).includes('Produits11 420,00 €'));

    // Trace : le centime ex æquo du pool D02 (côté cma) va à A03 avant C01.
    await page.locator('details.trace summary', { hasText: 'D02 gouvernance' }).click();
    const partage = page.locator('details.trace[open] table.partage', { hasText: 'côté cma' });
    // La trace se remplit à l'événement « toggle », qui suit le clic d'une tâche : l'attendre.
    await partage.locator('tbody tr').first().waitFor();
    const parts = (await partage.locator('tbody tr').evaluateAll((l) => l.map((x) => x.textContent))).map(net);
    assert.deepEqual(parts, ['A01régional1,50825,68 €', 'A03régional1,00550,46 €', 'C01régional1,00550,45 €']);

    // Diagnostics : H004 seulement (les deux lignes B01 sans rubrique).
    const codes = await page.locator('[data-table-diagnostics] tbody th').allTextContents();
    assert.deepEqual(codes, ['H004']);

    // Détail d'un chiffre : les lignes du grand livre derrière les charges directes de A01.
    const bouton = page.getByRole('button', { name: /Charges directes de A01/ });
    await bouton.click();
    const dialogue = page.locator('dialog[data-detail]');
    await dialogue.locator('table.lignes tbody tr').first().waitFor();
    assert.match(net(await dialogue.locator('[data-detail-resume]').textContent()), /^1 ligne\(s\) du grand livre : charges 1 850,00 €/);
    assert.deepEqual((await cellules(page, 'dialog table.lignes tbody tr'))
      .filter((c) => c), ['2', '641100', 'EOTP-CONSEIL', 'Salaires conseillers', '1 850,00 €']);
    await page.keyboard.press('Escape');
    assert.equal(await dialogue.evaluate((d) => d.open), false);
    await page.close();
  });

  it('affiche pour chaque cas calculé à la main les chiffres de son attendu.json', async () => {
    const controles = {
      charges: 'Charges', charges_reparties: 'dont réparties (coûts complets des activités)',
      charges_non_reparties: 'dont non réparties (restées sur les pools)', charges_non_rattachees: 'dont non rattachées (objets hors table)',
      produits: 'Produits', produits_non_rattaches: 'dont non rattachés',
    };
    const page = await session.page();
    const cas = readdirSync(path.join(RACINE, 'tests', 'cas')).sort();
    assert.ok(cas.length >= 10);
    for (const nom of cas) {
      const attendu = JSON.parse(readFileSync(path.join(RACINE, 'tests', 'cas', nom, 'attendu.json'), 'utf8'));
      await page.reload();
      await deposerEtCalculer(page, fichiersDuCas(nom));
      for (const a of attendu.activites) {
        const ligne = await cellules(page, `tr[data-activite="${a.code}"]`);
        assert.deepEqual(ligne.slice(2), [a.charges_directes, a.charges_indirectes, a.cout_complet, a.produits, a.resultat].map(fr), `${nom} : ${a.code}`);
      }
      assert.equal(await page.locator('tr[data-activite]').count(), attendu.activites.length, `${nom} : activités`);
      for (const c of attendu.certifications) {
        const ligne = await cellules(page, `tr[data-certification="${c.certification}"]`);
        assert.deepEqual(ligne.slice(2, 6), [c.charges_directes, c.charges_indirectes, c.cout_complet, c.produits].map(fr), `${nom} : ${c.certification}`);
        for (const [id, montant] of Object.entries(c.rubriques ?? {})) {
          const cellule = page.locator(`tr[data-certification="${c.certification}"] td[data-rubrique="${id}"]`);
          assert.equal(net(await cellule.textContent()), fr(montant), `${nom} : ${c.certification} ${id}`);
        }
      }
      const pools = (await page.locator('[data-pools] tbody tr').evaluateAll((l) => l.map((x) => [...x.cells].map((c) => c.textContent))))
        .map((l) => l.map(net));
      assert.equal(pools.length, attendu.pools.length, `${nom} : pools`);
      for (const p of attendu.pools) {
        const ligne = pools.find((l) => l[0] === p.code && l[2] === p.cle && l[3] === (p.site ?? 'régional'));
        assert.ok(ligne, `${nom} : pool ${p.code} ${p.cle} ${p.site}`);
        assert.deepEqual(ligne.slice(4), [p.montant, p.formation, p.cma, p.non_reparti, p.produits].map(fr), `${nom} : pool ${p.code} ${p.cle}`);
      }
      const lignesControle = Object.fromEntries((await page.locator('table.controle tbody tr')
        .evaluateAll((l) => l.map((x) => [...x.cells].map((c) => c.textContent)))).map((l) => l.map(net)));
      for (const [cle, libelle] of Object.entries(controles)) {
        assert.equal(lignesControle[libelle], fr(attendu.controle[cle]), `${nom} : contrôle ${cle}`);
      }
      const codes = await page.locator('#f-code option').evaluateAll((o) => o.map((x) => x.value));
      for (const code of attendu.diagnostics ?? []) assert.ok(codes.includes(code), `${nom} : ${code} attendu (${codes})`);
      for (const code of attendu.diagnostics_absents ?? []) assert.ok(!codes.includes(code), `${nom} : ${code} inattendu`);
    }
    await page.close();
  });

  it('lit un export SAP en Windows-1252 et des classeurs XLSX comme le CSV, détail d’un chiffre compris', async () => {
    // Ces grands livres ne se lisent pas à mesure : le module les reprend en entier (travailleur.js).
    const attendu = JSON.parse(readFileSync(path.join(RACINE, 'tests', 'cas', 'multi-sites', 'attendu.json'), 'utf8'));
    const page = await session.page();
    for (const [dossier, extension] of [['sap', 'csv'], ['xlsx', 'xlsx']]) {
      const fichiers = ['grand-livre', 'correspondance', 'inducteurs'].map((f) => path.join(RACINE, 'tests', 'formats', dossier, `${f}.${extension}`));
      await page.reload();
      await page.getByLabel('Fichiers à analyser').setInputFiles(fichiers);
      await page.locator('[data-liste] tbody tr').nth(2).waitFor();
      // Chacun reconnu à ses colonnes, le classeur du grand livre à sa seconde feuille,
      // « Grand livre » (la première n'est qu'une note).
      for (const role of ['grand-livre', 'correspondance', 'inducteurs']) {
        assert.equal(await page.getByLabel(`Rôle de « ${role}.${extension} »`).inputValue(), role, `${dossier} : ${role}`);
      }
      assert.equal((net(await page.locator('[data-liste]').textContent()).match(/reconnu à ses colonnes/g) ?? []).length, 3);
      await page.getByLabel('Exercice').fill('2024');
      await page.getByRole('button', { name: 'Calculer', exact: true }).click();
      await attendreResultats(page);
      for (const a of attendu.activites) {
        const ligne = await cellules(page, `tr[data-activite="${a.code}"]`);
        assert.deepEqual(ligne.slice(2), [a.charges_directes, a.charges_indirectes, a.cout_complet, a.produits, a.resultat].map(fr), `${dossier} : ${a.code}`);
      }
      const b01 = attendu.activites.find((a) => a.code === 'B01');
      await page.getByRole('button', { name: /Charges directes de B01/ }).click();
      const dialogue = page.locator('dialog[data-detail]');
      await dialogue.locator('table.lignes tbody tr').first().waitFor();
      assert.match(net(await dialogue.locator('[data-detail-resume]').textContent()), new RegExp(`ligne\\(s\\) du grand livre : charges ${fr(b01.charges_directes)}`), dossier);
      await page.keyboard.press('Escape');
    }
    await page.close();
  });

  it('lit un grand livre à deux travailleurs, une moitié chacun, comme à un seul, détail d’un chiffre compris', async () => {
    // L'attribut « partage-octets » abaisse le seuil (32 Mio) : l'exemple et l'export SAP en
    // Windows-1252 se lisent alors à deux travailleurs.
    const lire = async (fichiers, seuil) => {
      const page = await session.page();
      await page.evaluate((v) => document.querySelector('cma-analytique').setAttribute('partage-octets', v), seuil);
      await deposerEtCalculer(page, fichiers);
      const activites = await page.locator('tr[data-activite]').evaluateAll((l) => l.map((x) => x.textContent));
      const entete = net(await page.locator('[data-entete-resultats]').textContent());
      const statut = net(await page.locator('[data-statut]').textContent()).replace(/ en [^:]+:/, ' :');
      // Le détail des charges directes de B01 : dans l'exemple, ses lignes viennent des deux
      // moitiés du fichier.
      await page.getByRole('button', { name: /Charges directes de B01,/ }).click();
      const dialogue = page.locator('dialog[data-detail]');
      await dialogue.locator('table.lignes tbody tr').first().waitFor();
      const detail = net(await dialogue.locator('[data-detail-resume]').textContent());
      const lignes = (await dialogue.locator('table.lignes tbody tr th').allTextContents()).map(Number);
      await page.close();
      return { activites, entete, statut, detail, lignes };
    };
    const exemple = ['grand-livre.csv', 'correspondance.csv', 'inducteurs.csv'].map((f) => path.join(RACINE, 'www', 'exemple', f));
    const sap = ['grand-livre', 'correspondance', 'inducteurs'].map((f) => path.join(RACINE, 'tests', 'formats', 'sap', `${f}.csv`));
    for (const [nom, fichiers] of [['exemple', exemple], ['SAP', sap]]) {
      const un = await lire(fichiers, '0');
      const deux = await lire(fichiers, '1');
      assert.doesNotMatch(un.entete, /deux travailleurs/, nom);
      assert.match(deux.entete, /une moitié du grand livre par cœur, deux travailleurs/, nom);
      assert.ok(un.activites.length > 0, nom);
      assert.deepEqual(deux.activites, un.activites, nom);
      assert.equal(deux.statut, un.statut, nom);
      assert.equal(deux.detail, un.detail, nom);
      assert.deepEqual(deux.lignes, un.lignes, nom);
      const moitie = readFileSync(fichiers[0]).toString('latin1').split('\n').length / 2;
      if (nom === 'exemple') assert.ok(un.lignes.some((l) => l < moitie) && un.lignes.some((l) => l > moitie), un.lignes.join());
    }
  });

  it('exporte un classeur XLSX, des CSV et le JSON qui se relisent', async () => {
    const page = await session.page();
    await deposerEtCalculer(page, fichiersDuCas('support-deux-niveaux'));
    const classeur = await telecharger(page, () => page.getByRole('button', { name: 'Classeur XLSX' }).click());
    assert.equal(classeur.nom, 'cma-analytique-resultats.xlsx');
    const wb = XLSX.read(classeur.octets, { type: 'buffer' });
    assert.deepEqual(wb.SheetNames, ['Activités', 'Certifications', 'Pools', 'Répartition', 'Contrôle', 'Diagnostics']);
    const activites = XLSX.utils.sheet_to_json(wb.Sheets['Activités']);
    const a01 = activites.find((l) => l.code === 'A01');
    assert.equal(a01['coût complet'], 4961.41);
    assert.equal(a01['résultat'], -4961.41);
    assert.equal(activites.find((l) => l.code === 'B01')['charges indirectes'], 3652.82);
    const rncp = XLSX.utils.sheet_to_json(wb.Sheets.Certifications).find((l) => l.certification === 'RNCP34001');
    assert.equal(rncp['Charges de structure et de fonctions support'], 1766.82);
    assert.equal(rncp['heures apprenants'], 1200);
    const pools = XLSX.utils.sheet_to_json(wb.Sheets.Pools);
    assert.equal(pools.find((p) => p.code === 'D03')['part cma'], 3925.97);
    assert.deepEqual(XLSX.utils.sheet_to_json(wb.Sheets.Diagnostics).map((d) => d.code), ['H004']);
    assert.equal(wb.Sheets['Activités'].B2?.t, 's', 'les libellés sont du texte');

    await page.getByLabel('Table en CSV').selectOption('certifications');
    const csv = await telecharger(page, () => page.getByRole('button', { name: 'Télécharger le CSV' }).click());
    const texte = csv.octets.toString('utf8');
    assert.ok(texte.startsWith('\ufeffcertification;charges directes;'), texte.slice(0, 60));
    assert.match(texte, /\r\nRNCP34001;3830,25;2191,70;6021,95;5200,00;1200,00;3100,00;730,25;1766,82;424,88;/);

    const json = JSON.parse((await telecharger(page, () => page.getByRole('button', { name: 'Document JSON' }).click())).octets.toString('utf8'));
    assert.equal(json.activites.find((a) => a.code === 'C01').cout_complet, '2494.27');
    assert.equal(json.controle.charges, '22851.10');
    await page.close();
  });

  it('reconnaît le rôle d’un classeur de plus de 64 Kio, à la feuille que son lecteur lira', async () => {
    const page = await session.page();
    // Écrit par SheetJS (pas par l'outil) : une feuille de notes, puis le grand livre.
    const lignes = [['Compte', 'Élément d\'OTP', 'Débit', 'Crédit', 'Date']];
    for (let i = 0; i < 20000; i++) lignes.push(['641100', `EOTP-${String(i).padStart(5, '0')}`, `${i},25`, '', '2024-03-31']);
    const classeur = XLSX.utils.book_new();
    XLSX.utils.book_append_sheet(classeur, XLSX.utils.aoa_to_sheet([['Export du grand livre 2024']]), 'Notes');
    XLSX.utils.book_append_sheet(classeur, XLSX.utils.aoa_to_sheet(lignes), 'Grand livre');
    const chemin = path.join(temporaire, 'export-sap.xlsx');
    XLSX.writeFile(classeur, chemin, { compression: true });
    assert.ok(statSync(chemin).size > 64 * 1024, `${statSync(chemin).size} octets`);
    await page.getByLabel('Fichiers à analyser').setInputFiles([chemin]);
    await page.locator('[data-liste] tbody tr').first().waitFor();
    assert.equal(await page.getByLabel('Rôle de « export-sap.xlsx »').inputValue(), 'grand-livre');
    assert.match(net(await page.locator('[data-liste]').textContent()), /reconnu à ses colonnes/);
    await page.close();
  });

  it('rend les textes des fichiers en texte, neutralise les formules du CSV et écarte un fichier non reconnu', async () => {
    const page = await session.page();
    const piege = '<img src=x onerror="window.__piege=1">';
    const ecrire = (nom, texte) => {
      const chemin = path.join(temporaire, nom);
      writeFileSync(chemin, texte);
      return chemin;
    };
    const fichiers = [
      ecrire('gl.csv', `compte;objet;debit;credit;libelle\n641100;CAP;100,00;;x\n641100;${piege};50,00;;<b>gras</b>\n`),
      ecrire('map.csv', 'objet;code;certification\nCAP;B01;"=HYPERLINK(""http://exemple.invalid"";""clic"")"\n'),
      ecrire('ind.csv', 'inducteur;code;certification;valeur\nheures_apprenants;B01;"=HYPERLINK(""http://exemple.invalid"";""clic"")";10\n'),
      ecrire('notes.csv', 'nom;prenom\nDupont;Jean\n'),
    ];
    await page.getByLabel('Fichiers à analyser').setInputFiles(fichiers);
    await page.locator('[data-liste] tbody tr').nth(3).waitFor();
    assert.equal(await page.getByLabel('Rôle de « notes.csv »').inputValue(), '');
    assert.match(net(await page.locator('[data-liste]').textContent()), /colonnes non reconnues/);
    await page.getByRole('button', { name: 'Calculer', exact: true }).click();
    await attendreResultats(page);
    const diagnostics = net(await page.locator('[data-table-diagnostics]').textContent());
    assert.ok(diagnostics.includes(`objet « ${piege} » absent`), diagnostics);
    assert.equal(await page.evaluate(() => window.__piege), undefined);
    assert.equal(await page.locator('cma-analytique img').count(), 0);
    assert.ok(net(await page.locator('[data-certifications]').textContent()).includes('=HYPERLINK("http://exemple.invalid";"clic")'));
    await page.getByLabel('Table en CSV').selectOption('certifications');
    const csv = (await telecharger(page, () => page.getByRole('button', { name: 'Télécharger le CSV' }).click())).octets.toString('utf8');
    assert.match(csv, /\r\n"'=HYPERLINK\(""http:\/\/exemple\.invalid"";""clic""\)";100,00;/);
    // La ligne fautive s'ouvre depuis son diagnostic, en texte.
    await page.getByRole('button', { name: 'Voir la ligne 3 du fichier grand-livre' }).click();
    const dialogue = page.locator('dialog[data-detail]');
    await dialogue.locator('tbody tr').first().waitFor();
    assert.ok(net(await dialogue.textContent()).includes('libelle<b>gras</b>'));
    await page.keyboard.press('Escape');
    await page.close();
  });

  it('propose les modèles, que la page reconnaît ensuite dans leur rôle', async () => {
    const page = await session.page();
    await page.getByText('Modèles de fichiers (CSV)').click();
    const modeles = [];
    for (const [bouton, role] of [['Modèle du grand livre', 'grand-livre'], ['Modèle de la table de correspondance', 'correspondance'], ['Modèle des inducteurs', 'inducteurs']]) {
      const m = await telecharger(page, () => page.getByRole('button', { name: bouton }).click());
      assert.equal(m.nom, `modele-${role}.csv`);
      const chemin = path.join(temporaire, `modele-${role}.csv`);
      writeFileSync(chemin, m.octets);
      modeles.push(chemin);
    }
    assert.ok(readFileSync(modeles[0], 'utf8').startsWith('\ufeffcompte;objet;debit;credit;'));
    await page.getByLabel('Fichiers à analyser').setInputFiles([...modeles].reverse());
    await page.locator('[data-liste] tbody tr').nth(2).waitFor();
    const roles = await page.locator('[data-liste] tbody select').evaluateAll((s) => s.map((x) => x.value));
    assert.deepEqual(roles, ['inducteurs', 'correspondance', 'grand-livre']);
    await page.close();
  });

  it('accepte les fichiers glissés-déposés dans le cadre', async () => {
    const page = await session.page();
    const contenus = ['grand-livre.csv', 'correspondance.csv', 'inducteurs.csv']
      .map((nom) => readFileSync(path.join(RACINE, 'tests', 'cas', 'pilotage', nom), 'utf8'));
    const transfert = await page.evaluateHandle((textes) => {
      const dt = new DataTransfer();
      textes.forEach((t, i) => dt.items.add(new File([t], `depose-${i}.csv`, { type: 'text/csv' })));
      return dt;
    }, contenus);
    await page.locator('[data-zone]').dispatchEvent('drop', { dataTransfer: transfert });
    await page.locator('[data-liste] tbody tr').nth(2).waitFor();
    const roles = await page.locator('[data-liste] tbody select').evaluateAll((s) => s.map((x) => x.value));
    assert.deepEqual(roles, ['grand-livre', 'correspondance', 'inducteurs']);
    assert.equal(await page.getByRole('button', { name: 'Calculer', exact: true }).isEnabled(), true);
    await page.close();
  });

  it('refuse d’emblée un fichier plus grand que la page n’accepte, en disant la limite', async () => {
    const page = await session.page();
    // La limite de la page (2 Gio) baissée par l'attribut d'intégration, pour le test.
    await page.locator('cma-analytique').evaluate((e) => e.setAttribute('limite-octets', '100'));
    const [grandLivre] = fichiersDuCas('charges-directes');
    await page.getByLabel('Fichiers à analyser').setInputFiles([grandLivre]);
    const alerte = page.locator('[data-alerte]');
    await alerte.filter({ hasText: 'limite' }).waitFor();
    assert.match(await alerte.textContent(), /au-delà de la limite de 100 octets de la page, il n’est pas lu|au-delà de la limite de 100 octets de la page, il n'est pas lu/);
    assert.equal(await page.locator('[data-liste] tbody tr').count(), 0);
    await page.close();
  });

  it('charge l’exemple « CMA de région Exemple » en un clic, avec ses anomalies, et en fait une capture', async () => {
    const page = await session.page();
    const debut = Date.now();
    await page.getByRole('button', { name: 'Charger l\'exemple « CMA de région Exemple »' }).click();
    const statut = await attendreResultats(page);
    const ms = Date.now() - debut;
    console.log(`exemple : du clic aux résultats ${ms} ms (${statut})`);
    assert.match(statut, /3 erreurs, 5 avertissements, 2 infos/);
    assert.equal(await page.locator('tr[data-certification]').count(), 10);
    const codes = new Set(await page.locator('[data-table-diagnostics] tbody th').allTextContents());
    for (const code of ['M001', 'F003', 'F005', 'F007', 'I002', 'M004', 'H001', 'H004']) assert.ok(codes.has(code), code);
    // Filtre par gravité.
    await page.getByLabel('Gravité').selectOption('erreur');
    await page.locator('[data-table-diagnostics] tbody tr').nth(2).waitFor();
    assert.deepEqual(await page.locator('[data-table-diagnostics] tbody th').allTextContents(), ['M001', 'F003', 'F005']);
    // Filtres par code et par fichier.
    await page.getByLabel('Gravité').selectOption('');
    await page.locator('#f-code').selectOption('M004');
    await page.locator('[data-page-texte]', { hasText: '1–3 sur 3' }).waitFor({ state: 'attached' });
    assert.deepEqual(await page.locator('[data-table-diagnostics] tbody th').allTextContents(), ['M004', 'M004', 'M004']);
    await page.locator('#f-code').selectOption('');
    const [fichier, nombre] = await page.locator('#f-fichier option').nth(1)
      .evaluate((o) => [o.value, Number(o.textContent.match(/\((\d+)\)/)[1])]);
    await page.locator('#f-fichier').selectOption(fichier);
    await page.locator('[data-page-texte]', { hasText: `1–${nombre} sur ${nombre}` }).waitFor({ state: 'attached' });
    const fichiers = await page.locator('[data-table-diagnostics] tbody td:nth-child(3)').allTextContents();
    assert.equal(fichiers.length, nombre);
    assert.ok(fichiers.every((f) => f === fichier), fichiers.join());
    // Les deux graphiques et leur tableau de remplacement.
    // Celui des flux est dessiné juste après le premier affichage des résultats.
    await page.locator('[data-graphique-flux] svg[role="img"]').waitFor();
    assert.equal(await page.locator('figure svg[role="img"]').count(), 2);
    // Celui du flux (des milliers de lignes pour une région) n'est fait qu'à sa première ouverture.
    assert.equal(await page.locator('[data-graphique-flux] details table').count(), 0);
    await page.locator('[data-graphique-flux] details > summary').click();
    await page.locator('[data-graphique-flux] details table tbody tr').first().waitFor();
    assert.ok(await page.locator('[data-graphique-flux] details table tbody tr').count() > 20);
    await page.screenshot({ path: path.join(SORTIES, 'resultats-exemple.png'), fullPage: true });
    assert.ok(statSync(path.join(SORTIES, 'resultats-exemple.png')).size > 50_000);
    // Feuille d'impression : un rapport sans les commandes.
    await page.emulateMedia({ media: 'print' });
    assert.equal(await page.locator('[data-parametres]').isVisible(), false);
    assert.equal(await page.locator('table.activites').isVisible(), true);
    // Imprimé, un graphique tient dans la largeur de la page (il ne défile pas sur papier).
    await page.setViewportSize({ width: 600, height: 900 });
    const debords = await page.locator('figure.graphique').evaluateAll((l) => l.map((f) => f.querySelector('svg').getBoundingClientRect().width - f.getBoundingClientRect().width));
    assert.ok(debords.length === 2 && debords.every((d) => d <= 0.5), debords.join());
    await page.setViewportSize({ width: 1280, height: 900 });
    await page.pdf({ path: path.join(SORTIES, 'rapport-exemple.pdf') });
    await page.emulateMedia({ media: 'screen' });
    await page.close();
  });

  it('se commande au clavier seul, avec un focus visible', async () => {
    const page = await session.page();
    const entree = await tabulerJusqua(page, (f) => f.balise === 'input' && f.nom === 'fichiers');
    assert.ok(entree.contour, 'focus visible sur le champ de fichiers');
    const exemple = await tabulerJusqua(page, (f) => f.texte.startsWith('Charger l\'exemple'));
    assert.ok(exemple.contour, 'focus visible sur le bouton');
    await page.keyboard.press('Enter');
    await attendreResultats(page);
    // Le sommaire mène aux activités ; de là, le premier montant ouvre son détail.
    await tabulerJusqua(page, (f) => f.balise === 'a' && f.texte === 'Activités');
    await page.keyboard.press('Enter');
    assert.equal((await focus(page)).texte, 'Activités nationales par axe');
    const montant = await tabulerJusqua(page, (f) => f.balise === 'button' && f.nom.startsWith('Charges directes de A01'));
    assert.ok(montant.contour, 'focus visible sur un montant');
    await page.keyboard.press('Enter');
    await page.locator('dialog[data-detail] table.lignes tbody tr').first().waitFor();
    assert.ok((await focus(page)).dansDialogue, 'le focus entre dans le détail');
    await page.keyboard.press('Escape');
    const retour = await focus(page);
    assert.ok(retour.nom.startsWith('Charges directes de A01'), `le focus revient au montant (${retour.nom})`);
    // Un filtre de diagnostics se change au clavier.
    await tabulerJusqua(page, (f) => f.balise === 'select' && f.nom === 'f-gravite', 400);
    await page.keyboard.press('ArrowDown');
    await page.locator('[data-table-diagnostics] tbody tr.gravite-erreur').first().waitFor();
    assert.equal(await page.locator('[data-table-diagnostics] tbody tr:not(.gravite-erreur)').count(), 0);
    await page.close();
  });

  it('calcule un grand livre d’un million de lignes sans figer la page, et l’annulation arrête un calcul', async () => {
    const { dossier, fichiers } = await grandJeu(1_000_000);
    try {
      const page = await session.page();
      // Annulation pendant la lecture ou le calcul, puis reprise.
      await page.getByLabel('Fichiers à analyser').setInputFiles(fichiers);
      await page.locator('[data-liste] tbody tr').nth(2).waitFor();
      await page.getByRole('button', { name: 'Calculer', exact: true }).click();
      await page.getByRole('button', { name: 'Annuler le calcul' }).click();
      await page.locator('[data-statut]', { hasText: 'Calcul annulé.' }).waitFor();
      assert.equal(await page.locator('[data-resultats]').isVisible(), false);

      // Du dépôt des fichiers aux résultats, mesuré ; la page répond pendant le calcul.
      await page.reload();
      const debut = Date.now();
      await page.getByLabel('Fichiers à analyser').setInputFiles(fichiers);
      await page.locator('[data-liste] tbody tr').nth(2).waitFor();
      await page.getByRole('button', { name: 'Calculer', exact: true }).click();
      await page.locator('[data-progression]').waitFor();
      const t = Date.now();
      assert.equal(await page.evaluate(() => 6 * 7), 42);
      const reponse = Date.now() - t;
      const statut = await attendreResultats(page, 120_000);
      const ms = Date.now() - debut;
      const entete = net(await page.locator('[data-entete-resultats]').textContent());
      console.log(`1 000 000 lignes (${(statSync(fichiers[0]).size / 1e6).toFixed(1)} Mo) : des fichiers aux résultats ${ms} ms ; ${entete} ; la page a répondu en ${reponse} ms pendant le calcul`);
      assert.match(statut, /Résultats prêts/);
      assert.ok(reponse < 1000, `la page doit rester réactive (${reponse} ms)`);
      assert.match(net(await page.locator('[data-synthese]').textContent()), /Identité de contrôle vérifiée/);
      // Les diagnostics restent en mémoire WebAssembly : la page n'en reçoit qu'une page à la fois.
      assert.ok(await page.locator('[data-table-diagnostics] tbody tr').count() <= 50);
      await page.close();
    } finally {
      rmSync(dossier, { recursive: true, force: true });
    }
  });

  it('s’intègre à une autre page comme élément <cma-analytique>', async () => {
    const page = await session.page('embarquer.html');
    await page.locator('cma-analytique').getByRole('button', { name: /Charger l'exemple/ }).click();
    assert.match(await attendreResultats(page), /Résultats prêts/);
    assert.equal(await page.locator('cma-analytique tr[data-certification]').count(), 10);
    await page.close();
  });

  it('garde le focus quand un bouton se désactive, nomme ses cadres et ses graphiques, et se lit à 400 px (RGAA)', async () => {
    const page = await session.page();
    // Vides, les régions d'état restent dans l'arbre d'accessibilité (sinon rien n'est annoncé).
    assert.deepEqual(await regionsEtatCachees(page, 'analytique'), []);
    await page.getByRole('button', { name: 'Charger l\'exemple « CMA de région Exemple »' }).click();
    await attendreResultats(page);
    // Le rôle d'un fichier changé au clavier : le tableau des fichiers est refait, le focus reste
    // sur le choix de ce fichier.
    await page.getByLabel('Rôle de « grand-livre.csv »').focus();
    assert.equal((await toucherPuisAttendre(page, 'ArrowDown', '[data-manque]', 'Plusieurs fichiers')).nom, 'Rôle de « grand-livre.csv »');
    assert.equal((await toucherPuisAttendre(page, 'ArrowUp', '[data-manque]', 'Les trois fichiers sont là')).nom, 'Rôle de « grand-livre.csv »');
    // « Calculer » pressé au clavier se désactive : le focus passe à « Annuler le calcul », puis,
    // les résultats prêts, à leur titre — jamais à <body>.
    await page.getByRole('button', { name: 'Calculer', exact: true }).focus();
    await page.keyboard.press('Enter');
    const pendant = await focus(page);
    assert.ok(['Annuler le calcul', '3. Résultats'].includes(pendant.texte), `focus pendant le calcul : <${pendant.balise}> ${pendant.texte}`);
    await page.locator('[data-statut]', { hasText: 'Résultats prêts' }).waitFor();
    assert.equal((await focus(page)).texte, '3. Résultats');
    // Chaque cadre de défilement est une région nommée par la légende de son tableau, au clavier.
    assert.deepEqual(await cadresSansNom(page, 'analytique'), []);
    // Le tableau de chaque graphique dit de quel graphique il est.
    await page.locator('[data-graphique-flux] svg[role="img"]').waitFor();
    const legendes = await legendesDesGraphiques(page, 'analytique');
    assert.equal(legendes.length, 2);
    assert.deepEqual(await resumesDesGraphiques(page, 'analytique'), legendes.map((l) => `Données en tableau : ${l}`));
    // À 400 px de large (RGAA 10.11), tout dépliés : la page ne défile pas en largeur (un tableau
    // large défile dans son cadre) et le texte des graphiques garde 12 px au moins.
    await page.locator('[data-panneau="analytique"]').evaluate((p) => p.querySelectorAll('details').forEach((d) => { d.open = true; }));
    await page.locator('details.trace table').first().waitFor();
    // Les longues sections ne sont mises en page qu'à leur approche (content-visibility) : toutes
    // mises en page ici, pour que leur largeur compte.
    await page.locator('[data-panneau="analytique"]').evaluate((p) => p.querySelectorAll('#r-certifications, #r-pools').forEach((s) => { s.style.contentVisibility = 'visible'; }));
    await page.setViewportSize({ width: 400, height: 900 });
    assert.equal(await debordement(page), 0, 'pas de défilement horizontal de la page à 400 px');
    assert.deepEqual(await textesTropPetits(page, 'analytique'), []);
    assert.deepEqual(await cadresSansNom(page, 'analytique'), []);
    await page.screenshot({ path: path.join(SORTIES, 'analytique-400px.png'), fullPage: true });
    // Un fichier retiré au clavier : sa ligne disparaît, « Calculer » se désactive, le focus va au
    // champ de fichiers.
    await page.getByRole('button', { name: 'Retirer « inducteurs.csv »' }).focus();
    await page.keyboard.press('Enter');
    assert.equal((await focus(page)).nom, 'fichiers');
    assert.equal(await page.getByRole('button', { name: 'Calculer', exact: true }).isDisabled(), true);
    await page.close();
  });

  it('passe d’une page de diagnostics à l’autre au clavier sans perdre le focus', async () => {
    const page = await session.page();
    // Le cas support-deux-niveaux, plus 60 lignes dont le montant est illisible (60 F003).
    const fichiers = fichiersDuCas('support-deux-niveaux');
    const illisibles = Array.from({ length: 60 }, (_, i) => `641100;EOTP-CONSEIL;${i}x;;illisible`).join('\n');
    writeFileSync(fichiers[0], `${readFileSync(fichiers[0], 'utf8').trimEnd()}\n${illisibles}\n`);
    assert.match(await deposerEtCalculer(page, fichiers), /Résultats prêts/);
    await page.locator('[data-page-texte]', { hasText: '1–50 sur' }).waitFor();
    // « Diagnostics suivants » mène à la dernière page et s'y désactive : le focus passe à
    // « Diagnostics précédents » ; et inversement.
    await page.getByRole('button', { name: 'Diagnostics suivants' }).focus();
    assert.equal((await toucherPuisAttendre(page, 'Enter', '[data-page-texte]', '51–')).texte, 'Diagnostics précédents');
    assert.equal((await toucherPuisAttendre(page, 'Enter', '[data-page-texte]', '1–50 sur')).texte, 'Diagnostics suivants');
    await page.close();
  });

  it('n’envoie aucune requête hors de 127.0.0.1 et ne lève aucune erreur (CSP comprise)', () => {
    assert.ok(session.requetes.some((u) => u.endsWith('/pkg/cma_analytique_bg.wasm')), 'le module (chargé par le travailleur) est bien vu');
    assert.ok(session.requetes.some((u) => u.endsWith('/app/travailleur.js')));
    assert.deepEqual(requetesExterieures(session.requetes), []);
    assert.deepEqual(session.erreurs, []);
  });
});
