ALTER TABLE `billing_settings` ADD `stripe_secret_key` text;--> statement-breakpoint
ALTER TABLE `billing_settings` ADD `stripe_webhook_secret` text;