"""SESv2 ListEmailIdentities, at the path today's SDKs send it to.

What moto does: it finds a REST request's operation by method and path in the service model of the
botocore it is installed with, where ListEmailIdentities is `GET /v2/email/identities`. Today's
SDKs (the AWS SDK for JavaScript's SESv2 client among them) send it as `POST /v2/email/list-identities`
with NextToken and PageSize in a JSON body; moto matches no operation and answers an HTML 404 page,
which the SDK cannot parse. And its paging names each identity by an attribute its identities do not
have (IdentityName): a list longer than one page fails with a 500.

What AWS does: it serves ListEmailIdentities at that path.

This fix: a `POST /v2/email/list-identities` is handed to moto as the `GET /v2/email/identities` it
knows, with the same JSON body, from which moto reads NextToken and PageSize (a query string would
give it PageSize as a string, which its pagination refuses); moto's answer is the same document. Its
paging names an identity by the attribute it has (email_identity).

Register: call apply() once before the server starts (server.local_endpoints, applied later, wraps
the same dispatch and leaves this request to it).
"""

from moto.moto_server.werkzeug_app import DomainDispatcherApplication
from moto.sesv2.models import PAGINATION_MODEL


def apply():
    PAGINATION_MODEL["list_email_identities"]["unique_attribute"] = "email_identity"
    dispatch = DomainDispatcherApplication.__call__

    def with_list_identities_path(self, environ, start_response):
        if environ.get("REQUEST_METHOD") == "POST" and environ.get("PATH_INFO") == "/v2/email/list-identities":
            # werkzeug's server also keeps the path as the client sent it: moto reads it there too.
            environ.update(
                REQUEST_METHOD="GET",
                PATH_INFO="/v2/email/identities",
                RAW_URI="/v2/email/identities",
                REQUEST_URI="/v2/email/identities",
            )
        return dispatch(self, environ, start_response)

    DomainDispatcherApplication.__call__ = with_list_identities_path
