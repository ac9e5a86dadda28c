"""The published API description."""

from __future__ import annotations


def test_openapi_documents_the_create_operation_with_the_seed_example(client):
    schema = client.get("/openapi.json").json()
    operation = schema["paths"]["/api/v1/time-entry"]["post"]
    request_schema = schema["components"]["schemas"]["TimeEntryCreate"]
    assert request_schema["examples"][0]["total_time_in_minutes"] == 200
    example = operation["responses"]["200"]["content"]["application/json"]["example"]
    assert example["total_time_in_minutes"] == 45
    assert {"401", "403", "422"} <= set(operation["responses"])
    assert "HTTPBearer" in schema["components"]["securitySchemes"]


def test_interactive_docs_are_served(client):
    response = client.get("/docs")
    assert response.status_code == 200
    assert "swagger" in response.text.lower()
