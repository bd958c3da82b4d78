"""Deploy checks (`manage.py check --deploy`): what a production site is missing, one line each.

Each message names the missing piece and the command that supplies it, with no HINT line, so a deployer reads
the whole finding in one line. (A missing SECRET_KEY never gets this far: settings refuse to load, in one line.)
"""

import urllib.parse

from django.conf import settings
from django.contrib.staticfiles.storage import ManifestFilesMixin
from django.core.cache import caches
from django.core.cache.backends.db import DatabaseCache
from django.core.checks import Error, Tags, register
from django.core.files.storage import storages
from django.db import DatabaseError, connections, router
from django.utils.module_loading import import_string

REDIS_CACHE = "django.core.cache.backends.redis.RedisCache"


def one_line(exc):
    return f"{type(exc).__name__}: {' '.join(str(exc).split())}"


def without_password(url):
    parts = urllib.parse.urlsplit(url)
    if parts.password is None:
        return url
    host = parts.netloc.rsplit("@", 1)[1]
    return urllib.parse.urlunsplit(parts._replace(netloc=f"***@{host}"))


@register(Tags.caches, deploy=True)
def cache_tables(app_configs, **kwargs):
    """Every database cache's table exists: without Redis the rate-limit counter lives there (503 otherwise)."""
    problems = []
    for alias, config in settings.CACHES.items():
        if not issubclass(import_string(config["BACKEND"]), DatabaseCache):
            continue
        table = config["LOCATION"]
        database = router.db_for_read(caches[alias].cache_model_class)
        try:
            tables = connections[database].introspection.table_names()
        except DatabaseError as exc:
            problems.append(Error(
                f"Database {database!r} is unreachable, so cache table {table!r} cannot be checked: {one_line(exc)}",
                id="healthdesk.E001",
            ))
            continue
        if table not in tables:
            problems.append(Error(
                f"Cache table {table!r} (cache {alias!r}, the rate-limit counter without REDIS_URL) is missing: "
                "run `manage.py migrate`.",
                id="healthdesk.E002",
            ))
    return problems


@register(Tags.caches, deploy=True)
def redis_reachable(app_configs, **kwargs):
    """Redis answers when REDIS_URL is set: every partner request counts its rate limit there."""
    import redis

    problems = []
    for alias, config in settings.CACHES.items():
        if config["BACKEND"] != REDIS_CACHE:
            continue
        url = config["LOCATION"]
        try:
            redis.Redis.from_url(url, socket_connect_timeout=3, socket_timeout=3).ping()
        except redis.RedisError as exc:
            problems.append(Error(
                f"Redis at {without_password(url)} (REDIS_URL, cache {alias!r}) is unreachable: {one_line(exc)}",
                id="healthdesk.E003",
            ))
    return problems


@register(Tags.staticfiles, deploy=True)
def static_files_collected(app_configs, **kwargs):
    """The static manifest exists: without it every admin page that links a stylesheet is a 500."""
    storage = storages["staticfiles"]
    if not isinstance(storage, ManifestFilesMixin) or storage.exists(storage.manifest_name):
        return []
    return [Error(
        f"Static files are not collected ({storage.path(storage.manifest_name)} is missing): "
        "run `manage.py collectstatic --noinput`.",
        id="healthdesk.E004",
    )]
