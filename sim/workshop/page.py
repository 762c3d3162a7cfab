"""The workshop web app's page (``app.py`` runs :func:`main` on every Streamlit rerun).

Each browser tab is its own Streamlit session: the controls' values, the language and the live model live in
that session's ``st.session_state`` only. What is shared between sessions is keyed by the settings and holds no
one's choices: the base scenario, the worker pool, and the cached runs and charts (``st.cache_data``), so two
participants who set the same levers share one computation and neither sees the other's settings.
"""

from __future__ import annotations

import hmac
import os
from typing import Any

import streamlit as st

from scenarios.errors import UserError
from scenarios.scenario import Scenario, load_scenario
from sim.workshop import BASE_ENV, LANG_ENV, PASSWORD_ENV, WORKERS_ENV, controls, exports, labels, views
from sim.workshop.model_view import LiveRun
from sim.workshop.simulate import Outcome, simulate, worker_pool

PLAY_WEEKS = 13

Settings = tuple[tuple[str, Any], ...]  # the controls' values in model units, hashable: the cache key


@st.cache_resource(show_spinner=False)
def _base(path: str) -> Scenario:
    return load_scenario(path)


@st.cache_resource(show_spinner=False)
def _pool(workers: int) -> Any:
    """One pool for the server; it starts processes as tasks arrive, up to ``workers``."""
    return worker_pool(workers) if workers > 1 else None


def _workers() -> int:
    return int(os.environ.get(WORKERS_ENV, "1"))


