"""Mirror of test/lib/series.ts: the same seeded series, bit for bit (integer ops and IEEE +,-,*,/ only)."""
import numpy as np

M32 = 0xFFFFFFFF


class Xorshift128:
    def __init__(self, seed):
        self.x = seed & M32
        self.y = 362436069
        self.z = 521288629
        self.w = (88675123 ^ ((seed & M32) * 2654435761 & M32)) & M32
        for _ in range(32):
            self.next_uint32()

    def next_uint32(self):
        t = (self.x ^ (self.x << 11)) & M32
        self.x, self.y, self.z = self.y, self.z, self.w
        w = self.w
        self.w = (w ^ (w >> 19) ^ t ^ (t >> 8)) & M32
        return self.w

    def uniform(self):
        a = self.next_uint32() >> 5
        b = self.next_uint32() >> 6
        return (a * 67108864.0 + b) / 9007199254740992.0

    def normal(self):
        s = 0.0
        for _ in range(12):
            s += self.uniform()
        return s - 6.0

    def heavy(self):
        z = self.normal()
        d = self.normal()
        return z / (0.25 + abs(d))


def generate_pair(kind, seed, n):
    rng = Xorshift128(seed)
    a = np.empty(n)
    b = np.empty(n)
    prices = kind == "prices"
    level = 60000.0 if prices else 100.0
    u = 0.0
    walk = 50.0
    sigma_b = 12.0 if prices else 1.0
    beta = 0.045 if prices else 1.5
    alpha = -30.0 if prices else 10.0
    sigma_u = 1.5 if prices else 1.0
    phi = 0.995 if kind == "nearUnitRoot" else 0.9
    for t in range(n):
        eb = rng.normal()
        eu = rng.heavy() if kind == "fatTailed" else rng.normal()
        if kind == "trending":
            u = phi * u + eu
            b[t] = 20.0 + 0.05 * t + eb
            a[t] = 5.0 + 0.02 * t + u
            continue
        level = level + sigma_b * eb
        b[t] = level
        if kind == "randomWalk":
            walk = walk + eu
            a[t] = walk
        else:
            u = phi * u + sigma_u * eu
            a[t] = alpha + beta * level + u
    return a, b
