/** Runs in every test file: watch console output, and scan everything seen once the file is done. */
import { KNOWN_SECRETS } from '../fixtures/contoso';
import { findLeaks, recordVisible } from './leakWatch';

for (const level of ['log', 'info', 'warn', 'error', 'debug'] as const) {
	const original = console[level].bind(console);
	console[level] = (...args: unknown[]) => {
		recordVisible(args.map(String).join(' '));
		original(...args);
	};
}

afterAll(() => {
	expect(findLeaks(KNOWN_SECRETS)).toEqual([]);
});
