// The core as WebAssembly under Node, for the benchmark: the module the page loads
// (www/pkg, built by scripts/construire), called as the page's worker calls it — the parameters
// first (Seance.parametrer), then each file read in 8 Mio chunks straight into the module's
// memory, the ledger's rows read as they arrive (Seance.preparer / ajouter), then
// Seance.calculer.
//
//   node bench/wasm_repartir.mjs <www/pkg/cma_analytique.js> <dossier>
//
// Prints one JSON object like bench/pandas_repartir.py: the control totals and the full cost of
// every activity from the page's result, and `secondes`, from the first byte read to the result
// (module instantiation and warm-up excluded, as in the page, where both happen while it waits
// for the files: www/app/prechauffage.js computes three times the module's small warm-up
// region, so that the engine has optimised the per-line code).

import { openSync, readSync, closeSync, fstatSync, readFileSync } from 'node:fs';
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
const chunk = new Uint8Array(CHUNK);
for (const [role, name] of Object.entries(files)) {
  const fd = openSync(join(folder, name), 'r');
  seance.preparer(role, fstatSync(fd).size);
  for (;;) {
    const read = readSync(fd, chunk, 0, CHUNK, null);
    if (read === 0) break;
    seance.ajouter(role, chunk.subarray(0, read));
  }
  closeSync(fd);
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
