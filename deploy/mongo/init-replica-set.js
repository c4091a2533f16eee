// mongosh healthcheck for the compose MongoDB services: initiates the single-node replica set `rs0`
// on first run (member address from $RS_HOST), then exits 0 only once this node is a writable primary.
/* global rs, db, quit, print, process */
try {
  rs.status();
} catch (err) {
  if (err.codeName !== 'NotYetInitialized') throw err;
  const host = process.env.RS_HOST || 'localhost:27017';
  rs.initiate({ _id: 'rs0', members: [{ _id: 0, host }] });
  print(`initiated replica set rs0 with member ${host}`);
}
if (!db.hello().isWritablePrimary) quit(1);
