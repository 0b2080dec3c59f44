CREATE TABLE `calendar_feeds` (
	`tenant_id` text NOT NULL,
	`user_id` text NOT NULL,
	`version` integer DEFAULT 0 NOT NULL,
	PRIMARY KEY(`tenant_id`, `user_id`),
	FOREIGN KEY (`user_id`) REFERENCES `users`(`id`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
ALTER TABLE `dev_mail` ADD `attachments` text;--> statement-breakpoint
ALTER TABLE `outbox` ADD `attachments` text;