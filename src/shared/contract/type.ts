// Declares a method's result type in the contract without a runtime value.
export const type = <T>() => undefined as unknown as T;
