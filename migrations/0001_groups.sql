CREATE TABLE `group_bans` (
	`tenant_id` text NOT NULL,
	`group_id` text NOT NULL,
	`user_id` text NOT NULL,
	`banned_by` text NOT NULL,
	`created_at` integer NOT NULL,
	PRIMARY KEY(`group_id`, `user_id`),
	FOREIGN KEY (`group_id`) REFERENCES `groups`(`id`) ON UPDATE no action ON DELETE cascade,
	FOREIGN KEY (`user_id`) REFERENCES `users`(`id`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
CREATE INDEX `groups_tenant_previous_slug` ON `groups` (`tenant_id`,`previous_slug`);--> statement-breakpoint
CREATE INDEX `groups_deleted` ON `groups` (`deleted_at`);--> statement-breakpoint
CREATE INDEX `memberships_group_role` ON `memberships` (`group_id`,`role`,`created_at`);