"""Basket reference cases (statsmodels `coint` with several regressors, `coint_johansen` on 3-4 series)
for test/lib/basket.test.ts; called by generate.py (npm run fixtures) with Debian's /usr/bin/python3.

Seeded numpy series, written into the fixture: a cointegrated basket (y tied to two random walks), a
non-cointegrated one (y an independent walk), and a cointegrated basket of four series with a drift.
Every Engle-Granger trend (n, c, ct, ctt) and every Johansen det_order (-1, 0, 1).
"""
import numpy as np
from statsmodels.regression.linear_model import OLS
from statsmodels.tsa.stattools import adfuller, coint
from statsmodels.tsa.tsatools import add_trend
from statsmodels.tsa.vector_ar.vecm import coint_johansen


def datasets():
    rng = np.random.default_rng(1506)
    n = 300
    w1 = 100.0 + np.cumsum(rng.normal(0.0, 1.0, n))
    w2 = 50.0 + np.cumsum(rng.normal(0.0, 0.7, n))
    u = np.zeros(n)
    for t in range(1, n):
        u[t] = 0.6 * u[t - 1] + rng.normal(0.0, 1.0)
    coint3 = {"name": "cointegrated basket of 3", "y": 5.0 + 0.8 * w1 + 1.5 * w2 + u, "x": [w1, w2]}
    walk = 80.0 + np.cumsum(rng.normal(0.0, 1.0, n))
    random3 = {"name": "non-cointegrated basket of 3", "y": walk, "x": [w1, w2]}
    m = 400
    t = np.arange(m)
    v1 = 30.0 + 0.05 * t + np.cumsum(rng.normal(0.0, 1.0, m))
    v2 = 60.0 + np.cumsum(rng.normal(0.0, 1.0, m))
    v3 = 20.0 + np.cumsum(rng.normal(0.0, 0.5, m))
    e = np.zeros(m)
    for i in range(1, m):
        e[i] = 0.3 * e[i - 1] + rng.normal(0.0, 0.8)
    coint4 = {"name": "cointegrated basket of 4 with drift", "y": -2.0 + 0.5 * v1 - 0.7 * v2 + 2.0 * v3 + 0.01 * t + e,
              "x": [v1, v2, v3]}
    return [coint3, random3, coint4]


def first_positive(d):
    """Columns of the eigenvector matrix, each signed so its first non-zero entry is positive."""
    d = np.array(d, dtype=float)
    for j in range(d.shape[1]):
        nz = d[:, j][d[:, j] != 0]
        if len(nz) and nz[0] < 0:
            d[:, j] = -d[:, j]
    return d


def basket_cases():
    cases = []
    for s in datasets():
        y, x = s["y"], np.column_stack(s["x"])
        eg = []
        for trend in ["n", "c", "ct", "ctt"]:
            for autolag in ["aic", "bic", None]:
                r = coint(y, x, trend=trend, autolag=autolag)
                # The cointegrating regression coint runs first: betas, then const, t, t² (t = 1 … n).
                params = OLS(y, x if trend == "n" else add_trend(x, trend=trend, prepend=False)).fit().params
                eg.append({"options": {"trend": trend, "autolag": autolag},
                           "expected": {"statistic": r[0], "pValue": r[1], "criticalValues": list(r[2]),
                                        "params": params}})
        jo = []
        endog = np.column_stack([y, *s["x"]])
        for det in [-1, 0, 1]:
            for lags in [0, 1, 2]:
                r = coint_johansen(endog, det, lags)
                jo.append({"options": {"detOrder": det, "kArDiff": lags},
                           "expected": {"eigenvalues": r.eig, "traceStat": r.lr1, "maxEigStat": r.lr2,
                                        "traceCritical": r.cvt, "maxEigCritical": r.cvm,
                                        "eigenvectors": first_positive(r.evec)}})
        # ADF (constant, AIC) of the spread of the trend-c regression, as `pairbook analyze` reports it.
        r = adfuller(OLS(y, add_trend(x, trend="c", prepend=False)).fit().resid, regression="c", autolag="AIC")
        spread_adf = {"statistic": r[0], "pValue": r[1], "usedLag": r[2], "nobs": r[3]}
        cases.append({"name": s["name"], "y": list(y), "x": [list(c) for c in s["x"]], "coint": eg, "johansen": jo,
                      "spreadAdf": spread_adf})
    return cases
