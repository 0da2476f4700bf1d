"""db.missing-index: foreign-key and lookup columns (`*_id`, `status`) declared without an index."""
from __future__ import annotations

import ast
import re
from collections.abc import Iterator

from checks.model import Hit
from checks.lang.python import dotted, kwarg, qualname
from checks.registry import Context, Example, rule
from checks.source import SourceFile

_SA_COLUMN = {"Column", "mapped_column"}
_INDEX_CALLS = {"Index", "UniqueConstraint", "PrimaryKeyConstraint"}
_DJANGO_INDEX = {"Index", "UniqueConstraint"}
_DJANGO_SCALAR = {"CharField", "IntegerField", "BigIntegerField", "SmallIntegerField", "PositiveIntegerField",
                  "PositiveBigIntegerField", "PositiveSmallIntegerField", "UUIDField", "SlugField"}


def _lookup_name(name: str, options: dict) -> bool:
    lowered = name.lower()
    if lowered in {n.lower() for n in options.get("names", ())}:
        return True
    return any(lowered.endswith(s) for s in options.get("suffixes", ()))


def _true(node: ast.AST | None) -> bool:
    return isinstance(node, ast.Constant) and node.value is True


def _last(node: ast.AST) -> str:
    return (dotted(node) or "").rsplit(".", 1)[-1]


def _column_refs(call: ast.Call) -> set[str]:
    """Column names an Index/UniqueConstraint call mentions ("col", Model.col, table.c.col, fields=[...])."""
    out: set[str] = set()
    for arg in [*call.args, *(kw.value for kw in call.keywords if kw.arg in ("fields", "columns", None))]:
        for node in ast.walk(arg):
            if isinstance(node, ast.Constant) and isinstance(node.value, str):
                out.add(node.value.lstrip("-"))
            elif isinstance(node, ast.Attribute):
                out.add(node.attr)
    return out


def _covered_in(nodes: list[ast.AST], calls: set[str]) -> set[str]:
    out: set[str] = set()
    for root in nodes:
        for node in ast.walk(root):
            if isinstance(node, ast.Call) and _last(node.func) in calls:
                out |= _column_refs(node)
    return out


def _sa_column(call: ast.Call) -> tuple[str | None, bool] | None:
    """(explicit column name, has ForeignKey) for a Column/mapped_column call, else None."""
    if _last(call.func) not in _SA_COLUMN:
        return None
    explicit = call.args[0].value if call.args and isinstance(call.args[0], ast.Constant) \
        and isinstance(call.args[0].value, str) else None
    fk = any(isinstance(a, ast.Call) and _last(a.func) == "ForeignKey" for a in call.args)
    return explicit, fk


def _sa_indexed(call: ast.Call) -> bool:
    if any(kw.arg is None for kw in call.keywords):
        return True  # **kwargs we cannot see
    index = kwarg(call, "index")
    if index is not None and not (isinstance(index, ast.Constant) and index.value is None):
        return True  # index=True, or a deliberate index=False
    return any(kwarg(call, k) is not None and not (isinstance(kwarg(call, k), ast.Constant)
                                                   and kwarg(call, k).value in (False, None))
               for k in ("primary_key", "unique"))


def _assign_parts(stmt: ast.stmt) -> tuple[str, ast.Call] | None:
    if isinstance(stmt, ast.Assign) and len(stmt.targets) == 1 and isinstance(stmt.targets[0], ast.Name):
        target, value = stmt.targets[0].id, stmt.value
    elif isinstance(stmt, ast.AnnAssign) and isinstance(stmt.target, ast.Name) and stmt.value is not None:
        target, value = stmt.target.id, stmt.value
    else:
        return None
    return (target, value) if isinstance(value, ast.Call) else None


def _meta_nodes(cls: ast.ClassDef) -> list[ast.AST]:
    out: list[ast.AST] = []
    for item in cls.body:
        if isinstance(item, ast.ClassDef) and item.name == "Meta":
            out.append(item)
        elif isinstance(item, (ast.Assign, ast.AnnAssign)):
            targets = item.targets if isinstance(item, ast.Assign) else [item.target]
            if any(isinstance(t, ast.Name) and t.id == "__table_args__" for t in targets):
                out.append(item)
    return out