@st.cache_data(max_entries=64, show_spinner=False)
def _outcome(base_path: str, settings: Settings) -> Outcome:
    scenario = controls.build_scenario(_base(base_path), dict(settings))
    # half the workers at most for one participant's run: another one's next task waits for at most one task
    return simulate(scenario, _pool(_workers()), share=max(1, _workers() // 2))


@st.cache_data(max_entries=256, show_spinner=False)
def _chart(view: str, base_path: str, settings: Settings, lang: str) -> bytes:
    outcome = _outcome(base_path, settings)
    if view == "escalations":
        return views.png(lambda fig: views.escalations_over_time(fig, outcome, lang), (14, 6.5))
    if view == "costs":
        return views.png(lambda fig: views.costs_by_payer(fig.subplots(), outcome, lang), (10, 5))
    if view == "stakeholders":
        return views.png(lambda fig: views.stakeholders(fig.subplots(), outcome, lang), (10, 5))
    if view == "outcomes":
        return views.png(lambda fig: views.outcomes(fig, outcome, lang), (15, 4))
    return views.png(lambda fig: views.waiting_over_time(fig, outcome, lang), (15, 4))


# --- controls ---------------------------------------------------------------------------------------


def _to_widget(control: controls.Control, value: Any) -> Any:
    if control.kind == "whole":
        return str(value)
    if control.percent:
        return round(value * 100.0, 6)
    return value


def _from_widget(control: controls.Control, value: Any) -> Any:
    if control.kind == "whole":
        return controls.parse_whole(value, control)
    if control.percent:
        return value / 100.0
    return value


def _set_widgets(values: dict[str, Any]) -> None:
    for path, value in values.items():
        st.session_state[path] = _to_widget(controls.CONTROL[path], value)


def _widget(control: controls.Control, base_value: Any, lang: str) -> None:
    label = labels.text(lang, control.path)
    if control.kind == "toggle":
        st.toggle(label, key=control.path)
        return
    if control.kind == "whole":
        st.text_input(label, key=control.path)
        return
    low, high = control.bounds(base_value)
    kind = int if isinstance(base_value, int) else float
    scale = 100.0 if control.percent else 1.0
    st.slider(label, min_value=kind(low * scale), max_value=kind(high * scale), step=kind(control.step * scale),
              format=control.shown, key=control.path)


def _sidebar(base: Scenario, start: dict[str, Any]) -> tuple[str, dict[str, Any], list[str]]:
    """The controls; returns the language, the values in model units and one message per bad field."""
    opening = os.environ.get(LANG_ENV, "nl")
    lang = st.sidebar.radio("Taal / language", labels.LANGUAGES, key="lang", horizontal=True,
                            index=labels.LANGUAGES.index(opening) if opening in labels.LANGUAGES else 0,
                            format_func=lambda code: {"nl": "Nederlands", "en": "English"}[code])
    st.sidebar.subheader(labels.text(lang, "presets"))
    for preset in controls.presets().values():
        st.sidebar.button(preset.label[lang], key=f"preset_{preset.key}", help=preset.description[lang],
                          on_click=_set_widgets, args=(preset.values,), width="stretch")
    st.sidebar.button(labels.text(lang, "reset"), key="reset", on_click=_set_widgets, args=(start,), width="stretch")
    base_values = controls.base_values(base)
    values, problems = {}, []
    for group, paths in controls.GROUPS.items():
        st.sidebar.subheader(labels.text(lang, group))
        for path in paths:
            control = controls.CONTROL[path]
            with st.sidebar:
                _widget(control, base_values[path], lang)
                try:
                    values[path] = _from_widget(control, st.session_state[path])
                except ValueError:
                    message = labels.text(lang, "err_whole", text=st.session_state[path], low=int(control.low),
                                          high=int(control.high))
                    st.error(message)
                    problems.append(message)
    return lang, values, problems


# --- views ------------------------------------------------------------------------------------------


def _metrics(outcome: Outcome, lang: str) -> None:
    summary = outcome.results.summary()
    escalations = views.total_escalations(outcome)
    headline = [
        ("metric_escalations", escalations["verkokerd"], escalations["1g1p1r"], "inverse"),
        ("metric_stabilised", summary.loc[("verkokerd", "households_stabilised"), "mean"],
         summary.loc[("1g1p1r", "households_stabilised"), "mean"], "normal"),
        ("metric_professionals", summary.loc[("verkokerd", "professionals_per_household"), "mean"],
         summary.loc[("1g1p1r", "professionals_per_household"), "mean"], "inverse"),
    ]
    columns = st.columns(len(headline) + 1)
    for column, (key, old, new, direction) in zip(columns, headline, strict=False):
        column.metric(labels.text(lang, key), f"{views.number(old, lang)} → {views.number(new, lang)}",
                      views.number(new - old, lang), delta_color=direction,
                      help=f"{labels.method(lang, 'verkokerd')} → {labels.method(lang, '1g1p1r')}")
    balance = outcome.mkba.summary().loc["balance", "mean"] / 1000.0
    columns[-1].metric(labels.text(lang, "metric_balance"), f"{views.number(balance, lang)} k€")
    from calibration.status import calibration_status  # what the balance rests on, beside it

    st.caption(calibration_status(outcome.results.scenario).line(lang))


def _live(scenario: Scenario, settings: Settings, lang: str) -> None:
    """The model week by week (a fragment: its buttons rerun only this part of the page)."""
    st.caption(labels.text(lang, "live_intro"))
    live: LiveRun | None = st.session_state.get("live")
    if live is not None and st.session_state.get("live_settings") != settings:
        live = None  # the room changed the levers: the live model starts again with them
    buttons = st.columns(3)
    play = buttons[0].button(labels.text(lang, "live_play", weeks=PLAY_WEEKS), key="live_play")
    step = buttons[1].button(labels.text(lang, "live_step"), key="live_step")
    if buttons[2].button(labels.text(lang, "live_restart"), key="live_restart") or (live is None and (play or step)):
        live = LiveRun(scenario)
        st.session_state["live"], st.session_state["live_settings"] = live, settings
    if live is None:
        return
    frame, caption = st.empty(), st.empty()
    for _ in range(PLAY_WEEKS if play else int(step)):
        live.advance(1)
        _live_frame(live, lang, frame, caption)
    if not (play or step):
        _live_frame(live, lang, frame, caption)
    if live.finished:
        st.info(labels.text(lang, "live_end"))


def _live_frame(live: LiveRun, lang: str, frame: Any, caption: Any) -> None:
    snapshots = live.snapshots()
    frame.image(views.png(lambda fig: views.agent_view(fig, snapshots, lang), (13, 9)))
    caption.caption(labels.text(lang, "live_week", week=live.week, weeks=live.weeks))


def _exports(outcome: Outcome, base: Scenario, base_path: str, values: dict[str, Any], lang: str) -> None:
    st.caption(labels.text(lang, "export_intro"))
    stem = "mph_workshop"
    downloads = (
        ("export_yaml", exports.scenario_yaml(base, base_path, values), "yaml", "application/x-yaml"),
        ("export_excel", lambda: exports.excel(outcome, values, lang), "xlsx",
         "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"),
        ("export_pdf", lambda: exports.sheet(outcome, values, lang, "pdf"), "pdf", "application/pdf"),
        ("export_png", lambda: exports.sheet(outcome, values, lang, "png"), "png", "image/png"),
    )
    # Files are made when clicked (Excel and the sheet), and a click does not rerun the page.
    for column, (key, data, suffix, mime) in zip(st.columns(len(downloads)), downloads, strict=True):
        column.download_button(labels.text(lang, key), data, file_name=f"{stem}.{suffix}", mime=mime, key=key,
                               on_click="ignore")
    st.caption(labels.text(lang, "export_cli"))
    st.code(f"mph run {stem}.yaml --out results --json summary.json", language="bash")


def _admitted() -> bool:
    """Whether this session may use the app: where ``$MPH_WORKSHOP_PASSWORD`` is set (``mph workshop`` demands it
    beyond 127.0.0.1), once it has been typed in this session; otherwise always."""
    password = os.environ.get(PASSWORD_ENV, "")
    if not password or st.session_state.get("admitted"):
        return True
    typed = st.text_input("Wachtwoord / password", type="password", key="password")
    if typed and hmac.compare_digest(typed.encode(), password.encode()):
        st.session_state["admitted"] = True
        return True
    if typed:
        st.error("Onjuist wachtwoord / wrong password")
    return False


def main() -> None:
    st.set_page_config(page_title="MPH workshop", layout="wide")
    if not _admitted():
        st.stop()
    base_path = os.environ.get(BASE_ENV) or str(exports.EXAMPLE_FILE)
    base = _base(base_path)
    start = controls.start_values(base)
    if "started" not in st.session_state:
        _set_widgets(start)
        st.session_state["started"] = True
    lang, values, problems = _sidebar(base, start)

    st.title(labels.text(lang, "title"))
    st.caption(labels.text(lang, "intro"))
    if not problems:
        try:
            controls.build_scenario(base, values)
            st.session_state["valid_values"] = values
        except UserError as err:
            problems.append(str(err))
    if problems:
        st.error(labels.text(lang, "err_settings") + "\n\n" + "\n\n".join(problems))
    values = st.session_state.get("valid_values", start)
    settings: Settings = tuple(sorted(values.items()))
    with st.spinner(labels.text(lang, "simulating")):
        outcome = _outcome(base_path, settings)
    scenario = outcome.results.scenario
    st.caption(labels.text(lang, "run_line", households=scenario.population.households, years=scenario.horizon_years,
                           reps=scenario.replications, seed=scenario.seed, seconds=outcome.seconds))
    _metrics(outcome, lang)

    # Only the open tab runs (on_change="rerun"): a lever change redraws the view the room is looking at.
    names = ("overview", "escalations", "costs", "outcomes", "mkba", "live", "export")
    tabs = st.tabs([labels.text(lang, f"tab_{n}") for n in names], key="view", on_change="rerun")
    for name, tab in zip(names, tabs, strict=True):
        if tab.open is not False:
            with tab:
                _view(name, outcome, base, base_path, settings, values, lang)


def _view(name: str, outcome: Outcome, base: Scenario, base_path: str, settings: Settings, values: dict[str, Any],
          lang: str) -> None:
    if name == "overview":
        st.table(views.key_table(outcome, lang))
        st.caption(labels.text(lang, "interval_note") + "; " + views.band_caption(outcome, lang))
    elif name in ("escalations", "costs"):
        st.image(_chart(name, base_path, settings, lang))
    elif name == "outcomes":
        st.image(_chart("outcomes", base_path, settings, lang))
        st.image(_chart("waiting", base_path, settings, lang))
    elif name == "mkba":
        st.caption(labels.text(lang, "mkba_intro", rate=views.number(outcome.mkba.rate_pct, lang),
                               regime=outcome.regime))
        st.table(views.mkba_table(outcome, lang))
        st.image(_chart("stakeholders", base_path, settings, lang))
    elif name == "live":
        st.fragment(_live)(outcome.results.scenario, settings, lang)
    else:
        _exports(outcome, base, base_path, values, lang)
