//! A hash table keyed by the four cells of a ledger line that make its posting (account,
//! object, certification, financer), looked up straight from the line, with no `memcmp` (which
//! is a byte loop in WebAssembly). One lookup per ledger line.
//!
//! Short cells — nearly all of them — are read where they lie into the words of a [`Probe`]'s
//! key (the four cells one after the other, and their lengths), so that an entry holds its key
//! and is hashed and compared in straight-line code, without a pointer to follow. Their entries
//! lie in place in one array, found by linear probing from the slot their hash names: the
//! reader of a ledger asks for that slot's memory ([`CellTable::prefetch`]) one line before it
//! looks the key up, as a region's table is larger than the processor's nearest caches. Longer
//! cells are kept one after the other in an entry of their own table, compared eight bytes at a
//! time.

use hashbrown::HashTable;

/// The cells of one line.
pub type Cells<'a> = [&'a [u8]; 4];

/// The most bytes of the four cells together in a short key.
pub const SHORT: usize = 40;

/// The four cells of a line one after the other in five words, and their lengths in a sixth:
/// two keys are equal exactly when their cells are. Sized so that an entry is about one cache
/// line: the table outgrows the processor's nearest caches on a region's ledger, and each
/// lookup then costs the lines it touches.
#[derive(Clone, Copy)]
struct Key([u64; 6]);

impl Key {
    /// The key of `cells`, or `None` when they are longer than [`SHORT`] together.
    #[inline(always)]
    fn of(cells: &Cells<'_>) -> Option<Key> {
        let [a, b, c, d] = cells.map(<[u8]>::len);
        if a + b + c + d > SHORT {
            return None;
        }
        let mut words = [0u64; 6];
        let mut at = 0;
        for cell in cells {
            let n = cell.len();
            let mut k = 0;
            while k + 8 <= n {
                put(&mut words, at + k, u64_at(cell, k));
                k += 8;
            }
            if k < n {
                put(&mut words, at + k, tail(cell, k));
            }
            at += n;
        }
        words[5] = (a | b << 8 | c << 16 | d << 24) as u64;
        Some(Key(words))
    }

    #[inline(always)]
    fn hash(&self) -> u64 {
        let mut h: u64 = 0;
        for &w in &self.0 {
            h = (h.rotate_left(5) ^ w).wrapping_mul(K);
        }
        // The table takes its buckets from the low bits and its tags from the high ones.
        h ^ (h >> 31)
    }

    /// Whether this is the key of an empty slot ([`EMPTY`]).
    #[inline(always)]
    fn is_empty(&self) -> bool {
        self.0[5] == u64::MAX
    }

    /// Equality without `memcmp`: the differences of every word, or'ed.
    #[inline(always)]
    fn is(&self, other: &Key) -> bool {
        self.0.iter().zip(&other.0).fold(0, |d, (a, b)| d | (a ^ b)) == 0
    }
}

/// Puts the bytes of `w` (little-endian, zero above the last) at byte `at` of `words`, which
/// are zero there: the bytes that pass a word's end go to the next one.
#[inline(always)]
fn put(words: &mut [u64; 6], at: usize, w: u64) {
    let (i, shift) = (at / 8, 8 * (at % 8) as u32);
    words[i] |= w << shift;
    if shift != 0 {
        words[i + 1] |= w >> (64 - shift);
    }
}

/// The bytes of `bytes` from `from` to its end, fewer than eight, as a little-endian word
/// zero above them.
#[inline(always)]
fn tail(bytes: &[u8], from: usize) -> u64 {
    let n = bytes.len();
    let r = n - from;
    if n >= 8 {
        u64_at(bytes, n - 8) >> (8 * (8 - r))
    } else if r >= 4 {
        u32_at(bytes, from) | (u32_at(bytes, n - 4) << (8 * (r - 4)))
    } else {
        bytes[from..].iter().rev().fold(0, |w, &b| (w << 8) | u64::from(b))
    }
}

