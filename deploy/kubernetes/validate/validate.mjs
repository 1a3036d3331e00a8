// Validates every object of deploy/kubernetes/*.yaml against the Kubernetes JSON schemas of the
// kubernetes-models package, offline, plus Palaver's own rules: no namespace written in, every
// container with requests and limits, probes, a preStop hook and a grace period longer than the
// node's 30 s shutdown wait. Run: (cd deploy/kubernetes/validate && npm ci && node validate.mjs)
import { readFileSync, readdirSync } from "node:fs";
import { createRequire } from "node:module";
import { parseAllDocuments } from "yaml";

const require = createRequire(import.meta.url);
const dir = new URL("..", import.meta.url).pathname;
let failures = 0, count = 0;
const fail = (where, msg) => { failures++; console.log(`FAIL ${where}: ${msg}`); };

for (const file of readdirSync(dir).filter(f => f.endsWith(".yaml") || f.endsWith(".yml"))) {
  for (const doc of parseAllDocuments(readFileSync(dir + file, "utf8"))) {
    if (doc.errors.length) { fail(file, doc.errors.join("; ")); continue; }
    const obj = doc.toJSON();
    if (!obj) continue;
    const where = `${file} ${obj.kind}/${obj.metadata?.name}`;
    count++;
    const [group, version] = obj.apiVersion.includes("/") ? obj.apiVersion.split("/") : [null, obj.apiVersion];
    const path = group ? `kubernetes-models/${group}/${version}/${obj.kind}` : `kubernetes-models/${version}/${obj.kind}`;
    let Model;
    try { Model = require(path)[obj.kind]; } catch (e) { fail(where, `unknown apiVersion/kind (${path})`); continue; }
    try { new Model(obj).validate(); } catch (e) { fail(where, e.message); continue; }
    if (obj.metadata?.namespace) fail(where, "namespace written in: apply with kubectl -n instead");
    const pod = obj.spec?.template?.spec;
    if (pod) {
      if (!(pod.terminationGracePeriodSeconds > 35)) fail(where, "terminationGracePeriodSeconds must exceed preStop + 30 s shutdown");
      for (const c of pod.containers) {
        const r = c.resources ?? {};
        if (!r.requests?.cpu || !r.requests?.memory || !r.limits?.memory) fail(where, `${c.name}: requests (cpu, memory) and a memory limit`);
        if (!c.readinessProbe || !c.livenessProbe) fail(where, `${c.name}: readiness and liveness probes`);
        if (!c.lifecycle?.preStop) fail(where, `${c.name}: a preStop delay`);
      }
    }
    console.log(`ok   ${where}`);
  }
}
console.log(`${count} objects, ${failures} failures`);
process.exit(failures || count === 0 ? 1 : 0);
