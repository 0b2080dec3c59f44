CREATE TABLE `announcements` (
	`id` text PRIMARY KEY NOT NULL,
	`tenant_id` text NOT NULL,
	`title` text NOT NULL,
	`body` text NOT NULL,
	`email` integer DEFAULT false NOT NULL,
	`plan_ids` text DEFAULT '[]' NOT NULL,
	`group_ids` text DEFAULT '[]' NOT NULL,
	`until` integer,
	`created_by` text,
	`created_at` integer NOT NULL,
	`updated_at` integer NOT NULL,
	FOREIGN KEY (`tenant_id`) REFERENCES `tenants`(`id`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
CREATE INDEX `announcements_tenant` ON `announcements` (`tenant_id`,`created_at`);--> statement-breakpoint
CREATE TABLE `billing_settings` (
	`tenant_id` text PRIMARY KEY NOT NULL,
	`currency` text DEFAULT 'EUR' NOT NULL,
	`invoice_day` integer DEFAULT 1 NOT NULL,
	`number_prefix` text DEFAULT 'INV' NOT NULL,
	`payment_terms_days` integer DEFAULT 14 NOT NULL,
	`default_tax_rate_bp` integer DEFAULT 0 NOT NULL,
	`seller_name` text,
	`seller_address` text DEFAULT '' NOT NULL,
	`seller_tax_id` text,
	`iban` text,
	`bic` text,
	`updated_at` integer NOT NULL,
	FOREIGN KEY (`tenant_id`) REFERENCES `tenants`(`id`) ON UPDATE no action ON DELETE cascade,
	CONSTRAINT "billing_settings_invoice_day" CHECK("billing_settings"."invoice_day" between 1 and 28),
	CONSTRAINT "billing_settings_terms" CHECK("billing_settings"."payment_terms_days" between 0 and 365),
	CONSTRAINT "billing_settings_tax_rate" CHECK("billing_settings"."default_tax_rate_bp" between 0 and 10000)
);
--> statement-breakpoint
CREATE TABLE `plan_groups` (
	`tenant_id` text NOT NULL,
	`plan_id` text NOT NULL,
	`group_id` text NOT NULL,
	PRIMARY KEY(`plan_id`, `group_id`),
	FOREIGN KEY (`plan_id`) REFERENCES `plans`(`id`) ON UPDATE no action ON DELETE cascade,
	FOREIGN KEY (`group_id`) REFERENCES `groups`(`id`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
CREATE INDEX `plan_groups_group` ON `plan_groups` (`tenant_id`,`group_id`);--> statement-breakpoint
CREATE TABLE `plan_memberships` (
	`id` text PRIMARY KEY NOT NULL,
	`tenant_id` text NOT NULL,
	`user_id` text NOT NULL,
	`plan_id` text NOT NULL,
	`status` text NOT NULL,
	`starts_on` text NOT NULL,
	`periods_from` text NOT NULL,
	`cancels_on` text,
	`change_plan_id` text,
	`change_on` text,
	`billing_name` text,
	`billing_address` text,
	`billing_tax_id` text,
	`created_at` integer NOT NULL,
	`confirmed_at` integer,
	`ended_at` integer,
	`updated_at` integer NOT NULL,
	FOREIGN KEY (`tenant_id`) REFERENCES `tenants`(`id`) ON UPDATE no action ON DELETE cascade,
	FOREIGN KEY (`user_id`) REFERENCES `users`(`id`) ON UPDATE no action ON DELETE cascade,
	FOREIGN KEY (`plan_id`) REFERENCES `plans`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`change_plan_id`) REFERENCES `plans`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE UNIQUE INDEX `plan_memberships_one_open` ON `plan_memberships` (`tenant_id`,`user_id`) WHERE status <> 'canceled';--> statement-breakpoint
CREATE INDEX `plan_memberships_tenant_status` ON `plan_memberships` (`tenant_id`,`status`);--> statement-breakpoint
CREATE INDEX `plan_memberships_user` ON `plan_memberships` (`tenant_id`,`user_id`,`created_at`);--> statement-breakpoint
CREATE TABLE `plans` (
	`id` text PRIMARY KEY NOT NULL,
	`tenant_id` text NOT NULL,
	`name` text NOT NULL,
	`description` text DEFAULT '' NOT NULL,
	`price_amount` integer NOT NULL,
	`currency` text NOT NULL,
	`interval_months` integer DEFAULT 1 NOT NULL,
	`tax_rate_bp` integer DEFAULT 0 NOT NULL,
	`approval_required` integer DEFAULT false NOT NULL,
	`hidden` integer DEFAULT false NOT NULL,
	`notice_days` integer DEFAULT 0 NOT NULL,
	`setup_fee_amount` integer DEFAULT 0 NOT NULL,
	`credit_minutes` integer DEFAULT 0 NOT NULL,
	`credit_categories` text DEFAULT '[]' NOT NULL,
	`archived_at` integer,
	`created_at` integer NOT NULL,
	`updated_at` integer NOT NULL,
	FOREIGN KEY (`tenant_id`) REFERENCES `tenants`(`id`) ON UPDATE no action ON DELETE cascade,
	CONSTRAINT "plans_price" CHECK("plans"."price_amount" >= 0 and "plans"."setup_fee_amount" >= 0 and "plans"."credit_minutes" >= 0),
	CONSTRAINT "plans_interval" CHECK("plans"."interval_months" between 1 and 12),
	CONSTRAINT "plans_notice" CHECK("plans"."notice_days" between 0 and 365),
	CONSTRAINT "plans_tax_rate" CHECK("plans"."tax_rate_bp" between 0 and 10000)
);
--> statement-breakpoint
CREATE INDEX `plans_tenant` ON `plans` (`tenant_id`,`archived_at`);--> statement-breakpoint
ALTER TABLE `tenants` ADD `welcome_message` text;--> statement-breakpoint
ALTER TABLE `tenants` ADD `cancellation_message` text;--> statement-breakpoint
ALTER TABLE `tenants` ADD `status` text;