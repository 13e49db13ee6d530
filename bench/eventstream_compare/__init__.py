"""django-eventstream next to our own /events/ endpoint: a comparison harness only.

Not part of the app and not in its dependencies: it runs in a throwaway venv outside the
repository, with the same uvicorn, Redis and thin clients as `bench/event_streams.py`:

    python3 -m venv /tmp/evs
    /tmp/evs/bin/pip install 'django>=5.2,<5.3' django-eventstream uvicorn redis
    redis-server --port <port> --save '' --appendonly no --daemonize yes
    EVS_REDIS_PORT=<port> /tmp/evs/bin/python -m bench.eventstream_compare.run \\
        --streams 2000 --fanout 1000 --clients 4 --events 20

The project (settings, urls, asgi) serves one channel, `bench`, at /events/ with
django-eventstream's own view under uvicorn, set up for several processes as its docs say:
Redis storage for resume (`RedisStorage`) and one Redis PUBLISH listener per process
(`EVENTSTREAM_REDIS`). No database, no authentication: every stream is a visitor's.
"""
