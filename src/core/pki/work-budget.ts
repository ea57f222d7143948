// How much password-derivation work one input file may cause in all (every MAC, bag and encrypted key in it), and how many items it may hold.
import { OnboardError } from '../errors';

/**
 * Derivation rounds allowed for one whole file. A round is one digest of the PKCS#12 key derivation
 * for one output block, one HMAC of PBKDF2 for one output block, or one scrypt block mix (N × r × p).
 * Real files stay far below: OpenSSL writes 2,048 iterations (about 12,000 rounds for a MAC, a 3DES
 * key bag and an RC2 certificate bag), Windows 2,000, Java's keytool 10,000 (about 30,000 rounds).
 * A million rounds is at most a few seconds of the PKCS#12 derivation, which runs in JavaScript
 * (measured in docs/benchmarks.md); a file asking for more is refused before the work is done.
 */
export const MAX_DERIVATION_ROUNDS = 1_000_000;

/** Safe bags (keys, certificates, nested contents) one PFX may hold: a CA store exported whole has about 150. */
export const MAX_PFX_BAGS = 512;

/** The work one input has cost so far; shared by everything read from that input, so a limit holds for the whole file. */
export class WorkBudget {
  /** Derivation rounds charged so far (before each derivation runs). */
  rounds = 0;
  /** Safe bags read so far. */
  bags = 0;

  constructor(
    readonly maxRounds = MAX_DERIVATION_ROUNDS,
    readonly maxBags = MAX_PFX_BAGS,
  ) {}

  /** Charges a derivation before it runs; refuses the whole input once the total would pass the limit. */
  chargeRounds(rounds: number): void {
    if (!Number.isFinite(rounds) || rounds < 0 || this.rounds + rounds > this.maxRounds) {
      throw new OnboardError(
        'input-too-much-work',
        `The file asks for more password-derivation work than any real certificate file needs (over ${this.maxRounds.toLocaleString('en-US')} rounds in all); it was refused before doing it.`,
        'Export it again with the usual protection settings (a few thousand iterations), or ask whoever made it how it was protected.',
      );
    }
    this.rounds += rounds;
  }

  /** Counts one safe bag; refuses a PFX that holds more than any real one. */
  countBag(): void {
    this.bags++;
    if (this.bags > this.maxBags) {
      throw new OnboardError(
        'pfx-too-many-bags',
        `The .pfx file holds more than ${this.maxBags} items (keys, certificates and containers); no real one does, so it was not read.`,
        'Export the identity again on its own: its key, its certificate and the CA certificates above it.',
      );
    }
  }
}
