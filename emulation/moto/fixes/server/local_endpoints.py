"""Endpoints beside the AWS APIs, under /_aws/ as LocalStack keeps its own.

What moto does: moto_server answers AWS APIs and its own /moto-api/; any other path goes to a service's backend.

What AWS does: no such endpoints (they belong to emulators: LocalStack answers GET /_aws/ses, for one).

This fix: a request whose method and path a fix has routed here (route()) is answered with that fix's
JSON document; every other request goes to moto_server's dispatch as before. The routes:
ses/sent_emails.py's GET /_aws/ses and dynamodbstreams/wait_for_record.py's POST /_aws/dynamodbstreams/wait.
"""

import json

from moto.moto_server.werkzeug_app import DomainDispatcherApplication

_routes = {}


def route(method, path, answer):
    """Answers METHOD PATH with answer(environ) -> (status line, JSON document)."""
    _routes[(method, path)] = answer


def apply():
    dispatch = DomainDispatcherApplication.__call__

    def with_local_endpoints(self, environ, start_response):
        answer = _routes.get((environ.get("REQUEST_METHOD"), environ.get("PATH_INFO")))
        if answer is None:
            return dispatch(self, environ, start_response)
        status, document = answer(environ)
        body = json.dumps(document).encode()
        start_response(status, [("Content-Type", "application/json"), ("Content-Length", str(len(body)))])
        return [body]

    DomainDispatcherApplication.__call__ = with_local_endpoints
