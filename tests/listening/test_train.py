"""The concern threshold of the classifier's training (``loa.listening.train``)."""

import numpy as np

from loa.listening.train import concern_threshold


def test_concern_threshold_balances_precision_and_recall():
    scores = np.array([0.9, 0.8, 0.7, 0.6, 0.5, 0.4, 0.3, 0.2])
    gold = np.array([True, True, False, True, False, True, False, False])
    # ≥ 0.8: P 1.00 R 0.50; ≥ 0.6: P 0.75 R 0.75; ≥ 0.4: P 0.67 R 1.00 → the balanced one
    assert concern_threshold(scores, gold) == 0.6
    assert concern_threshold(scores, np.zeros(8, dtype=bool)) is None
