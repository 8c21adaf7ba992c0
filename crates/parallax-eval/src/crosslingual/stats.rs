//! Correlation coefficients, ridge regression and grouped k-fold cross-validation: the statistics
//! behind `parallax eval crosslingual`, with no dependencies.

/// Pearson's product-moment correlation of `x` and `y` (pairs beyond the shorter slice are
/// ignored). `None` when there are fewer than two pairs or either side is constant.
pub fn pearson(x: &[f64], y: &[f64]) -> Option<f64> {
    let n = x.len().min(y.len());
    if n < 2 {
        return None;
    }
    let (x, y) = (&x[..n], &y[..n]);
    let mx = x.iter().sum::<f64>() / n as f64;
    let my = y.iter().sum::<f64>() / n as f64;
    let (mut sxy, mut sxx, mut syy) = (0.0, 0.0, 0.0);
    for (a, b) in x.iter().zip(y) {
        let (dx, dy) = (a - mx, b - my);
        sxy += dx * dy;
        sxx += dx * dx;
        syy += dy * dy;
    }
    if sxx <= 0.0 || syy <= 0.0 {
        return None;
    }
    Some((sxy / (sxx.sqrt() * syy.sqrt())).clamp(-1.0, 1.0))
}

/// The ranks of `x` (1-based), ties given the mean of the ranks they span.
pub fn ranks(x: &[f64]) -> Vec<f64> {
    let mut order: Vec<usize> = (0..x.len()).collect();
    order.sort_by(|&a, &b| x[a].total_cmp(&x[b]));
    let mut out = vec![0.0; x.len()];
    let mut i = 0;
    while i < order.len() {
        let mut j = i;
        while j + 1 < order.len() && x[order[j + 1]] == x[order[i]] {
            j += 1;
        }
        // Positions i..=j (0-based) hold ranks i+1..=j+1; their mean is (i + j) / 2 + 1.
        let rank = (i + j) as f64 / 2.0 + 1.0;
        for &k in &order[i..=j] {
            out[k] = rank;
        }
        i = j + 1;
    }
    out
}

/// Spearman's rank correlation: Pearson's r of the ranks (ties averaged). `None` as for
/// [`pearson`].
pub fn spearman(x: &[f64], y: &[f64]) -> Option<f64> {
    let n = x.len().min(y.len());
    pearson(&ranks(&x[..n]), &ranks(&y[..n]))
}

/// A linear model over raw feature values: `intercept + Σ weights[i] · x[i]`.
#[derive(Clone, Debug, PartialEq)]
pub struct Linear {
    /// The constant term.
    pub intercept: f64,
    /// One weight per feature.
    pub weights: Vec<f64>,
}

impl Linear {
    /// The model's output for one row of features.
    pub fn predict(&self, x: &[f64]) -> f64 {
        self.intercept + self.weights.iter().zip(x).map(|(w, v)| w * v).sum::<f64>()
    }
}

/// Ridge regression of `y` on the rows `x`: features are standardised (mean 0, standard deviation
/// 1 over these rows; a constant feature gets weight 0), the penalty `lambda · Σ w²` applies to the
/// standardised weights, the intercept is not penalised. The result is expressed over the raw
/// features. `None` when there are no rows or the system cannot be solved.
pub fn ridge(x: &[Vec<f64>], y: &[f64], lambda: f64) -> Option<Linear> {
    let n = x.len().min(y.len());
    if n == 0 {
        return None;
    }
    let d = x[0].len();
    let mean: Vec<f64> = (0..d)
        .map(|j| x[..n].iter().map(|r| r[j]).sum::<f64>() / n as f64)
        .collect();
    let sd: Vec<f64> = (0..d)
        .map(|j| {
            let v = x[..n].iter().map(|r| (r[j] - mean[j]).powi(2)).sum::<f64>() / n as f64;
            v.sqrt()
        })
        .collect();
    let ym = y[..n].iter().sum::<f64>() / n as f64;
    let z = |r: &[f64], j: usize| {
        if sd[j] > 1e-12 {
            (r[j] - mean[j]) / sd[j]
        } else {
            0.0
        }
    };
    // Normal equations (ZᵀZ + λI) w = Zᵀ(y − ȳ).
    let mut a = vec![vec![0.0; d + 1]; d];
    for (r, &t) in x[..n].iter().zip(&y[..n]) {
        let zr: Vec<f64> = (0..d).map(|j| z(r, j)).collect();
        for i in 0..d {
            for j in 0..d {
                a[i][j] += zr[i] * zr[j];
            }
            a[i][d] += zr[i] * (t - ym);
        }
    }
    for (i, row) in a.iter_mut().enumerate() {
        row[i] += lambda.max(1e-9);
    }
    let w = solve(a)?;
    let weights: Vec<f64> = (0..d)
        .map(|j| if sd[j] > 1e-12 { w[j] / sd[j] } else { 0.0 })
        .collect();
    let intercept = ym - weights.iter().zip(&mean).map(|(w, m)| w * m).sum::<f64>();
    Some(Linear { intercept, weights })
}

