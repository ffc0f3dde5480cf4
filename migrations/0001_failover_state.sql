ALTER TABLE `members` ADD `draining` integer DEFAULT false NOT NULL;--> statement-breakpoint
ALTER TABLE `members` ADD `disabled` integer DEFAULT false NOT NULL;--> statement-breakpoint
ALTER TABLE `pools` ADD `preferred_primary_id` text;--> statement-breakpoint
ALTER TABLE `pools` ADD `failback_hold_down_s` integer DEFAULT 300 NOT NULL;--> statement-breakpoint
ALTER TABLE `pools` ADD `active_member_id` text;--> statement-breakpoint
ALTER TABLE `pools` ADD `last_flip_at` integer;