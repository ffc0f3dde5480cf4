CREATE TABLE `events` (
	`id` text PRIMARY KEY NOT NULL,
	`pool_id` text,
	`member_id` text,
	`type` text NOT NULL,
	`actor` text NOT NULL,
	`message` text NOT NULL,
	`data` text NOT NULL,
	`at` integer NOT NULL
);
--> statement-breakpoint
CREATE INDEX `events_pool_id` ON `events` (`pool_id`,`id`);--> statement-breakpoint
CREATE INDEX `events_pool_type_id` ON `events` (`pool_id`,`type`,`id`);--> statement-breakpoint
CREATE TABLE `jobs` (
	`id` text PRIMARY KEY NOT NULL,
	`pool_id` text NOT NULL,
	`member_id` text NOT NULL,
	`kind` text NOT NULL,
	`payload` text NOT NULL,
	`status` text NOT NULL,
	`idempotency_key` text,
	`created_at` integer NOT NULL,
	`deadline_at` integer NOT NULL,
	`delivered_at` integer,
	`delivery_count` integer DEFAULT 0 NOT NULL,
	`started_at` integer,
	`finished_at` integer,
	`exit_code` integer,
	`output_tail` text,
	`created_by` text NOT NULL,
	`updated_at` integer NOT NULL,
	FOREIGN KEY (`pool_id`) REFERENCES `pools`(`id`) ON UPDATE no action ON DELETE cascade,
	FOREIGN KEY (`member_id`) REFERENCES `members`(`id`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
CREATE UNIQUE INDEX `jobs_member_idempotency` ON `jobs` (`member_id`,`idempotency_key`);--> statement-breakpoint
CREATE INDEX `jobs_pool_status` ON `jobs` (`pool_id`,`status`);--> statement-breakpoint
CREATE INDEX `jobs_member_id` ON `jobs` (`member_id`,`id`);--> statement-breakpoint
CREATE INDEX `jobs_pool_id` ON `jobs` (`pool_id`,`id`);--> statement-breakpoint
CREATE TABLE `member_credentials` (
	`member_id` text PRIMARY KEY NOT NULL,
	`secret_hash` text NOT NULL,
	`created_at` integer NOT NULL,
	FOREIGN KEY (`member_id`) REFERENCES `members`(`id`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
CREATE UNIQUE INDEX `member_credentials_secret_hash` ON `member_credentials` (`secret_hash`);--> statement-breakpoint
CREATE TABLE `members` (
	`id` text PRIMARY KEY NOT NULL,
	`pool_id` text NOT NULL,
	`name` text NOT NULL,
	`hostname` text NOT NULL,
	`allowed_ips` text NOT NULL,
	`priority` integer NOT NULL,
	`status` text NOT NULL,
	`last_heartbeat_at` integer,
	`agent_version` text,
	`public_ip` text,
	`created_at` integer NOT NULL,
	`updated_at` integer NOT NULL,
	FOREIGN KEY (`pool_id`) REFERENCES `pools`(`id`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
CREATE UNIQUE INDEX `members_pool_hostname` ON `members` (`pool_id`,`hostname`);--> statement-breakpoint
CREATE TABLE `metric_samples` (
	`pool_id` text NOT NULL,
	`at` integer NOT NULL,
	`members` text NOT NULL,
	PRIMARY KEY(`pool_id`, `at`)
);
--> statement-breakpoint
CREATE TABLE `pools` (
	`id` text PRIMARY KEY NOT NULL,
	`name` text NOT NULL,
	`profile` text NOT NULL,
	`failover_hostname` text NOT NULL,
	`failover_delay_s` integer NOT NULL,
	`auto_failover` integer NOT NULL,
	`created_at` integer NOT NULL,
	`updated_at` integer NOT NULL
);
--> statement-breakpoint
CREATE TABLE `api_tokens` (
	`id` text PRIMARY KEY NOT NULL,
	`name` text NOT NULL,
	`role` text NOT NULL,
	`token_hash` text NOT NULL,
	`prefix` text NOT NULL,
	`created_at` integer NOT NULL,
	`created_by` text NOT NULL,
	`last_used_at` integer,
	`revoked_at` integer
);
--> statement-breakpoint
CREATE UNIQUE INDEX `api_tokens_token_hash` ON `api_tokens` (`token_hash`);