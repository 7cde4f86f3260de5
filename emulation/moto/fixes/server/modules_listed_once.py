"""moto_server finds a request's service without listing moto's package folder each time.

What moto does: every request takes one process-wide lock to find its service, and under it lists moto's
package folder (about 150 directory checks) to see whether the host names a moto module: the
emulator answers one request at a time there, and under load requests queue behind it for seconds.

What AWS does: each service has its own endpoint; finding it costs nothing.

This fix: the folder does not change while the server runs, so it is listed once.
"""

from moto import backends


def apply():
    moto_modules = frozenset(backends.list_of_moto_modules())
    backends.list_of_moto_modules = lambda: moto_modules
