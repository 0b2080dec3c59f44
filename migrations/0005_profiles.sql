CREATE TABLE `member_profiles` (
	`user_id` text PRIMARY KEY NOT NULL,
	`tenant_id` text NOT NULL,
	`avatar_key` text,
	`updated_at` integer NOT NULL,
	FOREIGN KEY (`user_id`) REFERENCES `users`(`id`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
CREATE INDEX `member_profiles_tenant` ON `member_profiles` (`tenant_id`);--> statement-breakpoint
CREATE TABLE `profile_fields` (
	`id` text PRIMARY KEY NOT NULL,
	`tenant_id` text NOT NULL,
	`key` text NOT NULL,
	`label` text NOT NULL,
	`type` text NOT NULL,
	`options` text DEFAULT '[]' NOT NULL,
	`visibility` text DEFAULT 'member' NOT NULL,
	`editable` integer DEFAULT true NOT NULL,
	`required` integer DEFAULT false NOT NULL,
	`public` integer DEFAULT false NOT NULL,
	`filterable` integer DEFAULT false NOT NULL,
	`ask_at_signup` integer DEFAULT false NOT NULL,
	`group_ids` text DEFAULT '[]' NOT NULL,
	`position` integer NOT NULL,
	`created_at` integer NOT NULL,
	FOREIGN KEY (`tenant_id`) REFERENCES `tenants`(`id`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
CREATE UNIQUE INDEX `profile_fields_tenant_key` ON `profile_fields` (`tenant_id`,`key`);--> statement-breakpoint
CREATE INDEX `profile_fields_tenant_position` ON `profile_fields` (`tenant_id`,`position`);--> statement-breakpoint
CREATE TABLE `profile_values` (
	`tenant_id` text NOT NULL,
	`user_id` text NOT NULL,
	`field_id` text NOT NULL,
	`value` text NOT NULL,
	`updated_at` integer NOT NULL,
	PRIMARY KEY(`user_id`, `field_id`),
	FOREIGN KEY (`user_id`) REFERENCES `users`(`id`) ON UPDATE no action ON DELETE cascade,
	FOREIGN KEY (`field_id`) REFERENCES `profile_fields`(`id`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
CREATE INDEX `profile_values_field` ON `profile_values` (`tenant_id`,`field_id`);--> statement-breakpoint
CREATE INDEX `profile_values_user` ON `profile_values` (`tenant_id`,`user_id`);