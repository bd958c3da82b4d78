"""Multi-row writes of thousands of rows from plain values instead of model instances, on SQLite and PostgreSQL.

`bulk_create` costs a model instance and a per-field preparation of every value of every row, and psycopg's
client-side binding parses a placeholder per value; for a 10 000-item sync that was most of its time. Here each
row is a dict over a template of the model's defaults. PostgreSQL gets the rows as one JSON parameter expanded by
`json_populate_recordset` (one statement, one placeholder, whatever the count); SQLite gets multi-row VALUES
within its parameter limit, only dates, JSON and the like going through the field's own adaptation.
"""

import orjson
from django.db import connection, models
from django.utils import timezone

# Field types whose Python values the SQLite driver stores exactly as Django would: no adaptation needed.
_PLAIN = (models.CharField, models.TextField, models.IntegerField, models.BooleanField, models.ForeignKey)


class _Table:
    """The columns of a model's table (primary key included, if `with_pk`), and how to adapt each one's values."""

    def __init__(self, model, *, with_pk):
        self.model = model
        self.fields = [f for f in model._meta.concrete_fields if with_pk or not f.primary_key]
        self.index = {f.attname: i for i, f in enumerate(self.fields)}
        self.auto_now = [i for i, f in enumerate(self.fields) if getattr(f, "auto_now", False)
                         or getattr(f, "auto_now_add", False)]
        self.json = connection.vendor == "postgresql"
        # PostgreSQL's rows travel as JSON, which the table's own row type turns into column values.
        self.adapters = [None if self.json or isinstance(f, _PLAIN) else self._adapter(f) for f in self.fields]

    @staticmethod
    def _adapter(field):
        return lambda value: field.get_db_prep_save(value, connection)

    def adapt(self, values):
        for i, adapter in enumerate(self.adapters):
            if adapter is not None:
                values[i] = adapter(values[i])
        return values

    def quoted(self, name):
        return connection.ops.quote_name(self.model._meta.get_field(name).column)

    def statements(self, rows, suffix):
        """(sql, params) covering `rows` (dicts by column on PostgreSQL, lists in field order on SQLite): one
        statement on PostgreSQL, batches within the parameter limit on SQLite."""
        qn = connection.ops.quote_name
        table = qn(self.model._meta.db_table)
        columns = [f.column for f in self.fields]
        names = ", ".join(qn(c) for c in columns)
        if self.json:
            # Rows are dicts by column here. WITH ORDINALITY … ORDER BY: rows are inserted, and RETURNING lists
            # them, in the order given.
            payload = orjson.dumps(rows, default=str).decode()
            selected = ", ".join(f"r.{qn(c)}" for c in columns)
            yield (f"INSERT INTO {table} ({names}) SELECT {selected} FROM json_populate_recordset(NULL::{table}, "
                   f"%s::json) WITH ORDINALITY AS r ORDER BY r.ordinality{suffix}", [payload])
            return
        width = len(columns)
        per_statement = max(1, connection.features.max_query_params // width)
        placeholder = "(" + ", ".join(["%s"] * width) + ")"
        for start in range(0, len(rows), per_statement):
            batch = rows[start:start + per_statement]
            params = [value for row in batch for value in row]
            yield f"INSERT INTO {table} ({names}) VALUES {', '.join([placeholder] * len(batch))}{suffix}", params


def _execute(table, rows, *, unique_fields, update_fields, ignore_conflicts, returning):
    suffix = ""
    if ignore_conflicts:
        # With `unique_fields`, only a clash on them is ignored: any other constraint still fails loudly.
        targets = ", ".join(table.quoted(name) for name in unique_fields)
        suffix = f" ON CONFLICT ({targets}) DO NOTHING" if targets else " ON CONFLICT DO NOTHING"
    elif update_fields:
        targets = ", ".join(table.quoted(name) for name in unique_fields)
        updates = ", ".join(f"{c} = EXCLUDED.{c}" for c in (table.quoted(name) for name in update_fields))
        suffix = f" ON CONFLICT ({targets}) DO UPDATE SET {updates}"
    if returning:
        suffix += " RETURNING " + ", ".join(table.quoted(name) for name in returning)
    returned = []
    with connection.cursor() as cursor:
        for sql, params in table.statements(rows, suffix):
            cursor.execute(sql, params)
            if returning:
                returned.extend(cursor.fetchall())
    return returned


def insert(model, rows, *, defaults=None, unique_fields=(), update_fields=(), ignore_conflicts=False,
           returning=()):
    """INSERT `rows` (dicts of attname → value, over `defaults` and the model's own defaults; auto_now fields
    are now), in order; return the `returning` columns of the rows written, in that order.

    With `update_fields`, a row clashing on `unique_fields` updates those fields of the stored row instead; with
    `ignore_conflicts`, a clashing row (on `unique_fields`, if given) is skipped and not returned.
    """
    if not rows:
        return []
    table = _Table(model, with_pk=False)
    template = model(**(defaults or {}))
    base = [getattr(template, f.attname) for f in table.fields]
    now = timezone.now()
    for i in table.auto_now:
        base[i] = now
    base = table.adapt(base)
    if table.json:
        columns = {f.attname: f.column for f in table.fields}
        unknown = set().union(*rows) - columns.keys()
        if unknown:
            raise KeyError(f"{model.__name__} has no field {sorted(unknown)[0]!r}")
        base_row = {f.column: value for f, value in zip(table.fields, base, strict=True)}
        if all(name == column for name, column in columns.items()):
            values = [{**base_row, **row} for row in rows]
        else:
            values = [{**base_row, **{columns[name]: value for name, value in row.items()}} for row in rows]
        return _execute(table, values, unique_fields=unique_fields, update_fields=update_fields,
                        ignore_conflicts=ignore_conflicts, returning=returning)
    index, adapters = table.index, table.adapters
    values = []
    for row in rows:
        tuple_ = base.copy()
        for name, value in row.items():
            i = index[name]
            adapter = adapters[i]
            tuple_[i] = value if adapter is None else adapter(value)
        values.append(tuple_)
    return _execute(table, values, unique_fields=unique_fields, update_fields=update_fields,
                    ignore_conflicts=ignore_conflicts, returning=returning)


def update_instances(model, objs, fields):
    """Write `fields` of rows loaded earlier (as set on the instances), in primary key order, as an upsert on the
    primary key: the rows exist, so only `fields` change."""
    if not objs:
        return
    table = _Table(model, with_pk=True)
    objs = sorted(objs, key=lambda o: o.pk)
    if table.json:
        values = [{f.column: getattr(obj, f.attname) for f in table.fields} for obj in objs]
    else:
        attnames = [f.attname for f in table.fields]
        values = [table.adapt([getattr(obj, name) for name in attnames]) for obj in objs]
    _execute(table, values, unique_fields=[model._meta.pk.name], update_fields=fields, ignore_conflicts=False,
             returning=())
