"""gunicorn settings for the ``web`` service (Dockerfile, docker-compose.yml).

The access log names the path without its query string: a client may put an ID number in one, and the log
must not keep it (docs/security.md)."""

import os

bind = "0.0.0.0:8000"
workers = int(os.environ.get("WEB_CONCURRENCY", "3"))
accesslog = "-"
# %(U)s is the path alone; %(q)s (the query string) and %(r)s (the request line) are left out on purpose.
access_log_format = '%(h)s %(l)s %(u)s %(t)s "%(m)s %(U)s %(H)s" %(s)s %(b)s "%(f)s" "%(a)s" %(L)s'
# Above the lists' own query budget (docs/security.md, "Limits"): a long filter gets the app's message, not a
# bare 414.
limit_request_line = 8190
