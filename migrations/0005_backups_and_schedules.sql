CREATE TABLE `backups` (
	`id` text PRIMARY KEY NOT NULL,
	`pool_id` text NOT NULL,
	`member_id` text,
	`member_name` text NOT NULL,
	`member_hostname` text NOT NULL,
	`service` text NOT NULL,
	`size_bytes` integer NOT NULL,
	`sha256` text NOT NULL,
	`job_id` text,
	`archive` blob NOT NULL,
	`created_at` integer NOT NULL,
	FOREIGN KEY (`pool_id`) REFERENCES `pools`(`id`) ON UPDATE no action ON DELETE cascade,
	FOREIGN KEY (`member_id`) REFERENCES `members`(`id`) ON UPDATE no action ON DELETE set null
);
--> statement-breakpoint
CREATE INDEX `backups_member_id` ON `backups` (`member_id`,`id`);--> statement-breakpoint
CREATE INDEX `backups_pool_id` ON `backups` (`pool_id`,`id`);--> statement-breakpoint
CREATE TABLE `job_schedules` (
	`id` text PRIMARY KEY NOT NULL,
	`pool_id` text NOT NULL,
	`member_id` text NOT NULL,
	`kind` text NOT NULL,
	`cron` text NOT NULL,
	`created_at` integer NOT NULL,
	FOREIGN KEY (`pool_id`) REFERENCES `pools`(`id`) ON UPDATE no action ON DELETE cascade,
	FOREIGN KEY (`member_id`) REFERENCES `members`(`id`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
CREATE INDEX `job_schedules_pool_id` ON `job_schedules` (`pool_id`,`member_id`);