//! A hash table keyed by the four cells of a ledger line that make its posting (account,
//! object, certification, financer), looked up straight from the line, with no `memcmp` (which
//! is a byte loop in WebAssembly). One lookup per ledger line.
//!
//! Short cells — nearly all of them — are read where they lie into two words each (`Key`: the
//! four cells and their lengths), so that an entry holds its key and is hashed and compared in
//! straight-line code, without a pointer to follow. Cells longer than 16 bytes are kept one
//! after the other in an entry of their own table, compared eight bytes at a time.

use hashbrown::HashTable;

/// The cells of one line.
pub type Cells<'a> = [&'a [u8]; 4];

/// The longest cell of a short key.
const SHORT: usize = 16;

/// The four cells of a line read into two words each, from which, with its length, each cell's
/// bytes can be read back: two keys are equal exactly when their cells are. The last word holds
/// the four lengths.
#[derive(Clone, Copy)]
struct Key([u64; 9]);

impl Key {
    /// The key of `cells`, or `None` when one is longer than [`SHORT`].
    #[inline(always)]
    fn of(cells: &Cells<'_>) -> Option<Key> {
        let mut words = [0u64; 9];
        let mut lengths = 0;
        for (i, cell) in cells.iter().enumerate() {
            let n = cell.len();
            if n > SHORT {
                return None;
            }
            lengths |= (n as u64) << (8 * i);
            // Up to 8 bytes, one word (`last`); up to 16, the first eight and the last eight.
            (words[2 * i], words[2 * i + 1]) = if n > 8 { (u64_at(cell, 0), u64_at(cell, n - 8)) } else { (last(cell), 0) };
        }
        words[8] = lengths;
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

    /// Equality without `memcmp`: the differences of every word, or'ed.
    #[inline(always)]
    fn is(&self, other: &Key) -> bool {
        self.0.iter().zip(&other.0).fold(0, |d, (a, b)| d | (a ^ b)) == 0
    }
}

struct Short<V> {
    key: Key,
    hash: u64,
    value: V,
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
    short: HashTable<Short<V>>,
    long: HashTable<Entry<V>>,
}

impl<V> Default for CellTable<V> {
    fn default() -> Self {
        CellTable { short: HashTable::new(), long: HashTable::new() }
    }
}

impl<V> CellTable<V> {
    pub fn get(&self, cells: &Cells<'_>) -> Option<&V> {
        match Key::of(cells) {
            Some(key) => self.get_short(&key),
            None => self.get_long(cells),
        }
    }

    #[inline(always)]
    pub fn get_mut(&mut self, cells: &Cells<'_>) -> Option<&mut V> {
        match Key::of(cells) {
            Some(key) => self.get_short_mut(&key),
            None => {
                let hash = hash(cells);
                self.long.find_mut(hash, |e| e.hash == hash && e.is(cells)).map(|e| &mut e.value)
            }
        }
    }

    #[inline(always)]
    fn get_short_mut(&mut self, key: &Key) -> Option<&mut V> {
        let hash = key.hash();
        self.short.find_mut(hash, |e| e.hash == hash && e.key.is(key)).map(|e| &mut e.value)
    }

    #[inline(always)]
    fn get_short(&self, key: &Key) -> Option<&V> {
        let hash = key.hash();
        self.short.find(hash, |e| e.hash == hash && e.key.is(key)).map(|e| &e.value)
    }

    fn get_long(&self, cells: &Cells<'_>) -> Option<&V> {
        let hash = hash(cells);
        self.long.find(hash, |e| e.hash == hash && e.is(cells)).map(|e| &e.value)
    }

    /// Adds the cells, which must not be in the table yet.
    pub fn insert(&mut self, cells: &Cells<'_>, value: V) {
        if let Some(key) = Key::of(cells) {
            let hash = key.hash();
            self.short.insert_unique(hash, Short { key, hash, value }, |e| e.hash);
            return;
        }
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
        self.short.iter().map(|e| &e.value).chain(self.long.iter().map(|e| &e.value))
    }

    pub fn len(&self) -> usize {
        self.short.len() + self.long.len()
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
        t.insert(&[b"641100", b"EOTP-0001", b"", b""], 1);
        t.insert(&[b"641100", b"EOTP-000", b"1", b""], 2);
        t.insert(&[b"641100", b"EOTP-0001", b"", b"opco"], 3);
        t.insert(&[b"", b"", b"", b""], 4);
        assert_eq!(t.get(&[b"641100", b"EOTP-0001", b"", b""]), Some(&1));
        assert_eq!(t.get(&[b"641100", b"EOTP-000", b"1", b""]), Some(&2));
        assert_eq!(t.get(&[b"641100", b"EOTP-0001", b"", b"opco"]), Some(&3));
        assert_eq!(t.get(&[b"", b"", b"", b""]), Some(&4));
        assert_eq!(t.get(&[b"641100", b"EOTP-0002", b"", b""]), None);
        *t.get_mut(&[b"", b"", b"", b""]).unwrap() = 5;
        assert_eq!((t.get(&[b"", b"", b"", b""]), t.len()), (Some(&5), 4));
        let long = b"un objet analytique au nom de plus de huit octets";
        t.insert(&[b"6", long, b"RNCP1", b""], 6);
        assert_eq!(t.get(&[b"6", long, b"RNCP1", b""]), Some(&6));
        assert_eq!(t.get(&[b"6", &long[..long.len() - 1], b"RNCP1", b""]), None);
        assert_eq!(t.len(), 5);
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
                    t.insert(&cells, n);
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
        let wide: Cells<'_> = [b"7", &text[..17], b"", b""];
        assert!(Key::of(&wide).is_none());
        t.insert(&wide, 1000);
        assert_eq!(t.get(&wide), Some(&1000));
        assert_eq!(t.values().filter(|&&v| v == 1000).count(), 1);
        assert!(Key::of(&[&text[..16], &text[..16], &text[..16], &text[..16]]).is_some());
    }
}
