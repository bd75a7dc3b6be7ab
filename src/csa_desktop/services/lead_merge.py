"""Contributions into the lead's master (services.sync): each district's latest bundle is a set
of proposals (base and new value per field); every touched record is merged once from the
lead's own values and all live proposals (merge.fields), so the result — values, revisions,
merge states and history — does not depend on bundle order, batching or anyone's clock."""

from __future__ import annotations

import heapq
from collections import defaultdict
from collections.abc import Sequence
from typing import Any

from csa_desktop.bundle.format import BASELINE, CONTRIBUTION, DELETED
from csa_desktop.domain.kinds import KINDS
from csa_desktop.domain.records import Record
from csa_desktop.errors import BundleError
from csa_desktop.merge.fields import (
    FieldResult,
    Proposal,
    merge_deleted,
    merge_field,
)
from csa_desktop.services.gate import CheckedBundle
from csa_desktop.services.import_plan import (
    KIND_ORDER,
    BundleOutcome,
    BundleTally,
    Cancelled,
    ImportPlan,
    RecordLine,
    bundle_outcome,
    check_cancel,
    json_record,
    list_fields,
    log_entry,
    possessive_names,
    proposal,
    proposal_data,
    record_row,
    record_title,
    record_values,
)
from csa_desktop.storage import bundles as store
from csa_desktop.storage import sync as sync_store
from csa_desktop.storage.database import Session
from csa_desktop.storage.sync import Conflict, IncomingValue


