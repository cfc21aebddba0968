-- Something changed in these people's conversations (a message sent or received, a conversation read): their
-- unread-messages count must be asked of DynamoDB again (cruddur/services/live.py).
UPDATE users SET messages_version = messages_version + 1 WHERE uuid = ANY(%(uuids)s::uuid[])
