"""Build the demo copy from resources/demo/lancashire.json (facts from DEMO-FACTS.md; invented
content is marked illustrative in the data itself)."""

from __future__ import annotations

import json
from importlib import resources
from typing import Any

from csa_desktop.domain import ordering
from csa_desktop.domain.indicators import value_uid
from csa_desktop.domain.kinds import DEFAULTS, KINDS, FieldType, Value, from_json, new_uid
from csa_desktop.printing.model import has_sample_marker
from csa_desktop.storage import records
from csa_desktop.storage.database import Session

DEMO_FILE = "lancashire.json"


def load_demo_data() -> dict[str, Any]:
    text = resources.files("csa_desktop.resources").joinpath("demo", DEMO_FILE).read_text("utf-8")
    data: dict[str, Any] = json.loads(text)
    return data


def build_demo(session: Session, *, who: str) -> dict[str, str]:
    """Insert every demo record; returns the data file's ids mapped to the new uids.

    In the data, a value "@some-id" refers to the record with that id; ordered kinds get
    positions in the order they appear under the same parent. A record may name its uid (the
    Serious Violence Duty theme has the same uid in every copy: domain.themes).
    """
    data = load_demo_data()
    uids = {item["id"]: item.get("uid") or new_uid() for item in data["records"]}
    for item in data["records"]:  # one value per indicator and period: its uid derives
        if item["kind"] == "indicator-value":
            fields = item["fields"]
            uids[item["id"]] = value_uid(uids[fields["indicator_uid"][1:]], fields["period"])
    last_position: dict[tuple[object, ...], str] = {}

    def resolve(value: object) -> object:
        if isinstance(value, str) and value.startswith("@"):
            return uids[value[1:]]
        if isinstance(value, list):
            return [resolve(v) for v in value]
        return value

    for item in data["records"]:
        spec = KINDS[item["kind"]]
        values: dict[str, Value] = dict(DEFAULTS.get(spec.name, {}))
        for name, raw in item["fields"].items():
            values[name] = from_json(spec.field(name), resolve(raw))
        for f in spec.fields:
            values.setdefault(f.name, [] if f.type is FieldType.REF_LIST else None)
        if spec.ordered and values.get("position") is None:
            group = (spec.name, values.get(spec.parent_field) if spec.parent_field else None,
                     values.get("column"))
            values["position"] = ordering.key_between(last_position.get(group), None)
            last_position[group] = str(values["position"])
        records.insert(session, spec.name, uids[item["id"]], values, who=who)
    return uids


SAMPLE_KINDS = ("agreement", "section", "key-issue", "plan-item", "local-plan")


def holds_sample(session: Session) -> bool:
    """Whether the copy holds the demo's sample text: its agreement or the records the county
    writes about it (sections, key issues, plan items, local plans) carry the demo's
    "[illustrative…]" or "[sample]" marker, the rule its prints follow too
    (Copy.is_sample asks this)."""
    return any(isinstance(value, str) and has_sample_marker(value)
               for kind in SAMPLE_KINDS for record in records.list_rows(session, kind)
               for value in record.fields.values())
