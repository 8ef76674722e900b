// Le préchauffage du module de calcul, commun au travailleur de la page (www/app/travailleur.js)
// et au banc sous Node (bench/wasm_repartir.mjs) : le moteur ne compile une fonction
// WebAssembly optimisée qu'après l'avoir fait tourner un moment en code de base ; une petite
// région (fabriquée par le module, rien n'est téléchargé) est donc calculée, par les mêmes
// appels qu'un vrai calcul, pendant que la page attend les fichiers : trois fois, la lecture des
// lignes étant optimisée dès la première, la répartition (moins de tours sur une petite région)
// aux suivantes. Le premier vrai calcul y gagne environ 0,2 s par million de lignes.

/** Calcule trois fois la région de préchauffage avec `Seance` et `prechauffage` du module. */
export function prechauffer({ Seance, prechauffage }) {
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
}
