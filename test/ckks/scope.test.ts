/** Deterministic freeing: scopes free what they made except what they return. */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { sharedSession } from '../helpers/backends';

test('1000 operations inside a scope leave no live SEAL object behind', async () => {
  const s = await sharedSession('seal', 'n13');
  const be = s.ev;
  const live = be.liveObjects();
  be.scope(() => {
    let x = s.client.encrypt([0.5, -0.5]);
    const mask = be.encode([1, 0]);
    for (let i = 0; i < 1000; i++) {
      switch (i % 5) {
        case 0:
          x = be.add(x, x);
          break;
        case 1:
          x = be.rotate(x, 1);
          break;
        case 2:
          x = be.mulConst(be.mulPlain(x, mask), 0.5);
          x = s.rf.refresh(x);
          break;
        case 3:
          x = be.sub(x, be.conjugate(x));
          break;
        default:
          x = be.addConst(x, 0.1);
      }
    }
  });
  assert.is(be.liveObjects(), live);
});

test('a scope keeps what it returns (arrays and objects) and moves it outward', async () => {
  for (const id of ['seal', 'sim'] as const) {
    const s = await sharedSession(id, 'n13');
    const be = s.ev;
    const live = be.liveObjects();
    const kept = be.scope(() => {
      const a = s.client.encrypt([1]);
      const b = be.add(a, a);
      be.add(b, b);
      return { list: [b], n: 3 };
    });
    assert.is(be.liveObjects(), live + 1);
    assert.ok(Math.abs(s.client.decrypt(kept.list[0]!)[0]! - 2) < 1e-6);
    be.free(kept.list[0]!);
    assert.is(be.liveObjects(), live);
    assert.throws(() => s.client.decrypt(kept.list[0]!), /freed/);
  }
});

test('a throwing scope frees everything it made', async () => {
  const s = await sharedSession('seal', 'n13');
  const be = s.ev;
  const live = be.liveObjects();
  assert.throws(
    () =>
      be.scope(() => {
        s.client.encrypt([1]);
        throw new Error('boom');
      }),
    /boom/,
  );
  assert.is(be.liveObjects(), live);
});

test('serialized ciphertexts load back with their level (worker-thread transport)', async () => {
  for (const id of ['seal', 'sim'] as const) {
    const s = await sharedSession(id, 'n13');
    const be = s.ev;
    be.scope(() => {
      const x = be.mulConst(s.client.encrypt([0.25, 0.5]), 2);
      const y = be.deserialize(be.serialize(x));
      assert.is(y.level, x.level);
      const d = s.client.decrypt(y);
      assert.ok(Math.abs(d[1]! - 1) < 1e-6, `${id}: ${d[1]}`);
    });
  }
});

test.run();
