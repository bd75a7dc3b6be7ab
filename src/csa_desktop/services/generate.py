"""Generate a realistic large copy (county scale) for benchmarks and load testing.

The copy is a lead copy of the demo agreement plus, for each of `partnerships` partnerships, a
2025/26 local plan adopting the 8 county key issues, with `actions` actions spread over the
plans, `updates_per_action` progress updates each, and `evidence` evidence items.

Generated records are written with Core bulk inserts (storage.bulk) and carry NO history rows:
this is generated test data, a history of "created by the generator" for every field would only
add bulk (and is not what the benchmarks measure). The demo records keep their history, and the
copy passes `csa check` (foreign keys, integrity, schema version).

Deterministic: the same seed and sizes give the same generated records, uids included. The demo
records and the replica id come from `init_copy` and are new on every run.
"""

from __future__ import annotations

import datetime as dt
import random
import time
import uuid
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from csa_desktop.domain.kinds import Value
from csa_desktop.domain.ordering import DIGITS, key_between
from csa_desktop.domain.records import Record
from csa_desktop.domain.roles import Role
from csa_desktop.errors import InputError
from csa_desktop.services.copy import init_copy
from csa_desktop.storage import bulk, records
from csa_desktop.storage.database import Session

GENERATOR = "Benchmark generator"
PLAN_START = dt.date(2025, 4, 1)
PLAN_END = dt.date(2026, 3, 31)
STAMP = dt.datetime(2025, 6, 30, 9, 0, 0)
QUARTERS = ("2025/26 Q1", "2025/26 Q2", "2025/26 Q3", "2025/26 Q4")
QUARTER_ENDS = (dt.date(2025, 6, 30), dt.date(2025, 9, 30), dt.date(2025, 12, 31),
                dt.date(2026, 3, 31))

VERBS = ("Deliver", "Run", "Expand", "Review", "Commission", "Pilot", "Coordinate", "Publish",
         "Train staff in", "Promote", "Evaluate", "Map", "Agree", "Embed", "Extend")
OBJECTS = {
    "domestic": ("awareness sessions on coercive control", "the MARAC referral pathway",
                 "a perpetrator programme", "safe accommodation places",
                 "the Domestic Abuse Support Service offer"),
    "women": ("night-time economy safety walks", "Ask for Angela in licensed premises",
              "street lighting audits", "a safe spaces scheme", "bystander training"),
    "violence": ("knife crime education in secondary schools", "hospital navigator referrals",
                 "the serious violence strategic needs assessment", "weapon amnesty bins",
                 "a focused deterrence pilot"),
    "exploitation": ("child exploitation screening", "return home interviews",
                     "county lines disruption days", "a contextual safeguarding panel",
                     "hotel and taxi licensing awareness"),
    "organised": ("closure orders on problem premises", "a partnership intelligence cell",
                  "money laundering awareness for businesses", "rogue trader interventions",
                  "Operation Warrior community days"),
    "road": ("speed watch groups", "a young driver education day", "junction safety reviews",
             "motorcycle safety rides", "school gate parking enforcement"),
    "anti-social": ("diversionary youth activities", "a community trigger review",
                    "bonfire period patrols", "Public Spaces Protection Order consultation",
                    "neighbourhood problem-solving meetings"),
    "cyber": ("fraud prevention talks for older residents", "cyber security advice for charities",
              "online safety sessions for parents", "a romance fraud campaign",
              "scam mail interventions"),
}
PLACES = ("across the district", "in the town centre", "in priority neighbourhoods",
          "with schools and colleges", "in rural wards", "with housing providers",
          "in the night-time economy", "with GP surgeries", "on the coast", "in the market towns")
ROLES = ("Community Safety Manager", "Community Safety Officer", "Neighbourhood Inspector",
         "Licensing Manager", "Youth Services Lead", "Domestic Abuse Coordinator",
         "Partnership Analyst", "Public Health Specialist", "Housing Options Manager",
         "Road Safety Officer", "Prevent Coordinator", "Fire Prevention Officer")
MEASURES = ("Number of people reached", "Referrals made and accepted",
            "Reduction in repeat incidents", "Survey of residents' feeling of safety",
            "Sessions delivered against plan", "Premises visited", "Cases reviewed",
            "Reports to the partnership each quarter")
NARRATIVES = ("On track; sessions delivered as planned.",
              "Delayed while partners agree the data-sharing agreement.",
              "Good take-up; a second round is being arranged.",
              "Funding confirmed for the rest of the year.",
              "Lower attendance than hoped; promotion through schools planned.",
              "Completed early; evaluation report to the next meeting.",
              "Staff vacancy has slowed delivery; recruitment under way.",
              "Partners report fewer calls for service in the area.")
