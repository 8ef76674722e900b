// The helper of bench/wasm_repartir.mjs, as the page's helper worker (www/app/travailleur.js,
// `lirePartie`): in a Node worker thread, the same module, loaded and warmed up like the
// page's; on each request it reads the second part of the ledger (from `coupure` to the end) in
// 4 Mio chunks given to `Partie`, and answers with the part read (`Partie.terminer`, bytes
// for `Seance.joindre`) or `null` when it cannot be read on its own.

import { openSync, readSync, closeSync, readFileSync } from 'node:fs';
import { parentPort, workerData } from 'node:worker_threads';
import { prechauffer } from '../www/app/prechauffage.js';

const pkg = await import(workerData.modulePath);
pkg.initSync({ module: readFileSync(workerData.modulePath.replace(/\.js$/, '_bg.wasm')) });
// As the page's helper worker: the reading only.
prechauffer(pkg, { calculs: 0 });

const CHUNK = 4 * 1024 * 1024;

parentPort.on('message', ({ chemin, coupure, taille }) => {
  const fd = openSync(chemin, 'r');
  try {
    const tete = new Uint8Array(Math.min(coupure, 1024 * 1024));
    readSync(fd, tete, 0, tete.length, 0);
    const partie = new pkg.Partie(tete, taille - coupure, {});
    const buffer = new Uint8Array(CHUNK);
    // Given again from its first chunk when the module asks (a part that is not UTF-8).
    for (let position = coupure; position < taille && !partie.abandonnee();) {
      const n = readSync(fd, buffer, 0, Math.min(CHUNK, taille - position), position);
      position = partie.ajouter(buffer.subarray(0, n)) || partie.abandonnee() ? position + n : coupure;
    }
    const lue = partie.terminer() ?? null;
    partie.free();
    parentPort.postMessage(lue, lue ? [lue.buffer] : []);
  } finally {
    closeSync(fd);
  }
});
parentPort.postMessage('pret');
