import { ACK_WINDOW } from './handshake.js';
import { DownstreamLoss, RttEstimator, SnapshotTicks, UpstreamLoss } from './link-stats.js';
import type { SessionStats } from './session-types.js';

/** Every counter and estimator behind {@link SessionStats}, fed by the session. @internal */
export class SessionMetrics {
  readonly rtt = new RttEstimator();
  readonly ackRtt = new RttEstimator();
  readonly up = new UpstreamLoss();
  readonly down = new DownstreamLoss();
  readonly ticks = new SnapshotTicks();
  readonly #sentAt = new Float64Array(ACK_WINDOW);
  readonly connectAttempts: number;
  packetsSent = 0;
  packetsReceived = 0;
  bytesSent = 0;
  bytesReceived = 0;
  eventsReceived = 0;
  /** Duplicates counted by inboxes already replaced (reconnects). */
  eventDuplicates = 0;
  inputsSent = 0;
  malformed = 0;
  reconnects = 0;

  constructor(connectAttempts: number) {
    this.connectAttempts = connectAttempts;
  }

  /** A packet of `bytes` bytes went out with `sequence` at `now`. */
  sent(sequence: number, bytes: number, now: number): void {
    this.#sentAt[sequence & (ACK_WINDOW - 1)] = now;
    this.up.record(sequence, now);
    this.packetsSent++;
    this.bytesSent += bytes;
  }

  /** The peer acked my packets; `newest` first (AckTracker.processAcks order). */
  acked(sequences: readonly number[], now: number): void {
    const newest = sequences[0];
    if (newest !== undefined) this.ackRtt.sample(now - this.#sentAt[newest & (ACK_WINDOW - 1)]!);
  }

  /** A new conversation began (reconnect): sequences restart; totals stay. */
  restart(acceptedSequence: number): void {
    this.down.restart();
    this.down.receive(acceptedSequence);
    this.ticks.restart();
    this.up.resetInFlight();
  }

  /** The public figures. */
  stats(silenceMs: number, inboxDuplicates: number): SessionStats {
    return {
      rttMs: this.rtt.smoothed,
      rttVarMs: this.rtt.variation,
      lastRttMs: this.rtt.last,
      ackRttMs: this.ackRtt.smoothed,
      lossUp: this.up.ratio,
      lossDown: this.down.ratio,
      packetsSent: this.packetsSent,
      packetsReceived: this.packetsReceived,
      bytesSent: this.bytesSent,
      bytesReceived: this.bytesReceived,
      snapshotsReceived: this.ticks.received,
      snapshotsMissed: this.ticks.missed,
      snapshotsStale: this.ticks.stale,
      eventsReceived: this.eventsReceived,
      eventDuplicates: this.eventDuplicates + inboxDuplicates,
      inputsSent: this.inputsSent,
      malformed: this.malformed,
      reconnects: this.reconnects,
      silenceMs: Math.max(0, silenceMs),
      connectAttempts: this.connectAttempts,
    };
  }
}
