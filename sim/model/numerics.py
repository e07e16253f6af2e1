"""The arithmetic both kernel paths share (see ``kernels``): the keyed random stream, the exp, and the log, sine and cosine
of the normal draws, each as constants and a pure-numpy reference that its compiled twin (``compiled``) follows operation by
operation."""

import numpy as np

# SplitMix64 (Steele, Lea & Flood 2014): a Weyl sequence through a 64-bit finaliser
GAMMA, MIX1, MIX2 = np.uint64(0x9E3779B97F4A7C15), np.uint64(0xBF58476D1CE4E5B9), np.uint64(0x94D049BB133111EB)
S30, S27, S31, S11 = (np.uint64(s) for s in (30, 27, 31, 11))
TO_UNIT = 2.0**-53

# exp(x) for x <= 0 in single precision (Cephes' expf: Cody and Waite's reduction, a degree-6 polynomial)
LOG2E, LN2_HI, LN2_LO = np.float32(1.44269504088896341), np.float32(0.693359375), np.float32(-2.12194440e-4)
P0, P1, P2, P3, P4, P5 = (np.float32(c) for c in (1.9875691500e-4, 1.3981999507e-3, 8.3334519073e-3, 4.1665795894e-2, 1.6666665459e-1, 5.0000001201e-1))
EXP_FLOOR = np.float32(-87.0)  # below it (2**-125.5) the weight is taken as exactly 0: illegal moves sit at -1e30
HALF, ONE, BIG = np.float32(0.5), np.float32(1.0), np.float32(1e30)

# log(x) for 0 < x <= 1 (Cephes' logf): x = m 2**e with m in [sqrt(1/2), sqrt(2)) taken from the double's bits, m - 1 exactly in
# double precision, then a degree-9 polynomial in it in single precision (so that x near 1 keeps its digits, as log1p would)
SQRT_HALF = 0.707106781186547524
L0, L1, L2, L3, L4, L5, L6, L7, L8 = (np.float32(c) for c in (7.0376836292e-2, -1.1514610310e-1, 1.1676998740e-1, -1.2420140846e-1, 1.4249322787e-1,
                                                          -1.6668057665e-1, 2.0000714765e-1, -2.4999993993e-1, 3.3333331174e-1))
MANTISSA, HALF_EXPONENT, EXPONENT_BIAS = np.int64(0x000FFFFFFFFFFFFF), np.int64(0x3FE0000000000000), np.int64(1022)
# sin and cos of 2 pi t (Cephes' sinf and cosf on [-pi/4, pi/4]); t is reduced by quarter turns, which is exact
TWO_PI, QUARTER = np.float32(2.0 * np.pi), np.float32(0.25)
S0, S1, S2 = (np.float32(c) for c in (-1.9515295891e-4, 8.3321608736e-3, -1.6666654611e-1))
C0, C1, C2 = (np.float32(c) for c in (2.443315711809948e-5, -1.388731625493765e-3, 4.166664568298827e-2))
MINUS_TWO, FOUR = np.float32(-2.0), np.float32(4.0)


def uniforms_reference(key: np.uint64, ids: np.ndarray, lanes: int) -> np.ndarray:
    """``lanes`` uniform draws in [0, 1) per world: lane l of the world with run id i is the (4i + l)-th
    output of SplitMix64 seeded with ``key``; shape (lanes, W)."""
    with np.errstate(over="ignore"):
        z = (ids[None, :] * np.uint64(4) + np.arange(lanes, dtype=np.uint64)[:, None]) * GAMMA + key
        z ^= z >> S30
        z *= MIX1
        z ^= z >> S27
        z *= MIX2
        z ^= z >> S31
    return (z >> S11) * TO_UNIT


def exp_reference(x: np.ndarray) -> np.ndarray:
    """exp of single-precision ``x`` <= 0, elementwise, in the operations the compiled twin makes."""
    kept = x >= EXP_FLOOR
    x = np.where(kept, x, EXP_FLOOR)
    n = np.floor(x * LOG2E + HALF)
    r = x - n * LN2_HI
    r = r - n * LN2_LO
    p = ((((P0 * r + P1) * r + P2) * r + P3) * r + P4) * r + P5
    p = p * (r * r) + r + ONE
    scale = ((n.astype(np.int32) + np.int32(127)) << np.int32(23)).view(np.float32)  # 2**n, exact: its bits
    return np.where(kept, p, np.float32(0.0)) * scale


def log_reference(x: np.ndarray) -> np.ndarray:
    """log of double-precision ``x`` in (0, 1], elementwise, in single precision, in the operations the compiled twin makes."""
    bits = x.view(np.int64)
    m = ((bits & MANTISSA) | HALF_EXPONENT).view(np.float64)  # x = m 2**e, m in [1/2, 1): the bits, exactly
    small = m < SQRT_HALF
    e = (bits >> np.int64(52)) - EXPONENT_BIAS - small.astype(np.int64)
    m = np.where(small, m + m - 1.0, m - 1.0).astype(np.float32)  # exact before the rounding
    z = m * m
    y = ((((((((L0 * m + L1) * m + L2) * m + L3) * m + L4) * m + L5) * m + L6) * m + L7) * m + L8) * m * z
    fe = e.astype(np.float32)
    y = y + LN2_LO * fe
    y = y - HALF * z
    return (m + y) + LN2_HI * fe


def turns_reference(t: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """(sin, cos) of 2 pi ``t`` for single-precision ``t`` in [0, 1], elementwise, in the operations the compiled twin makes."""
    q = np.floor(t * FOUR + HALF)  # the nearest quarter turn
    x = (t - q * QUARTER) * TWO_PI  # within pi/4 of it
    z = x * x
    s = ((S0 * z + S1) * z + S2) * z * x + x
    c = ((C0 * z + C1) * z + C2) * z * z - HALF * z + ONE
    k = q.astype(np.int32)
    odd, minus = (k & np.int32(1)) != 0, np.float32(-1.0)  # quarter turns 1 and 3 swap sine and cosine; the sign by a product, exactly
    sin = np.where(odd, c, s) * np.where((k & np.int32(2)) != 0, minus, ONE)
    cos = np.where(odd, s, c) * np.where(((k + np.int32(1)) & np.int32(2)) != 0, minus, ONE)
    return sin, cos


def normals_reference(u1: np.ndarray, u2: np.ndarray, first: bool, second: bool) -> tuple[np.ndarray | None, np.ndarray | None]:
    """Two standard normal draws per world (float32) from two uniform ones (Box and Muller, 1958): the first
    radius x cos, the second radius x sin (None where not asked for)."""
    radius = np.sqrt(MINUS_TWO * log_reference(1.0 - u1))  # 1 - u1 in (0, 1], exactly: never log 0
    sin, cos = turns_reference(u2.astype(np.float32))
    return radius * cos if first else None, radius * sin if second else None
