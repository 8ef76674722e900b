//! The rest of a large ledger, read by the page's helper worker while the computing worker
//! reads its first part (`Seance::partager`): the page cuts the file after a line end near its
//! middle, gives this part's chunks here and the first part's there, then the bytes of this
//! part read (`terminer`) to the computing worker, which merges them (`Seance::joindre`). The
//! same ledger as one reading, in about half the time on two cores (`input::ledger::PartFeed`).

use wasm_bindgen::prelude::*;

use super::{Erreur, JsParametres, parametres_de};
use crate::input::ledger::{PartFeed, Step};

/// A later part of a ledger, read as its chunks arrive.
#[wasm_bindgen]
pub struct Partie {
    feed: Option<PartFeed>,
    recus: usize,
    taille: usize,
}

#[wasm_bindgen]
impl Partie {
    /// The part of `taille` bytes that starts after a line end of the ledger whose first bytes,
    /// through its header line, are `tete`; read for the period of `parametres`, those of the
    /// computation.
    #[wasm_bindgen(constructor)]
    pub fn new(tete: &[u8], taille: usize, parametres: JsParametres) -> Result<Partie, Erreur> {
        let period = parametres_de(parametres)?.options()?.period;
        Ok(Partie { feed: Some(PartFeed::later(tete, period)), recus: 0, taille })
    }

    /// Gives the next chunk of the part. `false` when the caller must give the part again from
    /// its first chunk (it is not UTF-8: read again, decoded), or stop when it is `abandonnee`.
    pub fn ajouter(&mut self, morceau: &[u8]) -> Result<bool, Erreur> {
        let Some(feed) = &mut self.feed else { return Ok(false) };
        self.recus += morceau.len();
        if self.recus > self.taille {
            return Err(Erreur(format!("partie du grand livre plus longue qu'annoncé : {} octets reçus pour {}", self.recus, self.taille)));
        }
        let mut step = feed.feed(morceau);
        if step == Step::Next && self.recus == self.taille {
            step = feed.end(true);
        }
        match step {
            Step::Next => Ok(true),
            Step::Again => {
                self.recus = 0;
                Ok(false)
            }
            Step::Whole => {
                self.feed = None;
                Ok(false)
            }
        }
    }

    /// Whether the part cannot be read on its own: the computing worker reads the whole file.
    pub fn abandonnee(&self) -> bool {
        self.feed.is_none()
    }

    /// The part read, as bytes for `Seance.joindre`; `undefined` when it was abandoned or not
    /// given whole.
    pub fn terminer(&mut self) -> Option<Vec<u8>> {
        self.feed.take().filter(|_| self.recus == self.taille).and_then(PartFeed::share)
    }
}
