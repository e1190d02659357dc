"""The DynamoDB table's key schema, in one place for the local emulator and for ``infra/``.

Single-table design: every item has ``pk`` and ``sk``; ``gsi1`` lists what belongs to a workspace.
Items written so far:
- workspace  pk=WS#<id>        sk=WS    name, balance_micro_usd, locked, created_at
- api key    pk=KEY#<sha256>   sk=KEY   key_id, prefix, name, workspace_id, revoked, created_at;
                                        gsi1pk=WS#<id>, gsi1sk=KEY#<created_at>
"""

from __future__ import annotations

from typing import Any

PARTITION_KEY = "pk"
SORT_KEY = "sk"
GSI1 = "gsi1"
GSI1_PARTITION_KEY = "gsi1pk"
GSI1_SORT_KEY = "gsi1sk"
TTL_ATTRIBUTE = "expires_at"


def create_table_request(table_name: str) -> dict[str, Any]:
    """Arguments of DynamoDB CreateTable for this schema (on-demand billing)."""
    return {
        "TableName": table_name,
        "BillingMode": "PAY_PER_REQUEST",
        "AttributeDefinitions": [
            {"AttributeName": name, "AttributeType": "S"}
            for name in (PARTITION_KEY, SORT_KEY, GSI1_PARTITION_KEY, GSI1_SORT_KEY)
        ],
        "KeySchema": [
            {"AttributeName": PARTITION_KEY, "KeyType": "HASH"},
            {"AttributeName": SORT_KEY, "KeyType": "RANGE"},
        ],
        "GlobalSecondaryIndexes": [
            {
                "IndexName": GSI1,
                "KeySchema": [
                    {"AttributeName": GSI1_PARTITION_KEY, "KeyType": "HASH"},
                    {"AttributeName": GSI1_SORT_KEY, "KeyType": "RANGE"},
                ],
                "Projection": {"ProjectionType": "ALL"},
            }
        ],
    }
