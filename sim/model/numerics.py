"""The constants of the arithmetic both kernel paths share (see ``kernels``): the keyed random stream and the exp."""

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
