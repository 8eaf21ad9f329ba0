"""Backtest report statistics, computed independently with pandas, for test/lib/backtestStats.test.ts.

The rule is transcribed again here (decide at t from z_t, fill at the close of t + lag, fees on each
leg's traded notional at the fill) to get per-bar PnL, positions and the trade list; the statistics
are then computed from those with pandas, following the definitions in src/lib/backtestStats.ts.
"""
import math

import numpy as np
import pandas as pd
import statsmodels.api as sm

YEAR_MS = 365 * 86_400_000


def simulate(a, b, z, beta, entry, exit_, lag, fee_bps):
    n = len(a)
    cost = fee_bps / 1e4
    target, decided = 0, [0] * n
    for t in range(n):
        if not math.isnan(z[t]):
            if target == 0:
                target = -1 if z[t] > entry else 1 if z[t] < -entry else 0
            elif (target == 1 and z[t] >= -exit_) or (target == -1 and z[t] <= exit_):
                target = 0
        decided[t] = target
    held = [decided[t - lag] if t >= lag else 0 for t in range(n)]
    pnl = np.zeros(n)
    trades, current = [], None
    for t in range(n):
        before = held[t - 1] if t > 0 else 0
        if before != 0:
            move = before * ((a[t] - a[t - 1]) - beta * (b[t] - b[t - 1]))
            pnl[t] += move
            current["pnl"] += move
        if held[t] != before:
            fee = cost * (abs(a[t]) + abs(beta * b[t]))
            pnl[t] -= fee
            if before != 0:
                current["pnl"] -= fee
                trades.append(current)
                current = None
            else:
                current = {"entry": t, "pnl": -fee, "notional": abs(a[t]) + abs(beta * b[t])}
    if current is not None:
        trades.append(current)
    return pnl, np.array(held), trades


def leg(p, bars_per_year):
    p = pd.Series(p)
    r = p.pct_change().dropna()
    total = p.iloc[-1] / p.iloc[0] - 1
    return {"totalReturn": total, "annualReturn": total * bars_per_year / len(p),
            "annualVolatility": r.std(ddof=1) * math.sqrt(bars_per_year),
            "maxDrawdown": (1 - p / p.cummax()).max()}


def stats(pnl, held, trades, raw_a, raw_b, bar_ms):
    bars_per_year = YEAR_MS / bar_ms
    pnl = pd.Series(pnl)
    equity = pnl.cumsum()
    drawdown = equity - equity.cummax().clip(lower=0)
    under = drawdown < 0
    episode = (under != under.shift(fill_value=False)).cumsum()[under]
    episodes = pd.DataFrame({"id": episode, "depth": -drawdown[under]}).groupby("id").agg(depth=("depth", "max"), bars=("depth", "size"))
    t = pd.DataFrame(trades)
    capital = t["notional"].max()
    annual = pnl.mean() * bars_per_year / capital
    exposure = (held != 0).mean()
    return {"barsPerYear": bars_per_year, "capital": capital, "totalReturn": equity.iloc[-1] / capital, "annualReturn": annual,
            "annualVolatility": pnl.std(ddof=1) * math.sqrt(bars_per_year) / capital,
            "maxDrawdownBars": int(episodes["bars"].max()) if len(episodes) else 0,
            "avgDrawdown": episodes["depth"].mean(), "avgDrawdownBars": episodes["bars"].mean(),
            "bestTrade": t["pnl"].max(), "worstTrade": t["pnl"].min(), "avgTrade": t["pnl"].mean(),
            "expectancy": (t["pnl"] / t["notional"]).mean(),
            "sqn": math.sqrt(len(t)) * t["pnl"].mean() / t["pnl"].std(ddof=1),
            "exposureAdjustedReturn": annual / exposure,
            "buyAndHold": {"a": leg(raw_a, bars_per_year), "b": leg(raw_b, bars_per_year)}}


def backtest_stats_cases(spec):
    cases = []
    for kind, seed, n, window, entry, exit_, lag, fee_bps, bar_ms, log in [
        ("prices", 4242, 800, 20, 2.0, 0.0, 1, 0.0, 1000, False),
        ("prices", 4243, 1500, 30, 1.5, 0.5, 1, 5.0, 60_000, False),
        ("cointegrated", 4244, 1000, 40, 1.0, 0.0, 2, 2.0, 3_600_000, False),
        ("prices", 4245, 1200, 25, 1.8, 0.2, 1, 1.0, 300_000, True),
    ]:
        s, raw_a, raw_b = spec(kind, seed, n)
        a, b = (np.log(raw_a), np.log(raw_b)) if log else (raw_a, raw_b)
        params = sm.OLS(a, sm.add_constant(b)).fit().params
        beta = params[1]
        spread = pd.Series(a - beta * b - params[0])
        z = ((spread - spread.rolling(window).mean()) / spread.rolling(window).std()).values
        pnl, held, trades = simulate(a, b, z, beta, entry, exit_, lag, fee_bps)
        cases.append({"series": s, "z": list(z),
                      "options": {"beta": beta, "entry": entry, "exit": exit_, "lag": lag, "feeBps": fee_bps, "barMs": bar_ms, "log": log},
                      "expected": {"trades": len(trades), "openAtEnd": bool(held[-1] != 0), **stats(pnl, held, trades, raw_a, raw_b, bar_ms)}})
    return cases
