"""The OpenAPI 3.1 description of the reporter API, served at /api/v1/openapi.json."""

_ERROR = {"$ref": "#/components/schemas/Error"}


def _resp(description, schema=None):
    body = {"description": description}
    if schema is not None:
        body["content"] = {"application/json": {"schema": schema}}
    return body


_ERRORS = {
    "400": _resp("Invalid input (Indonesian message and a field map)", _ERROR),
    "429": _resp("Too many requests from this client", _ERROR),
}
_AUTH_ERRORS = {"401": _resp("Missing, wrong or expired token", _ERROR)}

_REPORT_FIELDS = {
    "category": {"type": "string", "description": "Category code (GET public/categories)"},
    "title": {"type": "string", "maxLength": 200},
    "description": {"type": "string", "minLength": 30, "maxLength": 20000},
    "unit": {"type": "integer", "description": "Perangkat Daerah id (GET public/units)"},
    "location": {"type": "string", "maxLength": 255},
    "incident_date": {"type": "string", "format": "date"},
    "period": {
        "type": "string",
        "maxLength": 120,
        "description": "Approximate period when the date is not known",
    },
    "accused": {
        "description": "JSON array (a string in multipart) of reported persons",
        "type": "array",
        "minItems": 1,
        "maxItems": 10,
        "items": {
            "type": "object",
            "required": ["name"],
            "properties": {
                "name": {"type": "string"},
                "position": {"type": "string"},
                "unit": {"type": "string"},
            },
        },
    },
    "estimated_loss": {"type": "string", "description": 'Rupiah, digits ("Rp1.000.000" ok)'},
    "reported_elsewhere": {"type": "boolean"},
    "reported_elsewhere_to": {"type": "string"},
    "reporter_type": {"type": "string", "enum": ["asn", "non_asn", "masyarakat"], "default": "asn"},
    "declaration": {"type": "boolean", "const": True},
    "identity_mode": {"type": "string", "enum": ["anonymous", "confidential"]},
    "identity": {
        "description": "JSON object (a string in multipart); required name when confidential",
        "type": "object",
        "properties": {
            "name": {"type": "string"},
            "nip": {"type": "string", "pattern": "^[0-9 ]{18,21}$"},
            "unit": {"type": "string"},
            "contact": {"type": "string"},
        },
    },
}

