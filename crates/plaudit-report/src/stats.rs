//! Streaming accumulators: moments, an adaptive histogram, log-binned means, error clusters, a
//! seeded reservoir. Each holds bounded memory whatever the number of values pushed.

use std::sync::OnceLock;

use regex::Regex;
use serde::Serialize;

/// Count, mean, standard deviations (population and unbiased), min and max, by Welford's method.
#[derive(Clone, Debug, Default)]
pub struct Moments {
    n: u64,
    mean: f64,
    m2: f64,
    min: f64,
    max: f64,
}

/// [`Moments`] as the report shows them.
#[derive(Clone, Debug, Serialize, PartialEq)]
pub struct Summary {
    pub n: u64,
    pub mean: f64,
    /// Unbiased (n − 1), as `torch.std` and TRL compute it; 0 for fewer than two values.
    pub std: f64,
    pub min: f64,
    pub max: f64,
}

impl Moments {
    pub fn push(&mut self, x: f64) {
        if !x.is_finite() {
            return;
        }
        if self.n == 0 {
            self.min = x;
            self.max = x;
        }
        self.n += 1;
        let d = x - self.mean;
        self.mean += d / self.n as f64;
        self.m2 += d * (x - self.mean);
        self.min = self.min.min(x);
        self.max = self.max.max(x);
    }

    pub fn n(&self) -> u64 {
        self.n
    }

    pub fn mean(&self) -> Option<f64> {
        (self.n > 0).then_some(self.mean)
    }

    /// The unbiased standard deviation; `None` for fewer than two values.
    pub fn std(&self) -> Option<f64> {
        (self.n > 1).then(|| (self.m2 / (self.n - 1) as f64).max(0.0).sqrt())
    }

    pub fn summary(&self) -> Option<Summary> {
        (self.n > 0).then(|| Summary {
            n: self.n,
            mean: self.mean,
            std: self.std().unwrap_or(0.0),
            min: self.min,
            max: self.max,
        })
    }
}

/// Bins of a histogram.
pub const BINS: usize = 64;

/// A histogram whose range grows to hold every value: 64 equal bins over `[lo, lo + 64·width)`;
/// a value outside doubles the width (merging bins pairwise) until it fits.
#[derive(Clone, Debug, Default)]
pub struct Histogram {
    lo: f64,
    width: f64,
    counts: Vec<u64>,
}

/// A histogram's occupied bins: `[edges[i], edges[i+1])` holds `counts[i]`.
#[derive(Clone, Debug, Serialize, PartialEq)]
pub struct Bins {
    pub edges: Vec<f64>,
    pub counts: Vec<u64>,
}

impl Histogram {
    pub fn push(&mut self, x: f64) {
        if !x.is_finite() {
            return;
        }
        if self.counts.is_empty() {
            self.lo = x.floor();
            self.width = 1.0 / BINS as f64;
            self.counts = vec![0; BINS];
        }
        while x < self.lo {
            // Grow to the left: the old range becomes the right half.
            let mut c = vec![0; BINS];
            for (i, n) in self.counts.iter().enumerate() {
                c[BINS / 2 + i / 2] += n;
            }
            self.lo -= self.width * BINS as f64;
            self.width *= 2.0;
            self.counts = c;
        }
        while x >= self.lo + self.width * BINS as f64 {
            let mut c = vec![0; BINS];
            for (i, n) in self.counts.iter().enumerate() {
                c[i / 2] += n;
            }
            self.width *= 2.0;
            self.counts = c;
        }
        let i = (((x - self.lo) / self.width) as usize).min(BINS - 1);
        self.counts[i] += 1;
    }

    pub fn bins(&self) -> Bins {
        let first = self.counts.iter().position(|&c| c > 0);
        let last = self.counts.iter().rposition(|&c| c > 0);
        let (Some(a), Some(b)) = (first, last) else {
            return Bins {
                edges: vec![],
                counts: vec![],
            };
        };
        Bins {
            edges: (a..=b + 1)
                .map(|i| self.lo + self.width * i as f64)
                .collect(),
            counts: self.counts[a..=b].to_vec(),
        }
    }
}

/// Mean reward per response-length bin, bins doubling: `[0,1), [1,2), [2,4), [4,8), …`.
#[derive(Clone, Debug, Default)]
pub struct LengthBins {
    bins: Vec<Moments>,
}

/// One length bin of [`LengthBins`].
#[derive(Clone, Debug, Serialize, PartialEq)]
pub struct LengthBin {
    /// The bin holds lengths in `[from, to)`.
    pub from: u64,
    pub to: u64,
    pub n: u64,
    pub mean_reward: f64,
}

impl LengthBins {
    pub fn push(&mut self, len: u64, reward: f64) {
        let i = (u64::BITS - len.leading_zeros()) as usize;
        if self.bins.len() <= i {
            self.bins.resize(i + 1, Moments::default());
        }
        self.bins[i].push(reward);
    }

