DROP TRIGGER activities_notify ON activities;
DROP FUNCTION activities_notify();
DROP FUNCTION notifications_for(activities);
DROP TABLE notifications;
DROP INDEX activities_created_idx;
