CREATE TABLE `bookings` (
	`id` text PRIMARY KEY NOT NULL,
	`tenant_id` text NOT NULL,
	`resource_id` text NOT NULL,
	`user_id` text NOT NULL,
	`title` text,
	`from_ms` integer NOT NULL,
	`to_ms` integer NOT NULL,
	`price_amount` integer DEFAULT 0 NOT NULL,
	`currency` text NOT NULL,
	`credits_used_minutes` integer DEFAULT 0 NOT NULL,
	`membership_id` text,
	`period_start` text,
	`charge_id` text,
	`series_id` text,
	`created_by` text,
	`created_at` integer NOT NULL,
	FOREIGN KEY (`tenant_id`) REFERENCES `tenants`(`id`) ON UPDATE no action ON DELETE cascade,
	FOREIGN KEY (`resource_id`) REFERENCES `resources`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`user_id`) REFERENCES `users`(`id`) ON UPDATE no action ON DELETE cascade,
	CONSTRAINT "bookings_interval" CHECK("bookings"."from_ms" < "bookings"."to_ms")
);
--> statement-breakpoint
CREATE INDEX `bookings_resource_from` ON `bookings` (`resource_id`,`from_ms`);--> statement-breakpoint
CREATE INDEX `bookings_resource_to` ON `bookings` (`resource_id`,`to_ms`);--> statement-breakpoint
CREATE INDEX `bookings_tenant_from` ON `bookings` (`tenant_id`,`from_ms`);--> statement-breakpoint
CREATE INDEX `bookings_user_from` ON `bookings` (`tenant_id`,`user_id`,`from_ms`);--> statement-breakpoint
CREATE INDEX `bookings_credits` ON `bookings` (`membership_id`,`period_start`);--> statement-breakpoint
CREATE INDEX `bookings_series` ON `bookings` (`series_id`);--> statement-breakpoint
CREATE TABLE `hidden_resources` (
	`tenant_id` text NOT NULL,
	`user_id` text NOT NULL,
	`resource_id` text NOT NULL,
	PRIMARY KEY(`user_id`, `resource_id`),
	FOREIGN KEY (`tenant_id`) REFERENCES `tenants`(`id`) ON UPDATE no action ON DELETE cascade,
	FOREIGN KEY (`user_id`) REFERENCES `users`(`id`) ON UPDATE no action ON DELETE cascade,
	FOREIGN KEY (`resource_id`) REFERENCES `resources`(`id`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
CREATE INDEX `hidden_resources_tenant` ON `hidden_resources` (`tenant_id`,`user_id`);--> statement-breakpoint
CREATE TABLE `resources` (
	`id` text PRIMARY KEY NOT NULL,
	`tenant_id` text NOT NULL,
	`name` text NOT NULL,
	`category` text NOT NULL,
	`description` text DEFAULT '' NOT NULL,
	`image_key` text,
	`units` integer DEFAULT 1 NOT NULL,
	`capacity` integer,
	`price_per_hour_amount` integer NOT NULL,
	`currency` text NOT NULL,
	`plan_prices` text DEFAULT '{}' NOT NULL,
	`tax_rate_bp` integer DEFAULT 0 NOT NULL,
	`min_minutes` integer,
	`max_minutes` integer,
	`cutoff_hours` integer,
	`cancellation_hours` integer,
	`opening_hours` text,
	`hidden` integer DEFAULT false NOT NULL,
	`deleted_at` integer,
	`created_at` integer NOT NULL,
	`updated_at` integer NOT NULL,
	FOREIGN KEY (`tenant_id`) REFERENCES `tenants`(`id`) ON UPDATE no action ON DELETE cascade,
	CONSTRAINT "resources_units" CHECK("resources"."units" >= 1),
	CONSTRAINT "resources_price" CHECK("resources"."price_per_hour_amount" >= 0),
	CONSTRAINT "resources_tax_rate" CHECK("resources"."tax_rate_bp" between 0 and 10000)
);
--> statement-breakpoint
CREATE INDEX `resources_tenant` ON `resources` (`tenant_id`,`deleted_at`,`category`);