CREATE TABLE `event_registrations` (
	`id` text PRIMARY KEY NOT NULL,
	`tenant_id` text NOT NULL,
	`event_id` text NOT NULL,
	`user_id` text NOT NULL,
	`status` text NOT NULL,
	`position` integer NOT NULL,
	`answers` text DEFAULT '{}' NOT NULL,
	`charge_id` text,
	`reminded_at` integer,
	`promoted_at` integer,
	`created_at` integer NOT NULL,
	FOREIGN KEY (`tenant_id`) REFERENCES `tenants`(`id`) ON UPDATE no action ON DELETE cascade,
	FOREIGN KEY (`event_id`) REFERENCES `events`(`id`) ON UPDATE no action ON DELETE cascade,
	FOREIGN KEY (`user_id`) REFERENCES `users`(`id`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
CREATE UNIQUE INDEX `event_registrations_event_user` ON `event_registrations` (`event_id`,`user_id`);--> statement-breakpoint
CREATE INDEX `event_registrations_event_status` ON `event_registrations` (`event_id`,`status`,`position`);--> statement-breakpoint
CREATE INDEX `event_registrations_user` ON `event_registrations` (`tenant_id`,`user_id`);--> statement-breakpoint
CREATE TABLE `events` (
	`id` text PRIMARY KEY NOT NULL,
	`tenant_id` text NOT NULL,
	`title` text NOT NULL,
	`description` text DEFAULT '' NOT NULL,
	`description_html` text DEFAULT '' NOT NULL,
	`type` text,
	`starts_ms` integer NOT NULL,
	`ends_ms` integer NOT NULL,
	`location` text,
	`resource_id` text,
	`capacity` integer,
	`price_amount` integer,
	`currency` text,
	`tax_rate_bp` integer DEFAULT 0 NOT NULL,
	`group_id` text,
	`fields` text DEFAULT '[]' NOT NULL,
	`canceled_at` integer,
	`created_by` text,
	`created_at` integer NOT NULL,
	`updated_at` integer NOT NULL,
	FOREIGN KEY (`tenant_id`) REFERENCES `tenants`(`id`) ON UPDATE no action ON DELETE cascade,
	FOREIGN KEY (`resource_id`) REFERENCES `resources`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`group_id`) REFERENCES `groups`(`id`) ON UPDATE no action ON DELETE cascade,
	CONSTRAINT "events_interval" CHECK("events"."starts_ms" < "events"."ends_ms"),
	CONSTRAINT "events_capacity" CHECK("events"."capacity" is null or "events"."capacity" >= 0),
	CONSTRAINT "events_tax_rate" CHECK("events"."tax_rate_bp" between 0 and 10000)
);
--> statement-breakpoint
CREATE INDEX `events_tenant_starts` ON `events` (`tenant_id`,`starts_ms`);--> statement-breakpoint
CREATE INDEX `events_tenant_ends` ON `events` (`tenant_id`,`ends_ms`);--> statement-breakpoint
CREATE INDEX `events_starts` ON `events` (`starts_ms`);--> statement-breakpoint
CREATE INDEX `events_resource_starts` ON `events` (`resource_id`,`starts_ms`) WHERE resource_id is not null;