package main

import (
	"bytes"
	"context"
	"crypto/tls"
	"crypto/x509"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"time"

	"kubetape.dev/testbed/internal/catalog"
)

// Everything is local, so everything is fast; the limits only catch hangs.
const (
	startupTimeout = 120 * time.Second
	pollInterval   = 200 * time.Millisecond
)

// The service network is never routed anywhere (there are no real pods), but the API server
// needs one and the serving certificate names its first address.
const serviceCIDR = "10.96.0.0/12" // kubeadm's default, and the sandbox's

type cluster struct {
	url        string
	adminToken string
	client     *http.Client
}

func startCluster(ctx context.Context, sup *supervisor, o options, dir string, cat *catalog.Catalog, nodes []node) (*cluster, error) {
	ports, err := freePorts(6)
	if err != nil {
		return nil, fmt.Errorf("cannot find free ports: %w", err)
	}
	etcdPort, etcdPeerPort, apiPort, kcmPort, schedPort, kwokPort := ports[0], ports[1], ports[2], ports[3], ports[4], ports[5]

	// Trust material and credentials.
	p, err := newPKI(filepath.Join(dir, "pki"))
	if err != nil {
		return nil, fmt.Errorf("cannot create certificates: %w", err)
	}
	loopback := []net.IP{net.ParseIP("127.0.0.1")}
	if err := p.serving("apiserver", []string{"localhost", "kubernetes", "kubernetes.default", "kubernetes.default.svc",
		"kubernetes.default.svc.cluster.local"}, append(loopback, net.ParseIP("10.96.0.1"))); err != nil {
		return nil, err
	}
	if err := p.serving("kwok", []string{"localhost"}, loopback); err != nil {
		return nil, err
	}
	if err := p.serviceAccountKeys(); err != nil {
		return nil, err
	}
	// Static bearer tokens: "token,user,uid,groups". The controller-manager and scheduler
	// get their usual identities, which the bootstrap RBAC policy already binds; the test
	// admin and KWOK (which writes node and pod status for every node) are cluster admins.
	tokens := map[string]string{"admin": randomToken(), "kcm": randomToken(), "scheduler": randomToken(), "kwok": randomToken()}
	tokenFile := filepath.Join(p.dir, "tokens.csv")
	if err := os.WriteFile(tokenFile, []byte(strings.Join([]string{
		tokens["admin"] + `,testbed-admin,testbed-admin,"system:masters"`,
		tokens["kcm"] + ",system:kube-controller-manager,system:kube-controller-manager",
		tokens["scheduler"] + ",system:kube-scheduler,system:kube-scheduler",
		tokens["kwok"] + `,kwok,kwok,"system:masters"`,
	}, "\n")+"\n"), 0o600); err != nil {
		return nil, err
	}

	url := fmt.Sprintf("https://127.0.0.1:%d", apiPort)
	kubeconfig := func(path, user string) error {
		return writeKubeconfig(path, url, p.caPEM, user, tokens[user])
	}
	if err := os.MkdirAll(filepath.Dir(o.kubeconfigOut), 0o700); err != nil {
		return nil, fmt.Errorf("cannot create the folder of %s: %w", o.kubeconfigOut, err)
	}
	for path, user := range map[string]string{o.kubeconfigOut: "admin", filepath.Join(dir, "admin.kubeconfig"): "admin",
		filepath.Join(dir, "kcm.kubeconfig"): "kcm", filepath.Join(dir, "scheduler.kubeconfig"): "scheduler",
		filepath.Join(dir, "kwok.kubeconfig"): "kwok"} {
		if err := kubeconfig(path, user); err != nil {
			return nil, fmt.Errorf("cannot write %s: %w", path, err)
		}
	}
	stagesFile := filepath.Join(dir, "kwok-stages.yaml")
	if err := os.WriteFile(stagesFile, catalog.Stages(cat), 0o600); err != nil {
		return nil, err
	}

	c := &cluster{url: url, adminToken: tokens["admin"], client: httpClient(p.caPEM)}
	bin := func(name string) string { return filepath.Join(o.binDir, name) }
	port := func(n int) string { return fmt.Sprint(n) }

	// etcd: one member, data in the temp folder. fsync buys nothing for a throw-away cluster.
	etcdURL := fmt.Sprintf("http://127.0.0.1:%d", etcdPort)
	peerURL := fmt.Sprintf("http://127.0.0.1:%d", etcdPeerPort)
	etcd, err := sup.start("etcd", bin("etcd"),
		"--name=testbed", "--data-dir="+filepath.Join(dir, "etcd"),
		"--listen-client-urls="+etcdURL, "--advertise-client-urls="+etcdURL,
		"--listen-peer-urls="+peerURL, "--initial-advertise-peer-urls="+peerURL,
		"--initial-cluster=testbed="+peerURL, "--unsafe-no-fsync=true",
		"--listen-metrics-urls=", "--log-level=warn")
	if err != nil {
		return nil, err
	}
	if err := waitFor(ctx, sup, etcd, "etcd to answer", func() bool {
		code, body, _ := plainGet(etcdURL + "/health")
		return code == 200 && bytes.Contains(body, []byte(`"true"`))
	}); err != nil {
		return nil, err
	}

	apiserver, err := sup.start("kube-apiserver", bin("kube-apiserver"),
		"--etcd-servers="+etcdURL,
		"--bind-address=127.0.0.1", "--advertise-address=127.0.0.1", "--secure-port="+port(apiPort),
		"--cert-dir="+filepath.Join(dir, "apiserver"),
		"--tls-cert-file="+p.path("apiserver.crt"), "--tls-private-key-file="+p.path("apiserver.key"),
		"--client-ca-file="+p.path("ca.crt"),
		"--token-auth-file="+tokenFile,
		"--service-account-issuer=https://kubernetes.default.svc.cluster.local",
		"--service-account-key-file="+p.path("sa.pub"), "--service-account-signing-key-file="+p.path("sa.key"),
		"--authorization-mode=Node,RBAC",
		"--enable-admission-plugins=NamespaceLifecycle,LimitRanger,ServiceAccount,DefaultTolerationSeconds,"+
			"DefaultStorageClass,StorageObjectInUseProtection,PersistentVolumeClaimResize,RuntimeClass,Priority,"+
			"NodeRestriction,TaintNodesByCondition,MutatingAdmissionWebhook,ValidatingAdmissionPolicy,"+
			"ValidatingAdmissionWebhook,ResourceQuota",
		"--service-cluster-ip-range="+serviceCIDR,
		"--kubelet-preferred-address-types=InternalIP",
		// KWOK serves the kubelet API (logs, exec) with a certificate from our CA.
		"--kubelet-certificate-authority="+p.path("ca.crt"),
		"--allow-privileged=true",
		// The "kubernetes" Service would point at 127.0.0.1, which Endpoints may not contain.
		"--endpoint-reconciler-type=none",
		"--profiling=false")
	if err != nil {
		return nil, err
	}
	if err := waitFor(ctx, sup, apiserver, "kube-apiserver to become ready", func() bool {
		code, _, _ := c.get("/readyz")
		return code == 200
	}); err != nil {
		return nil, err
	}

	if err := c.installLogsCRD(ctx, sup, apiserver); err != nil {
		return nil, err
	}
	logFiles := filepath.Join(dir, "container-logs")
	if err := writeLogFiles(logFiles, cat); err != nil {
		return nil, err
	}

	kcm, err := sup.start("kube-controller-manager", bin("kube-controller-manager"),
		"--kubeconfig="+filepath.Join(dir, "kcm.kubeconfig"),
		"--bind-address=127.0.0.1", "--secure-port="+port(kcmPort),
		"--cert-dir="+filepath.Join(dir, "kcm"),
		"--leader-elect=false",
		"--controllers=*",
		"--root-ca-file="+p.path("ca.crt"),
		"--service-account-private-key-file="+p.path("sa.key"),
		"--use-service-account-credentials=true",
		"--cluster-signing-cert-file="+p.path("ca.crt"), "--cluster-signing-key-file="+p.path("ca.key"),
		"--service-cluster-ip-range="+serviceCIDR,
		"--profiling=false")
	if err != nil {
		return nil, err
	}
	sched, err := sup.start("kube-scheduler", bin("kube-scheduler"),
		"--kubeconfig="+filepath.Join(dir, "scheduler.kubeconfig"),
		"--bind-address=127.0.0.1", "--secure-port="+port(schedPort),
		"--cert-dir="+filepath.Join(dir, "scheduler"),
		"--leader-elect=false",
		"--profiling=false")
	if err != nil {
		return nil, err
	}
	kwokAddr := fmt.Sprintf("127.0.0.1:%d", kwokPort)
	kwok, err := sup.start("kwok", bin("kwok"),
		"--kubeconfig="+filepath.Join(dir, "kwok.kubeconfig"),
		"--config="+stagesFile,
		"--manage-all-nodes=false",
		"--manage-nodes-with-annotation-selector="+fakeNodeAnnotation+"=fake",
		// The nodes' InternalIP and kubelet port: the API server reaches KWOK's kubelet API there.
		"--node-ip=127.0.0.1", "--node-port="+port(kwokPort), "--server-address="+kwokAddr,
		"--tls-cert-file="+p.path("kwok.crt"), "--tls-private-key-file="+p.path("kwok.key"),
		"--cidr=10.244.0.1/16",
		"--node-lease-duration-seconds=40",
		"--enable-crds=Logs") // per-pod log files, see logs.go
	if err != nil {
		return nil, err
	}

	for _, n := range nodes {
		if err := c.createNode(n); err != nil {
			return nil, err
		}
	}

	if err := c.logsWatcher(ctx, cat, logFiles); err != nil {
		return nil, err
	}

	// "kubectl can deploy": the default namespace and its service account exist (the
	// controller-manager creates the latter), every node is Ready, and the controller-manager
	// and scheduler answer their health checks.
	insecure := &http.Client{Timeout: 2 * time.Second, Transport: &http.Transport{TLSClientConfig: &tls.Config{InsecureSkipVerify: true}}}
	healthy := func(port int) bool {
		resp, err := insecure.Get(fmt.Sprintf("https://127.0.0.1:%d/healthz", port))
		if err != nil {
			return false
		}
		resp.Body.Close()
		return resp.StatusCode == 200
	}
	checks := []struct {
		what string
		p    *proc
		ok   func() bool
	}{
		{"kube-controller-manager to become healthy", kcm, func() bool { return healthy(kcmPort) }},
		{"kube-scheduler to become healthy", sched, func() bool { return healthy(schedPort) }},
		{"the default service account", kcm, func() bool {
			code, _, _ := c.get("/api/v1/namespaces/default/serviceaccounts/default")
			return code == 200
		}},
		{"all nodes to become Ready", kwok, func() bool { return c.nodesReady(nodes) }},
	}
	for _, ch := range checks {
		if err := waitFor(ctx, sup, ch.p, ch.what, ch.ok); err != nil {
			return nil, err
		}
	}
	return c, nil
}

