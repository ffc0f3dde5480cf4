ALTER TABLE `pools` ADD `members_health` text;--> statement-breakpoint
ALTER TABLE `pools` ADD `members_health_summary` text;