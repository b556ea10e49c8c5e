"""The SQL that keeps the status-pair tally current: one template for what a set of (organisation, system,
contract) keys contributes to the tally, from which the triggers of PostgreSQL and SQLite and the rebuild are made.

A write's effect is what its keys contribute after it, less what they contributed before: both sides are read by
the same template, the "before" side seeing the table as it was (the rows now there, less the rows the write
left, plus the rows it replaced or removed). The sum per cell is added to the tally, and emptied cells removed.
"""

from dataclasses import dataclass

TALLY = "contracts_statuspaircount"
ENTITLEMENT = "contracts_entitlement"
REVISION = "contracts_revision"
DEPLOYMENT = "contracts_deployment"
ORGANISATION = "trusts_organisation"
LIVE = "live"  # DeploymentStatus.LIVE
COUNTED_TABLES = (ENTITLEMENT, REVISION, DEPLOYMENT, ORGANISATION)
CELL = (
    "first_revision_id",
    "second_revision_id",
    "system_id",
    "kind",
    "sector",
    "live",
    "first_status",
    "second_status",
)
ENTITLEMENT_COLUMNS = "id, revision_id, organisation_id, system_id, status"
DEPLOYMENT_COLUMNS = "id, organisation_id, system_id, status"
ORGANISATION_COLUMNS = "id, kind, sector"


@dataclass(frozen=True)
class State:
    """One state of a table: its current rows, less those whose id is in `left` (a relation with an `id`
    column), plus the rows of `added` (a relation with the table's columns). None: nothing left out or added."""

    left: str | None = None
    added: str | None = None


NOW = State()


def _row_in(table: str, alias: str, state: State, on: str) -> tuple[str, str, str]:
    """The joins that find a row of `table` in `state` (`on` uses `{t}` for the row), and SQL for whether it was
    found and for one of its columns (`{column}` is filled in by the caller)."""
    current, gone, extra = f"{alias}_now", f"{alias}_gone", f"{alias}_was"
    joins = f" LEFT JOIN {table} {current} ON {on.format(t=current)}"
    found_current = f"{current}.id IS NOT NULL"
    if state.left is not None:
        joins += f" LEFT JOIN {state.left} {gone} ON {gone}.id = {current}.id"
        found_current = f"({found_current} AND {gone}.id IS NULL)"
    if state.added is None:
        return joins, found_current, f"CASE WHEN {found_current} THEN {current}.{{column}} END"
    joins += f" LEFT JOIN {state.added} {extra} ON {on.format(t=extra)}"
    found = f"({found_current} OR {extra}.id IS NOT NULL)"
    value = f"CASE WHEN {found_current} THEN {current}.{{column}} ELSE {extra}.{{column}} END"
    return joins, found, value


def contributions(
    *,
    keys: str,
    sign: int,
    entitlements: State = NOW,
    deployments: State = NOW,
    organisations: State = NOW,
    pairs: str = "1 = 1",
) -> str:
    """A SELECT of (cell..., sign): for each key (a relation of organisation_id, system_id, contract_id) and each
    pair a <= b of that contract's revisions (those `pairs` allows, a condition on `a` and `b`) where the key has
    an entitlement in a or b, one row, the tables read in the states given."""
    entitlement_on = (
        "{t}.revision_id = %s.id AND {t}.organisation_id = k.organisation_id AND {t}.system_id = k.system_id"
    )
    first_joins, in_first, first_value = _row_in(ENTITLEMENT, "ea", entitlements, entitlement_on % "a")
    second_joins, in_second, second_value = _row_in(ENTITLEMENT, "eb", entitlements, entitlement_on % "b")
    organisation_joins, _found, organisation_value = _row_in(
        ORGANISATION, "o", organisations, "{t}.id = k.organisation_id"
    )
    live_on = f"{{t}}.organisation_id = k.organisation_id AND {{t}}.system_id = k.system_id AND {{t}}.status = '{LIVE}'"
    live = f"EXISTS (SELECT 1 FROM {DEPLOYMENT} d WHERE {live_on.format(t='d')}"
    if deployments.left is not None:
        live += f" AND d.id NOT IN (SELECT id FROM {deployments.left} q)"
    live += ")"
    live_joins = ""
    if deployments.added is not None:
        live_joins = (
            f" LEFT JOIN (SELECT DISTINCT organisation_id, system_id FROM {deployments.added} q"
            f" WHERE status = '{LIVE}') dw ON dw.organisation_id = k.organisation_id AND dw.system_id = k.system_id"
        )
        live = f"({live} OR dw.organisation_id IS NOT NULL)"
    return (
        f"SELECT a.id AS first_revision_id, b.id AS second_revision_id, k.system_id AS system_id,"
        f" COALESCE({organisation_value.format(column='kind')}, '') AS kind,"
        f" COALESCE({organisation_value.format(column='sector')}, '') AS sector,"
        f" {live} AS live,"
        f" COALESCE({first_value.format(column='status')}, '') AS first_status,"
        f" COALESCE({second_value.format(column='status')}, '') AS second_status,"
        f" {int(sign)} AS sign"
        f" FROM {keys} k"
        f" JOIN {REVISION} a ON a.contract_id = k.contract_id"
        f" JOIN {REVISION} b ON b.contract_id = k.contract_id AND a.id <= b.id"
        f"{first_joins}{second_joins}{organisation_joins}{live_joins}"
        f" WHERE ({pairs}) AND ({in_first} OR {in_second})"
    )