    pub fn bins(&self) -> Vec<LengthBin> {
        self.bins
            .iter()
            .enumerate()
            .filter_map(|(i, m)| {
                let from = if i == 0 { 0 } else { 1u64 << (i - 1) };
                Some(LengthBin {
                    from,
                    to: 1u64 << i,
                    n: m.n(),
                    mean_reward: m.mean()?,
                })
            })
            .collect()
    }
}

/// An error message with what varies between occurrences (numbers, quoted strings, ids) replaced
/// by placeholders: `line 34: field \`tokens\`` becomes `line <n>: field <s>`.
pub fn cluster_key(msg: &str) -> String {
    static RES: OnceLock<[(Regex, &str); 4]> = OnceLock::new();
    let res = RES.get_or_init(|| {
        [
            // Quoted strings first, so the numbers inside them go with them.
            (
                Regex::new(r#""[^"]*"|`[^`]*`|'[^'\s]*'"#).unwrap(),
                "<s>",
            ),
            // UUIDs and long hex or alphanumeric ids with a digit in them.
            (
                Regex::new(r"\b[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}\b")
                    .unwrap(),
                "<id>",
            ),
            (
                Regex::new(r"\b(?:[A-Za-z_-]*[0-9][A-Za-z0-9_-]*[A-Za-z_-][A-Za-z0-9_-]*|[0-9a-fA-F]{8,})\b")
                    .unwrap(),
                "<id>",
            ),
            (
                Regex::new(r"[-+]?\d+(?:\.\d+)?(?:[eE][-+]?\d+)?").unwrap(),
                "<n>",
            ),
        ]
    });
    let mut s = msg.to_string();
    for (re, to) in res {
        if re.is_match(&s) {
            s = re.replace_all(&s, *to).into_owned();
        }
    }
    s
}

/// A small deterministic generator (SplitMix64) for the reservoir.
#[derive(Clone, Debug)]
pub struct Rng(u64);

impl Rng {
    pub fn new(seed: u64) -> Rng {
        Rng(seed)
    }

    pub fn next_u64(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    /// Uniform in `0..n` (n > 0).
    pub fn below(&mut self, n: u64) -> u64 {
        ((self.next_u64() as u128 * n as u128) >> 64) as u64
    }
}

/// Reservoir sampling (Algorithm R): a uniform sample of at most `cap` of the items offered.
#[derive(Clone, Debug)]
pub struct Reservoir<T> {
    cap: usize,
    seen: u64,
    pub items: Vec<T>,
}

impl<T> Reservoir<T> {
    pub fn new(cap: usize) -> Self {
        Reservoir {
            cap,
            seen: 0,
            items: Vec::new(),
        }
    }

    /// Whether the next item offered would be kept, and where; call [`Reservoir::put`] with it.
    /// Split so that the caller builds the item only when it is kept.
    pub fn offer(&mut self, rng: &mut Rng) -> Option<usize> {
        self.seen += 1;
        if self.cap == 0 {
            return None;
        }
        if self.items.len() < self.cap {
            return Some(self.items.len());
        }
        let j = rng.below(self.seen) as usize;
        (j < self.cap).then_some(j)
    }

    pub fn put(&mut self, slot: usize, item: T) {
        if slot == self.items.len() {
            self.items.push(item);
        } else {
            self.items[slot] = item;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn histogram_grows_both_ways_and_keeps_every_value() {
        let mut h = Histogram::default();
        for x in [0.0, 1.0, 0.5, -3.0, 10.0, 0.25] {
            h.push(x);
        }
        let b = h.bins();
        assert_eq!(b.counts.iter().sum::<u64>(), 6);
        assert!(b.edges[0] <= -3.0 && *b.edges.last().unwrap() > 10.0);
    }

    #[test]
    fn cluster_keys_drop_what_varies() {
        assert_eq!(
            cluster_key("line 34: field `tokens`: expected a non-negative integer, got -2.5"),
            "line <n>: field <s>: expected a non-negative integer, got <n>"
        );
        assert_eq!(
            cluster_key("judge call 5f3a9c2e11 failed: \"rate limited\""),
            cluster_key("judge call 77aa00bb99 failed: \"quota\"")
        );
        assert_eq!(
            cluster_key("request req_01HXYZ9 timed out after 30 s"),
            "request <id> timed out after <n> s"
        );
    }

    #[test]
    fn moments_are_the_unbiased_ones() {
        let mut m = Moments::default();
        for x in [1.0, 2.0, 3.0, 4.0] {
            m.push(x);
        }
        assert_eq!(m.mean(), Some(2.5));
        assert!((m.std().unwrap() - (5.0f64 / 3.0).sqrt()).abs() < 1e-12);
    }
}
