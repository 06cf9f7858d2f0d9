// Every test file by default; `npx mocha test/x.test.ts` runs just the files named (mocha would
// otherwise add them to the default list and run everything).
const named = process.argv.slice(2).some((arg) => arg.endsWith('.test.ts'));

module.exports = {
  'node-option': ['import=tsx'],
  extension: ['ts'],
  ...(named ? {} : { spec: ['test/**/*.test.ts'] }),
  require: ['test/helpers/hooks.ts'],
  timeout: 20000,
  recursive: true,
  exit: true,
};