/// Solves the augmented system `a` (d rows of d + 1 values) by Gaussian elimination with partial
/// pivoting.
// Row operations read one row while writing another: indexing is the clear form here.
#[allow(clippy::needless_range_loop)]
fn solve(mut a: Vec<Vec<f64>>) -> Option<Vec<f64>> {
    let d = a.len();
    for c in 0..d {
        let p = (c..d).max_by(|&i, &j| a[i][c].abs().total_cmp(&a[j][c].abs()))?;
        if a[p][c].abs() < 1e-12 {
            return None;
        }
        a.swap(c, p);
        for r in 0..d {
            if r != c {
                let f = a[r][c] / a[c][c];
                if f != 0.0 {
                    for k in c..=d {
                        a[r][k] -= f * a[c][k];
                    }
                }
            }
        }
    }
    Some((0..d).map(|i| a[i][d] / a[i][i]).collect())
}

/// A small deterministic generator (SplitMix64) for fold assignment.
struct SplitMix(u64);

impl SplitMix {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }
}

/// Assigns `groups` (one group label per row; rows of one group always share a fold) to `k`
/// folds: the distinct groups are shuffled with `seed` and dealt round-robin. Returns each row's
/// fold in `0..k`.
pub fn group_folds(groups: &[usize], k: usize, seed: u64) -> Vec<usize> {
    let k = k.max(1);
    let mut distinct: Vec<usize> = groups.to_vec();
    distinct.sort_unstable();
    distinct.dedup();
    let mut rng = SplitMix(seed);
    // Fisher–Yates.
    for i in (1..distinct.len()).rev() {
        let j = (rng.next() % (i as u64 + 1)) as usize;
        distinct.swap(i, j);
    }
    let fold_of: std::collections::HashMap<usize, usize> = distinct
        .iter()
        .enumerate()
        .map(|(i, &g)| (g, i % k))
        .collect();
    groups.iter().map(|g| fold_of[g]).collect()
}

