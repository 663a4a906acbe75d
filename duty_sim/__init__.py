"""Simulated Jira Cloud and Slack Web API, served over real HTTP on 127.0.0.1 for duty-tui's demo and tests.

What belongs here: one subpackage per simulated service (`jira`, `slack`), the health endpoints
(`health`), and what they share: `server` (the threaded HTTP server, its request log and how it applies
faults), `faults` (the fault plan and the rate-limit token buckets) and `clock` (the simulators' own
clock protocol). What it may import: the standard library and its own modules, nothing else; `duty_sim`
never imports `duty_tui` (duty-tui's clocks fit `duty_sim.clock.Clock` as they are). Who imports it:
only `duty_tui.demo`, the tests and the benchmarks. The application's real clients, the `jira` and
`slack_sdk` libraries, reach it over HTTP only, exactly as they reach the real services.
"""
