"""The OpenAPI 3.1 document of /api/v1 (its schemas are plain JSON Schema 2020-12)."""

from __future__ import annotations

NULLABLE_STRING = {"type": ["string", "null"]}

SCHEMAS = {
    "Honor": {
        "type": "object",
        "additionalProperties": False,
        "required": [
            "program",
            "program_name",
            "level",
            "award",
            "period",
            "period_start",
            "category",
            "published_at",
        ],
        "properties": {
            "program": {"type": "string"},
            "program_name": {"type": "string"},
            "level": {"enum": ["city", "province", "nation"]},
            "award": {"enum": ["honoree", "nomination_award"]},
            "period": {"type": "string"},
            "period_start": {"type": "string", "format": "date"},
            "category": NULLABLE_STRING,
            "published_at": NULLABLE_STRING,
        },
    },
    "Honoree": {
        "type": "object",
        "additionalProperties": False,
        "required": ["slug", "name", "kind", "headline", "district", "unit", "url"],
        "properties": {
            "slug": {"type": "string"},
            "name": {"type": "string"},
            "kind": {"enum": ["individual", "group"]},
            "headline": {"type": "string"},
            "district": NULLABLE_STRING,
            "unit": NULLABLE_STRING,
            "url": {"type": "string"},
        },
    },
    "RollEntry": {
        "type": "object",
        "additionalProperties": False,
        "required": ["honoree", "honor"],
        "properties": {
            "honoree": {"$ref": "#/components/schemas/Honoree"},
            "honor": {"$ref": "#/components/schemas/Honor"},
        },
    },
    "HonoreeList": {
        "type": "object",
        "additionalProperties": False,
        "required": ["items", "page", "per_page", "total", "pages"],
        "properties": {
            "items": {"type": "array", "items": {"$ref": "#/components/schemas/RollEntry"}},
            "page": {"type": "integer", "minimum": 1},
            "per_page": {"type": "integer", "minimum": 1},
            "total": {"type": "integer", "minimum": 0},
            "pages": {"type": "integer", "minimum": 1},
        },
    },
    "HonoreeDetail": {
        "type": "object",
        "additionalProperties": False,
        "required": ["honoree", "summary", "story_html", "members", "honors"],
        "properties": {
            "honoree": {"$ref": "#/components/schemas/Honoree"},
            "summary": {"type": "string"},
            "story_html": {"type": "string"},
            "members": {
                "type": "array",
                "items": {
                    "type": "object",
                    "additionalProperties": False,
                    "required": ["name", "post"],
                    "properties": {"name": {"type": "string"}, "post": NULLABLE_STRING},
                },
            },
            "honors": {"type": "array", "items": {"$ref": "#/components/schemas/Honor"}},
        },
    },
    "Program": {
        "type": "object",
        "additionalProperties": False,
        "required": ["code", "name_zh", "name_en", "level", "external", "cadence", "quota"],
        "properties": {
            "code": {"type": "string"},
            "name_zh": {"type": "string"},
            "name_en": {"type": "string"},
            "level": {"enum": ["city", "province", "nation"]},
            "external": {"type": "boolean"},
            "cadence": {"enum": ["monthly", "quarterly", "annual", "biennial", "irregular"]},
            "quota": {"type": ["integer", "null"]},
        },
    },
    "ProgramList": {
        "type": "object",
        "additionalProperties": False,
        "required": ["items"],
        "properties": {
            "items": {"type": "array", "items": {"$ref": "#/components/schemas/Program"}}
        },
    },
    "Stats": {
        "type": "object",
        "additionalProperties": False,
        "required": ["headline", "by_program"],
        "properties": {
            "headline": {"type": "object", "additionalProperties": {"type": ["integer", "string"]}},
            "by_program": {
                "type": "array",
                "items": {
                    "type": "object",
                    "additionalProperties": False,
                    "required": ["program", "level", "individuals", "groups"],
                    "properties": {
                        "program": {"type": "string"},
                        "level": {"enum": ["city", "province", "nation"]},
                        "individuals": {"type": "integer"},
                        "groups": {"type": "integer"},
                    },
                },
            },
        },
    },
    "Error": {
        "type": "object",
        "required": ["error", "message"],
        "properties": {"error": {"type": "string"}, "message": {"type": "string"}},
    },
}


def _query(name: str, schema: dict, description: str) -> dict:
    return {
        "name": name,
        "in": "query",
        "required": False,
        "schema": schema,
        "description": description,
    }


FILTERS = [
    _query("program", {"type": "string"}, "program code, e.g. luohe_good"),
    _query("level", {"enum": ["city", "province", "nation"]}, "list level"),
    _query("year", {"type": "integer"}, "year of the period"),
    _query("period", {"type": "string"}, "period label, e.g. 2026-09"),
    _query("category", {"type": "string"}, "category code"),
    _query("district", {"type": "integer"}, "district id"),
    _query("kind", {"enum": ["individual", "group"]}, "individuals or groups"),
    _query("q", {"type": "string", "maxLength": 50}, "search text (Chinese substrings)"),
    _query("page", {"type": "integer", "minimum": 1}, "page number"),
    _query("per_page", {"type": "integer", "minimum": 1, "maximum": 100}, "page size"),
]


def _response(schema: str, description: str = "OK") -> dict:
    return {
        "description": description,
        "content": {"application/json": {"schema": {"$ref": f"#/components/schemas/{schema}"}}},
    }


def document(server_url: str) -> dict:
    return {
        "openapi": "3.1.0",
        "info": {
            "title": "漯河好人榜 open data",
            "version": "1.0.0",
            "description": "Published honors of Luohe. Public fields only.",
        },
        "servers": [{"url": server_url}],
        "paths": {
            "/api/v1/honorees": {
                "get": {
                    "summary": "Published honors (one entry per honor), filtered like /roll",
                    "parameters": FILTERS,
                    "responses": {"200": _response("HonoreeList")},
                }
            },
            "/api/v1/honorees/{slug}": {
                "get": {
                    "summary": "One honoree with every published honor",
                    "parameters": [
                        {
                            "name": "slug",
                            "in": "path",
                            "required": True,
                            "schema": {"type": "string"},
                        }
                    ],
                    "responses": {
                        "200": _response("HonoreeDetail"),
                        "404": _response("Error", "Unknown"),
                        "410": _response("Error", "Taken down"),
                    },
                }
            },
            "/api/v1/programs": {
                "get": {"summary": "Programs", "responses": {"200": _response("ProgramList")}}
            },
            "/api/v1/stats": {
                "get": {
                    "summary": "Headline figures and totals per program",
                    "responses": {"200": _response("Stats")},
                }
            },
        },
        "components": {"schemas": SCHEMAS},
    }
