"""Reference values for the symbol page's indicators (test/lib/indicators.test.ts), from pandas / numpy.

Per series: RSI (Wilder: ewm alpha=1/n, adjust=False), MACD (ewm span, adjust=False), Bollinger bands
(rolling mean ± k·rolling std, ddof 1) at non-default parameters; rolling VWAP and taker imbalance
(rolling sums of quote, base and net taker volume); realized volatility (rolling std of log returns)
with EXPANDING quantile thresholds (pandas expanding().quantile, linear) and the regime they give; and
a rolling Hurst exponent (numpy polyfit of log lagged-difference std on log lag, per trailing window).
Volumes are drawn from a seeded numpy generator and written into the fixture with the prices.
"""
import numpy as np
import pandas as pd


def rolling_hurst(x, window, max_lag):
    lags = np.arange(2, max_lag)
    out = [None] * len(x)
    for t in range(window - 1, len(x)):
        w = x[t - window + 1:t + 1]
        tau = [np.std(w[lag:] - w[:-lag]) for lag in lags]
        out[t] = np.polyfit(np.log(lags), np.log(tau), 1)[0]
    return out


def indicator_cases(spec):
    cases = []
    rng = np.random.default_rng(1501)
    for kind, seed in [("prices", 1511), ("randomWalk", 1512), ("trending", 1513)]:
        s, a, b = spec(kind, seed, 480)
        p = pd.Series(np.abs(a) + 10)
        volume = pd.Series(rng.exponential(2.0, len(p)).round(3))
        volume[rng.random(len(p)) < 0.1] = 0.0
        buy = (volume * rng.random(len(p))).round(3)
        quote = volume * p * (1 + rng.normal(0, 1e-4, len(p)))
        period, fast, slow, sig, bw, k, fw, vw, hw, lag, qlow, qhigh = 9, 5, 17, 4, 15, 1.5, 12, 30, 120, 12, 0.25, 0.75
        delta = p.diff()
        ag = delta.clip(lower=0).ewm(alpha=1 / period, adjust=False, min_periods=period).mean()
        al = (-delta.clip(upper=0)).ewm(alpha=1 / period, adjust=False, min_periods=period).mean()
        macd = p.ewm(span=fast, adjust=False).mean() - p.ewm(span=slow, adjust=False).mean()
        signal = macd.ewm(span=sig, adjust=False).mean()
        mid, sd = p.rolling(bw).mean(), p.rolling(bw).std()
        vol_sum = volume.rolling(fw, min_periods=1).sum()  # barFlow: partial windows at the start
        vol = np.log(p).diff().rolling(vw).std()
        low = vol.expanding(min_periods=vw).quantile(qlow)
        high = vol.expanding(min_periods=vw).quantile(qhigh)
        regime = [None if np.isnan(v) or np.isnan(lo) else "low" if v < lo else "high" if v > hi else "normal"
                  for v, lo, hi in zip(vol, low, high)]
        cases.append({"series": s, "close": list(p), "volume": list(volume), "quoteVolume": list(quote),
                      "takerBuyVolume": list(buy),
                      "options": {"rsi": period, "macd": [fast, slow, sig], "bollinger": [bw, k], "flow": fw,
                                  "volatility": vw, "quantiles": [qlow, qhigh], "hurst": [hw, lag]},
                      "expected": {
                          "rsi": 100 - 100 / (1 + ag / al), "macd": macd, "signal": signal, "histogram": macd - signal,
                          "bollingerUpper": mid + k * sd, "bollingerLower": mid - k * sd, "bollingerMiddle": mid,
                          "vwap": (quote.rolling(fw, min_periods=1).sum() / vol_sum).where(vol_sum > 0),
                          "vwapCumulative": (quote.cumsum() / volume.cumsum()).where(volume.cumsum() > 0),
                          "imbalance": ((2 * buy - volume).rolling(fw, min_periods=1).sum() / vol_sum).where(vol_sum > 0),
                          "volatility": vol, "lowThreshold": low, "highThreshold": high, "regime": regime,
                          "hurst": rolling_hurst(p.values, hw, lag),
                      }})
    return cases
