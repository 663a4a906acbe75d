"""The incident dialogs are kept and opened again (`views.kept`): each reopening must be a new dialog in
all but cost. The prefill is the new one, focus is where a new dialog puts it, and nothing of the last
opening (typed words, a ticked criterion, a chosen lead or status, a "no one matches") shows again,
not even when that opening's messages arrive after the reopening. Then what each reopened dialog
writes, end to end through the simulated #laa-ops, is exactly what was typed.

The tiny-host tests open the dialogs through `IncidentDialogs`, as the desk does.
"""

from __future__ import annotations

from typing import Any

import pytest
from textual.app import App
from textual.pilot import Pilot
from textual.screen import Screen
from textual.widgets import Checkbox, Select

from duty_tui.models import IncidentStatus
from duty_tui.rules.availability import IncidentPrefill
from duty_tui.views import kept
from duty_tui.views.comment import DiscardScreen
from duty_tui.views.declare_incident import HIGH_LABEL, NORMAL_LABEL, DeclareScreen, IncidentDraft
from duty_tui.views.incident_dialogs import IncidentDialogs
from duty_tui.views.incident_update import TEMPLATE, LeadScreen, NoteScreen, UpdateDraft, UpdateScreen
from tests.app.test_incident_views import LONDON, PEOPLE, incident
from tests.app.test_incidents import incident_posts
from tests.app.test_views import LARGE, Host
from tests.conftest import MORNING
from tests.support import Harness, both_polled, incidents_settled, screen_text, settle

PREFILL = IncidentPrefill("CWA is down", "CWA", "prod", "Providers cannot log in", high_priority=True)


def dialogs() -> IncidentDialogs:
    return IncidentDialogs(lambda: MORNING, LONDON)


async def opened(app: Host, pilot: Pilot[None], screen: Screen[Any]) -> None:
    """Push as the desk does (the result to `app.results`) and wait until it shows."""
    app.push_screen(screen, app.results.append)
    await settle(pilot, lambda: app.screen is screen)


async def closed_by_escape(app: App[Any], pilot: Pilot[Any], screen: Screen[Any]) -> None:
    """Esc, and "y" when it asks whether to throw the words away."""
    await pilot.press("escape")
    await settle(pilot, lambda: app.screen is not screen)
    if isinstance(app.screen, DiscardScreen):
        await pilot.press("y")
        await settle(pilot, lambda: app.screen is not screen and not isinstance(app.screen, DiscardScreen))


async def test_a_reopened_declare_form_shows_the_new_prefill_and_nothing_of_the_last_opening() -> None:
    made = dialogs()
    app = Host()
    async with app.run_test(size=LARGE, notifications=True) as pilot:
        first = made.declare(PEOPLE, "U-ME", PREFILL)
        assert isinstance(first, DeclareScreen)
        await opened(app, pilot, first)
        assert first.title_input.value == "CWA is down" and first.boxes[0].value
        await pilot.press("end", *" for some")  # this opening's choices, all of them declared
        first.boxes[2].value = True
        first.environment.value = "UAT"
        first.lead.value = "U-BEN"
        first.impact.text = "half of them"
        await pilot.press("ctrl+s")
        await settle(pilot, lambda: len(app.results) == 1)
        assert app.results[0] == IncidentDraft(
            "CWA is down for some",
            ("CWA",),
            "UAT",
            "half of them",
            (first.criteria[0], first.criteria[2]),
            "U-BEN",
        )

        again = made.declare(PEOPLE, "U-PRIYA", None)  # no failing check now, another engineer
        assert again is first  # kept, not rebuilt
        await opened(app, pilot, again)
        assert again.title_input.value == "" and again.services_input.value == ""
        assert again.impact.text == "" and again.environment.value == "unknown"
        assert [box.value for box in again.boxes] == [False] * len(again.boxes)
        assert again.lead.value == "U-PRIYA" and again.title_input.has_focus
        assert NORMAL_LABEL in screen_text(app) and HIGH_LABEL not in screen_text(app)
        assert "CWA is down" not in screen_text(app) and "half of them" not in screen_text(app)
        await pilot.press("escape")  # as it came: closes at once, nothing to ask
        await settle(pilot, lambda: len(app.results) == 2)
        assert app.results[1] is None and app.screen is not again

        third = made.declare(PEOPLE, "U-ME", PREFILL)  # the check fails again: its prefill, fresh
        assert third is first
        await opened(app, pilot, third)
        assert (third.title_input.value, third.services_input.value) == ("CWA is down", "CWA")
        assert third.environment.value == "PROD" and third.impact.text == "Providers cannot log in"
        assert [box.value for box in third.boxes] == [True] + [False] * (len(third.boxes) - 1)
        assert HIGH_LABEL in screen_text(app) and third.lead.value == "U-ME"
        await pilot.press("ctrl+s")
        await settle(pilot, lambda: len(app.results) == 3)
        assert app.results[2] == IncidentDraft(
            "CWA is down", ("CWA",), "PROD", "Providers cannot log in", (third.criteria[0],), "U-ME"
        )


