// The target of issue #6 in the browser: from the drop of the files to the results on screen,
// measured in Debian's headless Chromium driven by playwright-core (the end-to-end tests'
// session: tests/e2e/outils.mjs), on the benchmark's generated files.
//
//   node bench/navigateur.mjs <dossier> [passages]
//   node bench/navigateur.mjs <grand livre> <correspondance> <inducteurs> [passages]
//
// A folder holds grand-livre.csv, correspondance.csv and inducteurs.csv (the generator's
// names); three files, of any name and format the page reads, are recognised by the page itself.
// Each pass opens the page afresh (its worker and WebAssembly module are loaded as for a user),
// gives the three files to the file input, clicks « Calculer » and waits for « Résultats prêts »
// (polled at every frame) and the frame that paints it.
// Prints one JSON object: every pass in milliseconds, the worker's own split of the best one
// (reading the files into the module, computing) as the page shows it, and the page's split of
// it from its User Timing marks. Each pass drops the files once the page's module is ready
// (loaded and warmed up while the page waits, as for a user who opens the page and then picks
// the files).

import { statSync } from 'node:fs';
import path from 'node:path';
import { demarrer, attendreResultats, net } from '../tests/e2e/outils.mjs';

const args = process.argv.slice(2);
const existe = (f) => statSync(f, { throwIfNoEntry: false });
const dossier = args.length > 0 && existe(args[0])?.isDirectory() === true;
const fichiers = dossier
  ? ['grand-livre.csv', 'correspondance.csv', 'inducteurs.csv'].map((f) => path.resolve(args[0], f))
  : args.slice(0, 3).map((f) => path.resolve(f));
const passages = Number((dossier ? args[1] : args[3]) ?? '3');
const absents = fichiers.filter((f) => !existe(f)?.isFile());
if (fichiers.length !== 3 || absents.length || !(Number.isInteger(passages) && passages >= 1)) {
  if (absents.length) console.error(`fichier introuvable : ${absents.join(', ')}`);
  console.error('usage : node bench/navigateur.mjs <dossier> [passages ≥ 1] | <grand livre> <correspondance> <inducteurs> [passages ≥ 1]');
  process.exit(2);
}
const octets = fichiers.reduce((s, f) => s + statSync(f).size, 0);

const session = await demarrer();
const mesures = [];
try {
  for (let i = 0; i < passages; i++) {
    const page = await session.page();
    // Comme pour un utilisateur, qui ouvre la page puis choisit ses fichiers : le dépôt suit la
    // mise en route du module (chargé et préchauffé page au repos, marque « cma:module-pret »).
    await page.waitForFunction(() => performance.getEntriesByName('cma:module-pret').length > 0, null, { timeout: 60_000 });
    const debut = Date.now();
    await page.getByLabel('Fichiers à analyser').setInputFiles(fichiers);
    await page.locator('[data-liste] tbody tr').nth(2).waitFor();
    const reconnus = Date.now() - debut;
    await page.getByRole('button', { name: 'Calculer', exact: true }).click();
    // The status, polled at every frame: the locators' own waiting polls at growing intervals,
    // which added up to a few hundred milliseconds to the time measured.
    await page.waitForFunction(() => /Résultats prêts|Calcul impossible/.test(document.querySelector('cma-analytique')?.shadowRoot
      ?.querySelector('[data-statut]')?.textContent ?? ''), null, { polling: 'raf', timeout: 300_000 });
    // Then the frame that paints it: the results on screen.
    await page.evaluate(() => new Promise((r) => { requestAnimationFrame(() => setTimeout(r, 0)); }));
    const ms = Date.now() - debut;
    const statut = await attendreResultats(page, 1_000);
    if (!/Résultats prêts/.test(statut)) throw new Error(`calcul impossible : ${statut}`);
    const marques = Object.fromEntries(await page.evaluate(() => performance.getEntriesByType('mark')
      .filter((m) => m.name.startsWith('cma:')).map((m) => [m.name.slice(4), m.startTime])));
    mesures.push({ ms, reconnus, marques, entete: net(await page.locator('[data-entete-resultats]').textContent()) });
    await page.close();
  }
} finally {
  await session.arreter();
}
if (session.erreurs.length) {
  console.error(session.erreurs.join('\n'));
  process.exit(1);
}
const meilleur = mesures.reduce((a, b) => (b.ms < a.ms ? b : a));
console.log(JSON.stringify({
  octets,
  passages: mesures.map((m) => m.ms),
  meilleur_ms: meilleur.ms,
  // Files listed with their recognised roles (before « Calculer »).
  fichiers_reconnus_ms: meilleur.reconnus,
  entete: meilleur.entete,
  // The page's own split of the best pass (its User Timing marks, www/app/application.js); the
  // rest of `meilleur_ms` is the driver's (file input, click, polling for the status).
  partage: {
    reconnaissance_ms: Math.round(meilleur.marques.reconnus - meilleur.marques.depot),
    calcul_ms: Math.round(meilleur.marques['resultat-recu'] - meilleur.marques.calcul),
    affichage_ms: Math.round(meilleur.marques.affiche - meilleur.marques['resultat-recu']),
  },
}));
