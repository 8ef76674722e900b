// Le balisage fixe de l'application (aucune donnée de l'utilisateur n'y entre : tout ce qui vient
// des fichiers est posé ensuite en texte, par textContent).

export const GABARIT = `
<div class="cma">
  <div role="tablist" aria-label="Parties de l'outil" class="onglets" data-onglets>
    <button type="button" role="tab" id="onglet-analytique" aria-controls="panneau-analytique" aria-selected="true">Comptabilité analytique</button>
    <button type="button" role="tab" id="onglet-preprojet" aria-controls="panneau-preprojet" aria-selected="false" tabindex="-1">Préprojet CFA, ETP et loyer</button>
    <button type="button" role="tab" id="onglet-revue" aria-controls="panneau-revue" aria-selected="false" tabindex="-1">Revue CMA France</button>
  </div>
  <div role="tabpanel" id="panneau-analytique" aria-labelledby="onglet-analytique" data-panneau="analytique">
  <section class="bloc" aria-labelledby="t-fichiers">
    <h2 id="t-fichiers">1. Vos fichiers</h2>
    <p>Déposez ensemble le <strong>grand livre</strong>, la <strong>table de correspondance</strong> et les
      <strong>inducteurs</strong> (CSV en UTF-8, séparés par « ; »). Chaque fichier est reconnu à ses colonnes.
      Le fichier du <strong>personnel</strong>, s'il est déposé aussi, sert au calculateur d'ETP de l'onglet
      « Préprojet CFA, ETP et loyer ». Le calcul se fait dans votre navigateur : aucune donnée ne quitte votre ordinateur.</p>
    <div class="zone" data-zone>
      <label for="fichiers">Fichiers à analyser (plusieurs à la fois)</label>
      <input type="file" id="fichiers" multiple data-entree aria-describedby="aide-zone">
      <p id="aide-zone" class="discret">… ou glissez-déposez-les dans ce cadre.</p>
    </div>
    <p class="actions">
      <button type="button" data-action="exemple">Charger l'exemple « CMA de région Exemple »</button>
    </p>
    <div class="defile">
      <table class="fichiers" data-liste hidden>
        <caption>Fichiers déposés et rôle reconnu</caption>
        <thead><tr><th scope="col">Fichier</th><th scope="col">Taille</th><th scope="col">Rôle</th><th scope="col"><span class="invisible">Action</span></th></tr></thead>
        <tbody></tbody>
      </table>
    </div>
    <p data-manque class="manque"></p>
    <details class="modeles">
      <summary>Modèles de fichiers (CSV)</summary>
      <p>En-têtes attendus par l'outil, à compléter avec vos données.</p>
      <ul>
        <li><button type="button" data-modele="grand-livre">Modèle du grand livre</button></li>
        <li><button type="button" data-modele="correspondance">Modèle de la table de correspondance</button></li>
        <li><button type="button" data-modele="inducteurs">Modèle des inducteurs</button></li>
        <li><button type="button" data-modele="personnel">Modèle du fichier du personnel</button></li>
      </ul>
    </details>
  </section>

  <section class="bloc" aria-labelledby="t-parametres">
    <h2 id="t-parametres">2. Paramètres</h2>
    <form data-parametres novalidate>
      <div class="champs">
        <p><label for="exercice">Exercice</label>
          <input type="number" id="exercice" name="exercice" min="2000" max="2100" step="1" required></p>
        <p><label for="du">Début de période <span class="discret">(facultatif)</span></label>
          <input type="date" id="du" name="du"></p>
        <p><label for="au">Fin de période <span class="discret">(facultatif)</span></label>
          <input type="date" id="au" name="au"></p>
        <p><label for="date-transmission">Date de transmission à France compétences</label>
          <input type="date" id="date-transmission" name="date_transmission"></p>
        <p><label for="date-envoi">Date prévue d'envoi du préprojet</label>
          <input type="date" id="date-envoi" name="date_envoi"></p>
      </div>
      <p class="discret">La période sert à une clôture semestrielle : les lignes datées hors période sont écartées.
        Les deux dates du préprojet servent au calendrier de France compétences.</p>
      <p class="actions">
        <button type="submit" class="principal" data-action="calculer" disabled>Calculer</button>
        <button type="button" data-action="annuler" hidden>Annuler le calcul</button>
      </p>
    </form>
    <div class="progression" data-progression hidden>
      <label for="barre">Avancement</label>
      <progress id="barre" max="1" data-barre></progress>
      <span data-progression-texte></span>
    </div>
    <p role="status" aria-live="polite" data-statut class="statut" tabindex="-1"></p>
    <p role="alert" data-alerte class="alerte"></p>
  </section>

  <section class="bloc resultats" data-resultats hidden aria-labelledby="t-resultats">
    <h2 id="t-resultats" tabindex="-1">3. Résultats</h2>
    <p data-entete-resultats class="discret"></p>
    <nav aria-label="Parties des résultats" class="sommaire">
      <ul>
        <li><a href="#r-synthese" data-aller="r-synthese">Synthèse et contrôle</a></li>
        <li><a href="#r-diagnostics" data-aller="r-diagnostics">Diagnostics</a></li>
        <li><a href="#r-activites" data-aller="r-activites">Activités</a></li>
        <li><a href="#r-certifications" data-aller="r-certifications">Certifications</a></li>
        <li><a href="#r-pools" data-aller="r-pools">Pools et répartition</a></li>
      </ul>
    </nav>
    <div class="exports" role="group" aria-label="Exports">
      <button type="button" data-action="classeur">Classeur XLSX</button>
      <label for="table-csv">Table en CSV</label>
      <select id="table-csv" data-table-csv>
        <option value="activites">Activités</option>
        <option value="certifications">Certifications</option>
        <option value="pools">Pools</option>
        <option value="repartition">Répartition (trace)</option>
        <option value="controle">Contrôle</option>
        <option value="diagnostics">Diagnostics</option>
      </select>
      <button type="button" data-action="csv">Télécharger le CSV</button>
      <button type="button" data-action="json">Document JSON</button>
      <button type="button" data-action="imprimer">Imprimer ou PDF</button>
    </div>

    <section id="r-synthese" aria-labelledby="t-synthese">
      <h3 id="t-synthese" tabindex="-1">Synthèse et contrôle</h3>
      <div data-synthese></div>
    </section>

    <section id="r-diagnostics" aria-labelledby="t-diagnostics">
      <h3 id="t-diagnostics" tabindex="-1">Diagnostics</h3>
      <p data-diagnostics-resume></p>
      <form class="filtres" data-filtres role="search" aria-label="Filtrer les diagnostics">
        <p><label for="f-gravite">Gravité</label>
          <select id="f-gravite" name="gravite"><option value="">toutes</option>
            <option value="erreur">erreur</option><option value="avertissement">avertissement</option><option value="info">info</option></select></p>
        <p><label for="f-code">Code</label><select id="f-code" name="code"><option value="">tous</option></select></p>
        <p><label for="f-fichier">Fichier</label><select id="f-fichier" name="fichier"><option value="">tous</option></select></p>
      </form>
      <div class="defile">
        <table class="diagnostics" data-table-diagnostics>
          <caption class="invisible">Diagnostics</caption>
          <thead><tr><th scope="col">Gravité</th><th scope="col">Code</th><th scope="col">Fichier</th><th scope="col">Ligne</th><th scope="col">Message</th><th scope="col">Correction</th></tr></thead>
          <tbody></tbody>
        </table>
      </div>
      <p class="pages" data-pages>
        <button type="button" data-action="page-precedente">Diagnostics précédents</button>
        <span data-page-texte></span>
        <button type="button" data-action="page-suivante">Diagnostics suivants</button>
      </p>
    </section>

    <section id="r-activites" aria-labelledby="t-activites">
      <h3 id="t-activites" tabindex="-1">Activités nationales par axe</h3>
      <p class="discret">Chaque montant est un bouton : il ouvre le détail (lignes du grand livre ou pools d'origine).</p>
      <div class="defile" data-activites></div>
      <figure class="graphique" data-graphique-couts></figure>
    </section>

    <section id="r-certifications" aria-labelledby="t-certifications">
      <h3 id="t-certifications" tabindex="-1">Certifications de l'apprentissage (rubriques France compétences)</h3>
      <div class="defile" data-certifications></div>
    </section>

    <section id="r-pools" aria-labelledby="t-pools">
      <h3 id="t-pools" tabindex="-1">Pools de charges indirectes et répartition</h3>
      <div class="defile" data-pools></div>
      <figure class="graphique" data-graphique-flux></figure>
      <h4>Trace de la répartition (niveau 1 entre les côtés, niveau 2 entre les activités)</h4>
      <div data-trace></div>
    </section>
  </section>
  </div>
  <div role="tabpanel" id="panneau-preprojet" aria-labelledby="onglet-preprojet" data-panneau="preprojet" hidden></div>
  <div role="tabpanel" id="panneau-revue" aria-labelledby="onglet-revue" data-panneau="revue" hidden></div>

  <dialog class="detail" data-detail aria-labelledby="detail-titre">
    <div class="detail-tete">
      <h3 id="detail-titre" data-detail-titre></h3>
      <button type="button" data-action="fermer">Fermer</button>
    </div>
    <p data-detail-resume></p>
    <div class="defile" data-detail-corps></div>
  </dialog>
</div>
`;
