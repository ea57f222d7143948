// SHA-1 of a SHA-1 digest, many times over (the PKCS#12 KDF's inner loop), as a small WebAssembly function.
//
// Why WebAssembly: V8 compiles WebAssembly to machine code before its first call, while the same loop in JavaScript
// runs interpreted until V8 has optimised it, which in a fresh process is most of a PFX's 2,048 rounds. Measured in
// fresh processes on the shared 2-core machine at load 9 (8 runs each, medians of the process's CPU time): 2,047
// rounds cost 11 ms as WebAssembly (making, compiling and running the module) against 21 ms in JavaScript. The module is assembled here from its instructions (WebAssembly core specification,
// section 5 "Binary Format"); the algorithm is FIPS 180-4 section 6.1.2 for one padded 64-byte block of 20 bytes.
// Memory: the five state words at byte 0, the message schedule W[0..79] at byte 64.

const W = 64;

// LEB128 numbers (specification section 5.2.2), pushed onto `out`. Plain loops and pushes, no spreading of arrays
// into calls: this runs once per process, before V8 has optimised anything, where spreading cost more than the rest.
function u32(out: number[], n: number): void {
  for (;;) {
    const byte = n & 0x7f;
    n >>>= 7;
    if (n === 0) return void out.push(byte);
    out.push(byte | 0x80);
  }
}
function s32(out: number[], n: number): void {
  n |= 0;
  for (;;) {
    const byte = n & 0x7f;
    n >>= 7;
    if ((n === 0 && (byte & 0x40) === 0) || (n === -1 && (byte & 0x40) !== 0)) return void out.push(byte);
    out.push(byte | 0x80);
  }
}

// The function's code, as bytes: opcodes from the specification's section 5.4. Loops, not unrolled: unrolling made
// no faster code in V8's first compiler (Liftoff) and eight times the bytes to make at start-up.
const code: number[] = [];
/** Appends instructions: opcodes as numbers, an instruction with its operands as the array one of the helpers made. */
function asm(...parts: Array<number | number[]>): void {
  for (const p of parts) {
    if (typeof p === 'number') code.push(p);
    else for (let i = 0; i < p.length; i++) code.push(p[i]!);
  }
}
const get = (i: number): number[] => [0x20, i];
const set = (i: number): number[] => [0x21, i];
const k = (n: number): number[] => {
  const out = [0x41];
  s32(out, n);
  return out;
};
const load = (offset: number): number[] => {
  const out = [0x28, 2];
  u32(out, offset);
  return out;
};
const store = (offset: number): number[] => {
  const out = [0x36, 2];
  u32(out, offset);
  return out;
};
const [ADD, AND, OR, XOR, SHL, ROTL, LT_U, GE_U] = [0x6a, 0x71, 0x72, 0x73, 0x74, 0x77, 0x49, 0x4f];
const [BLOCK, LOOP, END, BR, BR_IF, VOID] = [0x02, 0x03, 0x0b, 0x0c, 0x0d, 0x40];

// Locals: 0 the round count (the parameter), 1 the round number, 2 the step t, 3-7 a-e, 8 a temporary, 9-13 the state.
const [TIMES, N, T, A, B, C, D, E, X] = [0, 1, 2, 3, 4, 5, 6, 7, 8];
const H = [9, 10, 11, 12, 13];
const IV = [0x67452301, 0xefcdab89, 0x98badcfe, 0x10325476, 0xc3d2e1f0];

/** One of the four 20-step stages: x = rotl(a,5) + f(b,c,d) + e + K + W[t]; e = d; d = c; c = rotl(b,30); b = a; a = x. */
function stage(f: () => void, constant: number, until: number): void {
  asm(LOOP, VOID, get(A), k(5), ROTL);
  f();
  asm(ADD, get(E), ADD, k(constant), ADD, get(T), k(2), SHL, load(W), ADD, set(X));
  asm(get(D), set(E), get(C), set(D), get(B), k(30), ROTL, set(C), get(A), set(B), get(X), set(A));
  asm(get(T), k(1), ADD, set(T), get(T), k(until), LT_U, BR_IF, 0, END);
}
// f(b, c, d): Ch, Parity, Maj (FIPS 180-4 section 4.1.1).
const ch = () => asm(get(B), get(C), AND, get(B), k(-1), XOR, get(D), AND, OR);
const parity = () => asm(get(B), get(C), XOR, get(D), XOR);
const maj = () => asm(get(B), get(C), AND, get(B), get(D), AND, OR, get(C), get(D), AND, OR);

