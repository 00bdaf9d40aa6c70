CREATE TABLE `handoff_codes` (
	`code_hash` text PRIMARY KEY NOT NULL,
	`session_id` text NOT NULL,
	`app` text NOT NULL,
	`origin` text NOT NULL,
	`path` text NOT NULL,
	`state_hash` text NOT NULL,
	`expires_at` integer NOT NULL
);
