"""RANSAC reference cases (scikit-learn RANSACRegressor, Debian python3-sklearn) for test/lib/ransac.test.ts.

Clean lines with small noise plus gross outliers, so that the consensus set does not depend on which
2-point samples are drawn: scikit-learn's fit (numpy's sampler) and pairbook's (mulberry32) must then
give the same inlier mask, slope and intercept. Inputs are written into the fixture.
"""
import numpy as np
from sklearn.linear_model import RANSACRegressor


def ransac_case(name, x, y):
    r = RANSACRegressor(random_state=0).fit(x.reshape(-1, 1), y)
    threshold = float(np.median(np.abs(y - np.median(y))))
    mask = r.inlier_mask_
    # Unambiguous: every other seed finds the same consensus set.
    for seed in range(1, 6):
        assert (RANSACRegressor(random_state=seed).fit(x.reshape(-1, 1), y).inlier_mask_ == mask).all(), name
    return {"name": name, "a": list(y), "b": list(x),
            "expected": {"alpha": r.estimator_.intercept_, "beta": r.estimator_.coef_[0], "threshold": threshold,
                         "inliers": [int(v) for v in mask], "inlierCount": int(mask.sum())}}


def ransac_cases():
    rng = np.random.default_rng(1515)
    cases = []
    for name, n, share, slope, intercept, noise in [
        ("prices, 10% outliers", 200, 0.10, 0.045, 120.0, 0.5),
        ("steep, 30% outliers", 400, 0.30, 18.5, -3000.0, 2.0),
        ("negative slope, 20% outliers", 1000, 0.20, -2.0, 500.0, 0.3),
    ]:
        x = np.sort(rng.uniform(1000.0, 3000.0, n)) if slope != 18.5 else rng.uniform(100.0, 400.0, n)
        y = intercept + slope * x + rng.normal(0.0, noise, n)
        spread = float(np.ptp(y))
        bad = rng.choice(n, int(share * n), replace=False)
        # Gross outliers: far off the line, on both sides, by several times the range of y.
        y[bad] += rng.choice([-1.0, 1.0], len(bad)) * rng.uniform(2.0, 5.0, len(bad)) * spread
        cases.append(ransac_case(name, x, y))
    return cases
