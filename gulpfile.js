// Copies what tsc does not: node and credential icons, and node codex files, into dist/.
const { src, dest, parallel } = require('gulp');

function nodeAssets() {
	return src(['nodes/**/*.{png,svg}', 'nodes/**/*.node.json'], { encoding: false }).pipe(dest('dist/nodes'));
}

function credentialIcons() {
	return src('credentials/**/*.{png,svg}', { encoding: false }).pipe(dest('dist/credentials'));
}

exports['build:icons'] = parallel(nodeAssets, credentialIcons);
