DROP VIEW activity_view;
DROP TABLE activities;
DROP TABLE users;
