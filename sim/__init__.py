"""Agent-based simulation of multi-problem household (MPH) caseloads.

The old siloed method ("verkokerd") and "één gezin, één plan, één regisseur" (1g1p1r) run on the same
generated population with common random numbers; :func:`sim.run.run_scenario` is the one entry point that
sweeps and calibration call.
"""

__version__ = "0.1.0"
