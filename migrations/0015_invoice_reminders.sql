CREATE TABLE `invoice_reminders` (
	`tenant_id` text NOT NULL,
	`invoice_id` text NOT NULL,
	`step` integer NOT NULL,
	`sent_on` text NOT NULL,
	`mail_id` text NOT NULL,
	`created_at` integer NOT NULL,
	PRIMARY KEY(`invoice_id`, `step`),
	FOREIGN KEY (`tenant_id`) REFERENCES `tenants`(`id`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
CREATE INDEX `invoice_reminders_tenant` ON `invoice_reminders` (`tenant_id`,`sent_on`);--> statement-breakpoint
CREATE INDEX `invoices_open_due` ON `invoices` (`due_on`) WHERE status = 'open';