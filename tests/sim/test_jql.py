"""JQL parser and evaluator of the Jira simulator: syntax, precedence, quoting, boundedness, Jira's
error texts, and evaluation against a small world (dates in the searching user's time zone)."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta

import pytest

from duty_sim.jira.jql import JqlError, parse, quote
from duty_sim.jira.jql_parse import And, Clause, Empty, Function, Literal, Not, Or, ValueList
from duty_sim.jira.world import JiraWorld
from duty_tui.clock import ManualClock
from tests.conftest import MORNING

WINTER = MORNING  # GMT: London = UTC
SUMMER = datetime(2026, 7, 1, 8, 30, tzinfo=UTC)  # BST: 09:30 in London
ME = "712020:5cec603e-f7f9-4b8e-9f1a-00000000000a"
ANN = "712020:5cec603e-f7f9-4b8e-9f1a-000000000001"


# -- parsing ----------------------------------------------------------------------------------------


def test_precedence_is_not_then_and_then_or() -> None:
    where = parse("a = 1 OR b = 2 AND NOT c = 3").where
    assert where == Or(
        (
            Clause("a", "=", Literal("1")),
            And((Clause("b", "=", Literal("2")), Not(Clause("c", "=", Literal("3"))))),
        )
    )


def test_parentheses_override_precedence() -> None:
    where = parse("(a = 1 OR b = 2) AND c = 3").where
    assert isinstance(where, And)
    assert isinstance(where.parts[0], Or)


def test_keywords_are_case_insensitive() -> None:
    query = parse('project = LAA and STATUS In ("To Do", 10000) order BY created desc, key')
    assert isinstance(query.where, And)
    assert query.where.parts[1] == Clause(
        "STATUS", "in", ValueList((Literal("To Do", True), Literal("10000")))
    )
    assert [(t.field, t.descending) for t in query.order_by] == [("created", True), ("key", False)]


def test_operators_and_operands() -> None:
    clauses = {
        "assignee IS EMPTY": Clause("assignee", "is", Empty()),
        "assignee is not null": Clause("assignee", "is not", Empty()),
        "assignee = EMPTY": Clause("assignee", "=", Empty()),
        "assignee = currentUser()": Clause("assignee", "=", Function("currentUser")),
        "assignee = 712020:abc-def": Clause("assignee", "=", Literal("712020:abc-def")),
        "key not in (LAA-1, LM-2)": Clause("key", "not in", ValueList((Literal("LAA-1"), Literal("LM-2")))),
        "updated >= -5m": Clause("updated", ">=", Literal("-5m")),
        "summary !~ disk": Clause("summary", "!~", Literal("disk")),
    }
    for text, expected in clauses.items():
        assert parse(text).where == expected, text


def test_quoted_strings_and_escapes() -> None:
    assert parse(r'summary ~ "say \"hi\" \\ now"').where == Clause(
        "summary", "~", Literal('say "hi" \\ now', True)
    )
    assert parse("status = 'To Do'").where == Clause("status", "=", Literal("To Do", True))
    assert parse('component = "laa-6dg-support"').where == Clause(
        "component", "=", Literal("laa-6dg-support", True)
    )


def test_quote_round_trips_hostile_text() -> None:
    text = 'a "quoted" back\\slash'
    assert parse(f"summary ~ {quote(text)}").where == Clause("summary", "~", Literal(text, True))


def test_unbounded_detection() -> None:
    for text in ("", "   ", "ORDER BY key", "order by created DESC, key ASC"):
        assert not parse(text).bounded, text
    for text in ("project = LAA ORDER BY key", "assignee IS EMPTY", "NOT status = Done"):
        assert parse(text).bounded, text


@pytest.mark.parametrize(
    ("text", "message"),
    [
        (
            "project = ",
            "Error in the JQL Query: Expecting either a value, list or function but reached the end",
        ),
        ("project LAA", "Error in the JQL Query: Expecting operator but got 'LAA'."),
        ("(project = LAA", "Error in the JQL Query: Expecting ')' but reached the end of the query."),
        (
            "project = LAA OR",
            "Error in the JQL Query: Expecting a field name but reached the end of the query.",
        ),
        ("created >= 2026/11/26", "Error in the JQL Query: The character '/' is a reserved JQL character."),
        ("status = and", "Error in the JQL Query: 'and' is a reserved JQL word."),
        ('summary ~ "open', "Error in the JQL Query: The quoted string 'open' has not been completed."),
        ("project = LAA LM", "Error in the JQL Query: Expecting either 'OR' or 'AND' but got 'LM'."),
        ("project = LAA ORDER key", "Error in the JQL Query: Expecting 'by' but got 'key'."),
        ("assignee IS bob", "The operator 'IS' only supports searching for EMPTY values."),
    ],
)
def test_syntax_errors_use_jira_wording(text: str, message: str) -> None:
    with pytest.raises(JqlError) as caught:
        parse(text)
    assert caught.value.message.startswith(message) or message in caught.value.message
    assert caught.value.message.startswith("Error in the JQL Query:")


def test_error_position_is_reported() -> None:
    with pytest.raises(JqlError, match=r"\(line 1, character 9\)"):
        parse("status =/ Done")


def test_order_by_takes_at_most_seven_fields() -> None:
    parse("project = LAA ORDER BY created, updated, key, priority, rank, status, resolved")
    with pytest.raises(JqlError, match="at most 7"):
        parse("project = LAA ORDER BY created, updated, key, priority, rank, status, resolved, created")


# -- evaluation ---------------------------------------------------------------------------------------


@pytest.fixture
def world() -> JiraWorld:
    w = JiraWorld(ManualClock(WINTER))
    w.set_api_user(w.add_user("Duty Engineer", "duty@example.com", account_id=ME))
    w.add_user("Ann Smith", account_id=ANN)
    w.add_project("LAA", "LAA Support")
    w.add_project("LM", "LAA Modernisation")
    w.add_component("LAA", "laa-6dg-support")
    w.add_component("LAA", "platform")
    t0 = WINTER - timedelta(days=3)
    w.create_issue("LAA", "Disk full on web-2", created=t0, priority="High", components=["laa-6dg-support"])
    w.create_issue(
        "LAA", "Printer on fire", created=t0 + timedelta(hours=1), priority="Highest", labels=["fire"]
    )
    w.create_issue("LM", "Upgrade Postgres", created=t0 + timedelta(hours=2), priority="Low", assignee=ANN)
    w.create_issue("LAA", "ERIC UAT down", created=t0 + timedelta(hours=3), components=["platform"])
    w.create_issue("LM", "Rotate keys", created=t0 + timedelta(hours=4), assignee=ME)
    w.transition_to("LAA-2", "In Progress", at=t0 + timedelta(hours=5))
    w.transition_to("LAA-3", "Done", at=t0 + timedelta(hours=6))
    w.add_filter("6DG filter", 'project = LAA AND component = "laa-6dg-support" ORDER BY created DESC')
    return w


def keys(world: JiraWorld, jql: str, viewer: str | None = None) -> list[str]:
    query = world.compile(jql, viewer or world.api_user_id)
    return [issue.key for issue in world.run_query(query, world.issues.values())]


def test_default_order_is_key_descending(world: JiraWorld) -> None:
    assert keys(world, "project in (LAA, LM)") == ["LM-2", "LM-1", "LAA-3", "LAA-2", "LAA-1"]


def test_status_by_name_or_id_and_status_category(world: JiraWorld) -> None:
    assert keys(world, 'status in ("To Do", 3) ORDER BY key') == ["LAA-1", "LAA-2", "LM-1", "LM-2"]
    assert keys(world, "status = 10001") == ["LAA-3"]
    assert keys(world, "statusCategory = Done") == ["LAA-3"]
    assert keys(world, "statusCategory != Done ORDER BY rank") == ["LAA-1", "LAA-2", "LM-1", "LM-2"]
    assert keys(world, 'statusCategory in (new, "In Progress") AND project = LAA') == ["LAA-2", "LAA-1"]
    assert keys(world, "statusCategory = 4") == ["LAA-2"]


def test_components(world: JiraWorld) -> None:
    assert keys(world, 'component = "laa-6dg-support"') == ["LAA-1"]
    assert keys(world, 'component in ("laa-6dg-support", platform)') == ["LAA-3", "LAA-1"]
    assert keys(world, "component IS EMPTY") == ["LM-2", "LM-1", "LAA-2"]
    assert keys(world, "component != platform") == ["LAA-1"]  # != never matches an empty field


def test_assignee_forms(world: JiraWorld) -> None:
    ann = ANN
    for empty in ("assignee IS EMPTY", "assignee is EMPTY", "assignee = EMPTY", "assignee is null"):
        assert keys(world, empty) == ["LAA-3", "LAA-2", "LAA-1"], empty
    assert keys(world, "assignee is not EMPTY") == ["LM-2", "LM-1"]
    assert keys(world, "assignee = currentUser()") == ["LM-2"]
    assert keys(world, f'assignee = "{ann}"') == ["LM-1"]
    assert keys(world, f"assignee = {ann}") == ["LM-1"]  # ':' needs no quotes
    assert keys(world, f'assignee in ("{ann}", currentUser())') == ["LM-2", "LM-1"]
    assert keys(world, f'assignee != "{ann}"') == ["LM-2"]
    assert keys(world, f'reporter = "{world.api_user_id}" AND project = LM') == ["LM-2", "LM-1"]


def test_priority_labels_keys_projects(world: JiraWorld) -> None:
    assert keys(world, "priority in (High, Highest)") == ["LAA-2", "LAA-1"]
    assert keys(world, "priority > Medium") == ["LAA-2", "LAA-1"]
    assert keys(world, "priority = 4") == ["LM-1"]
    assert keys(world, "labels = fire") == ["LAA-2"]
    assert keys(world, "labels IS EMPTY AND project = LM") == ["LM-2", "LM-1"]
    assert keys(world, "key in (LAA-1, LM-2)") == ["LM-2", "LAA-1"]
    assert keys(world, "issuekey = 10000") == ["LAA-1"]
    assert keys(world, "key > LAA-1 AND project = LAA") == ["LAA-3", "LAA-2"]
    assert keys(world, "project = LM") == ["LM-2", "LM-1"]
    assert keys(world, 'project in (LM, "LAA Support") AND summary ~ "disk"') == ["LAA-1"]
    assert keys(world, "resolution = Unresolved AND project = LAA") == ["LAA-2", "LAA-1"]
    assert keys(world, "resolution = Done") == ["LAA-3"]


def test_not_and_or_evaluate_with_precedence(world: JiraWorld) -> None:
    assert keys(world, "NOT project = LAA AND assignee IS EMPTY OR key = LAA-3") == ["LAA-3"]
    assert keys(world, "NOT (project = LAA AND assignee IS EMPTY)") == ["LM-2", "LM-1"]
    assert keys(world, "project = LM OR project = LAA AND priority = Highest") == ["LM-2", "LM-1", "LAA-2"]


def test_saved_filter_expands_without_its_order_by(world: JiraWorld) -> None:
    filter_id = next(iter(world.filters))
    assert keys(world, f"filter = {filter_id}") == ["LAA-1"]
    assert keys(world, f'filter in ({filter_id}, "6DG filter") AND assignee IS EMPTY') == ["LAA-1"]
    assert keys(world, f"filter != {filter_id} AND project = LAA") == ["LAA-3", "LAA-2"]
    with pytest.raises(
        JqlError, match=re.escape("A value with ID '999' does not exist for the field 'filter'.")
    ):
        keys(world, "filter = 999")


def test_order_by_fields(world: JiraWorld) -> None:
    assert keys(world, "project = LAA ORDER BY created ASC") == ["LAA-1", "LAA-2", "LAA-3"]
    assert keys(world, "project = LAA ORDER BY priority DESC, key") == ["LAA-2", "LAA-1", "LAA-3"]
    assert keys(world, "project in (LAA, LM) ORDER BY rank") == ["LAA-1", "LAA-2", "LM-1", "LAA-3", "LM-2"]
    assert keys(world, "project = LAA ORDER BY status DESC, key ASC") == ["LAA-3", "LAA-2", "LAA-1"]
    assert keys(world, "project = LAA ORDER BY updated DESC")[0] == "LAA-3"


@pytest.mark.parametrize(
    ("jql", "message"),
    [
        ("foo = bar", "Field 'foo' does not exist or you do not have permission to view it."),
        (
            "project = LAA ORDER BY foo",
            "Field 'foo' does not exist or you do not have permission to view it.",
        ),
        ("status = Nope", "The value 'Nope' does not exist for the field 'status'."),
        ("project = NOPE", "The value 'NOPE' does not exist for the field 'project'."),
        ('component = "nope"', "The value 'nope' does not exist for the field 'component'."),
        ("key = LAA-99", "An issue with key 'LAA-99' does not exist for field 'key'."),
        ("assignee = 5b10ac8d82e05b22cc7d4ef5", "The value '5b10ac8d82e05b22cc7d4ef5' does not exist for"),
        ("status > Done", "The operator '>' is not supported by the 'status' field."),
        ("assignee = nosuch()", "Unable to find JQL function 'nosuch()'."),
        ("status = currentUser()", "Function 'currentUser' is not supported for the field 'status'."),
        ("created >= yesterday", "Date value 'yesterday' for field 'created' is invalid."),
        ("project = LAA ORDER BY labels", "Field 'labels' does not support sorting."),
        (
            "project = LAA ORDER BY key, KEY",
            "The sort field 'KEY' is referenced multiple times in the JQL sort.",
        ),
    ],
)
def test_validation_errors_use_jira_wording(world: JiraWorld, jql: str, message: str) -> None:
    with pytest.raises(JqlError) as caught:
        keys(world, jql)
    assert caught.value.message.startswith(message)


def test_field_names_are_case_insensitive(world: JiraWorld) -> None:
    assert keys(world, "PROJECT = LM AND Assignee IS NOT EMPTY AND statuscategory = new") == ["LM-2", "LM-1"]


# -- dates ---------------------------------------------------------------------------------------


def _dated_world(at: datetime) -> JiraWorld:
    w = JiraWorld(ManualClock(at + timedelta(hours=5)))
    london = w.add_user("Lon Don", time_zone="Europe/London")
    w.add_user("Nia York", account_id="nyc-user", time_zone="America/New_York")
    w.add_user("Utc User", account_id="utc-user", time_zone="UTC")
    w.set_api_user(london)
    w.add_project("LAA", "LAA Support")
    w.create_issue("LAA", "at the moment", created=at)
    return w


def test_absolute_dates_are_in_the_searchers_time_zone_during_bst() -> None:
    world = _dated_world(SUMMER)  # 08:30 UTC = 09:30 BST
    assert keys(world, 'created >= "2026-07-01 09:30"') == ["LAA-1"]
    assert keys(world, 'created >= "2026-07-01 09:31"') == []
    assert keys(world, 'created >= "2026/07/01 09:30"') == ["LAA-1"]
    assert keys(world, 'created >= "2026-07-01 08:30"', viewer="utc-user") == ["LAA-1"]
    assert keys(world, 'created >= "2026-07-01 08:31"', viewer="utc-user") == []
    assert keys(world, 'created >= "2026-07-01 04:30"', viewer="nyc-user") == ["LAA-1"]
    assert keys(world, 'created >= "2026-07-01 04:31"', viewer="nyc-user") == []


def test_absolute_dates_in_gmt_and_date_only() -> None:
    world = _dated_world(WINTER)  # 10:30 UTC = 10:30 GMT
    assert keys(world, 'updated >= "2026-11-26 10:30"') == ["LAA-1"]
    assert keys(world, 'updated > "2026-11-26 10:30"') == []
    assert keys(world, 'created >= "2026-11-26" AND created < "2026-11-27"') == ["LAA-1"]
    assert keys(world, "created >= 2026-11-27") == []  # an unquoted date is fine without a time


def test_relative_dates_follow_the_clock() -> None:
    clock = ManualClock(WINTER)
    world = JiraWorld(clock)
    world.set_api_user(world.add_user("Duty"))
    world.add_project("LAA", "LAA Support")
    world.create_issue("LAA", "ten minutes ago", created=WINTER - timedelta(minutes=10))
    assert keys(world, "updated >= -5m") == []
    assert keys(world, "updated >= -15m") == ["LAA-1"]
    assert keys(world, "updated >= -2h AND created >= -1d AND created >= -1w") == ["LAA-1"]
    assert keys(world, 'updated >= "-1w 2d"') == ["LAA-1"]
    clock.advance(timedelta(days=1))
    assert keys(world, "updated >= -1d") == []
    assert keys(world, "updated < -1d") == ["LAA-1"]
    assert keys(world, "created <= now()") == ["LAA-1"]
