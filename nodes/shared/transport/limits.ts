/** Graph's and Exchange Online's limits, named once. Sources: ../../../README.md (Limits). */

/** Outlook allows 4 concurrent requests per app per mailbox; a 5th is answered 429. */
export const MAILBOX_CONCURRENCY = 4;

/** Retries of throttled (429) or unavailable (503/504) answers. */
export const RETRY = {
	maxAttempts: 8,
	/** Give up once the waits would add up to more than this. */
	maxTotalWaitMs: 180_000,
	/** Backoff when Graph gives no Retry-After: base * 2^attempt, with full jitter, capped. */
	baseDelayMs: 500,
	maxDelayMs: 30_000,
};

/** Largest page Graph serves ($top). */
export const MAX_PAGE_SIZE = 1000;

/** sendMail and other JSON bodies: Graph refuses requests over 4 MB; base64 grows bytes by a third. */
export const MAX_REQUEST_BYTES = 4 * 1024 * 1024;
export const MAX_INLINE_ATTACHMENT_BYTES = 3 * 1024 * 1024;

/** Upload sessions: each PUT at most 4 MB (we use a multiple of 320 KiB as Graph advises), files up to 150 MB. */
export const UPLOAD_CHUNK_BYTES = 320 * 1024 * 12;
export const MAX_ATTACHMENT_BYTES = 150 * 1024 * 1024;

/**
 * JSON $batch: at most 20 requests per batch, and Graph hands a batch to Outlook 4 at a time, so a
 * batch is at most 4 `dependsOn` chains, each chain holding one of the mailbox's slots.
 */
export const BATCH = {
	maxRequests: 20,
	maxChains: MAILBOX_CONCURRENCY,
	/** The whole body stays under Graph's 4 MB; a request whose body alone is bigger than this goes on its own. */
	maxBodyBytes: MAX_REQUEST_BYTES - 64 * 1024,
	maxPartBytes: 1024 * 1024,
};
