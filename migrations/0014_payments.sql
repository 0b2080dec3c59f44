CREATE TABLE `payments` (
	`id` text PRIMARY KEY NOT NULL,
	`tenant_id` text NOT NULL,
	`invoice_id` text NOT NULL,
	`user_id` text NOT NULL,
	`amount` integer NOT NULL,
	`currency` text NOT NULL,
	`method` text NOT NULL,
	`paid_on` text NOT NULL,
	`note` text,
	`provider_ref` text,
	`created_by` text,
	`created_at` integer NOT NULL,
	FOREIGN KEY (`tenant_id`) REFERENCES `tenants`(`id`) ON UPDATE no action ON DELETE cascade,
	FOREIGN KEY (`invoice_id`) REFERENCES `invoices`(`id`) ON UPDATE no action ON DELETE cascade,
	CONSTRAINT "payments_amount" CHECK("payments"."amount" > 0)
);
--> statement-breakpoint
CREATE UNIQUE INDEX `payments_provider_ref` ON `payments` (`tenant_id`,`provider_ref`) WHERE provider_ref is not null;--> statement-breakpoint
CREATE INDEX `payments_invoice` ON `payments` (`invoice_id`,`paid_on`);--> statement-breakpoint
ALTER TABLE `invoices` ADD `void_reason` text;--> statement-breakpoint
ALTER TABLE `invoices` ADD `voided_at` integer;--> statement-breakpoint
ALTER TABLE `invoices` ADD `credit_note_number` text;--> statement-breakpoint
ALTER TABLE `invoices` ADD `credit_note_issued_on` text;--> statement-breakpoint
CREATE UNIQUE INDEX `invoices_credit_note_number` ON `invoices` (`tenant_id`,`credit_note_number`) WHERE credit_note_number is not null;