"""The demo's past: what the LAA Ops boards and #laa-ops held over the last weeks (`duty_tui.demo.history`
turns it into tickets with histories, past incidents and happiness asks, at times relative to now).

Summaries are templates: `{service}` and `{env}` are filled from each template's own lists, so no two past
tickets read the same. Names are the scenario's people (`scenario_data`).
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class PastTicket:
    """A kind of ticket the team sees again and again: a summary template and who raises it."""

    summary: str  # may hold {service} and {env}
    priority: str
    services: tuple[str, ...] = ("",)  # (service, requester handle) pairs come from REQUESTER_OF
    envs: tuple[str, ...] = ("",)
    reporter: str | None = None  # a handle; None: the requester of the service


# Who asks for what: a service's usual requester (scenario_data.REQUESTERS).
REQUESTER_OF = {
    "CCMS": "lucy",
    "CWA": "raj",
    "MI": "hannah",
    "CIS": "oliver",
    "ERIC": "megan",
    "Apply": "dan",
    "CCMS-PUI": "fiona",
}

AWS_PAST = (
    PastTicket(
        "{service} {env}: restore last night's RDS snapshot for a test run",
        "Medium",
        ("CWA", "Apply", "MI"),
        ("UAT", "Dev/Test"),
    ),
    PastTicket(
        "{service} {env}: pods restarting (OOMKilled) after the release",
        "High",
        ("Apply", "CCMS-PUI"),
        ("Stage", "UAT"),
    ),
    PastTicket(
        "{service} {env}: increase the EBS volume on the app server (disk at 88%)",
        "High",
        ("CCMS", "CWA"),
        ("PROD", "Pre-Prod"),
    ),
    PastTicket(
        "{service}: read-only CloudWatch access for a new developer",
        "Low",
        ("Apply", "MI", "CWA", "CCMS-PUI"),
    ),
    PastTicket(
        "{service} {env}: S3 bucket policy blocks the reporting role",
        "Medium",
        ("MI", "CWA"),
        ("PROD", "Stage"),
    ),
    PastTicket(
        "{service} {env}: ALB returning intermittent 502s", "High", ("CCMS-PUI", "Apply"), ("PROD", "Stage")
    ),
    PastTicket(
        "{service} {env}: renew the TLS certificate before it expires",
        "Medium",
        ("CCMS", "CWA", "Apply"),
        ("Stage", "UAT"),
    ),
    PastTicket(
        "{service} {env}: nightly Glue job failed with AccessDenied",
        "High",
        ("MI",),
        ("PROD", "Pre-Prod", "UAT"),
    ),
    PastTicket(
        "{service}: add a new developer to the AWS SSO group", "Lowest", ("Apply", "CWA", "MI", "CCMS-PUI")
    ),
    PastTicket("{service} {env}: CloudWatch alarm on RDS CPU above 90%", "High", ("CCMS", "CWA"), ("PROD",)),
    PastTicket(
        "{service} {env}: Secrets Manager rotation failed for the database user",
        "Medium",
        ("Apply", "CWA", "MI"),
        ("Stage", "UAT"),
    ),
    PastTicket(
        "{service} {env}: scale the ECS service up for load testing",
        "Low",
        ("CCMS-PUI", "Apply"),
        ("Pre-Prod", "Stage"),
    ),
    PastTicket(
        "{service} {env}: Lambda timing out when calling the document store",
        "High",
        ("CCMS", "Apply"),
        ("PROD", "UAT"),
    ),
    PastTicket(
        "{service} {env}: grant the analysts access to the Athena workgroup",
        "Low",
        ("MI",),
        ("PROD", "Dev/Test"),
    ),
    PastTicket(
        "{service} {env}: WAF rule blocking a provider's uploads", "High", ("CCMS-PUI", "CWA"), ("PROD",)
    ),
    PastTicket(
        "Rotate the IAM access keys flagged by Security Hub ({env} account)",
        "Medium",
        envs=("production", "non-prod", "sandbox"),
        reporter="grace",
    ),
    PastTicket(
        "Patch the bastion hosts with this month's AMI ({env})",
        "Medium",
        envs=("production", "non-prod"),
        reporter="tom",
    ),
    PastTicket(
        "Tidy up unattached EBS volumes in the {env} account",
        "Lowest",
        envs=("sandbox", "non-prod", "Dev/Test"),
        reporter="sam",
    ),
    PastTicket(
        "Upgrade the EKS add-ons in the {env} cluster",
        "Medium",
        envs=("platform", "non-prod", "Dev/Test"),
        reporter="tom",
    ),
    PastTicket(
        "Review the GuardDuty findings for the {env} account",
        "Low",
        envs=("production", "sandbox"),
        reporter="priya",
    ),
    PastTicket(
        "Add the {env} alarms to the ops dashboard",
        "Low",
        envs=("RDS storage", "NAT gateway", "SQS queue depth"),
        reporter="sam",
    ),
    PastTicket("Apply Stage: feature environment for the means-test rework", "Medium", reporter="dan"),
    PastTicket("CWA PROD: export of last month's claims for the auditors", "Medium", reporter="raj"),
    PastTicket("MI PROD: QuickSight dashboard shows no data since the weekend", "High", reporter="hannah"),
    PastTicket("CCMS PROD: providers report slow document downloads", "High", reporter="lucy"),
)

SIXDG_PAST = (
    PastTicket(
        "{service} {env}: managed server will not start after patching",
        "High",
        ("ERIC", "CCMS", "CIS"),
        ("UAT", "Pre-Prod"),
    ),
    PastTicket(
        "{service} {env}: test accounts for the new starters",
        "Low",
        ("CIS", "ERIC", "CCMS"),
        ("Dev/Test", "UAT"),
    ),
    PastTicket(
        "{service} {env}: Oracle tablespace at 92%", "High", ("CCMS", "CWA", "MI"), ("PROD", "Pre-Prod")
    ),
    PastTicket(
        "{service} {env}: refresh from PROD for the release rehearsal",
        "Medium",
        ("ERIC", "CCMS", "CWA"),
        ("Pre-Prod", "UAT"),
    ),
    PastTicket(
        "{service} {env}: scheduled batch did not run overnight", "Highest", ("CWA", "CIS", "MI"), ("PROD",)
    ),
    PastTicket(
        "{service} {env}: apply the quarterly Oracle CPU patch",
        "Medium",
        ("CCMS", "ERIC", "CIS"),
        ("UAT", "Pre-Prod", "Dev/Test"),
    ),
    PastTicket(
        "{service} {env}: certificate error on the test interface",
        "Medium",
        ("CIS", "CWA"),
        ("UAT", "Dev/Test"),
    ),
    PastTicket("{service} {env}: report generation times out", "High", ("ERIC", "MI"), ("PROD", "Pre-Prod")),
    PastTicket(
        "{service} {env}: unlock the application schema account",
        "Medium",
        ("CCMS", "CWA", "CIS"),
        ("UAT", "Pre-Prod", "Dev/Test"),
    ),
    PastTicket(
        "{service} {env}: restore a deleted case from last night's backup",
        "High",
        ("CCMS", "ERIC"),
        ("PROD",),
    ),
    PastTicket(
        "{service} {env}: WebLogic console access for the release team",
        "Low",
        ("CCMS", "ERIC"),
        ("Pre-Prod", "UAT"),
    ),
    PastTicket("{service} {env}: Connect Direct transfer failed", "Highest", ("CCMS", "CWA"), ("PROD",)),
    PastTicket(
        "{service} {env}: clone a provider account for defect reproduction",
        "Lowest",
        ("CCMS", "CWA"),
        ("Dev/Test", "UAT"),
    ),
    PastTicket("{service} {env}: slow queries between 09:00 and 10:00", "High", ("MI", "CWA"), ("PROD",)),
    PastTicket(
        "RedCentric: firewall change for the {env} interface",
        "Medium",
        envs=("CIS test", "CWA test", "ERIC UAT"),
        reporter="aisha",
    ),
    PastTicket(
        "6DG: monthly DR backup restore test ({env})", "Low", envs=("CCMS", "CWA", "ERIC"), reporter="ewan"
    ),
    PastTicket("VPN access for a new {env} DBA", "Lowest", envs=("6DG", "RedCentric"), reporter="aisha"),
    PastTicket(
        "Renew the {env} SSL certificates on the 6DG load balancers",
        "Medium",
        envs=("PROD", "Pre-Prod"),
        reporter="ewan",
    ),
)

# Comments: a team member acknowledging, working, asking, finishing; a requester answering.
TEAM_ACKS = (
    "Looking at this now.",
    "Thanks, picking this up.",
    "On it: I'll update here once I know more.",
    "Taking this one; first look in the next half hour.",
    "Seen, I'll take it after stand-up.",
)
TEAM_PROGRESS = (
    "Found the cause: the role's policy was missing the new bucket. Fixing.",
    "Raised with 6DG; they are looking at the managed server.",
    "Change applied in UAT first; PROD this afternoon.",
    "Waiting on the vendor's change window, booked for tomorrow morning.",
    "The job is re-running now; will confirm when it completes.",
    "Scaled up and watching the metrics.",
)
TEAM_QUESTIONS = (
    "Which environment exactly, and roughly when did it start?",
    "Can you confirm the account name and who approved the access?",
    "Could you send the request id from the error page?",
)
TEAM_DONE = (
    "Done: please check and let us know.",
    "Fixed and verified; closing this.",
    "Completed, details in the runbook.",
    "All done; shout in #laa-ops if it comes back.",
)
REQUESTER_REPLIES = (
    "Thanks, that's working now.",
    "Confirmed, all good on our side.",
    "It started around 09:15, UAT only.",
    "Approved by our delivery manager; account name is in the description.",
    "Brilliant, thank you!",
)
REQUESTER_CHASES = (
    "Any news on this? Users are asking.",
    "Is there an update? It's blocking our testing.",
)
REOPEN_NOTES = (
    "This is failing again since this morning, same error.",
    "Sorry, reopening: it works in UAT but not in Stage.",
    "Still seeing it for some users, reopening.",
)
WEEKEND_NOTES = (
    "Handing over for the weekend: waiting on the requester to confirm the new limits.",
    "It failed again on Saturday morning, same error as Friday.",
)
HOLIDAY_NOTES = (
    "6DG are off for the bank holiday; they will pick this up first thing after.",
    "Any update? It is still failing over the long weekend.",
    "Brief recurrence this week but it cleared on its own; no action needed, noting it here.",
)
# The three tickets told on purpose: waiting over a weekend, around a bank holiday, moved onto the 6DG board.
WEEKEND_TICKET = ("Apply Stage: nightly data import fails with a timeout", "High", "dan", ("stage", "apply"))
HOLIDAY_TICKET = (
    "CWA PROD: claims batch running hours late after the 6DG storage change",
    "High",
    "raj",
    ("prod", "cwa"),
)
MOVED_TICKET = (
    "CCMS PROD: Oracle listener log filling the /u01 filesystem",
    "High",
    "lucy",
    ("prod", "ccms"),
)
MOVED_NOTE = "This belongs to 6DG support: added the laa-6dg-support component so it shows on their board."
STRAIGHT_DONE = (
    "Already fixed by the overnight deployment; closing.",
    "Duplicate of a change we made yesterday; nothing more to do.",
    "Done directly in the console, no further work needed.",
)


# -- #laa-ops ------------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class PastIncident:
    """A past incident, as the channel told it: declared, updates (the last one "monitoring"), resolved."""

    days_back: int  # calendar days before today (moved back to a support day)
    start: tuple[int, int]  # local hour and minute it was declared
    lead: str  # a team member's handle
    title: str
    high: bool
    services: tuple[str, ...]
    environment: str
    impact: str
    identified: str  # the update with status "identified"
    monitoring: str  # the update with status "monitoring"
    summary: str  # the resolution
    minutes: tuple[int, int, int]  # identified, monitoring and resolved, minutes after the declaration
    postmortem_written: bool = False  # high priority only: its postmortem was exported


PAST_INCIDENTS = (
    PastIncident(
        27,
        (9, 40),
        "grace",
        "MI PROD: dashboards not refreshing",
        False,
        ("MI",),
        "PROD",
        "MI dashboards show Friday's figures; nothing is lost.",
        "What we know: the overnight extract failed on an expired IAM session.\nDoing: re-running it.",
        "The extract has reloaded; dashboards are catching up. Watching the next refresh.",
        "The extract reloaded and the dashboards show today's figures.",
        (35, 80, 125),
    ),
    PastIncident(
        21,
        (10, 12),
        "tom",
        "CCMS PROD: providers cannot log in",
        True,
        ("CCMS",),
        "PROD",
        "Every provider login fails with a 504; applications cannot be submitted.",
        "What we know: the provider UI's target group has no healthy targets after the AMI rollout.\n"
        "Doing: rolling back to the previous AMI.",
        "Rolled back; logins work again. Watching error rates for 30 minutes.",
        "Logins have worked for 30 minutes with no errors; the AMI is fixed before the next rollout.",
        (25, 55, 93),
        postmortem_written=True,
    ),
    PastIncident(
        16,
        (14, 5),
        "aisha",
        "CWA PROD: claim uploads slow",
        False,
        ("CWA",),
        "PROD",
        "Claim uploads take over a minute; most complete in the end.",
        "What we know: the database is CPU-bound from a report run at the wrong time.",
        "The report is stopped and moved to the replica; uploads are back to normal. Monitoring.",
        "Uploads take under 2 seconds again; the report now runs on the read replica.",
        (30, 55, 95),
    ),
    PastIncident(
        12,
        (13, 24),
        "ewan",
        "CWA PROD: service unavailable for providers",
        True,
        ("CWA", "6DG"),
        "PROD",
        "CWA returns 503 for every provider; claims cannot be submitted.",
        "What we know: the CWA managed servers lost their database connections after a 6DG network "
        "change.\nDoing: restarting them with 6DG.",
        "The managed servers are restarted and answering; monitoring with 6DG.",
        "CWA has answered normally for 40 minutes; 6DG reverted the network change.",
        (15, 40, 82),
    ),
    PastIncident(
        9,
        (11, 3),
        "sam",
        "CIS PROD: batch interface to the DWP failing",
        False,
        ("CIS",),
        "PROD",
        "Benefit checks are queued, not lost; caseworkers see a delay.",
        "What we know: the interface certificate was renewed with the wrong chain.",
        "The right chain is installed and the queue is draining. Monitoring.",
        "The queue has drained and new checks complete in seconds.",
        (40, 70, 110),
    ),
)

# Requests answered in the channel (no ticket): (requester, request, team answer, done).
QUICK_REQUESTS = (
    (
        "dan",
        "What's the right way to get a new secret into the Apply staging namespace?",
        "Add it to the secrets repo under apply/staging and we'll sync it, or DM me the name.",
        "Synced: the pods pick it up on the next restart.",
    ),
    (
        "hannah",
        "Is there a way to see why last night's MI extract took three hours?",
        "The Glue job's metrics are in CloudWatch; I'll send you the dashboard link.",
        "Sent, and the slow step was the S3 listing; it's fixed for tonight.",
    ),
    (
        "fiona",
        "Could someone remind me how to get the ccms-stage logs for a given hour?",
        "Log Insights in the non-prod account, log group ccms-stage-app; I'll paste a query.",
        "Query pasted in the thread, shout if it does not work.",
    ),
    (
        "oliver",
        "Can I get the CIS UAT batch server restarted? It's been stuck since 08:00.",
        "Restarting it now.",
        "Restarted and the batch has picked up.",
    ),
    (
        "megan",
        "Who do I ask about ERIC UAT downtime for Thursday's test?",
        "That's us; I'll check the 6DG calendar.",
        "No maintenance booked on Thursday; you're clear.",
    ),
    (
        "raj",
        "Quick one: is the CWA Pre-Prod database refresh still on for tonight?",
        "Yes, 19:00 as planned.",
        "Refresh completed at 20:10.",
    ),
    (
        "lucy",
        "Providers say CCMS emails are delayed by ~20 minutes, anything going on?",
        "The SES queue was backed up after a bounce storm; clearing it.",
        "Queue is clear, emails are going out immediately again.",
    ),
    (
        "dan",
        "Can we get a temporary bump of the Apply Stage node count for load testing tomorrow?",
        "Sure, I'll scale it to 6 nodes from 08:00.",
        "Scaled up; I'll bring it back down tomorrow evening.",
    ),
)

# A request that became a ticket: the words around the ticket's summary, and the team's answer.
TICKET_REQUEST = "Hi team, could someone look at this please? {summary}"
RAISED_REPLY = "Thanks, we're tracking this as {key} and will keep you posted here."
