import { describe, expect, it } from 'vitest';
import { DenyReason, TokenReplayGuard, generateGameSecret, signConnectToken } from '@proj/protocol';
import { decideAdmission, type AdmissionContext } from './admission.js';
import { PlayerSession } from './player-session.js';

const NOW = 1_700_000_000_000;
const limits = { maxQueued: 16, maxInFlight: 4 };

function setup() {
  const secret = generateGameSecret();
  const sessions = new Map([0, 1].map((slot) => [slot, new PlayerSession(slot, `p${slot}`, limits)] as const));
  const byAddress = new Map<string, PlayerSession>();
  const ctx: AdmissionContext & { ended: boolean } = {
    gameId: 'g1',
    secret,
    tokenExpiresAt: NOW + 60_000,
    sessions,
    byAddress,
    guard: new TokenReplayGuard(),
    ended: false,
  };
  const token = (slot: number, expiresAt = NOW + 10_000, gameId = 'g1') =>
    signConnectToken({ gameId, slot, expiresAt }, secret);
  /** Applies an admission the way the server does. */
  const admit = (t: Uint8Array, key: string, now = NOW) => {
    const d = decideAdmission(t, key, now, ctx);
    if (d.kind === 'admit') {
      if (d.release !== undefined) d.release.key = undefined;
      if (d.session.key !== undefined) byAddress.delete(d.session.key);
      byAddress.set(key, d.session);
      d.session.bind(key, '127.0.0.1', 1, 0);
      d.session.everConnected = true;
    }
    return d;
  };
  return { ctx, sessions, token, admit };
}

describe('decideAdmission', () => {
  it('admits a first use, answers a duplicate, refuses another address while the slot is active', () => {
    const { token, admit, sessions } = setup();
    const t = token(0);
    expect(admit(t, 'a')).toMatchObject({ kind: 'admit', session: sessions.get(0) });
    expect(admit(t, 'a')).toMatchObject({ kind: 'duplicate' });
    expect(admit(t, 'b')).toMatchObject({ kind: 'deny', reason: DenyReason.TOKEN_REUSED, drop: 'tokenReused' });
    expect(admit(token(0), 'b')).toMatchObject({ kind: 'deny', reason: DenyReason.SLOT_TAKEN, drop: 'slotTaken' });
    expect(admit(token(1), 'a')).toMatchObject({ kind: 'deny', reason: DenyReason.SLOT_TAKEN });
  });

  it('lets the same token rebind a disconnected slot from a new address, until it expires', () => {
    const { token, admit, sessions } = setup();
    const t = token(0, NOW + 5000);
    admit(t, 'a');
    sessions.get(0)!.connected = false;
    expect(admit(t, 'b')).toMatchObject({ kind: 'admit', release: undefined });
    expect(sessions.get(0)!.key).toBe('b');
    sessions.get(0)!.connected = false;
    expect(admit(t, 'c', NOW + 5001)).toMatchObject({ kind: 'deny', reason: DenyReason.TOKEN_EXPIRED });
  });

  it('releases the disconnected slot an address held when it joins another', () => {
    const { token, admit, sessions } = setup();
    admit(token(0), 'a');
    sessions.get(0)!.connected = false;
    const d = admit(token(1), 'a');
    expect(d).toMatchObject({ kind: 'admit', session: sessions.get(1), release: sessions.get(0) });
    expect(sessions.get(0)!.key).toBeUndefined();
  });

  it('maps every token failure to a deny reason and a drop counter, without burning tokens', () => {
    const { ctx, token, admit } = setup();
    const other = signConnectToken({ gameId: 'g1', slot: 0, expiresAt: NOW + 1000 }, generateGameSecret());
    expect(admit(other, 'x')).toMatchObject({ reason: DenyReason.TOKEN_INVALID, drop: 'tokenForged' });
    expect(admit(token(0, NOW - 1), 'x')).toMatchObject({ reason: DenyReason.TOKEN_EXPIRED, drop: 'tokenExpired' });
    expect(admit(token(0, NOW + 1000, 'g2'), 'x')).toMatchObject({ reason: DenyReason.WRONG_GAME, drop: 'wrongGame' });
    expect(admit(token(9), 'x')).toMatchObject({ reason: DenyReason.GAME_FULL, drop: 'unknownSlot' });
    expect(admit(Uint8Array.of(0), 'x')).toMatchObject({ reason: DenyReason.TOKEN_MALFORMED, drop: 'tokenMalformed' });
    expect(admit(token(0), 'x', ctx.tokenExpiresAt + 1)).toMatchObject({ reason: DenyReason.TOKEN_EXPIRED });
    ctx.ended = true;
    const t = token(1);
    expect(admit(t, 'x')).toMatchObject({ reason: DenyReason.GAME_OVER, drop: 'gameOver' });
    expect(ctx.guard.size).toBe(0);
  });

  it('without claim (before the address is verified) decides the same but claims nothing', () => {
    const { ctx, token, admit, sessions } = setup();
    const t = token(0);
    expect(decideAdmission(t, 'a', NOW, ctx, false)).toMatchObject({ kind: 'admit', session: sessions.get(0) });
    expect(ctx.guard.size).toBe(0);
    expect(sessions.get(0)!.key).toBeUndefined();
    admit(t, 'a');
    expect(ctx.guard.size).toBe(1);
    expect(decideAdmission(t, 'a', NOW, ctx, false)).toMatchObject({ kind: 'duplicate' });
    expect(decideAdmission(t, 'b', NOW, ctx, false)).toMatchObject({ kind: 'deny', reason: DenyReason.TOKEN_REUSED });
  });
});
