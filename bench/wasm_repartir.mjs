// The core as WebAssembly under Node, for the benchmark: the module the page loads
// (www/pkg, built by scripts/construire), called as the page's worker calls it — the parameters
// first (Seance.parametrer), then each file in 4 Mio chunks (Seance.preparer / ajouter), the
// ledger's rows read as they arrive, then Seance.calculer. As in the page, where the main thread
// reads the next chunk from the disk while the worker's module reads this one, the next chunk is
// read (by Node's I/O threads) while the module reads this one. The ledger's bytes are not kept
// by the module (the page's worker keeps its chunks for a drill-down; a batch run needs none).
// With two workers (the default), a ledger of 32 Mio or more is read as the page reads it on a
// machine of two cores or more: cut after the first line end past its middle, the first part
// here (Seance.partager), the second by the page's helper in a worker thread
// (bench/wasm_appoint.mjs: Partie), merged here (Seance.joindre).
//
//   node bench/wasm_repartir.mjs <www/pkg/cma_analytique.js> <dossier> [travailleurs: 2 | 1]
//
// Prints one JSON object like bench/pandas_repartir.py: the control totals and the full cost of
// every activity from the page's result, `parties` (the ledger read in 1 or 2 parts), and
// `secondes`, from the first byte read to the result
// (module instantiation and warm-up excluded, as in the page, where both happen while it waits
// for the files: www/app/prechauffage.js computes three times the module's small warm-up
// region, so that the engine has optimised the per-line code, then ten times more from its
// kept files for the allocation and the results; the helper only the three). Unlike the page,
// which starts its helper when it loads, whatever the files, this batch run starts it only when
// the ledger will be read in two parts: below 32 Mio it would have nothing to do.

import { open, stat } from 'node:fs/promises';
import { readFileSync } from 'node:fs';
import { once } from 'node:events';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { Worker } from 'node:worker_threads';
import { prechauffer } from '../www/app/prechauffage.js';

const [, , modulePath, folder, workers = '2'] = process.argv;
const CHUNK = 4 * 1024 * 1024;
// From this size on, and on two cores or more, the page reads the ledger with two workers
// (www/app/application.js, PARTAGE).
const PARTAGE = 32 * 1024 * 1024;
const files = { 'grand-livre': 'grand-livre.csv', correspondance: 'correspondance.csv', inducteurs: 'inducteurs.csv' };

const pkg = await import(modulePath);
pkg.initSync({ module: readFileSync(modulePath.replace(/\.js$/, '_bg.wasm')) });

// The worker's warm-up, the same function.
prechauffer(pkg);
// The page's helper worker, loaded and warmed up before the files are read (as in the page),
// when the ledger will be read in two parts.
const enParties = workers === '2' && (await stat(join(folder, files['grand-livre']))).size >= PARTAGE;
const appoint = enParties ? new Worker(new URL('./wasm_appoint.mjs', import.meta.url), { workerData: { modulePath } }) : null;
if (appoint) await once(appoint, 'message');

const start = performance.now();
const seance = new pkg.Seance();
seance.parametrer({});
// Two buffers: the module reads one while the next chunk is read into the other.
const buffers = [new Uint8Array(CHUNK), new Uint8Array(CHUNK)];
let parties = 1;
for (const [role, name] of Object.entries(files)) {
  const path = join(folder, name);
  const file = await open(path, 'r');
  const size = (await file.stat()).size;
  seance.preparer(role, size);
  // A large ledger: cut after the first line end past its middle, the rest read by the helper.
  let coupure = null;
  if (appoint && role === 'grand-livre' && size >= PARTAGE) {
    const milieu = Math.floor(size / 2);
    const { bytesRead } = await file.read(buffers[0], 0, 65536, milieu);
    const i = buffers[0].subarray(0, bytesRead).indexOf(10);
    if (i >= 0 && milieu + i + 1 < size) coupure = milieu + i + 1;
  }
  const aide = coupure === null ? null : once(appoint, 'message');
  if (coupure !== null) {
    appoint.postMessage({ chemin: path, coupure, taille: size });
    seance.partager(coupure);
  }
  // The bytes read here, the whole file when it cannot be read in parts (from its first byte).
  const lire = async (end, ajouter) => {
    let position = 0;
    let turn = 0;
    let next = file.read(buffers[turn], 0, Math.min(CHUNK, end), position);
    while (position < end) {
      const { bytesRead } = await next;
      if (bytesRead === 0) break;
      const chunk = buffers[turn].subarray(0, bytesRead);
      position += bytesRead;
      turn = 1 - turn;
      next = file.read(buffers[turn], 0, Math.min(CHUNK, end - position), position);
      if (!ajouter(chunk)) {
        // The module asks for the file (or the first part) again from its first byte.
        await next;
        if (coupure !== null && !seance.partagee()) break;
        position = 0;
        next = file.read(buffers[turn], 0, Math.min(CHUNK, end), position);
      }
    }
    await next;
  };
  await lire(coupure ?? size, (chunk) => seance.ajouter(role, chunk));
  if (coupure !== null) {
    const [partie] = await aide;
    if (seance.partagee() && partie && seance.joindre(partie)) {
      parties = 2;
    } else {
      seance.preparer(role, size);
      coupure = null;
      await lire(size, (chunk) => seance.ajouter(role, chunk));
    }
  }
  await file.close();
}
const result = seance.calculer({});
const seconds = (performance.now() - start) / 1000;
await appoint?.terminate();
if (!result.calcule) {
  console.error('le calcul n\'a pas eu lieu', JSON.stringify(result.diagnostics));
  process.exit(1);
}
const activites = {};
for (const a of result.document.activites) activites[a.code] = a.cout_complet;
console.log(JSON.stringify({ controle: result.document.controle, activites, secondes: seconds, parties }));
