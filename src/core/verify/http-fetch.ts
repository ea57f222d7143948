// Bounded HTTP(S) requests for CRLs (GET) and OCSP (POST or GET): one deadline, a size cap and a few
// redirects, so a slow or hostile distribution point or responder can never hang or flood verification.
import * as http from 'node:http';
import * as https from 'node:https';
import type { X509Certificate } from 'node:crypto';
import { OnboardError, describeError } from '../errors';

export interface BoundedGetOptions {
  /** One deadline for the whole exchange, redirects included. */
  timeoutMs?: number;
  /** Bodies larger than this are refused (CRLs of big CAs reach a few MB). */
  maxBytes?: number;
  maxRedirects?: number;
  signal?: AbortSignal;
  /** Trust for https URLs; when absent the system's default roots are used. */
  caCertificates?: X509Certificate[];
  /** What is fetched, for messages: "certificate revocation list" unless said. */
  what?: string;
  /** Sent as the Accept header; any type by default. */
  accept?: string;
}

/** A body to POST; a redirect with 307 or 308 sends it again, 301, 302 and 303 are answered as they are. */
export interface PostBody {
  body: Buffer;
  contentType: string;
}

export interface BoundedGetResult {
  /** The URL that finally answered, after redirects. */
  url: string;
  status: number;
  contentType: string;
  body: Buffer;
  /** Every URL visited before the final one, in order. */
  redirects: string[];
}

export const DEFAULT_FETCH_TIMEOUT_MS = 10_000;
export const DEFAULT_FETCH_MAX_BYTES = 10 * 1024 * 1024;
export const DEFAULT_FETCH_MAX_REDIRECTS = 3;

const REDIRECT_STATUSES = new Set([301, 302, 303, 307, 308]);

/**
 * GETs `url`, following at most `maxRedirects` redirects, answering with the final status
 * and body whatever the status. Throws OnboardError with a code a caller can map:
 * fetch-bad-url, fetch-scheme, fetch-dns, fetch-refused, fetch-timeout, fetch-too-large,
 * fetch-redirects, fetch-cancelled, fetch-failed.
 */
export async function boundedGet(url: string, opts: BoundedGetOptions = {}): Promise<BoundedGetResult> {
  return boundedRequest(url, opts);
}

/** POSTs `post` to `url` within the same bounds as boundedGet (see there for the errors). */
export async function boundedPost(
  url: string,
  post: PostBody,
  opts: BoundedGetOptions = {},
): Promise<BoundedGetResult> {
  return boundedRequest(url, opts, post);
}

async function boundedRequest(url: string, opts: BoundedGetOptions, post?: PostBody): Promise<BoundedGetResult> {
  const timeoutMs = opts.timeoutMs ?? DEFAULT_FETCH_TIMEOUT_MS;
  const maxBytes = opts.maxBytes ?? DEFAULT_FETCH_MAX_BYTES;
  const maxRedirects = opts.maxRedirects ?? DEFAULT_FETCH_MAX_REDIRECTS;
  const deadline = Date.now() + timeoutMs;
  const redirects: string[] = [];
  let current = url;
  for (;;) {
    const answer = await requestOnce(current, {
      deadline,
      timeoutMs,
      maxBytes,
      signal: opts.signal,
      caCertificates: opts.caCertificates,
      what: opts.what ?? 'certificate revocation list',
      accept: opts.accept ?? '*/*',
      post,
    });
    // A POST is sent again only where HTTP keeps the method and body (307, 308); other redirects answer as they are.
    const follows = post ? answer.status === 307 || answer.status === 308 : REDIRECT_STATUSES.has(answer.status);
    if (follows && answer.location) {
      if (redirects.length >= maxRedirects) {
        throw new OnboardError(
          'fetch-redirects',
          `${url} redirected more than ${maxRedirects} times (last to ${answer.location}).`,
          'Publish the file at a URL that answers directly, or fix the redirect loop on the web server.',
        );
      }
      redirects.push(current);
      try {
        current = new URL(answer.location, current).toString();
      } catch {
        throw new OnboardError(
          'fetch-bad-url',
          `${current} redirected to an invalid address: ${answer.location}.`,
          'Fix the redirect on the web server.',
        );
      }
      continue;
    }
    return { url: current, status: answer.status, contentType: answer.contentType, body: answer.body, redirects };
  }
}

interface OnceOptions {
  deadline: number;
  timeoutMs: number;
  maxBytes: number;
  signal?: AbortSignal;
  caCertificates?: X509Certificate[];
  what: string;
  accept: string;
  post?: PostBody;
}
interface OnceAnswer {
  status: number;
  contentType: string;
  location?: string;
  body: Buffer;
}

