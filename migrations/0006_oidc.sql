CREATE TABLE `oidc_clients` (
	`client_id` text PRIMARY KEY NOT NULL,
	`name` text NOT NULL,
	`type` text NOT NULL,
	`secret_hash` text,
	`redirect_uris` text NOT NULL,
	`post_logout_redirect_uris` text DEFAULT '[]' NOT NULL,
	`app` text,
	`id_token_alg` text DEFAULT 'RS256' NOT NULL,
	`created_at` integer NOT NULL
);
--> statement-breakpoint
CREATE TABLE `oidc_codes` (
	`code_hash` text PRIMARY KEY NOT NULL,
	`grant_id` text NOT NULL,
	`client_id` text NOT NULL,
	`user_id` text NOT NULL,
	`redirect_uri` text NOT NULL,
	`code_challenge` text,
	`scope` text NOT NULL,
	`nonce` text,
	`security_stamp` text NOT NULL,
	`auth_time` integer NOT NULL,
	`amr` text NOT NULL,
	`ip` text,
	`country` text,
	`expires_at` integer NOT NULL,
	`used_at` integer,
	FOREIGN KEY (`client_id`) REFERENCES `oidc_clients`(`client_id`) ON UPDATE no action ON DELETE cascade,
	FOREIGN KEY (`user_id`) REFERENCES `users`(`id`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
CREATE INDEX `oidc_codes_expires` ON `oidc_codes` (`expires_at`);--> statement-breakpoint
CREATE TABLE `oidc_tokens` (
	`token_hash` text PRIMARY KEY NOT NULL,
	`kind` text NOT NULL,
	`grant_id` text NOT NULL,
	`client_id` text NOT NULL,
	`user_id` text NOT NULL,
	`scope` text NOT NULL,
	`security_stamp` text NOT NULL,
	`auth_time` integer NOT NULL,
	`amr` text NOT NULL,
	`ip` text,
	`country` text,
	`created_at` integer NOT NULL,
	`expires_at` integer NOT NULL,
	`rotated_at` integer,
	`revoked_at` integer,
	FOREIGN KEY (`client_id`) REFERENCES `oidc_clients`(`client_id`) ON UPDATE no action ON DELETE cascade,
	FOREIGN KEY (`user_id`) REFERENCES `users`(`id`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
CREATE INDEX `oidc_tokens_grant` ON `oidc_tokens` (`grant_id`);--> statement-breakpoint
CREATE INDEX `oidc_tokens_user` ON `oidc_tokens` (`user_id`);--> statement-breakpoint
CREATE INDEX `oidc_tokens_expires` ON `oidc_tokens` (`expires_at`);