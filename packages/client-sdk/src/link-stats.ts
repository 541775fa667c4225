import { sequenceDiff } from '@proj/protocol';

/**
 * Smoothed round-trip time as TCP computes it (RFC 6298): SRTT and RTTVAR, gains 1/8 and 1/4. @internal
 */
export class RttEstimator {
  #srtt: number | undefined;
  #rttvar = 0;
  #last: number | undefined;
  #samples = 0;

  /** Adds one sample in ms; ignores negative and non-finite ones. */
  sample(ms: number): void {
    if (!Number.isFinite(ms) || ms < 0) return;
    this.#samples++;
    this.#last = ms;
    if (this.#srtt === undefined) {
      this.#srtt = ms;
      this.#rttvar = ms / 2;
      return;
    }
    this.#rttvar = 0.75 * this.#rttvar + 0.25 * Math.abs(this.#srtt - ms);
    this.#srtt = 0.875 * this.#srtt + 0.125 * ms;
  }

  /** Smoothed RTT in ms, undefined before the first sample. */
  get smoothed(): number | undefined {
    return this.#srtt;
  }
  /** RTT variation in ms (0 before the first sample). */
  get variation(): number {
    return this.#rttvar;
  }
  /** The newest sample, undefined before the first. */
  get last(): number | undefined {
    return this.#last;
  }
  /** Samples taken. */
  get samples(): number {
    return this.#samples;
  }
}

/**
 * Loss of my packets toward the peer: each sent sequence is judged once it is older than the horizon:
 * acknowledged (delivered) or not (lost). Packets younger than the horizon are still in flight. @internal
 */
export class UpstreamLoss {
  #seqs: number[] = [];
  #times: number[] = [];
  #head = 0;
  delivered = 0;
  lost = 0;

  /** Records a sent sequence at time `now`. */
  record(sequence: number, now: number): void {
    this.#seqs.push(sequence);
    this.#times.push(now);
  }

  /** Judges every packet sent before `now - horizonMs`. */
  sweep(now: number, horizonMs: number, isAcked: (sequence: number) => boolean): void {
    const limit = now - horizonMs;
    while (this.#head < this.#seqs.length && this.#times[this.#head]! <= limit) {
      if (isAcked(this.#seqs[this.#head]!)) this.delivered++;
      else this.lost++;
      this.#head++;
    }
    if (this.#head > 1024 && this.#head * 2 > this.#seqs.length) {
      this.#seqs = this.#seqs.slice(this.#head);
      this.#times = this.#times.slice(this.#head);
      this.#head = 0;
    }
  }

  /** Forgets packets in flight (a new conversation numbers from 0 again); keeps the totals. */
  resetInFlight(): void {
    this.#seqs = [];
    this.#times = [];
    this.#head = 0;
  }

  /** lost / judged, 0 before anything was judged. */
  get ratio(): number {
    const judged = this.delivered + this.lost;
    return judged === 0 ? 0 : this.lost / judged;
  }
}

/**
 * Loss of the peer's packets toward me, from gaps in their sequence numbers: `expected` spans from the first
 * sequence received to the newest, `received` counts distinct sequences. Across conversations (reconnects)
 * the totals add up. @internal
 */
export class DownstreamLoss {
  #newest: number | undefined;
  #expected = 0;
  #received = 0;
  #doneExpected = 0;
  #doneReceived = 0;

  /** Records a fresh (not duplicate) peer sequence. */
  receive(sequence: number): void {
    this.#received++;
    if (this.#newest === undefined) {
      this.#newest = sequence;
      this.#expected = 1;
      return;
    }
    const d = sequenceDiff(sequence, this.#newest);
    if (d > 0) {
      this.#expected += d;
      this.#newest = sequence;
    } else if (this.#received > this.#expected) {
      // A packet older than the first one seen: widen the span.
      this.#expected = this.#received;
    }
  }

  /** Starts a new conversation (sequences restart), keeping the totals. */
  restart(): void {
    this.#doneExpected += this.#expected;
    this.#doneReceived += this.#received;
    this.#newest = undefined;
    this.#expected = 0;
    this.#received = 0;
  }

  /** Sequences the peer must have sent (over every conversation). */
  get expected(): number {
    return this.#doneExpected + this.#expected;
  }
  /** Distinct sequences received. */
  get received(): number {
    return this.#doneReceived + this.#received;
  }
  /** Missing / expected, 0 before anything arrived. */
  get ratio(): number {
    const e = this.expected;
    return e === 0 ? 0 : Math.max(0, e - this.received) / e;
  }
}

/**
 * Snapshot ticks: keeps the newest (a snapshot older than it is stale: newest wins) and counts ticks that
 * never arrived. @internal
 */
export class SnapshotTicks {
  #newest: number | undefined;
  received = 0;
  missed = 0;
  stale = 0;

  /** True when `tick` is newer than every snapshot before it (deliver it); counts gaps. */
  accept(tick: number): boolean {
    if (this.#newest !== undefined) {
      const d = (tick - this.#newest) | 0;
      if (d <= 0) {
        this.stale++;
        return false;
      }
      this.missed += d - 1;
    }
    this.#newest = tick;
    this.received++;
    return true;
  }

  /** Forgets the newest tick (after a reconnect the count restarts from the next snapshot). */
  restart(): void {
    this.#newest = undefined;
  }

  /** The newest tick delivered, undefined before the first. */
  get newest(): number | undefined {
    return this.#newest;
  }
}
