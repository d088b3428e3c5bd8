// A kubeconfig for the simulated API server: its URL, the CA that signed its certificate, a bearer token.
export function kubeconfigYaml(url: string, caPem: string, token: string): string {
  return `apiVersion: v1
kind: Config
clusters:
- name: sim
  cluster:
    server: ${url}
    certificate-authority-data: ${Buffer.from(caPem).toString('base64')}
users:
- name: sim
  user:
    token: ${token}
contexts:
- name: sim
  context:
    cluster: sim
    user: sim
    namespace: default
current-context: sim
`;
}
