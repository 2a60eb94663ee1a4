package main

import (
	"encoding/json"
	"fmt"
	"os"
	"strings"

	"sigs.k8s.io/yaml"
)

// KWOK manages exactly the nodes that carry this annotation (see the kwok flags).
const fakeNodeAnnotation = "kwok.x-k8s.io/node"

// node is one entry of the nodes file shared with the Java sandbox:
//
//	nodes:
//	  - name: node-1
//	    cpu: "4"
//	    memory: 8Gi
//	    pods: 110            # optional
//	    labels: {}           # optional
type node struct {
	Name   string            `json:"name"`
	CPU    quantity          `json:"cpu"`
	Memory quantity          `json:"memory"`
	Pods   quantity          `json:"pods"`
	Labels map[string]string `json:"labels"`
}

// quantity accepts both `cpu: 4` and `cpu: "4"`; the API server validates the value.
type quantity string

func (q *quantity) UnmarshalJSON(b []byte) error {
	var s string
	if err := json.Unmarshal(b, &s); err == nil {
		*q = quantity(s)
		return nil
	}
	var n json.Number
	if err := json.Unmarshal(b, &n); err != nil {
		return fmt.Errorf("want a quantity such as 4, \"500m\" or 8Gi, got %s", b)
	}
	*q = quantity(n.String())
	return nil
}

func defaultNodes() []node {
	var ns []node
	for i := 1; i <= 3; i++ {
		ns = append(ns, node{Name: fmt.Sprintf("node-%d", i), CPU: "4", Memory: "8Gi", Pods: "110"})
	}
	return ns
}

func loadNodes(path string) ([]node, error) {
	if path == "" {
		return defaultNodes(), nil
	}
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("cannot read the nodes file (%v); pass an existing file with --nodes.", err)
	}
	var f struct {
		Nodes []node `json:"nodes"`
	}
	if err := yaml.UnmarshalStrict(data, &f); err != nil {
		return nil, fmt.Errorf("the nodes file %s is not valid (%v); see testbed/README.md for its format.", path, err)
	}
	if len(f.Nodes) == 0 {
		return nil, fmt.Errorf("the nodes file %s lists no nodes; add at least one under \"nodes:\".", path)
	}
	seen := map[string]bool{}
	for i := range f.Nodes {
		n := &f.Nodes[i]
		if n.Name == "" || n.CPU == "" || n.Memory == "" {
			return nil, fmt.Errorf("node %d in %s needs name, cpu and memory.", i+1, path)
		}
		if seen[n.Name] {
			return nil, fmt.Errorf("node %s appears twice in %s.", n.Name, path)
		}
		seen[n.Name] = true
		if n.Pods == "" {
			n.Pods = "110"
		}
	}
	return f.Nodes, nil
}

// object is the Node as a kubelet would register it: capacity and node info in the status.
// KWOK keeps both and adds the conditions, addresses and kubelet endpoint.
func (n node) object() map[string]any {
	labels := map[string]string{
		"kubernetes.io/hostname": n.Name,
		"kubernetes.io/os":       "linux",
		"kubernetes.io/arch":     "amd64",
		"type":                   "kwok",
	}
	for k, v := range n.Labels {
		labels[k] = v
	}
	resources := map[string]string{"cpu": string(n.CPU), "memory": string(n.Memory), "pods": string(n.Pods)}
	return map[string]any{
		"apiVersion": "v1",
		"kind":       "Node",
		"metadata": map[string]any{
			"name":        n.Name,
			"labels":      labels,
			"annotations": map[string]string{fakeNodeAnnotation: "fake", "node.alpha.kubernetes.io/ttl": "0"},
		},
		"status": map[string]any{
			"capacity":    resources,
			"allocatable": resources,
			"nodeInfo": map[string]string{
				"architecture":            "amd64",
				"operatingSystem":         "linux",
				"osImage":                 "kubetape testbed (KWOK)",
				"kernelVersion":           "kwok",
				"kubeletVersion":          k8sVersion(),
				"containerRuntimeVersion": "kwok://" + kwokVersion(),
			},
		},
	}
}

// The versions the nodes report; testbed/up passes them from versions.env.
func k8sVersion() string  { return envOr("KUBETAPE_TESTBED_K8S_VERSION", "v1.34.4") }
func kwokVersion() string { return envOr("KUBETAPE_TESTBED_KWOK_VERSION", "v0.7.0") }

func envOr(name, def string) string {
	if v := strings.TrimSpace(os.Getenv(name)); v != "" {
		return v
	}
	return def
}
