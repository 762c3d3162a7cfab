"""The workshop app without a browser (Streamlit's AppTest runs the real script): controls rerun the views,
presets and reset, Dutch and English, inline messages for bad input, separate sessions, the live view."""

from __future__ import annotations

from collections.abc import Callable

from streamlit.testing.v1 import AppTest

from sim.workshop import PASSWORD_ENV, serve


def _metrics(at: AppTest) -> dict[str, str]:
    return {m.label: m.value for m in at.metric}


def test_page_opens_in_dutch_with_both_methods_side_by_side(app: AppTest) -> None:
    assert app.title[0].value.startswith("Workshop: één gezin")
    metrics = _metrics(app)
    assert set(metrics) >= {"escalaties per jaar", "huishoudens gestabiliseerd", "MKBA-saldo (NCW)"}
    assert len(app.metric) == serve.HEADLINE_METRICS  # what the browser tests wait for
    assert "→" in metrics["escalaties per jaar"]  # old method -> 1g1p1r
    table = app.table[0].value
    assert list(table.columns[2:]) == ["oude werkwijze (verkokerd)", "één gezin, één plan, één regisseur",
                                      "verschil (1g1p1r min verkokerd)"]
    assert "600 huishoudens, 3 jaar, 2 replicaties" in " ".join(c.value for c in app.caption)


def test_moving_the_fte_slider_reruns_and_changes_the_numbers(app: AppTest) -> None:
    before = _metrics(app)
    app.slider(key="levers.fte").set_value(10.0).run()
    assert not app.exception
    after = _metrics(app)
    assert after["huishoudens gestabiliseerd"] != before["huishoudens gestabiliseerd"]
    old_before = before["escalaties per jaar"].split(" → ")[0]
    assert after["escalaties per jaar"].split(" → ")[0] == old_before  # the old method has no regisseurs


def test_english_is_selectable(app: AppTest) -> None:
    app.radio(key="lang").set_value("en").run()
    assert app.title[0].value.startswith("Workshop: one family")
    assert "escalations per year" in _metrics(app)
    assert app.slider(key="levers.fte").label == "fte regisseurs"
    assert app.toggle(key="levers.mandate.free_budget").label == "c. free budget"


def test_presets_set_the_levers_and_reset_returns_to_the_base(app: AppTest) -> None:
    app.button(key="preset_oude_werkwijze").click().run()
    assert app.slider(key="levers.fte").value == 0.0
    assert app.toggle(key="levers.mandate.own_diagnosis_plan").value is False
    old, new = _metrics(app)["escalaties per jaar"].split(" → ")
    assert old == new  # no regisseurs: both methods identical
    app.button(key="preset_ideale_context").click().run()
    assert app.slider(key="levers.competence_experienced_share").value == 100.0
    assert app.slider(key="levers.aftercare_months").value == 24.0
    app.button(key="reset").click().run()
    assert app.slider(key="levers.fte").value == 3.0  # the small town's own staffing
    assert app.slider(key="levers.aftercare_months").value == 12.0


def test_bad_input_shows_an_inline_message_and_keeps_the_last_valid_results(app: AppTest) -> None:
    before = _metrics(app)
    app.text_input(key="population.households").input("drieduizend").run()
    assert not app.exception
    messages = [e.value for e in app.error]
    assert any("'drieduizend' is geen geheel getal" in m for m in messages)
    assert _metrics(app) == before
    app.text_input(key="population.households").input("600").run()
    assert not app.error


def test_two_sessions_do_not_disturb_each_other(app: AppTest, new_session: Callable[[], AppTest]) -> None:
    other = new_session()
    app.slider(key="levers.fte").set_value(12.0).run()
    app.radio(key="lang").set_value("en").run()
    other.run()
    assert other.slider(key="levers.fte").value == 3.0
    assert other.title[0].value.startswith("Workshop: één gezin")


def test_live_view_plays_the_weeks_forward(app: AppTest) -> None:
    app.session_state["view"] = "Live"
    app.run()
    app.button(key="live_play").click().run()
    assert not app.exception
    assert "week 13 van 156" in [c.value for c in app.caption]
    app.button(key="live_step").click().run()
    assert "week 14 van 156" in [c.value for c in app.caption]
    app.button(key="live_restart").click().run()
    assert "week 0 van 156" in [c.value for c in app.caption]


def test_export_tab_offers_scenario_excel_and_sheet(app: AppTest) -> None:
    app.session_state["view"] = "Exporteren"
    app.run()
    assert not app.exception
    buttons = app.get("download_button")
    assert len(buttons) == 4


def test_with_a_password_the_page_shows_nothing_until_it_is_typed(new_session, monkeypatch) -> None:
    monkeypatch.setenv(PASSWORD_ENV, "room-4-secret")
    at = new_session()
    assert not at.metric and not at.title  # nothing of the model before the password
    at.text_input(key="password").set_value("wrong").run()
    assert not at.metric and at.error
    at.text_input(key="password").set_value("room-4-secret").run()
    assert len(at.metric) == serve.HEADLINE_METRICS
