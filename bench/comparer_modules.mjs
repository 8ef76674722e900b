// Two builds of the page's module compared in one Node process, on the same files: each is
// loaded and warmed up as the page does (www/app/prechauffage.js), then they compute in turn,
// A, B, A, B…, so that both meet the same state of a shared machine, whose speed varies by a
// quarter from one quarter of an hour to the next (two runs minutes apart compare nothing).
// The files are read into memory first: only the module's work is timed, from `Seance` to the
// result of `calculer`, the ledger given in 4 Mio chunks as the page's worker gives it.
//
//   node bench/comparer_modules.mjs <dossier A (www/pkg)> <dossier B> <dossier des fichiers> [tours]
//
// Prints the control total each build finds (they must agree) and, for each, the best and the
// median time of its turns in milliseconds.

import { readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { performance } from 'node:perf_hooks';
import { prechauffer } from '../www/app/prechauffage.js';

const [, , a, b, folder, turns = '7'] = process.argv;
const CHUNK = 4 * 1024 * 1024;
const files = { 'grand-livre': 'grand-livre.csv', correspondance: 'correspondance.csv', inducteurs: 'inducteurs.csv' };
const bytes = Object.fromEntries(Object.entries(files).map(([role, name]) => [role, readFileSync(join(folder, name))]));

const builds = [];
for (const [i, dir] of [a, b].entries()) {
  // The query string makes the two `cma_analytique.js` two modules, each with its own memory.
  const pkg = await import(`${pathToFileURL(resolve(dir, 'cma_analytique.js')).href}?${i}`);
  pkg.initSync({ module: readFileSync(join(dir, 'cma_analytique_bg.wasm')) });
  prechauffer(pkg);
  builds.push({ name: i === 0 ? 'A' : 'B', pkg, times: [] });
}

function compute(pkg) {
  const start = performance.now();
  const seance = new pkg.Seance();
  try {
    seance.parametrer({});
    for (const [role, data] of Object.entries(bytes)) {
      seance.preparer(role, data.length);
      // `false`: the module asks for the file again from its first byte (not UTF-8).
      for (let at = 0; at < data.length; at += CHUNK) if (!seance.ajouter(role, data.subarray(at, at + CHUNK))) at = -CHUNK;
    }
    const result = seance.calculer({});
    return [performance.now() - start, result.document?.controle?.charges_reparties];
  } finally {
    seance.free();
  }
}

for (let turn = 0; turn < Number(turns); turn++) {
  for (const build of builds) {
    const [ms, total] = compute(build.pkg);
    build.times.push(ms);
    build.total ??= total;
  }
}
for (const { name, times, total } of builds) {
  const sorted = [...times].sort((x, y) => x - y);
  console.log(`${name} : total réparti ${total}, meilleur ${sorted[0].toFixed(0)} ms, médiane ${sorted[sorted.length >> 1].toFixed(0)} ms (${times.map((t) => t.toFixed(0)).join(' ')})`);
}
if (builds[0].total !== builds[1].total) {
  console.error('les deux constructions ne donnent pas le même total');
  process.exit(1);
}
