/**
 * Runs async tasks one after another. A Durable Object interleaves requests whenever one awaits
 * I/O (D1 included); the coordinator runs each request through this queue so that no two
 * decisions about one pool ever overlap.
 */
export class SerialQueue {
  private tail: Promise<unknown> = Promise.resolve();

  run<T>(task: () => Promise<T>): Promise<T> {
    const result = this.tail.then(task);
    this.tail = result.catch(() => undefined);
    return result;
  }
}
