/** Says plainly, once per run, whether the PostgreSQL half of the store suites ran. */
export default function setup() {
  if (process.env.INCIDENT_TEST_DATABASE_URL) {
    console.log(`PostgreSQL suite: running against ${process.env.INCIDENT_TEST_DATABASE_URL.replace(/\/\/[^@]*@/, '//')}`);
  } else {
    console.log('PostgreSQL suite: SKIPPED (set INCIDENT_TEST_DATABASE_URL=postgres://… to run it; .ci/run does)');
  }
}
