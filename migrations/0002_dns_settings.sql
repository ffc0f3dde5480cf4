CREATE TABLE `dns_settings` (
	`pool_id` text PRIMARY KEY NOT NULL,
	`kind` text NOT NULL,
	`mode` text NOT NULL,
	`sealed` text NOT NULL,
	`updated_at` integer NOT NULL,
	`updated_by` text NOT NULL,
	FOREIGN KEY (`pool_id`) REFERENCES `pools`(`id`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
ALTER TABLE `pools` ADD `dns_synced_at` integer;--> statement-breakpoint
ALTER TABLE `pools` ADD `dns_last_error` text;