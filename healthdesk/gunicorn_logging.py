"""gunicorn's access log without credentials: see healthdesk.redact and the README's security section."""

from gunicorn.glogging import Logger

from healthdesk.redact import CLIENT_ENVIRON_KEY, mask_path, mask_query, mask_target


class RedactingLogger(Logger):
    def atoms(self, resp, req, environ, request_time):
        atoms = super().atoms(resp, req, environ, request_time)
        # The Basic user name is Cliniko's secret: name the client the partner view authenticated instead.
        atoms["u"] = environ.get(CLIENT_ENVIRON_KEY, "-")
        atoms["r"] = mask_target(atoms["r"])
        atoms["U"] = mask_path(atoms["U"])
        atoms["q"] = mask_query(atoms["q"])
        atoms["f"] = mask_target(atoms["f"])
        return atoms
