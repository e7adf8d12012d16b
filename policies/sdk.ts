/**
 * Parts of `@pulumi/policy` that exist at run time but not in its typings: the unknown-checking proxy
 * the analyzer wraps every resource's properties in, and the error it throws during a preview.
 */
import * as policySdk from "@pulumi/policy";

interface UntypedSdk {
    UnknownValueError: abstract new (...args: never[]) => Error;
    unknownCheckingProxy: <T extends object>(value: T) => T;
}

const sdk = policySdk as unknown as UntypedSdk;

/** Thrown by the proxy when a policy reads a value the engine does not know yet (preview). */
export const UnknownValueError = sdk.UnknownValueError;

/** Wraps properties as the analyzer does before a policy sees them. */
export const unknownCheckingProxy = sdk.unknownCheckingProxy;

/** How the engine sends a value it does not know yet (the Pulumi protocol's unknown string). */
export const UNKNOWN_SENTINEL = "04da6b54-80e4-46f7-96ec-b56ff0331ba9";