def tally_add(*parts: str) -> list[str]:
    """The statements that add the contributions (SELECTs of cell..., sign) to the tally."""
    cell = ", ".join(CELL)
    summed = " UNION ALL ".join(parts)
    return [
        # The WHERE before ON CONFLICT: without it SQLite would read ON as the start of a join's condition. The
        # cells are written in one order, so that two writes at once lock them in the same order, never deadlock.
        f'INSERT INTO {TALLY} ({cell}, "count") SELECT {cell}, SUM(sign) FROM ({summed}) c WHERE 1 = 1'
        f" GROUP BY {cell} HAVING SUM(sign) <> 0 ORDER BY {cell}"
        f' ON CONFLICT ({cell}) DO UPDATE SET "count" = {TALLY}."count" + excluded."count"',
        f'DELETE FROM {TALLY} WHERE "count" = 0',
    ]


def write_effect(
    *, keys: str, entitlements: State = NOW, deployments: State = NOW, organisations: State = NOW
) -> list[str]:
    """A write's effect on the tally: the keys' contributions after it, less theirs before it (the tables read in
    the states given, those before the write)."""
    before = contributions(
        keys=keys, sign=-1, entitlements=entitlements, deployments=deployments, organisations=organisations
    )
    return tally_add(contributions(keys=keys, sign=1), before)


def contract_keys(contracts: str) -> str:
    """Every key of the contracts whose ids the SELECT `contracts` gives."""
    return (
        f"(SELECT DISTINCT e.organisation_id, e.system_id, r.contract_id FROM {ENTITLEMENT} e"
        f" JOIN {REVISION} r ON r.id = e.revision_id WHERE r.contract_id IN ({contracts}))"
    )


def keys_of(rows: str) -> str:
    """The keys of entitlement rows (a relation of organisation_id, system_id, revision_id)."""
    return (
        f"(SELECT DISTINCT x.organisation_id, x.system_id, r.contract_id FROM {rows} x"
        f" JOIN {REVISION} r ON r.id = x.revision_id)"
    )


def keys_entitled(pairs: str) -> str:
    """The keys with an entitlement for one of the (organisation_id, system_id) of the relation `pairs`."""
    return (
        f"(SELECT DISTINCT e.organisation_id, e.system_id, r.contract_id FROM {ENTITLEMENT} e"
        f" JOIN {REVISION} r ON r.id = e.revision_id"
        f" JOIN (SELECT DISTINCT organisation_id, system_id FROM {pairs} q) p"
        f" ON p.organisation_id = e.organisation_id AND p.system_id = e.system_id)"
    )


def keys_of_organisations(organisations: str) -> str:
    """The keys of the entitlements of the organisations whose ids the SELECT `organisations` gives."""
    return (
        f"(SELECT DISTINCT e.organisation_id, e.system_id, r.contract_id FROM {ENTITLEMENT} e"
        f" JOIN {REVISION} r ON r.id = e.revision_id WHERE e.organisation_id IN ({organisations}))"
    )


