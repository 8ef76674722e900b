// The core as WebAssembly under Node, for the benchmark: the module the page loads
// (www/pkg, built by scripts/construire), called as the page's worker calls it — the parameters
// first (Seance.parametrer), then each file in 8 Mio chunks (Seance.preparer / ajouter), the
// ledger's rows read as they arrive, then Seance.calculer. As in the page, where the main thread
// reads the next chunk from the disk while the worker's module reads this one, the next chunk is
// read (by Node's I/O threads) while the module reads this one. The ledger's bytes are not kept
// by the module (the page's worker keeps its chunks for a drill-down; a batch run needs none).
//
//   node bench/wasm_repartir.mjs <www/pkg/cma_analytique.js> <dossier>
//
// Prints one JSON object like bench/pandas_repartir.py: the control totals and the full cost of
// every activity from the page's result, and `secondes`, from the first byte read to the result
// (module instantiation and warm-up excluded, as in the page, where both happen while it waits
// for the files: www/app/prechauffage.js computes three times the module's small warm-up
// region, so that the engine has optimised the per-line code).

import { open } from 'node:fs/promises';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { prechauffer } from '../www/app/prechauffage.js';

const [, , modulePath, folder] = process.argv;
const pkg = await import(modulePath);
pkg.initSync({ module: readFileSync(modulePath.replace(/\.js$/, '_bg.wasm')) });

// The worker's warm-up, the same function.
prechauffer(pkg);

const CHUNK = 8 * 1024 * 1024;
const files = { 'grand-livre': 'grand-livre.csv', correspondance: 'correspondance.csv', inducteurs: 'inducteurs.csv' };

const start = performance.now();
const seance = new pkg.Seance();
seance.parametrer({});
// Two buffers: the module reads one while the next chunk is read into the other.
const buffers = [new Uint8Array(CHUNK), new Uint8Array(CHUNK)];
for (const [role, name] of Object.entries(files)) {
  const file = await open(join(folder, name), 'r');
  const size = (await file.stat()).size;
  seance.preparer(role, size);
  let position = 0;
  let turn = 0;
  let next = file.read(buffers[turn], 0, CHUNK, position);
  while (position < size) {
    const { bytesRead } = await next;
    if (bytesRead === 0) break;
    const chunk = buffers[turn].subarray(0, bytesRead);
    position += bytesRead;
    turn = 1 - turn;
    next = file.read(buffers[turn], 0, CHUNK, position);
    if (!seance.ajouter(role, chunk)) {
      // The module asks for the ledger again from its first byte (not UTF-8: three passes).
      await next;
      position = 0;
      next = file.read(buffers[turn], 0, CHUNK, position);
    }
  }
  await next;
  await file.close();
}
const result = seance.calculer({});
const seconds = (performance.now() - start) / 1000;
if (!result.calcule) {
  console.error('le calcul n\'a pas eu lieu', JSON.stringify(result.diagnostics));
  process.exit(1);
}
const activites = {};
for (const a of result.document.activites) activites[a.code] = a.cout_complet;
console.log(JSON.stringify({ controle: result.document.controle, activites, secondes: seconds }));
