CREATE TABLE `certificates` (
	`id` text PRIMARY KEY NOT NULL,
	`pool_id` text NOT NULL,
	`name` text NOT NULL,
	`subject` text NOT NULL,
	`sans` text NOT NULL,
	`issuer` text NOT NULL,
	`not_before` integer NOT NULL,
	`not_after` integer NOT NULL,
	`fingerprint_sha256` text NOT NULL,
	`key_type` text NOT NULL,
	`chain_length` integer NOT NULL,
	`pem_sha256` text NOT NULL,
	`sealed` text NOT NULL,
	`created_at` integer NOT NULL,
	`created_by` text NOT NULL,
	`expiring_noticed_at` integer,
	`expired_noticed_at` integer,
	FOREIGN KEY (`pool_id`) REFERENCES `pools`(`id`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
CREATE INDEX `certificates_pool_id` ON `certificates` (`pool_id`,`created_at`);--> statement-breakpoint
CREATE INDEX `certificates_not_after` ON `certificates` (`not_after`);