function requestOnce(url: string, o: OnceOptions): Promise<OnceAnswer> {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return Promise.reject(new OnboardError('fetch-bad-url', `${url} is not a valid URL.`, 'Check the address.'));
  }
  if (parsed.protocol !== 'http:' && parsed.protocol !== 'https:') {
    return Promise.reject(
      new OnboardError(
        'fetch-scheme',
        `${url} uses ${parsed.protocol.replace(/:$/, '')}, which is not checked (only http and https).`,
        'The 1E Switch fetches CRLs over HTTP: publish an http:// distribution point.',
      ),
    );
  }
  if (o.signal?.aborted) return Promise.reject(cancelled(url));
  const remaining = o.deadline - Date.now();
  if (remaining <= 0) return Promise.reject(timedOut(url, o.timeoutMs));

  return new Promise<OnceAnswer>((resolve, reject) => {
    let settled = false;
    const settle = (fn: () => void) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      o.signal?.removeEventListener('abort', onAbort);
      fn();
    };
    const lib = parsed.protocol === 'https:' ? https : http;
    const headers: http.OutgoingHttpHeaders = { 'user-agent': 'onboard-verify', accept: o.accept };
    if (o.post) {
      headers['content-type'] = o.post.contentType;
      headers['content-length'] = o.post.body.length;
    }
    const reqOpts: https.RequestOptions = { method: o.post ? 'POST' : 'GET', headers, agent: false };
    if (parsed.protocol === 'https:' && o.caCertificates) reqOpts.ca = o.caCertificates.map((c) => c.toString());
    const req = lib.request(parsed, reqOpts, (res) => {
      const status = res.statusCode ?? 0;
      const contentType = String(res.headers['content-type'] ?? '');
      const location = typeof res.headers.location === 'string' ? res.headers.location : undefined;
      if (REDIRECT_STATUSES.has(status) && location) {
        // The body of a redirect is never read: its size does not count.
        res.resume();
        settle(() => resolve({ status, contentType, location, body: Buffer.alloc(0) }));
        req.destroy();
        return;
      }
      const declared = Number(res.headers['content-length']);
      if (Number.isFinite(declared) && declared > o.maxBytes) {
        settle(() => reject(tooLarge(url, o.maxBytes, o.what)));
        req.destroy();
        return;
      }
      const chunks: Buffer[] = [];
      let size = 0;
      res.on('data', (chunk: Buffer) => {
        size += chunk.length;
        if (size > o.maxBytes) {
          settle(() => reject(tooLarge(url, o.maxBytes, o.what)));
          req.destroy();
          return;
        }
        chunks.push(chunk);
      });
      res.on('end', () => settle(() => resolve({ status, contentType, body: Buffer.concat(chunks) })));
      res.on('error', (e) => settle(() => reject(networkError(url, e))));
      res.on('aborted', () =>
        settle(() =>
          reject(
            new OnboardError(
              'fetch-failed',
              `${url}: the server closed the connection before the whole file arrived.`,
              'Try again; if it persists, check the web server that publishes the file.',
            ),
          ),
        ),
      );
    });
    req.on('error', (e) => settle(() => reject(networkError(url, e))));
    const timer = setTimeout(() => {
      settle(() => reject(timedOut(url, o.timeoutMs)));
      req.destroy();
    }, remaining);
    const onAbort = () => {
      settle(() => reject(cancelled(url)));
      req.destroy();
    };
    o.signal?.addEventListener('abort', onAbort, { once: true });
    req.end(o.post?.body);
  });
}

const cancelled = (url: string) => new OnboardError('fetch-cancelled', `Fetching ${url} was cancelled.`);
const timedOut = (url: string, ms: number) =>
  new OnboardError(
    'fetch-timeout',
    `${url} did not answer within ${ms} ms.`,
    'Check that this Mac can reach the server (firewall, proxy, VPN).',
  );
const size = (n: number) => (n >= 1048576 ? `${Math.round(n / 1048576)} MB` : `${Math.round(n / 1024)} KB`);
const tooLarge = (url: string, max: number, what: string) =>
  new OnboardError(
    'fetch-too-large',
    `${url} is larger than ${size(max)}, which no ${what} should be.`,
    what === 'certificate revocation list'
      ? 'Check that the URL points at the CRL file and not at something else.'
      : `Check that the URL is the ${what}'s address and not something else.`,
  );

function networkError(url: string, e: unknown): OnboardError {
  const code = (e as NodeJS.ErrnoException).code ?? '';
  const host = (() => {
    try {
      return new URL(url).host;
    } catch {
      return url;
    }
  })();
  if (code === 'ENOTFOUND' || code === 'EAI_AGAIN')
    return new OnboardError(
      'fetch-dns',
      `The name in ${url} does not resolve (${code}).`,
      `Check DNS on this Mac: can it resolve ${host}?`,
    );
  if (code === 'ECONNREFUSED')
    return new OnboardError(
      'fetch-refused',
      `${host} refused the connection for ${url}.`,
      'Check that the web server is running and listening on that port, and that no firewall blocks it.',
    );
  if (code === 'ECONNRESET')
    return new OnboardError(
      'fetch-failed',
      `${host} reset the connection for ${url}.`,
      'A firewall or proxy may be dropping the request; try from another network.',
    );
  if (code === 'ETIMEDOUT')
    return new OnboardError(
      'fetch-timeout',
      `${url}: the connection timed out.`,
      'Check that this Mac can reach the server (firewall, proxy, VPN).',
    );
  return new OnboardError(
    'fetch-failed',
    `${url}: ${code ? code + ' ' : ''}${describeError(e)}`.trim(),
    'Check the address and the network path to the server.',
  );
}
