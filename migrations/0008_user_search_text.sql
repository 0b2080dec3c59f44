ALTER TABLE `users` ADD `search_text` text;--> statement-breakpoint
CREATE INDEX `users_search_unfolded` ON `users` (`id`) WHERE search_text is null;