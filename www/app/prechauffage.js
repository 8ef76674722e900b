// Le préchauffage du module de calcul, commun au travailleur de la page (www/app/travailleur.js)
// et au banc sous Node (bench/wasm_repartir.mjs, bench/wasm_appoint.mjs) : le moteur ne compile
// une fonction WebAssembly optimisée qu'après l'avoir fait tourner un moment en code de base ;
// une petite région (fabriquée par le module, rien n'est téléchargé) est donc calculée, par les
// mêmes appels qu'un vrai calcul, pendant que la page attend les fichiers : trois fois, la
// lecture des lignes étant optimisée dès la première ; puis, pour le travailleur du calcul, dix
// calculs de plus sur les mêmes fichiers gardés, pour la répartition et la mise en forme des
// résultats, qui tournent peu sur une petite région. Le premier vrai calcul y gagne environ
// 0,2 s par million de lignes pour la lecture, et quelque 50 ms pour la répartition et les
// résultats d'une région. Le travailleur d'appoint, qui ne fait que lire, s'en tient aux trois.

/** Calcule trois fois la région de préchauffage avec `Seance` et `prechauffage` du module, puis
 *  `calculs` fois de plus (par défaut 10 ; 0 pour le travailleur d'appoint). */
export function prechauffer({ Seance, prechauffage }, { calculs = 10 } = {}) {
  const fichiers = ['grand-livre', 'correspondance', 'inducteurs'].map((role) => [role, prechauffage(role)]);
  for (let fois = 0; fois < 3; fois++) {
    const s = new Seance();
    try {
      s.parametrer({});
      for (const [role, octets] of fichiers) {
        s.preparer(role, octets.length);
        // `false` : le module redemande le fichier depuis son premier octet (ici, le même morceau).
        while (!s.ajouter(role, octets)) { /* redonné */ }
      }
      s.calculer({});
    } finally {
      s.free();
    }
  }
  if (calculs <= 0) return;
  // Sans paramètres d'abord, la séance garde ses fichiers : chaque calcul les relit.
  const s = new Seance();
  try {
    for (const [role, octets] of fichiers) {
      s.preparer(role, octets.length);
      s.ajouter(role, octets);
    }
    for (let fois = 0; fois < calculs; fois++) s.calculer({});
  } finally {
    s.free();
  }
}