def revisions_added(revisions: str) -> list[str]:
    """The cells of the pairs naming one of the revisions (ids the SELECT `revisions` gives), in their contracts."""
    contracts = f"SELECT contract_id FROM {REVISION} WHERE id IN ({revisions})"
    return tally_add(
        contributions(keys=contract_keys(contracts), sign=1, pairs=f"a.id IN ({revisions}) OR b.id IN ({revisions})")
    )


def revisions_removed(revisions: str) -> list[str]:
    return [f"DELETE FROM {TALLY} WHERE first_revision_id IN ({revisions}) OR second_revision_id IN ({revisions})"]


def rebuild() -> list[str]:
    """Every cell from scratch."""
    cell = ", ".join(CELL)
    every_key = keys_of(ENTITLEMENT)
    return [
        f"DELETE FROM {TALLY}",
        f'INSERT INTO {TALLY} ({cell}, "count") SELECT {cell}, SUM(sign)'
        f" FROM ({contributions(keys=every_key, sign=1)}) c GROUP BY {cell}",
    ]


# PostgreSQL: one statement-level trigger per table and event, reading the statement's transition tables.


def _changed(columns: str, one: str, other: str) -> str:
    """The rows of `one` (a transition table) not in `other` as they were: what an UPDATE changed."""
    return f"(SELECT {columns} FROM {one} EXCEPT SELECT {columns} FROM {other})"


def _postgresql_bodies(new: str = "new_rows", old: str = "old_rows") -> dict[tuple[str, str], list[str]]:
    """(table, event) -> the trigger's statements, reading the statement's new and old rows from the relations
    named."""
    entitlement_changed = (
        f"(SELECT * FROM {_changed(ENTITLEMENT_COLUMNS, new, old)} n"
        f" UNION ALL SELECT * FROM {_changed(ENTITLEMENT_COLUMNS, old, new)} o)"
    )
    deployment_changed = (
        f"(SELECT * FROM {_changed(DEPLOYMENT_COLUMNS, new, old)} n"
        f" UNION ALL SELECT * FROM {_changed(DEPLOYMENT_COLUMNS, old, new)} o)"
    )
    organisation_changed = f"SELECT id FROM {_changed(ORGANISATION_COLUMNS, new, old)} n"
    replaced = State(left=new, added=old)
    moved = f"SELECT n.id FROM {new} n JOIN {old} o ON o.id = n.id WHERE n.contract_id <> o.contract_id"
    contracts_added = f"SELECT contract_id FROM {REVISION} WHERE id IN (SELECT id FROM {new})"
    contracts_moved = f"SELECT contract_id FROM {REVISION} WHERE id IN ({moved})"
    return {
        (ENTITLEMENT, "INSERT"): _locked(keys_of(new), write_effect(keys=keys_of(new), entitlements=State(left=new))),
        (ENTITLEMENT, "UPDATE"): _locked(
            keys_of(entitlement_changed), write_effect(keys=keys_of(entitlement_changed), entitlements=replaced)
        ),
        (ENTITLEMENT, "DELETE"): _locked(keys_of(old), write_effect(keys=keys_of(old), entitlements=State(added=old))),
        (DEPLOYMENT, "INSERT"): _locked(
            keys_entitled(new),
            write_effect(keys=keys_entitled(new), deployments=State(left=new)),
        ),
        (DEPLOYMENT, "UPDATE"): _locked(
            keys_entitled(deployment_changed),
            write_effect(keys=keys_entitled(deployment_changed), deployments=replaced),
        ),
        (DEPLOYMENT, "DELETE"): _locked(
            keys_entitled(old),
            write_effect(keys=keys_entitled(old), deployments=State(added=old)),
        ),
        (ORGANISATION, "UPDATE"): _locked(
            keys_of_organisations(organisation_changed),
            write_effect(keys=keys_of_organisations(organisation_changed), organisations=replaced),
        ),
        (REVISION, "INSERT"): _locked(contract_keys(contracts_added), revisions_added(f"SELECT id FROM {new}")),
        (REVISION, "UPDATE"): _locked(
            contract_keys(contracts_moved), revisions_removed(moved) + revisions_added(moved)
        ),
        (REVISION, "DELETE"): revisions_removed(f"SELECT id FROM {old}"),
    }


