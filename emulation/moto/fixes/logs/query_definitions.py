"""Logs Insights' saved queries: PutQueryDefinition, DescribeQueryDefinitions, DeleteQueryDefinition.

What moto does: 5.2.1 does not implement PutQueryDefinition (a 500, NotImplementedError), and the AWS provider
retries a 500 for many minutes: an apply with a saved Logs Insights query (envs/aws's observability)
never ended.

What AWS does: put answers an id (the same id updates the definition), describe lists the definitions by name
prefix, delete answers success.

This fix: the definitions are kept per Logs backend, with Logs' answers.
"""

import datetime
import json
import uuid

from moto.logs.responses import LogsResponse


def _query_definitions(response):
    return response.logs_backend.__dict__.setdefault("_query_definitions", {})


def _put_query_definition(self):
    definitions = _query_definitions(self)
    definition_id = self._get_param("queryDefinitionId") or str(uuid.uuid4())
    definitions[definition_id] = {
        "queryDefinitionId": definition_id,
        "name": self._get_param("name"),
        "queryString": self._get_param("queryString"),
        "logGroupNames": self._get_param("logGroupNames") or [],
        "lastModified": int(datetime.datetime.now(datetime.timezone.utc).timestamp() * 1000),
    }
    return json.dumps({"queryDefinitionId": definition_id})


def _describe_query_definitions(self):
    prefix = self._get_param("queryDefinitionNamePrefix") or ""
    found = [d for d in _query_definitions(self).values() if (d["name"] or "").startswith(prefix)]
    return json.dumps({"queryDefinitions": found})


def _delete_query_definition(self):
    removed = _query_definitions(self).pop(self._get_param("queryDefinitionId"), None)
    return json.dumps({"success": removed is not None})


def apply():
    LogsResponse.put_query_definition = _put_query_definition
    LogsResponse.describe_query_definitions = _describe_query_definitions
    LogsResponse.delete_query_definition = _delete_query_definition
