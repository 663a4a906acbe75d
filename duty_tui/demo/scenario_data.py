"""The demo world's content: the LAA Ops team, the people who ask for help, tickets and chat.

Names are invented. Services (CCMS, CIS, MI, CWA, ERIC), environments (PROD, Pre-Prod/Stage, UAT,
Dev/Test) and the two boards follow the team's operational processes document.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class Person:
    handle: str  # Slack name, also the key the scenario uses
    name: str
    email: str
    team: str  # "ops" (LAA Ops, the duty team) or the service team they work in
    jira_id: str | None = None  # fixed account ids keep screenshots stable; some contain ":" as on Cloud


DUTY_ENGINEER = Person(
    "priya", "Priya Shah", "duty@example.com", "ops", "712020:9f3c1a2e-5b7d-4c1e-8a6f-2d9e0b4c7a11"
)

TEAM = (
    DUTY_ENGINEER,
    Person("tom", "Tom Hargreaves", "tom.hargreaves@example.com", "ops", "5b10a2844c20165700ede21a"),
    Person(
        "aisha",
        "Aisha Bello",
        "aisha.bello@example.com",
        "ops",
        "712020:1c2d3e4f-0a1b-4c5d-9e8f-7a6b5c4d3e2f",
    ),
    Person("ewan", "Ewan MacLeod", "ewan.macleod@example.com", "ops", "5b10a2844c20165700ede21b"),
    Person("grace", "Grace Okafor", "grace.okafor@example.com", "ops", "5b10a2844c20165700ede21c"),
    Person(
        "sam",
        "Sam Whitfield",
        "sam.whitfield@example.com",
        "ops",
        "712020:7e6d5c4b-3a29-4180-b7c6-d5e4f3a2b1c0",
    ),
)

# Told when a ticket is raised from a #laa-ops request, as the process asks ([channel] product_manager).
PRODUCT_MANAGER = Person(
    "kate", "Kate Lindqvist", "kate.lindqvist@example.com", "LAA Ops product", "5b10a2844c20165700ede401"
)

REQUESTERS = (
    Person("lucy", "Lucy Brennan", "lucy.brennan@example.com", "CCMS", "5b10a2844c20165700ede301"),
    Person("raj", "Raj Patel", "raj.patel@example.com", "CWA", "5b10a2844c20165700ede302"),
    Person("hannah", "Hannah Fox", "hannah.fox@example.com", "MI", "5b10a2844c20165700ede303"),
    Person("oliver", "Oliver Grant", "oliver.grant@example.com", "CIS", "5b10a2844c20165700ede304"),
    Person("megan", "Megan Doyle", "megan.doyle@example.com", "ERIC", "5b10a2844c20165700ede305"),
    Person("dan", "Dan Kowalski", "dan.kowalski@example.com", "Apply", "5b10a2844c20165700ede306"),
    Person("fiona", "Fiona Reid", "fiona.reid@example.com", "CCMS", "5b10a2844c20165700ede307"),
)


@dataclass(frozen=True, slots=True)
class TicketSeed:
    board: str  # "aws" or "6dg"
    summary: str
    priority: str
    age_minutes: int
    reporter: str  # handle
    labels: tuple[str, ...] = ()
    component: bool = True  # 6DG only: carries laa-6dg-support
    assignee: str | None = None
    status: str = "To Do"
    description: str = ""
    acknowledged: tuple[str, str] | None = None  # a team member's first comment: (handle, text)


TICKETS = (
    TicketSeed(
        "aws",
        "CCMS PROD: providers get 504 Gateway Timeout on the login page",
        "Highest",
        25,
        "lucy",
        ("prod", "ccms"),
        description="Since 09:40 about 1 in 5 logins fail with a 504. h3. Impact\n"
        "Providers cannot submit applications. *Urgent* please.",
    ),
    TicketSeed(
        "aws", "Increase EBS volume on laa-portal-prod-app-2: disk at 91%", "High", 70, "sam", ("prod",)
    ),
    TicketSeed(
        "aws",
        "Renew the TLS certificate for ccms-stage before it expires on Friday",
        "Medium",
        190,
        "fiona",
        ("stage", "ccms"),
        acknowledged=("tom", "Renewing it this afternoon; no downtime expected."),
    ),
    TicketSeed(
        "aws",
        "Apply: request read-only CloudWatch access for two new developers",
        "Low",
        1500,
        "dan",
        acknowledged=("grace", "Thanks Dan, I'll set up the IAM role today."),
    ),
    TicketSeed(
        "aws",
        "Rotate the IAM access keys flagged by Security Hub (older than 90 days)",
        "Medium",
        2900,
        "grace",
    ),
    TicketSeed(
        "aws",
        "UAT: restore yesterday's RDS snapshot for the CWA regression run",
        "Medium",
        40,
        "raj",
        ("uat", "cwa"),
    ),
    TicketSeed(
        "aws",
        "Dev/Test: tidy up unused Elastic IPs in the sandbox account",
        "Lowest",
        4400,
        "tom",
        ("dev",),
        acknowledged=("tom", "Will do in the next quiet spell."),
    ),
    TicketSeed(
        "aws",
        "MI Pre-Prod: nightly Glue job failed with AccessDenied on the staging bucket",
        "High",
        300,
        "hannah",
        ("preprod", "mi"),
    ),
    TicketSeed(
        "aws",
        "Upgrade the EKS node group in the platform cluster to the patched AMI",
        "Medium",
        0,
        "tom",
        assignee="tom",
        status="In Progress",
    ),
    TicketSeed("aws", "Add the new NAT gateway alarms to the ops dashboard", "Low", 0, "ewan", status="Done"),
    TicketSeed(
        "6dg",
        "CWA PROD: 'Submit claims batch' did not run at 02:00",
        "Highest",
        95,
        "raj",
        ("prod", "cwa"),
        description="The 02:00 batch shows no run in the scheduler. Claims are due today.",
    ),
    TicketSeed(
        "6dg",
        "ERIC UAT: application server will not start after Sunday's patching",
        "High",
        160,
        "megan",
        ("uat", "eric"),
    ),
    TicketSeed(
        "6dg",
        "CIS Dev/Test: new test accounts for the Crime team (x6)",
        "Low",
        620,
        "oliver",
        ("dev", "cis"),
        acknowledged=("ewan", "On it: the accounts will be ready by lunchtime."),
    ),
    TicketSeed(
        "6dg",
        "Patch Oracle WebLogic on CCMS UAT with the October CPU",
        "Medium",
        1340,
        "fiona",
        ("uat", "ccms"),
        acknowledged=("ewan", "Booked with 6DG for Thursday evening."),
    ),
    TicketSeed(
        "6dg",
        "MI PROD: reporting database slow between 09:00 and 10:00",
        "High",
        55,
        "hannah",
        ("prod", "mi"),
    ),
    TicketSeed(
        "6dg",
        "ERIC Pre-Prod: refresh from PROD for the release rehearsal",
        "Medium",
        3000,
        "megan",
        ("preprod", "eric"),
        acknowledged=("aisha", "Refresh scheduled for Friday 07:00."),
    ),
    TicketSeed(
        "6dg",
        "VPN access for a new 6DG DBA starting Monday",
        "Lowest",
        5000,
        "aisha",
        acknowledged=("aisha", "Form sent to RedCentric."),
    ),
    TicketSeed(
        "6dg",
        "RedCentric: firewall rule change request for the CIS test interface",
        "Medium",
        240,
        "oliver",
        component=False,
    ),
    TicketSeed("6dg", "Quarterly DR test plan review for CCMS", "Low", 2000, "aisha", component=False),
    TicketSeed(
        "6dg",
        "CCMS PROD: document upload failing for files over 10 MB",
        "High",
        0,
        "lucy",
        assignee="aisha",
        status="In Progress",
    ),
    TicketSeed("6dg", "CWA Stage: disk space alert on the app server", "Medium", 0, "raj", status="Done"),
)

# New tickets that arrive while the demo runs.
ARRIVALS = (
    ("aws", "CCMS PROD: Connect Direct transfer to the bank failed this morning", "Highest", "lucy"),
    ("6dg", "ERIC PROD: report generation times out for cases with many documents", "High", "megan"),
    ("aws", "Grant the MI analysts access to the new Athena workgroup", "Low", "hannah"),
    ("6dg", "CIS UAT: certificate error on the test interface endpoint", "Medium", "oliver"),
    ("aws", "Apply Stage: pods restarting every few minutes (OOMKilled)", "High", "dan"),
    ("6dg", "CCMS Dev/Test: clone a provider account for defect reproduction", "Lowest", "fiona"),
    ("aws", "CWA PROD: S3 bucket policy blocks the new reporting role", "Medium", "raj"),
)


@dataclass(frozen=True, slots=True)
class ChatSeed:
    handle: str  # author handle, or "deploybot" / "alerts" for bots, "join:<handle>" for joins
    text: str
    age_minutes: int
    replies: tuple[tuple[str, str], ...] = ()  # (handle, text)
    reactions: tuple[tuple[str, str], ...] = ()  # (emoji name, handle)


# A CloudWatch alarm from the CloudWatch Alarms bot, a few minutes before the demo starts: the CCMS login
# 504s of the morning have now tripped the load balancer's alarm, the natural moment to declare an incident
# (I). The first line says what and where, as the channel pane shows only the start of a message.
ALARM = ChatSeed(
    "alerts",
    ":rotating_light: *ALARM* | CCMS PROD | `ccms-prod-provider-ui-alb-5xx` | eu-west-2\n"
    "*CloudWatch Alarm* in account laa-ccms-production: the CCMS provider UI load balancer is returning "
    "5XX errors, so providers cannot log in\n"
    "*State change:* OK → ALARM\n"
    "*Metric:* `AWS/ApplicationELB` `HTTPCode_ELB_5XX_Count` "
    "(LoadBalancer `app/ccms-prod-provider-ui/4f1c9a7e2b3d5a60`), Sum over 5 minutes\n"
    "*Threshold crossed:* 3 out of the last 3 datapoints [142.0, 118.0, 96.0] were greater than "
    "the threshold (50.0) (minimum 3 datapoints for OK -&gt; ALARM transition).\n"
    "*Region:* EU (London) eu-west-2\n"
    "<https://eu-west-2.console.aws.amazon.com/cloudwatch/home?region=eu-west-2"
    "#alarmsV2:alarm/ccms-prod-provider-ui-alb-5xx|View the alarm in the CloudWatch console>",
    3,
)

CHAT = (
    ChatSeed("join:dan", "", 1380),
    ChatSeed("deploybot", "Deployed *ccms-provider-ui* `v4.12.1` to *stage* :rocket:", 1250),
    ChatSeed(
        "megan",
        "Morning all :wave: is anyone looking at ERIC UAT? The app server has been down since the "
        "patching at the weekend.",
        900,
        replies=(
            ("ewan", "Looking now. It's the managed server failing to start; I've raised it with 6DG."),
            ("megan", "Thanks Ewan :pray:"),
        ),
        reactions=(("eyes", "ewan"),),
    ),
    ChatSeed(
        "fiona",
        "Quick one: what's the process for getting a new cert for ccms-stage? Ours expires Friday.",
        520,
        replies=(
            (
                "tom",
                "Raise a ticket on the AWS Ops board and we'll renew it: "
                "<https://dsdmoj.atlassian.net/secure/RapidBoard.jspa?rapidView=262|AWS Ops board>",
            ),
        ),
        reactions=(("white_check_mark", "fiona"),),
    ),
    ChatSeed(
        "alerts",
        ":rotating_light: *ALARM* laa-portal-prod-app-2 DiskSpaceUtilization > 90% for 15 minutes",
        75,
    ),
    ChatSeed(
        "sam",
        "<@{tom}> handing over from last night: the disk alarm on portal app-2 fired at 03:10, I cleared "
        "old logs but it's creeping back up. Ticket raised.",
        68,
        reactions=(("+1", "tom"),),
    ),
    ChatSeed(
        "raj",
        "<!here> CWA claims batch didn't run at 02:00 — providers' claims are due today. "
        "Can someone from 6DG look urgently?",
        92,
        replies=(
            ("aisha", "On it, checking the scheduler logs now"),
            ("aisha", "The job was held after the DB failover. Re-running it manually."),
            ("raj", "Brilliant, thank you!"),
        ),
        reactions=(("eyes", "aisha"), ("pray", "raj")),
    ),
    ChatSeed(
        "lucy",
        "Is CCMS slow for anyone else? Providers are reporting 504s on login :grimacing:",
        27,
        replies=(("priya", "Seeing it too, investigating. Will post an update in 15 minutes."),),
    ),
    ChatSeed(
        "hannah",
        "Hi team, the MI reporting DB is really slow again this morning (09:00–10:00). "
        "Same as last Tuesday. Anything we can do?",
        52,
    ),
    ChatSeed("deploybot", "Deployed *cwa-api* `2025.11.3` to *uat* :white_check_mark:", 35),
    ChatSeed(
        "dan",
        "Can I get read-only CloudWatch access for two new devs on Apply? Happy to raise a ticket "
        "if that's easier & quicker",
        14,
    ),
    ALARM,
)

# Messages that arrive while the demo runs: (handle, text, reply-to-latest-thread?)
CHATTER = (
    (
        "priya",
        "Update on CCMS logins: one of the ALB targets was unhealthy; it has been replaced. "
        "Watching closely.",
        False,
    ),
    ("lucy", "Thanks <@{priya}>, providers confirm logins are working again :tada:", False),
    ("oliver", "Is the CIS test interface down? Getting a TLS handshake error from UAT.", False),
    ("ewan", "<@{oliver}> 6DG changed the cert last night, I'll get them to check the chain.", False),
    ("deploybot", "Deployed *eric-reports* `3.8.0` to *preprod* :rocket:", False),
    ("megan", "ERIC UAT is back up, thanks everyone :raised_hands:", False),
    ("hannah", "MI DB is quick again now. Was it the index rebuild?", False),
    ("aisha", "Yes: the weekly index rebuild overran. I've moved it to 06:00.", False),
    ("alerts", ":large_green_circle: *OK* laa-portal-prod-app-2 DiskSpaceUtilization back below 80%", False),
    ("raj", "Claims batch completed :white_check_mark: thanks <@{aisha}>", False),
    (
        "fiona",
        "Could someone add me to the ccms-stage alerts? "
        "<mailto:fiona.reid@example.com|fiona.reid@example.com>",
        False,
    ),
    (
        "tom",
        "Reminder: AWS maintenance window tonight 19:00–21:00 for the EKS node upgrade. "
        "See <https://example.com/maintenance|the plan>.",
        False,
    ),
)

# Requests that arrive while the demo runs, from people outside the team: (handle, text).
REQUESTS = (
    ("oliver", "Could someone restart the CIS UAT batch server? It's been stuck since 08:00."),
    (
        "megan",
        "We need the ERIC preprod DB snapshot from last night restored into dev, is that possible today?",
    ),
    ("dan", "Apply staging is returning 502s for about a third of requests, is anything going on?"),
    (
        "fiona",
        "Can we get the ccms-stage logs for yesterday 14:00–15:00? A provider reported a failed submission.",
    ),
    ("lucy", "CCMS PROD emails to providers seem delayed by ~30 minutes, anyone else seeing that?"),
)


@dataclass(frozen=True, slots=True)
class IncidentSeed:
    """A colleague's incident, run through #laa-ops while the demo runs: declared, updated (cause
    identified), resolved, each post as duty-tui makes it."""

    lead: str  # handle of a colleague (one of TEAM[1:]): the lead, on whose behalf the bot posts
    title: str
    high: bool  # high priority (any of the process's four criteria) or normal
    services: tuple[str, ...]
    environment: str
    impact: str
    update: str  # posted in the thread, status "identified" (what we know / doing / need)
    summary: str  # the resolution, in the thread and to the channel


# The colleagues' incidents, one at a time, in this order (then again from the first).
INCIDENTS = (
    IncidentSeed(
        "aisha",
        "CWA PROD: claim submissions timing out for providers",
        False,
        ("CWA",),
        "PROD",
        "About 1 in 10 claim submissions time out after 60 seconds; retrying usually works.",
        "What we know: the CWA database has been CPU-bound since this morning's manual batch re-run.\n"
        "Doing: moving the re-run's report queries to the read replica with 6DG.\n"
        "Need: nothing yet; providers can retry.",
        "The batch re-run's report queries now run on the read replica; submissions are back to under "
        "2 seconds and no timeouts since.",
    ),
    IncidentSeed(
        "ewan",
        "ERIC PROD: report generation failing for every user",
        True,
        ("ERIC",),
        "PROD",
        "No ERIC report can be generated; caseworkers are working from yesterday's reports.",
        "What we know: the reports service lost its database connection pool after the Oracle "
        "listener restart.\nDoing: restarting the reports managed server with 6DG.\n"
        "Need: a caseworker to confirm once reports work again.",
        "The reports managed server was restarted and reconnected to the database; reports generate "
        "normally and the team confirmed.",
    ),
    IncidentSeed(
        "grace",
        "MI PROD: overnight extract missing from the reporting database",
        False,
        ("MI", "AWS"),
        "PROD",
        "MI dashboards show yesterday's figures; nothing is lost.",
        "What we know: the Glue job that loads the extract failed on an expired IAM role session.\n"
        "Doing: re-running the job with the role's session length fixed.\nNeed: nothing.",
        "The extract was reloaded and the dashboards show today's figures; the role's session length "
        "is fixed so tonight's run will not fail the same way.",
    ),
)
