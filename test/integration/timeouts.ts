// Each integration test does real I/O (stand-ins over HTTP, fake exchanges, child processes): on a
// busy 2-core machine one can take ten times its idle time, so jest's default 5 s would fail tests
// that are only slow. A file that needs longer says so with its own jest.setTimeout (it runs after this).
jest.setTimeout(60_000);
