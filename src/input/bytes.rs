//! Where the first byte that is not ASCII lies, sixteen bytes at a time: the step that a text
//! which is not UTF-8 (a Windows-1252 export) goes through at each of its bytes, to be scanned
//! for its encoding and decoded (`source`). In such a file, a few bytes in a thousand are not
//! ASCII: the rest is passed over by blocks, where the standard library's `is_ascii` reads one
//! word of four bytes at a time in WebAssembly.

/// The position of the first byte of `bytes` that is not ASCII.
#[inline]
pub fn first_non_ascii(bytes: &[u8]) -> Option<usize> {
    let mut at = 0;
    while let Some(block) = bytes.get(at..).and_then(<[u8]>::first_chunk::<16>) {
        let high = high_bits(block);
        if high != 0 {
            return Some(at + high.trailing_zeros() as usize);
        }
        at += 16;
    }
    bytes[at..].iter().position(|&b| !b.is_ascii()).map(|p| at + p)
}

/// Whether every byte of `bytes` is ASCII.
#[inline]
pub fn is_ascii(bytes: &[u8]) -> bool {
    first_non_ascii(bytes).is_none()
}

/// The high bit of each of the sixteen bytes of `block`, as bit `i` for byte `i`: one
/// instruction in WebAssembly with SIMD (the page's build) and on x86-64 (SSE2); elsewhere,
/// two words at a time (SWAR).
#[cfg(all(target_arch = "wasm32", target_feature = "simd128"))]
#[inline(always)]
fn high_bits(block: &[u8; 16]) -> u32 {
    use std::arch::wasm32::{u8x16, u8x16_bitmask};
    let b = block;
    u32::from(u8x16_bitmask(u8x16(b[0], b[1], b[2], b[3], b[4], b[5], b[6], b[7], b[8], b[9], b[10], b[11], b[12], b[13], b[14], b[15])))
}

#[cfg(target_arch = "x86_64")]
#[inline(always)]
fn high_bits(block: &[u8; 16]) -> u32 {
    safe_arch::move_mask_i8_m128i(safe_arch::load_unaligned_m128i(block)) as u32
}

#[cfg(not(any(target_arch = "x86_64", all(target_arch = "wasm32", target_feature = "simd128"))))]
#[inline(always)]
fn high_bits(block: &[u8; 16]) -> u32 {
    high_bits_swar(block)
}

/// [`high_bits`] without SIMD: the implementation where neither is available (aarch64, say),
/// checked against the SIMD one by a test wherever that one runs.
#[cfg_attr(any(target_arch = "x86_64", all(target_arch = "wasm32", target_feature = "simd128")), allow(dead_code))]
#[inline(always)]
fn high_bits_swar(block: &[u8; 16]) -> u32 {
    let (low, high) = block.split_at(8);
    let word = |half: &[u8]| u64_of(half) & 0x8080_8080_8080_8080;
    bits_of(word(low)) | (bits_of(word(high)) << 8)
}

/// The first eight bytes of `bytes` as a word (little-endian), 0 when there are fewer.
#[cfg_attr(any(target_arch = "x86_64", all(target_arch = "wasm32", target_feature = "simd128")), allow(dead_code))]
#[inline(always)]
pub(super) fn u64_of(bytes: &[u8]) -> u64 {
    bytes.first_chunk::<8>().map_or(0, |w| u64::from_le_bytes(*w))
}

/// The high bits of the eight bytes of `high` (nothing else set) gathered into bits 0 to 7.
#[cfg_attr(any(target_arch = "x86_64", all(target_arch = "wasm32", target_feature = "simd128")), allow(dead_code))]
#[inline(always)]
pub(super) fn bits_of(high: u64) -> u32 {
    // Byte k's bit moved to bit 56 + k by the multiplication, whose partial products never
    // carry into one another (one bit per byte).
    ((((high >> 7).wrapping_mul(0x0102_0408_1020_4080)) >> 56) as u32) & 0xFF
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;

    #[test]
    fn the_first_byte_past_ascii_is_found_at_every_place() {
        for len in 0..70 {
            let mut bytes = vec![b'a'; len];
            assert_eq!(first_non_ascii(&bytes), None, "{len}");
            assert!(is_ascii(&bytes));
            for at in 0..len {
                for high in [0x80, 0xC3, 0xE9, 0xFF] {
                    bytes[at] = high;
                    assert_eq!(first_non_ascii(&bytes), Some(at), "{len} {at}");
                    // A second one after it does not move the first.
                    if at + 1 < len {
                        bytes[len - 1] = 0x9C;
                        assert_eq!(first_non_ascii(&bytes), Some(at), "{len} {at}");
                        bytes[len - 1] = b'a';
                    }
                    bytes[at] = b'a';
                }
            }
        }
    }

    /// Blocks of sixteen bytes drawn from `alphabet`, the same on every run (xorshift).
    pub(crate) fn random_blocks(alphabet: &[u8], count: usize) -> impl Iterator<Item = [u8; 16]> + '_ {
        let mut state: u64 = 0x9E37_79B9_7F4A_7C15;
        (0..count).map(move |_| {
            std::array::from_fn(|_| {
                state ^= state << 13;
                state ^= state >> 7;
                state ^= state << 17;
                alphabet[(state % alphabet.len() as u64) as usize]
            })
        })
    }

    /// The SWAR fallback gives the SIMD path's bits on blocks of every mix of high and low bytes.
    #[test]
    fn both_block_readings_agree() {
        for block in random_blocks(&[b'a', 0x7F, 0x80, 0xC3, 0xFF, 0, b'\n', 0xA9], 20_000) {
            let expected = (0..16).filter(|&i| block[i] >= 0x80).fold(0u32, |m, i| m | 1 << i);
            assert_eq!(high_bits(&block), expected, "{block:?}");
            assert_eq!(high_bits_swar(&block), expected, "{block:?}");
        }
    }
}