async def test_an_earlier_openings_late_messages_change_nothing_in_the_next() -> None:
    made = dialogs()
    app = Host()
    async with app.run_test(size=LARGE, notifications=True) as pilot:
        form = made.declare(PEOPLE, "U-ME")
        assert isinstance(form, DeclareScreen)
        await opened(app, pilot, form)
        form.boxes[1].value = True  # its Changed message is still queued when the form closes
        form.dismiss(None)
        again = made.declare(PEOPLE, "U-ME")
        assert again is form
        await opened(app, pilot, again)
        await pilot.pause()  # the first opening's Checkbox.Changed arrives now
        assert not any(box.value for box in again.boxes)
        assert NORMAL_LABEL in screen_text(app) and not again.priority_label.has_class("-high")
        await pilot.press("escape")
        await settle(pilot, lambda: app.screen is not again)

        lead = made.lead(PEOPLE, "U-ME")
        assert isinstance(lead, LeadScreen)
        await opened(app, pilot, lead)
        lead.query_input.value = "zzz"  # its Changed message is queued …
        lead.dismiss(None)  # … when the picker closes
        again_lead = made.lead(PEOPLE, "U-PRIYA")
        assert again_lead is lead
        await opened(app, pilot, again_lead)
        await pilot.pause()
        assert lead.query_input.value == "" and lead.query_input.has_focus
        assert [name for _, name in lead.shown] == [
            "Ben Carter",
            "Sam Duty",
            "Priya Patel",
        ]  # the new lead last
        assert "No one matches" not in screen_text(app) and "zzz" not in screen_text(app)
        assert lead.highlighted_id() == "U-BEN"
        await pilot.press("enter")
        await settle(pilot, lambda: app.results[-1] == "U-BEN")


async def test_reopened_update_and_note_editors_start_clean_for_the_new_incident() -> None:
    made = dialogs()
    app = Host()
    async with app.run_test(size=LARGE, notifications=True) as pilot:
        update = made.update(incident("a", "CCMS is down", status=IncidentStatus.MONITORING))
        assert isinstance(update, UpdateScreen)
        await opened(app, pilot, update)
        update.editor.text = "What we know: disk full"
        update.status.value = IncidentStatus.IDENTIFIED.value
        await pilot.press("ctrl+b")
        assert update.broadcast.value
        await closed_by_escape(app, pilot, update)
        assert app.results == [None]

        again = made.update(incident("b", "MAAT is slow", status=IncidentStatus.INVESTIGATING))
        assert again is update
        await opened(app, pilot, again)
        assert again.editor.text == TEMPLATE and again.editor.has_focus
        assert again.editor.cursor_location == (0, len("What we know:"))
        assert again.status.value == "investigating" and not again.broadcast.value
        assert "MAAT is slow" in screen_text(app) and "CCMS is down" not in screen_text(app)
        await pilot.press(*" the pool is exhausted", "ctrl+s")
        await settle(pilot, lambda: len(app.results) == 2)
        assert app.results[1] == UpdateDraft(
            TEMPLATE.replace("What we know:", "What we know: the pool is exhausted").strip(),
            IncidentStatus.INVESTIGATING,
            False,
        )

        note = made.note(incident("a", "CCMS is down"))
        assert isinstance(note, NoteScreen)
        await opened(app, pilot, note)
        await pilot.press(*"first note")
        await closed_by_escape(app, pilot, note)
        again_note = made.note(incident("b", "MAAT is slow"))
        assert again_note is note
        await opened(app, pilot, again_note)
        assert note.editor.text == "" and note.editor.has_focus and "first note" not in screen_text(app)
        await pilot.press("ctrl+s")  # empty: refused, as in a new editor
        assert app.screen is note
        await pilot.press(*"second", "ctrl+s")
        await settle(pilot, lambda: app.results[-1] == "second")


