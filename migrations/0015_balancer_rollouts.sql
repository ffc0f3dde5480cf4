CREATE TABLE `balancer_rollout_steps` (
	`rollout_id` text NOT NULL,
	`position` integer NOT NULL,
	`member_id` text NOT NULL,
	`member_name` text NOT NULL,
	`role` text NOT NULL,
	`status` text NOT NULL,
	`job_id` text,
	`started_at` integer,
	`finished_at` integer,
	`note` text,
	FOREIGN KEY (`rollout_id`) REFERENCES `balancer_rollouts`(`id`) ON UPDATE no action ON DELETE cascade,
	FOREIGN KEY (`member_id`) REFERENCES `members`(`id`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
CREATE INDEX `balancer_rollout_steps_rollout` ON `balancer_rollout_steps` (`rollout_id`,`position`);--> statement-breakpoint
CREATE INDEX `balancer_rollout_steps_member` ON `balancer_rollout_steps` (`member_id`,`status`);--> statement-breakpoint
CREATE TABLE `balancer_rollouts` (
	`id` text PRIMARY KEY NOT NULL,
	`pool_id` text NOT NULL,
	`kind` text NOT NULL,
	`revision` integer NOT NULL,
	`target` text NOT NULL,
	`sha256` text NOT NULL,
	`strategy` text NOT NULL,
	`status` text NOT NULL,
	`created_by` text NOT NULL,
	`created_at` integer NOT NULL,
	`finished_at` integer,
	`reason` text,
	FOREIGN KEY (`pool_id`) REFERENCES `pools`(`id`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
CREATE INDEX `balancer_rollouts_pool_id` ON `balancer_rollouts` (`pool_id`,`id`);--> statement-breakpoint
CREATE TABLE `balancer_settings` (
	`pool_id` text PRIMARY KEY NOT NULL,
	`managed` integer NOT NULL,
	`require_config_parity` integer,
	`updated_at` integer NOT NULL,
	`updated_by` text NOT NULL,
	FOREIGN KEY (`pool_id`) REFERENCES `pools`(`id`) ON UPDATE no action ON DELETE cascade
);
