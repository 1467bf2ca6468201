from django.urls import reverse


def test_the_schema_describes_a_webhook_batch_as_the_feed_page_the_api_serves(client, db):
    schema = client.get(reverse("schema"), HTTP_ACCEPT="application/vnd.oai.openapi+json").json()

    batch = schema["webhooks"]["changes"]["post"]
    feed_page = schema["paths"]["/api/v1/changes/"]["get"]["responses"]["200"]["content"]["application/json"]
    assert batch["requestBody"]["content"]["application/json"]["schema"] == {"$ref": "#/components/schemas/ChangePage"}
    assert feed_page["schema"] == {"$ref": "#/components/schemas/ChangePage"}
    assert batch["operationId"] == "changes_webhook_post"
    assert batch["security"] == []
    assert "webhook-signature" in batch["description"]
    assert set(batch["responses"]) == {"200", "410"}