EVIDENCE_TOPICS = ("Victims and vulnerability", "Repeat victimisation", "Hotspot locations",
                   "Offender profile", "Seasonal pattern", "Calls for service",
                   "Hospital admissions", "Young people", "Night-time economy",
                   "Rural crime", "Reporting rates", "Online harm")
SOURCES = ("Lancashire Constabulary crime data", "Fire and rescue incident data",
           "Hospital emergency department data", "Local authority ASB case records",
           "Residents' survey", "Probation caseload data")
RAG_WEIGHTS = (("green", 50), ("amber", 30), ("red", 10), ("not-rated", 10))
STATUS_WEIGHTS = (("in-progress", 55), ("not-started", 20), ("completed", 15),
                  ("on-hold", 7), ("cancelled", 3))


@dataclass(frozen=True)
class GeneratedCopy:
    data_dir: Path
    added: dict[str, int]  # records added per kind (on top of the demo)
    seconds: float


def fixed_width_keys(count: int) -> list[str]:
    """`count` increasing position keys of equal, short length (spread_keys grows them)."""
    base = len(DIGITS)
    width = 1
    while base**width < count + 1:
        width += 1
    step = (base**width - 1) // (count + 1) or 1
    keys = []
    for i in range(1, count + 1):
        number, digits = i * step, []
        for _ in range(width):
            number, digit = divmod(number, base)
            digits.append(DIGITS[digit])
        keys.append("".join(reversed(digits)) + "V")  # never ends in "0"; order kept
    return keys


class _Maker:
    """Deterministic random choices and uids from one seed."""

    def __init__(self, seed: int) -> None:
        self.rng = random.Random(seed)

    def uid(self) -> str:
        return str(uuid.UUID(int=self.rng.getrandbits(128), version=4))

    def pick(self, items: Sequence[Any]) -> Any:
        return items[self.rng.randrange(len(items))]

    def weighted(self, pairs: Sequence[tuple[str, int]]) -> str:
        return self.rng.choices([p[0] for p in pairs], [p[1] for p in pairs])[0]

    def day_between(self, start: dt.date, end: dt.date) -> dt.date:
        return start + dt.timedelta(days=self.rng.randrange((end - start).days + 1))


def _theme(key_issue_name: str) -> str:
    name = key_issue_name.lower()
    return next((theme for theme in OBJECTS if theme in name), "anti-social")


def _split(total: int, parts: int) -> list[int]:
    share, extra = divmod(total, parts)
    return [share + (1 if i < extra else 0) for i in range(parts)]


def generate_copy(
    data_dir: Path,
    *,
    actions: int = 30_000,
    evidence: int = 5_000,
    partnerships: int = 14,
    updates_per_action: int = 3,
    seed: int = 1,
) -> GeneratedCopy:
    """Create a lead copy in `data_dir` (which must hold no copy) with the generated records."""
    for name, value in (("actions", actions), ("evidence", evidence),
                        ("updates per action", updates_per_action)):
        if value < 0:
            raise InputError(f"{name} cannot be negative")
    if partnerships < 1:
        raise InputError("at least one partnership is needed")
    if updates_per_action > len(QUARTERS):
        raise InputError(f"at most {len(QUARTERS)} progress updates per action (one a quarter)")
    started = time.perf_counter()
    maker = _Maker(seed)
    with init_copy(data_dir, role=Role.LEAD, name="County lead (generated)") as copy:
        try:
            with copy.store.transaction() as session:
                added = _generate(session, maker, actions=actions, evidence=evidence,
                                  partnerships=partnerships,
                                  updates_per_action=updates_per_action)
        except BaseException:
            copy.close()
            database = copy.store.path
            for name in (database.name, f"{database.name}-wal", f"{database.name}-shm"):
                (database.parent / name).unlink(missing_ok=True)
            raise
    return GeneratedCopy(data_dir, added, time.perf_counter() - started)


