CREATE TABLE `balancer_revisions` (
	`pool_id` text NOT NULL,
	`revision` integer NOT NULL,
	`author` text NOT NULL,
	`created_at` integer NOT NULL,
	`model` text NOT NULL,
	`haproxy_text` text NOT NULL,
	`haproxy_sha256` text NOT NULL,
	`nginx_text` text NOT NULL,
	`nginx_sha256` text NOT NULL,
	PRIMARY KEY(`pool_id`, `revision`),
	FOREIGN KEY (`pool_id`) REFERENCES `pools`(`id`) ON UPDATE no action ON DELETE cascade
);
