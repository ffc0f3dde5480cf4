/**
 * HAProxy's runtime API over its UNIX stats socket (`stats socket PATH mode 600 level admin`).
 * One connection per command, in HAProxy's non-interactive mode: the command is written and the
 * write side half-closed, HAProxy answers and closes, and the answer is everything read until
 * then. Every call has a timeout, because a wedged HAProxy must not stall the agent's loop.
 */
import { connect } from "node:net";
import { parseShowInfo, type ShowInfo } from "../parsers/haproxy-info";
import { parseShowStat, type StatRow } from "../parsers/haproxy-stat";

export interface RuntimeOptions {
  timeoutMs?: number;
}

const DEFAULT_TIMEOUT_MS = 2_000;
/** Answers larger than this are cut off: `show stat` for 256 backends is far below it. */
const MAX_ANSWER_BYTES = 8 * 1024 * 1024;

/** Sends one command and resolves with HAProxy's whole answer; rejects on error or timeout. */
export function runtimeCommand(
  socketPath: string,
  command: string,
  { timeoutMs = DEFAULT_TIMEOUT_MS }: RuntimeOptions = {},
): Promise<string> {
  if (/[\r\n]/.test(command)) {
    // A newline would let one call smuggle a second command onto the admin socket.
    return Promise.reject(new Error("runtime command must be a single line"));
  }
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    const socket = connect(socketPath);
    const fail = (error: Error) => {
      clearTimeout(timer);
      socket.destroy();
      reject(error);
    };
    const timer = setTimeout(
      () => fail(new Error(`runtime API '${command}' timed out after ${timeoutMs} ms`)),
      timeoutMs,
    );
    socket.on("connect", () => socket.end(`${command}\n`));
    socket.on("data", (chunk: Buffer) => {
      size += chunk.length;
      if (size > MAX_ANSWER_BYTES)
        return fail(new Error(`runtime API '${command}': answer too large`));
      chunks.push(chunk);
    });
    socket.on("end", () => {
      clearTimeout(timer);
      resolve(Buffer.concat(chunks).toString("utf8"));
    });
    socket.on("error", (error) => fail(new Error(`runtime API ${socketPath}: ${error.message}`)));
  });
}

export async function showStat(socketPath: string, options?: RuntimeOptions): Promise<StatRow[]> {
  return parseShowStat(await runtimeCommand(socketPath, "show stat", options));
}

export async function showInfo(socketPath: string, options?: RuntimeOptions): Promise<ShowInfo> {
  return parseShowInfo(await runtimeCommand(socketPath, "show info", options));
}

export type ServerState = "ready" | "drain" | "maint";
const NAME = /^[A-Za-z0-9_.:-]+$/;
const STATES: readonly ServerState[] = ["ready", "drain", "maint"];

/**
 * `set server <backend>/<server> state <state>`. Names are checked before anything is sent, since
 * they come from jobs queued by operators and the socket is admin level. HAProxy answers an empty
 * line on success and a message otherwise ("No such backend.", "No such server."), which is thrown.
 */
export async function setServerState(
  socketPath: string,
  backend: string,
  server: string,
  state: ServerState,
  options?: RuntimeOptions,
): Promise<void> {
  if (!NAME.test(backend)) throw new Error(`invalid backend name: ${JSON.stringify(backend)}`);
  if (!NAME.test(server)) throw new Error(`invalid server name: ${JSON.stringify(server)}`);
  if (!STATES.includes(state)) throw new Error(`invalid server state: ${JSON.stringify(state)}`);
  const answer = await runtimeCommand(
    socketPath,
    `set server ${backend}/${server} state ${state}`,
    options,
  );
  if (answer.trim() !== "") throw new Error(`set server ${backend}/${server}: ${answer.trim()}`);
}
