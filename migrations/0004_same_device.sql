ALTER TABLE `login_requests` ADD `attempt_hash` text;--> statement-breakpoint
ALTER TABLE `login_requests` ADD `link_hash` text;--> statement-breakpoint
CREATE INDEX `login_requests_link` ON `login_requests` (`link_hash`);