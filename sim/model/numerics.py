"""The constants of the arithmetic both kernel paths share (see ``kernels``): the keyed random stream, the exp, and the log,
sine and cosine of the normal draws."""

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
