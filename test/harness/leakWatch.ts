/**
 * The secret scan every test file runs (jest setupFilesAfterEnv): node output, errors and console
 * output seen during the file are collected, then searched for the test credentials' secrets and for
 * anything shaped like an access or refresh token. One hit fails the file.
 */
import { visibleText } from '../fixtures/secretScan';

const seen: string[] = [];
const extraSecrets = new Set<string>();

/** Record what a user could see: node output items, thrown errors, log lines. */
export function recordVisible(...things: unknown[]): void {
	seen.push(visibleText(...things));
}

/** Secrets created at run time (e.g. a token a test obtained) to look for as well. */
export function watchSecret(...secrets: string[]): void {
	for (const secret of secrets) if (secret) extraSecrets.add(secret);
}

/** JWT access/id tokens, and refresh tokens and codes in Entra's (and the emulator's) shape. */
const TOKEN_SHAPES = [/eyJ[\w-]{10,}\.eyJ[\w-]{10,}\.[\w-]{10,}/, /(?<![\w.])[01]\.[\w-]{60,}/];

export function findLeaks(knownSecrets: string[]): string[] {
	const text = seen.join('\n');
	const leaks = [...knownSecrets, ...extraSecrets].filter((secret) => secret && text.includes(secret)).map((s) => `secret ${s.slice(0, 4)}…`);
	for (const shape of TOKEN_SHAPES) {
		const match = shape.exec(text);
		if (match) leaks.push(`token-shaped text ${match[0].slice(0, 12)}…`);
	}
	return leaks;
}

export function resetLeakWatch(): void {
	seen.length = 0;
}