// waitFor polls ok until it holds; it gives up when the context ends, the startup timeout
// passes, or any component dies (p is the one most likely to be at fault, named in the timeout message).
func waitFor(ctx context.Context, sup *supervisor, p *proc, what string, ok func() bool) error {
	deadline := time.NewTimer(startupTimeout)
	defer deadline.Stop()
	tick := time.NewTicker(pollInterval)
	defer tick.Stop()
	for {
		if ok() {
			return nil
		}
		select {
		case <-ctx.Done():
			return ctx.Err()
		case d := <-sup.died:
			return &diedError{d}
		case <-deadline.C:
			return fmt.Errorf("gave up after %s waiting for %s; last lines of %s:\n%s", startupTimeout, what, p.logPath, p.logTail(15))
		case <-tick.C:
		}
	}
}

func httpClient(caPEM []byte) *http.Client {
	pool := x509.NewCertPool()
	pool.AppendCertsFromPEM(caPEM)
	return &http.Client{Timeout: 5 * time.Second, Transport: &http.Transport{TLSClientConfig: &tls.Config{RootCAs: pool}}}
}

func plainGet(url string) (int, []byte, error) {
	resp, err := (&http.Client{Timeout: 2 * time.Second}).Get(url)
	if err != nil {
		return 0, nil, err
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(resp.Body)
	return resp.StatusCode, body, err
}

func (c *cluster) do(method, path string, body []byte) (int, []byte, error) {
	req, err := http.NewRequest(method, c.url+path, bytes.NewReader(body))
	if err != nil {
		return 0, nil, err
	}
	req.Header.Set("Authorization", "Bearer "+c.adminToken)
	req.Header.Set("Content-Type", "application/json")
	resp, err := c.client.Do(req)
	if err != nil {
		return 0, nil, err
	}
	defer resp.Body.Close()
	data, err := io.ReadAll(resp.Body)
	return resp.StatusCode, data, err
}

func (c *cluster) get(path string) (int, []byte, error) { return c.do(http.MethodGet, path, nil) }

func (c *cluster) createNode(n node) error {
	body, err := json.Marshal(n.object())
	if err != nil {
		return err
	}
	code, resp, err := c.do(http.MethodPost, "/api/v1/nodes", body)
	if err != nil {
		return fmt.Errorf("cannot create node %s: %w", n.Name, err)
	}
	if code != http.StatusCreated && code != http.StatusConflict {
		return fmt.Errorf("the API server refused node %s (HTTP %d): %s", n.Name, code, apiMessage(resp))
	}
	return nil
}

// nodesReady reports whether every node of the nodes file has condition Ready=True.
func (c *cluster) nodesReady(nodes []node) bool {
	code, body, err := c.get("/api/v1/nodes")
	if err != nil || code != 200 {
		return false
	}
	var list struct {
		Items []struct {
			Metadata struct{ Name string }
			Status   struct {
				Conditions []struct{ Type, Status string }
			}
		}
	}
	if json.Unmarshal(body, &list) != nil {
		return false
	}
	ready := map[string]bool{}
	for _, it := range list.Items {
		for _, cond := range it.Status.Conditions {
			if cond.Type == "Ready" && cond.Status == "True" {
				ready[it.Metadata.Name] = true
			}
		}
	}
	for _, n := range nodes {
		if !ready[n.Name] {
			return false
		}
	}
	return true
}

// apiMessage extracts the message of a Kubernetes Status response, or returns the body.
func apiMessage(body []byte) string {
	var st struct{ Message string }
	if json.Unmarshal(body, &st) == nil && st.Message != "" {
		return st.Message
	}
	return strings.TrimSpace(string(body))
}

func writeKubeconfig(path, server string, caPEM []byte, user, token string) error {
	cfg := fmt.Sprintf(`apiVersion: v1
kind: Config
clusters:
- name: testbed
  cluster:
    server: %s
    certificate-authority-data: %s
users:
- name: testbed-%s
  user:
    token: %s
contexts:
- name: testbed
  context:
    cluster: testbed
    user: testbed-%s
    namespace: default
current-context: testbed
`, server, base64.StdEncoding.EncodeToString(caPEM), user, token, user)
	return os.WriteFile(path, []byte(cfg), 0o600)
}
