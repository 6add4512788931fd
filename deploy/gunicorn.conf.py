"""gunicorn's settings for parindex (`gunicorn -c deploy/gunicorn.conf.py parindex.wsgi`).

Every value from the environment, with a default fit for one machine; docs/deployment.md,
"Serving", says what each is for.
"""

import os

bind = os.environ.get("GUNICORN_BIND", f"127.0.0.1:{os.environ.get('PORT', '8000')}")
# Two workers per core is gunicorn's rule of thumb; the pages are database-bound.
workers = int(os.environ.get("WEB_CONCURRENCY", "2"))
threads = int(os.environ.get("GUNICORN_THREADS", "1"))
# A request longer than this is stuck (the largest export takes a few seconds): the
# worker is replaced. On a restart, requests in flight get this long to finish.
timeout = int(os.environ.get("GUNICORN_TIMEOUT", "60"))
graceful_timeout = int(os.environ.get("GUNICORN_GRACEFUL_TIMEOUT", "30"))
keepalive = int(os.environ.get("GUNICORN_KEEPALIVE", "5"))
# A worker is replaced after this many requests (and a random few more), so that no
# slow growth of memory lasts.
max_requests = int(os.environ.get("GUNICORN_MAX_REQUESTS", "2000"))
max_requests_jitter = int(os.environ.get("GUNICORN_MAX_REQUESTS_JITTER", "200"))
# The proxy's address, whose X-Forwarded-Proto gunicorn believes.
forwarded_allow_ips = os.environ.get("FORWARDED_ALLOW_IPS", "127.0.0.1")
# No access log: parindex writes one line per request itself (parindex.requests), with
# the user's role and unit and without the query string.
accesslog = None
errorlog = "-"
loglevel = os.environ.get("GUNICORN_LOG_LEVEL", "info")
# Loaded in the master, then forked: less memory per worker, and a broken setting stops
# the start instead of each worker.
preload_app = True
# gunicorn's control socket sits in the user's home, one for every gunicorn the user runs
# (a second instance on the machine would take it over); signals (HUP, TERM) suffice.
control_socket_disable = True

if (
    os.environ.get(
        "LOG_FORMAT", "json" if os.environ.get("PARINDEX_ENV") == "production" else "plain"
    )
    == "json"
):
    # gunicorn's own lines (start, worker restarts) in the same JSON as the application's.
    logconfig_dict = {
        "version": 1,
        "disable_existing_loggers": False,
        "formatters": {"json": {"()": "parindex.org.logs.JsonFormatter"}},
        "handlers": {
            "console": {
                "class": "logging.StreamHandler",
                "formatter": "json",
                "stream": "ext://sys.stderr",
            }
        },
        "loggers": {
            "gunicorn.error": {
                "handlers": ["console"],
                "level": loglevel.upper(),
                "propagate": False,
            },
        },
    }
