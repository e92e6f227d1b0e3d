//! N-gram counting for BLEU and chrF: a fast hasher for n-gram maps, word interning, and clipped
//! n-gram matching against one or more references.

use std::collections::HashMap;
use std::hash::{BuildHasherDefault, Hash, Hasher};

use plaudit_core::deadline::Ticker;
use plaudit_core::Failure;

/// A fast, non-cryptographic hasher (rustc's Fx hash, with a final mix) for n-gram maps: std's SipHash made
/// n-gram counting the bottleneck on long texts. Responses are model outputs, not adversarial
/// keys, and every loop over them still checks the deadline.
#[derive(Clone, Copy, Default)]
pub(crate) struct FxHasher {
    hash: u64,
}

impl FxHasher {
    #[inline]
    fn add(&mut self, word: u64) {
        self.hash = (self.hash.rotate_left(5) ^ word).wrapping_mul(0x51_7c_c1_b7_27_22_0a_95);
    }
}

impl Hasher for FxHasher {
    #[inline]
    fn write(&mut self, bytes: &[u8]) {
        let mut chunks = bytes.chunks_exact(8);
        for c in &mut chunks {
            self.add(u64::from_le_bytes(c.try_into().unwrap_or_default()));
        }
        let rest = chunks.remainder();
        if !rest.is_empty() {
            let mut b = [0u8; 8];
            b[..rest.len()].copy_from_slice(rest);
            self.add(u64::from_le_bytes(b));
        }
    }
    #[inline]
    fn write_u8(&mut self, i: u8) {
        self.add(u64::from(i));
    }
    #[inline]
    fn write_u32(&mut self, i: u32) {
        self.add(u64::from(i));
    }
    #[inline]
    fn write_u64(&mut self, i: u64) {
        self.add(i);
    }
    #[inline]
    fn write_usize(&mut self, i: usize) {
        self.add(i as u64);
    }
    fn finish(&self) -> u64 {
        // The multiply leaves the low bits (which pick the bucket) depending on few input bits;
        // a final avalanche (MurmurHash3's fmix64) spreads every bit over all of them.
        let mut h = self.hash;
        h ^= h >> 33;
        h = h.wrapping_mul(0xff51_afd7_ed55_8ccd);
        h ^= h >> 33;
        h
    }
}

pub(crate) type FxMap<K, V> = HashMap<K, V, BuildHasherDefault<FxHasher>>;

/// Maps words to small integers, so n-grams of words are compared and hashed as `[u32]`.
#[derive(Default)]
pub(crate) struct Interner<'a> {
    ids: FxMap<&'a str, u32>,
}

impl<'a> Interner<'a> {
    pub(crate) fn ids(
        &mut self,
        words: impl IntoIterator<Item = &'a str>,
        ticker: &mut Ticker,
    ) -> Result<Vec<u32>, Failure> {
        words
            .into_iter()
            .map(|w| {
                ticker.tick()?;
                let n = self.ids.len() as u32;
                Ok(*self.ids.entry(w).or_insert(n))
            })
            .collect()
    }
}

/// Clipped n-gram matching, as BLEU and chrF count it: for every n-gram of the reference side,
/// its count there and how often the hypothesis has it.
pub(crate) struct RefGrams<'a, T> {
    /// One map per order n = 1, 2, …: n-gram → (reference count, hypothesis count).
    pub(crate) orders: Vec<FxMap<&'a [T], (u64, u64)>>,
    /// Total reference n-grams per order.
    pub(crate) totals: Vec<u64>,
}

impl<'a, T: Eq + Hash> RefGrams<'a, T> {
    /// The n-grams of orders 1..=`max_order` of `seq`.
    pub(crate) fn new(
        seq: &'a [T],
        max_order: usize,
        ticker: &mut Ticker,
    ) -> Result<Self, Failure> {
        let mut orders = Vec::with_capacity(max_order);
        let mut totals = Vec::with_capacity(max_order);
        for n in 1..=max_order {
            let mut m: FxMap<&[T], (u64, u64)> = FxMap::default();
            let mut total = 0;
            if n <= seq.len() {
                for g in seq.windows(n) {
                    ticker.tick()?;
                    m.entry(g).or_insert((0, 0)).0 += 1;
                    total += 1;
                }
            }
            orders.push(m);
            totals.push(total);
        }
        Ok(RefGrams { orders, totals })
    }

