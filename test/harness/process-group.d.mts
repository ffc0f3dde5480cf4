export function signalGroup(pid: number, signal: NodeJS.Signals | 0): boolean;
export function stopGroup(pid: number | undefined, graceMs?: number): Promise<void>;