def _django_meta_fields(cls: ast.ClassDef) -> set[str]:
    out: set[str] = set()
    for meta in (i for i in cls.body if isinstance(i, ast.ClassDef) and i.name == "Meta"):
        for stmt in meta.body:
            if isinstance(stmt, ast.Assign) and any(isinstance(t, ast.Name) and t.id in
                                                    ("index_together", "unique_together") for t in stmt.targets):
                out |= {n.value for n in ast.walk(stmt.value) if isinstance(n, ast.Constant)
                        and isinstance(n.value, str)}
        out |= _covered_in([meta], _DJANGO_INDEX)
    return out


def _check_class(cls: ast.ClassDef, imports: dict[str, str], module_cover: set[str], opts: dict
                 ) -> Iterator[Hit]:
    covered = _covered_in(_meta_nodes(cls), _INDEX_CALLS) | _django_meta_fields(cls)
    covered |= {c.split(".", 1)[1] for c in module_cover if c.startswith(cls.name + ".")}
    covered |= {c for c in module_cover if "." not in c}
    sqlmodel_table = any(kw.arg == "table" and _true(kw.value) for kw in cls.keywords)
    for stmt in cls.body:
        parts = _assign_parts(stmt)
        if parts is None:
            continue
        attr, call = parts
        sa = _sa_column(call)
        if sa is not None:
            explicit, fk = sa
            col = explicit or attr
            if _sa_indexed(call) or col in covered or attr in covered or col == "id":
                continue
            ann = ast.unparse(stmt.annotation).lower() if isinstance(stmt, ast.AnnAssign) else ""
            if "pk" in ann or "primary" in ann:
                continue  # `id: Mapped[intpk]`: an Annotated primary-key type
            if fk or _lookup_name(col, opts):
                reason = "is a foreign key" if fk else "is a lookup column"
                yield Hit(stmt.lineno, end_line=call.end_lineno,
                          message=f"Column `{col}` on `{cls.name}` {reason} but has no index "
                                  "(`index=True` or an `Index(...)`)")
            continue
        q = qualname(call.func, imports) or ""
        field = q.rsplit(".", 1)[-1]
        if sqlmodel_table and q.startswith("sqlmodel.") and field == "Field":
            # SQLModel: `team_id: int | None = Field(default=None, foreign_key="team.id")`
            if attr == "id" or attr in covered or any(kw.arg is None for kw in call.keywords) or \
                    kwarg(call, "sa_column") is not None:
                continue
            index = kwarg(call, "index")
            if index is not None and not (isinstance(index, ast.Constant) and index.value is None):
                continue
            if any(_true(kwarg(call, k)) for k in ("primary_key", "unique")):
                continue
            fk = kwarg(call, "foreign_key") is not None
            if fk or _lookup_name(attr, opts):
                reason = "is a foreign key" if fk else "is a lookup column"
                yield Hit(stmt.lineno, end_line=call.end_lineno,
                          message=f"Field `{attr}` on `{cls.name}` {reason} but has no index (`index=True`)")
            continue
        if not (q.startswith("django.db.models.") or q.startswith("models.")):
            continue
        if field == "ForeignKey":
            db_index = kwarg(call, "db_index")
            if isinstance(db_index, ast.Constant) and db_index.value is False and attr not in covered \
                    and f"{attr}_id" not in covered:
                yield Hit(stmt.lineno, end_line=call.end_lineno,
                          message=f"ForeignKey `{attr}` on `{cls.name}` sets `db_index=False`, so joins and "
                                  "lookups on it scan the table")
        elif field in _DJANGO_SCALAR and _lookup_name(attr, opts):
            if any(_true(kwarg(call, k)) for k in ("db_index", "unique", "primary_key")):
                continue
            if kwarg(call, "db_index") is not None or any(kw.arg is None for kw in call.keywords):
                continue
            if attr in covered:
                continue
            yield Hit(stmt.lineno, end_line=call.end_lineno,
                      message=f"Field `{attr}` on `{cls.name}` is a lookup column but has no index "
                              "(`db_index=True` or `Meta.indexes`)")


