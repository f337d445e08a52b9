/**
 * The privacy boundary as a fact of the types and of the running objects:
 * - server-side types (Evaluator, Refresher, what MatmulAlgorithm.run and
 *   SoftmaxAlgorithm.encrypted receive) have no way to decrypt or to reach a secret key: each
 *   `@ts-expect-error` below is checked by `tsc --noEmit` (part of `npm test`), so if any of
 *   these calls ever compiled, the type check would fail;
 * - the seal evaluator is built from the key owner's serialized evaluation keys, and none of the
 *   SEAL objects it holds is a secret key, key generator, encryptor or decryptor.
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import type { SealEvaluator } from '../../algorithms/ckks/seal';
import { errorBound } from '../../algorithms/ckks/precision';
import { createSession } from '../../algorithms/ckks/session';
import type { Ct, Evaluator, Refresher } from '../../algorithms/ckks/types';
import type { MatmulAlgorithm, SoftmaxAlgorithm } from '../../algorithms/interface';

/** Server-side code as the interfaces allow it to be written. Never called: the type check is the test. */
export function serverSideCannotDecrypt(ev: Evaluator, rf: Refresher, ct: Ct): void {
  // @ts-expect-error the evaluator has no decrypt
  ev.decrypt(ct);
  // @ts-expect-error the evaluator has no encrypt (that is the client's)
  ev.encrypt([1]);
  // @ts-expect-error the evaluator holds no secret key
  void ev.secretKey;
  // @ts-expect-error the evaluator cannot make keys
  ev.evaluationKeys([1]);
  // @ts-expect-error the refresher has no decrypt
  rf.decrypt(ct);
  // @ts-expect-error the refresher holds no secret key
  void rf.secretKey;
  // @ts-expect-error the refresher exposes no key owner
  void rf.keyOwner;
}

/** What the algorithm interfaces hand to server-side members. */
export function algorithmsGetOnlyTheServer(m: MatmulAlgorithm, s: SoftmaxAlgorithm): void {
  type RunEvaluator = Parameters<MatmulAlgorithm['run']>[0];
  type SoftmaxEvaluator = Parameters<SoftmaxAlgorithm['encrypted']>[0];
  type SoftmaxRefresher = Parameters<SoftmaxAlgorithm['encrypted']>[1];
  const decryptOf = (x: RunEvaluator | SoftmaxEvaluator | SoftmaxRefresher) =>
    // @ts-expect-error none of them can decrypt
    x.decrypt;
  void decryptOf;
  void m;
  void s;
}

/** Class names of the embind objects SEAL's secrets live in. */
const SECRET = ['SecretKey', 'KeyGenerator', 'Encryptor', 'Decryptor'];

test("the seal evaluator holds no secret SEAL object; it was loaded from the key owner's bytes", async () => {
  const s = await createSession('seal', 'n13', { rotationSteps: [3] });
  try {
    const ev = s.ev.inner as SealEvaluator;
    const natives = ev.nativeObjects();
    const names = natives.map((o) => (o.object.instance as { constructor: { name: string } }).constructor.name);
    assert.ok(names.includes('Evaluator') && names.includes('RelinKeys') && names.includes('GaloisKeys'), names.join(', '));
    for (const n of names) assert.not.ok(SECRET.includes(n), `the evaluator holds a ${n}`);
    // every own field of the evaluator object, searched one level deep for embind instances
    for (const [field, value] of Object.entries(ev)) {
      const inst = (value as { instance?: { constructor?: { name?: string } } } | null)?.instance;
      const name = inst?.constructor?.name;
      if (name) assert.not.ok(SECRET.includes(name), `field ${field} is a ${name}`);
    }
    // the keys it uses are the serialized ones the key owner sent (a message under 'keys')
    const keys = s.evaluationKeys;
    assert.ok(keys.relin.byteLength > 0 && keys.galois.byteLength > 0);
    assert.ok(keys.steps.includes(3));
    const t = s.transcript.summary();
    assert.is(t.byPurpose.keys?.toServer.messages, 1);
    assert.is(t.byPurpose.keys?.toServer.bytes, keys.relin.byteLength + keys.galois.byteLength);
    assert.is(t.toClient.messages, 0, 'nothing went to the client yet');
    // and it computes with them: rotate by a declared step, then the client decrypts
    const x = s.client.encrypt([1, 2, 3, 4]);
    const y = s.ev.rotate(x, 3);
    // a fresh encryption and one key switch (heavy-tailed noise): the preset's CKKS bound for 2 operations
    const got = s.client.decrypt(y)[0]!;
    assert.ok(Math.abs(got - 4) < errorBound(s.ev.preset, 2, 4), `rotated slot 0 = ${got}, expected 4`);
    const after = s.transcript.summary();
    assert.is(after.byPurpose.data?.toServer.messages, 1);
    assert.is(after.byPurpose.result?.toClient.messages, 1);
  } finally {
    s.dispose();
  }
});

test('a refresh is a counted round trip through the key owner', async () => {
  for (const id of ['sim', 'seal'] as const) {
    const s = await createSession(id, 'n13');
    try {
      const x = s.ev.mulConst(s.client.encrypt([0.5]), 1);
      assert.is(x.level, s.ev.maxLevel - 1);
      const before = s.ev.counts();
      const y = s.rf.refresh(x);
      assert.is(y.level, s.ev.maxLevel);
      assert.not.ok(y.complex, 'a fresh encryption of reals is proven real');
      const d = s.ev.counts();
      assert.is(d.refresh - before.refresh, 1);
      const t = s.transcript.summary().byPurpose.refresh!;
      assert.equal([t.toClient.messages, t.toServer.messages], [1, 1]);
      assert.is(d.refreshBytes - before.refreshBytes, t.toClient.bytes + t.toServer.bytes);
      // what crosses is SEAL's serialization (sim: the size SEAL's would have)
      assert.is(t.toClient.bytes, s.ev.ciphertextBytes(x.level));
      assert.ok(Math.abs(s.client.decrypt(y)[0]! - 0.5) < errorBound(s.ev.preset, 2, 1));
    } finally {
      s.dispose();
    }
  }
});

test.run();
