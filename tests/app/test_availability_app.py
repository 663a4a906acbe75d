"""The app runs the health checks alongside the pollers: started with them, stopped with them."""

from __future__ import annotations

from tests.support import Harness, settle

SIZE = (120, 35)


async def test_the_app_probes_the_checks_once_polling_starts_and_stops_with_the_pollers(h: Harness) -> None:
    app = h.app()
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot, lambda: len(app.runtime.store.probes.since(h.clock.now())) >= 3)
        probes = app.probes
        assert probes is not None
        assert {r.check for r in app.runtime.store.probes.since(h.clock.now())} == {
            "CCMS PROD",
            "CWA PROD",
            "MI PROD",
        }
    assert probes.wait_finished(5)  # its thread ended: stopped with the pollers
