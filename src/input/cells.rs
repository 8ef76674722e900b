//! A hash table keyed by the four cells of a ledger line that make its posting (account,
//! object, certification, financer), looked up straight from the line: the cells are hashed
//! and compared where they lie, eight bytes at a time, with no key built and no `memcmp` (which
//! is a byte loop in WebAssembly). One lookup per ledger line.

use hashbrown::HashTable;

/// The cells of one line.
pub type Cells<'a> = [&'a [u8]; 4];

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
    table: HashTable<Entry<V>>,
}

impl<V> Default for CellTable<V> {
    fn default() -> Self {
        CellTable { table: HashTable::new() }
    }
}

impl<V> CellTable<V> {
    pub fn get(&self, cells: &Cells<'_>) -> Option<&V> {
        let hash = hash(cells);
        self.table.find(hash, |e| e.hash == hash && e.is(cells)).map(|e| &e.value)
    }

    pub fn get_mut(&mut self, cells: &Cells<'_>) -> Option<&mut V> {
        let hash = hash(cells);
        self.table.find_mut(hash, |e| e.hash == hash && e.is(cells)).map(|e| &mut e.value)
    }

    /// Adds the cells, which must not be in the table yet.
    pub fn insert(&mut self, cells: &Cells<'_>, value: V) {
        let mut ends = [0u32; 4];
        let mut end = 0;
        for (i, cell) in cells.iter().enumerate() {
            end += cell.len();
            ends[i] = u32::try_from(end).unwrap_or(u32::MAX);
        }
        let entry = Entry { hash: hash(cells), bytes: cells.concat().into_boxed_slice(), ends, value };
        self.table.insert_unique(entry.hash, entry, |e| e.hash);
    }

    pub fn len(&self) -> usize {
        self.table.len()
    }

    pub fn is_empty(&self) -> bool {
        self.table.is_empty()
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
    }
}
