/** The secret scan itself must be able to fail. */
import { findLeaks, recordVisible, resetLeakWatch } from './leakWatch';

afterEach(() => resetLeakWatch());

test('finds a known secret, a JWT and a refresh token in what was shown', () => {
	recordVisible({ json: { note: 'password is Correct-Horse-Battery-1' } });
	recordVisible(new Error('Bearer eyJhbGciOiJSUzI1NiJ9.eyJhdWQiOiJodHRwczovL2dyYXBoIn0.c2lnbmF0dXJlLXNpZ25hdHVyZQ'));
	recordVisible(`refresh=0.${'A'.repeat(86)}`);
	expect(findLeaks(['Correct-Horse-Battery-1'])).toEqual(['secret Corr…', 'token-shaped text eyJhbGciOiJS…', 'token-shaped text 0.AAAAAAAAAA…']);
});

test('ordinary Graph output is clean', () => {
	recordVisible({ json: { id: 'AAMkAGI2TG93AAA=', subject: 'Invoice 0.5', receivedDateTime: '2026-11-23T10:00:00Z' } });
	expect(findLeaks(['Correct-Horse-Battery-1'])).toEqual([]);
});
