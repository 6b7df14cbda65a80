"""Running test code in several threads at once, the way concurrent requests are served: each thread has its
own database connection, closed when its work ends (real concurrency needs real transactions)."""

import threading

from django.db import connection


def run_at_once(work, argument_lists, *, timeout: float | None = 30) -> None:
    """Runs ``work(*arguments)`` in a thread of its own for each of ``argument_lists``, then waits for every
    thread (up to ``timeout`` seconds each; ``None`` waits as long as it takes)."""

    def run(*arguments):
        try:
            work(*arguments)
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=arguments) for arguments in argument_lists]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=timeout)
