// The answer shapes of the contract, derived from OnboardApi so the setup screens import only the contract's types.
import type { OnboardApi } from '../../../src/shared/contract';

type AnyAnswer = Awaited<ReturnType<OnboardApi['getAppInfo']>>;
export type IpcError = Extract<AnyAnswer, { ok: false }>['error'];
export type IpcResult<T> = { ok: true; value: T } | { ok: false; error: IpcError };
