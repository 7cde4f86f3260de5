"""A request never waits for its log line: log lines are written by one thread of their own.

What moto does: moto_server logs every request on the request's own thread, before it sends the answer
(werkzeug's log_request, in send_response), through one stream handler with one lock. When nobody
reads the emulator's output for a while (the process that started it is busy: `spawnSync` of a
Terraform run in a test, a paused terminal), the pipe fills, the thread holding the handler's lock
blocks in write(), and every other request waits for that lock, its answer unsent: the emulator
stops answering until the reader comes back, and forever if it never does.

What AWS does: a service's answers do not depend on who reads its logs.

This fix: the log lines go to one writer thread through a queue. werkzeug adds its own stream handler
only when none handles its logger: with this one on the root logger, request lines and moto's
warnings go through the queue. A reader that never comes back costs memory (a line per request),
never an answer. Applied before the server starts.
"""

import logging
import logging.handlers
import queue
import sys


def _stderr():
    """stderr as werkzeug's own handler writes it: through colorama, which drops its colours when stderr is no terminal."""
    try:
        import colorama
    except ImportError:
        return sys.stderr
    return colorama.AnsiToWin32(sys.stderr)


def apply():
    log_lines = queue.SimpleQueue()
    logging.handlers.QueueListener(log_lines, logging.StreamHandler(_stderr())).start()
    logging.getLogger().addHandler(logging.handlers.QueueHandler(log_lines))
