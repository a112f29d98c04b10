//! The statistics of a figure: median, min and max of its runs, and the nearest-rank
//! percentiles where a figure has many samples (search latency over 200 queries).

/// A figure's samples summed up. Empty samples have no summary.
#[derive(Clone, Debug, PartialEq)]
pub struct Summary {
    pub n: usize,
    pub median: f64,
    pub min: f64,
    pub max: f64,
    pub p50: f64,
    pub p95: f64,
}

/// Samples that are not numbers (a failed measurement written as null) are left out.
pub fn summary(samples: &[f64]) -> Option<Summary> {
    let mut s: Vec<f64> = samples.iter().copied().filter(|x| x.is_finite()).collect();
    if s.is_empty() {
        return None;
    }
    s.sort_by(f64::total_cmp);
    let n = s.len();
    let median = if n % 2 == 1 { s[n / 2] } else { (s[n / 2 - 1] + s[n / 2]) / 2.0 };
    Some(Summary { n, median, min: s[0], max: s[n - 1], p50: percentile(&s, 50.0), p95: percentile(&s, 95.0) })
}

/// Nearest rank: the smallest sample with at least `p`% of the samples at or below it.
fn percentile(sorted: &[f64], p: f64) -> f64 {
    let rank = ((p / 100.0) * sorted.len() as f64).ceil() as usize;
    sorted[rank.clamp(1, sorted.len()) - 1]
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn median_min_max_of_odd_and_even_counts() {
        let s = summary(&[3.0, 1.0, 2.0]).unwrap();
        assert_eq!((s.n, s.median, s.min, s.max), (3, 2.0, 1.0, 3.0));
        let s = summary(&[4.0, 1.0, 3.0, 2.0]).unwrap();
        assert_eq!(s.median, 2.5);
    }

    #[test]
    fn nearest_rank_percentiles() {
        let samples: Vec<f64> = (1..=200).map(f64::from).collect();
        let s = summary(&samples).unwrap();
        assert_eq!((s.p50, s.p95), (100.0, 190.0));
        let s = summary(&[7.0]).unwrap();
        assert_eq!((s.p50, s.p95, s.median), (7.0, 7.0, 7.0));
        // 20 samples: the 95th percentile is the 19th, not the largest.
        let s = summary(&(1..=20).map(f64::from).collect::<Vec<_>>()).unwrap();
        assert_eq!(s.p95, 19.0);
    }

    #[test]
    fn no_samples_no_summary_and_non_numbers_left_out() {
        assert_eq!(summary(&[]), None);
        assert_eq!(summary(&[f64::NAN]), None);
        assert_eq!(summary(&[f64::NAN, 5.0]).unwrap().n, 1);
    }
}