/// A line's cells, with their key and its hash when they make a short one: made once per
/// line, to ask for the memory of its slot ahead, then to look it up and insert it. A probe
/// with a key can be kept without the line: its cells are read back from the key.
#[derive(Clone, Copy)]
pub struct Probe<'a> {
    cells: Cells<'a>,
    short: Option<(Key, u64)>,
}

impl<'a> Probe<'a> {
    #[inline(always)]
    pub fn new(cells: Cells<'a>) -> Probe<'a> {
        Probe { cells, short: Key::of(&cells).map(|key| (key, key.hash())) }
    }

    /// The short key alone, to be kept without the line.
    pub fn kept(&self) -> Option<KeptProbe> {
        self.short.map(|(key, hash)| KeptProbe { key, hash })
    }

    pub fn cells(&self) -> &Cells<'a> {
        &self.cells
    }
}

/// The short key of a line's cells, kept after the line is gone.
#[derive(Clone, Copy)]
pub struct KeptProbe {
    key: Key,
    hash: u64,
}

impl KeptProbe {
    /// The probe again, its cells read back from the key into `bytes`.
    #[inline(always)]
    pub fn probe<'b>(&self, bytes: &'b mut [u8; SHORT]) -> Probe<'b> {
        for (i, w) in self.key.0[..5].iter().enumerate() {
            bytes[8 * i..8 * i + 8].copy_from_slice(&w.to_le_bytes());
        }
        let lengths = self.key.0[5];
        let mut cells: Cells<'b> = [&[]; 4];
        let mut rest: &'b [u8] = bytes;
        for (i, cell) in cells.iter_mut().enumerate() {
            let n = ((lengths >> (8 * i)) & 0xff) as usize;
            (*cell, rest) = rest.split_at(n.min(rest.len()));
        }
        Probe { cells, short: Some((self.key, self.hash)) }
    }
}

/// Short keys and their values in place, at most three quarters full (less would weigh more
/// than `hashbrown`'s table did: up to twice the slots); the search for a key starts at
/// the slot its hash names and goes on to the next until the key or an empty slot.
struct Slots<V> {
    slots: Vec<Slot<V>>,
    len: usize,
}

#[derive(Clone)]
struct Slot<V> {
    key: Key,
    value: V,
}

/// The key of an empty slot: its lengths word is none of a real key's (four bytes of lengths).
const EMPTY: Key = Key([0, 0, 0, 0, 0, u64::MAX]);

impl<V: Clone + Default> Slots<V> {
    #[inline(always)]
    fn find(&self, key: &Key, hash: u64) -> Option<usize> {
        let mask = self.slots.len().checked_sub(1)?;
        let mut i = hash as usize & mask;
        loop {
            let slot = &self.slots[i];
            if slot.key.is(key) {
                return Some(i);
            }
            if slot.key.is_empty() {
                return None;
            }
            i = (i + 1) & mask;
        }
    }

    /// Adds a key that is not in the table yet.
    fn insert(&mut self, key: Key, hash: u64, value: V) {
        if 4 * (self.len + 1) > 3 * self.slots.len() {
            let capacity = (2 * self.slots.len()).max(64);
            let old = std::mem::replace(&mut self.slots, vec![Slot { key: EMPTY, value: V::default() }; capacity]);
            for slot in old.into_iter().filter(|s| !s.key.is_empty()) {
                self.place(slot.key, slot.key.hash(), slot.value);
            }
        }
        self.place(key, hash, value);
        self.len += 1;
    }

    /// Puts a key in the first empty slot from its own (there is one: the table is at most three
    /// quarters full).
    fn place(&mut self, key: Key, hash: u64, value: V) {
        let mask = self.slots.len() - 1;
        let mut i = hash as usize & mask;
        while !self.slots[i].key.is_empty() {
            i = (i + 1) & mask;
        }
        self.slots[i] = Slot { key, value };
    }

