// kubectl apply of a Service and two pods: one serves HTTP with busybox httpd, the other resolves
// the Service through cluster DNS and reaches it through its cluster IP.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { getCluster, type TestCluster } from '../helpers/cluster.ts';

const manifest = (ns: string) => `
apiVersion: v1
kind: Service
metadata:
  name: web
spec:
  selector:
    app: web
  ports:
  - name: http
    port: 80
    targetPort: http
---
apiVersion: v1
kind: Service
metadata:
  name: web-headless
spec:
  clusterIP: None
  selector:
    app: web
  ports:
  - name: http
    port: 80
---
apiVersion: v1
kind: Pod
metadata:
  name: web
  labels:
    app: web
spec:
  hostname: web-0
  subdomain: web-headless
  containers:
  - name: httpd
    image: busybox
    command: ["sh", "-c", "mkdir -p /www && echo hello from ${ns} > /www/index.html && exec httpd -f -p 80 -h /www"]
    ports:
    - name: http
      containerPort: 80
    readinessProbe:
      tcpSocket:
        port: http
      periodSeconds: 1
---
apiVersion: v1
kind: Pod
metadata:
  name: client
spec:
  containers:
  - name: client
    image: busybox
    command: ["sleep", "3600"]
`;

describe('kubectl: services and cluster DNS', () => {
  let c: TestCluster;
  before(async () => {
    c = await getCluster();
  });
  after(async () => {
    await c?.stop();
  });

  const ok = async (args: string[], options?: Parameters<TestCluster['kubectl']>[1]) => {
    const r = await c.kubectl(args, options);
    assert.equal(r.code, 0, `kubectl ${args.join(' ')}: exit ${r.code}\n${r.stderr}${r.stdout}`);
    return r;
  };

  /**
   * Retries an exec a few times: endpoints and DNS follow readiness a moment later. busybox nslookup
   * exits 1 when any of the search-list names it tried is NXDOMAIN, even when one resolved: for
   * nslookup only the output counts.
   */
  const execUntil = async (args: string[], check: (out: string) => boolean, tries = 20) => {
    let last = '';
    for (let i = 0; i < tries; i++) {
      const r = await c.kubectl(['exec', 'client', '--', ...args]);
      last = `exit ${r.code}: ${r.stdout}${r.stderr}`;
      if ((r.code === 0 || args[0] === 'nslookup') && check(r.stdout)) return r.stdout;
      await new Promise((res) => setTimeout(res, 500));
    }
    assert.fail(`kubectl exec client -- ${args.join(' ')}: ${last}`);
  };

  it('apply a Service and two pods; the client resolves and reaches the Service', async () => {
    const apply = await ok(['apply', '-f', '-'], { stdin: manifest(c.namespace) });
    assert.match(apply.stdout, /service\/web created/);
    assert.match(apply.stdout, /pod\/client created/);
    await ok(['wait', '--for=condition=Ready', 'pod/web', 'pod/client', '--timeout=120s']);
    const ip = (await ok(['get', 'service', 'web', '-o', 'jsonpath={.spec.clusterIP}'])).stdout;
    assert.match(ip, /^\d+\.\d+\.\d+\.\d+$/);

    const looked = await execUntil(['nslookup', 'web'], (out) => out.includes(ip));
    assert.match(looked, new RegExp(`web\\.${c.namespace}\\.svc\\.cluster\\.local`));
    // The pod's resolver is the kube-dns Service, as on kubeadm-made clusters.
    const dns = (await ok(['get', 'service', '-n', 'kube-system', 'kube-dns', '-o', 'jsonpath={.spec.clusterIP}']))
      .stdout;
    assert.match(looked, new RegExp(`Server:\\s+${dns.replaceAll('.', '\\.')}\\b`));

    const body = await execUntil(['timeout', '5', 'wget', '-qO-', 'http://web'], (out) => out.length > 0);
    assert.equal(body, `hello from ${c.namespace}\n`);
    // The fully qualified name and the cluster IP itself.
    const fq = await execUntil(
      ['timeout', '5', 'wget', '-qO-', `http://web.${c.namespace}.svc.cluster.local/`],
      Boolean,
    );
    assert.equal(fq, body);
    assert.equal(await execUntil(['timeout', '5', 'wget', '-qO-', `http://${ip}/`], Boolean), body);
  });

  it('resolves headless services to pod IPs and pod hostname.subdomain names', async () => {
    const podIP = (await ok(['get', 'pod', 'web', '-o', 'jsonpath={.status.podIP}'])).stdout;
    assert.match(podIP, /^\d+\.\d+\.\d+\.\d+$/);
    await execUntil(['nslookup', 'web-headless'], (out) => out.includes(podIP));
    await execUntil(['nslookup', `web-0.web-headless.${c.namespace}.svc.cluster.local`], (out) => out.includes(podIP));
    const body = await execUntil(['timeout', '5', 'wget', '-qO-', 'http://web-0.web-headless/'], Boolean);
    assert.equal(body, `hello from ${c.namespace}\n`);
  });

  it('answers NXDOMAIN for unknown names and forwards nothing', async () => {
    const r = await c.kubectl(['exec', 'client', '--', 'nslookup', 'no-such-service']);
    assert.notEqual(r.code, 0, r.stdout);
    assert.match(r.stdout + r.stderr, new RegExp(`no-such-service\\.${c.namespace}\\.svc\\.cluster\\.local: NXDOMAIN`));
    const outside = await c.kubectl(['exec', 'client', '--', 'nslookup', 'example.com']);
    assert.notEqual(outside.code, 0, outside.stdout);
    assert.match(outside.stdout + outside.stderr, /example\.com: REFUSED/);
  });

  it('a deleted Service stops resolving', async () => {
    const ip = (await ok(['get', 'service', 'web', '-o', 'jsonpath={.spec.clusterIP}'])).stdout;
    await ok(['delete', 'service', 'web']);
    const fqdn = `web.${c.namespace}.svc.cluster.local`;
    await execUntil(
      ['sh', '-c', 'nslookup web 2>&1; true'],
      (out) => !out.includes(ip) && out.includes(`${fqdn}: NXDOMAIN`),
    );
    const r = await c.kubectl(['exec', 'client', '--', 'timeout', '5', 'wget', '-qO-', `http://${ip}/`]);
    assert.notEqual(r.code, 0, `the deleted service's cluster IP still answers: ${r.stdout}`);
  });
});
