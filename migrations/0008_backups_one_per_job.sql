-- Earlier agents could upload twice for one job (a retried attempt): keep the job id on the
-- oldest of those only, so the unique index can be created.
UPDATE `backups` SET `job_id` = NULL WHERE `job_id` IS NOT NULL AND `id` NOT IN (SELECT MIN(`id`) FROM `backups` WHERE `job_id` IS NOT NULL GROUP BY `job_id`);--> statement-breakpoint
CREATE UNIQUE INDEX `backups_job_id` ON `backups` (`job_id`);
