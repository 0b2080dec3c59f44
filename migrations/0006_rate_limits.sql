CREATE TABLE `rate_limits` (
	`key` text PRIMARY KEY NOT NULL,
	`count` integer NOT NULL,
	`max` integer NOT NULL,
	`window_start` integer NOT NULL,
	`window_ms` integer NOT NULL,
	CONSTRAINT "rate_limits_within_max" CHECK("rate_limits"."count" <= "rate_limits"."max")
);
--> statement-breakpoint
CREATE INDEX `rate_limits_window_end` ON `rate_limits` (`window_start`);