# The class of the advisory locks that serialise writes to the tally, system by system.
TALLY_LOCK = 7410


def _locked(keys: str, statements: list[str]) -> list[str]:
    """The statements, after taking the lock of each system the keys name, in order.

    A trigger reads the rows its keys have in other revisions: two transactions writing rows of the same
    (organisation, system) at once would each read the other's row as it was and count the pair twice. With the
    lock, the second waits for the first to commit, and its statements (each with a fresh snapshot, under READ
    COMMITTED) then read the first's rows as they are. One lock per system, not per key, so a bulk write takes
    a few locks, not one per row; taken in order, so two writes never deadlock over them.
    """
    lock = (
        f"PERFORM pg_advisory_xact_lock({TALLY_LOCK}, x.system_id::integer)"
        f" FROM (SELECT DISTINCT system_id FROM {keys} k ORDER BY system_id) x"
    )
    return [lock, *statements]


def _trigger_name(table: str, event: str) -> str:
    return f"tally_{table}_{event.lower()}"


# A statement touching more rows than this has its rows copied to analysed temporary tables first. The planner
# knows nothing of a transition table's contents, and its guesses made a 20,000-row UPDATE take minutes instead of
# seconds; but making, analysing and dropping the copies, and planning afresh against them, costs a few
# milliseconds, many times what a one-row save costs otherwise. Small statements read the transition tables
# themselves, with plans the session keeps.
MOST_ROWS_READ_IN_PLACE = 100


def postgresql_create() -> list[str]:
    statements = []
    in_place = _postgresql_bodies(new="new_transition", old="old_transition")
    for (table, event), copied_body in _postgresql_bodies().items():
        name = _trigger_name(table, event)
        transitions = {
            "INSERT": ["new"],
            "UPDATE": ["old", "new"],
            "DELETE": ["old"],
        }[event]
        referencing = " ".join(f"{side.upper()} TABLE AS {side}_transition" for side in transitions)
        copied = [
            f"CREATE TEMPORARY TABLE {side}_rows AS SELECT * FROM {side}_transition; ANALYZE {side}_rows;"
            for side in transitions
        ]
        dropped = [f"DROP TABLE {side}_rows;" for side in transitions]
        code = "\n".join(
            [
                f"IF (SELECT count(*) FROM {transitions[0]}_transition) <= {MOST_ROWS_READ_IN_PLACE} THEN",
                *(f"{statement};" for statement in in_place[table, event]),
                "ELSE",
                *copied,
                *(f"{statement};" for statement in copied_body),
                *dropped,
                "END IF;",
            ]
        )
        statements.append(
            f"CREATE FUNCTION {name}() RETURNS trigger LANGUAGE plpgsql AS $tally$ BEGIN\n{code}\n"
            f"RETURN NULL; END $tally$"
        )
        statements.append(
            f"CREATE TRIGGER {name} AFTER {event} ON {table} REFERENCING {referencing}"
            f" FOR EACH STATEMENT EXECUTE FUNCTION {name}()"
        )
    return statements


def postgresql_drop() -> list[str]:
    statements = []
    for table, event in _postgresql_bodies():
        name = _trigger_name(table, event)
        statements.append(f"DROP TRIGGER IF EXISTS {name} ON {table}")
        statements.append(f"DROP FUNCTION IF EXISTS {name}()")
    return statements


# SQLite: row-level triggers, each seeing its row as NEW and OLD; no WITH in a trigger, so relations are subqueries.


def _row(prefix: str, columns: str) -> str:
    selected = ", ".join(f"{prefix}.{column.strip()} AS {column.strip()}" for column in columns.split(","))
    return f"(SELECT {selected})"


