/** Bootstrap admin token the worker tests run with (vitest.config.ts binds it as ADMIN_TOKEN). */
export const TEST_ADMIN_TOKEN = "test-admin-token-0123456789abcdef";
