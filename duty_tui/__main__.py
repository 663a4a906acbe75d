"""The command line: `duty-tui`, `duty-tui --demo`, `duty-tui init`, `duty-tui sync --once`,
`duty-tui report`.

Problems the engineer can fix (config, tokens, an unreachable or refusing service, a data dir that
cannot be created or written to, a full disk) end with one sentence on stderr and exit status 2, never
a traceback.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence
from importlib.resources import files
from pathlib import Path
from typing import TYPE_CHECKING

from duty_tui import __version__
from duty_tui.config import (
    ENV_JIRA_TOKEN,
    ENV_SLACK_TOKEN,
    ConfigError,
    default_config_path,
    default_data_dir,
    load_config,
    load_secrets,
)
from duty_tui.store import StoreError

if TYPE_CHECKING:
    from duty_tui.config import Secrets

EXIT_PROBLEM = 2


def parser() -> argparse.ArgumentParser:
    common = argparse.ArgumentParser(add_help=False)
    common.add_argument(
        "--config",
        type=Path,
        metavar="PATH",
        help="config file (env DUTY_TUI_CONFIG; default: the platform config dir)",
    )
    common.add_argument(
        "--data-dir",
        type=Path,
        metavar="PATH",
        help="where the store and log live (env DUTY_TUI_DATA; default: the platform data dir)",
    )
    common.add_argument("--read-only", action="store_true", help="never write to Jira or Slack")
    main = argparse.ArgumentParser(
        prog="duty-tui",
        parents=[common],
        description="The LAA Ops duty engineer's dashboard: "
        "both Jira boards, #laa-ops, incidents and the checklist.",
    )
    main.add_argument(
        "--demo", action="store_true", help="run against the built-in Jira and Slack simulators"
    )
    main.add_argument("--version", action="version", version=f"duty-tui {__version__}")
    commands = main.add_subparsers(dest="command", metavar="COMMAND")
    init = commands.add_parser("init", parents=[common], help="write a commented config for the LAA Ops team")
    init.add_argument("--force", action="store_true", help="overwrite an existing file")
    init.add_argument(
        "--checklist",
        action="store_true",
        help="write a copy of the shipped checklist to edit (checklists.toml beside the config, or the "
        "config's [checklist] file) instead of the config",
    )
    sync = commands.add_parser("sync", parents=[common], help="poll every source into the store")
    sync.add_argument("--once", action="store_true", required=True, help="poll once and exit (the only mode)")
    report = commands.add_parser(
        "report", parents=[common], help="print the metrics screen's figures (Markdown, CSV or JSON)"
    )
    report.add_argument(
        "--since", default="30d", metavar="SPAN", help="the period's length: days or weeks, 30d (default), 4w"
    )
    report.add_argument(
        "--until",
        metavar="DATE",
        help="end the period at the end of this day in the support time zone, or at an ISO date-time "
        "(default: now)",
    )
    report.add_argument("--format", default="markdown", help="markdown (default), csv or json")
    return main


def main(argv: Sequence[str] | None = None) -> int:
    args = parser().parse_args(argv)
    try:
        if args.command == "init":
            if args.checklist:
                return init_checklist(args.config or default_config_path(), force=args.force)
            return init_config(args.config or default_config_path(), force=args.force)
        if args.command == "sync":
            return sync_once(args)
        if args.command == "report":
            return report(args)
        return run_app(args)
    except (ConfigError, StoreError) as error:
        print(f"duty-tui: {error}", file=sys.stderr)
        return EXIT_PROBLEM
    except KeyboardInterrupt:
        return 130


def init_config(path: Path, *, force: bool) -> int:
    if path.exists() and not force:
        raise ConfigError(f"{path} already exists: edit it, or run `duty-tui init --force` to overwrite it.")
    template = files("duty_tui.data").joinpath("config.toml").read_text(encoding="utf-8")
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(template, encoding="utf-8")
    print(f"Wrote {path}.")
    print("Next: set your Atlassian email in [jira], then export the two tokens:")
    print(f"  export {ENV_JIRA_TOKEN}=...      # https://id.atlassian.com/manage-profile/security/api-tokens")
    print(f"  export {ENV_SLACK_TOKEN}=xoxb-... # bot token of the duty-tui Slack app")
    print("Then run: duty-tui")
    print("To make the duty checklist your own: duty-tui init --checklist")
    return 0


def init_checklist(config_path: Path, *, force: bool) -> int:
    """Write the shipped checklist where duty-tui will read it: the config's [checklist] file, or
    checklists.toml beside the config."""
    from duty_tui.config.checklist import DEFAULT_FILE, shipped_text

    path = config_path.parent / DEFAULT_FILE
    if config_path.exists():
        path = load_config(config_path).checklist.file or path
    if path.exists() and not force:
        raise ConfigError(
            f"{path} already exists: edit it, or run `duty-tui init --checklist --force` to overwrite it."
        )
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(shipped_text(), encoding="utf-8")
    print(f"Wrote {path}: a copy of the shipped checklist.")
    print("Add, remove, rename and reorder its sections and items; keep an item's id and today's tick")
    print("stays with it. duty-tui reads it at start (a malformed file: it says why, and uses the")
    print("shipped list).")
    return 0


def _data_dir(args: argparse.Namespace) -> Path:
    return args.data_dir or default_data_dir()


def _log_in(data_dir: Path, secrets: Secrets) -> None:
    """The log in the data dir (after the store: that the dir takes files is checked there)."""
    from duty_tui.runtime import LOG_FILE, setup_logging

    try:
        setup_logging(data_dir, secrets)
    except OSError as error:
        raise StoreError(
            f"Cannot write the log {data_dir / LOG_FILE} ({error.strerror}): make it writable, "
            "or pass a writable --data-dir."
        ) from error


def run_app(args: argparse.Namespace) -> int:
    from duty_tui.clock import SystemClock
    from duty_tui.runtime import build_runtime

    if args.demo:
        from duty_tui.demo import build_demo_runtime

        runtime = build_demo_runtime(data_dir=args.data_dir, read_only=args.read_only)
    else:
        config = load_config(args.config or default_config_path())
        secrets = load_secrets()
        data_dir = _data_dir(args)
        runtime = build_runtime(config, secrets, data_dir, SystemClock(), read_only=args.read_only)
        _log_in(data_dir, secrets)
    from duty_tui.app import DutyApp
    from duty_tui.hangup import watch_terminal
    from duty_tui.heap import Heap

    app = DutyApp(runtime, heap=Heap())
    watching = watch_terminal()
    try:
        app.run()
    finally:
        if watching is not None:
            watching.set()
        runtime.close()
    if app.exit_message:
        print(f"duty-tui: {app.exit_message}", file=sys.stderr)
    return app.return_code or 0


def sync_once(args: argparse.Namespace) -> int:
    from duty_tui.clock import SystemClock
    from duty_tui.runtime import build_runtime
    from duty_tui.sync.outcomes import MessagesPolled, PollFailed, PollOutcome, TicketsPolled
    from duty_tui.sync.poll import PollLoop

    config = load_config(args.config or default_config_path())
    secrets = load_secrets()
    data_dir = _data_dir(args)
    runtime = build_runtime(config, secrets, data_dir, SystemClock(), read_only=True)
    _log_in(data_dir, secrets)
    failed = False
    auth_failed = False
    try:
        for poller in runtime.pollers:
            outcomes: list[PollOutcome] = []
            PollLoop(poller, runtime.store, runtime.clock, 0, outcomes.append).cycle()
            outcome = outcomes[0]
            if isinstance(outcome, PollFailed):
                failed = True
                auth_failed = auth_failed or outcome.error.auth or outcome.error.unreachable
                print(f"{poller.source}: failed: {outcome.error.message}")
            elif isinstance(outcome, TicketsPolled):
                listed = len(runtime.store.tickets.on_list())
                print(
                    f"{poller.source}: ok: {listed} tickets waiting, {len(outcome.changed)} changed, "
                    f"{len(outcome.removed)} gone"
                )
            elif isinstance(outcome, MessagesPolled):
                print(
                    f"{poller.source}: ok: {len(outcome.changed)} new or changed messages, "
                    f"{runtime.store.messages.count(config.slack.channel)} stored"
                )
    finally:
        runtime.close()
    if auth_failed:
        return EXIT_PROBLEM
    return 1 if failed else 0


def report(args: argparse.Namespace) -> int:
    """Refresh the store from every source, then print the figures (duty_tui/reports/command.py)."""
    from duty_tui.clock import SystemClock
    from duty_tui.reports.command import parse_options, run_report
    from duty_tui.runtime import build_runtime

    options = parse_options(args.since, args.until, args.format)  # a bad option: before any network call
    if args.demo:
        from duty_tui.demo import build_demo_runtime

        runtime = build_demo_runtime(data_dir=args.data_dir, read_only=True, seed_later=False)
    else:
        config = load_config(args.config or default_config_path())
        secrets = load_secrets()
        data_dir = _data_dir(args)
        runtime = build_runtime(config, secrets, data_dir, SystemClock(), read_only=True)
        _log_in(data_dir, secrets)
    try:
        return run_report(runtime, options, sys.stdout, sys.stderr)
    finally:
        runtime.close()


if __name__ == "__main__":
    sys.exit(main())