async def test_a_dialog_still_open_is_never_handed_out_twice() -> None:
    made = dialogs()
    app = Host()
    async with app.run_test(size=LARGE) as pilot:
        resolve = made.resolve(incident("a"))
        await opened(app, pilot, resolve)
        other = made.resolve(incident("b"))  # asked for while the first shows: a new one
        assert other is not resolve


async def test_reopened_dialogs_write_exactly_what_was_typed(h: Harness) -> None:
    app = h.app()
    async with app.run_test(size=(140, 40)) as pilot:
        await settle(pilot, both_polled(app))
        first: Screen[Any] | None = None
        for title in ("Portal slow", "CCMS logins failing"):  # the second goes through the kept form
            await pilot.press("I")
            await settle(pilot, lambda: isinstance(app.screen, DeclareScreen))
            first = first or app.screen
            assert app.screen is first and app.screen.title_input.value == ""
            await pilot.press(*title)
            if title == "Portal slow":
                app.screen.query_one("#declare-criterion-0", Checkbox).value = True
            await pilot.press("ctrl+s")
            await settle(pilot, lambda: incidents_settled(app) and not isinstance(app.screen, DeclareScreen))
        await settle(pilot, lambda: len(incident_posts(h)) == 2)
        second = incident_posts(h)[-1]["metadata"]["event_payload"]
        assert second["title"] == "CCMS logins failing" and second["priority"] == "normal"  # no tick leaked
        assert second["lead"] == h.world.cast.slack["priya"]

        for words in ("first words, thrown away", "The index rebuild overran"):
            await pilot.press("U")
            await settle(pilot, lambda: isinstance(app.screen, UpdateScreen))
            update = app.screen
            assert isinstance(update, UpdateScreen) and update.editor.text == TEMPLATE
            update.editor.text = f"What we know: {words}"
            if words.startswith("first"):
                update.query_one("#update-status", Select).value = IncidentStatus.MONITORING.value
                await closed_by_escape(app, pilot, update)
            else:
                assert update.status.value == IncidentStatus.INVESTIGATING.value
                await pilot.press("ctrl+s")
        await settle(pilot, lambda: incidents_settled(app) and len(incident_posts(h)) == 3)
        post = incident_posts(h)[-1]
        assert post["metadata"]["event_payload"]["event"] == "updated"
        assert post["metadata"]["event_payload"]["status"] == "investigating"  # not the thrown-away choice
        assert "What we know: The index rebuild overran" in post["text"] and "first words" not in post["text"]
        assert post.get("subtype") != "thread_broadcast"

        for summary in ("not this", "Pool resized, logins back"):
            await pilot.press("X")
            await settle(pilot, lambda: app.screen.__class__.__name__ == "ResolveScreen")
            resolve = app.screen
            assert resolve.editor.text == ""  # type: ignore[attr-defined]
            await pilot.press(*summary)
            if summary == "not this":
                await closed_by_escape(app, pilot, resolve)
            else:
                await pilot.press("ctrl+s")
        await settle(pilot, lambda: incidents_settled(app) and len(incident_posts(h)) == 4)
        resolved = incident_posts(h)[-1]
        assert resolved["metadata"]["event_payload"]["event"] == "resolved"
        assert "Pool resized, logins back" in resolved["text"] and "not this" not in resolved["text"]
        assert [p["metadata"]["event_payload"]["event"] for p in incident_posts(h)].count("resolved") == 1


