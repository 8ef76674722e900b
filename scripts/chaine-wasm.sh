# Chaîne de compilation pour wasm32, lue (source) par scripts/construire et scripts/tester.
# La cible wasm32 de rustup quand elle est installée ; sinon la chaîne Rust de Debian
# (rustc-web, cargo-web, rust-web-src, lld-22) qui reconstruit la bibliothèque standard
# (-Zbuild-std), comme l'explique /work/shared/design/toolchain.md. CMA_CHAINE=debian force la
# seconde. Définit WASM_CIBLE (dossier des produits) et la fonction cargo_wasm.

WASM_TRIPLET=wasm32-unknown-unknown

if [ "${CMA_CHAINE:-}" != debian ] && command -v rustup >/dev/null 2>&1 \
  && rustup target list --installed 2>/dev/null | grep -qx "$WASM_TRIPLET"; then
  WASM_CHAINE=rustup
  WASM_CIBLE="target/$WASM_TRIPLET"
  cargo_wasm() { cargo "$@" --target "$WASM_TRIPLET"; }
elif [ -x /usr/bin/cargo ] && [ -d /usr/lib/rustlib/src/rust/library ]; then
  WASM_CHAINE=debian
  WASM_CIBLE="target/debian/$WASM_TRIPLET"
  cargo_wasm() {
    PATH="/usr/bin:$PATH" RUSTC=/usr/bin/rustc RUSTC_BOOTSTRAP=1 CARGO_TARGET_DIR=target/debian \
      /usr/bin/cargo "$@" --target "$WASM_TRIPLET" -Zbuild-std=std,panic_abort
  }
else
  WASM_CHAINE=aucune
  cargo_wasm() {
    echo "ni la cible $WASM_TRIPLET de rustup ni la chaîne Rust de Debian : lancez scripts/installer" >&2
    return 1
  }
fi