    /// Asks for the memory of the slot where the search for `hash` starts, with the processor's
    /// prefetch instruction (x86-64; WebAssembly has none, and reading the slot ahead instead
    /// was measured no faster there).
    #[inline(always)]
    fn prefetch(&self, _hash: u64) {
        #[cfg(target_arch = "x86_64")]
        if let Some(slot) = self.slots.get(_hash as usize & self.slots.len().wrapping_sub(1)) {
            // A slot may straddle two cache lines: its key's first word and its value.
            safe_arch::prefetch_t0(&slot.key);
            safe_arch::prefetch_t0(&slot.value);
        }
    }

    fn values(&self) -> impl Iterator<Item = &V> {
        self.slots.iter().filter(|s| !s.key.is_empty()).map(|s| &s.value)
    }
}

struct Entry<V> {
    hash: u64,
    /// The four cells one after the other, and where each ends.
    bytes: Box<[u8]>,
    ends: [u32; 4],
    value: V,
}

impl<V> Entry<V> {
    fn is(&self, cells: &Cells<'_>) -> bool {
        let mut start = 0;
        for (cell, &end) in cells.iter().zip(&self.ends) {
            let end = end as usize;
            if end - start != cell.len() || !same(&self.bytes[start..end], cell) {
                return false;
            }
            start = end;
        }
        true
    }
}

/// Values by the four cells of a line.
pub struct CellTable<V> {
    short: Slots<V>,
    long: HashTable<Entry<V>>,
}

impl<V> Default for CellTable<V> {
    fn default() -> Self {
        CellTable { short: Slots { slots: Vec::new(), len: 0 }, long: HashTable::new() }
    }
}

impl<V: Clone + Default> CellTable<V> {
    pub fn get(&self, cells: &Cells<'_>) -> Option<&V> {
        let probe = Probe::new(*cells);
        match probe.short {
            Some((key, hash)) => self.short.find(&key, hash).map(|i| &self.short.slots[i].value),
            None => {
                let hash = hash(cells);
                self.long.find(hash, |e| e.hash == hash && e.is(cells)).map(|e| &e.value)
            }
        }
    }

    /// Asks for the memory where the probe's key would be, to look it up soon.
    #[inline(always)]
    pub fn prefetch(&self, probe: &Probe<'_>) {
        if let Some((_, hash)) = probe.short {
            self.short.prefetch(hash);
        }
    }

    #[inline(always)]
    pub fn get_mut(&mut self, probe: &Probe<'_>) -> Option<&mut V> {
        match &probe.short {
            Some((key, hash)) => self.short.find(key, *hash).map(|i| &mut self.short.slots[i].value),
            None => {
                let cells = &probe.cells;
                let hash = hash(cells);
                self.long.find_mut(hash, |e| e.hash == hash && e.is(cells)).map(|e| &mut e.value)
            }
        }
    }

    /// Adds the cells, which must not be in the table yet.
    pub fn insert(&mut self, probe: &Probe<'_>, value: V) {
        if let Some((key, hash)) = probe.short {
            self.short.insert(key, hash, value);
            return;
        }
        let cells = &probe.cells;
        let mut ends = [0u32; 4];
        let mut end = 0;
        for (i, cell) in cells.iter().enumerate() {
            end += cell.len();
            ends[i] = u32::try_from(end).unwrap_or(u32::MAX);
        }
        let entry = Entry { hash: hash(cells), bytes: cells.concat().into_boxed_slice(), ends, value };
        self.long.insert_unique(entry.hash, entry, |e| e.hash);
    }

    /// Every value, in no particular order.
    pub fn values(&self) -> impl Iterator<Item = &V> {
        self.short.values().chain(self.long.iter().map(|e| &e.value))
    }

    pub fn len(&self) -> usize {
        self.short.len + self.long.len()
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }
}

const K: u64 = 0xf135_7aea_2e62_a9c5;

/// Eight bytes of `bytes` from `at`, as a word.
#[inline(always)]
fn u64_at(bytes: &[u8], at: usize) -> u64 {
    let mut w = [0u8; 8];
    w.copy_from_slice(&bytes[at..at + 8]);
    u64::from_le_bytes(w)
}

