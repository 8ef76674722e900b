// L'élément <cma-analytique> : toute l'application dans une racine fantôme (shadow DOM), pour la
// page elle-même (index.html) comme pour l'intranet d'une chambre qui l'intègre. Les fichiers
// de l'application (module WebAssembly, travailleur, styles, exemple) sont cherchés à côté de ce
// script : copiez tout le dossier www/ au même endroit de votre serveur.

import { monter } from './app/application.js';

class CmaAnalytique extends HTMLElement {
  connectedCallback() {
    if (!this.shadowRoot) {
      this.application = monter(this.attachShadow({ mode: 'open' }));
    }
  }

  disconnectedCallback() {
    // Le travailleur est arrêté ; il repart au prochain calcul si l'élément revient.
    this.application?.arreter();
  }
}

if (!customElements.get('cma-analytique')) customElements.define('cma-analytique', CmaAnalytique);
