import { ArenaDirection } from '@proj/client-sdk';

/** What a key press means in `play`. */
export type KeyAction =
  | { readonly kind: 'move'; readonly direction: ArenaDirection }
  | { readonly kind: 'dash' }
  | { readonly kind: 'stop' }
  | { readonly kind: 'quit' }
  | { readonly kind: 'other' };

const SEQUENCES: readonly (readonly [string, KeyAction])[] = [
  ['\x1b[A', { kind: 'move', direction: ArenaDirection.UP }],
  ['\x1b[B', { kind: 'move', direction: ArenaDirection.DOWN }],
  ['\x1b[C', { kind: 'move', direction: ArenaDirection.RIGHT }],
  ['\x1b[D', { kind: 'move', direction: ArenaDirection.LEFT }],
  // Application cursor mode sends SS3 sequences.
  ['\x1bOA', { kind: 'move', direction: ArenaDirection.UP }],
  ['\x1bOB', { kind: 'move', direction: ArenaDirection.DOWN }],
  ['\x1bOC', { kind: 'move', direction: ArenaDirection.RIGHT }],
  ['\x1bOD', { kind: 'move', direction: ArenaDirection.LEFT }],
];

const SINGLE: Readonly<Record<string, KeyAction>> = {
  w: { kind: 'move', direction: ArenaDirection.UP },
  s: { kind: 'move', direction: ArenaDirection.DOWN },
  a: { kind: 'move', direction: ArenaDirection.LEFT },
  d: { kind: 'move', direction: ArenaDirection.RIGHT },
  ' ': { kind: 'dash' },
  x: { kind: 'stop' },
  q: { kind: 'quit' },
  '\x03': { kind: 'quit' }, // Ctrl-C (raw mode delivers it as a byte, not SIGINT)
  '\x04': { kind: 'quit' }, // Ctrl-D
};

/** Splits one raw keyboard chunk (several keys may arrive together) into actions. */
export function parseKeys(chunk: string): KeyAction[] {
  if (chunk === '\x1b') return [{ kind: 'quit' }]; // a lone Esc
  const out: KeyAction[] = [];
  let i = 0;
  while (i < chunk.length) {
    const seq = SEQUENCES.find(([s]) => chunk.startsWith(s, i));
    if (seq !== undefined) {
      out.push(seq[1]);
      i += seq[0].length;
      continue;
    }
    if (chunk[i] === '\x1b') {
      // An escape sequence we do not use (function keys...): skip ESC, then [ params final.
      const m = /^\[?[0-9;]*[A-Za-z~]?/.exec(chunk.slice(i + 1));
      out.push({ kind: 'other' });
      i += 1 + (m?.[0].length ?? 0);
      continue;
    }
    out.push(SINGLE[chunk[i]!.toLowerCase()] ?? { kind: 'other' });
    i++;
  }
  return out;
}