/// Four bytes of `bytes` from `at`, as a word.
#[inline(always)]
fn u32_at(bytes: &[u8], at: usize) -> u64 {
    let mut w = [0u8; 4];
    w.copy_from_slice(&bytes[at..at + 4]);
    u64::from(u32::from_le_bytes(w))
}

/// The bytes of `bytes` after its whole words (fewer than eight, the last ones read again in
/// an overlapping word when there are eight or more in all): with the length, they tell two
/// strings of whole words apart.
#[inline(always)]
fn last(bytes: &[u8]) -> u64 {
    let n = bytes.len();
    if n >= 8 {
        u64_at(bytes, n - 8)
    } else if n >= 4 {
        u32_at(bytes, 0) | (u32_at(bytes, n - 4) << 32)
    } else {
        bytes.iter().fold(0, |w, &b| (w << 8) | u64::from(b))
    }
}

#[inline(always)]
fn hash(cells: &Cells<'_>) -> u64 {
    let mut h: u64 = 0;
    for cell in cells {
        let mut at = 0;
        while at + 8 <= cell.len() {
            h = (h.rotate_left(5) ^ u64_at(cell, at)).wrapping_mul(K);
            at += 8;
        }
        // The last bytes, with the length: « AB » + « C » is not « A » + « BC ».
        h = (h.rotate_left(5) ^ last(cell) ^ ((cell.len() as u64) << 56)).wrapping_mul(K);
    }
    // The table takes its buckets from the low bits and its tags from the high ones.
    h ^ (h >> 31)
}

