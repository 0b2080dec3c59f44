ALTER TABLE `tenants` ADD `group_creation` text DEFAULT 'everyone' NOT NULL;--> statement-breakpoint
-- Communities that had the older flag keep it, now as the setting.
UPDATE tenants SET group_creation = 'admins' WHERE json_extract(features, '$.adminOnlyGroups') = 1;--> statement-breakpoint
UPDATE tenants SET features = json_remove(features, '$.adminOnlyGroups') WHERE json_extract(features, '$.adminOnlyGroups') IS NOT NULL;
