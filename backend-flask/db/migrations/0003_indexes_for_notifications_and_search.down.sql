-- pg_trgm stays, as pgcrypto does in 0001: other objects may have come to rely on it since.
DROP INDEX activities_created_idx;
DROP INDEX activities_message_trgm_idx;