/// Whether two byte strings of the same length are equal, eight bytes at a time.
#[inline(always)]
fn same(a: &[u8], b: &[u8]) -> bool {
    let mut at = 0;
    while at + 8 <= a.len() {
        if u64_at(a, at) != u64_at(b, at) {
            return false;
        }
        at += 8;
    }
    last(a) == last(b)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cells_are_told_apart_by_their_bytes_and_their_bounds() {
        let mut t = CellTable::default();
        t.insert(&Probe::new([b"641100", b"EOTP-0001", b"", b""]), 1);
        t.insert(&Probe::new([b"641100", b"EOTP-000", b"1", b""]), 2);
        t.insert(&Probe::new([b"641100", b"EOTP-0001", b"", b"opco"]), 3);
        t.insert(&Probe::new([b"", b"", b"", b""]), 4);
        assert_eq!(t.get(&[b"641100", b"EOTP-0001", b"", b""]), Some(&1));
        assert_eq!(t.get(&[b"641100", b"EOTP-000", b"1", b""]), Some(&2));
        assert_eq!(t.get(&[b"641100", b"EOTP-0001", b"", b"opco"]), Some(&3));
        assert_eq!(t.get(&[b"", b"", b"", b""]), Some(&4));
        assert_eq!(t.get(&[b"641100", b"EOTP-0002", b"", b""]), None);
        *t.get_mut(&Probe::new([b"", b"", b"", b""])).unwrap() = 5;
        assert_eq!((t.get(&[b"", b"", b"", b""]), t.len()), (Some(&5), 4));
        let long = b"un objet analytique au nom de plus de huit octets";
        t.insert(&Probe::new([b"6", long, b"RNCP1", b""]), 6);
        assert_eq!(t.get(&[b"6", long, b"RNCP1", b""]), Some(&6));
        assert_eq!(t.get(&[b"6", &long[..long.len() - 1], b"RNCP1", b""]), None);
        assert_eq!(t.len(), 5);
    }

    proptest::proptest! {
        /// Two lines' cells, drawn from few bytes so that they often share some: their short
        /// keys are equal exactly when the cells are, and the table finds each again.
        #[test]
        fn short_keys_are_equal_exactly_when_the_cells_are(
            a in proptest::collection::vec(proptest::collection::vec(b'a'..=b'b', 0..=12), 4),
            b in proptest::collection::vec(proptest::collection::vec(b'a'..=b'b', 0..=12), 4),
        ) {
            let cells = |v: &[Vec<u8>]| -> [Vec<u8>; 4] { [v[0].clone(), v[1].clone(), v[2].clone(), v[3].clone()] };
            let (a, b) = (cells(&a), cells(&b));
            let (ca, cb): (Cells<'_>, Cells<'_>) = (a.each_ref().map(Vec::as_slice), b.each_ref().map(Vec::as_slice));
            for (probe, cells) in [(Probe::new(ca), ca), (Probe::new(cb), cb)] {
                let mut bytes = [0; SHORT];
                if let Some(kept) = probe.kept() {
                    proptest::prop_assert_eq!(*kept.probe(&mut bytes).cells(), cells);
                }
            }
            if let (Some(ka), Some(kb)) = (Key::of(&ca), Key::of(&cb)) {
                proptest::prop_assert_eq!(ka.is(&kb), a == b);
                if a == b {
                    proptest::prop_assert_eq!(ka.hash(), kb.hash());
                }
            }
            let mut t = CellTable::default();
            t.insert(&Probe::new(ca), 1);
            if a != b {
                t.insert(&Probe::new(cb), 2);
            }
            proptest::prop_assert_eq!(t.get(&ca), Some(&1));
            proptest::prop_assert_eq!(t.get(&cb), Some(if a == b { &1 } else { &2 }));
        }
    }

    #[test]
    fn many_keys_are_found_again_as_the_table_grows() {
        // Objects of 1 to 20 bytes: short keys in a table that grows many times, probed past
        // taken slots; and long ones beside them.
        let names: Vec<Vec<u8>> = (0..20_000u32).map(|i| format!("EOTP-{i:0w$}", w = (i % 16) as usize).into_bytes()).collect();
        let long = [b'x'; 40];
        let mut t = CellTable::default();
        for (i, name) in names.iter().enumerate() {
            let cells: Cells<'_> = [b"606300", name, b"", if i % 100 == 0 { &long } else { b"" }];
            assert!(t.get(&cells).is_none());
            t.insert(&Probe::new(cells), i);
        }
        for (i, name) in names.iter().enumerate() {
            let cells: Cells<'_> = [b"606300", name, b"", if i % 100 == 0 { &long } else { b"" }];
            assert_eq!(t.get(&cells), Some(&i));
            assert!(t.get(&[b"606300", name, b"RNCP1", b""]).is_none());
        }
        assert_eq!((t.len(), t.values().sum::<usize>()), (names.len(), (0..names.len()).sum()));
        assert!(4 * t.short.len <= 3 * t.short.slots.len());
    }

    #[test]
    fn short_keys_tell_every_length_apart() {
        // Cells of 0 to 24 bytes, differing only in their length or their last byte, in every
        // slot: each is its own key, found again, short or long.
        let text: Vec<u8> = (0..40u8).map(|i| b'a' + i % 26).collect();
        let mut t = CellTable::default();
        let mut n = 0;
        for len in 0..=24 {
            for slot in 0..4 {
                let mut cells: Cells<'_> = [b"6", b"", b"", b""];
                cells[slot] = &text[..len];
                if t.get(&cells).is_none() {
                    t.insert(&Probe::new(cells), n);
                    n += 1;
                }
                let mut other = text[..len].to_vec();
                if let Some(last) = other.last_mut() {
                    *last = b'#';
                    let mut cells_other = cells;
                    cells_other[slot] = &other;
                    assert_eq!(t.get(&cells_other), None, "{len} {slot}");
                }
            }
        }
        assert_eq!(t.len(), n as usize);
        let wide: Cells<'_> = [b"7", &text[..17], &text[..23], b""];
        assert!(Key::of(&wide).is_none());
        t.insert(&Probe::new(wide), 1000);
        assert_eq!(t.get(&wide), Some(&1000));
        assert_eq!(t.values().filter(|&&v| v == 1000).count(), 1);
        assert!(Key::of(&[&text[..10], &text[..10], &text[..10], &text[..10]]).is_some());
    }
}
