"""Where the emulator's CPU goes (MOTO_PROFILE=<file>): no fix of moto, a measurement of it.

A sampler thread reads every thread's stack 100 times a second and weighs it by the CPU time the
thread used since the last look (/proc/self/task/<tid>/schedstat, in nanoseconds): a thread that
waits for a socket, a lock, the GIL or a long poll costs nothing. Collapsed stacks, "a;b;c µs",
are rewritten to <file> every few seconds (flame-graph tools read the format; so does `sort -k2 -n`).
And each request's own CPU (parsing, the work, the answer), by service and operation, goes to
<file>.calls.json: what one call costs the emulator. bench/README.md says how to read them.
"""

import functools
import json
import os
import sys
import threading
import time

_call_cpu = {}
_request = threading.local()


def _frame_name(frame):
    code = frame.f_code
    return f"{code.co_filename.rsplit('site-packages/', 1)[-1]}:{code.co_name}"


def _cpu_ns(native_id):
    try:
        with open(f"/proc/self/task/{native_id}/schedstat") as stat:
            return int(stat.read().split()[0])
    except (OSError, ValueError):
        return None


def _sample_forever(path, interval=0.01, every=5.0):
    import collections

    stacks = collections.Counter()
    seen = {}  # native thread id → CPU ns at the last look
    me = threading.get_ident()
    written = time.monotonic()
    while True:
        time.sleep(interval)
        frames = sys._current_frames()
        for thread in threading.enumerate():
            frame = frames.get(thread.ident)
            if thread.ident == me or frame is None or thread.native_id is None:
                continue
            used = _cpu_ns(thread.native_id)
            if used is None:
                continue
            # A thread first seen now spent all of its CPU since it began (one per connection: most are new).
            spent, seen[thread.native_id] = used - seen.get(thread.native_id, 0), used
            if spent <= 0:
                continue
            names = []
            while frame is not None:
                names.append(_frame_name(frame))
                frame = frame.f_back
            stacks[";".join(reversed(names))] += spent // 1000
        if time.monotonic() - written >= every:
            written = time.monotonic()
            live = {thread.native_id for thread in threading.enumerate()}
            for gone in seen.keys() - live:
                del seen[gone]
            with open(path + ".tmp", "w") as out:
                out.writelines(f"{stack} {count}\n" for stack, count in stacks.most_common())
            os.replace(path + ".tmp", path)
            with open(path + ".calls.tmp", "w") as out:
                json.dump({"processCpuMs": round(time.process_time() * 1000), "byCall": dict(sorted(_call_cpu.items()))}, out, indent=1)
            os.replace(path + ".calls.tmp", path + ".calls.json")


def _call_name(environ):
    target = environ.get("HTTP_X_AMZ_TARGET")
    scope = environ.get("HTTP_AUTHORIZATION", "").split("Credential=", 1)[-1].split("/")
    service = scope[3] if len(scope) > 3 else "?"
    return f"{service}.{target.rsplit('.', 1)[-1]}" if target else f"{service} {environ.get('REQUEST_METHOD')} {environ.get('PATH_INFO', '')[:40]}"


def _measured(handle_one_request):
    @functools.wraps(handle_one_request)
    def handle(self):
        began = time.thread_time()
        _request.name = None
        handle_one_request(self)
        name = _request.name
        if name is not None:
            calls, cpu = _call_cpu.get(name, (0, 0.0))
            _call_cpu[name] = (calls + 1, round(cpu + (time.thread_time() - began) * 1000, 3))

    return handle


def apply(path):
    """Names each request as moto_server dispatches it, times it, and starts the sampler; applied after the fixes."""
    import werkzeug.serving
    from moto.moto_server.werkzeug_app import DomainDispatcherApplication

    dispatch = DomainDispatcherApplication.__call__

    def named(self, environ, start_response):
        _request.name = _call_name(environ)
        return dispatch(self, environ, start_response)

    DomainDispatcherApplication.__call__ = named
    werkzeug.serving.WSGIRequestHandler.handle_one_request = _measured(werkzeug.serving.WSGIRequestHandler.handle_one_request)
    threading.Thread(target=_sample_forever, args=(path,), daemon=True, name="profile").start()
