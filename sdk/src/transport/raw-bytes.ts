/**
 * The bytes of a raw message as a data-channel library hands it over (Buffer, ArrayBuffer or any
 * view), without copying; undefined for a text message, which no Backspin peer sends.
 */
export function rawBytes(raw: unknown): Uint8Array | undefined {
  if (raw instanceof Uint8Array) return raw;
  if (raw instanceof ArrayBuffer) return new Uint8Array(raw);
  if (ArrayBuffer.isView(raw)) return new Uint8Array(raw.buffer, raw.byteOffset, raw.byteLength);
  return undefined;
}