def _check_tables(calls: list[ast.Call], opts: dict) -> Iterator[Hit]:
    """SQLAlchemy Core: Table("name", metadata, Column(...), Index(...))."""
    for node in calls:
        if not (_last(node.func) == "Table" and len(node.args) >= 2):
            continue
        table = node.args[0].value if isinstance(node.args[0], ast.Constant) else ast.unparse(node.args[0])
        covered = _covered_in([a for a in node.args if isinstance(a, ast.Call)
                               and _last(a.func) in _INDEX_CALLS], _INDEX_CALLS)
        for arg in node.args:
            if not isinstance(arg, ast.Call):
                continue
            sa = _sa_column(arg)
            if sa is None or sa[0] is None:
                continue
            col, fk = sa
            if _sa_indexed(arg) or col in covered or col == "id":
                continue
            # Core tables also describe system catalogs and reflected schemas: only foreign keys count.
            if fk:
                yield Hit(arg.lineno, end_line=arg.end_lineno,
                          message=f"Column `{col}` of table `{table}` is a foreign key but has no index")


def _module_cover(tree: ast.Module) -> set[str]:
    """Index(...)s declared outside classes: `Model.col` -> 'Model.col', "col" -> 'col'."""
    out: set[str] = set()
    for stmt in tree.body:
        if isinstance(stmt, ast.ClassDef):
            continue
        for node in ast.walk(stmt):
            if isinstance(node, ast.Call) and _last(node.func) in _INDEX_CALLS:
                for arg in node.args:
                    name = dotted(arg)
                    if name and "." in name:
                        parts = name.split(".")
                        out.add(f"{parts[0]}.{parts[-1]}")
                    elif isinstance(arg, ast.Constant) and isinstance(arg.value, str) and arg is not node.args[0]:
                        out.add(arg.value)
    return out


@rule(
    "db.missing-index",
    severity="MEDIUM",
    area="reliability",
    title="Foreign key or lookup column without an index",
    why="Foreign keys and columns filtered on (`*_id`, `status`, `tenant_id`) without an index turn every "
        "join, lookup and cascade delete into a full table scan that gets slower as the table grows.",
    fix="Add `index=True` (SQLAlchemy) / `db_index=True` (Django), or declare an `Index(...)` covering the "
        "column in `__table_args__` / `Meta.indexes`.",
    kinds={"python"},
    # the check needs Column / mapped_column / models.*Field / ForeignKey in the text
    prefilter=("Column", "mapped_column", "Field", "ForeignKey"),
    options={"names": ["status", "tenant_id"], "suffixes": ["_id"]},
    example=Example(
        path="app/models.py",
        bad="from sqlalchemy import Column, ForeignKey, Integer, String\nfrom app.db import Base\n\n\n"
            "class Order(Base):\n    __tablename__ = \"orders\"\n    id = Column(Integer, primary_key=True)\n"
            "    user_id = Column(Integer, ForeignKey(\"users.id\"), nullable=False)\n"
            "    status = Column(String(20), nullable=False)\n",
        good="from sqlalchemy import Column, ForeignKey, Integer, String\nfrom app.db import Base\n\n\n"
             "class Order(Base):\n    __tablename__ = \"orders\"\n    id = Column(Integer, primary_key=True)\n"
             "    user_id = Column(Integer, ForeignKey(\"users.id\"), nullable=False, index=True)\n"
             "    status = Column(String(20), nullable=False, index=True)\n",
    ),
)
def check(f: SourceFile, ctx: Context) -> Iterator[Hit]:
    if not re.search(r"\b(Column|mapped_column|models\.\w+Field|ForeignKey)\b|(?<=[a-z])Field\(|\bsqlmodel\b", f.text):
        return
    tree = f.python
    imports = f.python_imports
    if any(q.startswith("alembic") for q in imports.values()) or "/migrations/" in f"/{f.path}":
        return  # migrations create their indexes with separate operations
    opts = dict(ctx.options)
    module_cover = _module_cover(tree)
    for node in f.python_of(ast.ClassDef):
        yield from _check_class(node, imports, module_cover, opts)
    yield from _check_tables(f.python_of(ast.Call), opts)
