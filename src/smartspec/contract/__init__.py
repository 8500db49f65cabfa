"""From a spec to its API contract: OpenAPI 3.1 export and the drift check between a spec and
an OpenAPI document."""
