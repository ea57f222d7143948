// Loopback networking for tests: servers here bind 127.0.0.1 only.

/** A TCP port that was free a moment ago on 127.0.0.1 (for servers whose address must be known before they start, e.g. a CRL URL baked into certificates). */
export async function freeLoopbackPort(): Promise<number> {
  const { createServer } = await import('node:net');
  return new Promise((resolve, reject) => {
    const s = createServer();
    s.once('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const a = s.address();
      const port = typeof a === 'object' && a ? a.port : 0;
      s.close(() => resolve(port));
    });
  });
}
