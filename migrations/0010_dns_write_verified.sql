ALTER TABLE `dns_settings` ADD `write_verified_at` integer;--> statement-breakpoint
ALTER TABLE `dns_settings` ADD `write_verified_by` text;--> statement-breakpoint
ALTER TABLE `dns_settings` ADD `write_check_error` text;