def _sqlite_bodies() -> dict[tuple[str, str], tuple[str, list[str]]]:
    """(table, event) -> (the trigger's WHEN condition, its statements)."""
    new_id, old_id = "(SELECT NEW.id AS id)", "(SELECT OLD.id AS id)"
    old_entitlement = _row("OLD", ENTITLEMENT_COLUMNS)
    new_entitlement = _row("NEW", ENTITLEMENT_COLUMNS)
    entitlement_rows = f"(SELECT * FROM {new_entitlement} UNION SELECT * FROM {old_entitlement})"
    old_deployment = _row("OLD", DEPLOYMENT_COLUMNS)
    deployment_rows = f"(SELECT * FROM {_row('NEW', DEPLOYMENT_COLUMNS)} UNION SELECT * FROM {old_deployment})"
    return {
        (ENTITLEMENT, "INSERT"): (
            "1",
            write_effect(keys=keys_of(new_entitlement), entitlements=State(left=new_id)),
        ),
        (ENTITLEMENT, "UPDATE"): (
            "OLD.id IS NOT NEW.id OR OLD.revision_id IS NOT NEW.revision_id OR OLD.organisation_id IS NOT"
            " NEW.organisation_id OR OLD.system_id IS NOT NEW.system_id OR OLD.status IS NOT NEW.status",
            write_effect(keys=keys_of(entitlement_rows), entitlements=State(left=new_id, added=old_entitlement)),
        ),
        (ENTITLEMENT, "DELETE"): (
            "1",
            write_effect(keys=keys_of(old_entitlement), entitlements=State(added=old_entitlement)),
        ),
        (DEPLOYMENT, "INSERT"): (
            "1",
            write_effect(keys=keys_entitled(_row("NEW", DEPLOYMENT_COLUMNS)), deployments=State(left=new_id)),
        ),
        (DEPLOYMENT, "UPDATE"): (
            "OLD.id IS NOT NEW.id OR OLD.organisation_id IS NOT NEW.organisation_id OR OLD.system_id IS NOT"
            " NEW.system_id OR OLD.status IS NOT NEW.status",
            write_effect(keys=keys_entitled(deployment_rows), deployments=State(left=new_id, added=old_deployment)),
        ),
        (DEPLOYMENT, "DELETE"): (
            "1",
            write_effect(keys=keys_entitled(old_deployment), deployments=State(added=old_deployment)),
        ),
        (ORGANISATION, "UPDATE"): (
            "OLD.kind IS NOT NEW.kind OR OLD.sector IS NOT NEW.sector OR OLD.id IS NOT NEW.id",
            write_effect(
                keys=keys_of_organisations("SELECT NEW.id UNION SELECT OLD.id"),
                organisations=State(left=new_id, added=_row("OLD", ORGANISATION_COLUMNS)),
            ),
        ),
        (REVISION, "INSERT"): ("1", revisions_added("SELECT NEW.id")),
        (REVISION, "UPDATE"): (
            "OLD.contract_id IS NOT NEW.contract_id OR OLD.id IS NOT NEW.id",
            revisions_removed("SELECT OLD.id") + revisions_added("SELECT NEW.id"),
        ),
        (REVISION, "DELETE"): ("1", revisions_removed(f"SELECT id FROM {old_id}")),
    }


def sqlite_create() -> list[str]:
    statements = []
    for (table, event), (when, body) in _sqlite_bodies().items():
        code = " ".join(f"{statement};" for statement in body)
        statements.append(
            f"CREATE TRIGGER {_trigger_name(table, event)} AFTER {event} ON {table} FOR EACH ROW WHEN {when}"
            f" BEGIN {code} END"
        )
    return statements


def sqlite_drop() -> list[str]:
    return [f"DROP TRIGGER IF EXISTS {_trigger_name(table, event)}" for table, event in _sqlite_bodies()]


def create_statements(vendor: str) -> list[str]:
    if vendor == "postgresql":
        return postgresql_create()
    if vendor == "sqlite":
        return sqlite_create()
    raise NotImplementedError(f"The tally's triggers are written for PostgreSQL and SQLite, not {vendor}.")


def drop_statements(vendor: str) -> list[str]:
    if vendor == "postgresql":
        return postgresql_drop()
    if vendor == "sqlite":
        return sqlite_drop()
    raise NotImplementedError(f"The tally's triggers are written for PostgreSQL and SQLite, not {vendor}.")
