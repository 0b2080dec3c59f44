ALTER TABLE `outbox` ADD `batch_id` text;--> statement-breakpoint
CREATE INDEX `outbox_batch` ON `outbox` (`batch_id`);