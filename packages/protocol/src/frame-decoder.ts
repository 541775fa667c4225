import { FRAME_LENGTH_BYTES } from './constants.js';
import { ProtocolError } from './errors.js';
import { checkDeclaredLength, decodeFrameBody, resolveMaxFrameBytes, type FrameOptions } from './tcp-frame.js';
import type { TcpMessage } from './tcp-messages.js';

/**
 * Streaming TCP frame decoder for one connection: feed it every chunk the socket delivers, in
 * order, and it returns the messages completed by that chunk. Frames may be split across chunks at
 * any byte, and one chunk may carry many frames.
 *
 * Memory: complete frames inside a chunk are decoded in place; only a frame that straddles chunks
 * is copied, once, into a buffer of exactly its declared size, which is allocated only after the
 * 4-byte length prefix has been checked against `maxFrameBytes`. So the decoder holds at most
 * 4 + maxFrameBytes bytes, copies each byte at most once, and an oversize frame is refused as soon
 * as its length prefix arrives, before any of its body is buffered.
 *
 * Errors: `push` throws the ProtocolError of the first bad frame (codes as for decodeFrame,
 * E_FRAME_TOO_LARGE for an oversize declared length). Messages completed earlier in that same chunk
 * are dropped with it: a peer that sent a bad frame is to be told and disconnected. The decoder is
 * then poisoned: every later `push` or `end` throws E_DECODER_POISONED with the first error as
 * `cause`. It never throws anything but ProtocolError.
 */
export class FrameDecoder {
  /** The bound on declared frame lengths, resolved from the options. */
  readonly maxFrameBytes: number;
  #header = new Uint8Array(FRAME_LENGTH_BYTES);
  #headerFill = 0;
  /** The straddling frame body being assembled (declared length bytes), if any. */
  #body: Uint8Array | undefined;
  #bodyFill = 0;
  #error: ProtocolError | undefined;

  /** Throws ProtocolError E_INVALID_ARGUMENT when `maxFrameBytes` is not an integer in [2, 2^24]. */
  constructor(options?: FrameOptions) {
    this.maxFrameBytes = resolveMaxFrameBytes(options);
  }

  /** Bytes held for a frame not yet complete (0 between frames). */
  get bufferedBytes(): number {
    return this.#body === undefined ? this.#headerFill : FRAME_LENGTH_BYTES + this.#bodyFill;
  }

  /** The error that poisoned this decoder, if one did. */
  get error(): ProtocolError | undefined {
    return this.#error;
  }

  /**
   * Decodes what `chunk` completes; see the class comment for errors. `chunk` may be reused by the caller afterwards.
   */
  push(chunk: Uint8Array): TcpMessage[] {
    this.#checkUsable();
    if (!(chunk instanceof Uint8Array))
      return this.#poison(new ProtocolError('E_INVALID_ARGUMENT', 'push needs a Uint8Array'));
    try {
      return this.#push(chunk);
    } catch (error) {
      return this.#poison(
        error instanceof ProtocolError
          ? error
          : new ProtocolError('E_INVALID_FIELD', 'unexpected decoder failure', { cause: error }),
      );
    }
  }

  /**
   * Declares the stream finished (the socket ended). Throws E_TRUNCATED when a partial frame is
   * pending, and poisons the decoder; does nothing otherwise.
   */
  end(): void {
    this.#checkUsable();
    const pending = this.bufferedBytes;
    if (pending > 0)
      this.#poison(new ProtocolError('E_TRUNCATED', `stream ended inside a frame, ${pending} bytes pending`));
  }

  #checkUsable(): void {
    if (this.#error !== undefined) {
      throw new ProtocolError('E_DECODER_POISONED', `decoder already failed with ${this.#error.code}`, {
        cause: this.#error,
      });
    }
  }

  #poison(error: ProtocolError): never {
    this.#error = error;
    this.#body = undefined;
    throw error;
  }

  #push(chunk: Uint8Array): TcpMessage[] {
    const out: TcpMessage[] = [];
    const n = chunk.length;
    let off = 0;
    while (off < n) {
      if (this.#body !== undefined) {
        // Continue the straddling frame.
        const body = this.#body;
        const take = Math.min(body.length - this.#bodyFill, n - off);
        body.set(chunk.subarray(off, off + take), this.#bodyFill);
        this.#bodyFill += take;
        off += take;
        if (this.#bodyFill === body.length) {
          this.#body = undefined;
          this.#bodyFill = 0;
          out.push(decodeFrameBody(body, 0, body.length));
        }
        continue;
      }
      let length: number;
      if (this.#headerFill === 0 && n - off >= FRAME_LENGTH_BYTES) {
        length = chunk[off]! * 0x100_0000 + ((chunk[off + 1]! << 16) | (chunk[off + 2]! << 8) | chunk[off + 3]!);
        off += FRAME_LENGTH_BYTES;
      } else {
        const take = Math.min(FRAME_LENGTH_BYTES - this.#headerFill, n - off);
        this.#header.set(chunk.subarray(off, off + take), this.#headerFill);
        this.#headerFill += take;
        off += take;
        if (this.#headerFill < FRAME_LENGTH_BYTES) break;
        const h = this.#header;
        length = h[0]! * 0x100_0000 + ((h[1]! << 16) | (h[2]! << 8) | h[3]!);
        this.#headerFill = 0;
      }
      checkDeclaredLength(length, this.maxFrameBytes);
      if (n - off >= length) {
        out.push(decodeFrameBody(chunk, off, length));
        off += length;
      } else {
        this.#body = new Uint8Array(length);
        this.#bodyFill = 0;
      }
    }
    return out;
  }
}
