// The shapes and type bytes of UDP packets; the codec is in udp-packets.ts.

/**
 * The reliability header every UDP packet carries (after protocol id and type): the sender's own
 * 16-bit `sequence`, the newest sequence it received from the peer (`ack`), and `ackBits`, whose
 * bit i (0 = least significant) says whether sequence ack-1-i was received too. AckTracker fills it.
 */
export interface PacketHeader {
  /** u16, wraps around; see sequenceGreaterThan. */
  readonly sequence: number;
  /** u16: newest peer sequence received (0xffff with ackBits 0 before anything was received). */
  readonly ack: number;
  /** u32 bitfield: bit i set = peer sequence (ack - 1 - i) received. */
  readonly ackBits: number;
}

/** Client -> child: let me in; `token` is the connect token from matchFound (1..MAX_TOKEN_BYTES bytes). */
export interface ConnectRequestPacket extends PacketHeader {
  readonly type: 'connectRequest';
  readonly token: Uint8Array;
}

/**
 * Child -> client: you are in, as `slot`; the game ticks `tickRate` times a second; `data` is the game's own welcome
 * bytes (may be empty).
 */
export interface AcceptedPacket extends PacketHeader {
  readonly type: 'accepted';
  /** u8 */
  readonly slot: number;
  /** u16, at least 1 (Hz). */
  readonly tickRate: number;
  readonly data: Uint8Array;
}

/** Child -> client: connect request refused for `reason` (a DenyReason; tolerate unknown values). */
export interface DeniedPacket extends PacketHeader {
  readonly type: 'denied';
  /** u8 */
  readonly reason: number;
}

/**
 * Child -> client: the answer to a valid connect request from an address not yet verified (the
 * return-routability check): echo `cookie` in a `challengeResponse` from the same address:port before
 * the child sends anything else. Resent only as the answer to a resent connect request.
 */
export interface ChallengePacket extends PacketHeader {
  readonly type: 'challenge';
  /** Exactly CHALLENGE_COOKIE_BYTES unpredictable bytes. */
  readonly cookie: Uint8Array;
}

/**
 * Client -> child: proves the client receives at its address by echoing the `challenge` cookie; answered
 * `accepted` (or `denied`).
 */
export interface ChallengeResponsePacket extends PacketHeader {
  readonly type: 'challengeResponse';
  /** Exactly CHALLENGE_COOKIE_BYTES: the cookie of the newest `challenge` received. */
  readonly cookie: Uint8Array;
}

/** Client -> child: the player's input, opaque game bytes, numbered by the client. */
export interface InputPacket extends PacketHeader {
  readonly type: 'input';
  /** u32, the client's input counter (lets the game drop stale or duplicate inputs). */
  readonly inputSeq: number;
  readonly data: Uint8Array;
}

/** Child -> client: the game state at `tick`, opaque game bytes (unreliable; newest wins). */
export interface SnapshotPacket extends PacketHeader {
  readonly type: 'snapshot';
  /** u32 */
  readonly tick: number;
  readonly data: Uint8Array;
}

/**
 * Either direction: an event that must arrive: the sender resends it (same eventId, new sequence)
 * until a packet carrying it is acked; the receiver drops eventIds it already handled.
 */
export interface ReliableEventPacket extends PacketHeader {
  readonly type: 'reliableEvent';
  /** u32, unique per sender and session. */
  readonly eventId: number;
  readonly data: Uint8Array;
}

/** Either direction: RTT probe; the peer answers a pong with the same `time`. */
export interface PingPacket extends PacketHeader {
  readonly type: 'ping';
  /** The sender's clock in ms (finite f64), echoed back. */
  readonly time: number;
}

/** Either direction: the answer to a ping, echoing its `time`. */
export interface PongPacket extends PacketHeader {
  readonly type: 'pong';
  readonly time: number;
}

/** Either direction: I am leaving, for `reason` (a DisconnectReason; tolerate unknown values). */
export interface DisconnectPacket extends PacketHeader {
  readonly type: 'disconnect';
  /** u8 */
  readonly reason: number;
}

/** Child -> client: the game ended for `reason` (a GameOverReason); `data` holds the game's own results bytes. */
export interface GameOverPacket extends PacketHeader {
  readonly type: 'gameOver';
  /** u8 */
  readonly reason: number;
  readonly data: Uint8Array;
}

/** Every packet of the UDP protocol between a client and a game child. */
export type UdpPacket =
  | ConnectRequestPacket
  | AcceptedPacket
  | DeniedPacket
  | ChallengePacket
  | ChallengeResponsePacket
  | InputPacket
  | SnapshotPacket
  | ReliableEventPacket
  | PingPacket
  | PongPacket
  | DisconnectPacket
  | GameOverPacket;

/** The `type` of a {@link UdpPacket}. */
export type UdpPacketType = UdpPacket['type'];

/** The UDP packet of type `T`. */
export type UdpPacketOf<T extends UdpPacketType> = Extract<UdpPacket, { type: T }>;

/** A packet without its header fields: spread a header (AckTracker.nextHeader()) into it to send it. */
export type UdpPacketBody = UdpPacket extends infer P
  ? P extends UdpPacket
    ? Omit<P, keyof PacketHeader>
    : never
  : never;

/** Type byte of each UDP packet (datagram byte 5). */
export const UdpPacketTypeByte = {
  connectRequest: 0x01,
  accepted: 0x02,
  denied: 0x03,
  challenge: 0x04,
  challengeResponse: 0x05,
  input: 0x10,
  snapshot: 0x11,
  reliableEvent: 0x12,
  ping: 0x20,
  pong: 0x21,
  disconnect: 0x30,
  gameOver: 0x31,
} as const satisfies Record<UdpPacketType, number>;
/** A value of {@link UdpPacketTypeByte}. */
export type UdpPacketTypeByte = (typeof UdpPacketTypeByte)[keyof typeof UdpPacketTypeByte];
