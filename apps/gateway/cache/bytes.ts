/**
 * SHA-256 of `bytes` (Web Crypto).
 * @example await sha256(new TextEncoder().encode('x'))
 */
export async function sha256(bytes: Uint8Array): Promise<Uint8Array> {
  return new Uint8Array(await crypto.subtle.digest('SHA-256', bytes as Uint8Array<ArrayBuffer>));
}

const CHUNK = 0x8000;

/** Standard base64 of `bytes` (web-standard `btoa`, in chunks so large bodies do not overflow the call stack). */
export function bytesToBase64(bytes: Uint8Array): string {
  let binary = '';
  for (let i = 0; i < bytes.length; i += CHUNK) binary += String.fromCharCode(...bytes.subarray(i, i + CHUNK));
  return btoa(binary);
}

/** The bytes of standard base64 text. */
export function base64ToBytes(text: string): Uint8Array<ArrayBuffer> {
  const binary = atob(text);
  const bytes = new Uint8Array(binary.length);
  for (let i = 0; i < binary.length; i++) bytes[i] = binary.charCodeAt(i);
  return bytes;
}

/** A body read whole (`bytes`), or one found larger than the limit and given back intact as a stream. */
export type CappedRead = { kind: 'complete'; bytes: Uint8Array<ArrayBuffer> } | { kind: 'too-large'; stream: ReadableStream<Uint8Array> };

/**
 * Reads a body up to `maxBytes`. A larger body is not buffered further: what was read is replayed, followed by the
 * rest of the original stream, so the caller can still pass it on unchanged.
 * @example const read = await readAtMost(res.body, 256 * 1024);
 */
export async function readAtMost(body: ReadableStream<Uint8Array>, maxBytes: number): Promise<CappedRead> {
  const reader = body.getReader();
  const chunks: Uint8Array[] = [];
  let total = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    chunks.push(value);
    total += value.byteLength;
    if (total > maxBytes) {
      let index = 0;
      const stream = new ReadableStream<Uint8Array>({
        async pull(controller) {
          if (index < chunks.length) {
            controller.enqueue(chunks[index++] as Uint8Array);
            return;
          }
          const next = await reader.read();
          if (next.done) controller.close();
          else controller.enqueue(next.value);
        },
        cancel(reason) {
          return reader.cancel(reason);
        },
      });
      return { kind: 'too-large', stream };
    }
  }
  const bytes = new Uint8Array(total);
  let offset = 0;
  for (const chunk of chunks) {
    bytes.set(chunk, offset);
    offset += chunk.byteLength;
  }
  return { kind: 'complete', bytes };
}
