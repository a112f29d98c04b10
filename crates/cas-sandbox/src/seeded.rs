//! Seeded randomness. `--seed` must give the same tenant and the same injected faults on every
//! machine and every run, so generated data and fault draws come from ChaCha streams (portable
//! and documented), never from the OS. Secrets (keys, tokens, emergency codes) use `OsRng`.

use rand::{Rng, RngCore, SeedableRng};
use rand_chacha::ChaCha8Rng;

pub type Seeded = ChaCha8Rng;

/// Stream `stream` of `seed`, independent of every other stream of the same seed.
pub fn stream(seed: u64, stream: u64) -> Seeded {
    let mut r = ChaCha8Rng::seed_from_u64(seed);
    r.set_stream(stream);
    r
}

/// A version-4 UUID drawn from `rng`.
pub fn uuid(rng: &mut impl RngCore) -> String {
    let mut b = [0u8; 16];
    rng.fill_bytes(&mut b);
    uuid::Builder::from_random_bytes(b).into_uuid().hyphenated().to_string()
}

/// A UUID from the OS's randomness, for identifiers that must not be guessable.
pub fn random_uuid() -> String {
    uuid(&mut rand::rngs::OsRng)
}

/// The draws the generator makes, none of which can panic.
pub trait Draw {
    /// True with probability `p`.
    fn chance(&mut self, p: f64) -> bool;
    /// Uniform in `0..n`; 0 when `n` is 0.
    fn below(&mut self, n: u64) -> u64;
    /// One of `items`, which must not be empty (the generator's tables are constants).
    fn pick<'a, T>(&mut self, items: &'a [T]) -> &'a T;
}

impl<R: Rng> Draw for R {
    fn chance(&mut self, p: f64) -> bool {
        self.gen::<f64>() < p
    }

    fn below(&mut self, n: u64) -> u64 {
        if n == 0 {
            0
        } else {
            self.gen_range(0..n)
        }
    }

    fn pick<'a, T>(&mut self, items: &'a [T]) -> &'a T {
        &items[self.below(items.len() as u64) as usize]
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn same_seed_same_stream_and_uuids_are_v4() {
        let (mut a, mut b) = (stream(7, 3), stream(7, 3));
        for _ in 0..10 {
            assert_eq!(a.next_u64(), b.next_u64());
        }
        assert_ne!(stream(7, 3).next_u64(), stream(7, 4).next_u64());
        let u = uuid(&mut a);
        assert_eq!(u.len(), 36);
        assert_eq!(&u[14..15], "4");
        assert!(matches!(&u[19..20], "8" | "9" | "a" | "b"));
        assert_eq!(a.below(0), 0);
    }
}
