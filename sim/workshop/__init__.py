"""The workshop dashboard (``mph workshop``): a Streamlit app where a room moves staffing and mandate levers and
sees the old method and 1g1p1r side by side, with a live view of the model, exports, Dutch and English.

``app.py`` is the Streamlit script; the rest is plain Python it calls (and tests use without a browser).
"""

BASE_ENV = "MPH_WORKSHOP_SCENARIO"  # the base scenario file, set by `mph workshop [SCENARIO]`
LANG_ENV = "MPH_WORKSHOP_LANG"  # the language the page opens in, set by `mph workshop --lang`
WORKERS_ENV = "MPH_WORKSHOP_WORKERS"  # worker processes for replications, set by `mph workshop --workers N`
# The room's password, needed when the app listens beyond this machine (never on the command line: `ps` shows it)
PASSWORD_ENV = "MPH_WORKSHOP_PASSWORD"
MIN_PASSWORD = 8
