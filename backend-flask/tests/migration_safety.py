"""Which up migrations would break the version still serving during a rolling deploy.

While ECS replaces tasks, the old version keeps serving on the new schema. An up migration may add (the
expand step); it may not take away what the old version reads or writes: drop or rename a table, a view or
a column, add a NOT NULL column without a default, or set NOT NULL on a column the old version may leave
empty. Such a change is the contract step of an expand/contract pair, allowed only when the migration says
so on its first line and names its expand step, which must come earlier:

    -- contract: expands in 0004_add_user_handle, safe once every running version reads handle

The SQL is read by pglast (PostgreSQL's own parser), so comments, quoting and several commands on one line
cannot hide a change. Down migrations are not checked: undoing their own up step is what they are for.
"""
from __future__ import annotations

import re
from pathlib import Path

import pglast
from pglast import ast
from pglast.enums import AlterTableType, ConstrType, ObjectType
from pglast.parser import ParseError

from cruddur import migrations

MARKER = "-- contract: expands in <NNNN_name>, <why the old version no longer needs it>"
MARKED = re.compile(r"--\s*contract\b")
MARKER_LINE = re.compile(r"--\s*contract:\s*expands in\s+(?P<expand>[0-9]{4}_\w+?)(?:\.up\.sql)?\s*,\s*(?P<why>\S.*)")
HOW_TO_MARK = f"unless it is the contract step of an expand/contract pair, marked on its first line `{MARKER}`" \
              " (backend-flask/README.md, \"Changing the schema\")"

RELATIONS = {ObjectType.OBJECT_TABLE: "table", ObjectType.OBJECT_VIEW: "view",
             ObjectType.OBJECT_MATVIEW: "materialized view", ObjectType.OBJECT_FOREIGN_TABLE: "foreign table"}
# a column that fills itself: an existing row gets a value, so the old version's inserts still succeed
SELF_FILLING = {ConstrType.CONSTR_DEFAULT, ConstrType.CONSTR_GENERATED, ConstrType.CONSTR_IDENTITY}
SERIAL_TYPES = {"smallserial", "serial", "bigserial", "serial2", "serial4", "serial8"}


def check_folder(folder: Path = migrations.MIGRATIONS_DIR) -> list[str]:
    """Every refusal over the up migrations in `folder`, in order; empty when all keep the old version working."""
    steps = migrations.available(folder)
    versions = [step.version for step in steps]
    return [refusal for step in steps for refusal in check(step.version, step.up.read_text(), versions)]


def check(version: str, sql: str, versions: list[str]) -> list[str]:
    """Why the up migration `version` (its text `sql`) is refused, given every version in order; [] if allowed."""
    first_line = sql.partition("\n")[0]
    if MARKED.match(first_line):
        return marker_refusals(version, first_line, versions)
    try:
        changes = breaking_changes(sql)
    except ParseError as error:
        return [f"{version}: PostgreSQL cannot parse it ({error}), so it cannot be checked"]
    return [f"{version} line {line}: {change}, which breaks the version still serving during a rolling deploy;"
            f" refused {HOW_TO_MARK}" for line, change in changes]


def marker_refusals(version: str, first_line: str, versions: list[str]) -> list[str]:
    marker = MARKER_LINE.fullmatch(first_line.strip())
    if marker is None:
        return [f"{version}: its contract marker must read `{MARKER}`, not `{first_line.strip()}`"]
    expand = marker["expand"]
    if expand not in versions:
        return [f"{version}: its contract marker names {expand}, which is not a migration in db/migrations"]
    if versions.index(expand) >= versions.index(version):
        return [f"{version}: its contract marker names {expand}, which does not come before it; the expand step"
                " must be applied and deployed first"]
    return []


def breaking_changes(sql: str) -> list[tuple[int, str]]:
    """(line, what) for each change in `sql` that takes away something an older version uses."""
    statements = pglast.parse_sql(sql)
    recreated_views = {qualified(s.stmt.view) for s in statements if isinstance(s.stmt, ast.ViewStmt)}
    found = []
    for raw in statements:
        line = sql.count("\n", 0, raw.stmt_location) + 1  # pglast's locations count characters, past comments
        found += [(line, change) for change in statement_changes(raw.stmt, recreated_views)]
    return found


def statement_changes(stmt: ast.Node, recreated_views: set[str]) -> list[str]:
    if isinstance(stmt, ast.DropStmt) and stmt.removeType in RELATIONS:
        kind = RELATIONS[stmt.removeType]
        names = [".".join(part.sval for part in name) for name in stmt.objects]
        # a view dropped and created again in the same transaction is replaced: readers wait, never miss it
        return [f"drops {kind} {name}" for name in names if not (kind == "view" and name in recreated_views)]
    if isinstance(stmt, ast.RenameStmt):
        if stmt.renameType in RELATIONS:
            return [f"renames {RELATIONS[stmt.renameType]} {qualified(stmt.relation)} to {stmt.newname}"]
        if stmt.renameType == ObjectType.OBJECT_COLUMN:
            return [f"renames column {qualified(stmt.relation)}.{stmt.subname} to {stmt.newname}"]
    if isinstance(stmt, ast.AlterTableStmt):
        return [change for cmd in stmt.cmds if (change := alter_table_change(qualified(stmt.relation), cmd))]
    return []


def alter_table_change(table: str, cmd: ast.AlterTableCmd) -> str | None:
    if cmd.subtype == AlterTableType.AT_DropColumn:
        return f"drops column {table}.{cmd.name}"
    if cmd.subtype == AlterTableType.AT_SetNotNull:
        return f"sets NOT NULL on {table}.{cmd.name}"
    if cmd.subtype == AlterTableType.AT_AddColumn and is_required_without_default(cmd.def_):
        return f"adds NOT NULL column {table}.{cmd.def_.colname} without a default"
    return None


def is_required_without_default(column: ast.ColumnDef) -> bool:
    kinds = {constraint.contype for constraint in column.constraints or ()}
    required = column.is_not_null or bool(kinds & {ConstrType.CONSTR_NOTNULL, ConstrType.CONSTR_PRIMARY})
    self_filling = bool(kinds & SELF_FILLING) or column.typeName.names[-1].sval in SERIAL_TYPES
    return required and not self_filling


def qualified(relation: ast.RangeVar) -> str:
    return f"{relation.schemaname}.{relation.relname}" if relation.schemaname else relation.relname

