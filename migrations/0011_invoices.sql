CREATE TABLE `charges` (
	`id` text PRIMARY KEY NOT NULL,
	`tenant_id` text NOT NULL,
	`user_id` text NOT NULL,
	`membership_id` text,
	`kind` text NOT NULL,
	`description` text NOT NULL,
	`amount` integer NOT NULL,
	`currency` text NOT NULL,
	`tax_rate_bp` integer DEFAULT 0 NOT NULL,
	`period_start` text,
	`period_end` text,
	`invoice_id` text,
	`created_at` integer NOT NULL,
	FOREIGN KEY (`tenant_id`) REFERENCES `tenants`(`id`) ON UPDATE no action ON DELETE cascade,
	FOREIGN KEY (`user_id`) REFERENCES `users`(`id`) ON UPDATE no action ON DELETE cascade,
	FOREIGN KEY (`membership_id`) REFERENCES `plan_memberships`(`id`) ON UPDATE no action ON DELETE set null,
	CONSTRAINT "charges_tax_rate" CHECK("charges"."tax_rate_bp" between 0 and 10000)
);
--> statement-breakpoint
CREATE UNIQUE INDEX `charges_membership_period` ON `charges` (`membership_id`,`kind`,`period_start`) WHERE membership_id is not null and period_start is not null;--> statement-breakpoint
CREATE INDEX `charges_user` ON `charges` (`tenant_id`,`user_id`,`invoice_id`);--> statement-breakpoint
CREATE INDEX `charges_invoice` ON `charges` (`invoice_id`);--> statement-breakpoint
CREATE TABLE `document_counters` (
	`tenant_id` text NOT NULL,
	`series` text NOT NULL,
	`year` integer NOT NULL,
	`sequence` integer NOT NULL,
	PRIMARY KEY(`tenant_id`, `series`, `year`),
	FOREIGN KEY (`tenant_id`) REFERENCES `tenants`(`id`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
CREATE TABLE `invoices` (
	`id` text PRIMARY KEY NOT NULL,
	`tenant_id` text NOT NULL,
	`user_id` text NOT NULL,
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
	FOREIGN KEY (`user_id`) REFERENCES `users`(`id`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
CREATE UNIQUE INDEX `invoices_number` ON `invoices` (`tenant_id`,`number`);--> statement-breakpoint
CREATE INDEX `invoices_user` ON `invoices` (`tenant_id`,`user_id`,`issued_on`);--> statement-breakpoint
CREATE INDEX `invoices_tenant_issued` ON `invoices` (`tenant_id`,`issued_on`);