CREATE TABLE `domain_claims` (
	`id` text PRIMARY KEY NOT NULL,
	`hostname` text NOT NULL,
	`tenant_id` text NOT NULL,
	`group_id` text,
	`status` text DEFAULT 'pending' NOT NULL,
	`proof_name` text NOT NULL,
	`proof_value` text NOT NULL,
	`provider_id` text,
	`hostname_status` text DEFAULT 'pending' NOT NULL,
	`ssl_status` text DEFAULT 'initializing' NOT NULL,
	`records` text DEFAULT '[]' NOT NULL,
	`created_at` integer NOT NULL,
	`checked_at` integer,
	`verified_at` integer,
	`activated_at` integer,
	`ended_at` integer,
	FOREIGN KEY (`tenant_id`) REFERENCES `tenants`(`id`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
CREATE UNIQUE INDEX `domain_claims_hostname_tenant` ON `domain_claims` (`hostname`,`tenant_id`);--> statement-breakpoint
CREATE UNIQUE INDEX `domain_claims_holder` ON `domain_claims` (`hostname`) WHERE status in ('verified', 'active');--> statement-breakpoint
CREATE INDEX `domain_claims_tenant` ON `domain_claims` (`tenant_id`);--> statement-breakpoint
CREATE INDEX `domain_claims_status_checked` ON `domain_claims` (`status`,`checked_at`);--> statement-breakpoint
-- Backfill: every existing custom domain becomes a claim of its tenant (idempotent).
INSERT OR IGNORE INTO domain_claims (id, hostname, tenant_id, group_id, status, proof_name, proof_value, provider_id, hostname_status, ssl_status, records, created_at, checked_at, verified_at, activated_at, ended_at)
SELECT lower(hex(randomblob(12))), hostname, tenant_id, group_id, status, verification_name, verification_value, provider_id,
       CASE status WHEN 'active' THEN 'active' ELSE 'pending' END,
       CASE status WHEN 'active' THEN 'active' ELSE 'initializing' END,
       '[]', created_at, NULL, verified_at, CASE status WHEN 'active' THEN verified_at END, NULL
FROM domains;
