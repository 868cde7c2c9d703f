/** One scheduled action of the model (a matcher run, an objective re-evaluation). */
export interface ScheduledTask {
  readonly time: number;
  readonly order: number;
  readonly action: (time: number) => void;
  cancelled: boolean;
}

/**
 * The model's due-time queue (SPEC §6.5): tasks execute in due-time order, equal times in the order they were
 * scheduled (as v2.1's scheduler). A binary heap; cancelled tasks are dropped when they reach the top.
 */
export class Scheduler {
  private readonly heap: ScheduledTask[] = [];
  private scheduled = 0;

  schedule(time: number, action: (time: number) => void): ScheduledTask {
    const task: ScheduledTask = { time, order: this.scheduled++, action, cancelled: false };
    this.heap.push(task);
    this.up(this.heap.length - 1);
    return task;
  }

  /** The due time of the next task, or null. */
  nextDue(): number | null {
    this.dropCancelled();
    return this.heap.length > 0 ? this.heap[0].time : null;
  }

  /** Removes and returns the next task due at or before `limit`. */
  takeDue(limit: number): ScheduledTask | undefined {
    this.dropCancelled();
    const top = this.heap[0];
    if (top === undefined || top.time > limit) return undefined;
    this.removeTop();
    return top;
  }

  private dropCancelled(): void {
    while (this.heap.length > 0 && this.heap[0].cancelled) this.removeTop();
  }

  private removeTop(): void {
    const last = this.heap.pop();
    if (last !== undefined && this.heap.length > 0) {
      this.heap[0] = last;
      this.down(0);
    }
  }

  private before(a: ScheduledTask, b: ScheduledTask): boolean {
    return a.time < b.time || (a.time === b.time && a.order < b.order);
  }

  private up(index: number): void {
    const heap = this.heap;
    while (index > 0) {
      const parent = (index - 1) >> 1;
      if (!this.before(heap[index], heap[parent])) break;
      [heap[index], heap[parent]] = [heap[parent], heap[index]];
      index = parent;
    }
  }

  private down(index: number): void {
    const heap = this.heap;
    for (;;) {
      const left = 2 * index + 1;
      const right = left + 1;
      let smallest = index;
      if (left < heap.length && this.before(heap[left], heap[smallest])) smallest = left;
      if (right < heap.length && this.before(heap[right], heap[smallest])) smallest = right;
      if (smallest === index) return;
      [heap[index], heap[smallest]] = [heap[smallest], heap[index]];
      index = smallest;
    }
  }
}