function emitBody(): void {
  for (let i = 0; i < 5; i++) asm(k(0), load(i * 4), set(H[i]!));
  // W[5..15] are the same in every round: the 0x80 marker, zeros, and the message length in bits (160).
  asm(k(0), k(0x80000000), store(W + 20));
  for (let i = 6; i < 15; i++) asm(k(0), k(0), store(W + i * 4));
  asm(k(0), k(160), store(W + 60), k(0), set(N));
  asm(BLOCK, VOID, LOOP, VOID, get(N), get(TIMES), GE_U, BR_IF, 1);
  for (let i = 0; i < 5; i++) asm(k(0), get(H[i]!), store(W + i * 4));
  // W[t] = rotl(W[t-3] ^ W[t-8] ^ W[t-14] ^ W[t-16], 1) for t = 16..79, addressed as 4t plus a constant offset.
  const at = get(T).concat(k(2), [SHL]);
  asm(k(16), set(T), LOOP, VOID, at, at, load(W - 12), at, load(W - 32), XOR);
  asm(at, load(W - 56), XOR, at, load(W - 64), XOR, k(1), ROTL, store(W));
  asm(get(T), k(1), ADD, set(T), get(T), k(80), LT_U, BR_IF, 0, END);
  for (let i = 0; i < 5; i++) asm(k(IV[i]!), set(A + i));
  asm(k(0), set(T));
  stage(ch, 0x5a827999, 20);
  stage(parity, 0x6ed9eba1, 40);
  stage(maj, 0x8f1bbcdc, 60);
  stage(parity, 0xca62c1d6, 80);
  for (let i = 0; i < 5; i++) asm(get(A + i), k(IV[i]!), ADD, set(H[i]!));
  asm(get(N), k(1), ADD, set(N), BR, 0, END, END);
  for (let i = 0; i < 5; i++) asm(k(0), get(H[i]!), store(i * 4));
  asm(END);
}

function section(out: number[], id: number, content: number[]): void {
  out.push(id);
  u32(out, content.length);
  for (const b of content) out.push(b);
}
function name(out: number[], s: string): void {
  u32(out, s.length);
  for (let i = 0; i < s.length; i++) out.push(s.charCodeAt(i));
}

function moduleBytes(): Uint8Array<ArrayBuffer> {
  code.length = 0;
  code.push(1, 13, 0x7f); // the locals: one run of 13 i32 after the parameter
  emitBody();
  const exports = [2];
  name(exports, 'm');
  exports.push(0x02, 0); // memory 0
  name(exports, 'r');
  exports.push(0x00, 0); // function 0
  const codeSection = [1];
  u32(codeSection, code.length);
  for (const b of code) codeSection.push(b);
  const out = [0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00];
  section(out, 1, [1, 0x60, 1, 0x7f, 0]); // type 0: (i32) -> ()
  section(out, 3, [1, 0]); // function 0 has type 0
  section(out, 5, [1, 0x00, 1]); // one memory of one page
  section(out, 7, exports);
  section(out, 10, codeSection);
  return Uint8Array.from(out);
}

type Rounds = (h: Int32Array, times: number) => void;
let made: Rounds | null | undefined;

/** h (5 words) becomes SHA-1(h) `times` times over; null where WebAssembly is not available (`node --jitless`). */
export function wasmSha1Rounds(): Rounds | null {
  if (made !== undefined) return made;
  made = null;
  if (typeof WebAssembly !== 'object') return made;
  let exports: WebAssembly.Exports;
  try {
    exports = new WebAssembly.Instance(new WebAssembly.Module(moduleBytes())).exports;
  } catch {
    return made; // refused by the runtime: the caller's JavaScript does the same work
  }
  const { m, r } = exports as { m: WebAssembly.Memory; r: (times: number) => void };
  // WebAssembly memory is little-endian whatever the machine is.
  const state = new DataView(m.buffer, 0, 20);
  made = (h, times) => {
    for (let i = 0; i < 5; i++) state.setInt32(i * 4, h[i]!, true);
    r(times);
    for (let i = 0; i < 5; i++) h[i] = state.getInt32(i * 4, true);
  };
  return made;
}
