"""SES: the emulator keeps only the latest emails it accepted, not all of them.

What moto does: every SendEmail (SESv2 included, which moto serves with its SES backend) appends the
message, its recipients, subject and body, to the backend's `sent_messages`, a list that is never
emptied. The launcher serves it at LocalStack's `GET /_aws/ses` for the console and the tests. A stack
left running all day keeps every email of the day in memory: two per order.

What AWS does: SES keeps no copy of a message it accepted; there is no API to read sent emails. Its
counters (GetSendQuota's sent in the last 24 hours, GetSendStatistics) are counts, which moto keeps
apart (`sent_message_count`) and this fix leaves alone.

This fix keeps the latest MOTO_SES_KEPT_EMAILS (default 1000) per region, oldest dropped first:
`GET /_aws/ses` answers the latest ones, enough for the console's recent emails and for a test that
reads the emails of the orders it just placed; a reader that must see every email (make soak) reads
them as they come, more often than that many are sent.

Register: call apply() once after moto's SES models are imported, before the server starts.
"""

from bounded import keep_latest
from moto.ses.models import SESBackend


def apply():
    """Every SES backend created from now on keeps its latest MOTO_SES_KEPT_EMAILS emails."""
    keep_latest(SESBackend, "sent_messages", "MOTO_SES_KEPT_EMAILS", 1000)
