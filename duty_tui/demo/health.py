"""The demo's health checks: CCMS, CWA and MI PROD against the simulated health endpoints
(`duty_sim.health`), whose hour-long schedules take each down, slow or wrong now and then."""

from __future__ import annotations

from duty_sim.health import UP_TEXT, HealthSim
from duty_tui.rules.availability import HealthCheck

DEMO_SERVICES = (("ccms", "CCMS"), ("cwa", "CWA"), ("mi", "MI"))


def demo_checks(
    health: HealthSim, *, interval: float = 30.0, timeout: float = 5.0
) -> tuple[HealthCheck, ...]:
    return tuple(
        HealthCheck(
            name=f"{service} PROD",
            service=service,
            environment="PROD",
            url=health.url(endpoint),
            interval=interval,
            timeout=timeout,
            text=UP_TEXT,
        )
        for endpoint, service in DEMO_SERVICES
    )
