"""Open data: the Atom feed and the JSON API (/api/v1) with its OpenAPI document."""