class LeadMerge:
    """Contributions into the lead's master: each district's latest bundle replaces its
    proposals; every touched record is merged once from the lead's values and all proposals."""

    def __init__(self, session: Session, items: Sequence[CheckedBundle], plan: ImportPlan,
                 cancelled: Cancelled | None, me: str) -> None:
        self.session = session
        self.plan = plan
        self.cancelled = cancelled
        self.at = store.stamp()
        self.me = me
        self.items = sorted(items, key=lambda c: (c.manifest.replica_id, c.manifest.seq))
        self.tallies: dict[str, BundleTally] = {c.manifest.bundle_id: BundleTally()
                                                 for c in self.items}
        self.files = {c.manifest.bundle_id: c.name for c in self.items}
        self.committed: int | None = None  # history mark of the last published baseline
        # records whose deletion waits for the lead (a delete against an edit): uid -> the
        # replicas deleting it; the deletes those replicas sent for records under it wait too
        self.held: dict[str, frozenset[str]] = {}
        self.live: list[CheckedBundle] = []
        self.prior: dict[str, set[str]] = {}
        # the history row of each proposal (see `ledger`): those in the history already, and
        # those this import adds (their index in plan.history)
        self.proposal_rows: dict[sync_store.ProposalKey, tuple[int, str]] = {}
        self.planned: dict[sync_store.ProposalKey, int] = {}

    def run(self) -> None:
        self.proposal_rows = sync_store.proposal_rows(
            self.session, (c.uid for item in self.items for c in item.bundle.changes))
        live = self.live = self.supersede()
        replicas = {c.manifest.replica_id for c in live}
        prior: dict[str, set[str]] = defaultdict(set)
        self.prior = prior
        for entry in store.logged_bundles(self.session, direction="imported", kind=CONTRIBUTION):
            if entry.replica_id in replicas and entry.status == "imported":
                prior[entry.replica_id].update(entry.summary.get("uids", []))
        incoming: dict[str, list[tuple[CheckedBundle, Any]]] = defaultdict(list)
        kinds: dict[str, str] = {}
        for item in live:
            for change in item.bundle.changes:
                incoming[change.uid].append((item, change))
                kinds[change.uid] = change.kind
        touched = list(dict.fromkeys([*incoming, *(u for r in replicas for u in prior[r])]))
        self.proposal_rows.update(sync_store.proposal_rows(
            self.session, [uid for uid in touched if uid not in incoming]))
        existing, masters = store.read_existing(self.session, touched, expected=kinds)
        kinds.update(existing)
        states = sync_store.merge_states(self.session, touched)
        open_conflicts: dict[str, dict[str, Conflict]] = defaultdict(dict)
        wanted = set(touched)  # open conflicts are few: one query, then a set look-up each
        for conflict in sync_store.conflicts(self.session, side="lead"):
            if conflict.record_uid in wanted:
                open_conflicts[conflict.record_uid][conflict.field] = conflict
            if conflict.field == DELETED and conflict.master is not True:
                self.held[conflict.record_uid] = frozenset(
                    i.replica_id for i in conflict.incoming if i.value is True)
        # parents before the records under them (the kinds are declared parents first), so
        # a record's deletion is known to wait before the deletes under it are merged
        queue = [(KIND_ORDER.get(kinds.get(uid, ""), len(KIND_ORDER)), index, uid)
                 for index, uid in enumerate(touched)]
        heapq.heapify(queue)
        queued = set(touched)
        count = len(queue)
        while queue:
            _, index, uid = heapq.heappop(queue)
            if index % 500 == 0:
                check_cancel(self.cancelled)
            if uid not in kinds or (uid not in incoming and uid not in states):
                continue
            self.merge_record(uid, kinds[uid], masters.get(uid), states.get(uid),
                              incoming.get(uid, []), replicas, open_conflicts.get(uid, {}))
            if uid in self.held:  # its deletion waits: so do the deletes under it
                for kind_name, child, _deleted in store.descendants(self.session, kinds[uid],
                                                                    uid):
                    if child in queued:
                        continue
                    queued.add(child)
                    found = sync_store.merge_states(self.session, [child])
                    if child not in found:
                        continue
                    states.update(found)
                    kinds[child] = kind_name
                    masters.update(store.read_existing(self.session, [child],
                                                       expected={child: kind_name})[1])
                    for conflict in sync_store.conflicts(self.session, side="lead",
                                                         uids=[child]):
                        open_conflicts[child][conflict.field] = conflict
                    heapq.heappush(queue, (KIND_ORDER[kind_name], count, child))
                    count += 1
        for item in live:
            uids = sorted({c.uid for c in item.bundle.changes})
            self.plan.log.append(log_entry(
                item, "imported", {"changes": len(item.bundle.changes), "uids": uids}))
            self.plan.outcomes.append(bundle_outcome(item, self.tallies[item.manifest.bundle_id]))

    def supersede(self) -> list[CheckedBundle]:
        """Each district's newest bundle counts; older ones (in this import or after a newer
        one was imported) are recorded as superseded and change nothing."""
        newest_logged: dict[str, int] = {}
        for entry in store.logged_bundles(self.session, direction="imported", kind=CONTRIBUTION):
            newest_logged[entry.replica_id] = max(newest_logged.get(entry.replica_id, 0),
                                                  entry.seq)
        newest_here: dict[str, CheckedBundle] = {}
        for item in self.items:
            newest_here[item.manifest.replica_id] = item  # sorted by seq: the last wins
        live = []
        for item in self.items:
            m = item.manifest
            if item is newest_here[m.replica_id] and m.seq > newest_logged.get(m.replica_id, 0):
                live.append(item)
                continue
            for change in item.bundle.changes:
                lists = list_fields(change.kind)
                for name, pair in change.fields.items():
                    self.ledger(change.kind, change.uid, name, proposal_data(
                        m, name, pair, name in lists), "superseded")
            self.plan.log.append(log_entry(item, "superseded",
                                                        {"changes": len(item.bundle.changes)}))
            self.plan.outcomes.append(BundleOutcome(
                item.name, "superseded", f"{item.name}: a later bundle from {m.author} "
                "replaces it; nothing of it was applied", m.bundle_id, m.kind, m.author))
        return live

    def merge_record(self, uid: str, kind: str, master: Record | None,
                     state: dict[str, Any] | None, incoming: list[tuple[CheckedBundle, Any]],
                     replicas: set[str], open_conflicts: dict[str, Conflict]) -> None:
        current = json_record(master) if master is not None else None
        meta = (state or {}).get(sync_store.RECORD_META)
        fields: dict[str, dict[str, Any]] = {name: {**fs, "proposals": dict(fs["proposals"])}
                                             for name, fs in (state or {}).items()
                                             if name != sync_store.RECORD_META}
        dropped: list[tuple[str, str, dict[str, Any], str]] = []  # field, replica, data, why
        lists = list_fields(kind)
        for name, fs in fields.items():
            now = (current.get(name) if current is not None
                   else [] if name in lists else None)
            if now != fs["merged"]:  # the lead changed it by hand since: that is its value
                dropped.extend((name, r, p, "lost") for r, p in fs["proposals"].items())
                fields[name] = {"lead": now, "merged": now, "proposals": {}}
        for name, fs in fields.items():
            for replica in [r for r in fs["proposals"] if r in replicas]:
                dropped.append((name, replica, fs["proposals"].pop(replica), "superseded"))
        for item, change in incoming:
            m = item.manifest
            for name, pair in change.fields.items():
                entry = fields.get(name)
                if entry is None:
                    # a record new to the master holds an empty list, not null (as written)
                    now = (current.get(name) if current is not None
                           else [] if name in lists else None)
                    entry = fields[name] = {"lead": now, "merged": now, "proposals": {}}
                entry["proposals"][m.replica_id] = proposal_data(m, name, pair,
                                                                  name in lists)
        if current is not None and current[DELETED] and DELETED not in fields:
            fields[DELETED] = {"lead": True, "merged": True, "proposals": {}}
        results = self.results(uid, fields)
        self.hold(uid, kind, master, fields, results, incoming)
        self.write(uid, kind, master, current, fields, results, dropped, incoming,
                   open_conflicts, meta)

    def hold(self, uid: str, kind: str, master: Record | None,
             fields: dict[str, dict[str, Any]], results: dict[str, FieldResult],
             incoming: list[tuple[CheckedBundle, Any]]) -> None:
        """A deletion waiting for the lead holds back the same districts' deletes of the
        records under it: the subtree stays as the master has it until the lead decides."""
        result = results.get(DELETED)
        if result is None:
            self.held.pop(uid, None)
            return
        if result.conflict:
            self.held[uid] = frozenset(p.replica_id for p in result.contenders
                                       if p.value is True)
            return
        self.held.pop(uid, None)
        spec = KINDS[kind]
        if spec.parent_field is None or result.value is not True:
            return
        parent: object = None
        for _item, change in incoming:
            pair = change.fields.get(spec.parent_field)
            if pair is not None:
                parent = pair.new
        if parent is None and master is not None:
            parent = master.fields.get(spec.parent_field)
        waiting = self.held.get(parent) if isinstance(parent, str) else None
        if not waiting or not any(p.replica_id in waiting for p in result.accepted):
            return
        entry = fields[DELETED]
        for p in result.accepted:
            entry["proposals"][p.replica_id]["accepted"] = False
        results[DELETED] = FieldResult(entry["lead"] is True, False)
        self.held[uid] = waiting

    def results(self, uid: str, fields: dict[str, dict[str, Any]]) -> dict[str, FieldResult]:
        proposals = {name: [proposal(r, p) for r, p in fs["proposals"].items()]
                     for name, fs in fields.items()}
        results: dict[str, FieldResult] = {}
        if DELETED not in fields:
            for name, fs in fields.items():
                results[name] = merge_field(fs["lead"], proposals[name])
            return results
        deleters = {p.replica_id for p in proposals.get(DELETED, []) if p.value is True}
        keepers: dict[str, Proposal] = {}
        # only a tombstone in play makes edits "keep" votes
        for name, items in proposals.items():
            for p in items:
                if name != DELETED and p.changes and p.replica_id not in deleters:
                    keepers.setdefault(p.replica_id, p._replace(base=False, value=False))
        for name, fs in fields.items():
            if name == DELETED:
                lead_edited = False
                if deleters and fs["lead"] is not True:
                    lead_edited = self.lead_edited(uid, proposals[DELETED], deleters)
                results[name] = merge_deleted(fs["lead"], proposals[name],
                                              list(keepers.values()), lead_edited=lead_edited)
            else:
                results[name] = merge_field(fs["lead"], proposals[name])
        return results

    def lead_edited(self, uid: str, proposals: list[Proposal], deleters: set[str]) -> bool:
        """Whether the master changed the record since the deleters' baseline (by hand, or by
        accepting another district's edit)."""
        marks = []
        for p in proposals:
            if p.replica_id in deleters:
                baseline = store.logged_bundle(self.session, self.baseline_of(p))
                marks.append(int(baseline.summary.get("history_mark", 0)) if baseline else 0)
        if self.committed is None:
            published = store.logged_bundles(self.session, direction="exported",
                                             kind=BASELINE)
            self.committed = max((int(b.summary.get("history_mark", 0)) for b in published),
                                 default=0)
        return store.changed_since(self.session, uid, min(marks, default=0),
                                   committed=self.committed, exclude_replicas=deleters)

    def baseline_of(self, proposal: Proposal) -> str:
        for item in self.items:
            if item.manifest.bundle_id == proposal.bundle_id:
                return item.manifest.baseline_id or ""
        found = store.logged_bundle(self.session, proposal.bundle_id)
        return (found.baseline_id or "") if found else ""

    def write(self, uid: str, kind: str, master: Record | None,
              current: dict[str, object] | None, fields: dict[str, dict[str, Any]],
              results: dict[str, FieldResult],
              dropped: list[tuple[str, str, dict[str, Any], str]],
              incoming: list[tuple[CheckedBundle, Any]],
              open_conflicts: dict[str, Conflict], meta: dict[str, Any] | None = None) -> None:
        """Write the merged record. Its revision and "updated by" are a function of the
        lead's own (kept in the merge state's RECORD_META while proposals live) and of the
        proposals the master holds now, not of how many imports it took: the lead's own
        revision, plus one if accepted proposals changed it; "updated by" their authors."""
        new = dict(current) if current is not None else {
            **store.json_fields(kind, {}), DELETED: False}
        for name, result in results.items():
            new[name] = result.value
        if current is None and new[DELETED] is None:
            new[DELETED] = False
        accepted_by: list[Proposal] = []  # whose values the master holds, not the lead's
        for name, result in results.items():
            entry = fields[name]
            winners = {p.replica_id for p in result.accepted}
            for replica, data in entry["proposals"].items():
                data["accepted"] = replica in winners
            if result.accepted and result.value != entry["lead"]:
                accepted_by.extend(result.accepted)
            entry["merged"] = result.value
        if master is None:
            own_rev, own_by = 0, self.me
        elif meta is not None and meta.get("written") == master.rev:
            own_rev, own_by = int(meta["rev"]), str(meta["by"])
        elif meta is not None and int(meta.get("written", 0)) < master.rev:
            # the lead changed it since the last merge (by hand, or deciding a conflict):
            # its own revision went up as much as the record's
            own_rev = int(meta["rev"]) + master.rev - int(meta["written"])
            own_by = master.updated_by
        else:  # the first merge since the last baseline
            own_rev, own_by = master.rev, master.updated_by
        authors = sorted({p.author for p in accepted_by})
        who = authors[0] if len(authors) == 1 else (own_by if not authors else
                                                    f"{authors[0]} and others")
        rev = own_rev + (1 if accepted_by else 0)
        if master is None:
            if not any(r.accepted for r in results.values()):
                return
            changed = [n for n, v in new.items() if v not in (None, [], False)]
            row = record_row(kind, uid, record_values(kind, new), rev=1, at=self.at, who=who,
                       deleted=bool(new[DELETED]))
            self.plan.record_write(kind, uid, row, insert=True, was_deleted=None, changed=())
        else:
            assert current is not None
            # only fields with a result can differ from the master
            changed = [n for n in new if n in results and new[n] != current.get(n)]
            self.require_complete(uid, kind, new, changed, dropped)
            if changed or (master.rev, master.updated_by) != (rev, who):
                columns = tuple(changed)
                row = {"uid": uid, **store.value_fields(kind, new, check=False, names=columns),
                       "rev": rev, "updated_at": self.at, "updated_by": who,
                       DELETED: bool(new[DELETED])}
                self.plan.record_write(kind, uid, row, insert=False,
                                       was_deleted=master.deleted, changed=changed,
                                       columns=columns)
        for name, entry in fields.items():
            for data in entry["proposals"].values():
                self.ledger(kind, uid, name, data,
                            "accepted" if data["accepted"] else "conflict")
        lost: dict[str, list[str]] = {}  # field -> whose values lost to the lead's edit
        for name, _replica, data, why in dropped:
            if why == "superseded":
                self.ledger(kind, uid, name, data, why)
            elif not data.get("accepted") and data["value"] != new.get(name):
                self.ledger(kind, uid, name, data, why)
                lost.setdefault(name, []).append(data["author"])
        if lost:
            self.name_lead_kept(uid, kind, new, lost, incoming)
        if open_conflicts or any(r.conflict for r in results.values()):
            self.conflicts(uid, kind, fields, results, open_conflicts)
        kept: dict[str, Any] = {name: fs for name, fs in fields.items() if fs["proposals"]
                                or fs["lead"] != fs["merged"]}
        if kept:
            kept[sync_store.RECORD_META] = {"rev": own_rev, "by": own_by,
                                            "written": rev if master is None or changed
                                            or (master.rev, master.updated_by) != (rev, who)
                                            else master.rev}
        self.plan.states[uid] = (kind, kept or None)
        self.tally(uid, kind, master, current, new, results, incoming)

    def name_lead_kept(self, uid: str, kind: str, new: dict[str, object],
                       lost: dict[str, list[str]],
                       incoming: list[tuple[CheckedBundle, Any]]) -> None:
        """Say so, in the preview and the import's summary, when district values lose to the
        lead's own edit (made since they arrived): the master keeps the lead's value, theirs
        go to the history. No conflict: the lead edited a field it had their values for."""
        spec = KINDS[kind]
        title = record_title(kind, new)
        targets = list(dict.fromkeys(item.manifest.bundle_id for item, _ in incoming)) or [
            item.manifest.bundle_id for item in self.live
            if uid in self.prior.get(item.manifest.replica_id, set())]
        for name, authors in sorted(lost.items()):
            label = spec.field(name).label if spec.has_field(name) else name
            whose = possessive_names(sorted(set(authors)))
            line = RecordLine(kind, uid, title, "kept-lead", (name,),
                              f"{label}: kept the lead's value; {whose} "
                              f"{'is' if len(set(authors)) == 1 else 'are'} in the history")
            for bundle_id in targets[:1]:
                self.tallies[bundle_id].add(line)

    def require_complete(self, uid: str, kind: str, new: dict[str, object],
                         changed: list[str],
                         dropped: list[tuple[str, str, dict[str, Any], str]]) -> None:
        """A live record must keep its required fields. They empty only when a district's
        later bundle leaves out a record its earlier bundle created: refuse that bundle."""
        spec = KINDS[kind]
        if new[DELETED] or not any(
                spec.has_field(n) and spec.field(n).required and new[n] in (None, "", [])
                for n in changed):
            return
        replicas = {replica for _, replica, _, why in dropped if why == "superseded"}
        names = [c.name for c in self.items if c.manifest.replica_id in replicas]
        raise BundleError(
            "incomplete-contribution",
            f"{', '.join(names) or 'a bundle'}: leaves out the {spec.label.lower()} {uid} that "
            "an earlier bundle from the same district created; a contribution must carry "
            "every change since its baseline (export a new bundle from that district's copy)")

    def ledger(self, kind: str, uid: str, name: str, data: dict[str, Any],
               outcome: str) -> None:
        """The one history row of a district's proposal for a field (`data` as the merge
        state keeps it): written when the proposal first arrives, its outcome kept up to date
        as later imports change its fate (accepted, held for a decision, replaced by the
        sender, lost to the lead's own edit). So the history says the same whatever the
        order and batching of the same bundles: each proposal's values, author and fate."""
        key = (uid, name, data["bundle"])
        planned = self.planned.get(key)
        if planned is None and key not in self.proposal_rows:
            self.planned[key] = len(self.plan.history)
            self.plan.history.append(sync_store.history_row(
                kind, uid, name, data["base"], data["value"], who=data["author"], at=self.at,
                bundle_id=data["bundle"], outcome=outcome))
        elif planned is not None:
            row = self.plan.history[planned]
            self.plan.history[planned] = (*row[:8], outcome)
        elif self.proposal_rows[key][1] != outcome:
            row_id = self.proposal_rows[key][0]
            self.proposal_rows[key] = (row_id, outcome)
            self.plan.history_outcomes.append((row_id, outcome))

    def conflicts(self, uid: str, kind: str, fields: dict[str, dict[str, Any]],
                  results: dict[str, Any], open_conflicts: dict[str, Conflict]) -> None:
        for name, result in results.items():
            existing = open_conflicts.get(name)
            if not result.conflict:
                if existing is not None:
                    self.plan.settled_conflicts.append(existing.id)
                continue
            incoming = [IncomingValue(p.value, p.author, p.bundle_id, p.replica_id,
                                      self.file_of(p.bundle_id)) for p in result.contenders]
            deleting = name == DELETED
            base = False if deleting else next(
                (p.base for p in result.contenders if p.base != p.value), None)
            master = fields[name]["lead"]
            if deleting and master is None:
                master = False
            if existing is None:
                self.plan.new_conflicts.append({
                    "record_uid": uid, "kind": kind, "field": name, "side": "lead",
                    "base": base, "master": master, "incoming": incoming, "at": self.at})
            elif (existing.base, existing.master, existing.incoming) != (
                    base, master, tuple(incoming)):
                self.plan.refreshed_conflicts.append((existing.id, base, master, incoming))
        for name, existing in open_conflicts.items():
            if name not in results:
                self.plan.settled_conflicts.append(existing.id)

    def file_of(self, bundle_id: str) -> str:
        if bundle_id not in self.files:
            found = store.logged_bundle(self.session, bundle_id)
            self.files[bundle_id] = found.file_name if found else ""
        return self.files[bundle_id]

    def tally(self, uid: str, kind: str, master: Record | None,
              current: dict[str, object] | None, new: dict[str, object],
              results: dict[str, FieldResult],
              incoming: list[tuple[CheckedBundle, Any]]) -> None:
        if master is None and new[DELETED]:
            return  # a tombstone of a record the district added, then undid: nothing new
        title = record_title(kind, new)
        disputed = [(n, r) for n, r in results.items() if r.conflict]
        for item, change in incoming:
            bundle_id = item.manifest.bundle_id
            conflicted = tuple(n for n, r in disputed if any(
                p.bundle_id == bundle_id for p in r.contenders))
            won = []
            for name in change.fields:
                result = results.get(name)
                if result is not None and result.accepted and any(
                        p.bundle_id == bundle_id for p in result.accepted):
                    won.append(name)
            tally = self.tallies[bundle_id]
            if master is None and won:
                tally.add(RecordLine(kind, uid, title, "create"))
            elif DELETED in won and new[DELETED]:
                tally.add(RecordLine(kind, uid, title, "delete"))
            elif won:
                old = current or {}
                values = tuple((n, old.get(n), new[n]) for n in won if n != DELETED)
                tally.add(RecordLine(kind, uid, title, "update", tuple(won), values=values))
            if conflicted:
                tally.add(RecordLine(kind, uid, title, "conflict", conflicted))


