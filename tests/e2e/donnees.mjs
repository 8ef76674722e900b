// Un grand livre réaliste de N lignes, sa table de correspondance et ses inducteurs, écrits de
// façon déterministe dans un dossier temporaire (mesure du temps de calcul, annulation).

import { mkdtempSync, writeFileSync, createWriteStream } from 'node:fs';
import { once } from 'node:events';
import os from 'node:os';
import path from 'node:path';

const SITES = ['', 'Nord', 'Centre', 'Sud'];
const OPERATIONNELLES = ['A01', 'A02', 'A03', 'A04', 'A05', 'A07', 'A08', 'A10', 'B02', 'B03', 'B04', 'C01', 'C02', 'C03', 'C04'];
const POOLS = ['A11', 'B11', 'C11', 'D01', 'D02', 'D03', 'D04', 'D05', 'D08', 'D09', 'D1001', 'D1002'];
const CHARGES = ['641100', '645100', '606100', '613200', '615200', '623100', '625100', '626100', '681100', '661100'];
const PRODUITS = ['706000', '741000', '756000', '708000'];

function alea(graine) {
  let x = graine >>> 0;
  return (n) => {
    x ^= x << 13; x ^= x >>> 17; x ^= x << 5; x >>>= 0;
    return x % n;
  };
}

export async function grandJeu(lignes) {
  const dossier = mkdtempSync(path.join(os.tmpdir(), 'cma-e2e-'));
  const tirer = alea(0x9e3779b9);
  const objets = 2000;
  let correspondance = 'objet;code;site;certification;rubrique_fc;cle\n';
  for (let i = 0; i < objets; i++) {
    const site = SITES[i % 4];
    const nom = `EOTP-${String(i).padStart(5, '0')}`;
    const k = i % 10;
    if (k <= 3) correspondance += `${nom};${OPERATIONNELLES[tirer(15)]};${site};;;\n`;
    else if (k <= 6) correspondance += `${nom};B0101;${site};RNCP${String(tirer(60)).padStart(5, '0')};;\n`;
    else if (k === 7) correspondance += `${nom};B01;${site};;;\n`;
    else correspondance += `${nom};${POOLS[tirer(12)]};${site};;;\n`;
  }
  let inducteurs = 'inducteur;site;code;perimetre;certification;valeur;heures;apprenants\n';
  for (const site of SITES) {
    for (const code of [...OPERATIONNELLES, 'A11', 'B11', 'C11', 'B01']) inducteurs += `etp;${site};${code};;;${tirer(20)},${String(tirer(100)).padStart(2, '0')};;\n`;
    for (const cote of ['formation', 'cma']) inducteurs += `surface;${site};;${cote};;${100 + tirer(3000)};;\nvehicules;${site};;${cote};;${tirer(5)};;\n`;
    for (let c = 0; c < 60; c++) inducteurs += `heures_apprenants;${site};B01;;RNCP${String(c).padStart(5, '0')};;${400 + tirer(800)};${1 + tirer(30)}\n`;
    for (const code of ['B02', 'B03', 'B04']) inducteurs += `heures_apprenants;${site};${code};;;${1000 + tirer(50000)};;\n`;
  }
  const chemin = (nom) => path.join(dossier, nom);
  writeFileSync(chemin('table.csv'), correspondance);
  writeFileSync(chemin('cles.csv'), inducteurs);
  const flux = createWriteStream(chemin('export-sap.csv'));
  let morceau = 'compte;objet;debit;credit;date;libelle;piece;journal\n';
  for (let n = 0; n < lignes; n++) {
    const objet = `EOTP-${String(tirer(objets)).padStart(5, '0')}`;
    const date = `2024${String(1 + tirer(12)).padStart(2, '0')}${String(1 + tirer(28)).padStart(2, '0')}`;
    const centimes = 100 + tirer(500000);
    const montant = `${Math.floor(centimes / 100)},${String(centimes % 100).padStart(2, '0')}`;
    if (tirer(10) < 8) morceau += `${CHARGES[tirer(10)]};${objet};${montant};;${date};Charge ${n};FA${n};AC\n`;
    else morceau += `${PRODUITS[tirer(4)]};${objet};;${montant};${date};Produit ${n};FV${n};VT\n`;
    if (morceau.length > 1 << 20) {
      if (!flux.write(morceau)) await once(flux, 'drain');
      morceau = '';
    }
  }
  flux.end(morceau);
  await once(flux, 'finish');
  return { dossier, fichiers: ['export-sap.csv', 'table.csv', 'cles.csv'].map(chemin) };
}
