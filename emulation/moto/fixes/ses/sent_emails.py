"""GET /_aws/ses lists the emails SES accepted, as LocalStack answers it.

What moto does: it keeps the emails SES accepted, with no time, and has no API for them.

What AWS does: sent mail leaves for its recipients; there is nothing to list. LocalStack answers
GET /_aws/ses with what it accepted, so that a local console (and any script written against
LocalStack) can show what was sent.

This fix: each accepted email is stamped with the time it was sent, and GET /_aws/ses answers
{"messages": [{Id, Region, Source, Destination, Subject, Body, Timestamp}]}, oldest first (raw and
templated messages are left out).
"""

import datetime
import functools

from moto.ses.models import SESBackend, ses_backends

from ..server import local_endpoints


def _sent_emails():
    messages = []
    for account_id, regions in ses_backends.items():
        for region, backend in regions.items():
            for message in backend.sent_messages:
                if not hasattr(message, "subject"):
                    continue  # raw and templated messages
                messages.append({
                    "Id": message.id,
                    "Region": region,
                    "Source": message.source,
                    "Destination": message.destinations,
                    "Subject": message.subject,
                    "Body": {"text_part": message.body, "html_part": None},
                    "Timestamp": getattr(message, "timestamp", None),
                })
    return sorted(messages, key=lambda m: m["Timestamp"] or "")


def apply():
    send_email = SESBackend.send_email

    @functools.wraps(send_email)
    def stamped_send_email(self, *args, **kwargs):
        message = send_email(self, *args, **kwargs)
        message.timestamp = datetime.datetime.now(datetime.timezone.utc).isoformat(timespec="milliseconds").replace("+00:00", "Z")
        return message

    SESBackend.send_email = stamped_send_email
    local_endpoints.route("GET", "/_aws/ses", lambda environ: ("200 OK", {"messages": _sent_emails()}))
