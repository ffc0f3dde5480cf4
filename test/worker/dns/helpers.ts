import { DnsError } from "../../../worker/dns/provider";

/** The DnsError a call fails with; anything else (or success) fails the test. */
export async function caught(promise: Promise<unknown>): Promise<DnsError> {
  try {
    await promise;
  } catch (error) {
    if (error instanceof DnsError) return error;
    throw error;
  }
  throw new Error("expected a DnsError, but the call succeeded");
}

/** The outbound rule as `npm start` and tests have it: loopback fakes allowed. */
export const DEVELOPMENT = { allowPrivateUrls: true };
