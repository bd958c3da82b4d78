"""The database cache that counts rate limits when Redis is not configured."""

import base64
import pickle
from datetime import UTC, datetime, timedelta

from django.core.cache.backends.db import DatabaseCache
from django.db import connections, router


class DatabaseCounterCache(DatabaseCache):
    """Django's database cache with the two operations a rate-limit counter makes cheaper: `incr` as one read and
    one write, `add` as one delete of expired rows and one insert-if-absent. Django's own incr is a get and a full
    set, and its add a table COUNT for culling, a read and a write inside a savepoint: every partner request paid
    that. Like Django's, incr is not atomic across workers; Redis is, and production runs Redis."""

    def _now(self, connection, later=0):
        return connection.ops.adapt_datetimefield_value(
            datetime.now(UTC).replace(microsecond=0) + timedelta(seconds=later)
        )

    def add(self, key, value, timeout=None, version=None):
        key = self.make_and_validate_key(key, version=version)
        connection = connections[router.db_for_write(self.cache_model_class)]
        table = connection.ops.quote_name(self._table)
        seconds = self.get_backend_timeout(timeout) if timeout is not None else self.default_timeout
        stored = base64.b64encode(pickle.dumps(value, self.pickle_protocol)).decode("latin1")
        with connection.cursor() as cursor:
            # Counters of past windows are never read again: clearing them here is the table's culling.
            cursor.execute(f"DELETE FROM {table} WHERE expires < %s", [self._now(connection)])
            cursor.execute(
                f"INSERT INTO {table} (cache_key, value, expires) VALUES (%s, %s, %s) ON CONFLICT (cache_key) "
                "DO NOTHING",
                [key, stored, self._now(connection, later=int(seconds or 0))],
            )
            return cursor.rowcount == 1

    def incr(self, key, delta=1, version=None):
        key = self.make_and_validate_key(key, version=version)
        connection = connections[router.db_for_write(self.cache_model_class)]
        table = connection.ops.quote_name(self._table)
        with connection.cursor() as cursor:
            cursor.execute(
                f"SELECT value FROM {table} WHERE cache_key = %s AND expires > %s", [key, self._now(connection)]
            )
            row = cursor.fetchone()
            if row is None:
                raise ValueError(f"Key '{key}' not found")
            value = pickle.loads(base64.b64decode(row[0].encode())) + delta
            stored = base64.b64encode(pickle.dumps(value, self.pickle_protocol)).decode("latin1")
            cursor.execute(f"UPDATE {table} SET value = %s WHERE cache_key = %s", [stored, key])
        return value
