#!/usr/bin/env node
// Sert www/ sur 127.0.0.1 seulement, avec la politique de sécurité de la page (CSP) en en-tête
// aussi (le Web Worker ne lit pas la balise <meta> de la page) et le type MIME du WebAssembly.
// Utilisé par scripts/demarrer et par les tests de bout en bout (import { servir }).
//
//   node scripts/serveur.mjs [port]     (défaut 8080, ou le suivant de libre)

import { createServer } from 'node:http';
import { createReadStream, promises as fs } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const RACINE = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', 'www');

export const CSP = "default-src 'none'; script-src 'self' 'wasm-unsafe-eval'; style-src 'self'; img-src 'self'; " +
  "connect-src 'self'; worker-src 'self'; frame-src 'self'; base-uri 'none'; form-action 'none'";

const TYPES = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.wasm': 'application/wasm',
  '.csv': 'text/csv; charset=utf-8',
  '.json': 'application/json; charset=utf-8',
  '.md': 'text/markdown; charset=utf-8',
  '.ts': 'text/plain; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
};

async function repondre(requete, reponse, racine) {
  const entetes = {
    'Content-Security-Policy': CSP,
    'X-Content-Type-Options': 'nosniff',
    'Referrer-Policy': 'no-referrer',
    'Cache-Control': 'no-cache',
  };
  if (requete.method !== 'GET' && requete.method !== 'HEAD') {
    reponse.writeHead(405, { ...entetes, Allow: 'GET, HEAD' }).end();
    return;
  }
  let chemin;
  try {
    chemin = decodeURIComponent(new URL(requete.url, 'http://localhost').pathname);
  } catch {
    reponse.writeHead(400, entetes).end();
    return;
  }
  let fichier = path.resolve(racine, '.' + chemin);
  if (fichier !== racine && !fichier.startsWith(racine + path.sep)) {
    reponse.writeHead(403, entetes).end();
    return;
  }
  try {
    let stat = await fs.stat(fichier);
    if (stat.isDirectory()) {
      fichier = path.join(fichier, 'index.html');
      stat = await fs.stat(fichier);
    }
    reponse.writeHead(200, {
      ...entetes,
      'Content-Type': TYPES[path.extname(fichier)] ?? 'application/octet-stream',
      'Content-Length': stat.size,
    });
    if (requete.method === 'HEAD') reponse.end();
    else createReadStream(fichier).pipe(reponse);
  } catch {
    reponse.writeHead(404, { ...entetes, 'Content-Type': 'text/plain; charset=utf-8' }).end('introuvable');
  }
}

/** Démarre le serveur ; `port` 0 = un port libre. Rend { url, fermer }. */
export function servir({ port = 0, racine = RACINE } = {}) {
  return new Promise((resoudre, rejeter) => {
    const serveur = createServer((q, r) => repondre(q, r, racine));
    serveur.once('error', rejeter);
    serveur.listen(port, '127.0.0.1', () => {
      const { port: p } = serveur.address();
      resoudre({ url: `http://127.0.0.1:${p}/`, fermer: () => new Promise((ok) => serveur.close(ok)) });
    });
  });
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const premier = Number(process.argv[2] ?? process.env.PORT ?? 8080);
  for (let port = premier; port < premier + 20; port++) {
    try {
      const { url } = await servir({ port });
      console.log(`cma-analytique est servi sur ${url}  (Ctrl+C pour arrêter)`);
      break;
    } catch (e) {
      if (e.code !== 'EADDRINUSE') throw e;
    }
  }
}
