ALTER TABLE `jobs` ADD `content_hash` text;--> statement-breakpoint
ALTER TABLE `jobs` ADD `canary_job_id` text;--> statement-breakpoint
ALTER TABLE `jobs` ADD `canary_note` text;--> statement-breakpoint
CREATE INDEX `jobs_pool_content` ON `jobs` (`pool_id`,`content_hash`);