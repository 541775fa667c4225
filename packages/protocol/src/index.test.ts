import { describe, expect, it } from 'vitest';
import * as api from './index.js';

describe('public API', () => {
  it('exports the documented runtime names and nothing else', () => {
    const documented = [
      'AckTracker',
      'BinaryReader',
      'BinaryWriter',
      'CHALLENGE_COOKIE_BYTES',
      'CONNECT_TOKEN_MAC_BYTES',
      'CONNECT_TOKEN_NONCE_BYTES',
      'CONNECT_TOKEN_VERSION',
      'DEFAULT_MAX_FRAME_BYTES',
      'DenyReason',
      'DisconnectReason',
      'FRAME_HEADER_BYTES',
      'FRAME_LENGTH_BYTES',
      'FrameDecoder',
      'GAME_SECRET_BYTES',
      'GameOverReason',
      'MAX_DATAGRAM_BYTES',
      'MAX_ERROR_MESSAGE_BYTES',
      'MAX_GAME_ID_BYTES',
      'MAX_HOST_BYTES',
      'MAX_MODE_BYTES',
      'MAX_NAME_BYTES',
      'MAX_TOKEN_BYTES',
      'PROTOCOL_VERSION',
      'ProtocolError',
      'ProtocolErrorCode',
      'SEQUENCE_MODULO',
      'TcpMessageTypeByte',
      'TokenReplayGuard',
      'UDP_HEADER_BYTES',
      'UDP_PROTOCOL_ID',
      'UdpPacketTypeByte',
      'WireErrorCode',
      'decodeFrame',
      'decodePacket',
      'denyReasonFor',
      'denyReasonName',
      'describeWireError',
      'disconnectReasonName',
      'encodeFrame',
      'encodePacket',
      'gameOverReasonName',
      'generateGameSecret',
      'isProtocolError',
      'isProtocolErrorCode',
      'isWireErrorCode',
      'nextSequence',
      'packetDataCapacity',
      'sequenceDiff',
      'sequenceGreaterThan',
      'sequenceLessThan',
      'signConnectToken',
      'tryDecodeFrame',
      'tryDecodePacket',
      'verifyConnectToken',
      'wireErrorCodeFor',
      'wireErrorName',
    ];
    // Other modules of this package (IPC contract, game codecs) may add their own exports.
    expect(Object.keys(api)).toEqual(expect.arrayContaining(documented));
    expect('default' in api).toBe(false);
  });

  it('supports the whole client -> orchestrator -> child flow', () => {
    const secret = api.generateGameSecret();
    const now = Date.now();
    // Client says hello; orchestrator decodes it from a byte-by-byte stream.
    const server = new api.FrameDecoder();
    const hello = api.encodeFrame({ type: 'hello', protocolVersion: api.PROTOCOL_VERSION, name: 'ada', mode: 'arena' });
    const received = [...hello].flatMap((b) => server.push(Uint8Array.of(b)));
    expect(received).toStrictEqual([{ type: 'hello', protocolVersion: 1, name: 'ada', mode: 'arena' }]);
    // Orchestrator signs a token and sends matchFound.
    const token = api.signConnectToken({ gameId: 'g-1', slot: 0, expiresAt: now + 10_000 }, secret);
    const found = api.decodeFrame(
      api.encodeFrame({
        type: 'matchFound',
        gameId: 'g-1',
        host: '127.0.0.1',
        port: 40000,
        slot: 0,
        token,
        tokenExpiresAt: now + 10_000,
      }),
    );
    if (found.type !== 'matchFound') throw new Error('expected matchFound');
    // Client connects over UDP; the child verifies and claims the token.
    const client = new api.AckTracker();
    const child = new api.AckTracker();
    const guard = new api.TokenReplayGuard();
    const request = api.decodePacket(
      api.encodePacket({ ...client.nextHeader(), type: 'connectRequest', token: found.token }),
    );
    if (request.type !== 'connectRequest') throw new Error('expected connectRequest');
    child.receive(request.sequence);
    const claims = api.verifyConnectToken(request.token, secret, { now, gameId: 'g-1' });
    expect(guard.claim(claims, { now })).toBe('claimed');
    const accepted = api.decodePacket(
      api.encodePacket({
        ...child.nextHeader(),
        type: 'accepted',
        slot: claims.slot,
        tickRate: 30,
        data: new Uint8Array(0),
      }),
    );
    client.receive(accepted.sequence);
    expect(client.processAcks(accepted.ack, accepted.ackBits)).toStrictEqual([0]);
  });
});
