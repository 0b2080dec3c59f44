ALTER TABLE `invitations` ADD `reminder_token_hash` text;--> statement-breakpoint
CREATE UNIQUE INDEX `invitations_reminder_token_hash_unique` ON `invitations` (`reminder_token_hash`);