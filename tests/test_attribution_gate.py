"""Collects the PolNeAR accuracy gate (tests/eval_attributions.py) into the normal test run."""

from eval_attributions import test_polnear_dev_floors  # noqa: F401