OPENAPI = {
    "openapi": "3.1.0",
    "info": {
        "title": "WBS — API Pelapor",
        "version": "1.0.0",
        "description": (
            "Reporter API of the Whistleblowing System. No account is needed: a report returns "
            "a registration number and a secret access code (shown once). The access code is "
            "exchanged for a bearer token; it is never sent in a URL. Error messages are in "
            "Bahasa Indonesia unless the request's Accept-Language asks for English."
        ),
    },
    "servers": [{"url": "/api/v1"}],
    "components": {
        "securitySchemes": {"reporterToken": {"type": "http", "scheme": "bearer"}},
        "schemas": {
            "Error": {
                "type": "object",
                "required": ["error", "fields"],
                "properties": {
                    "error": {"type": "string"},
                    "fields": {
                        "type": "object",
                        "additionalProperties": {"type": "array", "items": {"type": "string"}},
                    },
                },
            },
            "Count": {"oneOf": [{"type": "integer"}, {"type": "string", "pattern": "^<[0-9]+$"}]},
        },
    },
    "paths": {
        "/health": {
            "get": {
                "summary": "Liveness",
                "responses": {
                    "200": _resp(
                        "OK", {"type": "object", "properties": {"status": {"const": "ok"}}}
                    )
                },
            }
        },
        "/public/figures": {
            "get": {
                "summary": "Public figures (small counts suppressed)",
                "responses": {
                    "200": _resp(
                        "Figures",
                        {
                            "type": "object",
                            "properties": {
                                "received": {"$ref": "#/components/schemas/Count"},
                                "completed": {"$ref": "#/components/schemas/Count"},
                                "confidentiality": {"type": "string"},
                            },
                        },
                    )
                },
            }
        },
        "/public/categories": {
            "get": {
                "summary": "Categories of violation",
                "responses": {
                    "200": _resp(
                        "Categories",
                        {
                            "type": "object",
                            "properties": {
                                "categories": {
                                    "type": "array",
                                    "items": {
                                        "type": "object",
                                        "properties": {
                                            "code": {"type": "string"},
                                            "name": {"type": "string"},
                                            "description": {"type": "string"},
                                        },
                                    },
                                }
                            },
                        },
                    )
                },
            }
        },
        "/public/units": {
            "get": {
                "summary": "Perangkat Daerah",
                "responses": {
                    "200": _resp(
                        "Units",
                        {
                            "type": "object",
                            "properties": {
                                "units": {
                                    "type": "array",
                                    "items": {
                                        "type": "object",
                                        "properties": {
                                            "id": {"type": "integer"},
                                            "name": {"type": "string"},
                                            "kind": {"type": "string"},
                                        },
                                    },
                                }
                            },
                        },
                    )
                },
            }
        },
        "/reports": {
            "post": {
                "summary": "Submit a report",
                "requestBody": {
                    "required": True,
                    "content": {
                        "multipart/form-data": {
                            "schema": {
                                "type": "object",
                                "required": [
                                    "category",
                                    "title",
                                    "description",
                                    "unit",
                                    "accused",
                                    "declaration",
                                    "identity_mode",
                                ],
                                "properties": {
                                    **_REPORT_FIELDS,
                                    "attachments": {
                                        "type": "array",
                                        "items": {"type": "string", "format": "binary"},
                                    },
                                },
                            }
                        },
                        "application/json": {
                            "schema": {
                                "type": "object",
                                "required": [
                                    "category",
                                    "title",
                                    "description",
                                    "unit",
                                    "accused",
                                    "declaration",
                                    "identity_mode",
                                ],
                                "properties": _REPORT_FIELDS,
                            }
                        },
                    },
                },
                "responses": {
                    "201": _resp(
                        "Stored. Show the access code to the reporter once.",
                        {
                            "type": "object",
                            "properties": {
                                "registration_number": {"type": "string"},
                                "access_code": {"type": "string"},
                            },
                        },
                    ),
                    "413": _resp("Upload too large", _ERROR),
                    "415": _resp("Unsupported content type", _ERROR),
                    **_ERRORS,
                },
            }
        },
        "/reporter/session": {
            "post": {
                "summary": "Exchange an access code for a bearer token",
                "requestBody": {
                    "required": True,
                    "content": {
                        "application/json": {
                            "schema": {
                                "type": "object",
                                "required": ["access_code"],
                                "properties": {"access_code": {"type": "string"}},
                            }
                        }
                    },
                },
                "responses": {
                    "200": _resp(
                        "Token",
                        {
                            "type": "object",
                            "properties": {
                                "token": {"type": "string"},
                                "expires_in": {"type": "integer"},
                            },
                        },
                    ),
                    "401": _resp("Unknown code (one generic answer)", _ERROR),
                    **_ERRORS,
                },
            },
            "delete": {
                "summary": "End the session",
                "security": [{"reporterToken": []}],
                "responses": {"204": {"description": "Ended"}, **_AUTH_ERRORS},
            },
        },
        "/reporter/report": {
            "get": {
                "summary": "The reporter's report: status, timeline, messages, attachment names",
                "security": [{"reporterToken": []}],
                "responses": {"200": _resp("Report", {"type": "object"}), **_AUTH_ERRORS},
            }
        },
        "/reporter/messages": {
            "post": {
                "summary": "Send a message to the Tim WBS",
                "security": [{"reporterToken": []}],
                "requestBody": {
                    "required": True,
                    "content": {
                        "application/json": {
                            "schema": {
                                "type": "object",
                                "required": ["body"],
                                "properties": {"body": {"type": "string", "maxLength": 10000}},
                            }
                        }
                    },
                },
                "responses": {"201": _resp("Sent", {"type": "object"}), **_AUTH_ERRORS, **_ERRORS},
            }
        },
        "/reporter/attachments": {
            "post": {
                "summary": "Add evidence",
                "security": [{"reporterToken": []}],
                "requestBody": {
                    "required": True,
                    "content": {
                        "multipart/form-data": {
                            "schema": {
                                "type": "object",
                                "required": ["attachments"],
                                "properties": {
                                    "attachments": {
                                        "type": "array",
                                        "items": {"type": "string", "format": "binary"},
                                    },
                                    "note": {"type": "string"},
                                },
                            }
                        }
                    },
                },
                "responses": {
                    "201": _resp(
                        "Added", {"type": "object", "properties": {"added": {"type": "integer"}}}
                    ),
                    **_AUTH_ERRORS,
                    **_ERRORS,
                },
            }
        },
    },
}
