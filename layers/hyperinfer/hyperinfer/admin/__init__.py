"""`hyperinfer admin`: workspaces, credits, keys and usage, straight against the DynamoDB table."""
