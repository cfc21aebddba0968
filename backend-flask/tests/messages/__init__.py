"""Direct messages: the DynamoDB store, the endpoints and the bin/ddb commands."""
