import { join } from "node:path";
import { HAPROXY_ADMIN_SOCKET, NGINX_LOG_DIR } from "../../../worker/balancer/format";

/**
 * A rendered file as a test runs it: the paths every member shares (HAProxy's admin socket,
 * nginx's logs) moved into the test's own `dir`, so parallel tests never share them and nothing
 * is written under /run or /var/log. Everything else is the rendered text unchanged.
 */
export function localise(text: string, dir: string): string {
  return text
    .replaceAll(HAPROXY_ADMIN_SOCKET, join(dir, "admin.sock"))
    .replaceAll(`${NGINX_LOG_DIR}/`, `${dir}/`);
}
