ALTER TABLE `oidc_codes` ADD `sid` text;--> statement-breakpoint
ALTER TABLE `oidc_codes` ADD `revoked_at` integer;--> statement-breakpoint
CREATE INDEX `oidc_codes_grant` ON `oidc_codes` (`grant_id`);--> statement-breakpoint
ALTER TABLE `oidc_tokens` ADD `sid` text;