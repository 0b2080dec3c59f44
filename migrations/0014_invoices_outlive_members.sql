PRAGMA foreign_keys=OFF;--> statement-breakpoint
CREATE TABLE `__new_invoices` (
	`id` text PRIMARY KEY NOT NULL,
	`tenant_id` text NOT NULL,
	`user_id` text,
	`membership_id` text,
	`number` text NOT NULL,
	`status` text DEFAULT 'open' NOT NULL,
	`issued_on` text NOT NULL,
	`due_on` text NOT NULL,
	`seller` text NOT NULL,
	`buyer` text NOT NULL,
	`lines` text NOT NULL,
	`subtotal` integer NOT NULL,
	`tax` integer NOT NULL,
	`total` integer NOT NULL,
	`paid` integer DEFAULT 0 NOT NULL,
	`currency` text NOT NULL,
	`created_at` integer NOT NULL,
	FOREIGN KEY (`tenant_id`) REFERENCES `tenants`(`id`) ON UPDATE no action ON DELETE cascade,
	FOREIGN KEY (`user_id`) REFERENCES `users`(`id`) ON UPDATE no action ON DELETE set null
);
--> statement-breakpoint
INSERT INTO `__new_invoices`("id", "tenant_id", "user_id", "membership_id", "number", "status", "issued_on", "due_on", "seller", "buyer", "lines", "subtotal", "tax", "total", "paid", "currency", "created_at") SELECT "id", "tenant_id", "user_id", "membership_id", "number", "status", "issued_on", "due_on", "seller", "buyer", "lines", "subtotal", "tax", "total", "paid", "currency", "created_at" FROM `invoices`;--> statement-breakpoint
DROP TABLE `invoices`;--> statement-breakpoint
ALTER TABLE `__new_invoices` RENAME TO `invoices`;--> statement-breakpoint
PRAGMA foreign_keys=ON;--> statement-breakpoint
CREATE UNIQUE INDEX `invoices_number` ON `invoices` (`tenant_id`,`number`);--> statement-breakpoint
CREATE INDEX `invoices_user` ON `invoices` (`tenant_id`,`user_id`,`issued_on`);--> statement-breakpoint
CREATE INDEX `invoices_tenant_issued` ON `invoices` (`tenant_id`,`issued_on`);