/// Out-of-fold predictions: for each fold, a ridge model fitted on the other folds' rows predicts
/// the fold's rows. `None` when a fold's training rows cannot be fitted.
pub fn cross_validate(x: &[Vec<f64>], y: &[f64], folds: &[usize], lambda: f64) -> Option<Vec<f64>> {
    let k = folds.iter().copied().max().map_or(0, |m| m + 1);
    let mut out = vec![0.0; x.len()];
    for f in 0..k {
        let (tx, ty): (Vec<Vec<f64>>, Vec<f64>) = x
            .iter()
            .zip(y)
            .zip(folds)
            .filter(|&(_, &g)| g != f)
            .map(|((r, &t), _)| (r.clone(), t))
            .unzip();
        let model = ridge(&tx, &ty, lambda)?;
        for (i, r) in x.iter().enumerate() {
            if folds[i] == f {
                out[i] = model.predict(r);
            }
        }
    }
    Some(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn close(a: f64, b: f64) -> bool {
        (a - b).abs() < 1e-9
    }

    #[test]
    fn pearson_hand_computed() {
        // x = 1,2,3,4; y = 2,1,4,3: means 2.5; dx = -1.5,-.5,.5,1.5; dy = -.5,-1.5,1.5,.5;
        // Σdxdy = .75+.75+.75+.75 = 3; Σdx² = Σdy² = 5 → r = 0.6.
        let r = pearson(&[1.0, 2.0, 3.0, 4.0], &[2.0, 1.0, 4.0, 3.0]).unwrap();
        assert!(close(r, 0.6), "{r}");
        // Perfect and perfectly negative linear relations.
        assert!(close(
            pearson(&[1.0, 2.0, 3.0], &[5.0, 7.0, 9.0]).unwrap(),
            1.0
        ));
        assert!(close(
            pearson(&[1.0, 2.0, 3.0], &[3.0, 2.0, 1.0]).unwrap(),
            -1.0
        ));
        // Undefined cases.
        assert_eq!(pearson(&[1.0], &[2.0]), None);
        assert_eq!(pearson(&[1.0, 1.0, 1.0], &[1.0, 2.0, 3.0]), None);
        assert_eq!(pearson(&[], &[]), None);
    }

    #[test]
    fn ranks_average_ties() {
        assert_eq!(ranks(&[10.0, 30.0, 20.0, 20.0]), vec![1.0, 4.0, 2.5, 2.5]);
        assert_eq!(ranks(&[5.0, 5.0, 5.0]), vec![2.0, 2.0, 2.0]);
        assert!(ranks(&[]).is_empty());
    }

    #[test]
    fn spearman_hand_computed() {
        // Monotone but not linear: ρ = 1 while r < 1.
        let x = [1.0, 2.0, 3.0, 4.0];
        let y = [1.0, 4.0, 9.0, 100.0];
        assert!(close(spearman(&x, &y).unwrap(), 1.0));
        assert!(pearson(&x, &y).unwrap() < 0.95);
        // With a tie: x ranks 1,2,3,4; y = 1,3,3,2 → ranks 1,3.5,3.5,2.
        // dx = -1.5,-.5,.5,1.5; dy = -1.5,1,1,-.5 → Σ = 2.25-.5+.5-.75 = 1.5;
        // Σdx² = 5, Σdy² = 2.25+1+1+.25 = 4.5 → ρ = 1.5 / √22.5.
        let rho = spearman(&x, &[1.0, 3.0, 3.0, 2.0]).unwrap();
        assert!(close(rho, 1.5 / 22.5f64.sqrt()), "{rho}");
    }

    #[test]
    fn ridge_recovers_a_linear_relation() {
        // y = 1 + 2a − 3b exactly; a tiny penalty recovers it.
        let x: Vec<Vec<f64>> = (0..20)
            .map(|i| vec![i as f64, ((i * 7) % 5) as f64])
            .collect();
        let y: Vec<f64> = x.iter().map(|r| 1.0 + 2.0 * r[0] - 3.0 * r[1]).collect();
        let m = ridge(&x, &y, 1e-9).unwrap();
        assert!((m.intercept - 1.0).abs() < 1e-6, "{m:?}");
        assert!((m.weights[0] - 2.0).abs() < 1e-6 && (m.weights[1] + 3.0).abs() < 1e-6);
        assert!((m.predict(&[3.0, 1.0]) - 4.0).abs() < 1e-6);
        // A constant column gets weight 0 and does not break the fit.
        let x2: Vec<Vec<f64>> = x.iter().map(|r| vec![r[0], 5.0]).collect();
        let y2: Vec<f64> = x2.iter().map(|r| 2.0 * r[0]).collect();
        let m = ridge(&x2, &y2, 1e-9).unwrap();
        assert_eq!(m.weights[1], 0.0);
        assert!((m.weights[0] - 2.0).abs() < 1e-6);
        // One feature, hand-computed: x = 0,1,2 (sd √(2/3)), y = 0,1,2; with λ = 1 the
        // standardised weight is Σz·dy / (Σz² + 1) = (2/sd) / (3 + 1), i.e. 0.5 / sd², raw
        // 0.5 / sd² = 0.75.
        let m = ridge(&[vec![0.0], vec![1.0], vec![2.0]], &[0.0, 1.0, 2.0], 1.0).unwrap();
        assert!(close(m.weights[0], 0.75), "{m:?}");
        assert!(close(m.intercept, 1.0 - 0.75));
        assert_eq!(ridge(&[], &[], 1.0), None);
    }

    #[test]
    fn folds_keep_groups_together_and_are_deterministic() {
        let groups = [0, 0, 1, 2, 2, 2, 3, 4, 5, 6];
        let f = group_folds(&groups, 3, 7);
        assert_eq!(f, group_folds(&groups, 3, 7));
        assert_eq!(f[0], f[1]);
        assert_eq!(f[3], f[4]);
        assert_eq!(f[4], f[5]);
        assert!(f.iter().all(|&x| x < 3));
        // 7 groups dealt to 3 folds: 3, 2, 2 groups.
        let mut per_fold = [
            std::collections::HashSet::new(),
            Default::default(),
            Default::default(),
        ];
        for (g, &k) in groups.iter().zip(&f) {
            per_fold[k].insert(*g);
        }
        let mut sizes: Vec<usize> = per_fold.iter().map(|s| s.len()).collect();
        sizes.sort_unstable();
        assert_eq!(sizes, vec![2, 2, 3]);
    }

    #[test]
    fn cross_validation_predicts_held_out_rows() {
        // An exact linear relation is predicted exactly out of fold.
        let x: Vec<Vec<f64>> = (0..12).map(|i| vec![i as f64]).collect();
        let y: Vec<f64> = x.iter().map(|r| 3.0 - r[0]).collect();
        let folds = group_folds(&(0..12).collect::<Vec<_>>(), 4, 1);
        let p = cross_validate(&x, &y, &folds, 1e-9).unwrap();
        for (a, b) in p.iter().zip(&y) {
            assert!((a - b).abs() < 1e-6);
        }
    }
}
