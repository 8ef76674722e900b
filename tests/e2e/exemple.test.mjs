// L'exemple intégré (« CMA de région Exemple », www/exemple/) jusqu'au préprojet, dans le Chromium
// de Debian sans tête : un clic le charge et le calcule ; l'onglet du préprojet reprend ce calcul
// avec l'organisme, les intitulés des certifications et une date d'envoi de la campagne de
// l'exemple (30 juin 2025, dix jours avant la date limite du 10 juillet 2025). Ses codes de
// certification ont le format attendu (aucun P004) ; sa seule marge au-delà de 20 % est signalée
// (P002, www/exemple/LISEZMOI.md).

import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { attendreResultats, demarrer, net, requetesExterieures } from './outils.mjs';

let session;

before(async () => {
  session = await demarrer();
});

after(async () => {
  await session?.arreter();
});

describe('l’exemple intégré jusqu’au préprojet', { timeout: 120_000 }, () => {
  it('donne un préprojet à l’heure, aux certifications codées et titrées', async () => {
    const page = await session.page();
    await page.getByRole('button', { name: 'Charger l\'exemple « CMA de région Exemple »' }).click();
    await attendreResultats(page);
    await page.getByRole('tab', { name: 'Préprojet CFA, ETP et loyer' }).click();
    const panneau = page.locator('[data-panneau="preprojet"]');
    assert.equal(await panneau.getByLabel('Nom de l\'organisme').inputValue(), 'CMA de région Exemple');
    assert.equal(await panneau.getByLabel('Date d\'envoi du préprojet à CMA France').inputValue(), '2025-06-30');
    await panneau.getByRole('button', { name: 'Calculer le préprojet' }).click();
    const statut = panneau.locator('[data-pp-statut]');
    await statut.filter({ hasText: 'Préprojet prêt' }).waitFor({ timeout: 30_000 });
    assert.match(net(await statut.textContent()),
      /^Préprojet prêt : 10 lignes certification × site ; à l’heure, 10 jours d’avance ; \d+ contrôles? à lire\.$/);
    assert.equal(net(await panneau.locator('[data-pp-date="limite"]').textContent()), '10/07/2025');
    // Codes au format de France compétences, intitulés tirés de certifications.csv.
    const cuisine = net(await panneau.locator('tr[data-pp-ligne="50022101|Nord"]').textContent());
    assert.match(cuisine, /50022101.*CAP Cuisine/);
    const codes = await panneau.locator('table.pp-diagnostics tbody tr').evaluateAll((l) => l.map((tr) => tr.querySelector('th').textContent.trim()));
    assert.ok(!codes.includes('P004'), codes.join());
    const p002 = net(await panneau.locator('table.pp-diagnostics tr', { hasText: 'P002' }).textContent());
    assert.match(p002, /certification « RNCP90104 »/);
    assert.deepEqual(requetesExterieures(session.requetes), []);
    assert.deepEqual(session.erreurs, []);
    await page.close();
  });
});
