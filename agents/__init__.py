"""The model's agents: households, care organisations, regisseurs.

Importing :mod:`sim` first sets where numba caches the compiled weekly step (see ``sim/__init__.py``).
"""

import sim  # noqa: F401
