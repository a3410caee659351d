// Errors raised while framing or decoding record batches. Decoders throw only
// these two classes, whatever bytes they are given.

/** The bytes are not a well-formed v2 record batch (truncated, bad magic, bad CRC, bad lengths). */
export class CorruptBatchError extends Error {
  override name = 'CorruptBatchError';
}

/** The batch is well-formed but its records are compressed with a codec we cannot read yet. */
export class UnsupportedCompressionError extends Error {
  override name = 'UnsupportedCompressionError';
  constructor(readonly codec: number) {
    super(`unsupported compression codec ${codec}`);
  }
}

/** Runs `fn`, turning any error other than ours (e.g. a RangeError from Buffer) into CorruptBatchError. */
export function asCorrupt<T>(fn: () => T): T {
  try {
    return fn();
  } catch (err) {
    if (err instanceof CorruptBatchError || err instanceof UnsupportedCompressionError) throw err;
    throw new CorruptBatchError(`malformed batch: ${(err as Error)?.message ?? String(err)}`);
  }
}