    /// Merge another reference's n-grams: each n-gram keeps its maximum count over the references
    /// (multi-reference BLEU). The totals are not meaningful after a merge.
    pub(crate) fn merge_max(
        &mut self,
        other: RefGrams<'a, T>,
        ticker: &mut Ticker,
    ) -> Result<(), Failure> {
        for (mine, theirs) in self.orders.iter_mut().zip(other.orders) {
            for (g, (c, _)) in theirs {
                ticker.tick()?;
                let e = mine.entry(g).or_insert((0, 0));
                e.0 = e.0.max(c);
            }
        }
        Ok(())
    }

    /// Count the hypothesis `seq`'s n-grams into the maps; returns, per order, the number of
    /// hypothesis n-grams and the clipped matches Σ min(hyp count, ref count).
    pub(crate) fn match_hypothesis(
        &mut self,
        seq: &[T],
        ticker: &mut Ticker,
    ) -> Result<Vec<(u64, u64)>, Failure> {
        let mut out = Vec::with_capacity(self.orders.len());
        for (i, m) in self.orders.iter_mut().enumerate() {
            let n = i + 1;
            let mut total = 0;
            if n <= seq.len() && !m.is_empty() {
                for g in seq.windows(n) {
                    ticker.tick()?;
                    if let Some(e) = m.get_mut(g) {
                        e.1 += 1;
                    }
                    total += 1;
                }
            } else {
                total = (seq.len() + 1).saturating_sub(n) as u64;
            }
            let matches = m.values().map(|(r, h)| (*r).min(*h)).sum();
            out.push((total, matches));
        }
        Ok(out)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::HashSet;

    fn hash(f: impl Fn(&mut FxHasher)) -> u64 {
        let mut h = FxHasher::default();
        f(&mut h);
        h.finish()
    }

    // The hash spreads keys over the buckets its low bits pick (what the final mix is for): 4096
    // two-word n-grams give 4096 distinct hashes, and their low 12 bits take close to the
    // 2589 distinct values a random function would (1 − 1/e of 4096), through every write path.
    #[test]
    fn the_hash_spreads_n_grams_over_the_buckets() {
        let mut paths: Vec<Vec<u64>> = vec![Vec::new(); 4];
        for a in 0u32..64 {
            for b in 0u32..64 {
                paths[0].push(hash(|h| {
                    h.write_u32(a);
                    h.write_u32(b);
                }));
                paths[1].push(hash(|h| {
                    h.write_u64(u64::from(a));
                    h.write_usize(b as usize);
                }));
                paths[2].push(hash(|h| {
                    h.write_u8(a as u8);
                    h.write_u8(b as u8);
                }));
                paths[3].push(hash(|h| h.write(format!("{a}-{b}").as_bytes())));
            }
        }
        for (i, hs) in paths.iter().enumerate() {
            let distinct: HashSet<u64> = hs.iter().copied().collect();
            assert_eq!(distinct.len(), 4096, "path {i}");
            let low: HashSet<u64> = hs.iter().map(|h| h & 0xfff).collect();
            assert!(low.len() > 2400, "path {i}: {} buckets", low.len());
        }
        // A byte string longer than 8 bytes hashes its tail too.
        assert_ne!(
            hash(|h| h.write(b"abcdefgh1")),
            hash(|h| h.write(b"abcdefgh2"))
        );
    }

    // The final mix avalanches: flipping any one bit of a word changes about half of the hash's
    // 64 bits (between 24 and 40 on average over 256 fixed words, for each of the 64 bit
    // positions; the code gives 28.8 to 36.2). The multiply alone carries a change only to the
    // bits above it: a mix that shifts the wrong way or ors instead of xoring leaves some input
    // bits reaching 2 to 19 of them, and their n-grams crowded into few buckets.
    #[test]
    fn flipping_one_bit_of_a_word_changes_about_half_of_the_hash() {
        let mut x: u64 = 0x9e37_79b9_7f4a_7c15;
        let words: Vec<u64> = (0..256)
            .map(|_| {
                x = x
                    .wrapping_mul(6_364_136_223_846_793_005)
                    .wrapping_add(1_442_695_040_888_963_407);
                x
            })
            .collect();
        for bit in 0..64 {
            let flipped: u32 = words
                .iter()
                .map(|&w| {
                    (hash(|h| h.write_u64(w)) ^ hash(|h| h.write_u64(w ^ (1 << bit)))).count_ones()
                })
                .sum();
            let mean = f64::from(flipped) / 256.0;
            assert!((24.0..=40.0).contains(&mean), "bit {bit}: {mean}");
        }
    }
}
