#!/usr/bin/python3
"""Fetch a pair report from `pairbook serve` with Python's standard library only.

    npx pairbook serve --lake ./data &        # http://127.0.0.1:8788/
    python3 examples/serve_report.py BTCUSDT ETHUSDT --interval 1m --lookback 6h --window 60

Prints the hedge, the cointegration tests and the backtest; --json prints the whole report (the same
JSON as `pairbook analyze --json` on the same bars). A 4xx answer prints the server's reason and the
parameter it names, and exits 2.
"""
import argparse
import json
import sys
import urllib.error
import urllib.parse
import urllib.request


def main() -> int:
    p = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    p.add_argument("a")
    p.add_argument("b")
    p.add_argument("--base", default="http://127.0.0.1:8788/api/v1")
    p.add_argument("--interval", default="1m")
    p.add_argument("--lookback", default="1d")
    p.add_argument("--window", default="20")
    p.add_argument("--method", default="ols", help="ols, rolling-ols, kalman, tls, …")
    p.add_argument("--token", help="the server's --token, when it has one")
    p.add_argument("--json", action="store_true")
    args = p.parse_args()

    query = urllib.parse.urlencode(
        {"interval": args.interval, "lookback": args.lookback, "window": args.window, "method": args.method}
    )
    url = f"{args.base}/pairs/{urllib.parse.quote(args.a)}/{urllib.parse.quote(args.b)}/report?{query}"
    headers = {"Authorization": f"Bearer {args.token}"} if args.token else {}
    try:
        with urllib.request.urlopen(urllib.request.Request(url, headers=headers), timeout=120) as r:
            report = json.load(r)
    except urllib.error.HTTPError as e:
        body = json.loads(e.read() or b"{}")
        where = f" (parameter {body['parameter']})" if "parameter" in body else ""
        print(f"{e.code}: {body.get('error', e.reason)}{where}", file=sys.stderr)
        return 2
    except urllib.error.URLError as e:
        print(f"cannot reach {args.base}: {e.reason} (is `pairbook serve` running?)", file=sys.stderr)
        return 1

    if args.json:
        print(json.dumps(report, indent=2))
        return 0
    h, eg, bt = report["hedge"], report["coint"], report["backtest"]
    print(f"{args.a} on {args.b}: {report['n']} bars of {args.interval}")
    print(f"hedge ({h['method']})  beta {h['beta']:.6g}  alpha {h['alpha']:.6g}  R² {h['rSquared']:.4f}")
    print(f"z({report['zscore']['window']}) last {report['zscore']['last']:.3f}  half-life {report['halfLife']:.1f} bars")
    print(f"Engle-Granger  stat {eg['statistic']:.4f}  p {eg['pValue']:.4f}")
    sharpe = "n/a" if bt["sharpe"] is None else f"{bt['sharpe']:.2f}"  # null without trades or variance
    print(f"backtest  {bt['trades']} trades  PnL {bt['totalPnl']:.6g}  Sharpe {sharpe}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
