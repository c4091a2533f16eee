// mongosh healthcheck of the compose `mongo` service (runs every few seconds; idempotent).
// 1. Initiates the single-node replica set `rs0` on first run (member address from $RS_HOST).
// 2. Once this node is the writable primary, creates the users on first run: the administrator
//    ($MONGO_ROOT_USERNAME, password from $MONGO_ROOT_PASSWORD_FILE) and the application user
//    ($MONGO_APP_USERNAME with readWrite on $MONGO_APP_DATABASE, password from
//    $MONGO_APP_PASSWORD_FILE), which the servers and workers use through MONGODB_URL_FILE.
//    Both steps run over localhost before any user exists (MongoDB's localhost exception); from then
//    on mongod (started with --keyFile) requires authentication from everyone.
// Exits 0 only when the node is a writable primary and the application user exists.
// Without the password variables (the `mongo-test` service) it skips the users.
/* global rs, db, quit, print, process, require */
// eslint-disable-next-line @typescript-eslint/no-require-imports -- mongosh scripts are CommonJS
const fs = require('fs');
const secret = (name) => {
  const file = process.env[`${name}_FILE`];
  return file ? fs.readFileSync(file, 'utf8').trim() : null;
};

const hello = db.hello();
if (!hello.setName) {
  const host = process.env.RS_HOST || 'localhost:27017';
  rs.initiate({ _id: 'rs0', members: [{ _id: 0, host }] });
  print(`initiated replica set rs0 with member ${host}`);
  quit(1); // healthy at a later run, once elected
}
if (!hello.isWritablePrimary) quit(1);

const rootPassword = secret('MONGO_ROOT_PASSWORD');
const appPassword = secret('MONGO_APP_PASSWORD');
if (rootPassword !== null && appPassword !== null) {
  const rootUser = process.env.MONGO_ROOT_USERNAME || 'root';
  const appUser = process.env.MONGO_APP_USERNAME || 'trellis';
  const appDb = process.env.MONGO_APP_DATABASE || 'trellis';
  const admin = db.getSiblingDB('admin');
  try {
    admin.auth(rootUser, rootPassword);
  } catch (err) {
    // No user yet (first run): the localhost exception allows creating the first one. If users
    // exist (the password file changed), this fails with "requires authentication": unhealthy.
    print(`authenticating as ${rootUser} failed (${err.message}); creating the administrator`);
    admin.createUser({ user: rootUser, pwd: rootPassword, roles: [{ role: 'root', db: 'admin' }] });
    admin.auth(rootUser, rootPassword);
  }
  if (!admin.getUser(appUser)) {
    admin.createUser({ user: appUser, pwd: appPassword, roles: [{ role: 'readWrite', db: appDb }] });
    print(`created user ${appUser} (readWrite on ${appDb})`);
  }
}