def _generate(session: Session, maker: _Maker, *, actions: int, evidence: int,
              partnerships: int, updates_per_action: int) -> dict[str, int]:
    areas = records.list_rows(session, "area")
    organisations = records.list_rows(session, "organisation")
    key_issues = records.list_rows(session, "key-issue")
    known = records.list_rows(session, "partnership")
    chosen = [p for p in known if p.fields["kind"] != "county-group"][:partnerships]
    added: dict[str, int] = {}

    last = max((str(p.fields["position"]) for p in known if p.fields["position"]), default=None)
    extra = []
    for number in range(len(chosen) + 1, partnerships + 1):
        last = key_between(last, None)
        extra.append(_partnership_row(maker, number, areas, last))
    added["partnership"] = bulk.insert_records(session, "partnership", extra)
    plans = [(maker.uid(), p) for p in [*(p.uid for p in chosen), *(r["uid"] for r in extra)]]
    names = {p.uid: p.title for p in chosen} | {r["uid"]: r["name"] for r in extra}
    added["local-plan"] = bulk.insert_records(session, "local-plan", (
        _row("local-plan", uid, partnership_uid=partnership,
             title=f"{names[partnership]} Partnership Plan 2025/26 [generated]",
             period_start=PLAN_START, period_end=PLAN_END, status="adopted")
        for uid, partnership in plans))

    priority_keys = fixed_width_keys(len(key_issues))
    priorities: dict[str, list[tuple[str, Record]]] = {}
    priority_rows = []
    for plan_uid, _ in plans:
        priorities[plan_uid] = []
        for key, issue in zip(priority_keys, key_issues, strict=True):
            uid = maker.uid()
            priorities[plan_uid].append((uid, issue))
            priority_rows.append(_row("local-priority", uid, plan_uid=plan_uid,
                                      key_issue_uid=issue.uid, title=issue.title,
                                      description=f"Local delivery of the county key issue "
                                                  f"'{issue.title}'.", position=key))
    added["local-priority"] = bulk.insert_records(session, "local-priority", priority_rows)

    action_uids: list[tuple[str, str]] = []  # (uid, lead role)

    def action_rows() -> Iterator[dict[str, Any]]:
        for (plan_uid, _), count in zip(plans, _split(actions, len(plans)), strict=True):
            for key in fixed_width_keys(count):
                priority_uid, issue = maker.pick(priorities[plan_uid])
                theme = _theme(issue.title)
                role = maker.pick(ROLES)
                uid = maker.uid()
                action_uids.append((uid, role))
                start = maker.day_between(PLAN_START, dt.date(2025, 9, 30))
                partners = sorted({maker.pick(organisations).title
                                   for _ in range(maker.rng.randint(1, 3))})
                yield _row(
                    "action", uid, plan_uid=plan_uid, priority_uid=priority_uid,
                    title=f"{maker.pick(VERBS)} {maker.pick(OBJECTS[theme])} "
                          f"{maker.pick(PLACES)}",
                    lead_organisation_uid=maker.pick(organisations).uid, lead_role=role,
                    partners="; ".join(partners), measure=maker.pick(MEASURES),
                    start_on=start, due_on=maker.day_between(start, PLAN_END),
                    status=maker.weighted(STATUS_WEIGHTS), rag=maker.weighted(RAG_WEIGHTS),
                    position=key)

    added["action"] = bulk.insert_records(session, "action", action_rows())

    def update_rows() -> Iterator[dict[str, Any]]:
        for action_uid, role in action_uids:
            for quarter in range(updates_per_action):
                yield _row("progress-update", maker.uid(), action_uid=action_uid,
                           period=QUARTERS[quarter],
                           reported_on=QUARTER_ENDS[quarter] + dt.timedelta(
                               days=maker.rng.randint(5, 20)),
                           rag=maker.weighted(RAG_WEIGHTS), narrative=maker.pick(NARRATIVES),
                           author=role)

    added["progress-update"] = bulk.insert_records(session, "progress-update", update_rows())

    def evidence_rows() -> Iterator[dict[str, Any]]:
        for _ in range(evidence):
            area = maker.pick([*areas, None])
            issue = maker.pick(key_issues)
            place = area.title if area else "Lancashire"
            change = maker.rng.randint(-30, 45)
            topic = maker.pick(EVIDENCE_TOPICS)
            yield _row("evidence-item", maker.uid(),
                       assessment="Lancashire Strategic Assessment 2025–2028 [generated]",
                       area_uid=area.uid if area else None,
                       topic=f"{topic}: {issue.title}"[:200],
                       statement=f"{issue.title} in {place}: {topic.lower()} "
                                 f"{'rose' if change >= 0 else 'fell'} by {abs(change)}% "
                                 f"on the previous year. [generated]",
                       figure=f"{change:+d}%", period="2024/25", source=maker.pick(SOURCES))

    added["evidence-item"] = bulk.insert_records(session, "evidence-item", evidence_rows())
    return added


def _row(kind: str, uid: str, /, **values: Value) -> dict[str, Any]:
    return bulk.record_row(kind, uid, values, who=GENERATOR, at=STAMP)


def _partnership_row(maker: _Maker, number: int, areas: Sequence[Record],
                     position: str) -> dict[str, Any]:
    area = maker.pick(areas)
    return _row("partnership", maker.uid(), name=f"{area.title} Partnership {number} [generated]",
                kind="district-csp", area_uids=[area.uid],
                description="A generated partnership for load testing.", position=position)