async def test_a_form_first_opened_with_no_team_offers_the_team_when_reopened() -> None:
    made = dialogs()
    app = Host()
    async with app.run_test(size=LARGE, notifications=True) as pilot:
        form = made.declare([], None)  # before Slack said who anyone is: no lead to default to
        assert isinstance(form, DeclareScreen)
        await opened(app, pilot, form)
        await pilot.press(*"Portal down", "ctrl+s")
        await settle(pilot, lambda: "Choose the incident lead" in screen_text(app))
        await closed_by_escape(app, pilot, form)

        again = made.declare(PEOPLE, "U-ME")  # a lead to default to now: a new form, kept from now on
        assert again is not form and isinstance(again, DeclareScreen)
        await opened(app, pilot, again)
        assert again.lead.value == "U-ME" and again.title_input.value == "" and "Sam Duty" in screen_text(app)
        assert not app.is_screen_installed(form)
        await settle(pilot, lambda: not form.is_attached)  # the old form is let go, not leaked
        await pilot.press(*"Portal down", "ctrl+s")
        await settle(pilot, lambda: len(app.results) == 2)
        assert app.results[1] == IncidentDraft("Portal down", (), "unknown", "", (), "U-ME")
        assert made.declare(PEOPLE, "U-PRIYA") is again


async def test_the_declare_form_is_made_before_the_first_i_and_that_one_opens(h: Harness) -> None:
    """Once both sources have answered, the declare form is composed off the screen stack; the first
    `I` shows that very form (no compose then), blank, and what it posts is what was typed."""
    app = h.app()
    async with app.run_test(size=(140, 40)) as pilot:
        await settle(pilot, both_polled(app))
        await settle(
            pilot, lambda: any(isinstance(s, DeclareScreen) for s in app._installed_screens.values())
        )
        prepared = next(s for s in app._installed_screens.values() if isinstance(s, DeclareScreen))
        assert prepared.is_mounted and prepared not in app.screen_stack
        assert prepared.title_input.value == ""  # composed already: its widgets are there
        await pilot.press("I")
        await settle(pilot, lambda: isinstance(app.screen, DeclareScreen))
        assert app.screen is prepared
        await pilot.press(*"Portal slow", "ctrl+s")
        await settle(pilot, lambda: incidents_settled(app) and len(incident_posts(h)) == 1)
        assert incident_posts(h)[0]["metadata"]["event_payload"]["title"] == "Portal slow"


async def test_no_declare_form_is_made_ahead_in_read_only_mode(h: Harness) -> None:
    app = h.app(read_only=True)
    async with app.run_test(size=(140, 40)) as pilot:
        await settle(pilot, both_polled(app))
        await pilot.pause(0.1)
        assert app.declare_prepared
        assert not any(isinstance(s, DeclareScreen) for s in app._installed_screens.values())


@pytest.mark.parametrize("resize", [False, True], ids=["same size", "resized"])
async def test_the_declare_form_made_ahead_is_laid_out_and_its_first_showing_lays_out_nothing(
    h: Harness, monkeypatch: pytest.MonkeyPatch, resize: bool
) -> None:
    """Made ahead at the terminal's size, the first `I` shows it without laying its 75 widgets out
    (twice, as Textual does for a screen shown the first time); it shows what a fresh layout shows.
    After a resize in between, Textual lays it out at the new size as ever."""
    app = h.app()
    async with app.run_test(size=(140, 40)) as pilot:
        await settle(pilot, both_polled(app))

        def made() -> DeclareScreen | None:
            return next((s for s in app._installed_screens.values() if isinstance(s, DeclareScreen)), None)

        await settle(pilot, lambda: (form := made()) is not None and form.size == app.size)
        await pilot.pause(kept.SETTLED * 2)  # and laid out again once its widgets answered the first
        prepared = made()
        assert prepared is not None and prepared.title_input.region.width > 0  # its widgets have places
        if resize:
            await pilot.resize_terminal(120, 36)
        layouts: list[object] = []
        lay_out = DeclareScreen._refresh_layout

        def counted(screen: DeclareScreen, *args: Any, **kwargs: Any) -> None:
            layouts.append(args)
            lay_out(screen, *args, **kwargs)

        monkeypatch.setattr(DeclareScreen, "_refresh_layout", counted)
        await pilot.press("I")
        await settle(pilot, lambda: isinstance(app.screen, DeclareScreen))
        await pilot.pause()
        monkeypatch.undo()
        assert bool(layouts) == resize, layouts
        assert prepared.size == app.size
        shown = prepared._compositor.render_strips()
        prepared._refresh_layout(app.size)  # a layout from scratch places everything the same
        assert prepared._compositor.render_strips() == shown
