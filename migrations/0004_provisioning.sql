ALTER TABLE `password_resets` ADD `purpose` text DEFAULT 'reset' NOT NULL;--> statement-breakpoint
ALTER TABLE `users` ADD `extra_info` text;--> statement-breakpoint
ALTER TABLE `users` ADD `import_id` text;