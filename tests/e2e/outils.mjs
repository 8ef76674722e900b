// Outils communs des tests de bout en bout : le serveur local de www/, Chromium de Debian piloté
// par playwright-core (jamais de navigateur téléchargé), l'espion du réseau, et quelques aides
// de lecture de la page (l'application vit dans la racine fantôme de <cma-analytique>).

import { mkdirSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium } from 'playwright-core';
import { servir } from '../../scripts/serveur.mjs';

export const RACINE = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
export const SORTIES = path.join(RACINE, 'target', 'e2e');
mkdirSync(SORTIES, { recursive: true });

const CHROMIUM = process.env.CHROMIUM ?? '/usr/bin/chromium';
// Drapeaux de toolchain.md : sans eux, Chromium cherche à joindre des hôtes extérieurs.
const DRAPEAUX = ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking',
  '--disable-component-update', '--disable-sync', '--disable-default-apps', '--lang=fr-FR'];

/** Démarre le serveur et Chromium ; `requetes` reçoit toutes les requêtes de la session. */
export async function demarrer() {
  const serveur = await servir();
  const navigateur = await chromium.launch({ executablePath: CHROMIUM, args: DRAPEAUX });
  const contexte = await navigateur.newContext({ acceptDownloads: true, locale: 'fr-FR', viewport: { width: 1280, height: 900 } });
  const requetes = [];
  const erreurs = [];
  contexte.on('request', (r) => requetes.push(r.url()));
  contexte.on('weberror', (e) => erreurs.push(`erreur de page : ${e.error().message}`));
  return {
    url: serveur.url,
    contexte,
    requetes,
    /** Erreurs de la page, de son travailleur et de la console (dont les violations de CSP). */
    erreurs,
    async page(chemin = '') {
      const page = await contexte.newPage();
      page.on('console', (m) => { if (m.type() === 'error') erreurs.push(`console : ${m.text()}`); });
      page.on('worker', (w) => w.on('console', (m) => { if (m.type() === 'error') erreurs.push(`travailleur : ${m.text()}`); }));
      await page.goto(serveur.url + chemin);
      return page;
    },
    async arreter() {
      await navigateur.close();
      await serveur.fermer();
    },
  };
}

/** Les requêtes qui ne vont ni à 127.0.0.1 ni à une donnée locale (blob:, data:). */
export function requetesExterieures(requetes) {
  return requetes.filter((u) => !u.startsWith('http://127.0.0.1:') && !u.startsWith('blob:') && !u.startsWith('data:'));
}

/** Texte d'une cellule, espaces insécables et fines ramenées à des espaces simples. */
export function net(texte) {
  return (texte ?? '').replace(/[\u00a0\u202f]/g, ' ').replace(/\s+/g, ' ').trim();
}

/** Attend la fin d'un calcul (statut « Résultats prêts ») et rend le statut. */
export async function attendreResultats(page, delai = 60_000) {
  const statut = page.locator('[data-statut]');
  await statut.filter({ hasText: /Résultats prêts|Calcul impossible/ }).waitFor({ timeout: delai });
  return net(await statut.textContent());
}

/** Les cellules (textes nets) de la ligne de tableau `selecteur`. */
export async function cellules(page, selecteur) {
  return (await page.locator(`${selecteur} > :is(th, td)`).allTextContents()).map(net);
}

/** L'élément qui a le focus, en traversant les racines fantômes. */
export async function focus(page) {
  return page.evaluate(() => {
    let a = document.activeElement;
    while (a?.shadowRoot?.activeElement) a = a.shadowRoot.activeElement;
    const style = getComputedStyle(a);
    return {
      balise: a.tagName.toLowerCase(),
      texte: (a.textContent ?? '').trim().replace(/\s+/g, ' ').slice(0, 80),
      nom: a.getAttribute('aria-label') ?? a.id ?? '',
      contour: style.outlineStyle !== 'none' && parseFloat(style.outlineWidth) >= 2,
      dansDialogue: !!a.closest('dialog'),
    };
  });
}

/** Appuie sur Tab jusqu'à ce que `condition(focus)` soit vrai (au plus `max` fois). */
export async function tabulerJusqua(page, condition, max = 200) {
  for (let i = 0; i < max; i++) {
    await page.keyboard.press('Tab');
    const f = await focus(page);
    if (condition(f)) return f;
  }
  throw new Error('élément jamais atteint au clavier');
}

// — Accessibilité (RGAA) : vérifications communes aux trois onglets ——————————————————————

/** Combien de pixels la page défile horizontalement (0 : aucun défilement de la page). */
export async function debordement(page) {
  return page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);
}

/** Les régions d'état (role status ou alert, aria-live) d'un panneau affiché qui sortent de
 *  l'arbre d'accessibilité (display: none, hidden) : leurs annonces seraient perdues. */
export async function regionsEtatCachees(page, panneau) {
  return page.locator(`[data-panneau="${panneau}"]`).evaluate((p) => [...p.querySelectorAll('[role="status"], [role="alert"], [aria-live]')]
    .filter((r) => !r.checkVisibility())
    .map((r) => r.outerHTML.slice(0, 80)));
}

/** Les cadres de défilement (.defile) d'un panneau qui tiennent un tableau sans être une région
 *  nommée par sa légende et atteignable au clavier. */
export async function cadresSansNom(page, panneau) {
  return page.locator(`[data-panneau="${panneau}"]`).evaluate((p) => [...p.querySelectorAll('.defile')]
    .filter((d) => d.querySelector(':scope > table:not([hidden]) > caption'))
    .filter((d) => {
      const legende = d.querySelector(':scope > table:not([hidden]) > caption');
      const id = d.getAttribute('aria-labelledby');
      return !(d.getAttribute('role') === 'region' && d.tabIndex === 0 && id && p.getRootNode().getElementById(id) === legende);
    })
    .map((d) => d.querySelector('caption').textContent.trim().slice(0, 60)));
}

/** Les textes des graphiques d'un panneau dont la taille affichée est sous `minimum` pixels. */
export async function textesTropPetits(page, panneau, minimum = 12) {
  return page.locator(`[data-panneau="${panneau}"]`).evaluate((p, min) => [...p.querySelectorAll('figure svg')].flatMap((s) => {
    const echelle = s.getBoundingClientRect().width / s.viewBox.baseVal.width;
    return [...s.querySelectorAll('text')]
      .map((t) => ({ texte: t.textContent, px: parseFloat(getComputedStyle(t).fontSize) * echelle }))
      .filter((t) => t.px < min - 0.01)
      .map((t) => `${t.texte} (${t.px.toFixed(1)} px)`);
  }), minimum);
}

/** Les résumés des tableaux de remplacement des graphiques d'un panneau. */
export async function resumesDesGraphiques(page, panneau) {
  return (await page.locator(`[data-panneau="${panneau}"] figure details > summary`).allTextContents()).map(net);
}

/** Les légendes des graphiques d'un panneau. */
export async function legendesDesGraphiques(page, panneau) {
  return (await page.locator(`[data-panneau="${panneau}"] figure > figcaption`).allTextContents()).map(net);
}
