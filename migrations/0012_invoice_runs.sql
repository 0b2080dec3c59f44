CREATE TABLE `invoice_runs` (
	`tenant_id` text NOT NULL,
	`day` text NOT NULL,
	`finished_at` integer NOT NULL,
	PRIMARY KEY(`tenant_id`, `day`),
	FOREIGN KEY (`tenant_id`) REFERENCES `tenants`(`id`) ON UPDATE no action ON DELETE cascade
);
