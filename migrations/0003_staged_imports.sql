ALTER TABLE `invitations` ADD `import_id` text;--> statement-breakpoint
CREATE INDEX `invitations_import` ON `invitations` (`import_id`);--> statement-breakpoint
ALTER TABLE `outbox` ADD `import_id` text;--> statement-breakpoint
CREATE INDEX `outbox_import` ON `outbox` (`import_id`);